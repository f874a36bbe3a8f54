"""The bench: everything a clerk does, as one facade over the local cache.

Every method is one local transaction, so a clerk's action is either saved whole
or not at all. Methods may be called from any thread; each opens its own
session. Writes are meant to run on the UI's single database-writer lane.
"""

from __future__ import annotations

import getpass
import json
import logging
import platform
import threading
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from app.domain.carriers import DEFAULT_CHANNEL_NAMES, KNOWN_CARRIERS, carrier_for_name
from app.domain.matching import (
    CatalogEntry,
    MappingKey,
    Suggestion,
    check_mapping_change,
    merge_suggestions,
    suggest_by_seller_sku,
    suggest_by_title,
)
from app.domain.shipments import (
    FULFILLABLE_STATES,
    MATCHABLE_STATES,
    OPEN_STATES,
    STATE_LABELS,
    ShipmentKind,
    ShipmentState,
)
from app.domain.tracking import ZIP_MISMATCH, check_tracking_number
from app.services import audit
from app.services.dto import (
    CatalogItem,
    FulfilResult,
    HistoryEntry,
    ImportReport,
    LineView,
    MatchResult,
    QueueQuery,
    QueueRow,
    ShipmentDetail,
)
from app.services.importer import PLATFORM, import_orders
from app.services.shipment_state import refresh_summaries, set_state
from app.storage import queue as queue_sql
from app.storage.db import open_database, session_scope, sqlite_url
from app.storage.models import (
    AuditEntry,
    CatalogVariant,
    Fulfilment,
    OutboxEntry,
    Shipment,
    ShipmentLine,
    SkuMapping,
    SyncState,
    utc_now,
)
from app.storage.paths import DATABASE_FILE, AppFolders

logger = logging.getLogger(__name__)

# States in which a passed ship-by time means a parcel is late.
LATE_STATES = frozenset(
    {
        ShipmentState.UNMATCHED,
        ShipmentState.READY,
        ShipmentState.PACKED,
        ShipmentState.PROBLEM,
    }
)

# The remote effects a fulfilment causes, in the order they must happen.
FULFIL_EFFECTS = ("tiktok.ship_package", "shopify.fulfil_or_adjust")
SHOPIFY_ONLY = FULFIL_EFFECTS[1:]


class BenchError(Exception):
    """A clerk's action was refused; the message says why in plain words."""


class NotFoundError(BenchError):
    """No shipment, line or SKU by that name."""


class ZipMismatchError(BenchError):
    """The label's ZIP is not the order's; a person must check before saving."""

    def __init__(self, warning: str) -> None:
        super().__init__(
            f"The {warning}. Check the label and the address; save anyway only if "
            "the parcel is right."
        )
        self.warning = warning


class TrackingInUseError(BenchError):
    """The tracking number is already on another shipment's parcel."""

    def __init__(
        self, tracking: str, other_order_id: str, other_shipment_id: int
    ) -> None:
        super().__init__(
            f"Tracking number {tracking} is already used on order {other_order_id}. "
            "Mark it as the same parcel only if both orders really are in one box."
        )
        self.tracking = tracking
        self.other_order_id = other_order_id
        self.other_shipment_id = other_shipment_id


@dataclass(frozen=True, slots=True)
class Identity:
    """Who is working at which bench."""

    user: str
    station: str

    @classmethod
    def of_this_machine(cls) -> Identity:
        """The logged-in user and the computer's name."""
        try:
            user = getpass.getuser()
        except (KeyError, OSError):
            user = "clerk"
        return cls(user=user, station=platform.node() or "bench")


