"""The pack flow: open an order by scan, verify every item, then the tracking label.

Built on :class:`~app.services.bench.Bench` and its database. A packing station
feeds every scan to :meth:`PackingService.scan` with the order it has open; the
service decides what the scan means from where the order stands:

- no order open, or the code is an order id (typed, or the packing slip's
  barcode): open that order;
- items still to pack: the scan must be the matched SKU of an unpacked line
  (GTIN compared as GTIN-14, SKU without regard to case). It marks one line
  packed, and the order PACKED when it was the last. A wrong item is refused
  and audited, never substituted; an item already packed in full is an
  over-scan; the same code again within the bounce window is ignored;
- everything packed: the scan is the tracking label. It is checked first (label
  ZIP against the order's, number already used on another parcel); anything
  the clerk must confirm comes back as :attr:`Outcome.CONFIRM`, and only
  :meth:`PackingService.ship` with ``confirmed=True`` saves it, through
  :meth:`Bench.fulfil`.

Each scan that changes something is one transaction. Refusals are answered as
:class:`StationStep` values (``ok`` False) rather than exceptions, so the
refusal's audit entry is committed with them.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from sqlmodel import Session, select

from app.domain.scanning.detector import StationSettings
from app.domain.scanning.normalise import GS, normalise_scan
from app.domain.scanning.products import CatalogItem, ProductIndex, gtin14
from app.domain.scanning.recognise import (
    RecognisedAs,
    ScanContext,
    ScanField,
    ScanResult,
    recognise,
)
from app.domain.shipments import STATE_LABELS, ShipmentKind, ShipmentState
from app.domain.tracking import TrackingCheck, check_tracking_number
from app.services import audit
from app.services.bench import (
    Bench,
    BenchError,
    NotFoundError,
    TrackingInUseError,
    get_shipment,
    shipment_lines,
)
from app.services.campaigns import CampaignService
from app.services.dto import FulfilResult
from app.services.importer import PLATFORM
from app.services.shipment_state import set_state
from app.storage.db import session_scope
from app.storage.models import CatalogVariant, Fulfilment, Shipment, ShipmentLine

logger = logging.getLogger(__name__)

#: States in which items may be scanned into the parcel.
PACKABLE_STATES = frozenset({ShipmentState.READY, ShipmentState.PACKED})


class Outcome(StrEnum):
    """What one scan (or override) did."""

    OPENED = "opened"
    PACKED_ITEM = "packed_item"
    ORDER_PACKED = "order_packed"
    SHIPPED = "shipped"
    CONFIRM = "confirm"
    BOUNCE = "bounce"
    WRONG_ITEM = "wrong_item"
    OVER_SCAN = "over_scan"
    UNREADABLE = "unreadable"
    NOT_FOUND = "not_found"
    NOT_PACKABLE = "not_packable"
    BAD_TRACKING = "bad_tracking"


class Phase(StrEnum):
    """Where an open order stands at the packing station."""

    ITEMS = "items"
    TRACKING = "tracking"
    DONE = "done"
    BLOCKED = "blocked"


@dataclass(frozen=True, slots=True)
class PackLine:
    """One unit of the order as the pack station lists it."""

    line_id: str
    sku: str | None
    title: str
    packed: bool
    gtin: str | None = None


@dataclass(frozen=True, slots=True)
class PackView:
    """An order as the packing station shows it."""

    shipment_id: int
    order_id: str
    kind: ShipmentKind
    state: ShipmentState
    recipient: str
    address: str
    postal_code: str
    ship_by: datetime | None
    on_hold: bool
    tracking_number: str | None
    carrier: str | None
    lines: tuple[PackLine, ...]

    @property
    def unpacked(self) -> tuple[PackLine, ...]:
        """Lines still to scan."""
        return tuple(line for line in self.lines if not line.packed)

    @property
    def packed_count(self) -> int:
        """How many units are in the parcel."""
        return len(self.lines) - len(self.unpacked)

    @property
    def phase(self) -> Phase:
        """What the clerk has to scan next."""
        if self.state in (ShipmentState.SHIPPED, ShipmentState.SYNCED):
            return Phase.DONE
        if self.state not in PACKABLE_STATES or self.on_hold:
            return Phase.BLOCKED
        return Phase.ITEMS if self.unpacked else Phase.TRACKING


@dataclass(frozen=True, slots=True)
class PendingTracking:
    """A tracking label that needs the clerk's confirmation before it is saved.

    ``in_use_order_id`` is set when the number is already on another order's
    parcel: it may be saved only as "same parcel as" that order.
    """

    raw: str
    value: str
    carrier: str | None
    warnings: tuple[str, ...] = ()
    in_use_order_id: str | None = None
    in_use_shipment_id: int | None = None


@dataclass(frozen=True, slots=True)
class StationStep:
    """The answer to one scan: what happened, in words, and the order as it is now."""

    outcome: Outcome
    ok: bool
    message: str
    view: PackView | None = None
    line_id: str | None = None
    pending: PendingTracking | None = None
    fulfilment: FulfilResult | None = None
    suggestion: str | None = None


@dataclass(frozen=True, slots=True)
class VariantInfo:
    """A catalog variant found by GTIN or SKU."""

    sku: str
    title: str
    gtin: str | None


class PackingService:
    """The packing station's flow on top of a :class:`Bench` (see the module doc).

    ``settings`` are the station's scanner settings (prefix, GS substitutes,
    bounce window). ``clock`` (monotonic milliseconds) is used for bounces only
    when a caller cannot say whether a scan repeated (``repeat=None``).
    """

    def __init__(
        self,
        bench: Bench,
        settings: StationSettings | None = None,
        *,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.bench = bench
        self.settings = settings or StationSettings()
        self._clock = clock or (lambda: time.monotonic() * 1000.0)
        self._actor = audit.Actor(bench.identity.user, bench.identity.station)
        self._last_item: tuple[int, str, float] | None = None

    # --- reading ----------------------------------------------------------------

    def find_shipment(self, code: str) -> int:
        """The shipment of a scanned or typed order id / packing-slip barcode."""
        with Session(self.bench.engine) as session:
            shipment_id = _find_order(session, code)
        if shipment_id is None:
            raise NotFoundError(f"No order {code.strip()} in the queue.")
        return shipment_id

    def view(self, shipment_id: int) -> PackView:
        """The order as the pack station shows it."""
        with Session(self.bench.engine) as session:
            shipment = get_shipment(session, shipment_id)
            lines = shipment_lines(session, shipment_id)
            variants = _variants_of(session, lines)
            return _view(shipment, lines, variants)

    def find_variant(self, code: str) -> VariantInfo | None:
        """A catalog variant by barcode (any GTIN length) or SKU (any case)."""
        cleaned = normalise_scan(code).text.replace(GS, "")
        gtin = gtin14(cleaned)
        with Session(self.bench.engine) as session:
            statement = select(CatalogVariant)
            if gtin is not None:
                statement = statement.where(CatalogVariant.gtin == gtin)
            else:
                statement = statement.where(
                    CatalogVariant.sku_folded == code.strip().casefold()
                )
            row = session.exec(statement).first()
            if row is None:
                return None
            return VariantInfo(sku=row.sku, title=row.title, gtin=row.gtin)

    # --- the router ---------------------------------------------------------------

    def open(self, code: str) -> StationStep:
        """Open the order a scanned order id or packing slip names."""
        try:
            shipment_id = self.find_shipment(code)
        except NotFoundError as error:
            return StationStep(Outcome.NOT_FOUND, False, str(error))
        view = self.view(shipment_id)
        ok, message = _opening_message(view)
        over_budget = CampaignService(self.bench).over_budget_reason(shipment_id)
        if ok and over_budget:
            ok, message = False, over_budget
        outcome = Outcome.OPENED if ok else Outcome.NOT_PACKABLE
        return StationStep(outcome, ok, message, view=view)

    def scan(
        self,
        shipment_id: int | None,
        raw: str,
        *,
        repeat: bool | None = None,
        typed: bool = False,
    ) -> StationStep:
        """Do what a scan means for the open order (see the module doc).

        ``typed`` marks a code the clerk typed rather than scanned: it may open
        an order or be a tracking number, but never counts as an item, since
        typing a SKU proves nothing about what is in the box (an item without a
        barcode goes through :meth:`override_item`).
        """
        if shipment_id is None:
            return self.open(raw)

        # One transaction for the common case, an item scan: find, check, pack.
        with session_scope(self.bench.engine) as session:
            if _find_order(session, raw) is not None:
                step = None
            else:
                step = self._scan_loaded(session, shipment_id, raw, repeat, typed)
        if step is None:
            return self.open(raw)
        # The tracking label is checked and saved in transactions of its own.
        return self.ship(shipment_id, raw) if step is _SHIP else step

    def _scan_loaded(
        self,
        session: Session,
        shipment_id: int,
        raw: str,
        repeat: bool | None,
        typed: bool,
    ) -> StationStep:
        shipment, lines, variants = _load(session, shipment_id)
        view = _view(shipment, lines, variants)
        if view.phase is Phase.ITEMS and typed:
            return StationStep(Outcome.UNREADABLE, False, TYPED_ITEM, view=view)
        if view.phase is Phase.ITEMS:
            return self._verify_loaded(session, shipment, lines, variants, raw, repeat)
        refusal = _check_packable(shipment, lines, variants)
        if refusal is not None:
            return refusal
        over = self._over_scan_loaded(session, shipment, lines, variants, raw)
        return over or _SHIP

    # --- items --------------------------------------------------------------------

    def verify_item(
        self, shipment_id: int, raw: str, *, repeat: bool | None = None
    ) -> StationStep:
        """Check one item scan against the order and pack it (one transaction)."""
        with session_scope(self.bench.engine) as session:
            shipment, lines, variants = _load(session, shipment_id)
            return self._verify_loaded(session, shipment, lines, variants, raw, repeat)

    def _verify_loaded(
        self,
        session: Session,
        shipment: Shipment,
        lines: list[ShipmentLine],
        variants: dict[str, CatalogVariant],
        raw: str,
        repeat: bool | None,
    ) -> StationStep:
        assert shipment.id is not None
        refusal = _check_packable(shipment, lines, variants)
        if refusal is not None:
            return refusal
        if self._is_bounce(shipment.id, raw, repeat):
            view = _view(shipment, lines, variants)
            return StationStep(Outcome.BOUNCE, True, "Same scan twice; ignored.", view)

        reading = self._read_item(raw, variants)
        step = self._pack_reading(session, shipment, lines, variants, reading)
        if step.ok:
            self._last_item = (shipment.id, raw, self._clock())
        return step

    def _is_bounce(self, shipment_id: int, raw: str, repeat: bool | None) -> bool:
        """A trigger bounce: the detector says so, or (without one) our own clock."""
        if repeat is not None:
            return repeat
        last = self._last_item
        window = self.settings.duplicate_window_ms
        return (
            last is not None
            and last[:2] == (shipment_id, raw)
            and self._clock() - last[2] <= window
        )

    def _read_item(self, raw: str, variants: dict[str, CatalogVariant]) -> ScanResult:
        """Read the scan against the order's own items (GTIN-14, SKU any case)."""
        index = ProductIndex(
            CatalogItem(sku=v.sku, barcode=v.gtin or v.barcode, title=v.title)
            for v in variants.values()
        )
        context = ScanContext.for_station(
            self.settings, ScanField.PRODUCT, catalog=index
        )
        return recognise(raw, context)

    def _pack_reading(
        self,
        session: Session,
        shipment: Shipment,
        lines: list[ShipmentLine],
        variants: dict[str, CatalogVariant],
        reading: ScanResult,
    ) -> StationStep:
        if reading.recognised_as is RecognisedAs.TRACKING:
            left = sum(1 for line in lines if not line.packed)
            message = f"That is a tracking label. Scan the items first ({left} left)."
            return self._refused(shipment, lines, variants, Outcome.UNREADABLE, message)
        if reading.sku is None:
            return self._unknown_item(session, shipment, lines, variants, reading)

        wanted = reading.sku.casefold()
        same_sku = [ln for ln in lines if (ln.matched_sku or "").casefold() == wanted]
        if not same_sku:
            return self._wrong_item(session, shipment, lines, variants, reading)
        unpacked = [line for line in same_sku if not line.packed]
        if not unpacked:
            return self._over_scan(session, shipment, lines, variants, reading.sku)
        return self._pack_line(session, shipment, lines, variants, unpacked[0], reading)

    def _pack_line(
        self,
        session: Session,
        shipment: Shipment,
        lines: list[ShipmentLine],
        variants: dict[str, CatalogVariant],
        line: ShipmentLine,
        reading: ScanResult,
    ) -> StationStep:
        line.packed = True
        session.add(line)
        audit.record(
            session,
            self._actor,
            action="packed",
            entity="shipment",
            entity_id=shipment.order_id,
            new=line.matched_sku,
            detail=f"line {line.line_id}, scanned {reading.raw!r}",
        )
        return self._after_packing(session, shipment, lines, variants, line)

    def _after_packing(
        self,
        session: Session,
        shipment: Shipment,
        lines: list[ShipmentLine],
        variants: dict[str, CatalogVariant],
        line: ShipmentLine,
    ) -> StationStep:
        done = all(item.packed for item in lines)
        if done:
            set_state(session, self._actor, shipment, ShipmentState.PACKED)
            session.add(shipment)
        view = _view(shipment, lines, variants)
        title = _title(line, variants)
        if done:
            message = (
                f"✓ {title}. All {len(lines)} packed. Scan the tracking label."
                if len(lines) > 1
                else f"✓ {title}. Packed. Scan the tracking label."
            )
            outcome = Outcome.ORDER_PACKED
        else:
            message = f"✓ {title}. {view.packed_count} of {len(lines)} packed."
            outcome = Outcome.PACKED_ITEM
        logger.info("Packed %s on order %s", line.matched_sku, shipment.order_id)
        return StationStep(outcome, True, message, view=view, line_id=line.line_id)

    def _unknown_item(
        self,
        session: Session,
        shipment: Shipment,
        lines: list[ShipmentLine],
        variants: dict[str, CatalogVariant],
        reading: ScanResult,
    ) -> StationStep:
        if not reading.valid:
            message = f"Could not read that scan: {reading.message}"
            step = self._refused(shipment, lines, variants, Outcome.UNREADABLE, message)
            return replace(step, suggestion=reading.suggestion)
        return self._wrong_item(session, shipment, lines, variants, reading)

    def _wrong_item(
        self,
        session: Session,
        shipment: Shipment,
        lines: list[ShipmentLine],
        variants: dict[str, CatalogVariant],
        reading: ScanResult,
    ) -> StationStep:
        scanned_sku, scanned = self._describe_scanned(session, reading)
        expected = ", ".join(
            sorted({ln.matched_sku or "?" for ln in lines if not ln.packed})
        )
        message = (
            f"WRONG ITEM: {scanned} is not in this order. Expected {expected}. "
            "Put it back; never send a substitute."
        )
        audit.record(
            session,
            self._actor,
            action="pack_refused",
            entity="shipment",
            entity_id=shipment.order_id,
            old=expected,
            new=scanned_sku or reading.value or reading.raw,
            detail=f"wrong item, scanned {reading.raw!r}",
        )
        logger.info("Wrong item refused on order %s", shipment.order_id)
        return self._refused(shipment, lines, variants, Outcome.WRONG_ITEM, message)

    def _describe_scanned(
        self, session: Session, reading: ScanResult
    ) -> tuple[str | None, str]:
        """The SKU and words for what was scanned, from the whole catalog."""
        statement = None
        if reading.gtin:
            statement = select(CatalogVariant).where(
                CatalogVariant.gtin == reading.gtin
            )
        elif reading.value:
            statement = select(CatalogVariant).where(
                CatalogVariant.sku_folded == reading.value.casefold()
            )
        row = session.exec(statement).first() if statement is not None else None
        if row is not None:
            return row.sku, f"{row.sku} ({row.title})"
        if reading.gtin:
            return None, f"barcode {reading.gtin} (not in the catalog)"
        return None, repr(reading.value or reading.raw)

    def _over_scan(
        self,
        session: Session,
        shipment: Shipment,
        lines: list[ShipmentLine],
        variants: dict[str, CatalogVariant],
        sku: str,
    ) -> StationStep:
        needed = sum(1 for ln in lines if (ln.matched_sku or "") == sku)
        message = (
            f"TOO MANY: this order needs {needed} × {sku} and "
            f"{'it is' if needed == 1 else 'all are'} already packed. "
            "Take the extra one out."
        )
        audit.record(
            session,
            self._actor,
            action="pack_refused",
            entity="shipment",
            entity_id=shipment.order_id,
            new=sku,
            detail="over-scan",
        )
        return self._refused(shipment, lines, variants, Outcome.OVER_SCAN, message)

    def _over_scan_loaded(
        self,
        session: Session,
        shipment: Shipment,
        lines: list[ShipmentLine],
        variants: dict[str, CatalogVariant],
        raw: str,
    ) -> StationStep | None:
        """A product scanned when the tracking label is expected."""
        reading = self._read_item(raw, variants)
        if reading.recognised_as is not RecognisedAs.PRODUCT or not reading.valid:
            return None
        if reading.sku is None:
            return self._wrong_item(session, shipment, lines, variants, reading)
        return self._over_scan(session, shipment, lines, variants, reading.sku)

    def _refused(
        self,
        shipment: Shipment,
        lines: list[ShipmentLine],
        variants: dict[str, CatalogVariant],
        outcome: Outcome,
        message: str,
    ) -> StationStep:
        return StationStep(
            outcome, False, message, view=_view(shipment, lines, variants)
        )

    # --- supervisor override ------------------------------------------------------

    def override_item(
        self, shipment_id: int, line_id: str, *, supervisor: str, reason: str
    ) -> StationStep:
        """Pack a line without a scan (an item without a barcode), audited."""
        supervisor, reason = supervisor.strip(), reason.strip()
        if not supervisor or not reason:
            raise BenchError("A supervisor's name and a reason are both required.")
        with session_scope(self.bench.engine) as session:
            shipment = get_shipment(session, shipment_id)
            lines = shipment_lines(session, shipment_id)
            variants = _variants_of(session, lines)
            refusal = _check_packable(shipment, lines, variants)
            if refusal is not None:
                return refusal
            line = next((ln for ln in lines if ln.line_id == line_id), None)
            if line is None:
                raise NotFoundError(f"Order {shipment.order_id} has no line {line_id}.")
            if line.packed:
                return self._refused(
                    shipment,
                    lines,
                    variants,
                    Outcome.OVER_SCAN,
                    f"{_title(line, variants)} is already packed.",
                )
            line.packed = True
            session.add(line)
            audit.record(
                session,
                self._actor,
                action="pack_override",
                entity="shipment",
                entity_id=shipment.order_id,
                old=supervisor,
                new=line.matched_sku,
                detail=f"line {line.line_id} packed without a scan by supervisor "
                f"{supervisor}: {reason}",
            )
            logger.info("Supervisor override on order %s", shipment.order_id)
            return self._after_packing(session, shipment, lines, variants, line)

    # --- tracking -----------------------------------------------------------------

    def _cleaned(self, raw: str) -> str:
        """The scan without this station's prefix and GS stand-ins, if it has any.

        The bench cleans everything else itself; it does not know the station's
        scanner options, so those are applied here first.
        """
        options = self.settings.normalise_options()
        if not (options.prefix or options.gs_substitutes):
            return raw
        return normalise_scan(raw, options).text

    def preview_tracking(
        self, shipment_id: int, raw: str, carrier: str | None = None
    ) -> tuple[TrackingCheck, PendingTracking | None]:
        """Check a tracking scan without saving: verdict, and what needs confirming."""
        with Session(self.bench.engine) as session:
            shipment = get_shipment(session, shipment_id)
            check = check_tracking_number(
                self._cleaned(raw),
                carrier_hint=carrier,
                order_zip=shipment.postal_code or None,
            )
            if not check.valid or check.value is None:
                return check, None
            used = session.exec(
                select(Shipment)
                .join(Fulfilment, Fulfilment.shipment_id == Shipment.id)  # type: ignore[arg-type]
                .where(Fulfilment.tracking_number == check.value)
                .where(Shipment.id != shipment_id)
            ).first()
        pending = PendingTracking(
            raw=raw,
            value=check.value,
            carrier=check.carrier or carrier,
            warnings=check.warnings,
            in_use_order_id=used.order_id if used else None,
            in_use_shipment_id=used.id if used else None,
        )
        return check, pending

    def ship(
        self,
        shipment_id: int,
        raw: str,
        carrier: str | None = None,
        *,
        confirmed: bool = False,
        same_parcel_as: int | None = None,
    ) -> StationStep:
        """Save the tracking label of a packed order through :meth:`Bench.fulfil`.

        Warnings (label ZIP not the order's, no carrier recognised) and a number
        already used on another order come back as :attr:`Outcome.CONFIRM`; call
        again with ``confirmed=True`` (and ``same_parcel_as`` for a number in
        use) once the clerk has confirmed.
        """
        view = self.view(shipment_id)
        if view.phase is not Phase.TRACKING:
            ok, message = _opening_message(view)
            if view.phase is Phase.ITEMS:
                message = f"Scan the items first ({len(view.unpacked)} left)."
            return StationStep(Outcome.NOT_PACKABLE, False, message, view=view)

        check, pending = self.preview_tracking(shipment_id, raw, carrier)
        if pending is None:
            return StationStep(
                Outcome.BAD_TRACKING,
                False,
                f"Not a tracking number we can use: {check.message}",
                view=view,
                suggestion=check.suggestion,
            )
        confirm = _needs_confirmation(pending, confirmed, same_parcel_as)
        if confirm is not None:
            return StationStep(Outcome.CONFIRM, False, confirm, view, pending=pending)
        return self._fulfil(view, raw, carrier, same_parcel_as)

    def _fulfil(
        self, view: PackView, raw: str, carrier: str | None, same_parcel_as: int | None
    ) -> StationStep:
        try:
            # The station has asked the clerk about a label ZIP that is not the
            # order's before it gets here.
            result = self.bench.fulfil(
                view.shipment_id,
                self._cleaned(raw),
                carrier,
                same_parcel_as=same_parcel_as,
                zip_confirmed=True,
            )
        except TrackingInUseError as error:
            return StationStep(Outcome.BAD_TRACKING, False, str(error), view=view)
        except BenchError as error:
            return StationStep(Outcome.NOT_PACKABLE, False, str(error), view=view)
        message = (
            f"✓ Shipped: {result.carrier} {result.tracking_number}. "
            "Scan the next packing slip."
        )
        return StationStep(
            Outcome.SHIPPED,
            True,
            message,
            view=self.view(view.shipment_id),
            fulfilment=result,
        )


