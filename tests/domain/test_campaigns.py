"""Campaign rules: the budget, who it covers, warnings, keys and report sums."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from app.domain.campaigns import (
    CONSUME,
    RELEASE,
    RESERVE,
    CampaignError,
    ShippedUnit,
    WarningKind,
    Winner,
    allocate,
    burn_down,
    check_budget,
    check_name,
    effect_key,
    figures,
    group_totals,
    parse_cost,
    to_consume,
    totals,
    units_to_release,
    warnings,
)

T0 = datetime(2026, 12, 3, 18, 0, tzinfo=UTC)


def winner(n: int, state: str = "ready", **kwargs: object) -> Winner:
    return Winner(
        shipment_id=n,
        order_id=f"O{n}",
        ordered_at=T0 + timedelta(minutes=n),
        state=state,
        **kwargs,  # type: ignore[arg-type]
    )


def test_the_budget_covers_the_first_winners_by_order_time() -> None:
    winners = [winner(3), winner(1), winner(2), winner(4)]

    allocation = allocate(3, winners)

    assert [w.order_id for w in allocation.within] == ["O1", "O2", "O3"]
    assert [w.order_id for w in allocation.beyond] == ["O4"]


def test_a_packed_winner_is_never_pushed_out_by_an_earlier_unpacked_one() -> None:
    winners = [winner(1), winner(2), winner(9, "packed")]

    allocation = allocate(2, winners)

    assert {w.order_id for w in allocation.within} == {"O9", "O1"}
    assert [w.order_id for w in allocation.beyond] == ["O2"]


def test_cancelled_winners_take_nothing() -> None:
    allocation = allocate(1, [winner(1, "cancelled"), winner(2)])

    assert [w.order_id for w in allocation.within] == ["O2"]
    assert allocation.beyond == ()


def test_figures_count_winners_shipped_and_over_budget_units() -> None:
    winners = [winner(1, "shipped"), winner(2, "synced"), winner(3), winner(4)]

    result = figures(3, winners)

    assert (result.winners, result.shipped, result.over_budget) == (4, 2, 1)
    assert result.remaining == 1
    assert result.unclaimed == 0


def test_only_shipped_winners_within_budget_consume_reserved_units() -> None:
    winners = [winner(1, "shipped"), winner(2, "synced"), winner(3, "shipped")]

    assert [w.order_id for w in to_consume(2, winners)] == ["O1", "O2"]
    assert [w.order_id for w in to_consume(3, winners, frozenset({1, 2}), 2)] == ["O3"]
    assert to_consume(2, winners, frozenset({1, 2}), 2) == []


def test_closing_releases_what_was_not_consumed() -> None:
    assert units_to_release(20, 12) == 8
    assert units_to_release(5, 7) == 0


def test_warnings_name_over_budget_late_and_unmatched_orders() -> None:
    now = T0 + timedelta(hours=5)
    winners = [
        winner(1, "ready", ship_by=T0),
        winner(2, "unmatched"),
        winner(3, "ready"),
    ]

    found = warnings(
        2, winners, now, live_ended_at=T0, unmatched_grace=timedelta(1 / 24)
    )

    kinds = {(w.kind, w.order_id) for w in found}
    assert kinds == {
        (WarningKind.OVER_BUDGET, "O3"),
        (WarningKind.PAST_SHIP_BY, "O1"),
        (WarningKind.UNMATCHED_AFTER_LIVE, "O2"),
    }


def test_lateness_is_said_in_hours_then_days() -> None:
    late = [winner(1, "ready", ship_by=T0)]

    [soon] = warnings(5, late, T0 + timedelta(hours=5))
    [long_ago] = warnings(5, late, T0 + timedelta(days=3, hours=1))

    assert "5 h ago" in soon.message
    assert "3 days ago" in long_ago.message


def test_no_unmatched_warning_before_the_grace_time() -> None:
    found = warnings(
        5, [winner(1, "unmatched")], T0 + timedelta(minutes=30), live_ended_at=T0
    )

    assert found == []


def test_effect_keys_are_stable_and_distinct() -> None:
    assert effect_key("u1", RESERVE) == effect_key("u1", RESERVE)
    keys = {
        effect_key("u1", RESERVE),
        effect_key("u1", RELEASE),
        effect_key("u1", CONSUME, "O1"),
        effect_key("u1", CONSUME, "O2"),
        effect_key("u2", RESERVE),
    }
    assert len(keys) == 5


@pytest.mark.parametrize("budget", [0, -3, 100_001])
def test_odd_budgets_are_refused(budget: int) -> None:
    with pytest.raises(CampaignError):
        check_budget(budget)


def test_names_are_trimmed_and_formula_like_names_refused() -> None:
    assert check_name("  Friday   LIVE ") == "Friday LIVE"
    with pytest.raises(CampaignError):
        check_name("=HYPERLINK(1)")
    with pytest.raises(CampaignError):
        check_name("   ")


def test_totals_add_known_costs_and_count_unknown_units() -> None:
    day = date(2026, 12, 1)
    units = [
        ShippedUnit(1, "O1", "giveaway", day, "A", 2, Decimal("1.50"), "C1"),
        ShippedUnit(1, "O1", "giveaway", day, "B", 1, None, "C1"),
        ShippedUnit(2, "O2", "sample", day + timedelta(1), "A", 1, Decimal("1.50")),
    ]

    assert totals(units).shipments == 2
    assert totals(units).units == 4
    assert totals(units).cost == Decimal("4.50")
    assert totals(units).units_without_cost == 1
    per_day = group_totals(units, "day")
    assert [t.units for t in per_day.values()] == [3, 1]


def test_burn_down_counts_down_per_day() -> None:
    first = date(2026, 12, 1)
    shipped = [(first, 3), (first + timedelta(2), 4)]

    points = burn_down(10, shipped, first, first + timedelta(3))

    assert [left for _, left in points] == [7, 7, 3, 3]


def test_costs_parse_or_stay_unknown() -> None:
    assert parse_cost("4.20") == Decimal("4.20")
    assert parse_cost("") is None
    assert parse_cost("n/a") is None
    assert parse_cost("-1") is None
