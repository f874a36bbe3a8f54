"""``giveaway-desk shopify``: refresh the local catalog from Shopify, list locations.

Connection settings come from the station's settings (shop domain, location),
overridden by ``$GIVEAWAY_DESK_SHOPIFY_URL`` and
``$GIVEAWAY_DESK_SHOPIFY_LOCATION_ID``. Credentials come from the OS keyring, or,
for headless runs, from ``$GIVEAWAY_DESK_SHOPIFY_ACCESS_TOKEN`` or
``$GIVEAWAY_DESK_SHOPIFY_CLIENT_ID`` / ``_CLIENT_SECRET`` (used, never stored).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Iterable, Sequence

from app.cli.common import fail, open_bench
from app.domain.credentials import CredentialStore, MemoryCredentialStore
from app.domain.scanning.products import catalog_gtins
from app.net.shopify import (
    ShopifyClient,
    ShopifyConfig,
    ShopifyLocation,
    ShopifyVariant,
    list_locations,
    open_client,
    refresh_catalog,
)
from app.net.shopify import auth as shopify_auth
from app.net.shopify.errors import ShopifyError
from app.services.credentials import CredentialsService
from app.services.dto import CatalogItem
from app.storage.settings import load_settings

logger = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_FAILED = 1


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``shopify catalog`` and ``shopify locations`` to the command line."""
    parser = subparsers.add_parser(
        "shopify", help="refresh the catalog from Shopify or list its locations"
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    catalog = actions.add_parser(
        "catalog", help="copy every Shopify variant into the local catalog"
    )
    catalog.add_argument("--location", metavar="ID", help="location to read stock at")
    catalog.set_defaults(handler=run_catalog)

    locations = actions.add_parser("locations", help="list the shop's locations")
    locations.set_defaults(handler=run_locations)


def run_catalog(args: argparse.Namespace) -> int:
    """Refresh the local catalog and print what changed."""
    try:
        with _client() as client:
            location = _location(client, args.location)
            bench = open_bench(args)
            try:
                batch = _Batch(bench.upsert_catalog)
                summary = refresh_catalog(client, location, batch.add)
                batch.flush()
            finally:
                bench.close()
    except (ShopifyError, ValueError) as error:
        return fail(str(error))

    sys.stdout.write(
        f"Catalog refreshed: {summary.variants} variants in {summary.pages} pages "
        f"(location {location}).\n"
    )
    if summary.without_sku:
        sys.stdout.write(f"Skipped {summary.without_sku} variants without a SKU.\n")
    if summary.duplicate_skus:
        sys.stdout.write(
            "SKUs on more than one variant (fix in Shopify): "
            + ", ".join(summary.duplicate_skus)
            + "\n"
        )
    return EXIT_OK


def run_locations(args: argparse.Namespace) -> int:
    """Print the shop's locations, one a line."""
    try:
        with _client() as client:
            locations = list_locations(client)
    except (ShopifyError, ValueError) as error:
        return fail(str(error))
    for location in locations:
        sys.stdout.write(_location_line(location) + "\n")
    return EXIT_OK


def catalog_items(variants: Iterable[ShopifyVariant]) -> list[CatalogItem]:
    """Shopify variants as the local catalog stores them."""
    items = []
    for variant in variants:
        gtins = catalog_gtins(variant.barcode) if variant.barcode else ()
        title = variant.display_name or variant.product_title or variant.sku
        items.append(
            CatalogItem(
                sku=variant.sku,
                title=title,
                gtin=gtins[0] if gtins else None,
                barcode=variant.barcode or None,
                product_title=variant.product_title,
                variant_title=variant.title,
                shopify_variant_id=variant.variant_id,
                inventory_item_id=variant.inventory_item_id,
                available=variant.available,
            )
        )
    return items


class _Batch:
    """Collects catalog pages and writes them a thousand variants at a time."""

    SIZE = 1000

    def __init__(self, write: Callable[[list[CatalogItem]], object]) -> None:
        self._write = write
        self._items: list[CatalogItem] = []

    def add(self, page: Sequence[ShopifyVariant]) -> None:
        """Take one page; write when a thousand are waiting."""
        # Each write reads the whole cached catalog once; fewer, larger
        # writes keep a big refresh quick.
        self._items.extend(catalog_items(page))
        if len(self._items) >= self.SIZE:
            self.flush()

    def flush(self) -> None:
        """Write whatever is waiting."""
        if self._items:
            self._write(self._items)
            self._items = []


def _client() -> ShopifyClient:
    settings = load_settings().effective
    config = ShopifyConfig.from_env(
        settings.shopify_shop_domain or None, settings.shopify_location_id or None
    )
    return open_client(config, _credential_store())


def _credential_store() -> CredentialStore:
    # Headless runs bring their credentials in the environment; they must not
    # need (or touch) a keyring.
    headless = (shopify_auth.ACCESS_TOKEN_ENV, shopify_auth.CLIENT_ID_ENV)
    if any(os.environ.get(name) for name in headless):
        return MemoryCredentialStore()
    return CredentialsService.from_settings().store


def _location(client: ShopifyClient, chosen: str | None) -> str:
    if chosen:
        return chosen
    if client.config.location_id:
        return client.config.location_id
    locations = list_locations(client)
    primary = [loc for loc in locations if loc.is_primary] or locations
    if not primary:
        raise ValueError("the shop has no location; add one in Shopify")
    logger.info("No location chosen; using %s", primary[0].name)
    return primary[0].location_id


def _location_line(location: ShopifyLocation) -> str:
    marks: Sequence[str] = [
        mark
        for mark, on in (
            ("primary", location.is_primary),
            ("app-managed", location.app_managed),
            ("inactive", not location.is_active),
        )
        if on
    ]
    where = ", ".join(part for part in (location.city, location.country_code) if part)
    extra = f" [{', '.join(marks)}]" if marks else ""
    return f"{location.location_id}\t{location.name}\t{where}{extra}"
