"""Creator free samples on the bench: applications, their parcels, and tracking.

A sample application comes from TikTok Affiliate (:meth:`SamplesService.pull`)
or from a spreadsheet (:meth:`SamplesService.import_csv`). It is linked to its
sample order by ``order_id``; the order itself is imported like any order and
ships through :meth:`Bench.fulfil` and the outbox. An approved application
with no order (older setups) gets a shipment entered by hand
(:meth:`SamplesService.create_manual_shipment`); its tracking number goes back
to TikTok as a CSV for the Affiliate Center (:meth:`SamplesService.export_tracking`).

Hand-made shipments have ``platform = "affiliate"`` and order id ``AFF-<id>``:
there is no TikTok order to ship them on, so the sync must skip TikTok's ship
call for them and only take the stock in Shopify.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Final, Protocol

from sqlmodel import Session, col, select

from app.domain.csv_safety import write_safe_csv
from app.domain.samples import (
    DEFAULT_COMBINE_WINDOW,
    TO_SHIP,
    ApplicationRecord,
    ApplicationStatus,
    CombineGroup,
    Parcelable,
    RejectReason,
    ReviewResult,
    combine_groups,
    parse_application,
    status_label,
)
from app.domain.shipments import (
    FULFILLABLE_STATES,
    STATE_LABELS,
    ShipmentKind,
    ShipmentState,
)
from app.services import audit
from app.services.bench import Bench, BenchError, NotFoundError
from app.services.demo import SEEDED_KEY
from app.services.dto import FulfilResult, ImportReport
from app.services.importer import PLATFORM
from app.services.samples_csv import (
    SampleCsvError,
    SampleField,
    guess_mapping,
    missing_required,
    read_table,
    row_values,
)
from app.services.shipment_state import refresh_summaries, set_state
from app.sim.demo_samples import approved_without_order, build_demo_samples
from app.sim.demo_store import DemoStore, build_demo_store
from app.storage.db import session_scope
from app.storage.models import (
    CatalogVariant,
    Fulfilment,
    SampleApplication,
    Shipment,
    ShipmentLine,
    SkuMapping,
    utc_now,
)

logger = logging.getLogger(__name__)

#: ``Shipment.platform`` of a sample sent without a TikTok order.
AFFILIATE_PLATFORM: Final = "affiliate"
MANUAL_PREFIX: Final = "AFF-"
TRACKING_HEADER: Final = (
    "Application ID",
    "Creator",
    "Creator name",
    "Product",
    "SKU",
    "Carrier",
    "Tracking number",
    "Shipped at (UTC)",
)
# "Creator sample for @handle (Nickname)": how the demo store and some
# connectors leave the creator in the order's buyer message.
_CREATOR_NOTE = re.compile(r"@([\w.]+)(?:\s*\(([^)]*)\))?")
_TO_DO: Final = frozenset(
    {
        ShipmentState.UNMATCHED,
        ShipmentState.READY,
        ShipmentState.PACKED,
        ShipmentState.PROBLEM,
    }
)
# Still to leave the bench: what a combined parcel can be made of.
_TO_SHIP: Final = frozenset(
    {ShipmentState.UNMATCHED, ShipmentState.READY, ShipmentState.PACKED}
)
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?E\+\d+$", re.IGNORECASE)


class ApplicationSource(Protocol):
    """Where applications come from (the affiliate connector, or a test double)."""

    def iter_application_pages(
        self, filters: Mapping[str, str] | None = None
    ) -> Iterator[_Page]: ...


class _Page(Protocol):
    @property
    def applications(self) -> list[ApplicationRecord]: ...

    @property
    def rejected(self) -> list[str]: ...


class Reviewer(Protocol):
    """Who answers TikTok for a pending application (the affiliate connector)."""

    def review(
        self,
        application_id: str,
        result: ReviewResult,
        reason: RejectReason | None = None,
    ) -> None: ...


class OrderSource(Protocol):
    """Where sample orders not yet in the queue are fetched from."""

    def order_details(self, order_ids: Iterable[str]) -> list[dict[str, object]]: ...


@dataclass(frozen=True, slots=True)
class SampleRow:
    """One sample as the samples page lists it: the application and its parcel.

    A sample order with no application on file has ``application_id`` None
    and takes its creator from the order's buyer message.
    """

    application_id: str | None
    status: str
    creator_handle: str
    creator_nickname: str
    product: str
    sku_name: str
    approve_by: datetime | None
    ship_by: datetime | None
    order_id: str | None
    shipment_id: int | None
    shipment_state: ShipmentState | None
    recipient: str
    tracking_number: str | None

    @property
    def status_text(self) -> str:
        """The application's status in plain words."""
        return status_label(self.status) if self.application_id else "Sample order"

    @property
    def creator_text(self) -> str:
        """``@handle (Nickname)``, or what is known of it."""
        handle = f"@{self.creator_handle}" if self.creator_handle else ""
        nick = self.creator_nickname
        if handle and nick and nick != self.creator_handle:
            return f"{handle} ({nick})"
        return handle or nick or "unknown creator"

    @property
    def is_open(self) -> bool:
        """True while someone still has to approve, pack or ship it."""
        if self.shipment_state is not None:
            return self.shipment_state in _TO_DO
        return self.status in (
            ApplicationStatus.PENDING.value,
            ApplicationStatus.AWAITING_SHIPMENT.value,
        )

    @property
    def deadline(self) -> datetime | None:
        """The next deadline: approve-by while pending, else ship-by."""
        if self.status == ApplicationStatus.PENDING.value:
            return self.approve_by
        return self.ship_by


