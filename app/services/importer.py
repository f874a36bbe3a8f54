"""Bringing TikTok orders into the local cache without undoing local work.

An order is imported when it is a giveaway or a sample. A copy older than the one
we hold is ignored; a newer one refreshes what TikTok owns (status, deadline,
address) and never what the bench owns (matches, packing, tracking).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence

from sqlmodel import Session, select

from app.domain.shipments import ShipmentKind, ShipmentState
from app.domain.tiktok_orders import (
    OrderLine,
    OrderRecordError,
    TikTokOrder,
    iter_parsed,
)
from app.services import audit
from app.services.dto import ImportReport
from app.services.shipment_state import refresh_summaries, set_state
from app.storage.models import Shipment, ShipmentLine, SkuMapping, utc_now

logger = logging.getLogger(__name__)

PLATFORM = "tiktok"

# Local states that TikTok's word may still change. Once the bench has shipped
# a parcel, a remote change becomes a problem for a person, not an overwrite.
_REMOTE_MAY_CHANGE = frozenset(
    {ShipmentState.UNMATCHED, ShipmentState.READY, ShipmentState.PACKED}
)


def import_orders(
    session: Session,
    actor: audit.Actor,
    orders: Iterable[object],
    source: str,
    *,
    self_match: dict[str, str],
) -> ImportReport:
    """Import order objects into ``session``; bad records are reported, not fatal.

    ``self_match`` maps folded catalog SKUs to their spelling, so a sample whose
    seller SKU is in the catalog matches itself.
    """
    report = ImportReport()
    for parsed in iter_parsed(orders, source):
        if isinstance(parsed, OrderRecordError):
            logger.warning("Rejected order record: %s", parsed)
            report.errors.append(str(parsed))
            continue
        _import_one(session, actor, parsed, report, self_match)
    return report


def _import_one(
    session: Session,
    actor: audit.Actor,
    order: TikTokOrder,
    report: ImportReport,
    self_match: dict[str, str],
) -> None:
    existing = session.exec(
        select(Shipment).where(
            Shipment.platform == PLATFORM, Shipment.order_id == order.order_id
        )
    ).first()

    if existing is None:
        if order.kind is None:
            report.not_queued += 1
            return
        _create(session, actor, order, self_match)
        report.imported += 1
    elif order.update_time <= existing.remote_updated_at:
        report.unchanged += 1
    else:
        _update(session, actor, existing, order, self_match)
        report.updated += 1


def _create(
    session: Session,
    actor: audit.Actor,
    order: TikTokOrder,
    self_match: dict[str, str],
) -> None:
    assert order.kind is not None
    shipment = Shipment(
        platform=PLATFORM,
        order_id=order.order_id,
        kind=order.kind.value,
        state=ShipmentState.UNMATCHED.value,
        platform_status=order.status,
        ordered_at=order.create_time,
        remote_updated_at=order.update_time,
    )
    _copy_remote_fields(shipment, order)
    session.add(shipment)
    session.flush()
    assert shipment.id is not None

    _add_lines(session, shipment.id, order, order.lines, self_match)

    initial = _initial_state(order, all_matched=refresh_summaries(session, shipment))
    shipment.state = initial.value
    if order.is_shipped_remotely:
        shipment.tracking_number = _remote_tracking(order)
    audit.record(
        session,
        actor,
        action="imported",
        entity="shipment",
        entity_id=order.order_id,
        new=initial.value,
        detail=f"TikTok status {order.status}",
    )


def _initial_state(order: TikTokOrder, *, all_matched: bool) -> ShipmentState:
    if order.is_cancelled:
        return ShipmentState.CANCELLED
    if order.is_shipped_remotely:
        # Shipped before this bench ever saw it: nothing left to do here.
        return ShipmentState.SYNCED
    return ShipmentState.READY if all_matched else ShipmentState.UNMATCHED


def _update(
    session: Session,
    actor: audit.Actor,
    shipment: Shipment,
    order: TikTokOrder,
    self_match: dict[str, str],
) -> None:
    old_status = shipment.platform_status
    shipment.platform_status = order.status
    shipment.remote_updated_at = order.update_time
    _copy_remote_fields(shipment, order)
    _add_new_lines(session, shipment, order, self_match)
    all_matched = refresh_summaries(session, shipment)

    state = ShipmentState(shipment.state)
    if state in _REMOTE_MAY_CHANGE and not all_matched:
        # A line TikTok added later (an order edit) still needs its SKU.
        set_state(session, actor, shipment, ShipmentState.UNMATCHED)
        state = ShipmentState.UNMATCHED
    if order.is_cancelled and state in _REMOTE_MAY_CHANGE:
        set_state(
            session, actor, shipment, ShipmentState.CANCELLED, "cancelled in TikTok"
        )
    elif order.is_cancelled and state is ShipmentState.SHIPPED:
        set_state(
            session,
            actor,
            shipment,
            ShipmentState.PROBLEM,
            "Cancelled in TikTok Shop after it was packed here. Do not send the "
            "parcel; put the item back on the shelf.",
        )
    elif order.is_shipped_remotely and state in _REMOTE_MAY_CHANGE:
        tracking = _remote_tracking(order) or "no tracking number"
        set_state(
            session,
            actor,
            shipment,
            ShipmentState.PROBLEM,
            f"Shipped in TikTok Shop by someone else ({tracking}). Check the shelf "
            "before packing it again.",
        )
    if old_status != order.status:
        audit.record(
            session,
            actor,
            action="remote status",
            entity="shipment",
            entity_id=shipment.order_id,
            old=old_status,
            new=order.status,
        )
    shipment.updated_at = utc_now()


def _copy_remote_fields(shipment: Shipment, order: TikTokOrder) -> None:
    recipient = order.recipient
    shipment.ship_by = order.ship_by
    shipment.on_hold = order.on_hold
    shipment.recipient_name = recipient.name
    shipment.recipient_address = recipient.full_address
    shipment.postal_code = recipient.postal_code
    shipment.region_code = recipient.region_code
    shipment.buyer_message = order.buyer_message
    shipment.raw_json = json.dumps(order.raw, separators=(",", ":"), sort_keys=True)


def _add_new_lines(
    session: Session,
    shipment: Shipment,
    order: TikTokOrder,
    self_match: dict[str, str],
) -> None:
    known = {
        line.line_id: line
        for line in session.exec(
            select(ShipmentLine).where(ShipmentLine.shipment_id == shipment.id)
        )
    }
    for line in order.lines:
        current = known.get(line.line_id)
        if current is not None:
            current.product_name = line.product_name
            current.sku_name = line.sku_name
    assert shipment.id is not None
    new_lines = [line for line in order.lines if line.line_id not in known]
    _add_lines(session, shipment.id, order, new_lines, self_match)


def _add_lines(
    session: Session,
    shipment_id: int,
    order: TikTokOrder,
    lines: Sequence[OrderLine],
    self_match: dict[str, str],
) -> None:
    """Store lines, each matched by its key's mapping (or, for samples, its SKU)."""
    mappings = _mappings_for(session, order)
    for line in lines:
        matched = mappings.get((line.product_id, line.sku_id))
        if matched is None and order.kind is ShipmentKind.SAMPLE:
            matched = self_match.get(line.seller_sku.casefold())
        session.add(
            ShipmentLine(
                shipment_id=shipment_id,
                line_id=line.line_id,
                platform=PLATFORM,
                product_id=line.product_id,
                sku_id=line.sku_id,
                seller_sku=line.seller_sku,
                product_name=line.product_name,
                sku_name=line.sku_name,
                matched_sku=matched,
            )
        )
    session.flush()


def _mappings_for(session: Session, order: TikTokOrder) -> dict[tuple[str, str], str]:
    product_ids = {line.product_id for line in order.lines}
    rows = session.exec(
        select(SkuMapping).where(
            SkuMapping.platform == PLATFORM,
            SkuMapping.product_id.in_(product_ids),  # type: ignore[attr-defined]
        )
    )
    return {(row.product_id, row.sku_id): row.sku for row in rows}


def _remote_tracking(order: TikTokOrder) -> str | None:
    value = order.raw.get("tracking_number")
    return value if isinstance(value, str) and value else None
