"""Orders: the Shopify copy of a TikTok sample is fulfilled, never duplicated."""

from __future__ import annotations

import pytest

from app.net.shopify import (
    ShipmentItem,
    ShopifyShipment,
    TrackingInfo,
    ZeroOrderRequest,
    create_zero_order,
    find_twin_order,
    fulfil_order,
    ship_in_shopify,
)
from app.sim.shopify import Fault
from app.sim.shopify.state import SimVariant
from tests.utils.shopify_sim import Shop, connect, make_shop

USPS = TrackingInfo(
    company="USPS",
    number="9400111899223197428490",
    url="https://tools.usps.com/go/TrackConfirmAction?tLabels=9400111899223197428490",
)


@pytest.fixture
def shop() -> Shop:
    return make_shop()


@pytest.fixture
def serum(shop: Shop) -> SimVariant:
    return shop.sim.state.add_variant(
        sku="TT-SERUM-30ML", product_title="Glow Serum", stock={shop.location_id: 10}
    )


@pytest.fixture
def serum_in_lagging_shop() -> tuple[Shop, SimVariant]:
    shop = make_shop(search_lag_seconds=3.0)
    variant = shop.sim.state.add_variant(
        sku="TT-SERUM-30ML", stock={shop.location_id: 10}
    )
    return shop, variant


def _shipment(
    shop: Shop, variant: SimVariant, order_id: str, **extra: object
) -> ShopifyShipment:
    return ShopifyShipment(
        tiktok_order_id=order_id,
        kind="sample",
        items=(ShipmentItem(variant.id, variant.inventory_item_id),),
        location_id=shop.location_id,
        tracking=USPS,
        idempotency_key=f"outbox-{order_id}",
        **extra,  # type: ignore[arg-type]
    )


def test_free_sample_already_in_shopify_is_fulfilled_on_that_order(
    shop: Shop, serum: SimVariant
) -> None:
    # TikTok's channel copied sample T-5001 as $0 order #1001 (stock committed).
    twin = shop.sim.add_channel_order(
        serum.id, tags=["Free sample"], attributes=[("TikTok order ID", "T-5001")]
    )
    available_before = shop.sim.state.available(
        serum.inventory_item_id, shop.location_id
    )

    with connect(shop) as client:
        outcome = ship_in_shopify(
            client, _shipment(shop, serum, "T-5001", create_order_when_missing=True)
        )
        again = ship_in_shopify(
            client, _shipment(shop, serum, "T-5001", create_order_when_missing=True)
        )

    counters = shop.sim.state.counters
    assert outcome.path == "existing-order" and outcome.order_id == twin.id
    assert again.order_id == twin.id
    assert counters.orders_created == 0
    assert counters.adjustments[serum.inventory_item_id] == 0
    assert counters.fulfilments[twin.id] == 1
    assert shop.sim.state.available(serum.inventory_item_id, shop.location_id) == (
        available_before
    )
    [fulfilment] = twin.fulfillments
    assert fulfilment.tracking == [
        {"company": "USPS", "number": USPS.number, "url": USPS.url}
    ]
    assert fulfilment.notify_customer is False
    assert twin.fulfillment_status() == "FULFILLED"


def test_a_near_miss_order_is_not_taken_for_the_twin(
    shop: Shop, serum: SimVariant
) -> None:
    shop.sim.add_channel_order(
        serum.id, tags=["Free sample"], attributes=[("TikTok order ID", "T-50011")]
    )

    with connect(shop) as client:
        assert find_twin_order(client, "T-5001") is None


def test_sample_without_twin_and_no_order_wanted_only_takes_stock(
    shop: Shop, serum: SimVariant
) -> None:
    with connect(shop) as client:
        outcome = ship_in_shopify(client, _shipment(shop, serum, "T-7001"))

    assert outcome.path == "stock-only"
    assert shop.sim.state.counters.units_adjusted[serum.inventory_item_id] == 1
    assert shop.sim.state.counters.orders_created == 0
    assert shop.sim.state.adjustment_groups[0]["referenceDocumentUri"] == (
        "gid://giveaway-desk/TikTokOrder/T-7001"
    )


def test_lost_order_create_answer_finds_the_order_instead_of_making_two(
    serum_in_lagging_shop: tuple[Shop, SimVariant],
) -> None:
    # Shopify's order search sees a new order only a few seconds later.
    shop, serum = serum_in_lagging_shop
    shop.sim.faults.append(Fault("lose_response", "orderCreate"))
    item = ShipmentItem(serum.id, serum.inventory_item_id)
    request = ZeroOrderRequest("T-8001", (item,), "USD", kind="giveaway")

    with connect(shop) as client:
        order = create_zero_order(client, request)

    assert shop.sim.state.counters.orders_created == 1
    assert order.total == "0.00"
    assert order.source_identifier == "T-8001"
    assert "Giveaway Desk" in order.tags
    # The order took the unit itself; nothing else did.
    assert shop.sim.state.counters.units_ordered[serum.inventory_item_id] == 1
    assert shop.sim.state.counters.adjustments[serum.inventory_item_id] == 0


