"""Taking units off a variant's ``available`` stock, exactly once.

Shopify (2026-04 and later) wants two things on every inventory change: an
``@idempotent`` key, so a resent request is answered from Shopify's record
instead of being applied twice, and ``changeFromQuantity``, the quantity we
last read, so a change based on a stale count is refused
(``CHANGE_FROM_QUANTITY_STALE``). When that happens we read again and try with
a new key, because the request is no longer the same request.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.net.shopify.client import ShopifyClient
from app.net.shopify.errors import GraphQLProblem, ShopifyUserError
from app.net.shopify.models import StockAttempt, StockResult

logger = logging.getLogger(__name__)

#: Shopify's reason for units removed "due to a promotion or donation".
REASON_GIVEAWAY = "promotion"
#: Our namespace in reference document URIs (``gid://<app>/<Type>/<id>``).
REFERENCE_APP = "giveaway-desk"

_MAX_STALE_RETRIES = 5
_CONCURRENT_WAIT_SECONDS = 1.0
_MAX_CONCURRENT_WAITS = 10


def reference_uri(kind: str, object_id: str) -> str:
    """The audit link Shopify shows in the inventory history, e.g. a TikTok order."""
    return f"gid://{REFERENCE_APP}/{kind}/{object_id}"


def tiktok_order_reference(order_id: str) -> str:
    """``gid://giveaway-desk/TikTokOrder/<id>`` for a TikTok order or sample."""
    return reference_uri("TikTokOrder", order_id)


@dataclass(frozen=True)
class StockLine:
    """Units of one inventory item."""

    inventory_item_id: str
    quantity: int


@dataclass(frozen=True)
class StockTake:
    """Units to take off at one location for one shipment, in one change."""

    location_id: str
    lines: tuple[StockLine, ...]
    reference_document_uri: str
    #: The outbox entry's key; the same shipment must always bring the same key.
    idempotency_key: str
    reason: str = REASON_GIVEAWAY

    @classmethod
    def one(
        cls,
        inventory_item_id: str,
        location_id: str,
        quantity: int,
        reference_document_uri: str,
        idempotency_key: str,
    ) -> StockTake:
        """A take of a single item, the usual giveaway or sample."""
        return cls(
            location_id,
            (StockLine(inventory_item_id, quantity),),
            reference_document_uri,
            idempotency_key,
        )


def take_units(
    client: ShopifyClient,
    take: StockTake,
    *,
    resume: StockAttempt | None = None,
    record_attempt: Callable[[StockAttempt], None] | None = None,
) -> StockResult:
    """Take every line's units off ``available`` in one change; never twice.

    ``record_attempt`` is called with each attempt before it is sent, so the
    caller can keep it; after a crash, pass the last one back as ``resume``.
    """
    if not take.lines or any(line.quantity <= 0 for line in take.lines):
        raise ValueError("a stock take needs lines with positive quantities")
    attempts: list[StockAttempt] = []
    waits = 0
    attempt = resume or _new_attempt(client, take, 1, record_attempt)
    while True:
        attempts.append(attempt)
        payload = _send(client, take, attempt)
        group = payload.get("inventoryAdjustmentGroup")
        problems = _user_errors(payload)
        if group and not problems:
            return _result(group, attempts)

        codes = {p.code for p in problems}
        if "IDEMPOTENCY_CONCURRENT_REQUEST" in codes and waits < _MAX_CONCURRENT_WAITS:
            # An earlier send with this key is still running at Shopify.
            waits += 1
            client.throttle.pause(_CONCURRENT_WAIT_SECONDS)
            attempts.pop()
            continue
        if (
            "CHANGE_FROM_QUANTITY_STALE" in codes
            and attempt.number <= _MAX_STALE_RETRIES
        ):
            logger.info(
                "Stock changed since it was read (%s); reading again",
                take.reference_document_uri,
            )
            attempt = _new_attempt(client, take, attempt.number + 1, record_attempt)
            continue
        raise ShopifyUserError("the stock change", problems or _no_result())


def read_available(
    client: ShopifyClient, inventory_item_id: str, location_id: str
) -> int:
    """The ``available`` quantity of an item at a location."""
    data = client.run(
        "AvailableAt", {"inventoryItemId": inventory_item_id, "locationId": location_id}
    )
    item = data.get("inventoryItem")
    if item is None:
        raise ShopifyUserError(
            "the stock read",
            [
                GraphQLProblem(
                    "Shopify knows no such inventory item", "INVALID_INVENTORY_ITEM"
                )
            ],
        )
    level = item.get("inventoryLevel")
    if level is None:
        raise ShopifyUserError(
            "the stock read",
            [
                GraphQLProblem(
                    "the item is not stocked at the chosen location; stock it there "
                    "in Shopify or choose another location",
                    "ITEM_NOT_STOCKED_AT_LOCATION",
                )
            ],
        )
    for quantity in level["quantities"]:
        if quantity["name"] == "available":
            return int(quantity["quantity"])
    raise ShopifyUserError(
        "the stock read", [GraphQLProblem("Shopify gave no available quantity")]
    )


def attempt_key(base_key: str, number: int) -> str:
    """The idempotency key of attempt ``number``: the base key, then derived ones."""
    if number == 1:
        return base_key
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{base_key}#{number}"))


def _new_attempt(
    client: ShopifyClient,
    take: StockTake,
    number: int,
    record: Callable[[StockAttempt], None] | None,
) -> StockAttempt:
    quantities = []
    for line in take.lines:
        available = read_available(client, line.inventory_item_id, take.location_id)
        if available < line.quantity:
            # The clerk holds the unit in hand; Shopify's count is what is wrong.
            logger.warning(
                "Shopify shows %d available of %s but %d are being shipped",
                available,
                line.inventory_item_id,
                line.quantity,
            )
        quantities.append(available)
    key = attempt_key(take.idempotency_key, number)
    attempt = StockAttempt(key, tuple(quantities), number)
    if record is not None:
        record(attempt)
    return attempt


def _send(
    client: ShopifyClient, take: StockTake, attempt: StockAttempt
) -> dict[str, Any]:
    variables = {
        "key": attempt.idempotency_key,
        "input": {
            "name": "available",
            "reason": take.reason,
            "referenceDocumentUri": take.reference_document_uri,
            "changes": [
                {
                    "delta": -line.quantity,
                    "changeFromQuantity": change_from,
                    "inventoryItemId": line.inventory_item_id,
                    "locationId": take.location_id,
                }
                for line, change_from in zip(
                    take.lines, attempt.change_from_quantities, strict=True
                )
            ],
        },
    }
    # Resending is safe: the idempotency key makes Shopify answer a repeat
    # from its record.
    data = client.run("AdjustAvailable", variables, resend_if_lost=True)
    payload = data.get("inventoryAdjustQuantities")
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


def _no_result() -> list[GraphQLProblem]:
    return [GraphQLProblem("Shopify returned neither a result nor an error")]


def _result(group: dict[str, Any], attempts: list[StockAttempt]) -> StockResult:
    after = tuple(
        change.get("quantityAfterChange")
        for change in group.get("changes") or []
        if change.get("name") == "available"
    )
    return StockResult(
        adjustment_group_id=str(group["id"]),
        quantities_after=after,
        attempts=tuple(attempts),
    )