@dataclass(frozen=True, slots=True)
class SampleDetail:
    """One sample with the application's and the order's sides side by side."""

    row: SampleRow
    creator_user_id: str
    product_id: str
    sku_id: str
    fulfillment_status: str
    address: str
    postal_code: str
    combinable_with: tuple[str, ...]

    @property
    def link_text(self) -> str:
        """How the application and the parcel are tied, in one sentence."""
        row = self.row
        if row.application_id is None:
            return f"Sample order {row.order_id}; no application on file."
        if row.order_id and row.shipment_id:
            return f"Application {row.application_id} → sample order {row.order_id}."
        if row.order_id:
            return (
                f"Application {row.application_id} → sample order {row.order_id} "
                "(not in the queue yet)."
            )
        if row.shipment_id:
            return (
                f"Application {row.application_id} → shipment entered by hand "
                "(no TikTok order)."
            )
        return f"Application {row.application_id}: no order or shipment yet."


@dataclass(slots=True)
class PullReport:
    """What a pull or an import did with the applications."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    orders: ImportReport | None = None
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One sentence for a status bar or a terminal."""
        text = f"{self.new} new, {self.updated} updated, {self.unchanged} unchanged"
        if self.errors:
            text += f", {len(self.errors)} rejected"
        return text + " sample applications"


@dataclass(frozen=True, slots=True)
class ManualAddress:
    """Where a sample with no TikTok order goes."""

    name: str
    address: str
    postal_code: str
    region_code: str = "US"


@dataclass(frozen=True, slots=True)
class BadRow:
    """A spreadsheet row that was not imported, and why."""

    line: int
    reason: str


