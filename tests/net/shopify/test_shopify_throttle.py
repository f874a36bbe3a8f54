"""Cost-based throttling: callers never see Shopify's THROTTLED, they just wait."""

from __future__ import annotations

import pytest

from app.net.shopify import (
    StockTake,
    list_locations,
    take_units,
    tiktok_order_reference,
)
from app.net.shopify.errors import ShopifyThrottledError
from app.sim.shopify import Fault
from tests.utils.shopify_sim import Shop, connect, make_shop


def _takes(shop: Shop, count: int) -> tuple[str, list[StockTake]]:
    variant = shop.sim.state.add_variant(
        sku="GIVEAWAY-MUG", stock={shop.location_id: 1000}
    )
    takes = [
        StockTake.one(
            inventory_item_id=variant.inventory_item_id,
            location_id=shop.location_id,
            quantity=1,
            reference_document_uri=tiktok_order_reference(f"T-{n}"),
            idempotency_key=f"outbox-{n}",
        )
        for n in range(count)
    ]
    return variant.inventory_item_id, takes


@pytest.mark.parametrize("throttle_status", [200, 429])
def test_500_adjustments_on_a_100_point_bucket_all_succeed(
    throttle_status: int,
) -> None:
    shop = make_shop(bucket_size=100, restore_rate=50, throttle_status=throttle_status)
    item, takes = _takes(shop, 500)
    start = shop.clock.now()

    with connect(shop) as client:
        for take in takes:
            take_units(client, take)

    assert shop.sim.state.available(item, shop.location_id) == 500
    assert shop.sim.state.counters.units_adjusted[item] == 500
    # Each take costs a 3-point read and a 10-point mutation: 6500 points, of
    # which the full bucket pays 100 and the refill (50/s) the rest.
    elapsed = shop.clock.now() - start
    assert (6500 - 100) / 50 <= elapsed < 1.1 * (6500 - 100) / 50


def test_a_throttled_answer_is_waited_out_and_retried() -> None:
    shop = make_shop(bucket_size=100, restore_rate=50)
    other_app = connect(shop)
    list_locations(other_app)
    # Another app drains the shared bucket; our client knows nothing of it yet.
    shop.sim.bucket.try_take(shop.sim.bucket.available())

    with connect(shop) as client:
        locations = list_locations(client)

    assert len(locations) == 1
    assert shop.sim.state.counters.throttled >= 1
    other_app.close()


def test_http_429_with_retry_after_is_honoured() -> None:
    shop = make_shop()
    shop.sim.faults.append(Fault("status", status=429, retry_after="2.5"))
    start = shop.clock.now()

    with connect(shop) as client:
        list_locations(client)

    assert shop.clock.now() - start >= 2.5


def test_endless_throttling_ends_in_a_plain_error() -> None:
    shop = make_shop()
    shop.sim.faults.append(Fault("status", status=429, times=100))

    with (
        connect(shop) as client,
        pytest.raises(ShopifyThrottledError, match="slow down"),
    ):
        list_locations(client)
