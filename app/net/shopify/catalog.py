"""The catalog: every variant with SKU, barcode and stock at one location.

Shopify's search is loose (tokens, prefixes, other fields), so lookups by SKU or
barcode ask for several candidates and keep only exact matches; two exact
matches are an error the supervisor must fix in Shopify.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from app.net.shopify.client import ShopifyClient
from app.net.shopify.errors import DuplicateSkuError, ShopifyQueryTooExpensiveError
from app.net.shopify.models import ShopifyVariant

logger = logging.getLogger(__name__)

#: Variants per page. About 5 cost points each: ~250, a quarter of the
#: 1000-point cap, so even an estimate twice ours stays clear of it.
PAGE_SIZE = 50
#: Candidates fetched for a lookup, so near misses cannot hide the exact match.
LOOKUP_SIZE = 10
#: Keep each request below this share of the bucket, so refills keep pace.
_BUCKET_SHARE = 0.5
_COST_PER_VARIANT = 5


def iter_variant_pages(
    client: ShopifyClient,
    location_id: str,
    *,
    page_size: int = PAGE_SIZE,
    query: str | None = None,
) -> Iterator[list[ShopifyVariant]]:
    """Yield the catalog one page at a time, following Shopify's cursors."""
    after: str | None = None
    size = page_size
    while True:
        size = _fit_page(client, size)
        try:
            data = client.run(
                "VariantsPage",
                {
                    "first": size,
                    "after": after,
                    "query": query,
                    "locationId": location_id,
                },
            )
        except ShopifyQueryTooExpensiveError:
            if size <= 1:
                raise
            size = max(1, size // 2)
            logger.warning(
                "Catalog page too costly; asking for %d variants instead", size
            )
            continue
        connection = data["productVariants"]
        yield [_variant(node) for node in connection["nodes"]]

        page_info = connection["pageInfo"]
        if not page_info["hasNextPage"]:
            return
        after = page_info["endCursor"]


@dataclass(frozen=True)
class CatalogSummary:
    """What a catalog refresh saw."""

    variants: int
    pages: int
    without_sku: int
    duplicate_skus: tuple[str, ...]


def refresh_catalog(
    client: ShopifyClient,
    location_id: str,
    save: Callable[[Sequence[ShopifyVariant]], object],
    *,
    page_size: int = PAGE_SIZE,
) -> CatalogSummary:
    """Read the whole catalog and hand each page to ``save`` (the local cache).

    Variants without a SKU cannot be matched and are skipped; duplicate SKUs
    are saved once (the first seen) and reported, for the supervisor to fix.
    """
    seen: Counter[str] = Counter()
    pages = total = without_sku = 0
    for page in iter_variant_pages(client, location_id, page_size=page_size):
        pages += 1
        total += len(page)
        keep = []
        for variant in page:
            if not variant.sku:
                without_sku += 1
                continue
            seen[variant.sku] += 1
            if seen[variant.sku] == 1:
                keep.append(variant)
        save(keep)
        logger.debug("Catalog page %d: %d variants", pages, len(page))

    duplicates = tuple(sorted(sku for sku, count in seen.items() if count > 1))
    if duplicates:
        logger.warning("Shopify has %d SKUs on more than one variant", len(duplicates))
    logger.info("Catalog refreshed: %d variants in %d pages", total, pages)
    return CatalogSummary(total, pages, without_sku, duplicates)


def find_by_sku(
    client: ShopifyClient, sku: str, location_id: str
) -> ShopifyVariant | None:
    """The one variant whose SKU is exactly ``sku``, or ``None``."""
    return _find_exact(client, "sku", sku, location_id)


def find_by_barcode(
    client: ShopifyClient, barcode: str, location_id: str
) -> ShopifyVariant | None:
    """The one variant whose barcode is exactly ``barcode``, or ``None``."""
    return _find_exact(client, "barcode", barcode, location_id)


def quote_search_value(value: str) -> str:
    """``value`` as one quoted word of Shopify's search syntax."""
    # Inside double quotes only the quote and the backslash need escaping;
    # colons, spaces and brackets are taken literally.
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def search_term(field: str, value: str) -> str:
    """A Shopify search term matching ``value`` in ``field``."""
    return f"{field}:{quote_search_value(value)}"


def _find_exact(
    client: ShopifyClient, field: str, value: str, location_id: str
) -> ShopifyVariant | None:
    wanted = value.strip()
    data = client.run(
        "VariantsPage",
        {
            "first": LOOKUP_SIZE,
            "after": None,
            "query": search_term(field, wanted),
            "locationId": location_id,
        },
    )
    candidates = [_variant(node) for node in data["productVariants"]["nodes"]]
    exact = [v for v in candidates if getattr(v, field) == wanted]
    logger.debug(
        "Lookup by %s: %d candidates, %d exact", field, len(candidates), len(exact)
    )
    if len(exact) > 1:
        raise DuplicateSkuError(field, wanted, [v.variant_id for v in exact])
    return exact[0] if exact else None


def _fit_page(client: ShopifyClient, size: int) -> int:
    status = client.throttle.status
    if status is None:
        return size
    affordable = int(status.maximum * _BUCKET_SHARE) // _COST_PER_VARIANT
    return max(1, min(size, affordable))


def _variant(node: dict[str, Any]) -> ShopifyVariant:
    item = node.get("inventoryItem") or {}
    level = item.get("inventoryLevel")
    available: int | None = None
    if level is not None:
        for quantity in level.get("quantities") or []:
            if quantity["name"] == "available":
                available = int(quantity["quantity"])
    product = node.get("product") or {}
    return ShopifyVariant(
        variant_id=node["id"],
        sku=(node.get("sku") or "").strip(),
        barcode=(node.get("barcode") or "").strip(),
        title=node.get("title") or "",
        product_title=product.get("title") or "",
        display_name=node.get("displayName") or "",
        inventory_item_id=item.get("id") or "",
        tracked=bool(item.get("tracked")),
        available=available,
    )