@dataclass(slots=True)
class CsvImportResult:
    """What a sample spreadsheet import did, row by row."""

    source: str
    encoding: str = ""
    delimiter: str = ","
    columns: dict[str, str] = field(default_factory=dict)
    imported: list[str] = field(default_factory=list)
    shipments_created: list[str] = field(default_factory=list)
    bad_rows: list[BadRow] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every row was imported."""
        return not self.bad_rows

    def summary(self) -> str:
        """One sentence for a message box or a terminal."""
        return (
            f"{len(self.imported)} sample rows imported "
            f"({len(self.shipments_created)} new parcels to send), "
            f"{len(self.bad_rows)} rows not imported ({self.source})."
        )

    def report_lines(self) -> list[str]:
        """``line N: reason`` for every row that was not imported."""
        return [f"line {bad.line}: {bad.reason}" for bad in self.bad_rows]


class SamplesService:
    """Everything about free samples, for the samples page and the command line."""

    def __init__(
        self,
        bench: Bench,
        *,
        reviewer: Reviewer | None = None,
        combine_window: timedelta = DEFAULT_COMBINE_WINDOW,
    ) -> None:
        self.bench = bench
        self.reviewer = reviewer
        self.combine_window = combine_window
        self._actor = audit.Actor(
            user=bench.identity.user, station=bench.identity.station
        )

    # --- applications in ---------------------------------------------------------

    def pull(
        self,
        source: ApplicationSource,
        *,
        filters: Mapping[str, str] | None = None,
        orders: OrderSource | None = None,
    ) -> PullReport:
        """Read every application page from TikTok and store each one.

        With ``orders``, sample orders the queue does not hold yet are fetched
        and imported too, so an approved sample shows up without waiting for
        the next order pull.
        """
        report = PullReport()
        for page in source.iter_application_pages(filters):
            report.errors.extend(page.rejected)
            self.store_applications(page.applications, report)
        if orders is not None:
            missing = self._orders_not_queued()
            if missing:
                fetched = orders.order_details(missing)
                report.orders = self.bench.import_orders(fetched, "sample orders")
        logger.info("Sample applications pulled: %s", report.summary())
        return report

    def store_applications(
        self, records: Iterable[ApplicationRecord], report: PullReport | None = None
    ) -> PullReport:
        """Insert or refresh applications; the bench's own links are kept."""
        report = report or PullReport()
        with session_scope(self.bench.engine) as session:
            for record in records:
                _store_one(session, record, report)
        return report

    def _orders_not_queued(self) -> list[str]:
        with Session(self.bench.engine) as session:
            wanted = session.exec(
                select(SampleApplication.order_id).where(
                    col(SampleApplication.order_id).is_not(None)
                )
            ).all()
            known = set(
                session.exec(
                    select(Shipment.order_id).where(
                        col(Shipment.order_id).in_([w for w in wanted if w])
                    )
                ).all()
            )
        return sorted({w for w in wanted if w and w not in known})

    # --- reading -----------------------------------------------------------------

    def rows(self) -> list[SampleRow]:
        """Every application and every sample order, the most urgent first."""
        with Session(self.bench.engine) as session:
            applications = list(session.exec(select(SampleApplication)))
            shipments = {
                s.id: s
                for s in session.exec(
                    select(Shipment).where(Shipment.kind == ShipmentKind.SAMPLE.value)
                )
            }
        by_order = {s.order_id: s for s in shipments.values()}
        rows: list[SampleRow] = []
        linked: set[int | None] = set()
        for application in applications:
            shipment = _shipment_of(application, shipments, by_order)
            linked.add(shipment.id if shipment else None)
            rows.append(_application_row(application, shipment))
        for shipment in shipments.values():
            if shipment.id not in linked:
                rows.append(_order_row(shipment))
        far = datetime.max.replace(tzinfo=UTC)
        rows.sort(
            key=lambda r: (
                not r.is_open,
                r.deadline or far,
                r.application_id or r.order_id or "",
            )
        )
        return rows

    def detail(self, application_id: str) -> SampleDetail:
        """One application with its order or hand-made shipment."""
        with Session(self.bench.engine) as session:
            application = _application(session, application_id)
            shipment = _linked_shipment(session, application)
        row = _application_row(application, shipment)
        return self._detail(row, application, shipment)

    def for_shipment(self, shipment_id: int) -> SampleDetail | None:
        """The sample behind a queue shipment, or ``None`` if it is not a sample."""
        with Session(self.bench.engine) as session:
            shipment = session.get(Shipment, shipment_id)
            if shipment is None or shipment.kind != ShipmentKind.SAMPLE.value:
                return None
            application = session.exec(
                select(SampleApplication).where(
                    (SampleApplication.shipment_id == shipment_id)
                    | (SampleApplication.order_id == shipment.order_id)
                )
            ).first()
        if application is None:
            return self._detail(_order_row(shipment), None, shipment)
        row = _application_row(application, shipment)
        return self._detail(row, application, shipment)

    def _detail(
        self,
        row: SampleRow,
        application: SampleApplication | None,
        shipment: Shipment | None,
    ) -> SampleDetail:
        partners: tuple[str, ...] = ()
        if shipment is not None:
            for group in self.combine_offers():
                if shipment.id in group.shipment_ids:
                    partners = self._order_ids(
                        [i for i in group.shipment_ids if i != shipment.id]
                    )
        return SampleDetail(
            row=row,
            creator_user_id=application.creator_user_id if application else "",
            product_id=application.product_id if application else "",
            sku_id=application.sku_id if application else "",
            fulfillment_status=application.fulfillment_status if application else "",
            address=shipment.recipient_address if shipment else "",
            postal_code=shipment.postal_code if shipment else "",
            combinable_with=partners,
        )

    def _order_ids(self, shipment_ids: Sequence[int]) -> tuple[str, ...]:
        with Session(self.bench.engine) as session:
            found = session.exec(
                select(Shipment.order_id).where(col(Shipment.id).in_(shipment_ids))
            ).all()
        return tuple(sorted(found))

    # --- review (supervisor) -------------------------------------------------------

    def review(
        self,
        application_id: str,
        result: ReviewResult,
        reason: RejectReason | None = None,
        *,
        supervisor: str = "",
    ) -> None:
        """Approve or reject a pending application in TikTok, then note it here.

        ``supervisor`` is who decided; the audit keeps it beside the bench user.
        """
        if self.reviewer is None:
            raise BenchError(
                "TikTok Shop is not connected; approve or reject samples in the "
                "Affiliate Center, or connect the shop first."
            )
        if result is ReviewResult.REJECT and reason is None:
            raise BenchError("Choose a reason before rejecting a sample request.")
        with Session(self.bench.engine) as session:
            current = _application(session, application_id)
            if current.status != ApplicationStatus.PENDING.value:
                raise BenchError(
                    f"Sample request {application_id} is "
                    f"{status_label(current.status).lower()}; only a request "
                    "waiting for approval can be approved or rejected."
                )
        self.reviewer.review(application_id, result, reason)

        new_status = (
            ApplicationStatus.AWAITING_SHIPMENT
            if result is ReviewResult.APPROVE
            else ApplicationStatus.REJECT_CANCELLED
        )
        with session_scope(self.bench.engine) as session:
            application = _application(session, application_id)
            old = application.status
            application.status = new_status.value
            application.updated_at = utc_now()
            session.add(application)
            audit.record(
                session,
                self._actor,
                action="approved" if result is ReviewResult.APPROVE else "rejected",
                entity="sample",
                entity_id=application_id,
                old=old,
                new=new_status.value,
                detail=_review_note(reason, supervisor),
            )
        logger.info("Sample request %s: %s", application_id, result.value)

    # --- hand-made shipments -------------------------------------------------------

    def create_manual_shipment(
        self, application_id: str, address: ManualAddress
    ) -> int:
        """A shipment for an approved sample that has no TikTok order."""
        with session_scope(self.bench.engine) as session:
            application = _application(session, application_id)
            return self._create_manual(session, application, address)

    def _create_manual(
        self,
        session: Session,
        application: SampleApplication,
        address: ManualAddress,
    ) -> int:
        _check_manual(application, address)
        now = utc_now()
        shipment = Shipment(
            platform=AFFILIATE_PLATFORM,
            order_id=MANUAL_PREFIX + application.application_id,
            kind=ShipmentKind.SAMPLE.value,
            state=ShipmentState.UNMATCHED.value,
            platform_status=application.status,
            ship_by=application.ship_by,
            ordered_at=now,
            remote_updated_at=now,
            recipient_name=address.name.strip(),
            recipient_address=address.address.strip(),
            postal_code=address.postal_code.strip(),
            region_code=address.region_code.strip(),
            buyer_message=_creator_note(application),
        )
        session.add(shipment)
        session.flush()
        assert shipment.id is not None
        session.add(
            ShipmentLine(
                shipment_id=shipment.id,
                line_id=application.application_id,
                platform=PLATFORM,
                product_id=application.product_id,
                sku_id=application.sku_id,
                seller_sku=application.seller_sku,
                product_name=application.product_title,
                sku_name=application.sku_name,
                matched_sku=self_match(session, application),
            )
        )
        session.flush()
        if refresh_summaries(session, shipment):
            set_state(session, self._actor, shipment, ShipmentState.READY)
        application.shipment_id = shipment.id
        application.updated_at = now
        session.add_all([shipment, application])
        audit.record(
            session,
            self._actor,
            action="created by hand",
            entity="shipment",
            entity_id=shipment.order_id,
            new=shipment.state,
            detail=f"sample application {application.application_id}, no TikTok order",
        )
        return shipment.id

    # --- combining -------------------------------------------------------------

    def combine_offers(self) -> list[CombineGroup]:
        """Samples still to ship that can share a parcel.

        One creator, exactly one address, within the combining window; samples
        not matched yet are offered too (they must be matched before packing).
        """
        with Session(self.bench.engine) as session:
            shipments = list(
                session.exec(
                    select(Shipment)
                    .where(Shipment.kind == ShipmentKind.SAMPLE.value)
                    .where(col(Shipment.state).in_([s.value for s in _TO_SHIP]))
                )
            )
            creators = _creators_of(session, shipments)
        samples = [
            Parcelable(
                shipment_id=s.id or 0,
                creator=creators.get(s.id or 0, ""),
                address=s.recipient_address,
                postal_code=s.postal_code,
                ordered_at=s.ordered_at,
            )
            for s in shipments
            if not s.on_hold
        ]
        return combine_groups(samples, self.combine_window)

    def fulfil_together(
        self, shipment_ids: Sequence[int], tracking: str, carrier: str | None = None
    ) -> list[FulfilResult]:
        """One parcel, one tracking number, for samples the combining rule allows.

        The first shipment is fulfilled as usual and every other one as "same
        parcel" as the first. Each is its own transaction: should a later one be
        refused, the ones before it stay saved and the refusal names it.
        """
        wanted = list(dict.fromkeys(shipment_ids))
        if len(wanted) < 2:
            raise BenchError("Choose at least two samples to send in one parcel.")
        groups = self.combine_offers()
        if not any(set(wanted) <= set(group.shipment_ids) for group in groups):
            raise BenchError(
                "These samples cannot share a parcel: they are not for the same "
                "creator at exactly the same address within "
                f"{_hours(self.combine_window)} hours, or one is not ready to ship."
            )
        for shipment_id in wanted:
            row = self.bench.detail(shipment_id).row
            if row.state not in FULFILLABLE_STATES:
                raise BenchError(
                    f"Order {row.order_id} is {STATE_LABELS[row.state].lower()}; "
                    "match it before packing the shared parcel."
                )
        first, *others = wanted
        results = [self.bench.fulfil(first, tracking, carrier)]
        for other in others:
            results.append(
                self.bench.fulfil(other, tracking, carrier, same_parcel_as=first)
            )
        logger.info("%d samples fulfilled in one parcel", len(results))
        return results

    # --- spreadsheets ------------------------------------------------------------

    def import_csv(
        self,
        data: bytes,
        *,
        mapping: Mapping[SampleField, int] | None = None,
        source: str = "spreadsheet",
    ) -> CsvImportResult:
        """Import a sample-request sheet; bad rows are named, good rows imported.

        ``mapping`` says which column holds which field; without it the
        columns are guessed from their header names.
        """
        table = read_table(data)
        chosen = dict(mapping) if mapping is not None else guess_mapping(table.header)
        missing = missing_required(chosen)
        if missing:
            names = ", ".join(field.value for field in missing)
            raise SampleCsvError(
                f"No column for {names}. Map the columns by hand; the file's "
                f"columns are: {', '.join(table.header)}."
            )
        result = CsvImportResult(
            source=source,
            encoding=table.encoding,
            delimiter=table.delimiter,
            columns={f.value: table.header[i] for f, i in chosen.items()},
        )
        for line, cells in table.rows:
            self._import_row(line, row_values(cells, chosen), result)
        logger.info("Sample sheet %s: %s", source, result.summary())
        return result

    def _import_row(
        self, line: int, values: Mapping[SampleField, str], result: CsvImportResult
    ) -> None:
        """One row in its own transaction, so a bad row spoils nothing else."""
        try:
            record, address = _row_record(values)
            with session_scope(self.bench.engine) as session:
                _store_one(session, record, PullReport())
                session.flush()
                application = _application(session, record.application_id)
                created = None
                if address is not None and _needs_manual(application):
                    created = self._create_manual(session, application, address)
        except (SampleCsvError, BenchError) as error:
            result.bad_rows.append(BadRow(line, str(error)))
            return
        result.imported.append(record.application_id)
        if created is not None:
            result.shipments_created.append(MANUAL_PREFIX + record.application_id)

    def export_tracking(self, handle: IO[str]) -> int:
        """Tracking numbers of samples sent without a TikTok order, as CSV.

        These are the parcels TikTok cannot learn about through the order API;
        the file is for upload in the Affiliate Center. Returns the row count.
        """
        with Session(self.bench.engine) as session:
            found = session.exec(
                select(SampleApplication, Shipment, Fulfilment)
                .join(Shipment, col(Shipment.id) == SampleApplication.shipment_id)
                .join(Fulfilment, col(Fulfilment.shipment_id) == Shipment.id)
                .where(Shipment.platform == AFFILIATE_PLATFORM)
                .order_by(col(Fulfilment.created_at), col(Fulfilment.id))
            ).all()
        rows = [
            (
                app.application_id,
                app.creator_handle,
                app.creator_nickname,
                app.product_title,
                app.sku_name,
                done.carrier,
                done.tracking_number,
                done.created_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M"),
            )
            for app, _shipment, done in found
        ]
        written = write_safe_csv(handle, TRACKING_HEADER, rows)
        logger.info("Exported %d sample tracking numbers", written)
        return written

    def export_tracking_file(self, path: Path) -> int:
        """:meth:`export_tracking` into a file, UTF-8 with a BOM for Excel."""
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            return self.export_tracking(handle)


