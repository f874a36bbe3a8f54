"""Moving units between quantity states at one location, exactly once.

A giveaway campaign sets its budget aside by moving units from ``available``
to ``reserved`` (``inventoryMoveQuantities``), uses them one by one, and gives
back the rest. Both terminals of a move carry ``changeFromQuantity`` (the
quantity read just before), and every request an ``@idempotent`` key, as
Shopify requires since 2026-04; after ``CHANGE_FROM_QUANTITY_STALE`` we read
again and try with a new derived key, because the request is then a new one.

Shopify wants a ``ledgerDocumentUri`` on every terminal that is not
``available`` (and refuses one on ``available``); we give it the same
``gid://giveaway-desk/...`` URI as the group's ``referenceDocumentUri``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from app.net.shopify.client import ShopifyClient
from app.net.shopify.errors import GraphQLProblem, ShopifyUserError
from app.net.shopify.stock import attempt_key

logger = logging.getLogger(__name__)

AVAILABLE: Final = "available"
RESERVED: Final = "reserved"
#: Shopify's reasons for putting units in and out of ``reserved``.
REASON_RESERVE: Final = "reservation_created"
REASON_USE: Final = "reservation_updated"
REASON_RELEASE: Final = "reservation_deleted"

_MAX_STALE_RETRIES = 5
_CONCURRENT_WAIT_SECONDS = 1.0
_MAX_CONCURRENT_WAITS = 10


@dataclass(frozen=True)
class QuantityMove:
    """Units of one item to move from one state to another at one location."""

    inventory_item_id: str
    location_id: str
    quantity: int
    from_name: str
    to_name: str
    reason: str
    #: Shown in the merchant's inventory history (e.g. the campaign).
    reference_document_uri: str
    #: The effect's stable key; the same move must always bring the same key.
    idempotency_key: str


@dataclass(frozen=True)
class MoveAttempt:
    """One try at a move: what was read and sent, so a retry resends the same."""

    idempotency_key: str
    from_quantity: int
    to_quantity: int
    number: int = 1


@dataclass(frozen=True)
class MoveResult:
    """The adjustment group Shopify made, and the quantities after it."""

    adjustment_group_id: str
    quantities_after: dict[str, int]
    attempts: tuple[MoveAttempt, ...]


def read_quantities(
    client: ShopifyClient, inventory_item_id: str, location_id: str
) -> dict[str, int]:
    """``available``, ``reserved`` and ``on_hand`` of an item at a location."""
    data = client.run(
        "QuantitiesAt",
        {"inventoryItemId": inventory_item_id, "locationId": location_id},
    )
    item = data.get("inventoryItem")
    if item is None:
        raise _problem("Shopify knows no such inventory item", "INVALID_INVENTORY_ITEM")
    level = item.get("inventoryLevel")
    if level is None:
        raise _problem(
            "the item is not stocked at the campaign's location; stock it there in "
            "Shopify or choose another location",
            "ITEM_NOT_STOCKED_AT_LOCATION",
        )
    return {str(q["name"]): int(q["quantity"]) for q in level["quantities"]}


def move_units(
    client: ShopifyClient,
    move: QuantityMove,
    *,
    resume: MoveAttempt | None = None,
    record_attempt: Callable[[MoveAttempt], None] | None = None,
) -> MoveResult:
    """Move the units once; safe to call again with the attempt last recorded.

    ``record_attempt`` receives each attempt before it is sent, so the caller
    can keep it; after a crash, pass the last one back as ``resume``.
    """
    if move.quantity <= 0 or move.from_name == move.to_name:
        raise ValueError("a move needs a positive quantity between two states")
    attempts: list[MoveAttempt] = []
    waits = 0
    attempt = resume or _new_attempt(client, move, 1, record_attempt)
    while True:
        attempts.append(attempt)
        payload = _send(client, move, attempt)
        group = payload.get("inventoryAdjustmentGroup")
        problems = _user_errors(payload)
        if group and not problems:
            return _result(group, attempts)

        codes = {p.code for p in problems}
        if "IDEMPOTENCY_CONCURRENT_REQUEST" in codes and waits < _MAX_CONCURRENT_WAITS:
            waits += 1
            client.throttle.pause(_CONCURRENT_WAIT_SECONDS)
            attempts.pop()
            continue
        if (
            "CHANGE_FROM_QUANTITY_STALE" in codes
            and attempt.number <= _MAX_STALE_RETRIES
        ):
            logger.info(
                "Quantities changed since they were read (%s); reading again",
                move.reference_document_uri,
            )
            attempt = _new_attempt(client, move, attempt.number + 1, record_attempt)
            continue
        raise ShopifyUserError("the stock move", problems or _no_result())


def _new_attempt(
    client: ShopifyClient,
    move: QuantityMove,
    number: int,
    record: Callable[[MoveAttempt], None] | None,
) -> MoveAttempt:
    quantities = read_quantities(client, move.inventory_item_id, move.location_id)
    held = quantities.get(move.from_name, 0)
    if held < move.quantity:
        # Someone changed the stock by hand; Shopify decides whether it may go
        # below zero, and its refusal reaches the supervisor with its own words.
        logger.warning(
            "Moving %d %s of %s but Shopify shows %d",
            move.quantity,
            move.from_name,
            move.inventory_item_id,
            held,
        )
    attempt = MoveAttempt(
        attempt_key(move.idempotency_key, number),
        held,
        quantities.get(move.to_name, 0),
        number,
    )
    if record is not None:
        record(attempt)
    return attempt


def move_variables(move: QuantityMove, attempt: MoveAttempt) -> dict[str, Any]:
    """The variables of one attempt (also what Shopify fingerprints the key with)."""
    return {
        "key": attempt.idempotency_key,
        "input": {
            "reason": move.reason,
            "referenceDocumentUri": move.reference_document_uri,
            "changes": [
                {
                    "inventoryItemId": move.inventory_item_id,
                    "quantity": move.quantity,
                    "from": _terminal(move, move.from_name, attempt.from_quantity),
                    "to": _terminal(move, move.to_name, attempt.to_quantity),
                }
            ],
        },
    }


def _terminal(move: QuantityMove, name: str, change_from: int) -> dict[str, Any]:
    terminal: dict[str, Any] = {
        "locationId": move.location_id,
        "name": name,
        "changeFromQuantity": change_from,
    }
    if name != AVAILABLE:
        terminal["ledgerDocumentUri"] = move.reference_document_uri
    return terminal


def _send(
    client: ShopifyClient, move: QuantityMove, attempt: MoveAttempt
) -> dict[str, Any]:
    # Resending is safe: the idempotency key makes Shopify answer a repeat
    # from its record.
    data = client.run(
        "MoveQuantities", move_variables(move, attempt), resend_if_lost=True
    )
    payload = data.get("inventoryMoveQuantities")
    return payload if isinstance(payload, dict) else {}


def _user_errors(payload: dict[str, Any]) -> list[GraphQLProblem]:
    return [
        GraphQLProblem(
            message=str(error.get("message", "")),
            code=error.get("code"),
            field=tuple(error.get("field") or ()),
        )
        for error in payload.get("userErrors") or []
    ]


def _problem(message: str, code: str) -> ShopifyUserError:
    return ShopifyUserError("the stock read", [GraphQLProblem(message, code)])


def _no_result() -> list[GraphQLProblem]:
    return [GraphQLProblem("Shopify returned neither a result nor an error")]


def _result(group: dict[str, Any], attempts: list[MoveAttempt]) -> MoveResult:
    after = {
        str(change.get("name")): int(change.get("quantityAfterChange") or 0)
        for change in group.get("changes") or []
    }
    return MoveResult(str(group["id"]), after, tuple(attempts))
