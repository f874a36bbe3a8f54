"""Giveaway campaigns: a budget of units from one real SKU, and what it costs.

A campaign replaces TikTok's duplicate giveaway listing with a budget: opening
it sets ``budget`` units of the real SKU aside (Shopify ``reserved``), each
giveaway shipped consumes one of them, and closing it gives back what is left.
Winners are served first come, first served (by order time); a winner beyond
the budget is flagged before anyone packs it, because shipping it would take a
unit the campaign never set aside.

Everything here is pure: the services layer reads the rows and hands plain
values in.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Final

logger = logging.getLogger(__name__)

#: Effect actions of a campaign, as stored in ``campaign_effect.action``.
RESERVE: Final = "shopify.campaign_reserve"
CONSUME: Final = "shopify.campaign_consume"
RELEASE: Final = "shopify.campaign_release"

EFFECT_LABELS: Final = {
    RESERVE: "Set the campaign's units aside in Shopify",
    CONSUME: "Use one set-aside unit for a shipped winner",
    RELEASE: "Give the unused units back to available",
}

#: The largest budget a campaign may have (a typo guard, not a business rule).
MAX_BUDGET: Final = 100_000
_NAME_PATTERN = re.compile(r"^[\w][\w .\-#&()/']{0,99}$")


class CampaignState(StrEnum):
    """Where a campaign stands."""

    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class CampaignError(ValueError):
    """A campaign request breaks a rule; the message says which, in plain words."""


class WarningKind(StrEnum):
    """What a supervisor is warned about."""

    OVER_BUDGET = "over_budget"
    PAST_SHIP_BY = "past_ship_by"
    UNMATCHED_AFTER_LIVE = "unmatched_after_live"


@dataclass(frozen=True, slots=True)
class Winner:
    """One giveaway order of a campaign, as the budget rules see it."""

    shipment_id: int
    order_id: str
    ordered_at: datetime
    state: str
    units: int = 1
    ship_by: datetime | None = None


@dataclass(frozen=True, slots=True)
class Allocation:
    """Which winners the budget covers and which it does not."""

    within: tuple[Winner, ...]
    beyond: tuple[Winner, ...]

    @property
    def units_within(self) -> int:
        """Units the budget covers."""
        return sum(w.units for w in self.within)


@dataclass(frozen=True, slots=True)
class CampaignWarning:
    """Something a supervisor must look at, with the order it is about."""

    kind: WarningKind
    order_id: str
    message: str


@dataclass(frozen=True, slots=True)
class BudgetFigures:
    """A campaign's budget at a glance."""

    budget: int
    #: Units of every winner not cancelled.
    winners: int
    #: Units shipped (saved with a tracking number).
    shipped: int
    #: Units the budget cannot cover.
    over_budget: int

    @property
    def remaining(self) -> int:
        """Budget units not shipped yet (never below zero)."""
        return max(self.budget - min(self.shipped, self.budget), 0)

    @property
    def unclaimed(self) -> int:
        """Budget units no winner has claimed yet."""
        return max(self.budget - self.winners, 0)


CANCELLED_STATE: Final = "cancelled"
SHIPPED_STATES: Final = frozenset({"shipped", "synced"})
PACKED_OR_LATER: Final = frozenset({"packed", "shipped", "synced"})


# --- checks -----------------------------------------------------------------


def check_name(name: str) -> str:
    """The campaign name, trimmed; raises when it is empty or odd."""
    cleaned = " ".join(name.split())
    if not cleaned:
        raise CampaignError("Give the campaign a name, e.g. 'Friday LIVE serum'.")
    if not _NAME_PATTERN.match(cleaned):
        raise CampaignError(
            "A campaign name is up to 100 letters, digits, spaces and . - # & ( ) / '."
        )
    return cleaned


def check_budget(budget: int) -> int:
    """The budget if it is a sensible whole number of units."""
    if budget < 1:
        raise CampaignError("A campaign needs a budget of at least one unit.")
    if budget > MAX_BUDGET:
        raise CampaignError(f"A budget above {MAX_BUDGET} units is surely a typo.")
    return budget