# --- the demo store --------------------------------------------------------------

DEMO_SAMPLES_KEY: Final = "demo.samples_seeded"


def ensure_demo_samples(
    bench: Bench, store: DemoStore | None = None, now: datetime | None = None
) -> PullReport | None:
    """Give the demo store its sample applications, once.

    Call it after the demo store's orders were imported (same ``store``), so
    applications find their orders; approved ones without an order get their
    hand-made shipments.
    """
    if bench.get_state(DEMO_SAMPLES_KEY):
        return None
    moment = now or datetime.now(UTC)
    store = store or build_demo_store(now=moment)
    demo = build_demo_samples(store, moment)
    service = SamplesService(bench)
    report = service.store_applications(
        dataclasses.replace(parse_application(a.record), seller_sku=a.seller_sku)
        for a in demo
    )
    for application in approved_without_order(demo):
        address = application.address or {}
        service.create_manual_shipment(
            str(application.record["id"]),
            ManualAddress(
                name=str(address.get("name", "")),
                address=str(address.get("full_address", "")),
                postal_code=str(address.get("postal_code", "")),
                region_code=str(address.get("region_code", "US")),
            ),
        )
    bench.set_state(DEMO_SAMPLES_KEY, "1")
    logger.info("Demo samples created: %s", report.summary())
    return report