def test_lost_fulfilment_answer_is_checked_before_any_retry(
    shop: Shop, serum: SimVariant
) -> None:
    twin = shop.sim.add_channel_order(serum.id, note="TikTok order T-9001")
    shop.sim.faults.append(Fault("lose_response", "fulfillmentCreate"))

    with connect(shop) as client:
        result = fulfil_order(client, twin.id, USPS)

    assert shop.sim.state.counters.fulfilments[twin.id] == 1
    assert result.fulfillment_ids == (twin.fulfillments[0].id,)


def test_customer_notified_only_when_asked(shop: Shop, serum: SimVariant) -> None:
    twin = shop.sim.add_channel_order(serum.id, attributes=[("tiktok", "T-9101")])

    with connect(shop) as client:
        fulfil_order(client, twin.id, USPS, notify_customer=True)

    assert twin.fulfillments[0].notify_customer is True


def test_giveaway_without_twin_gets_one_zero_order_fulfilled(
    shop: Shop, serum: SimVariant
) -> None:
    with connect(shop) as client:
        first = ship_in_shopify(
            client, _shipment(shop, serum, "T-6001", create_order_when_missing=True)
        )
        second = ship_in_shopify(
            client, _shipment(shop, serum, "T-6001", create_order_when_missing=True)
        )

    counters = shop.sim.state.counters
    assert first.path == "new-order" and second.path == "existing-order"
    assert first.order_id == second.order_id
    assert counters.orders_created == 1
    assert counters.fulfilments[first.order_id or ""] == 1
    assert shop.sim.state.available(serum.inventory_item_id, shop.location_id) == 9


def test_order_line_without_product_or_sku_is_fulfilled_without_error(
    shop: Shop,
) -> None:
    # Bench case C06: a connector copied a LIVE giveaway with no product or SKU.
    twin = shop.sim.add_channel_order(
        None, title="LIVE giveaway item", attributes=[("TikTok order ID", "T-0606")]
    )

    with connect(shop) as client:
        found = find_twin_order(client, "T-0606")
        assert found is not None
        result = fulfil_order(client, found.order_id, USPS)

    assert result.created
    assert twin.fulfillment_status() == "FULFILLED"


def test_sample_twin_known_only_by_attribute_is_found_by_the_tag_scan() -> None:
    # If Shopify's search does not index order attributes, only reading the
    # "Free sample" orders finds the channel's copy; nothing is taken twice.
    shop = make_shop(search_finds_attributes=False)
    serum = shop.sim.state.add_variant(
        sku="TT-SERUM-30ML", stock={shop.location_id: 10}
    )
    for n in range(30):
        shop.sim.add_channel_order(
            serum.id, tags=["Free sample"], attributes=[("TikTok order ID", f"T-9{n}")]
        )
    twin = shop.sim.add_channel_order(
        serum.id, tags=["Free sample"], attributes=[("TikTok order ID", "T-5001")]
    )
    for n in range(30):
        shop.sim.add_channel_order(
            serum.id, tags=["Free sample"], attributes=[("TikTok order ID", f"T-8{n}")]
        )

    with connect(shop) as client:
        outcome = ship_in_shopify(client, _shipment(shop, serum, "T-5001"))

    assert outcome.order_id == twin.id
    assert shop.sim.state.counters.adjustments[serum.inventory_item_id] == 0
    assert shop.sim.state.counters.fulfilments[twin.id] == 1


def test_two_item_giveaway_becomes_one_zero_order_with_two_lines(
    shop: Shop, serum: SimVariant
) -> None:
    mug = shop.sim.state.add_variant(sku="MUG", stock={shop.location_id: 5})
    shipment = ShopifyShipment(
        tiktok_order_id="T-2L",
        kind="giveaway",
        items=(
            ShipmentItem(serum.id, serum.inventory_item_id),
            ShipmentItem(mug.id, mug.inventory_item_id, quantity=2),
        ),
        location_id=shop.location_id,
        tracking=USPS,
        idempotency_key="outbox-2l",
        create_order_when_missing=True,
    )

    with connect(shop) as client:
        outcome = ship_in_shopify(client, shipment)

    order = shop.sim.state.orders[outcome.order_id or ""]
    assert [(line.sku, line.total) for line in order.fulfillment_orders[0].lines] == [
        ("TT-SERUM-30ML", 1),
        ("MUG", 2),
    ]
    assert order.total == "0.00"
    assert shop.sim.state.counters.fulfilments[order.id] == 1
    assert shop.sim.state.available(mug.inventory_item_id, shop.location_id) == 3
