"""Giveaway campaigns and what giveaways and samples cost: the facade.

A supervisor creates a campaign (name, real SKU, budget of units), links the
giveaway product ids TikTok made for it, opens it (the budget is set aside in
Shopify), and closes it when the LIVE is over (what is left goes back). The
stock moves themselves are queued here and sent by
:mod:`app.services.campaign_effects`.

Reports (shipped per day, per campaign, per creator; units and cost) are plain
frozen values, and CSV exports write every cell through
:mod:`app.domain.csv_safety`.

Threading contract: every method blocks on the database; call it off the GUI
thread (the UI's background-task helper).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import IO, Final

import sqlalchemy as sa
from sqlmodel import Session, col, select

from app.domain import campaigns as rules
from app.domain.campaigns import (
    RELEASE,
    RESERVE,
    CampaignError,
    CampaignState,
    CampaignWarning,
    ShippedUnit,
    Totals,
)
from app.domain.csv_safety import write_safe_csv
from app.domain.shipments import ShipmentKind
from app.net.tiktok.affiliate import CONTENT_FORMATS, AffiliateClient
from app.services import audit
from app.services.bench import Bench
from app.services.campaign_effects import (
    campaign_of_shipment,
    campaign_winners,
    queue_campaign_consumptions,
    queue_effect,
)
from app.storage.db import session_scope
from app.storage.models import (
    Campaign,
    CampaignEffect,
    CampaignProduct,
    CatalogVariant,
    Fulfilment,
    SampleApplication,
    Shipment,
    ShipmentLine,
    SkuMapping,
)
from app.storage.settings import load_settings

logger = logging.getLogger(__name__)

REPORT_NAMES: Final = ("daily", "campaigns", "creators")
NO_CAMPAIGN: Final = "(no campaign)"
UNKNOWN_CREATOR: Final = "(unknown creator)"

Clock = Callable[[], datetime]


@dataclass(frozen=True, slots=True)
class CampaignSettings:
    """When a supervisor is warned."""

    #: Orders of a finished LIVE still unmatched this long after it ended.
    unmatched_grace: timedelta = timedelta(hours=2)


@dataclass(frozen=True, slots=True)
class CampaignView:
    """One campaign as the UI and the command line show it."""

    campaign_id: int
    name: str
    sku: str
    sku_title: str
    budget: int
    state: str
    location_id: str
    product_ids: tuple[str, ...]
    winners: int
    shipped: int
    remaining: int
    over_budget_units: int
    unit_cost: Decimal | None
    cost_shipped: Decimal
    opened_at: datetime | None
    closed_at: datetime | None
    live_ended_at: datetime | None
    warnings: tuple[CampaignWarning, ...] = ()

    @property
    def over_budget(self) -> bool:
        """True when more winners than the budget covers are waiting."""
        return self.over_budget_units > 0


@dataclass(frozen=True, slots=True)
class OverBudgetShipment:
    """A winner the budget does not cover: not to be packed as it stands."""

    shipment_id: int
    order_id: str
    campaign: str
    state: str


@dataclass(frozen=True, slots=True)
class ReportRow:
    """One line of a report: a day, a campaign or a creator, with its totals."""

    label: str
    shipments: int
    units: int
    cost: Decimal
    units_without_cost: int
    #: Extra figures of this report (e.g. a campaign's budget), by column name.
    extra: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Report:
    """A named report: its rows and the totals over them."""

    name: str
    title: str
    rows: tuple[ReportRow, ...]
    total: ReportRow
    extra_columns: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class BurnDown:
    """Budget units left at the end of each day, for one campaign."""

    campaign: str
    budget: int
    points: tuple[tuple[date, int], ...]


@dataclass(frozen=True, slots=True)
class LinkResult:
    """What linking a giveaway product id did."""

    campaign: str
    product_id: str
    mappings_created: int
    shipments_matched: int


@dataclass(frozen=True, slots=True)
class ContentFigures:
    """What a creator posted for their samples (from TikTok Affiliate)."""

    posts: int = 0
    views: int = 0
    paid_orders: int = 0


#: Gives the content results of one sample application (id -> figures).
ContentSource = Callable[[str], ContentFigures]


def affiliate_content(client: AffiliateClient) -> ContentSource:
    """Content results from TikTok Affiliate: videos and LIVEs, added up.

    Each call asks TikTok twice per application (once per format), so the
    creators report with content is for a supervisor's occasional look, not
    for every refresh.
    """

    def figures(application_id: str) -> ContentFigures:
        posts = [
            post
            for content_format in sorted(CONTENT_FORMATS)
            for post in client.content_results(application_id, content_format)
        ]
        return ContentFigures(
            posts=len(posts),
            views=sum(post.view_count for post in posts),
            paid_orders=sum(post.paid_order_count for post in posts),
        )

    return figures


@dataclass
class _Filters:
    since: date | None = None
    until: date | None = None
    kinds: tuple[str, ...] = field(default_factory=tuple)


class CampaignService:
    """Campaigns, warnings and reports over one bench's database."""

    def __init__(
        self,
        bench: Bench,
        *,
        clock: Clock | None = None,
        settings: CampaignSettings | None = None,
    ) -> None:
        self.bench = bench
        self.settings = settings or CampaignSettings()
        self._clock = clock or (lambda: datetime.now(UTC))
        identity = bench.identity
        self._actor = audit.Actor(user=identity.user, station=identity.station)

    # --- campaigns --------------------------------------------------------------

    def create(
        self,
        name: str,
        sku: str,
        budget: int,
        *,
        location_id: str = "",
        product_ids: Sequence[str] = (),
    ) -> CampaignView:
        """A new draft campaign giving away ``budget`` units of ``sku``."""
        name = rules.check_name(name)
        rules.check_budget(budget)
        with session_scope(self.bench.engine) as session:
            variant = _variant(session, sku)
            if _by_name(session, name) is not None:
                raise CampaignError(f"A campaign named {name!r} exists already.")
            campaign = Campaign(
                uid=uuid.uuid4().hex,
                name=name,
                sku=variant.sku,
                budget_units=budget,
                location_id=location_id,
                created_by=self.bench.identity.user,
            )
            session.add(campaign)
            session.flush()
            self._audit(session, campaign, "campaign created", new=f"{budget} x {sku}")
        for product_id in product_ids:
            self.link_product(name, product_id)
        return self.campaign(name)

    def link_product(
        self, campaign_name: str, product_id: str, *, platform: str = "tiktok"
    ) -> LinkResult:
        """Tie a giveaway product id to the campaign, and its SKU ids to the SKU.

        Mappings that exist must point at the campaign's SKU (else the link is
        refused: remap first, deliberately). SKU ids seen on orders without a
        mapping get one, through the bench's own audited matching.
        """
        product_id = product_id.strip()
        if not product_id:
            raise CampaignError("Give the giveaway's TikTok product id.")
        with session_scope(self.bench.engine) as session:
            campaign = _campaign(session, campaign_name)
            _check_product_free(session, campaign, platform, product_id)
            _check_mappings_agree(session, campaign, platform, product_id)
            unmapped = _unmapped_lines(session, platform, product_id)
            if _link(session, campaign, platform, product_id):
                self._audit(session, campaign, "campaign product linked", product_id)
        created = matched = 0
        for shipment_id, line_id in unmapped:
            result = self.bench.match(shipment_id, campaign.sku, line_id=line_id)
            created += int(result.created)
            matched += result.shipments_updated
        return LinkResult(campaign.name, product_id, created, matched)

    def suggested_products(self, campaign_name: str) -> list[str]:
        """Giveaway product ids already mapped to the campaign's SKU, not linked."""
        with Session(self.bench.engine) as session:
            campaign = _campaign(session, campaign_name)
            linked = select(CampaignProduct.product_id)
            rows = session.exec(
                select(SkuMapping.product_id)
                .join(
                    ShipmentLine,
                    sa.and_(
                        col(ShipmentLine.product_id) == col(SkuMapping.product_id),
                        col(ShipmentLine.platform) == col(SkuMapping.platform),
                    ),
                )
                .join(Shipment, col(Shipment.id) == col(ShipmentLine.shipment_id))
                .where(
                    col(SkuMapping.sku) == campaign.sku,
                    col(Shipment.kind) == ShipmentKind.GIVEAWAY.value,
                    col(SkuMapping.product_id).not_in(linked),
                )
                .distinct()
            ).all()
            return sorted(rows)

    def open(
        self, campaign_name: str, *, location_id: str | None = None
    ) -> CampaignView:
        """Open the campaign: its budget is set aside at the location (queued).

        The location is ``location_id``, else the campaign's own, else the
        station's Shopify location (Settings > Shopify).
        """
        with session_scope(self.bench.engine) as session:
            campaign = _campaign(session, campaign_name)
            if location_id:
                campaign.location_id = location_id
            if not campaign.location_id:
                campaign.location_id = _station_location()
            rules.check_can_open(
                CampaignState(campaign.state), bool(campaign.location_id)
            )
            campaign.state = CampaignState.OPEN.value
            campaign.opened_at = self._clock()
            session.add(campaign)
            queue_effect(
                session, campaign, RESERVE, campaign.budget_units, now=self._clock()
            )
            self._audit(
                session, campaign, "campaign opened", str(campaign.budget_units)
            )
        logger.info("Campaign %s opened", campaign_name)
        return self.campaign(campaign_name)

    def end_live(self, campaign_name: str, at: datetime | None = None) -> CampaignView:
        """Note when the campaign's LIVE ended (unmatched orders are warned after)."""
        with session_scope(self.bench.engine) as session:
            campaign = _campaign(session, campaign_name)
            campaign.live_ended_at = at or self._clock()
            session.add(campaign)
        return self.campaign(campaign_name)

    def close(self, campaign_name: str) -> CampaignView:
        """Close the campaign: what is left reserved goes back to available (queued).

        Winners shipped until now consume their unit first; a winner shipped
        after closing takes its unit from ``available`` like any order.
        """
        with session_scope(self.bench.engine) as session:
            campaign = _campaign(session, campaign_name)
            rules.check_can_close(CampaignState(campaign.state))
            queue_campaign_consumptions(session, campaign, self._clock())
            session.flush()
            consumed = _consumed_units(session, campaign.id or 0)
            left = rules.units_to_release(campaign.budget_units, consumed)
            if left:
                queue_effect(session, campaign, RELEASE, left, now=self._clock())
            campaign.state = CampaignState.CLOSED.value
            campaign.closed_at = self._clock()
            campaign.live_ended_at = campaign.live_ended_at or campaign.closed_at
            session.add(campaign)
            self._audit(session, campaign, "campaign closed", f"{left} released")
        logger.info("Campaign %s closed; %d unit(s) to release", campaign_name, left)
        return self.campaign(campaign_name)

    def campaign(self, campaign_name: str) -> CampaignView:
        """One campaign, with its figures and warnings."""
        with Session(self.bench.engine) as session:
            return self._view(session, _campaign(session, campaign_name))

    def campaigns(self) -> list[CampaignView]:
        """Every campaign, open ones first, then by name."""
        with Session(self.bench.engine) as session:
            rows = session.exec(select(Campaign)).all()
            views = [self._view(session, row) for row in rows]
        order = {CampaignState.OPEN.value: 0, CampaignState.DRAFT.value: 1}
        return sorted(views, key=lambda v: (order.get(v.state, 2), v.name.casefold()))

    # --- warnings -----------------------------------------------------------------

    def over_budget_shipments(self) -> list[OverBudgetShipment]:
        """Winners beyond their campaign's budget, not packed yet: do not pack them."""
        found = []
        with Session(self.bench.engine) as session:
            for campaign in _live_campaigns(session):
                winners = campaign_winners(session, campaign.id or 0)
                for winner in rules.allocate(campaign.budget_units, winners).beyond:
                    if winner.state in rules.PACKED_OR_LATER:
                        continue
                    found.append(
                        OverBudgetShipment(
                            winner.shipment_id,
                            winner.order_id,
                            campaign.name,
                            winner.state,
                        )
                    )
        return found

    def over_budget_reason(self, shipment_id: int) -> str | None:
        """Why this shipment must not be packed now, or ``None`` when it may be.

        Cheap for a shipment of no campaign (one indexed look-up), so the pack
        station can ask on every order it opens.
        """
        with Session(self.bench.engine) as session:
            campaign_id = campaign_of_shipment(session, shipment_id)
            campaign = session.get(Campaign, campaign_id) if campaign_id else None
            if campaign is None or campaign.state == CampaignState.CLOSED.value:
                return None
            winners = campaign_winners(session, campaign_id or 0)
        beyond = rules.allocate(campaign.budget_units, winners).beyond
        for winner in beyond:
            if winner.shipment_id == shipment_id:
                return (
                    f"Order {winner.order_id} is beyond the budget of campaign "
                    f"{campaign.name}; raise the budget or cancel the order first."
                )
        return None

    def warnings(
        self, *, views: Sequence[CampaignView] | None = None
    ) -> list[CampaignWarning]:
        """Every warning of every campaign not closed, over budget first.

        ``views`` (from :meth:`campaigns`) saves reading the campaigns again.
        """
        found: list[CampaignWarning] = []
        for view in self.campaigns() if views is None else views:
            found.extend(view.warnings)
        rank = list(rules.WarningKind)
        return sorted(found, key=lambda w: rank.index(w.kind))

    # --- reports ------------------------------------------------------------------

    def shipped_units(
        self, *, since: date | None = None, until: date | None = None
    ) -> list[ShippedUnit]:
        """Every unit shipped, with its day, SKU, cost, campaign and creator."""
        with Session(self.bench.engine) as session:
            return _shipped_units(session, _Filters(since, until))

    def report(
        self,
        name: str,
        *,
        since: date | None = None,
        until: date | None = None,
        content: ContentSource | None = None,
        units: list[ShippedUnit] | None = None,
        views: Sequence[CampaignView] | None = None,
    ) -> Report:
        """The ``daily``, ``campaigns`` or ``creators`` report.

        Pass ``units`` (from :meth:`shipped_units`) and ``views`` (from
        :meth:`campaigns`) to make several reports from one read; ``since``
        and ``until`` then do not apply.
        """
        if units is None:
            units = self.shipped_units(since=since, until=until)
        if name == "daily":
            return _plain_report("daily", "Shipped per day", units, "day")
        if name == "campaigns":
            return self._campaign_report(units, views)
        if name == "creators":
            return self._creator_report(units, content)
        raise CampaignError(
            f"There is no report {name!r}; choose {', '.join(REPORT_NAMES)}."
        )

    def burn_downs(
        self,
        *,
        until: date | None = None,
        units: list[ShippedUnit] | None = None,
        views: Sequence[CampaignView] | None = None,
    ) -> list[BurnDown]:
        """Each opened campaign's budget left per day, from its opening."""
        if units is None:
            units = self.shipped_units()
        last_day = until or self._clock().date()
        charts = []
        for view in self.campaigns() if views is None else views:
            if view.opened_at is None:
                continue
            first = view.opened_at.date()
            last = view.closed_at.date() if view.closed_at else last_day
            shipped = [(u.day, u.units) for u in units if u.campaign == view.name]
            points = rules.burn_down(view.budget, shipped, first, max(first, last))
            charts.append(BurnDown(view.name, view.budget, tuple(points)))
        return charts

    def export_csv(self, report: Report, handle: IO[str]) -> int:
        """Write the report as CSV (formula-safe cells); returns the rows written."""
        header = ["Label", *report.extra_columns, "Shipments", "Units", "Cost"]
        header.append("Units without cost")
        rows = [_csv_row(row, report.extra_columns) for row in report.rows]
        rows.append(_csv_row(report.total, report.extra_columns))
        return write_safe_csv(handle, header, rows)

    # --- internals ----------------------------------------------------------------

    def _campaign_report(
        self, units: list[ShippedUnit], known: Sequence[CampaignView] | None
    ) -> Report:
        views = {v.name: v for v in (self.campaigns() if known is None else known)}
        giveaways = [u for u in units if u.kind == ShipmentKind.GIVEAWAY.value]
        grouped = rules.group_totals(giveaways, "campaign")
        rows = []
        for label in sorted(set(views) | {str(k) for k in grouped}, key=str.casefold):
            totals = grouped.get(label) or rules.totals(())
            view = views.get(label)
            extra = (
                ("Budget", str(view.budget) if view else ""),
                ("State", view.state if view else ""),
                ("Over budget", str(view.over_budget_units) if view else ""),
            )
            rows.append(_row(label or NO_CAMPAIGN, totals, extra))
        columns = ("Budget", "State", "Over budget")
        total = _row("Total", rules.totals(giveaways), tuple((c, "") for c in columns))
        return Report(
            "campaigns", "Giveaways per campaign", tuple(rows), total, columns
        )

    def _creator_report(
        self, units: list[ShippedUnit], content: ContentSource | None
    ) -> Report:
        samples = [u for u in units if u.kind == ShipmentKind.SAMPLE.value]
        report = _plain_report("creators", "Samples per creator", samples, "creator")
        if content is None:
            return report
        figures = self._content_per_creator(content)
        columns = ("Posts", "Views", "Paid orders")
        rows = tuple(
            _with_content(row, figures.get(row.label, ContentFigures()))
            for row in report.rows
        )
        total = ContentFigures(
            sum(f.posts for f in figures.values()),
            sum(f.views for f in figures.values()),
            sum(f.paid_orders for f in figures.values()),
        )
        return Report(
            report.name,
            report.title,
            rows,
            _with_content(report.total, total),
            columns,
        )

    def _content_per_creator(self, content: ContentSource) -> dict[str, ContentFigures]:
        with Session(self.bench.engine) as session:
            rows = session.exec(
                select(
                    SampleApplication.application_id, SampleApplication.creator_handle
                ).where(col(SampleApplication.shipment_id).is_not(None))
            ).all()
        per_creator: dict[str, ContentFigures] = {}
        for application_id, handle in rows:
            found = content(application_id)
            old = per_creator.get(handle or UNKNOWN_CREATOR, ContentFigures())
            per_creator[handle or UNKNOWN_CREATOR] = ContentFigures(
                old.posts + found.posts,
                old.views + found.views,
                old.paid_orders + found.paid_orders,
            )
        return per_creator

    def _view(self, session: Session, campaign: Campaign) -> CampaignView:
        assert campaign.id is not None
        winners = campaign_winners(session, campaign.id)
        figures = rules.figures(campaign.budget_units, winners)
        variant = _variant_or_none(session, campaign.sku)
        cost = rules.parse_cost(variant.unit_cost if variant else None)
        found: list[CampaignWarning] = []
        if campaign.state != CampaignState.CLOSED.value:
            found = rules.warnings(
                campaign.budget_units,
                winners,
                self._clock(),
                live_ended_at=campaign.live_ended_at,
                unmatched_grace=self.settings.unmatched_grace,
            )
        return CampaignView(
            campaign_id=campaign.id,
            name=campaign.name,
            sku=campaign.sku,
            sku_title=variant.title if variant else "",
            budget=campaign.budget_units,
            state=campaign.state,
            location_id=campaign.location_id,
            product_ids=_product_ids(session, campaign.id),
            winners=figures.winners,
            shipped=figures.shipped,
            remaining=figures.remaining,
            over_budget_units=figures.over_budget,
            unit_cost=cost,
            cost_shipped=(cost or Decimal("0")) * figures.shipped,
            opened_at=campaign.opened_at,
            closed_at=campaign.closed_at,
            live_ended_at=campaign.live_ended_at,
            warnings=tuple(found),
        )

    def _audit(
        self, session: Session, campaign: Campaign, action: str, new: str
    ) -> None:
        audit.record(
            session,
            self._actor,
            action=action,
            entity="campaign",
            entity_id=campaign.name,
            new=new,
        )