def ensure_demo_samples_if_demo(bench: Bench) -> PullReport | None:
    """:func:`ensure_demo_samples`, on a bench that holds the demo store only."""
    if not bench.get_state(SEEDED_KEY):
        return None
    return ensure_demo_samples(bench)


# --- matching a sample to the catalog -------------------------------------------


def self_match(session: Session, application: SampleApplication) -> str | None:
    """The catalog SKU a sample is, without asking anyone, if there is one.

    In order: the mapping a clerk made for its (product id, SKU id), its seller
    SKU, then its SKU id, each compared with the catalog's SKUs ignoring case.
    """
    mapping = session.exec(
        select(SkuMapping).where(
            SkuMapping.platform == PLATFORM,
            SkuMapping.product_id == application.product_id,
            SkuMapping.sku_id == application.sku_id,
        )
    ).first()
    if mapping is not None:
        return mapping.sku
    for candidate in (application.seller_sku, application.sku_id):
        folded = candidate.strip().casefold()
        if not folded:
            continue
        variant = session.exec(
            select(CatalogVariant).where(CatalogVariant.sku_folded == folded)
        ).first()
        if variant is not None:
            return variant.sku
    return None


# --- helpers ----------------------------------------------------------------------


def _store_one(session: Session, record: ApplicationRecord, report: PullReport) -> None:
    row = session.exec(
        select(SampleApplication).where(
            SampleApplication.application_id == record.application_id
        )
    ).first()
    raw = json.dumps(dict(record.raw or {}), separators=(",", ":"), sort_keys=True)
    if row is None:
        row = SampleApplication(application_id=record.application_id, status="")
        report.new += 1
    elif row.raw_json == raw and row.status == record.status:
        report.unchanged += 1
        return
    else:
        report.updated += 1
    row.status = record.status
    row.order_id = record.order_id or row.order_id
    row.creator_user_id = record.creator_user_id or row.creator_user_id
    row.creator_handle = record.creator_handle or row.creator_handle
    row.creator_nickname = record.creator_nickname or row.creator_nickname
    row.product_id = record.product_id or row.product_id
    row.product_title = record.product_title or row.product_title
    row.sku_id = record.sku_id or row.sku_id
    row.sku_name = record.sku_name or row.sku_name
    row.seller_sku = record.seller_sku or row.seller_sku
    row.approve_by = record.approve_by or row.approve_by
    row.ship_by = record.ship_by or row.ship_by
    row.fulfillment_status = record.fulfillment_status
    row.tracking_number = record.tracking_number or row.tracking_number
    row.raw_json = raw
    row.updated_at = utc_now()
    session.add(row)


