"""The shipment workflow: which state changes are allowed."""

from __future__ import annotations

import pytest

from app.domain.shipments import (
    ALLOWED_TRANSITIONS,
    InvalidTransitionError,
    ShipmentState,
    check_transition,
)

S = ShipmentState


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (S.UNMATCHED, S.READY),
        (S.READY, S.PACKED),
        (S.PACKED, S.SHIPPED),
        (S.READY, S.SHIPPED),
        (S.SHIPPED, S.SYNCED),
        (S.SHIPPED, S.PROBLEM),
        (S.PROBLEM, S.SHIPPED),
        (S.READY, S.UNMATCHED),
    ],
)
def test_the_clerks_path_is_allowed(old: ShipmentState, new: ShipmentState) -> None:
    check_transition(old, new)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (S.UNMATCHED, S.SHIPPED),
        (S.SHIPPED, S.READY),
        (S.SYNCED, S.READY),
        (S.CANCELLED, S.READY),
        (S.SHIPPED, S.CANCELLED),
    ],
)
def test_skipping_or_undoing_a_step_is_refused(
    old: ShipmentState, new: ShipmentState
) -> None:
    with pytest.raises(InvalidTransitionError) as raised:
        check_transition(old, new)
    assert "cannot become" in str(raised.value)


def test_synced_and_cancelled_are_final() -> None:
    assert ALLOWED_TRANSITIONS[S.SYNCED] == frozenset()
    assert ALLOWED_TRANSITIONS[S.CANCELLED] == frozenset()


def test_every_state_has_a_rule() -> None:
    assert set(ALLOWED_TRANSITIONS) == set(ShipmentState)
