"""Keeping a shipment's derived columns and state honest after any change."""

from __future__ import annotations

from collections import Counter

from sqlmodel import Session, select

from app.domain.shipments import ShipmentState, check_transition
from app.services import audit
from app.storage.models import Shipment, ShipmentLine, utc_now


def refresh_summaries(session: Session, shipment: Shipment) -> bool:
    """Recompute the item, SKU and search columns; return True if all lines matched.

    The queue sorts and searches on these columns, so they are stored rather than
    joined at query time.
    """
    lines = list(
        session.exec(
            select(ShipmentLine).where(ShipmentLine.shipment_id == shipment.id)
        )
    )
    shipment.item_summary = _summarise(
        line.product_name or line.sku_name for line in lines
    )
    shipment.sku_summary = _summarise(
        line.matched_sku for line in lines if line.matched_sku
    )
    shipment.search_text = " ".join(
        part.casefold()
        for part in (
            shipment.order_id,
            shipment.recipient_name,
            shipment.item_summary,
            shipment.sku_summary,
            " ".join(line.seller_sku for line in lines),
            shipment.tracking_number or "",
        )
        if part
    )
    return bool(lines) and all(line.matched_sku for line in lines)


def _summarise(values: object) -> str:
    """ "2 × Candle, Mug" style text from a list of names (one per unit)."""
    counts = Counter(value for value in values if value)  # type: ignore[attr-defined]
    parts = [name if n == 1 else f"{n} × {name}" for name, n in counts.items()]
    return ", ".join(parts)


def set_state(
    session: Session,
    actor: audit.Actor,
    shipment: Shipment,
    new: ShipmentState,
    reason: str = "",
) -> None:
    """Move a shipment to ``new`` (checked against the workflow) and audit it."""
    old = ShipmentState(shipment.state)
    if old is new:
        return
    check_transition(old, new)
    shipment.state = new.value
    shipment.problem = reason if new is ShipmentState.PROBLEM else ""
    shipment.updated_at = utc_now()
    audit.record(
        session,
        actor,
        action="state",
        entity="shipment",
        entity_id=shipment.order_id,
        old=old.value,
        new=new.value,
        detail=reason,
    )
