"""Wiring a TikTok connector to a simulated shop, for tests and benchmarks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.domain.credentials import MemoryCredentialStore, Secret
from app.net.tiktok import credentials as names
from app.net.tiktok.client import TikTokShopClient
from app.net.tiktok.config import TikTokConfig
from app.net.tiktok.retry import default_policy
from app.sim.tiktok import SimTransport, TikTokShopSim

#: Canary values: they must never show up in any log line.
CANARY_APP_KEY = "canary-app-key-5d1e"
CANARY_SECRET = "canary-secret-9b7f2c41"
#: Every token the simulator issues starts with this.
TOKEN_PREFIX = "TTP_sim"


def make_sim(
    orders: list[dict[str, Any]] | None = None, **options: Any
) -> TikTokShopSim:
    """A simulated shop with the canary app credentials and ``orders``."""
    sim = TikTokShopSim(app_key=CANARY_APP_KEY, app_secret=CANARY_SECRET, **options)
    if orders:
        sim.seed_orders(orders)
    return sim


def authorized_store(sim: TikTokShopSim) -> MemoryCredentialStore:
    """A credential store holding the app keys and a fresh token pair from ``sim``."""
    tokens = sim.issue_tokens()
    return MemoryCredentialStore(
        {
            names.APP_KEY: Secret(sim.app_key),
            names.APP_SECRET: Secret(sim.app_secret),
            names.ACCESS_TOKEN: Secret(tokens["access_token"]),
            names.REFRESH_TOKEN: Secret(tokens["refresh_token"]),
            names.ACCESS_EXPIRES_AT: Secret(str(tokens["access_token_expire_in"])),
            names.REFRESH_EXPIRES_AT: Secret(str(tokens["refresh_token_expire_in"])),
        }
    )


class RecordedSleeps(list[float]):
    """A ``sleep`` that records the delays instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def connect(
    sim: TikTokShopSim,
    store: MemoryCredentialStore,
    *,
    base_url: str | None = None,
    sleep: Callable[[float], None] | None = None,
    attempts: int = 6,
) -> TikTokShopClient:
    """A client talking to ``sim`` over loopback (``base_url``) or in-process."""
    if base_url:
        config = TikTokConfig(api_base_url=base_url, auth_base_url=base_url)
    else:
        config = TikTokConfig(
            api_base_url="https://open-api.sim.invalid/",
            auth_base_url="https://auth.sim.invalid/",
            transport=SimTransport(sim),
        )
    return TikTokShopClient(
        config,
        store,
        policy=default_policy(attempts),
        sleep=sleep if sleep is not None else RecordedSleeps(),
        clock=sim.clock,
    )