# --- queries ------------------------------------------------------------------


def _station_location() -> str:
    """The Shopify location chosen for this station, or "" when none is."""
    return load_settings().effective.shopify_location_id


def _campaign(session: Session, name: str) -> Campaign:
    campaign = _by_name(session, name)
    if campaign is None:
        raise CampaignError(f"There is no campaign named {name!r}.")
    return campaign


def _by_name(session: Session, name: str) -> Campaign | None:
    return session.exec(select(Campaign).where(Campaign.name == name.strip())).first()


def _live_campaigns(session: Session) -> Sequence[Campaign]:
    return session.exec(
        select(Campaign).where(col(Campaign.state) != CampaignState.CLOSED.value)
    ).all()


def _variant(session: Session, sku: str) -> CatalogVariant:
    variant = _variant_or_none(session, sku)
    if variant is None:
        raise CampaignError(
            f"SKU {sku!r} is not in the catalog; read the catalog from Shopify first."
        )
    return variant


def _variant_or_none(session: Session, sku: str) -> CatalogVariant | None:
    return session.exec(
        select(CatalogVariant).where(
            CatalogVariant.sku_folded == sku.strip().casefold()
        )
    ).first()


def _product_ids(session: Session, campaign_id: int) -> tuple[str, ...]:
    rows = session.exec(
        select(CampaignProduct.product_id)
        .where(CampaignProduct.campaign_id == campaign_id)
        .order_by(col(CampaignProduct.product_id))
    ).all()
    return tuple(rows)


