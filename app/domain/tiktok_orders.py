"""Reading TikTok Shop 202309 order objects into plain records.

TikTok sends ids as strings, money as decimal strings and times as Unix seconds.
Enum values we do not know yet are kept as they came: TikTok adds values without
notice, and an unknown status must not stop a bench from shipping.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from app.domain.shipments import ShipmentKind

GIVEAWAY_ORDER_TYPE = "ZERO_LOTTERY"

KNOWN_STATUSES = frozenset(
    {
        "UNPAID",
        "ON_HOLD",
        "AWAITING_SHIPMENT",
        "PARTIALLY_SHIPPING",
        "AWAITING_COLLECTION",
        "IN_TRANSIT",
        "DELIVERED",
        "COMPLETED",
        "CANCELLED",
    }
)

#: Statuses after which the seller has handed the parcel over.
REMOTELY_SHIPPED_STATUSES = frozenset(
    {"AWAITING_COLLECTION", "IN_TRANSIT", "DELIVERED", "COMPLETED"}
)

# The SLA fields in the order they are trusted for "ship by": the seller's
# ready-to-ship deadline first, then the generic shipping due time, then TikTok's
# own (later) deadline.
_SHIP_BY_FIELDS = ("rts_sla_time", "shipping_due_time", "tts_sla_time")


class OrderRecordError(ValueError):
    """One order object could not be read; the message names it and says why."""


@dataclass(frozen=True, slots=True)
class OrderLine:
    """One TikTok line item, which is always exactly one unit."""

    line_id: str
    product_id: str
    sku_id: str
    seller_sku: str
    product_name: str
    sku_name: str


@dataclass(frozen=True, slots=True)
class Recipient:
    """Where the parcel goes."""

    name: str
    full_address: str
    postal_code: str
    region_code: str
    phone: str


@dataclass(frozen=True, slots=True)
class TikTokOrder:
    """The part of a TikTok order the bench works with, plus the raw object."""

    order_id: str
    kind: ShipmentKind | None
    status: str
    create_time: datetime
    update_time: datetime
    ship_by: datetime | None
    on_hold: bool
    recipient: Recipient
    lines: tuple[OrderLine, ...]
    buyer_message: str
    raw: Mapping[str, Any] = field(repr=False, compare=False)

    @property
    def is_cancelled(self) -> bool:
        """True when TikTok says the order will not ship."""
        return self.status == "CANCELLED"

    @property
    def is_shipped_remotely(self) -> bool:
        """True when TikTok already has the parcel as handed over."""
        return self.status in REMOTELY_SHIPPED_STATUSES

    @property
    def status_is_known(self) -> bool:
        """False for a status value this version of the app has never seen."""
        return self.status in KNOWN_STATUSES


def classify(order: Mapping[str, Any]) -> ShipmentKind | None:
    """Say whether an order is a giveaway, a sample, or neither (``None``)."""
    if order.get("order_type") == GIVEAWAY_ORDER_TYPE:
        return ShipmentKind.GIVEAWAY
    lines = order.get("line_items") or []
    if any(
        isinstance(line, Mapping) and line.get("sku_type") == GIVEAWAY_ORDER_TYPE
        for line in lines
    ):
        return ShipmentKind.GIVEAWAY
    if order.get("is_sample_order") is True:
        return ShipmentKind.SAMPLE
    return None


def parse_order(order: object) -> TikTokOrder:
    """Read one order object, or raise :class:`OrderRecordError` naming it."""
    if not isinstance(order, Mapping):
        raise OrderRecordError(
            f"expected an order object, found {type(order).__name__}"
        )

    order_id = _required_text(order, "id", "order")
    where = f"order {order_id}"
    lines = order.get("line_items")
    if not isinstance(lines, list) or not lines:
        raise OrderRecordError(f"{where}: field 'line_items' is missing or empty")

    return TikTokOrder(
        order_id=order_id,
        kind=classify(order),
        status=_required_text(order, "status", where),
        create_time=_required_time(order, "create_time", where),
        update_time=_required_time(order, "update_time", where),
        ship_by=_ship_by(order, where),
        on_hold=bool(order.get("is_on_hold_order")) or order["status"] == "ON_HOLD",
        recipient=_recipient(order.get("recipient_address"), where),
        lines=tuple(
            _line(line, f"{where}, line {i + 1}") for i, line in enumerate(lines)
        ),
        buyer_message=_text(order.get("buyer_message")),
        raw=order,
    )


def _line(line: object, where: str) -> OrderLine:
    if not isinstance(line, Mapping):
        raise OrderRecordError(f"{where}: expected a line item object")
    return OrderLine(
        line_id=_required_text(line, "id", where),
        product_id=_required_text(line, "product_id", where),
        sku_id=_required_text(line, "sku_id", where),
        seller_sku=_text(line.get("seller_sku")).strip(),
        product_name=_text(line.get("product_name")).strip(),
        sku_name=_text(line.get("sku_name")).strip(),
    )


def _recipient(address: object, where: str) -> Recipient:
    if address is None:
        # Giveaway winners have 48 hours to give an address; until then the
        # order exists without one and must still be listed.
        return Recipient(
            name="", full_address="", postal_code="", region_code="", phone=""
        )
    if not isinstance(address, Mapping):
        raise OrderRecordError(f"{where}: field 'recipient_address' is not an object")
    return Recipient(
        name=_text(address.get("name")).strip(),
        full_address=_text(address.get("full_address")).strip(),
        postal_code=_text(address.get("postal_code")).strip(),
        region_code=_text(address.get("region_code")).strip(),
        phone=_text(address.get("phone_number")).strip(),
    )


def _ship_by(order: Mapping[str, Any], where: str) -> datetime | None:
    for name in _SHIP_BY_FIELDS:
        if order.get(name) not in (None, "", 0):
            return _required_time(order, name, where)
    return None


def _required_text(record: Mapping[str, Any], name: str, where: str) -> str:
    value = record.get(name)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        raise OrderRecordError(f"{where}: field '{name}' is missing or empty")
    return value.strip()


def _required_time(record: Mapping[str, Any], name: str, where: str) -> datetime:
    value = record.get(name)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise OrderRecordError(
            f"{where}: field '{name}' must be a Unix time in seconds, found {value!r}"
        )
    return datetime.fromtimestamp(value, tz=UTC)


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


# --- payload files ------------------------------------------------------------


def orders_in_payload(payload: object, source: str) -> Iterator[object]:
    """Yield the order objects of a saved API response or a plain list.

    Accepts an order-search or order-detail response (``{"data": {"orders":
    [...]}}``), its ``data`` object, a list of orders, or a single order object.
    """
    if isinstance(payload, list):
        yield from payload
        return
    if not isinstance(payload, Mapping):
        raise OrderRecordError(f"{source}: not a JSON object or list")

    if "code" in payload and payload.get("code") not in (0, "0"):
        raise OrderRecordError(
            f"{source}: the saved response is an error "
            f"(code {payload.get('code')}: {payload.get('message', '')})"
        )
    data = payload.get("data", payload)
    if isinstance(data, Mapping) and isinstance(data.get("orders"), list):
        yield from data["orders"]
    elif "id" in payload and "line_items" in payload:
        yield payload
    else:
        raise OrderRecordError(f"{source}: no 'orders' list and not an order object")


def load_payload_file(text: str, source: str) -> list[object]:
    """Parse a payload file's text and return its order objects."""
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as error:
        raise OrderRecordError(
            f"{source}: not valid JSON (line {error.lineno}, column {error.colno})"
        ) from error
    except RecursionError:
        raise OrderRecordError(
            f"{source}: nested too deeply to be an order payload"
        ) from None
    return list(orders_in_payload(payload, source))


def iter_parsed(
    orders: Iterable[object], source: str
) -> Iterator[TikTokOrder | OrderRecordError]:
    """Parse each order, yielding either the order or the error that names it."""
    for position, order in enumerate(orders, start=1):
        try:
            yield parse_order(order)
        except OrderRecordError as error:
            yield OrderRecordError(f"{source}, record {position}: {error}")