def check_can_open(state: CampaignState, has_location: bool) -> None:
    """Raise unless a campaign in ``state`` may be opened now."""
    if state is not CampaignState.DRAFT:
        raise CampaignError(f"The campaign is already {state.value}; open it once.")
    if not has_location:
        raise CampaignError(
            "Choose the Shopify location the units are set aside at first."
        )


def check_can_close(state: CampaignState) -> None:
    """Raise unless a campaign in ``state`` may be closed now."""
    if state is not CampaignState.OPEN:
        raise CampaignError(
            f"Only an open campaign can be closed; this one is {state.value}."
        )


# --- the budget ---------------------------------------------------------------


def allocate(budget: int, winners: Iterable[Winner]) -> Allocation:
    """Split the winners into those the budget covers and those beyond it.

    Cancelled orders take nothing. Winners already packed or shipped come
    first (their unit is gone whatever the order), then the rest by order time;
    so a late winner never pushes out one already on its way.
    """
    live = [w for w in winners if w.state != CANCELLED_STATE]
    live.sort(key=lambda w: (w.state not in PACKED_OR_LATER, w.ordered_at, w.order_id))
    within: list[Winner] = []
    beyond: list[Winner] = []
    used = 0
    for winner in live:
        if used + winner.units <= budget:
            within.append(winner)
            used += winner.units
        else:
            beyond.append(winner)
    return Allocation(tuple(within), tuple(beyond))


def figures(budget: int, winners: Sequence[Winner]) -> BudgetFigures:
    """Budget, claimed, shipped and over-budget units of one campaign."""
    allocation = allocate(budget, winners)
    live = [w for w in winners if w.state != CANCELLED_STATE]
    return BudgetFigures(
        budget=budget,
        winners=sum(w.units for w in live),
        shipped=sum(w.units for w in live if w.state in SHIPPED_STATES),
        over_budget=sum(w.units for w in allocation.beyond),
    )


def to_consume(
    budget: int,
    winners: Sequence[Winner],
    consumed: frozenset[int] = frozenset(),
    consumed_units: int = 0,
) -> list[Winner]:
    """Shipped winners whose reserved unit is still to be used, oldest first.

    ``consumed`` holds the shipment ids already counted and ``consumed_units``
    their units. Only units within the budget come out of the reservation: a
    winner shipped beyond it (a supervisor's override) takes its unit from
    ``available`` like any order, because nothing was set aside for it.
    """
    room = max(budget - consumed_units, 0)
    within = allocate(budget, winners).within
    chosen: list[Winner] = []
    for winner in within:
        if winner.state not in SHIPPED_STATES or winner.shipment_id in consumed:
            continue
        if winner.units > room:
            break
        chosen.append(winner)
        room -= winner.units
    return chosen


def units_to_release(budget: int, consumed: int) -> int:
    """Reserved units to give back to ``available`` when the campaign closes."""
    return max(budget - consumed, 0)


# --- warnings -----------------------------------------------------------------


def warnings(
    budget: int,
    winners: Sequence[Winner],
    now: datetime,
    *,
    live_ended_at: datetime | None = None,
    unmatched_grace: timedelta = timedelta(hours=2),
) -> list[CampaignWarning]:
    """What a supervisor of this campaign must look at now, most urgent first."""
    found = [_over_budget(w) for w in allocate(budget, winners).beyond]
    for winner in winners:
        if _late(winner, now):
            found.append(_past_ship_by(winner, now))
        if _unmatched_too_long(winner, now, live_ended_at, unmatched_grace):
            found.append(_unmatched(winner))
    return found


def _over_budget(winner: Winner) -> CampaignWarning:
    return CampaignWarning(
        WarningKind.OVER_BUDGET,
        winner.order_id,
        f"Order {winner.order_id} is a winner beyond the campaign's budget: do not "
        "pack it until the budget is raised or the order is cancelled.",
    )


def _late(winner: Winner, now: datetime) -> bool:
    open_ = winner.state not in SHIPPED_STATES | {CANCELLED_STATE}
    return open_ and winner.ship_by is not None and winner.ship_by < now