def _application(session: Session, application_id: str) -> SampleApplication:
    application = session.exec(
        select(SampleApplication).where(
            SampleApplication.application_id == application_id.strip()
        )
    ).first()
    if application is None:
        raise NotFoundError(f"No sample request {application_id}.")
    return application


def _linked_shipment(
    session: Session, application: SampleApplication
) -> Shipment | None:
    if application.shipment_id is not None:
        return session.get(Shipment, application.shipment_id)
    if application.order_id:
        return session.exec(
            select(Shipment).where(
                Shipment.platform == PLATFORM,
                Shipment.order_id == application.order_id,
            )
        ).first()
    return None


def _shipment_of(
    application: SampleApplication,
    shipments: Mapping[int | None, Shipment],
    by_order: Mapping[str, Shipment],
) -> Shipment | None:
    if application.shipment_id is not None:
        return shipments.get(application.shipment_id)
    return by_order.get(application.order_id or "")


def _application_row(
    application: SampleApplication, shipment: Shipment | None
) -> SampleRow:
    return SampleRow(
        application_id=application.application_id,
        status=application.status,
        creator_handle=application.creator_handle,
        creator_nickname=application.creator_nickname,
        product=application.product_title,
        sku_name=application.sku_name,
        approve_by=application.approve_by,
        ship_by=(shipment.ship_by if shipment else None) or application.ship_by,
        order_id=application.order_id,
        shipment_id=shipment.id if shipment else None,
        shipment_state=ShipmentState(shipment.state) if shipment else None,
        recipient=shipment.recipient_name if shipment else "",
        tracking_number=(shipment.tracking_number if shipment else None)
        or application.tracking_number
        or None,
    )


