"""The catalog: paging through many variants; exact lookups despite loose search."""

from __future__ import annotations

import pytest

from app.net.shopify import (
    find_by_barcode,
    find_by_sku,
    iter_variant_pages,
    refresh_catalog,
)
from app.net.shopify.catalog import search_term
from app.net.shopify.errors import DuplicateSkuError
from app.net.shopify.models import ShopifyVariant
from tests.utils.shopify_sim import Shop, connect, make_shop


def _fill(shop: Shop, count: int) -> None:
    for n in range(count):
        shop.sim.state.add_variant(
            sku=f"SKU-{n:05d}",
            barcode=f"{n:013d}",
            product_title=f"Product {n}",
            title="Default Title",
            stock={shop.location_id: n % 7},
        )


def test_variants_page_through_with_stock_and_under_the_cost_cap() -> None:
    # The 5,000-variant run into the local cache is in tests/cli/test_shopify_cmd.py.
    shop = make_shop(bucket_size=2000, restore_rate=100)
    _fill(shop, 1200)
    saved: list[ShopifyVariant] = []

    with connect(shop) as client:
        summary = refresh_catalog(client, shop.location_id, saved.extend)

    assert summary.variants == 1200 and summary.pages == 24
    assert summary.duplicate_skus == ()
    assert len({v.sku for v in saved}) == 1200
    third = saved[3]
    assert (third.sku, third.barcode, third.available) == (
        "SKU-00003",
        "0" * 12 + "3",
        3,
    )
    assert third.product_title == "Product 3"
    assert third.inventory_item_id.startswith("gid://shopify/InventoryItem/")
    counters = shop.sim.state.counters
    assert counters.requests["productVariants"] - counters.throttled == 24


def test_a_small_bucket_shrinks_the_pages_instead_of_failing() -> None:
    shop = make_shop(bucket_size=100, restore_rate=50)
    _fill(shop, 300)

    with connect(shop) as client:
        pages = list(iter_variant_pages(client, shop.location_id))

    assert sum(len(page) for page in pages) == 300
    assert max(len(page) for page in pages) * 5 <= 100


def test_barcode_lookup_keeps_only_the_exact_match_among_near_misses() -> None:
    shop = make_shop()
    wanted = shop.sim.state.add_variant(
        sku="TT-SERUM-30ML", barcode="0860012345674", stock={shop.location_id: 97}
    )
    for sku, near_miss in (
        ("TT-SERUM-30", "860012345674"),  # leading zero dropped
        ("TT-SERUM-30ML-2", "08600123456740"),  # one digit longer
        ("TT-SERUM", "086001234567"),  # one digit shorter
    ):
        shop.sim.state.add_variant(
            sku=sku, barcode=near_miss, stock={shop.location_id: 1}
        )

    with connect(shop) as client:
        [candidates] = list(
            iter_variant_pages(
                client, shop.location_id, query=search_term("barcode", "0860012345674")
            )
        )
        found = find_by_barcode(client, "0860012345674", shop.location_id)
        missing = find_by_barcode(client, "0860012345681", shop.location_id)

    assert len(candidates) == 4  # what Shopify's loose search hands back
    assert found is not None and found.variant_id == wanted.id
    assert found.available == 97
    assert missing is None


def test_sku_lookup_is_exact_and_flags_duplicates() -> None:
    shop = make_shop()
    shop.sim.state.add_variant(sku="MUG", stock={shop.location_id: 1})
    shop.sim.state.add_variant(sku="MUG-XL", stock={shop.location_id: 1})
    shop.sim.state.add_variant(sku="CAP", stock={shop.location_id: 1})
    shop.sim.state.add_variant(sku="CAP", stock={shop.location_id: 2})

    with connect(shop) as client:
        mug = find_by_sku(client, "MUG", shop.location_id)
        with pytest.raises(
            DuplicateSkuError, match="2 Shopify variants share the sku 'CAP'"
        ):
            find_by_sku(client, "CAP", shop.location_id)
        summary = refresh_catalog(client, shop.location_id, lambda page: None)

    assert mug is not None and mug.sku == "MUG"
    assert summary.duplicate_skus == ("CAP",)


def test_variant_not_stocked_at_the_location_has_no_quantity() -> None:
    shop = make_shop()
    other = shop.sim.state.add_location("Overflow")
    shop.sim.state.add_variant(sku="ELSEWHERE", stock={other.id: 4})

    with connect(shop) as client:
        variant = find_by_sku(client, "ELSEWHERE", shop.location_id)

    assert variant is not None and variant.available is None


@pytest.mark.parametrize("sku", ["GS-30 (RED):V2", 'MUG "XL"', "back\\slash"])
def test_skus_with_spaces_colons_quotes_and_brackets_are_found(sku: str) -> None:
    shop = make_shop()
    shop.sim.state.add_variant(sku=sku, stock={shop.location_id: 2})

    with connect(shop) as client:
        found = find_by_sku(client, sku, shop.location_id)

    assert found is not None and found.sku == sku


def test_variants_without_sku_are_counted_not_cached() -> None:
    shop = make_shop()
    shop.sim.state.add_variant(sku=None, stock={shop.location_id: 1})
    shop.sim.state.add_variant(sku="  ", stock={shop.location_id: 1})
    shop.sim.state.add_variant(sku="REAL", stock={shop.location_id: 1})
    saved: list[ShopifyVariant] = []

    with connect(shop) as client:
        summary = refresh_catalog(client, shop.location_id, saved.extend)

    assert summary.without_sku == 2
    assert [v.sku for v in saved] == ["REAL"]