def _consumed_units(session: Session, campaign_id: int) -> int:
    total = session.exec(
        select(sa.func.coalesce(sa.func.sum(CampaignEffect.quantity), 0)).where(
            CampaignEffect.campaign_id == campaign_id,
            CampaignEffect.action == rules.CONSUME,
        )
    ).one()
    return int(total)


def _check_product_free(
    session: Session, campaign: Campaign, platform: str, product_id: str
) -> None:
    row = session.exec(
        select(CampaignProduct, Campaign.name)
        .join(Campaign, col(Campaign.id) == col(CampaignProduct.campaign_id))
        .where(
            CampaignProduct.platform == platform,
            CampaignProduct.product_id == product_id,
        )
    ).first()
    if row is not None and row[0].campaign_id != campaign.id:
        raise CampaignError(
            f"Product {product_id} already belongs to campaign {row[1]!r}."
        )


def _check_mappings_agree(
    session: Session, campaign: Campaign, platform: str, product_id: str
) -> None:
    mappings = session.exec(
        select(SkuMapping).where(
            SkuMapping.platform == platform, SkuMapping.product_id == product_id
        )
    ).all()
    for mapping in mappings:
        if mapping.sku.casefold() != campaign.sku.casefold():
            raise CampaignError(
                f"Product {product_id} (SKU id {mapping.sku_id}) is mapped to "
                f"{mapping.sku}, not to the campaign's {campaign.sku}; remap it first "
                "if the giveaway really is that SKU."
            )