class Bench:
    """The facade the UI and the command line use for all bench work."""

    def __init__(self, engine: Engine, identity: Identity) -> None:
        self.engine = engine
        self.identity = identity
        self._actor = audit.Actor(user=identity.user, station=identity.station)
        self._catalog_lock = threading.Lock()
        self._catalog_cache: list[CatalogEntry] | None = None

    @classmethod
    def open(cls, folders: AppFolders, identity: Identity | None = None) -> Bench:
        """Open the bench on a data folder, creating and migrating its database."""
        folders.create()
        engine = open_database(sqlite_url(folders.database))
        return cls(engine, identity or Identity.of_this_machine())

    @classmethod
    def open_path(cls, data_dir: Path, identity: Identity | None = None) -> Bench:
        """Open a bench whose data folder is ``data_dir`` (tests and tools)."""
        data_dir.mkdir(parents=True, exist_ok=True)
        engine = open_database(sqlite_url(data_dir / DATABASE_FILE))
        return cls(engine, identity or Identity.of_this_machine())

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    # --- queue ----------------------------------------------------------------

    def queue_ids(self, query: QueueQuery) -> list[int]:
        """The ids of the shipments a query lists, in display order."""
        states = query.states if query.states is not None else OPEN_STATES
        statements = queue_sql.queue_id_statements(
            text=query.text,
            states=[state.value for state in states],
            kind=query.kind.value if query.kind else None,
            sort=query.sort.value,
            descending=query.descending,
        )
        with self.engine.connect() as connection:
            return queue_sql.fetch_ids(connection, statements, query.limit)

    def queue_rows(self, ids: Sequence[int]) -> dict[int, QueueRow]:
        """The display rows of the given shipments, keyed by id."""
        with self.engine.connect() as connection:
            rows = queue_sql.fetch_rows(connection, ids)
        return {row.id: _queue_row(row) for row in rows}

    def queue(self, query: QueueQuery | None = None) -> list[QueueRow]:
        """A whole queue as rows (for exports and the command line)."""
        ids = self.queue_ids(query or QueueQuery())
        rows = self.queue_rows(ids)
        return [rows[shipment_id] for shipment_id in ids]

    def counts(self) -> dict[ShipmentState, int]:
        """How many shipments are in each state."""
        with self.engine.connect() as connection:
            raw = queue_sql.count_by_state(connection)
        return {state: raw.get(state.value, 0) for state in ShipmentState}

    def late_count(self, now: datetime) -> int:
        """How many shipments still to pack are past their ship-by time."""
        states = [state.value for state in LATE_STATES]
        with self.engine.connect() as connection:
            return queue_sql.count_late(connection, states, now)

    def find_shipment(self, order_id: str) -> int:
        """The shipment id of a TikTok order id, or :class:`NotFoundError`."""
        with Session(self.engine) as session:
            shipment = _shipment_by_order(session, order_id.strip())
            assert shipment.id is not None
            return shipment.id

    def detail(self, shipment_id: int) -> ShipmentDetail:
        """Everything about one shipment, for the detail pane."""
        with Session(self.engine) as session:
            shipment = get_shipment(session, shipment_id)
            lines = shipment_lines(session, shipment_id)
            titles = self._titles_of(session, {ln.matched_sku for ln in lines})
            history = session.exec(
                select(AuditEntry)
                .where(AuditEntry.entity == "shipment")
                .where(AuditEntry.entity_id == shipment.order_id)
                .order_by(col(AuditEntry.at).desc(), col(AuditEntry.id).desc())
            ).all()
            return ShipmentDetail(
                row=_row_of(shipment),
                address=shipment.recipient_address,
                postal_code=shipment.postal_code,
                buyer_message=shipment.buyer_message,
                ordered_at=shipment.ordered_at,
                lines=tuple(_line_view(line, titles) for line in lines),
                history=tuple(_history_entry(entry) for entry in history),
            )

    # --- catalog --------------------------------------------------------------

    def upsert_catalog(self, items: Iterable[CatalogItem]) -> int:
        """Insert or refresh catalog variants by SKU; returns how many were written."""
        written = 0
        with session_scope(self.engine) as session:
            existing = {
                row.sku_folded: row for row in session.exec(select(CatalogVariant))
            }
            for item in items:
                row = existing.get(item.sku.casefold())
                if row is None:
                    row = CatalogVariant(
                        sku=item.sku, sku_folded=item.sku.casefold(), title=item.title
                    )
                    existing[row.sku_folded] = row
                _copy_catalog_item(row, item)
                session.add(row)
                written += 1
        self._forget_catalog()
        logger.info("Catalog refreshed: %d variants written", written)
        return written

    def catalog(self) -> list[CatalogEntry]:
        """Every catalog variant, as matching sees it (cached until it changes)."""
        with self._catalog_lock:
            if self._catalog_cache is None:
                with Session(self.engine) as session:
                    rows = session.exec(
                        select(CatalogVariant).order_by(CatalogVariant.sku)
                    )
                    self._catalog_cache = [
                        CatalogEntry(sku=row.sku, title=row.title, gtin=row.gtin)
                        for row in rows
                    ]
            return list(self._catalog_cache)

    def _forget_catalog(self) -> None:
        with self._catalog_lock:
            self._catalog_cache = None

    # --- matching -------------------------------------------------------------

    def suggestions(
        self, shipment_id: int, line_id: str | None = None
    ) -> list[Suggestion]:
        """Ranked catalog candidates for a line (the first unmatched one by default)."""
        detail = self.detail(shipment_id)
        line = _pick_line(detail, line_id)
        catalog = self.catalog()
        return merge_suggestions(
            suggest_by_seller_sku(line.seller_sku, catalog),
            suggest_by_title(line.product_name, catalog),
            suggest_by_title(f"{line.product_name} {line.sku_name}", catalog),
        )

    def mapping_for(self, key: MappingKey) -> str | None:
        """The SKU a key is mapped to, or ``None``."""
        with Session(self.engine) as session:
            row = _mapping(session, key)
            return row.sku if row else None

    def match(
        self,
        shipment_id: int,
        sku: str,
        *,
        line_id: str | None = None,
        remap: bool = False,
    ) -> MatchResult:
        """Tie the key of a shipment's line to a catalog SKU, for every open order.

        A key that is already tied to another SKU is refused unless ``remap`` is
        given; a remap is audited with the old and the new SKU. Orders already
        shipped keep the SKU they were shipped with.
        """
        with session_scope(self.engine) as session:
            shipment = get_shipment(session, shipment_id)
            line = _pick_line_row(session, shipment, line_id)
            variant = _variant(session, sku)
            key = MappingKey(line.platform, line.product_id, line.sku_id)
            mapping = _mapping(session, key)
            # A sample that matched itself by its seller SKU has no mapping
            # row, but its SKU is a match all the same: replacing it is a remap.
            old_sku = mapping.sku if mapping else line.matched_sku

            changed = check_mapping_change(key, old_sku, variant.sku, remap=remap)
            if changed or mapping is None:
                mapping = self._store_mapping(session, key, mapping, variant.sku)
            updated = self._apply_mapping(session, key, variant.sku)
            logger.info("Matched %s to %s (%d shipments)", key, variant.sku, updated)
            return MatchResult(
                key_text=str(key),
                sku=variant.sku,
                created=changed and old_sku is None,
                remapped_from=old_sku if changed else None,
                shipments_updated=updated,
            )

    def _store_mapping(
        self, session: Session, key: MappingKey, mapping: SkuMapping | None, sku: str
    ) -> SkuMapping:
        old_sku = mapping.sku if mapping else None
        if mapping is None:
            mapping = SkuMapping(
                platform=key.platform,
                product_id=key.product_id,
                sku_id=key.sku_id,
                sku=sku,
            )
        mapping.sku = sku
        mapping.created_by = self.identity.user
        mapping.station = self.identity.station
        mapping.created_at = utc_now()
        session.add(mapping)
        audit.record(
            session,
            self._actor,
            action="remapped" if old_sku else "mapped",
            entity="mapping",
            entity_id=f"{key.platform}:{key.product_id}:{key.sku_id}",
            old=old_sku,
            new=sku,
        )
        return mapping

    def _apply_mapping(self, session: Session, key: MappingKey, sku: str) -> int:
        lines = session.exec(
            select(ShipmentLine, Shipment)
            .join(Shipment, Shipment.id == ShipmentLine.shipment_id)  # type: ignore[arg-type]
            .where(ShipmentLine.platform == key.platform)
            .where(ShipmentLine.product_id == key.product_id)
            .where(ShipmentLine.sku_id == key.sku_id)
            .where(col(Shipment.state).in_([s.value for s in MATCHABLE_STATES]))
        ).all()

        touched: dict[int, Shipment] = {}
        for line, shipment in lines:
            if line.matched_sku == sku:
                continue
            old = line.matched_sku
            line.matched_sku = sku
            line.packed = False
            session.add(line)
            assert shipment.id is not None
            touched[shipment.id] = shipment
            audit.record(
                session,
                self._actor,
                action="matched",
                entity="shipment",
                entity_id=shipment.order_id,
                old=old,
                new=sku,
                detail=f"line {line.line_id}",
            )
        session.flush()

        for shipment in touched.values():
            all_matched = refresh_summaries(session, shipment)
            if ShipmentState(shipment.state) is not ShipmentState.PROBLEM:
                wanted = ShipmentState.READY if all_matched else ShipmentState.UNMATCHED
                set_state(session, self._actor, shipment, wanted)
            session.add(shipment)
        return len(touched)

    # --- fulfilment -----------------------------------------------------------

    def fulfil(
        self,
        shipment_id: int,
        tracking: str,
        carrier: str | None = None,
        *,
        same_parcel_as: int | None = None,
        zip_confirmed: bool = False,
    ) -> FulfilResult:
        """Save the tracking number and queue the remote effects, in one transaction.

        A label whose ZIP is not the order's is refused with
        :class:`ZipMismatchError` unless ``zip_confirmed`` says a person checked
        the parcel; the override is audited.
        """
        with session_scope(self.engine) as session:
            shipment = get_shipment(session, shipment_id)
            _check_fulfillable(shipment)
            check = check_tracking_number(
                tracking, carrier_hint=carrier, order_zip=shipment.postal_code or None
            )
            if not check.valid or check.value is None:
                raise BenchError(check.message or "That tracking number is not valid.")
            chosen_carrier = _shipping_carrier(check.carrier, carrier, check.value)
            zip_warning = _zip_warning(check.warnings)
            if zip_warning and not zip_confirmed:
                raise ZipMismatchError(zip_warning)
            self._check_tracking_free(session, shipment, check.value, same_parcel_as)

            fulfilment = Fulfilment(
                shipment_id=shipment_id,
                carrier=chosen_carrier,
                tracking_number=check.value,
                raw_scan=tracking if tracking != check.value else "",
                destination_zip=check.destination_zip,
                same_parcel_as=same_parcel_as,
                created_by=self.identity.user,
                station=self.identity.station,
            )
            session.add(fulfilment)
            shipment.tracking_number = check.value
            shipment.carrier = chosen_carrier
            refresh_summaries(session, shipment)
            set_state(session, self._actor, shipment, ShipmentState.SHIPPED)
            keys = self._queue_effects(session, shipment, fulfilment)
            audit.record(
                session,
                self._actor,
                action="fulfilled",
                entity="shipment",
                entity_id=shipment.order_id,
                new=f"{chosen_carrier} {check.value}",
                detail=_fulfil_note(same_parcel_as, zip_warning),
            )
            session.add(shipment)
            logger.info("Fulfilled order %s with %s", shipment.order_id, chosen_carrier)
            return FulfilResult(
                shipment_id=shipment_id,
                order_id=shipment.order_id,
                tracking_number=check.value,
                carrier=chosen_carrier,
                outbox_keys=keys,
                warnings=check.warnings,
            )

    def _check_tracking_free(
        self,
        session: Session,
        shipment: Shipment,
        tracking: str,
        same_parcel_as: int | None,
    ) -> None:
        other = session.exec(
            select(Fulfilment, Shipment)
            .join(Shipment, Shipment.id == Fulfilment.shipment_id)  # type: ignore[arg-type]
            .where(Fulfilment.tracking_number == tracking)
            .where(Fulfilment.shipment_id != shipment.id)
        ).first()
        if other is None:
            return
        used_on = other[1]
        assert used_on.id is not None
        if same_parcel_as != used_on.id:
            raise TrackingInUseError(tracking, used_on.order_id, used_on.id)

    def _queue_effects(
        self, session: Session, shipment: Shipment, fulfilment: Fulfilment
    ) -> tuple[str, ...]:
        lines = shipment_lines(session, shipment.id or 0)
        payload = json.dumps(
            {
                "order_id": shipment.order_id,
                "kind": shipment.kind,
                "tracking_number": fulfilment.tracking_number,
                "carrier": fulfilment.carrier,
                "line_item_ids": [line.line_id for line in lines],
                "skus": [line.matched_sku for line in lines],
            },
            sort_keys=True,
        )
        # A hand-made sample parcel has no TikTok order to ship: its tracking
        # goes back through the Affiliate Center export instead.
        effects = FULFIL_EFFECTS if shipment.platform == PLATFORM else SHOPIFY_ONLY
        keys: list[str] = []
        for sequence, action in enumerate(effects, start=1):
            key = uuid.uuid4().hex
            session.add(
                OutboxEntry(
                    idempotency_key=key,
                    shipment_id=shipment.id or 0,
                    action=action,
                    sequence=sequence,
                    payload_json=payload,
                )
            )
            keys.append(key)
        return tuple(keys)

    # --- import ---------------------------------------------------------------

    def import_orders(self, orders: Iterable[object], source: str) -> ImportReport:
        """Import TikTok order objects; one transaction for the whole batch."""
        self_match = {entry.sku.casefold(): entry.sku for entry in self.catalog()}
        with session_scope(self.engine) as session:
            report = import_orders(
                session, self._actor, orders, source, self_match=self_match
            )
        logger.info("Imported from %s: %s", source, report.summary())
        return report

    # --- small state ----------------------------------------------------------

    def get_state(self, key: str) -> str | None:
        """A value the sync keeps between runs, or ``None``."""
        with Session(self.engine) as session:
            row = session.get(SyncState, key)
            return row.value if row else None

    def set_state(self, key: str, value: str) -> None:
        """Store a value the sync keeps between runs."""
        with session_scope(self.engine) as session:
            row = session.get(SyncState, key) or SyncState(key=key)
            row.value = value
            row.updated_at = utc_now()
            session.add(row)

    def pending_effects(self) -> int:
        """How many remote effects are still waiting in the outbox."""
        with Session(self.engine) as session:
            rows = session.exec(
                select(OutboxEntry.id).where(OutboxEntry.status == "pending")
            )
            return len(rows.all())

    def _titles_of(self, session: Session, skus: set[str | None]) -> dict[str, str]:
        wanted = [sku for sku in skus if sku]
        if not wanted:
            return {}
        in_wanted = CatalogVariant.sku.in_(wanted)  # type: ignore[attr-defined]
        rows = session.exec(select(CatalogVariant).where(in_wanted))
        return {row.sku: row.title for row in rows}