# --- helpers ------------------------------------------------------------------


TYPED_ITEM = (
    "Items must be scanned, not typed. For an item without a barcode, press F8 "
    "and ask a supervisor."
)

#: Marks "this scan is the tracking label" between two transactions of :meth:`scan`.
_SHIP = StationStep(Outcome.CONFIRM, False, "")


def _find_order(session: Session, code: str) -> int | None:
    """The shipment id of an order id or packing-slip barcode value, if any."""
    for candidate in _order_candidates(code):
        found = session.exec(
            select(Shipment.id).where(
                Shipment.platform == PLATFORM, Shipment.order_id == candidate
            )
        ).first()
        if found is not None:
            return found
    return None


def _load(
    session: Session, shipment_id: int
) -> tuple[Shipment, list[ShipmentLine], dict[str, CatalogVariant]]:
    shipment = get_shipment(session, shipment_id)
    lines = shipment_lines(session, shipment_id)
    return shipment, lines, _variants_of(session, lines)


def _order_candidates(code: str) -> list[str]:
    """The order ids a scanned or typed value may stand for, most literal first."""
    stripped = code.strip()
    cleaned = normalise_scan(code).text.replace(GS, "").lstrip("#")
    return list(dict.fromkeys(c for c in (stripped, cleaned) if c))