def _unmapped_lines(
    session: Session, platform: str, product_id: str
) -> list[tuple[int, str]]:
    """One open (shipment id, line id) per SKU id of the product with no mapping."""
    mapped = select(SkuMapping.sku_id).where(
        SkuMapping.platform == platform, SkuMapping.product_id == product_id
    )
    rows = session.exec(
        select(ShipmentLine.sku_id, ShipmentLine.shipment_id, ShipmentLine.line_id)
        .join(Shipment, col(Shipment.id) == col(ShipmentLine.shipment_id))
        .where(
            ShipmentLine.platform == platform,
            ShipmentLine.product_id == product_id,
            col(ShipmentLine.sku_id).not_in(mapped),
            col(Shipment.state).in_(["unmatched", "ready", "packed", "problem"]),
        )
        .order_by(col(ShipmentLine.id))
    ).all()
    seen: dict[str, tuple[int, str]] = {}
    for sku_id, shipment_id, line_id in rows:
        seen.setdefault(sku_id, (shipment_id, line_id))
    return list(seen.values())


def _link(session: Session, campaign: Campaign, platform: str, product_id: str) -> bool:
    exists = session.exec(
        select(CampaignProduct).where(
            CampaignProduct.platform == platform,
            CampaignProduct.product_id == product_id,
        )
    ).first()
    if exists is not None:
        return False
    assert campaign.id is not None
    session.add(
        CampaignProduct(
            campaign_id=campaign.id, platform=platform, product_id=product_id
        )
    )
    return True


