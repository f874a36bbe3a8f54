"""``inventoryMoveQuantities`` for the simulated shop: units between states.

Every simulator installs it at start (``sim.moves`` holds it and its
counters) with :func:`install_move_quantities`, which registers the mutation
through :meth:`ShopifySimulator.add_mutation`. It answers under the shop's
idempotency record, so a resent key is replayed, not applied again.

Rules follow Shopify's documentation where it is explicit (a ledger document
on every terminal but ``available``, none on ``available``, no
``gid://shopify/`` ledger documents, one location per change, an explicit
``changeFromQuantity`` on every terminal since 2026-04). Refusing a move that
would take a non-``available`` state below zero is our assumption: Shopify's
error enum has ``INVALID_QUANTITY_NEGATIVE`` but the page does not say when.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from app.sim.shopify.resolvers import REASONS, _user_error
from app.sim.shopify.simulator import ShopifySimulator

logger = logging.getLogger(__name__)

MOVABLE_NAMES = ("available", "reserved", "damaged", "quality_control", "safety_stock")
_GROUP = "inventoryAdjustmentGroup"


@dataclass
class MoveCounters:
    """Moves applied to the shop (replays and refusals do not count)."""

    #: Applied inventoryMoveQuantities calls.
    moves: int = 0
    #: Units moved, per ``(from name, to name)``.
    units: Counter[tuple[str, str]] = field(default_factory=Counter)


class MoveQuantities:
    """The resolver of ``inventoryMoveQuantities`` over one simulator's state."""

    def __init__(self, sim: ShopifySimulator) -> None:
        self.sim = sim
        self.counters = MoveCounters()

    def resolve(self, info: Any, input: dict[str, Any]) -> Any:  # noqa: A002
        """Answer the mutation (idempotently)."""
        return self.sim.run_idempotent(
            info, {"input": input}, lambda: self._move(input)
        )

    def _move(self, data: dict[str, Any]) -> dict[str, Any]:
        problem = self._problem(data)
        if problem is not None:
            return problem
        changes = []
        for change in data["changes"]:
            changes += self._apply(change)
        group = {
            "id": self.sim.state.next_id("InventoryAdjustmentGroup"),
            "createdAt": self.sim.now().isoformat(),
            "reason": REASONS[data["reason"]],
            "referenceDocumentUri": data["referenceDocumentUri"],
            "changes": changes,
        }
        self.sim.state.adjustment_groups.append(group)
        self.counters.moves += 1
        return {_GROUP: group, "userErrors": []}

    def _apply(self, change: dict[str, Any]) -> list[dict[str, Any]]:
        item, quantity = change["inventoryItemId"], change["quantity"]
        source, target = change["from"], change["to"]
        level = self.sim.state.levels[(item, source["locationId"])]
        level[source["name"]] = level.get(source["name"], 0) - quantity
        level[target["name"]] = level.get(target["name"], 0) + quantity
        self.counters.units[(source["name"], target["name"])] += quantity
        return [
            _change(item, source, -quantity, level),
            _change(item, target, quantity, level),
        ]

    def _problem(self, data: dict[str, Any]) -> dict[str, Any] | None:
        if data["reason"] not in REASONS:
            return _fail("INVALID_REASON", "The specified reason is invalid.", "reason")
        if ":" not in data["referenceDocumentUri"]:
            return _fail(
                "INVALID_REFERENCE_DOCUMENT",
                "The reference document URI is not valid.",
                "referenceDocumentUri",
            )
        for index, change in enumerate(data["changes"]):
            problem = self._change_problem(change, f"changes.{index}")
            if problem is not None:
                return problem
        return None

    def _change_problem(
        self, change: dict[str, Any], where: str
    ) -> dict[str, Any] | None:
        state = self.sim.state
        item, source, target = change["inventoryItemId"], change["from"], change["to"]
        if item not in state.items:
            return _fail("INVALID_INVENTORY_ITEM", "The item was not found.", where)
        if source["locationId"] != target["locationId"]:
            return _fail("DIFFERENT_LOCATIONS", "A move stays at one location.", where)
        if source["locationId"] not in state.locations:
            return _fail("INVALID_LOCATION", "The location was not found.", where)
        level = state.level(item, source["locationId"])
        if level is None:
            return _fail(
                "ITEM_NOT_STOCKED_AT_LOCATION",
                "The item is not stocked at the location.",
                where,
            )
        if source["name"] == target["name"]:
            return _fail("SAME_QUANTITY_NAME", "Move between two states.", where)
        if change["quantity"] <= 0:
            return _fail(
                "INVALID_QUANTITY_NEGATIVE", "The quantity must be positive.", where
            )
        for terminal in (source, target):
            problem = _terminal_problem(terminal, level, where)
            if problem is not None:
                return problem
        held = level.get(source["name"], 0)
        if source["name"] != "available" and held < change["quantity"]:
            return _fail(
                "INVALID_QUANTITY_NEGATIVE",
                f"Only {held} {source['name']} to move.",
                where,
            )
        return None


def _terminal_problem(
    terminal: dict[str, Any], level: dict[str, int], where: str
) -> dict[str, Any] | None:
    name, ledger = terminal["name"], terminal.get("ledgerDocumentUri")
    if name not in MOVABLE_NAMES:
        return _fail("INVALID_QUANTITY_NAME", "The quantity name is not valid.", where)
    if name == "available" and ledger:
        return _fail(
            "INVALID_AVAILABLE_DOCUMENT",
            "A ledger document URI is not allowed with available.",
            where,
        )
    if name != "available" and not ledger:
        return _fail(
            "INVALID_LEDGER_DOCUMENT",
            f"A ledger document URI is required with {name}.",
            where,
        )
    if ledger and str(ledger).startswith("gid://shopify/"):
        return _fail(
            "INTERNAL_LEDGER_DOCUMENT", "Shopify's own ids are not ledgers.", where
        )
    if "changeFromQuantity" not in terminal:
        return _fail(
            "INVALID_QUANTITY_DOCUMENT",
            "changeFromQuantity is required: give the quantity read, or null.",
            where,
        )
    expected = terminal["changeFromQuantity"]
    if expected is not None and expected != level.get(name, 0):
        return _fail(
            "CHANGE_FROM_QUANTITY_STALE",
            "The changeFromQuantity argument no longer matches the persisted quantity.",
            where,
        )
    return None


def _fail(code: str, message: str, where: str) -> dict[str, Any]:
    return _user_error(code, message, ["input", *where.split(".")], group=_GROUP)


def _change(
    item: str, terminal: dict[str, Any], delta: int, level: dict[str, int]
) -> dict[str, Any]:
    return {
        "name": terminal["name"],
        "delta": delta,
        "quantityAfterChange": level.get(terminal["name"], 0),
        "ledgerDocumentUri": terminal.get("ledgerDocumentUri"),
        "item": {"id": item},
        "location": {"id": terminal["locationId"]},
    }


def install_move_quantities(sim: ShopifySimulator) -> MoveQuantities:
    """Serve ``inventoryMoveQuantities`` on ``sim``; returns it (with its counters)."""
    moves = MoveQuantities(sim)
    sim.add_mutation("inventoryMoveQuantities", moves.resolve)
    return moves