def _needs_confirmation(
    pending: PendingTracking, confirmed: bool, same_parcel_as: int | None
) -> str | None:
    """The question to ask the clerk before saving, or ``None`` to save now."""
    if pending.in_use_shipment_id is not None and (
        not confirmed or same_parcel_as != pending.in_use_shipment_id
    ):
        return (
            f"Tracking number {pending.value} is already used on order "
            f"{pending.in_use_order_id}. Is this the same parcel as "
            f"{pending.in_use_order_id}? Only then confirm; otherwise scan "
            "this parcel's own label."
        )
    if pending.warnings and not confirmed:
        return "Check before saving: " + "; ".join(pending.warnings) + "."
    return None


def _variants_of(
    session: Session, lines: Iterable[ShipmentLine]
) -> dict[str, CatalogVariant]:
    """The catalog variants of the lines' matched SKUs, by folded SKU."""
    wanted = {line.matched_sku.casefold() for line in lines if line.matched_sku}
    if not wanted:
        return {}
    in_wanted = CatalogVariant.sku_folded.in_(wanted)  # type: ignore[attr-defined]
    return {
        row.sku_folded: row
        for row in session.exec(select(CatalogVariant).where(in_wanted))
    }


def _title(line: ShipmentLine, variants: dict[str, CatalogVariant]) -> str:
    variant = variants.get((line.matched_sku or "").casefold())
    if variant is not None:
        return f"{variant.sku} {variant.title}"
    return line.matched_sku or line.product_name or line.sku_name or line.line_id


