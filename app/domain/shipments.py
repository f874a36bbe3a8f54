"""Shipments: what kind they are, which state they are in, where they may go next."""

from __future__ import annotations

from enum import StrEnum


class ShipmentKind(StrEnum):
    """Why a shipment is in our queue at all."""

    GIVEAWAY = "giveaway"
    SAMPLE = "sample"


class ShipmentState(StrEnum):
    """Where a shipment stands on the bench.

    ``SHIPPED`` means the clerk has saved a tracking number and the remote effects
    are waiting in the outbox; ``SYNCED`` means every one of them was confirmed.
    """

    UNMATCHED = "unmatched"
    READY = "ready"
    PACKED = "packed"
    SHIPPED = "shipped"
    SYNCED = "synced"
    PROBLEM = "problem"
    CANCELLED = "cancelled"


STATE_LABELS: dict[ShipmentState, str] = {
    ShipmentState.UNMATCHED: "Unmatched",
    ShipmentState.READY: "Ready to pack",
    ShipmentState.PACKED: "Packed",
    ShipmentState.SHIPPED: "Shipped, waiting to sync",
    ShipmentState.SYNCED: "Synced",
    ShipmentState.PROBLEM: "Problem",
    ShipmentState.CANCELLED: "Cancelled",
}

#: Short labels for narrow places such as a table column.
STATE_SHORT_LABELS: dict[ShipmentState, str] = {
    **STATE_LABELS,
    ShipmentState.READY: "Ready",
    ShipmentState.SHIPPED: "Waiting to sync",
    ShipmentState.PROBLEM: "Problem",
}

#: States a clerk still has to act on, or that are still on their way out.
OPEN_STATES: frozenset[ShipmentState] = frozenset(
    {
        ShipmentState.UNMATCHED,
        ShipmentState.READY,
        ShipmentState.PACKED,
        ShipmentState.SHIPPED,
        ShipmentState.PROBLEM,
    }
)

_S = ShipmentState

# A matched order can be unmatched again by a remap, and a problem can go back to
# the state it came from once a supervisor has dealt with it. Nothing leaves
# SYNCED or CANCELLED: those are facts about the outside world.
ALLOWED_TRANSITIONS: dict[ShipmentState, frozenset[ShipmentState]] = {
    _S.UNMATCHED: frozenset({_S.READY, _S.PROBLEM, _S.CANCELLED}),
    _S.READY: frozenset(
        {_S.UNMATCHED, _S.PACKED, _S.SHIPPED, _S.PROBLEM, _S.CANCELLED}
    ),
    _S.PACKED: frozenset(
        {_S.READY, _S.UNMATCHED, _S.SHIPPED, _S.PROBLEM, _S.CANCELLED}
    ),
    _S.SHIPPED: frozenset({_S.SYNCED, _S.PROBLEM}),
    _S.PROBLEM: frozenset(
        {_S.UNMATCHED, _S.READY, _S.SHIPPED, _S.SYNCED, _S.CANCELLED}
    ),
    _S.SYNCED: frozenset(),
    _S.CANCELLED: frozenset(),
}

#: States in which the clerk may save a tracking number.
FULFILLABLE_STATES: frozenset[ShipmentState] = frozenset({_S.READY, _S.PACKED})

#: States whose lines may still be (re)matched to a catalog SKU.
MATCHABLE_STATES: frozenset[ShipmentState] = frozenset(
    {_S.UNMATCHED, _S.READY, _S.PACKED, _S.PROBLEM}
)


class InvalidTransitionError(ValueError):
    """A state change that the workflow does not allow."""

    def __init__(self, old: ShipmentState, new: ShipmentState) -> None:
        super().__init__(
            f"A shipment that is {STATE_LABELS[old].lower()} cannot become "
            f"{STATE_LABELS[new].lower()}."
        )
        self.old = old
        self.new = new


def check_transition(old: ShipmentState, new: ShipmentState) -> None:
    """Raise :class:`InvalidTransitionError` unless ``old -> new`` is allowed."""
    if old == new:
        return
    if new not in ALLOWED_TRANSITIONS[old]:
        raise InvalidTransitionError(old, new)


def state_after_matching(all_lines_matched: bool) -> ShipmentState:
    """The state an open, unshipped shipment is in once its lines were (re)matched."""
    return ShipmentState.READY if all_lines_matched else ShipmentState.UNMATCHED
