"""One TikTok shipment's Shopify side, as the outbox engine will call it.

Exactly one of three paths takes the stock, never two:

1. Shopify already has a copy of the TikTok order (the channel's $0 "Free
   sample" order, or one we made earlier): fulfil it; its stock was taken when
   it was created.
2. No copy, and the store wants one: create a $0 order that takes the stock
   itself, then fulfil it.
3. No copy wanted: take the units with an inventory adjustment.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from app.net.shopify.client import ShopifyClient
from app.net.shopify.models import ShipmentItem, StockAttempt, TrackingInfo
from app.net.shopify.orders import (
    FREE_SAMPLE_TAG,
    ZeroOrderRequest,
    create_zero_order,
    find_twin_order,
    fulfil_order,
)
from app.net.shopify.stock import (
    StockLine,
    StockTake,
    take_units,
    tiktok_order_reference,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ShopifyShipment:
    """What the bench knows about one packed TikTok shipment."""

    tiktok_order_id: str
    kind: str
    items: tuple[ShipmentItem, ...]
    location_id: str
    tracking: TrackingInfo
    idempotency_key: str
    currency: str = "USD"
    create_order_when_missing: bool = False
    notify_customer: bool = False


@dataclass(frozen=True)
class ShipmentOutcome:
    """Which path ran and what it produced in Shopify."""

    path: str
    order_id: str | None = None
    fulfillment_ids: tuple[str, ...] = ()
    adjustment_group_id: str | None = None


def ship_in_shopify(
    client: ShopifyClient,
    shipment: ShopifyShipment,
    *,
    resume: StockAttempt | None = None,
    record_attempt: Callable[[StockAttempt], None] | None = None,
) -> ShipmentOutcome:
    """Do the shipment's Shopify side; safe to call again after any failure."""
    scan = FREE_SAMPLE_TAG if shipment.kind == "sample" else None
    twin = find_twin_order(client, shipment.tiktok_order_id, scan_tag=scan)
    if twin is not None:
        result = fulfil_order(
            client,
            twin.order_id,
            shipment.tracking,
            notify_customer=shipment.notify_customer,
        )
        return ShipmentOutcome("existing-order", twin.order_id, result.fulfillment_ids)

    if shipment.create_order_when_missing:
        order = create_zero_order(client, _order_request(shipment), just_looked=True)
        result = fulfil_order(
            client,
            order.order_id,
            shipment.tracking,
            notify_customer=shipment.notify_customer,
        )
        return ShipmentOutcome("new-order", order.order_id, result.fulfillment_ids)

    stock = take_units(
        client,
        StockTake(
            location_id=shipment.location_id,
            lines=tuple(
                StockLine(item.inventory_item_id, item.quantity)
                for item in shipment.items
            ),
            reference_document_uri=tiktok_order_reference(shipment.tiktok_order_id),
            idempotency_key=shipment.idempotency_key,
        ),
        resume=resume,
        record_attempt=record_attempt,
    )
    return ShipmentOutcome("stock-only", adjustment_group_id=stock.adjustment_group_id)


def _order_request(shipment: ShopifyShipment) -> ZeroOrderRequest:
    return ZeroOrderRequest(
        tiktok_order_id=shipment.tiktok_order_id,
        items=shipment.items,
        currency=shipment.currency,
        kind=shipment.kind,
        decrement_stock=True,
    )
