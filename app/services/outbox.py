"""The outbox table, seen from the sync engine: claims, outcomes and views.

Every function here is one short transaction on its own session, so the sync
worker never holds the database while it waits for the network, and a clerk's
save on the GUI's writer lane never waits long for the sync.

An entry moves ``pending -> in_flight -> done``; a transient failure sends it
back to ``pending`` with a later ``next_attempt_at``; a refusal that needs a
person makes it ``failed``; a supervisor may ``cancel`` it. Entries of one
shipment run strictly by ``sequence``: an entry is due only when every earlier
entry of its shipment is ``done`` or ``cancelled``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from app.domain.shipments import ShipmentState
from app.services import audit
from app.services.shipment_state import set_state
from app.storage.db import session_scope
from app.storage.models import CatalogVariant, OutboxEntry, Shipment

logger = logging.getLogger(__name__)

PENDING = "pending"
IN_FLIGHT = "in_flight"
DONE = "done"
FAILED = "failed"
CANCELLED = "cancelled"

#: Statuses after which an entry no longer holds back the later ones.
RESOLVED = (DONE, CANCELLED)

ACTION_LABELS = {
    "tiktok.ship_package": "Ship in TikTok Shop",
    "shopify.fulfil_or_adjust": "Fulfil or take stock in Shopify",
}


class OutboxError(Exception):
    """A request about an outbox entry was refused; the message says why."""


@dataclass(frozen=True, slots=True)
class Claimed:
    """An entry this worker now holds, with what the remote call needs."""

    entry_id: int
    shipment_id: int
    order_id: str
    action: str
    idempotency_key: str
    payload_json: str
    attempt_json: str
    attempts: int
    #: True when an earlier worker died holding it: read the remote state first.
    resumed: bool


@dataclass(frozen=True, slots=True)
class OutboxView:
    """One outbox entry as the UI lists it (a plain value, safe on any thread)."""

    entry_id: int
    shipment_id: int
    order_id: str
    action: str
    action_label: str
    sequence: int
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str
    updated_at: datetime
    #: True while an earlier effect of the same shipment is not done: this one
    #: waits for it (and stays waiting if that one failed).
    blocked: bool = False


# --- picking and claiming -----------------------------------------------------


def due_entries(
    engine: Engine,
    now: datetime,
    stale_before: datetime,
    limit: int | None,
    *,
    shipment_id: int | None = None,
    abandoned: frozenset[int] = frozenset(),
) -> list[tuple[int, str]]:
    """``(id, action)`` of the entries that may run now, oldest due first.

    Pending entries whose time has come, and in-flight entries whose claim is
    older than ``stale_before`` or whose worker is known to be gone
    (``abandoned``); either only when no earlier entry of the same shipment is
    unresolved.
    """
    blocked = _blocked()
    ready = sa.or_(
        sa.and_(
            col(OutboxEntry.status) == PENDING, col(OutboxEntry.next_attempt_at) <= now
        ),
        sa.and_(
            col(OutboxEntry.status) == IN_FLIGHT,
            sa.or_(
                col(OutboxEntry.claimed_at) < stale_before,
                col(OutboxEntry.id).in_(sorted(abandoned)),
            ),
        ),
    )
    query = (
        select(OutboxEntry.id, OutboxEntry.action)
        .where(ready, ~blocked)
        .where(
            sa.true()
            if shipment_id is None
            else col(OutboxEntry.shipment_id) == shipment_id
        )
        .order_by(col(OutboxEntry.next_attempt_at), col(OutboxEntry.id))
        .limit(limit)
    )
    with Session(engine) as session:
        rows = session.exec(query)
        return [(entry_id, action) for entry_id, action in rows if entry_id is not None]


def _blocked() -> sa.Exists:
    """True for an entry with an earlier, unresolved entry of the same shipment."""
    earlier = sa.alias(OutboxEntry.__table__, "earlier")  # type: ignore[attr-defined]
    return sa.exists().where(
        earlier.c.shipment_id == OutboxEntry.shipment_id,
        earlier.c.sequence < OutboxEntry.sequence,
        earlier.c.status.not_in(RESOLVED),
    )


def in_flight_claims(engine: Engine) -> list[tuple[int, str]]:
    """``(entry id, claimed_by)`` of every entry marked in flight."""
    with Session(engine) as session:
        rows = session.exec(
            select(OutboxEntry.id, OutboxEntry.claimed_by).where(
                OutboxEntry.status == IN_FLIGHT
            )
        )
        return [(entry_id, owner) for entry_id, owner in rows if entry_id is not None]


def claim(
    engine: Engine,
    entry_id: int,
    owner: str,
    now: datetime,
    stale_before: datetime,
    *,
    abandoned: frozenset[int] = frozenset(),
) -> Claimed | None:
    """Mark the entry in flight and count the attempt, committed before any call.

    Returns ``None`` when another worker got there first or the entry is no
    longer due. ``abandoned`` lists in-flight entries whose worker is known to
    be dead, which may be taken over before their claim grows old.
    """
    with session_scope(engine) as session:
        entry = session.get(OutboxEntry, entry_id)
        if entry is None:
            return None
        resumed = entry.status == IN_FLIGHT
        if resumed and not _claim_expired(entry, stale_before, abandoned):
            return None
        if not resumed and entry.status != PENDING:
            return None

        # Compare-and-set: two stations on one PostgreSQL database may race
        # for the same entry; only the one whose update matches wins it.
        result = session.execute(
            sa.update(OutboxEntry)
            .where(
                col(OutboxEntry.id) == entry_id,
                col(OutboxEntry.status) == entry.status,
                col(OutboxEntry.attempts) == entry.attempts,
            )
            .values(
                status=IN_FLIGHT,
                attempts=entry.attempts + 1,
                claimed_at=now,
                claimed_by=owner,
                updated_at=now,
            )
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            return None
        shipment = session.get(Shipment, entry.shipment_id)
        return Claimed(
            entry_id=entry_id,
            shipment_id=entry.shipment_id,
            order_id=shipment.order_id if shipment else "",
            action=entry.action,
            idempotency_key=entry.idempotency_key,
            payload_json=entry.payload_json,
            attempt_json=entry.attempt_json,
            attempts=entry.attempts + 1,
            resumed=resumed,
        )


def _claim_expired(
    entry: OutboxEntry, stale_before: datetime, abandoned: frozenset[int]
) -> bool:
    if entry.id in abandoned:
        return True
    return entry.claimed_at is None or entry.claimed_at < stale_before


def store_attempt(engine: Engine, entry_id: int, attempt_json: str) -> None:
    """Keep the Shopify stock attempt with the entry (before it is sent)."""
    with session_scope(engine) as session:
        entry = _entry(session, entry_id)
        entry.attempt_json = attempt_json
        session.add(entry)


# --- outcomes -----------------------------------------------------------------


def mark_done(
    engine: Engine,
    actor: audit.Actor,
    entry_id: int,
    now: datetime,
    *,
    shopify_order_id: str | None = None,
) -> bool:
    """Record a confirmed effect; returns True if that made the shipment SYNCED."""
    with session_scope(engine) as session:
        entry = _entry(session, entry_id)
        entry.status = DONE
        entry.last_error = ""
        entry.claimed_at = None
        entry.claimed_by = ""
        entry.updated_at = now
        session.add(entry)
        shipment = _shipment(session, entry.shipment_id)
        if shopify_order_id:
            shipment.shopify_order_id = shopify_order_id
        audit.record(
            session,
            actor,
            action="synced",
            entity="shipment",
            entity_id=shipment.order_id,
            new=ACTION_LABELS.get(entry.action, entry.action),
        )
        session.flush()
        return _sync_if_complete(session, actor, shipment)


def _sync_if_complete(session: Session, actor: audit.Actor, shipment: Shipment) -> bool:
    statuses = session.exec(
        select(OutboxEntry.status).where(OutboxEntry.shipment_id == shipment.id)
    ).all()
    state = ShipmentState(shipment.state)
    complete = bool(statuses) and all(status == DONE for status in statuses)
    if not complete or state not in (ShipmentState.SHIPPED, ShipmentState.PROBLEM):
        return False
    set_state(session, actor, shipment, ShipmentState.SYNCED)
    session.add(shipment)
    return True


def mark_retry(
    engine: Engine, entry_id: int, now: datetime, due: datetime, error: str
) -> None:
    """Put the entry back in the queue, to be tried again at ``due``."""
    with session_scope(engine) as session:
        entry = _entry(session, entry_id)
        entry.status = PENDING
        entry.next_attempt_at = due
        entry.last_error = error
        entry.claimed_at = None
        entry.claimed_by = ""
        entry.updated_at = now
        session.add(entry)


def mark_failed(
    engine: Engine, actor: audit.Actor, entry_id: int, now: datetime, reason: str
) -> None:
    """Stop the entry for a person to look at; the shipment becomes a PROBLEM."""
    with session_scope(engine) as session:
        entry = _entry(session, entry_id)
        entry.status = FAILED
        entry.last_error = reason
        entry.claimed_at = None
        entry.claimed_by = ""
        entry.updated_at = now
        session.add(entry)
        shipment = _shipment(session, entry.shipment_id)
        _make_problem(session, actor, shipment, reason)
        audit.record(
            session,
            actor,
            action="sync failed",
            entity="shipment",
            entity_id=shipment.order_id,
            new=ACTION_LABELS.get(entry.action, entry.action),
            detail=reason,
        )


def _make_problem(
    session: Session, actor: audit.Actor, shipment: Shipment, reason: str
) -> None:
    state = ShipmentState(shipment.state)
    if state is ShipmentState.PROBLEM:
        # Keep the first reason (often the importer's own, about the same fact)
        # and add ours, so neither is lost.
        if reason not in shipment.problem:
            shipment.problem = f"{shipment.problem} {reason}".strip()
            session.add(shipment)
        return
    if state in (ShipmentState.SHIPPED, ShipmentState.SYNCED):
        if state is ShipmentState.SYNCED:
            # SYNCED is final; a later refusal can only be logged.
            logger.warning("Order %s: %s", shipment.order_id, reason)
            return
        set_state(session, actor, shipment, ShipmentState.PROBLEM, reason)
        session.add(shipment)


# --- what a supervisor does ---------------------------------------------------


def retry(engine: Engine, actor: audit.Actor, entry_id: int, now: datetime) -> None:
    """Send a failed (or waiting) entry again now; the shipment waits to sync."""
    with session_scope(engine) as session:
        entry = _entry(session, entry_id)
        if entry.status not in (FAILED, PENDING):
            raise OutboxError(
                f"This entry is {entry.status.replace('_', ' ')}; only a failed or "
                "waiting entry can be sent again."
            )
        entry.status = PENDING
        entry.next_attempt_at = now
        entry.updated_at = now
        session.add(entry)
        shipment = _shipment(session, entry.shipment_id)
        audit.record(
            session,
            actor,
            action="sync retried",
            entity="shipment",
            entity_id=shipment.order_id,
            new=ACTION_LABELS.get(entry.action, entry.action),
            detail=entry.last_error,
        )
        session.flush()
        others_failed = session.exec(
            select(OutboxEntry.id).where(
                OutboxEntry.shipment_id == shipment.id, OutboxEntry.status == FAILED
            )
        ).first()
        if ShipmentState(shipment.state) is ShipmentState.PROBLEM and not others_failed:
            set_state(session, actor, shipment, ShipmentState.SHIPPED)
            session.add(shipment)


def cancel(
    engine: Engine,
    actor: audit.Actor,
    entry_id: int,
    reason: str,
    now: datetime,
    *,
    include_later: bool = True,
) -> list[int]:
    """Give up an effect (and, by default, every later one of its shipment).

    Returns the ids cancelled. An effect already done cannot be cancelled, and
    one in flight neither: its outcome is not known yet.
    """
    if not reason.strip():
        raise OutboxError("Say why the effect is cancelled; the reason is audited.")
    with session_scope(engine) as session:
        entry = _entry(session, entry_id)
        if entry.status in (DONE, IN_FLIGHT, CANCELLED):
            raise OutboxError(
                f"This entry is {entry.status.replace('_', ' ')}; it cannot be "
                "cancelled."
            )
        targets = [entry]
        if include_later:
            targets += session.exec(
                select(OutboxEntry).where(
                    OutboxEntry.shipment_id == entry.shipment_id,
                    col(OutboxEntry.sequence) > entry.sequence,
                    col(OutboxEntry.status).in_((PENDING, FAILED)),
                )
            ).all()
        shipment = _shipment(session, entry.shipment_id)
        for target in targets:
            _cancel_one(session, actor, target, shipment, reason, now)
        return [target.id for target in targets if target.id is not None]


def _cancel_one(
    session: Session,
    actor: audit.Actor,
    entry: OutboxEntry,
    shipment: Shipment,
    reason: str,
    now: datetime,
) -> None:
    entry.status = CANCELLED
    entry.last_error = f"Cancelled: {reason.strip()}"
    entry.updated_at = now
    session.add(entry)
    audit.record(
        session,
        actor,
        action="sync cancelled",
        entity="shipment",
        entity_id=shipment.order_id,
        old=ACTION_LABELS.get(entry.action, entry.action),
        detail=reason.strip(),
    )


# --- reading ------------------------------------------------------------------


def views(
    engine: Engine, statuses: Sequence[str] | None = None, limit: int | None = None
) -> list[OutboxView]:
    """Entries as plain values, the most recently changed first."""
    query = select(OutboxEntry, Shipment.order_id, _blocked()).join(
        Shipment,
        col(Shipment.id) == col(OutboxEntry.shipment_id),
    )
    if statuses:
        query = query.where(col(OutboxEntry.status).in_(list(statuses)))
    query = query.order_by(
        col(OutboxEntry.updated_at).desc(), col(OutboxEntry.id).desc()
    ).limit(limit)
    with Session(engine) as session:
        rows = session.exec(query)
        return [_view(entry, order_id, bool(waits)) for entry, order_id, waits in rows]


def _view(entry: OutboxEntry, order_id: str, blocked: bool) -> OutboxView:
    assert entry.id is not None
    return OutboxView(
        entry_id=entry.id,
        shipment_id=entry.shipment_id,
        order_id=order_id,
        action=entry.action,
        action_label=ACTION_LABELS.get(entry.action, entry.action),
        sequence=entry.sequence,
        status=entry.status,
        attempts=entry.attempts,
        next_attempt_at=entry.next_attempt_at,
        last_error=entry.last_error,
        updated_at=entry.updated_at,
        blocked=blocked and entry.status == PENDING,
    )


def counts(engine: Engine) -> dict[str, int]:
    """How many entries are in each status."""
    with Session(engine) as session:
        rows = session.exec(
            select(OutboxEntry.status, sa.func.count()).group_by(
                col(OutboxEntry.status)
            )
        )
        return {status: int(number) for status, number in rows}


def next_due(engine: Engine) -> datetime | None:
    """When the earliest pending entry falls due, if any is pending."""
    with Session(engine) as session:
        return session.exec(
            select(sa.func.min(OutboxEntry.next_attempt_at)).where(
                OutboxEntry.status == PENDING
            )
        ).first()


@dataclass(frozen=True, slots=True)
class VariantIds:
    """The Shopify ids of one catalog SKU (either may be missing)."""

    sku: str
    variant_id: str | None
    inventory_item_id: str | None


def shopify_ids(engine: Engine, skus: Sequence[str]) -> dict[str, VariantIds]:
    """The Shopify variant and inventory item of each SKU, by folded SKU."""
    folded = [sku.casefold() for sku in skus]
    with Session(engine) as session:
        rows = session.exec(
            select(CatalogVariant).where(col(CatalogVariant.sku_folded).in_(folded))
        )
        return {
            row.sku_folded: VariantIds(
                row.sku, row.shopify_variant_id, row.inventory_item_id
            )
            for row in rows
        }


def stale_before(now: datetime, lease_s: float) -> datetime:
    """Claims made before this moment have outlived their lease."""
    return now - timedelta(seconds=lease_s)


def _entry(session: Session, entry_id: int) -> OutboxEntry:
    entry = session.get(OutboxEntry, entry_id)
    if entry is None:
        raise OutboxError(f"There is no outbox entry {entry_id}.")
    return entry


def _shipment(session: Session, shipment_id: int) -> Shipment:
    shipment = session.get(Shipment, shipment_id)
    if shipment is None:
        raise OutboxError(f"There is no shipment {shipment_id}.")
    return shipment
