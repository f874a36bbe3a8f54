"""Plain values the connector hands to the services layer."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ShopifyVariant:
    """One sellable variant, with its stock at the chosen location."""

    variant_id: str
    sku: str
    barcode: str
    title: str
    product_title: str
    display_name: str
    inventory_item_id: str
    tracked: bool
    #: ``None`` when the item is not stocked at the location.
    available: int | None


@dataclass(frozen=True)
class ShopifyLocation:
    """A place that holds stock."""

    location_id: str
    name: str
    is_active: bool
    is_primary: bool
    fulfills_online_orders: bool
    app_managed: bool
    city: str = ""
    country_code: str = ""


@dataclass(frozen=True)
class ShopifyOrder:
    """The fields of an order the connector matches and reports on."""

    order_id: str
    name: str
    tags: tuple[str, ...]
    note: str
    source_identifier: str
    attributes: tuple[tuple[str, str], ...]
    total: str
    currency: str
    fulfillment_status: str
    cancelled: bool


@dataclass(frozen=True)
class ShipmentItem:
    """One catalog variant in a parcel, with its inventory item."""

    variant_id: str
    inventory_item_id: str
    quantity: int = 1


@dataclass(frozen=True)
class TrackingInfo:
    """A parcel's tracking as Shopify takes it."""

    company: str
    number: str
    url: str | None = None


@dataclass(frozen=True)
class FulfilmentResult:
    """What fulfilling an order did."""

    order_id: str
    fulfillment_ids: tuple[str, ...]
    #: False when Shopify already had nothing left to ship on the order.
    created: bool


@dataclass(frozen=True)
class StockAttempt:
    """One try at taking units: what was sent, so a retry sends the same.

    Store it before the request goes out; after a crash pass it back as
    ``resume`` and the connector resends it unchanged, which Shopify answers
    from its idempotency record instead of taking the units again.
    """

    idempotency_key: str
    #: ``available`` as read before this attempt, one per line of the take.
    change_from_quantities: tuple[int, ...]
    number: int = 1


@dataclass(frozen=True)
class StockResult:
    """Units taken and the quantities Shopify reports afterwards."""

    adjustment_group_id: str
    #: ``available`` after the change, one per line (``None`` if not given).
    quantities_after: tuple[int | None, ...]
    attempts: tuple[StockAttempt, ...] = field(default=())

    @property
    def quantity_after(self) -> int | None:
        """``available`` after the change, for a one-line take."""
        return self.quantities_after[0] if self.quantities_after else None