def _past_ship_by(winner: Winner, now: datetime) -> CampaignWarning:
    assert winner.ship_by is not None
    hours = int((now - winner.ship_by).total_seconds() // 3600)
    late = f"{hours} h" if hours < 48 else f"{hours // 24} days"
    return CampaignWarning(
        WarningKind.PAST_SHIP_BY,
        winner.order_id,
        f"Order {winner.order_id} should have shipped {late} ago; TikTok counts "
        "late giveaway parcels against the shop.",
    )


def _unmatched_too_long(
    winner: Winner, now: datetime, ended: datetime | None, grace: timedelta
) -> bool:
    return winner.state == "unmatched" and ended is not None and now - ended >= grace


def _unmatched(winner: Winner) -> CampaignWarning:
    return CampaignWarning(
        WarningKind.UNMATCHED_AFTER_LIVE,
        winner.order_id,
        f"Order {winner.order_id} is still unmatched although the LIVE has ended; "
        "match its product to the campaign's SKU.",
    )


# --- keys and references ----------------------------------------------------


def effect_key(campaign_uid: str, action: str, subject: str = "") -> str:
    """The stable idempotency key of one campaign effect (32 hex digits).

    The same campaign, action and subject (a TikTok order id for a
    consumption) always give the same key, so a retry is the same request.
    """
    name = f"giveaway-desk:campaign:{campaign_uid}:{action}:{subject}"
    return uuid.uuid5(uuid.NAMESPACE_URL, name).hex


def campaign_reference(campaign_uid: str) -> str:
    """The document URI Shopify shows in the inventory history for a campaign."""
    return f"gid://giveaway-desk/GiveawayCampaign/{campaign_uid}"


# --- money and reports --------------------------------------------------------


def parse_cost(text: str | None) -> Decimal | None:
    """A catalog unit cost (``"4.20"``) as a Decimal, or ``None`` if unknown."""
    if text is None or not text.strip():
        return None
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        logger.warning("Unit cost %r is not a number; treated as unknown", text)
        return None
    return value if value.is_finite() and value >= 0 else None


@dataclass(frozen=True, slots=True)
class ShippedUnit:
    """Units of one SKU that left in one shipment, for the reports."""

    shipment_id: int
    order_id: str
    kind: str
    day: date
    sku: str
    units: int
    unit_cost: Decimal | None
    campaign: str = ""
    creator: str = ""


@dataclass(frozen=True, slots=True)
class Totals:
    """Shipments, units and cost of a group of shipped units."""

    shipments: int
    units: int
    cost: Decimal
    #: Units whose SKU has no known cost (left out of ``cost``).
    units_without_cost: int


def totals(units: Iterable[ShippedUnit]) -> Totals:
    """Add up shipments, units and known cost."""
    shipments: set[int] = set()
    count = 0
    cost = Decimal("0")
    unknown = 0
    for unit in units:
        shipments.add(unit.shipment_id)
        count += unit.units
        if unit.unit_cost is None:
            unknown += unit.units
        else:
            cost += unit.unit_cost * unit.units
    return Totals(len(shipments), count, cost, unknown)


def group_totals(units: Iterable[ShippedUnit], key: str) -> dict[str | date, Totals]:
    """Totals per ``day``, ``campaign``, ``creator`` or ``kind``, keys sorted."""
    groups: dict[str | date, list[ShippedUnit]] = {}
    for unit in units:
        groups.setdefault(getattr(unit, key), []).append(unit)
    return {name: totals(groups[name]) for name in sorted(groups, key=str)}


def burn_down(
    budget: int, shipped_days: Iterable[tuple[date, int]], first: date, last: date
) -> list[tuple[date, int]]:
    """Budget units left at the end of each day from ``first`` to ``last``."""
    per_day: dict[date, int] = {}
    for day, units in shipped_days:
        per_day[day] = per_day.get(day, 0) + units
    left = budget - sum(u for d, u in per_day.items() if d < first)
    points = []
    day = first
    while day <= last:
        left -= per_day.get(day, 0)
        points.append((day, max(left, 0)))
        day += timedelta(days=1)
    return points