def _order_row(shipment: Shipment) -> SampleRow:
    handle, nickname = creator_from_note(shipment.buyer_message)
    return SampleRow(
        application_id=None,
        status="",
        creator_handle=handle,
        creator_nickname=nickname,
        product=shipment.item_summary,
        sku_name=shipment.sku_summary,
        approve_by=None,
        ship_by=shipment.ship_by,
        order_id=shipment.order_id,
        shipment_id=shipment.id,
        shipment_state=ShipmentState(shipment.state),
        recipient=shipment.recipient_name,
        tracking_number=shipment.tracking_number,
    )


def creator_from_note(note: str) -> tuple[str, str]:
    """(handle, nickname) from a "… @handle (Nickname)" buyer message, if any."""
    found = _CREATOR_NOTE.search(note or "")
    if found is None:
        return "", ""
    return found.group(1), (found.group(2) or "").strip()


def _creator_note(application: SampleApplication) -> str:
    nick = f" ({application.creator_nickname})" if application.creator_nickname else ""
    return f"Creator sample for @{application.creator_handle}{nick}"


def _creators_of(session: Session, shipments: Sequence[Shipment]) -> dict[int, str]:
    """Each sample shipment's creator: from its application, else its message."""
    ids = [s.id for s in shipments if s.id is not None]
    orders = [s.order_id for s in shipments]
    found = session.exec(
        select(SampleApplication).where(
            col(SampleApplication.shipment_id).in_(ids)
            | col(SampleApplication.order_id).in_(orders)
        )
    ).all()
    by_shipment = {a.shipment_id: a.creator_handle for a in found if a.shipment_id}
    by_order = {a.order_id: a.creator_handle for a in found if a.order_id}
    creators: dict[int, str] = {}
    for shipment in shipments:
        assert shipment.id is not None
        creators[shipment.id] = (
            by_shipment.get(shipment.id)
            or by_order.get(shipment.order_id)
            or creator_from_note(shipment.buyer_message)[0]
        )
    return creators