# --- helpers ------------------------------------------------------------------


def _shipping_carrier(recognised: str | None, picked: str | None, number: str) -> str:
    """The carrier to ship with, or a refusal TikTok Shop would otherwise give.

    A carrier whose rules recognised the number wins; a carrier picked by hand
    must be one the shops know, or the sync would fail later with the parcel
    already gone.
    """
    if recognised in KNOWN_CARRIERS:
        return recognised
    picked = picked or recognised
    if not picked:
        raise BenchError(
            f"No carrier recognises {number}. Check the number, or choose the "
            "carrier by hand."
        )
    name = carrier_for_name(picked) or picked.strip()
    if name not in DEFAULT_CHANNEL_NAMES:
        known = ", ".join(DEFAULT_CHANNEL_NAMES)
        raise BenchError(
            f"TikTok Shop and Shopify do not know the carrier '{picked}'. "
            f"Choose one of: {known}."
        )
    return name


def _zip_warning(warnings: Sequence[str]) -> str | None:
    return next((w for w in warnings if w.startswith(ZIP_MISMATCH)), None)


def _fulfil_note(same_parcel_as: int | None, zip_warning: str | None) -> str:
    notes = []
    if same_parcel_as:
        notes.append("same parcel as another order")
    if zip_warning:
        notes.append(f"{zip_warning}; saved after checking the parcel")
    return "; ".join(notes)


