"""Frozen settings of one Shopify connection."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import httpx

from app import __version__

logger = logging.getLogger(__name__)

#: The Admin API version this connector is written for. 2026-10 is the newest
#: stable version on the day it was pinned; our documents are validated against
#: the 2026-04 schema, the newest one we hold, and use nothing 2026-10 dropped.
API_VERSION = "2026-10"

SHOP_URL_ENV = "GIVEAWAY_DESK_SHOPIFY_URL"
LOCATION_ENV = "GIVEAWAY_DESK_SHOPIFY_LOCATION_ID"


def _default_timeout() -> httpx.Timeout:
    return httpx.Timeout(30.0, connect=10.0)


@dataclass(frozen=True)
class ShopifyConfig:
    """Where and how to reach one shop's Admin GraphQL API."""

    shop_url: str
    api_version: str = API_VERSION
    location_id: str | None = None
    timeout: httpx.Timeout = field(default_factory=_default_timeout)
    user_agent: str = f"GiveawayDesk/{__version__}"
    max_attempts: int = 4
    throttle_attempts: int = 20

    def __post_init__(self) -> None:
        # Settings may hold a bare domain ("shop.myshopify.com"); a trailing
        # slash makes relative paths join the way one expects.
        url = self.shop_url.strip()
        if "://" not in url:
            url = "https://" + url
        if not url.endswith("/"):
            url += "/"
        object.__setattr__(self, "shop_url", url)

    @property
    def graphql_path(self) -> str:
        """The GraphQL endpoint, relative to the shop URL."""
        return f"admin/api/{self.api_version}/graphql.json"

    @property
    def token_path(self) -> str:
        """The OAuth token endpoint used by the client-credentials grant."""
        return "admin/oauth/access_token"

    @classmethod
    def from_env(
        cls,
        shop_url: str | None = None,
        location_id: str | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> ShopifyConfig:
        """Settings from the arguments, with the environment overriding them."""
        env = os.environ if environ is None else environ
        url = env.get(SHOP_URL_ENV) or shop_url
        if not url:
            raise ValueError(
                f"no Shopify shop address: set it in the settings or in ${SHOP_URL_ENV}"
            )
        return cls(shop_url=url, location_id=env.get(LOCATION_ENV) or location_id)

    def with_location(self, location_id: str) -> ShopifyConfig:
        """A copy that works at another location."""
        return replace(self, location_id=location_id)
