"""Building the station's sync engine from its settings and credential store.

The desktop app and ``giveaway-desk sync`` both call :func:`station_engine`;
the connectors are made on first use, so a station that is not connected yet
still starts (its effects wait, and the status says what to set up).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from app.domain.credentials import CredentialStore
from app.net.shopify import ShopifyClient, ShopifyConfig, open_client
from app.net.tiktok import NotConfiguredError, TikTokConfig, TikTokShopClient
from app.services.bench import Bench
from app.services.sync_engine import Sleep, SyncEngine, SyncSettings
from app.storage.secrets import CredentialStoreError
from app.storage.settings import load_settings

logger = logging.getLogger(__name__)


def station_engine(
    bench: Bench,
    store: CredentialStore,
    *,
    shopify_store: CredentialStore | None = None,
    sleep: Sleep | None = None,
    settings: SyncSettings | None = None,
) -> SyncEngine:
    """The sync engine for this station: TikTok always, Shopify when a shop is set.

    ``store`` holds the TikTok credentials (the keyring, usually);
    ``shopify_store`` the Shopify ones if they live elsewhere.
    """
    return SyncEngine(
        bench,
        tiktok=tiktok_factory(store),
        shopify=shopify_factory(shopify_store or store),
        sleep=sleep,
        settings=settings,
    )


def tiktok_factory(store: CredentialStore) -> Callable[[], TikTokShopClient]:
    """Makes the TikTok client on first use; refuses if credentials are missing."""

    def make() -> TikTokShopClient:
        client = TikTokShopClient(TikTokConfig.from_env(), store)
        try:
            missing = client.missing_credentials()
        except CredentialStoreError as error:
            # No keyring on this PC (or it is locked): the station is simply
            # not connected yet, which the status bar and Stores menu explain.
            client.close()
            raise NotConfiguredError(f"the keyring cannot be read ({error})") from None
        if missing:
            client.close()
            raise NotConfiguredError(
                ", ".join(missing) + " not set (connect TikTok Shop in Stores > "
                "Connect stores…, or `giveaway-desk credentials set NAME`)"
            )
        return client

    return make


def shopify_factory(store: CredentialStore) -> Callable[[], ShopifyClient] | None:
    """Makes the Shopify client on first use, or ``None`` if no shop is set up."""
    effective = load_settings().effective
    try:
        config = ShopifyConfig.from_env(
            effective.shopify_shop_domain or None,
            effective.shopify_location_id or None,
        )
    except ValueError:
        logger.info("No Shopify shop is set up; Shopify effects will wait")
        return None
    return lambda: open_client(config, store)
