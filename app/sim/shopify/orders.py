"""Orders in the simulated shop: placing them and fulfilling them."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal

from app.sim.shopify.state import (
    ShopState,
    SimFulfillment,
    SimFulfillmentOrder,
    SimFulfillmentOrderLine,
    SimOrder,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LineRequest:
    """One line of an order to place."""

    quantity: int
    variant_id: str | None = None
    title: str | None = None
    sku: str | None = None
    price: str = "0.00"


def place_order(
    state: ShopState,
    lines: list[LineRequest],
    *,
    created_at: str,
    currency: str = "USD",
    tags: list[str] | None = None,
    note: str | None = None,
    source_identifier: str | None = None,
    source_name: str | None = None,
    attributes: list[tuple[str, str]] | None = None,
    commit_stock: bool = True,
    location_id: str | None = None,
) -> SimOrder:
    """Place an order with one fulfillment order at ``location_id`` (or primary).

    ``commit_stock`` moves the units from ``available`` to ``committed``, as
    Shopify does for a checkout order or orderCreate with a DECREMENT option.
    """
    location = location_id or state.primary_location().id
    order_id = state.next_id("Order")
    total = sum((Decimal(line.price) * line.quantity for line in lines), Decimal("0"))
    fo_lines = [_fo_line(state, line) for line in lines]
    fulfillment_order = SimFulfillmentOrder(
        id=state.next_id("FulfillmentOrder"),
        order_id=order_id,
        location_id=location,
        lines=fo_lines,
    )
    order = SimOrder(
        id=order_id,
        name=state.next_order_name(),
        created_at=created_at,
        currency=currency,
        total=f"{total:.2f}",
        tags=list(tags or []),
        note=note,
        source_identifier=source_identifier,
        source_name=source_name,
        attributes=list(attributes or []),
        fulfillment_orders=[fulfillment_order],
    )
    state.orders[order.id] = order
    state.fulfillment_orders[fulfillment_order.id] = fulfillment_order

    if commit_stock:
        for line in fo_lines:
            _commit(state, line, location)
    return order


def fulfil(
    state: ShopState,
    order: SimOrder,
    quantities: dict[str, int],
    tracking: list[dict[str, str | None]],
    notify_customer: bool,
) -> SimFulfillment:
    """Ship ``quantities`` (per fulfillment-order line id) of ``order``."""
    for fo in order.fulfillment_orders:
        for line in fo.lines:
            shipped = quantities.get(line.id, 0)
            if not shipped:
                continue
            line.remaining -= shipped
            _ship(state, line, fo.location_id, shipped)
        if all(line.remaining == 0 for line in fo.lines):
            fo.status = "CLOSED"
        elif any(line.id in quantities for line in fo.lines):
            fo.status = "IN_PROGRESS"
    fulfillment = SimFulfillment(
        id=state.next_id("Fulfillment"),
        order_id=order.id,
        tracking=tracking,
        notify_customer=notify_customer,
        quantities=dict(quantities),
    )
    order.fulfillments.append(fulfillment)
    state.counters.fulfilments[order.id] += 1
    return fulfillment


def _fo_line(state: ShopState, line: LineRequest) -> SimFulfillmentOrderLine:
    variant = state.variants.get(line.variant_id or "")
    return SimFulfillmentOrderLine(
        id=state.next_id("FulfillmentOrderLineItem"),
        line_item_id=state.next_id("LineItem"),
        variant_id=variant.id if variant else None,
        inventory_item_id=variant.inventory_item_id if variant else None,
        sku=variant.sku if variant else line.sku,
        title=(variant.product_title if variant else line.title) or "Custom item",
        total=line.quantity,
        remaining=line.quantity,
    )


def _commit(state: ShopState, line: SimFulfillmentOrderLine, location_id: str) -> None:
    if line.inventory_item_id is None:
        return
    level = state.level(line.inventory_item_id, location_id)
    if level is None:
        return
    level["available"] -= line.total
    level["committed"] += line.total
    line.committed = True


def _ship(
    state: ShopState, line: SimFulfillmentOrderLine, location_id: str, quantity: int
) -> None:
    # Shipping turns committed units into units that left the building;
    # ``available`` was settled when the order took them.
    if line.inventory_item_id is None or not line.committed:
        return
    level = state.level(line.inventory_item_id, location_id)
    if level is None:
        return
    level["committed"] -= quantity
    level["on_hand"] -= quantity