def get_shipment(session: Session, shipment_id: int) -> Shipment:
    """The shipment with this id in ``session``, or :class:`NotFoundError`."""
    shipment = session.get(Shipment, shipment_id)
    if shipment is None:
        raise NotFoundError(f"No shipment with id {shipment_id}.")
    return shipment


def _shipment_by_order(session: Session, order_id: str) -> Shipment:
    # TikTok orders first; a hand-made sample parcel ("AFF-...") has its own
    # platform but is found by its id all the same.
    shipment = session.exec(
        select(Shipment)
        .where(Shipment.order_id == order_id)
        .order_by(Shipment.platform != PLATFORM)  # type: ignore[arg-type]
    ).first()
    if shipment is None:
        raise NotFoundError(f"Order {order_id} is not in the queue.")
    return shipment


def shipment_lines(session: Session, shipment_id: int) -> list[ShipmentLine]:
    """A shipment's lines, in the order they were imported."""
    return list(
        session.exec(
            select(ShipmentLine)
            .where(ShipmentLine.shipment_id == shipment_id)
            .order_by(ShipmentLine.id)  # type: ignore[arg-type]
        )
    )


def _variant(session: Session, sku: str) -> CatalogVariant:
    if not sku.strip():
        raise BenchError("Give the SKU to match to.")
    variant = session.exec(
        select(CatalogVariant).where(
            CatalogVariant.sku_folded == sku.strip().casefold()
        )
    ).first()
    if variant is None:
        raise NotFoundError(f"SKU {sku.strip()} is not in the catalog.")
    return variant


