"""TikTok Shop Open API connector (202309 endpoints): signing, tokens, orders, shipping.

Start with :class:`TikTokConfig` and :class:`TikTokShopClient`; pull orders
incrementally with :func:`pull_orders`. Errors are the types in
:mod:`app.net.tiktok.errors`, never httpx's.
"""

from app.net.tiktok.client import (
    NotConfiguredError,
    OrderPage,
    ShipOutcome,
    ShippingProvider,
    Shop,
    TikTokShopClient,
)
from app.net.tiktok.config import TikTokConfig
from app.net.tiktok.credentials import EnvCredentialStore, TokenSet
from app.net.tiktok.pull import PulledPage, pull_orders

__all__ = [
    "EnvCredentialStore",
    "NotConfiguredError",
    "OrderPage",
    "PulledPage",
    "ShipOutcome",
    "ShippingProvider",
    "Shop",
    "TikTokConfig",
    "TikTokShopClient",
    "TokenSet",
    "pull_orders",
]