def _view(
    shipment: Shipment,
    lines: list[ShipmentLine],
    variants: dict[str, CatalogVariant],
) -> PackView:
    assert shipment.id is not None
    pack_lines = []
    for line in lines:
        variant = variants.get((line.matched_sku or "").casefold())
        pack_lines.append(
            PackLine(
                line_id=line.line_id,
                sku=line.matched_sku,
                title=variant.title
                if variant
                else (line.product_name or line.sku_name),
                packed=line.packed,
                gtin=variant.gtin if variant else None,
            )
        )
    return PackView(
        shipment_id=shipment.id,
        order_id=shipment.order_id,
        kind=ShipmentKind(shipment.kind),
        state=ShipmentState(shipment.state),
        recipient=shipment.recipient_name,
        address=shipment.recipient_address,
        postal_code=shipment.postal_code,
        ship_by=shipment.ship_by,
        on_hold=shipment.on_hold,
        tracking_number=shipment.tracking_number,
        carrier=shipment.carrier,
        lines=tuple(pack_lines),
    )


def _check_packable(
    shipment: Shipment,
    lines: list[ShipmentLine],
    variants: dict[str, CatalogVariant],
) -> StationStep | None:
    view = _view(shipment, lines, variants)
    if view.phase in (Phase.ITEMS, Phase.TRACKING):
        return None
    _ok, message = _opening_message(view)
    return StationStep(Outcome.NOT_PACKABLE, False, message, view=view)


def _opening_message(view: PackView) -> tuple[bool, str]:
    """Whether the order can be packed now, and what to tell the clerk."""
    state = view.state
    if state is ShipmentState.UNMATCHED:
        return False, (
            f"Order {view.order_id} is not matched to a SKU yet. Match it first "
            "(Ctrl+M in the queue)."
        )
    if view.phase is Phase.DONE:
        return False, (
            f"Order {view.order_id} is already shipped ({view.carrier} "
            f"{view.tracking_number}). Do not pack it again."
        )
    if view.on_hold and state in PACKABLE_STATES:
        return False, (
            f"Order {view.order_id} is on hold in TikTok Shop (the buyer may still "
            "cancel). Put it aside until it is released."
        )
    if state not in PACKABLE_STATES:
        label = STATE_LABELS[state].lower()
        return False, f"Order {view.order_id} is {label}; it cannot be packed."
    if view.phase is Phase.TRACKING:
        return True, f"Order {view.order_id} is packed. Scan the tracking label."
    left = len(view.unpacked)
    return True, f"Order {view.order_id}: scan each item ({left} to pack)."