def _mapping(session: Session, key: MappingKey) -> SkuMapping | None:
    return session.exec(
        select(SkuMapping).where(
            SkuMapping.platform == key.platform,
            SkuMapping.product_id == key.product_id,
            SkuMapping.sku_id == key.sku_id,
        )
    ).first()


def _pick_line(detail: ShipmentDetail, line_id: str | None) -> LineView:
    if line_id is not None:
        for line in detail.lines:
            if line.line_id == line_id:
                return line
        raise NotFoundError(f"Order {detail.row.order_id} has no line {line_id}.")
    return (detail.unmatched_lines or detail.lines)[0]


def _pick_line_row(
    session: Session, shipment: Shipment, line_id: str | None
) -> ShipmentLine:
    lines = shipment_lines(session, shipment.id or 0)
    if line_id is not None:
        for line in lines:
            if line.line_id == line_id:
                return line
        raise NotFoundError(f"Order {shipment.order_id} has no line {line_id}.")
    if ShipmentState(shipment.state) not in MATCHABLE_STATES:
        label = STATE_LABELS[ShipmentState(shipment.state)].lower()
        raise BenchError(
            f"Order {shipment.order_id} is {label}; it can no longer be matched."
        )
    unmatched = [line for line in lines if line.matched_sku is None]
    return (unmatched or lines)[0]


