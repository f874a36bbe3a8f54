"""What the simulated shop holds, and counters of every effect applied to it."""

from __future__ import annotations

import itertools
import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

logger = logging.getLogger(__name__)

#: Names of inventory quantities the simulator keeps per item and location.
QUANTITY_NAMES = ("available", "reserved", "committed", "on_hand")


def gid(kind: str, number: int) -> str:
    """A Shopify global id."""
    return f"gid://shopify/{kind}/{number}"


@dataclass
class SimLocation:
    """A location that holds stock."""

    id: str
    name: str
    is_active: bool = True
    is_primary: bool = False
    is_fulfillment_service: bool = False
    city: str = "Austin"
    country_code: str = "US"


@dataclass
class SimVariant:
    """A variant, its product and its inventory item (one each, as in Shopify)."""

    id: str
    product_id: str
    product_title: str
    title: str
    sku: str | None
    barcode: str | None
    inventory_item_id: str
    price: str = "10.00"
    tracked: bool = True


@dataclass
class SimFulfillmentOrderLine:
    """One line of a fulfillment order."""

    id: str
    line_item_id: str
    variant_id: str | None
    inventory_item_id: str | None
    sku: str | None
    title: str
    total: int
    remaining: int
    #: Whether placing the order moved the units to ``committed``.
    committed: bool = False


@dataclass
class SimFulfillmentOrder:
    """The part of an order one location ships."""

    id: str
    order_id: str
    location_id: str
    lines: list[SimFulfillmentOrderLine]
    status: str = "OPEN"


@dataclass
class SimFulfillment:
    """A shipment made for an order, with its tracking."""

    id: str
    order_id: str
    tracking: list[dict[str, str | None]]
    notify_customer: bool
    quantities: dict[str, int]
    status: str = "SUCCESS"


@dataclass
class SimOrder:
    """An order with its fulfillment orders and fulfilments."""

    id: str
    name: str
    created_at: str
    currency: str
    total: str
    tags: list[str] = field(default_factory=list)
    note: str | None = None
    source_identifier: str | None = None
    source_name: str | None = None
    attributes: list[tuple[str, str]] = field(default_factory=list)
    cancelled_at: str | None = None
    fulfillment_orders: list[SimFulfillmentOrder] = field(default_factory=list)
    fulfillments: list[SimFulfillment] = field(default_factory=list)
    #: Orders search does not see the order before this time (index lag).
    searchable_from: datetime | None = None

    def fulfillment_status(self) -> str:
        """Shopify's ``displayFulfillmentStatus`` for the order."""
        lines = [line for fo in self.fulfillment_orders for line in fo.lines]
        left = sum(line.remaining for line in lines)
        if lines and left == 0:
            return "FULFILLED"
        if left < sum(line.total for line in lines):
            return "PARTIALLY_FULFILLED"
        return "UNFULFILLED"


@dataclass
class EffectCounters:
    """How often each effect was applied (replays and refusals do not count)."""

    #: Units taken off ``available`` by inventoryAdjustQuantities, per item.
    units_adjusted: Counter[str] = field(default_factory=Counter)
    #: Applied inventoryAdjustQuantities calls, per item.
    adjustments: Counter[str] = field(default_factory=Counter)
    #: Units committed by orders created through the API, per item.
    units_ordered: Counter[str] = field(default_factory=Counter)
    #: Fulfilments created, per order.
    fulfilments: Counter[str] = field(default_factory=Counter)
    orders_created: int = 0
    idempotent_replays: int = 0
    throttled: int = 0
    #: Cost points charged to the bucket by requests that ran.
    points_charged: int = 0
    requests: Counter[str] = field(default_factory=Counter)


class ShopState:
    """Products, stock, locations and orders of one simulated shop."""

    def __init__(self) -> None:
        self.locations: dict[str, SimLocation] = {}
        self.variants: dict[str, SimVariant] = {}
        self.items: dict[str, SimVariant] = {}
        self.levels: dict[tuple[str, str], dict[str, int]] = {}
        self.orders: dict[str, SimOrder] = {}
        self.fulfillment_orders: dict[str, SimFulfillmentOrder] = {}
        #: Every inventory adjustment group applied, oldest first.
        self.adjustment_groups: list[dict[str, object]] = []
        self.counters = EffectCounters()
        self._ids = itertools.count(1001)
        self._order_numbers = itertools.count(1001)

    def next_id(self, kind: str) -> str:
        """A fresh global id of ``kind``."""
        return gid(kind, next(self._ids))

    def next_order_name(self) -> str:
        """The next order name, ``#1001`` onwards."""
        return f"#{next(self._order_numbers)}"

    def add_location(
        self, name: str, *, primary: bool = False, app_managed: bool = False
    ) -> SimLocation:
        """Add a location; the first one is primary unless said otherwise."""
        location = SimLocation(
            id=self.next_id("Location"),
            name=name,
            is_primary=primary or not self.locations,
            is_fulfillment_service=app_managed,
        )
        self.locations[location.id] = location
        return location

    def add_variant(
        self,
        *,
        sku: str | None,
        barcode: str | None = None,
        product_title: str = "Product",
        title: str = "Default Title",
        stock: dict[str, int] | None = None,
        price: str = "10.00",
    ) -> SimVariant:
        """Add a product with one variant, stocked at the given locations."""
        variant = SimVariant(
            id=self.next_id("ProductVariant"),
            product_id=self.next_id("Product"),
            product_title=product_title,
            title=title,
            sku=sku,
            barcode=barcode,
            inventory_item_id=self.next_id("InventoryItem"),
            price=price,
        )
        self.variants[variant.id] = variant
        self.items[variant.inventory_item_id] = variant
        for location_id, quantity in (stock or {}).items():
            self.stock(variant.inventory_item_id, location_id, quantity)
        return variant

    def stock(self, item_id: str, location_id: str, available: int) -> None:
        """Stock the item at the location with ``available`` units."""
        self.levels[(item_id, location_id)] = {
            "available": available,
            "reserved": 0,
            "committed": 0,
            "on_hand": available,
        }

    def level(self, item_id: str, location_id: str) -> dict[str, int] | None:
        """The quantities of an item at a location, if stocked there."""
        return self.levels.get((item_id, location_id))

    def available(self, item_id: str, location_id: str) -> int | None:
        """``available`` of an item at a location."""
        level = self.level(item_id, location_id)
        return None if level is None else level["available"]

    def primary_location(self) -> SimLocation:
        """The shop's primary location."""
        for location in self.locations.values():
            if location.is_primary:
                return location
        raise LookupError("the simulated shop has no location")