def _shipped_units(session: Session, filters: _Filters) -> list[ShippedUnit]:
    # Outer joins rather than a subquery per row: this reads every unit ever
    # shipped. A campaign product key is unique, and creators are collapsed to
    # one per shipment first, so no unit is counted twice.
    creators = (
        sa.select(
            col(SampleApplication.shipment_id).label("shipment_id"),
            sa.func.min(col(SampleApplication.creator_handle)).label("handle"),
        )
        .group_by(col(SampleApplication.shipment_id))
        .subquery()
    )
    query = (
        sa.select(
            col(Shipment.id),
            col(Shipment.order_id),
            col(Shipment.kind),
            col(Fulfilment.created_at),
            col(ShipmentLine.matched_sku),
            col(Campaign.name),
            creators.c.handle,
        )
        .join(Fulfilment, col(Fulfilment.shipment_id) == col(Shipment.id))
        .join(ShipmentLine, col(ShipmentLine.shipment_id) == col(Shipment.id))
        .outerjoin(
            CampaignProduct,
            sa.and_(
                col(CampaignProduct.platform) == col(ShipmentLine.platform),
                col(CampaignProduct.product_id) == col(ShipmentLine.product_id),
            ),
        )
        .outerjoin(Campaign, col(Campaign.id) == col(CampaignProduct.campaign_id))
        .outerjoin(creators, creators.c.shipment_id == col(Shipment.id))
        .where(col(Shipment.state).in_(sorted(rules.SHIPPED_STATES)))
        .order_by(col(Fulfilment.created_at), col(Shipment.id))
    )
    if filters.since is not None:
        query = query.where(col(Fulfilment.created_at) >= _day_start(filters.since))
    if filters.until is not None:
        next_day = filters.until + timedelta(days=1)
        query = query.where(col(Fulfilment.created_at) < _day_start(next_day))
    costs = _unit_costs(session)
    return [
        ShippedUnit(
            shipment_id=shipment_id,
            order_id=order_id,
            kind=kind,
            day=shipped_at.date(),
            sku=sku or "",
            units=1,
            unit_cost=costs.get((sku or "").casefold()),
            campaign=campaign or "",
            creator=handle or (UNKNOWN_CREATOR if kind == "sample" else ""),
        )
        for shipment_id, order_id, kind, shipped_at, sku, campaign, handle in (
            session.execute(query)
        )
    ]


