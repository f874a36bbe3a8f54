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
class StockTake:
    """Units to take off one item at one location, for one shipment."""

    inventory_item_id: str
    location_id: str
    quantity: int
    reference_document_uri: str
    #: The outbox entry's key; the same shipment must always bring the same key.
    idempotency_key: str
    reason: str = REASON_GIVEAWAY


def take_units(
    client: ShopifyClient,
    take: StockTake,
    *,
    resume: StockAttempt | None = None,
    record_attempt: Callable[[StockAttempt], None] | None = None,
) -> StockResult:
    """Take ``take.quantity`` units off ``available``; never twice.

    ``record_attempt`` is called with each attempt before it is sent, so the
    caller can keep it; after a crash, pass the last one back as ``resume``.
    """
    if take.quantity <= 0:
        raise ValueError("quantity to take must be positive")
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
                "Stock of %s changed since it was read; reading again",
                take.inventory_item_id,
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
    available = read_available(client, take.inventory_item_id, take.location_id)
    if available < take.quantity:
        # The clerk holds the unit in hand; Shopify's count is what is wrong.
        logger.warning(
            "Shopify shows %d available of %s but %d are being shipped",
            available,
            take.inventory_item_id,
            take.quantity,
        )
    attempt = StockAttempt(attempt_key(take.idempotency_key, number), available, number)
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
                    "delta": -take.quantity,
                    "changeFromQuantity": attempt.change_from_quantity,
                    "inventoryItemId": take.inventory_item_id,
                    "locationId": take.location_id,
                }
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
    after = None
    for change in group.get("changes") or []:
        if change.get("name") == "available":
            after = change.get("quantityAfterChange")
    return StockResult(
        adjustment_group_id=str(group["id"]),
        quantity_after=after,
        attempts=tuple(attempts),
    )