def _check_fulfillable(shipment: Shipment) -> None:
    state = ShipmentState(shipment.state)
    if state is ShipmentState.UNMATCHED:
        raise BenchError(
            f"Order {shipment.order_id} is not matched to a SKU yet. Match it first."
        )
    if state in (ShipmentState.SHIPPED, ShipmentState.SYNCED):
        raise BenchError(
            f"Order {shipment.order_id} is {STATE_LABELS[state].lower()}; "
            "it cannot be fulfilled again."
        )
    if state not in FULFILLABLE_STATES:
        raise BenchError(
            f"Order {shipment.order_id} is {STATE_LABELS[state].lower()}; "
            "it cannot be fulfilled."
        )
    if shipment.on_hold:
        raise BenchError(
            f"Order {shipment.order_id} is on hold in TikTok Shop (the buyer may still "
            "cancel). Wait until it is released."
        )


def _copy_catalog_item(row: CatalogVariant, item: CatalogItem) -> None:
    row.sku = item.sku
    row.sku_folded = item.sku.casefold()
    row.title = item.title
    row.gtin = item.gtin
    row.barcode = item.barcode
    row.product_title = item.product_title
    row.variant_title = item.variant_title
    row.shopify_variant_id = item.shopify_variant_id
    row.inventory_item_id = item.inventory_item_id
    row.available = item.available
    row.unit_cost = item.unit_cost
    row.updated_at = utc_now()


def _queue_row(row: object) -> QueueRow:
    mapping = row._mapping  # type: ignore[attr-defined]
    return QueueRow(
        shipment_id=mapping["id"],
        order_id=mapping["order_id"],
        kind=ShipmentKind(mapping["kind"]),
        state=ShipmentState(mapping["state"]),
        ship_by=mapping["ship_by"],
        recipient=mapping["recipient_name"],
        item=mapping["item_summary"],
        sku=mapping["sku_summary"],
        tracking_number=mapping["tracking_number"],
        carrier=mapping["carrier"],
        on_hold=mapping["on_hold"],
        platform_status=mapping["platform_status"],
        problem=mapping["problem"],
    )


def _row_of(shipment: Shipment) -> QueueRow:
    assert shipment.id is not None
    return QueueRow(
        shipment_id=shipment.id,
        order_id=shipment.order_id,
        kind=ShipmentKind(shipment.kind),
        state=ShipmentState(shipment.state),
        ship_by=shipment.ship_by,
        recipient=shipment.recipient_name,
        item=shipment.item_summary,
        sku=shipment.sku_summary,
        tracking_number=shipment.tracking_number,
        carrier=shipment.carrier,
        on_hold=shipment.on_hold,
        platform_status=shipment.platform_status,
        problem=shipment.problem,
    )


def _line_view(line: ShipmentLine, titles: dict[str, str]) -> LineView:
    return LineView(
        line_id=line.line_id,
        product_id=line.product_id,
        sku_id=line.sku_id,
        seller_sku=line.seller_sku,
        product_name=line.product_name,
        sku_name=line.sku_name,
        matched_sku=line.matched_sku,
        matched_title=titles.get(line.matched_sku) if line.matched_sku else None,
    )


def _history_entry(entry: AuditEntry) -> HistoryEntry:
    return HistoryEntry(
        at=entry.at,
        user=entry.user,
        station=entry.station,
        action=entry.action,
        old_value=entry.old_value,
        new_value=entry.new_value,
        detail=entry.detail,
    )