def _check_manual(application: SampleApplication, address: ManualAddress) -> None:
    label = f"Sample request {application.application_id}"
    if application.order_id:
        raise BenchError(
            f"{label} has TikTok order {application.order_id}; it ships on that order."
        )
    if application.shipment_id is not None:
        raise BenchError(f"{label} already has a shipment.")
    if application.status not in TO_SHIP:
        raise BenchError(
            f"{label} is {status_label(application.status).lower()}; only an "
            "approved sample is sent."
        )
    if not (address.name.strip() and address.address.strip()):
        raise BenchError(f"{label}: a recipient name and an address are needed.")
    if not address.postal_code.strip():
        raise BenchError(f"{label}: a ZIP or postal code is needed.")
    if not (application.product_title or application.seller_sku or application.sku_id):
        raise BenchError(f"{label}: no product, SKU or seller SKU to send.")


def _needs_manual(application: SampleApplication) -> bool:
    return (
        not application.order_id
        and application.shipment_id is None
        and application.status in TO_SHIP
    )


def _row_record(
    values: Mapping[SampleField, str],
) -> tuple[ApplicationRecord, ManualAddress | None]:
    """A spreadsheet row as an application (and an address when it has one)."""

    def get(name: SampleField) -> str:
        return values.get(name, "").strip()

    application_id = get(SampleField.APPLICATION_ID)
    if not application_id:
        raise SampleCsvError("no application id")
    for name in (SampleField.APPLICATION_ID, SampleField.ORDER_ID, SampleField.SKU_ID):
        if _SCIENTIFIC.match(get(name)):
            raise SampleCsvError(
                f"{name.value} {get(name)} was turned into a number by a "
                "spreadsheet; export again with the column as text"
            )
    handle = get(SampleField.CREATOR_HANDLE).lstrip("@")
    if not handle:
        raise SampleCsvError(f"application {application_id}: no creator handle")
    status = get(SampleField.STATUS).upper().replace(" ", "_") or "AWAITING_SHIPMENT"
    if status not in ApplicationStatus.__members__:
        raise SampleCsvError(f"application {application_id}: unknown status {status}")
    record = ApplicationRecord(
        application_id=application_id,
        status=status,
        order_id=get(SampleField.ORDER_ID) or None,
        creator_user_id="",
        creator_handle=handle,
        creator_nickname=get(SampleField.CREATOR_NICKNAME),
        product_id=get(SampleField.PRODUCT_ID),
        product_title=get(SampleField.PRODUCT_TITLE),
        sku_id=get(SampleField.SKU_ID),
        sku_name=get(SampleField.SKU_NAME),
        approve_by=None,
        ship_by=_parse_time(get(SampleField.SHIP_BY), application_id),
        fulfillment_status="",
        seller_sku=get(SampleField.SELLER_SKU),
        raw={f.value: v for f, v in values.items()},
    )
    street = get(SampleField.ADDRESS)
    if record.order_id or not (street or get(SampleField.RECIPIENT_NAME)):
        return record, None
    return record, ManualAddress(
        name=get(SampleField.RECIPIENT_NAME),
        address=street,
        postal_code=get(SampleField.POSTAL_CODE),
        region_code=get(SampleField.REGION_CODE) or "US",
    )


def _parse_time(text: str, application_id: str) -> datetime | None:
    if not text:
        return None
    if text.isdigit():
        return datetime.fromtimestamp(int(text), UTC)
    for pattern in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%Y/%m/%d"):
        try:
            return datetime.strptime(text, pattern).replace(tzinfo=UTC)
        except ValueError:
            continue
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise SampleCsvError(
            f"application {application_id}: ship-by '{text}' is not a date "
            "(use YYYY-MM-DD)"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _review_note(reason: RejectReason | None, supervisor: str) -> str:
    parts = [f"reason {reason.value}" if reason else "", f"by {supervisor.strip()}"]
    return ", ".join(p for p in parts if p and p != "by ")


def _hours(window: timedelta) -> int:
    return int(window.total_seconds() // 3600)
