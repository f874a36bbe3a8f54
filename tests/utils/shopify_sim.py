"""Wiring the Shopify connector to a simulated shop, for tests and benchmarks."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from app.domain.credentials import MemoryCredentialStore, Secret
from app.net.shopify import auth
from app.net.shopify.client import ShopifyClient, open_client
from app.net.shopify.config import ShopifyConfig
from app.sim.shopify import ShopifySimulator, SimSettings

#: Canary secrets: they must never show up in any log line.
CANARY_CLIENT_ID = "canary-shopify-client-4f2a"
CANARY_CLIENT_SECRET = "canary-shopify-secret-88c1d"
SHOP_URL = "https://giveaway-test.myshopify.com"


class FakeClock:
    """Simulated time shared by the simulator and the client: sleeping is instant."""

    def __init__(self, start: float = 10_000.0) -> None:
        self.value = start
        self.slept = 0.0

    def now(self) -> float:
        """The current simulated time, in seconds."""
        return self.value

    def sleep(self, seconds: float) -> None:
        """Let ``seconds`` pass at once."""
        self.value += max(0.0, seconds)
        self.slept += max(0.0, seconds)


@dataclass
class Shop:
    """A simulated shop with one warehouse location, on a fake clock."""

    sim: ShopifySimulator
    clock: FakeClock
    location_id: str


def make_shop(
    bucket_size: float = 1000.0, restore_rate: float = 100.0, **settings: object
) -> Shop:
    """A shop whose client id and secret are the canary values."""
    clock = FakeClock()
    sim = ShopifySimulator(
        SimSettings(
            bucket_size=bucket_size,
            restore_rate=restore_rate,
            client_id=CANARY_CLIENT_ID,
            client_secret=CANARY_CLIENT_SECRET,
            **settings,  # type: ignore[arg-type]
        ),
        clock=clock.now,
        sleep=clock.sleep,
    )
    location = sim.state.add_location("Main warehouse")
    return Shop(sim, clock, location.id)


def app_store() -> MemoryCredentialStore:
    """A credential store holding the app's client id and secret."""
    return MemoryCredentialStore(
        {
            auth.CLIENT_ID: Secret(CANARY_CLIENT_ID),
            auth.CLIENT_SECRET: Secret(CANARY_CLIENT_SECRET),
        }
    )


def connect(
    shop: Shop,
    store: MemoryCredentialStore | None = None,
    *,
    transport: httpx.BaseTransport | None = None,
    shop_url: str = SHOP_URL,
    max_attempts: int = 4,
) -> ShopifyClient:
    """A client on the shop's in-process transport (or ``transport``)."""
    config = ShopifyConfig(shop_url, max_attempts=max_attempts)
    return open_client(
        config,
        store if store is not None else app_store(),
        transport=transport or shop.sim.transport(),
        clock=shop.clock.now,
        sleep=shop.clock.sleep,
        wall_clock=shop.clock.now,
    )
