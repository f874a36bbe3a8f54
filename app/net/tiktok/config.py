"""Connection settings for TikTok Shop and the factory for its HTTP clients.

One frozen :class:`TikTokConfig` describes both hosts TikTok uses (the Open API
host and the token host). :func:`build_client` makes the single long-lived
``httpx.Client`` for one of them; the connector keeps both for its whole life
and closes them in :meth:`TikTokShopClient.close`.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field

import httpx

from app import __version__

logger = logging.getLogger(__name__)

DEFAULT_API_URL = "https://open-api.tiktokglobalshop.com/"
DEFAULT_AUTH_URL = "https://auth.tiktok-shops.com/"
API_URL_ENV = "GIVEAWAY_DESK_TIKTOK_API_URL"
AUTH_URL_ENV = "GIVEAWAY_DESK_TIKTOK_AUTH_URL"


def _with_slash(url: str) -> str:
    return url if url.endswith("/") else url + "/"


@dataclass(frozen=True, slots=True)
class TikTokConfig:
    """Where TikTok Shop lives and how patient we are with it."""

    api_base_url: str = DEFAULT_API_URL
    auth_base_url: str = DEFAULT_AUTH_URL
    timeout: httpx.Timeout = field(
        default_factory=lambda: httpx.Timeout(20.0, connect=10.0)
    )
    user_agent: str = f"GiveawayDesk/{__version__}"
    #: Replaces the network for tests and the in-process simulator.
    transport: httpx.BaseTransport | None = field(default=None, compare=False)
    #: Refresh the access token this many seconds before TikTok says it expires.
    refresh_margin_s: int = 3600

    def __post_init__(self) -> None:
        # httpx joins relative paths onto the base URL only below a trailing slash.
        object.__setattr__(self, "api_base_url", _with_slash(self.api_base_url))
        object.__setattr__(self, "auth_base_url", _with_slash(self.auth_base_url))

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str] | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> TikTokConfig:
        """The default hosts, unless the environment points somewhere else."""
        env = os.environ if environ is None else environ
        return cls(
            api_base_url=env.get(API_URL_ENV) or DEFAULT_API_URL,
            auth_base_url=env.get(AUTH_URL_ENV) or DEFAULT_AUTH_URL,
            transport=transport,
        )


def build_client(config: TikTokConfig, base_url: str) -> httpx.Client:
    """The one long-lived client for ``base_url`` (the API host or the token host)."""
    return httpx.Client(
        base_url=base_url,
        timeout=config.timeout,
        headers={"user-agent": config.user_agent},
        transport=config.transport,
        # Redirects are not part of TikTok's protocol; following one could carry
        # the token header to a host we never meant to talk to.
        follow_redirects=False,
    )
