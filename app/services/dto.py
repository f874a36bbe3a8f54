"""Plain values the services hand to the UI and the command line.

They are frozen dataclasses, never live database rows, so a widget can keep one
as long as it likes and read it from any thread.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from app.domain.shipments import ShipmentKind, ShipmentState


class QueueColumn(StrEnum):
    """The columns a queue can be sorted by."""

    SHIP_BY = "ship_by"
    ORDER_ID = "order_id"
    KIND = "kind"
    STATE = "state"
    RECIPIENT = "recipient"
    ITEM = "item"
    SKU = "sku"
    TRACKING = "tracking"


@dataclass(frozen=True, slots=True)
class QueueQuery:
    """Which shipments to list and in which order.

    ``states`` of ``None`` means the open queue (everything still to do or still
    on its way out); ``text`` searches order id, recipient, item title and SKU.
    """

    text: str = ""
    states: frozenset[ShipmentState] | None = None
    kind: ShipmentKind | None = None
    sort: QueueColumn = QueueColumn.SHIP_BY
    descending: bool = False

    @property
    def limit(self) -> int | None:
        """How many shipments a search lists at most (``None``: all of them)."""
        return SEARCH_LIMIT if self.text.strip() else None


#: A search lists at most this many shipments, the most urgent first; nobody
#: reads further, and typing one more character narrows it.
SEARCH_LIMIT = 1000


@dataclass(frozen=True, slots=True)
class QueueRow:
    """One line of the queue as the clerk sees it."""

    shipment_id: int
    order_id: str
    kind: ShipmentKind
    state: ShipmentState
    ship_by: datetime | None
    recipient: str
    item: str
    sku: str
    tracking_number: str | None
    carrier: str | None
    on_hold: bool
    platform_status: str
    problem: str

    def to_json(self) -> dict[str, object]:
        """The row as the ``queue --json`` command prints it."""
        return {
            "order_id": self.order_id,
            "kind": self.kind.value,
            "state": self.state.value,
            "ship_by": self.ship_by.isoformat() if self.ship_by else None,
            "sku": self.sku or None,
            "tracking_number": self.tracking_number,
            "carrier": self.carrier,
            "recipient": self.recipient,
            "item": self.item,
            "on_hold": self.on_hold,
            "platform_status": self.platform_status,
            "problem": self.problem or None,
        }


@dataclass(frozen=True, slots=True)
class LineView:
    """One unit of a shipment, with what it is matched to."""

    line_id: str
    product_id: str
    sku_id: str
    seller_sku: str
    product_name: str
    sku_name: str
    matched_sku: str | None
    matched_title: str | None


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One audit record, for the detail pane."""

    at: datetime
    user: str
    station: str
    action: str
    old_value: str | None
    new_value: str | None
    detail: str


@dataclass(frozen=True, slots=True)
class ShipmentDetail:
    """Everything the detail pane shows about one shipment."""

    row: QueueRow
    address: str
    postal_code: str
    buyer_message: str
    ordered_at: datetime
    lines: tuple[LineView, ...]
    history: tuple[HistoryEntry, ...]

    @property
    def unmatched_lines(self) -> tuple[LineView, ...]:
        """Lines still waiting for a catalog SKU."""
        return tuple(line for line in self.lines if line.matched_sku is None)


@dataclass(frozen=True, slots=True)
class CatalogItem:
    """A catalog variant as connectors and the demo store supply it."""

    sku: str
    title: str
    gtin: str | None = None
    barcode: str | None = None
    product_title: str = ""
    variant_title: str = ""
    shopify_variant_id: str | None = None
    inventory_item_id: str | None = None
    available: int | None = None
    unit_cost: str | None = None


@dataclass(slots=True)
class ImportReport:
    """What an import did, record by record."""

    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    not_queued: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no record was rejected."""
        return not self.errors

    def summary(self) -> str:
        """One sentence for a status bar or a terminal."""
        text = (
            f"{self.imported} new, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.not_queued} not giveaways or samples"
        )
        if self.errors:
            text += f", {len(self.errors)} rejected"
        return text


@dataclass(frozen=True, slots=True)
class MatchResult:
    """The outcome of tying a marketplace key to a SKU."""

    key_text: str
    sku: str
    created: bool
    remapped_from: str | None
    shipments_updated: int


@dataclass(frozen=True, slots=True)
class FulfilResult:
    """The outcome of saving a tracking number."""

    shipment_id: int
    order_id: str
    tracking_number: str
    carrier: str
    outbox_keys: tuple[str, ...]
    warnings: tuple[str, ...] = ()