def _unit_costs(session: Session) -> dict[str, Decimal | None]:
    """Each catalog SKU's unit cost (folded SKU -> cost, ``None`` if unknown)."""
    rows = session.exec(select(CatalogVariant.sku_folded, CatalogVariant.unit_cost))
    return {folded: rules.parse_cost(cost) for folded, cost in rows}


def _day_start(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


# --- report shaping -------------------------------------------------------------


def _row(
    label: str, totals: Totals, extra: tuple[tuple[str, str], ...] = ()
) -> ReportRow:
    return ReportRow(
        label=label,
        shipments=totals.shipments,
        units=totals.units,
        cost=totals.cost,
        units_without_cost=totals.units_without_cost,
        extra=extra,
    )


def _plain_report(name: str, title: str, units: list[ShippedUnit], key: str) -> Report:
    grouped = rules.group_totals(units, key)
    rows = tuple(_row(str(label), totals) for label, totals in grouped.items())
    return Report(name, title, rows, _row("Total", rules.totals(units)))


def _with_content(row: ReportRow, figures: ContentFigures) -> ReportRow:
    extra = (
        ("Posts", str(figures.posts)),
        ("Views", str(figures.views)),
        ("Paid orders", str(figures.paid_orders)),
    )
    return ReportRow(
        row.label, row.shipments, row.units, row.cost, row.units_without_cost, extra
    )


def _csv_row(row: ReportRow, columns: tuple[str, ...]) -> list[object]:
    extra = dict(row.extra)
    return [
        row.label,
        *(extra.get(column, "") for column in columns),
        row.shipments,
        row.units,
        f"{row.cost:.2f}",
        row.units_without_cost,
    ]
