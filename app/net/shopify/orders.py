"""Orders: find Shopify's copy of a TikTok order, fulfil it, or create a $0 one.

TikTok's Shopify channel copies free samples into Shopify as $0 orders tagged
"Free sample", with the TikTok order id in the order's attributes. Such a copy
already holds its stock, so the bench fulfils it and takes nothing more off.
Neither orderCreate nor fulfillmentCreate has an idempotency key: before any
retry we look at Shopify's state instead of resending blindly.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from app.net.shopify.catalog import quote_search_value, search_term
from app.net.shopify.client import ShopifyClient
from app.net.shopify.errors import (
    GraphQLProblem,
    ShopifyError,
    ShopifyOutcomeUnknownError,
    ShopifyUserError,
)
from app.net.shopify.models import (
    FulfilmentResult,
    ShipmentItem,
    ShopifyOrder,
    TrackingInfo,
)

logger = logging.getLogger(__name__)

FREE_SAMPLE_TAG = "Free sample"
#: Tags on orders the bench creates itself.
OWN_TAGS = ("Giveaway Desk",)
#: The attribute key the bench writes; any attribute holding the id matches.
TIKTOK_ATTRIBUTE = "TikTok order ID"

_SEARCH_SIZE = 10
#: How far back the tag scan reads: 4 pages of 25, the newest 100 tagged orders.
_TAG_SCAN_PAGES = 4
_TAG_SCAN_SIZE = 25
_LOOK_AGAIN_LIMIT = 3
_SEARCH_INDEX_LAG_SECONDS = 5.0
_FULFILLABLE = frozenset({"OPEN", "IN_PROGRESS"})


class AmbiguousOrderError(ShopifyError):
    """More than one live Shopify order claims the same TikTok order."""


def find_twin_order(
    client: ShopifyClient, tiktok_order_id: str, *, scan_tag: str | None = None
) -> ShopifyOrder | None:
    """The live Shopify order standing for ``tiktok_order_id``, if there is one.

    Searches by source identifier, then for the id as free text. Where the id
    may sit only in an order attribute, which Shopify's search may not index,
    ``scan_tag`` (e.g. "Free sample") also reads the newest orders with that tag
    and checks each one.
    """
    wanted = tiktok_order_id.strip()
    for query in (search_term("source_identifier", wanted), quote_search_value(wanted)):
        twin = _only_twin(_search_orders(client, query, _SEARCH_SIZE), wanted)
        if twin is not None:
            return twin
    if scan_tag is None:
        return None

    after: str | None = None
    for _ in range(_TAG_SCAN_PAGES):
        data = client.run(
            "FindOrders",
            {
                "query": search_term("tag", scan_tag),
                "first": _TAG_SCAN_SIZE,
                "after": after,
            },
        )
        orders = [_order(node) for node in data["orders"]["nodes"]]
        twin = _only_twin(orders, wanted)
        if twin is not None:
            return twin
        if not data["orders"]["pageInfo"]["hasNextPage"]:
            break
        after = data["orders"]["pageInfo"]["endCursor"]
    return None


def _search_orders(client: ShopifyClient, query: str, size: int) -> list[ShopifyOrder]:
    data = client.run("FindOrders", {"query": query, "first": size})
    return [_order(node) for node in data["orders"]["nodes"]]


def _only_twin(orders: list[ShopifyOrder], wanted: str) -> ShopifyOrder | None:
    twins = [o for o in orders if _claims(o, wanted) and not o.cancelled]
    if len(twins) > 1:
        names = ", ".join(o.name for o in twins)
        raise AmbiguousOrderError(
            f"Shopify orders {names} all stand for TikTok order {wanted}; "
            "cancel the extra ones in Shopify"
        )
    if twins:
        logger.info("TikTok order %s is Shopify order %s", wanted, twins[0].name)
        return twins[0]
    return None


def fulfil_order(
    client: ShopifyClient,
    order_id: str,
    tracking: TrackingInfo,
    *,
    notify_customer: bool = False,
) -> FulfilmentResult:
    """Fulfil everything left on the order, with ``tracking``; at most once."""
    created: list[str] = []
    for _ in range(_LOOK_AGAIN_LIMIT):
        order = _read_fulfillment_orders(client, order_id)
        groups = _open_lines_by_location(order)
        if not groups:
            return _already_done(order, created)
        try:
            for lines in groups.values():
                created.append(
                    _create_fulfillment(client, lines, tracking, notify_customer)
                )
        except ShopifyOutcomeUnknownError:
            # The answer got lost; what Shopify now shows decides what is left.
            logger.warning(
                "Lost Shopify's answer while fulfilling %s; looking again", order_id
            )
            continue
        return FulfilmentResult(order_id, tuple(created), created=True)
    raise ShopifyOutcomeUnknownError(
        f"could not confirm the fulfilment of Shopify order {order_id}; retried later"
    )


@dataclass(frozen=True)
class ZeroOrderRequest:
    """A $0 Shopify order standing for one TikTok giveaway or sample."""

    tiktok_order_id: str
    items: tuple[ShipmentItem, ...]
    currency: str
    kind: str = "giveaway"
    #: True: Shopify takes the stock as the order is created (then adjust nothing).
    decrement_stock: bool = True
    extra_tags: Sequence[str] = field(default=())


def create_zero_order(
    client: ShopifyClient, request: ZeroOrderRequest, *, just_looked: bool = False
) -> ShopifyOrder:
    """Create the $0 order, unless an earlier attempt already did.

    ``just_looked``: the caller has just found no copy, so skip the first look.
    """
    for attempt in range(_LOOK_AGAIN_LIMIT):
        if attempt > 0 or not just_looked:
            existing = find_twin_order(client, request.tiktok_order_id)
            if existing is not None:
                return existing
        try:
            data = client.run(
                "OrderCreate", _order_variables(request), resend_if_lost=False
            )
        except ShopifyOutcomeUnknownError:
            logger.warning(
                "Lost Shopify's answer creating the order for %s; looking for it",
                request.tiktok_order_id,
            )
            # Shopify's order search is filled in shortly after a write; give
            # it time, or a new order could be missed and made twice.
            client.throttle.pause(_SEARCH_INDEX_LAG_SECONDS)
            continue
        payload = data.get("orderCreate") or {}
        problems = _problems(payload)
        if problems or not payload.get("order"):
            raise ShopifyUserError(
                "the $0 order", problems or [GraphQLProblem("no order")]
            )
        order = _order(payload["order"])
        logger.info(
            "Created Shopify order %s for %s", order.name, request.tiktok_order_id
        )
        return order
    raise ShopifyOutcomeUnknownError(
        f"could not confirm a Shopify order for {request.tiktok_order_id}; "
        "it is retried later"
    )


def order_tags(request: ZeroOrderRequest) -> list[str]:
    """Tags of a bench-made order; the last one names the TikTok order."""
    kind_tag = FREE_SAMPLE_TAG if request.kind == "sample" else "TikTok giveaway"
    tags = [*OWN_TAGS, kind_tag, *request.extra_tags]
    return [*tags, f"tiktok-{request.tiktok_order_id}"]


def _order_variables(request: ZeroOrderRequest) -> dict[str, Any]:
    behaviour = "DECREMENT_IGNORING_POLICY" if request.decrement_stock else "BYPASS"
    zero = {"shopMoney": {"amount": "0.00", "currencyCode": request.currency}}
    return {
        "order": {
            "lineItems": [
                {
                    "variantId": item.variant_id,
                    "quantity": item.quantity,
                    "priceSet": zero,
                    "requiresShipping": True,
                }
                for item in request.items
            ],
            "financialStatus": "PAID",
            "currency": request.currency,
            "sourceIdentifier": request.tiktok_order_id,
            "tags": order_tags(request),
            "customAttributes": [
                {"key": TIKTOK_ATTRIBUTE, "value": request.tiktok_order_id}
            ],
            "note": f"TikTok Shop {request.kind} {request.tiktok_order_id}",
        },
        "options": {
            "inventoryBehaviour": behaviour,
            "sendReceipt": False,
            "sendFulfillmentReceipt": False,
        },
    }


def _claims(order: ShopifyOrder, tiktok_order_id: str) -> bool:
    if order.source_identifier.strip() == tiktok_order_id:
        return True
    if any(value.strip() == tiktok_order_id for _, value in order.attributes):
        return True
    if f"tiktok-{tiktok_order_id}" in order.tags:
        return True
    # The id as a whole word in the note, not as part of a longer number.
    pattern = rf"(?<![\w-]){re.escape(tiktok_order_id)}(?![\w-])"
    return re.search(pattern, order.note) is not None


def _read_fulfillment_orders(client: ShopifyClient, order_id: str) -> dict[str, Any]:
    data = client.run("OrderFulfillmentOrders", {"id": order_id})
    order = data.get("order")
    if order is None:
        raise ShopifyUserError(
            "the fulfilment", [GraphQLProblem(f"Shopify has no order {order_id}")]
        )
    return dict(order)


def _open_lines_by_location(order: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    # Shopify takes one location per fulfillmentCreate call.
    groups: dict[str, list[dict[str, Any]]] = {}
    for fo in order["fulfillmentOrders"]["nodes"]:
        actions = {a["action"] for a in fo["supportedActions"]}
        if fo["status"] not in _FULFILLABLE or "CREATE_FULFILLMENT" not in actions:
            continue
        lines = [
            {"id": line["id"], "quantity": line["remainingQuantity"]}
            for line in fo["lineItems"]["nodes"]
            if line["remainingQuantity"] > 0
        ]
        if lines:
            location = fo["assignedLocation"]["location"]["id"]
            groups.setdefault(location, []).append(
                {"fulfillmentOrderId": fo["id"], "fulfillmentOrderLineItems": lines}
            )
    return groups


def _already_done(order: dict[str, Any], created: list[str]) -> FulfilmentResult:
    fulfillments = [f["id"] for f in order.get("fulfillments") or []]
    if not fulfillments and not created:
        raise ShopifyUserError(
            "the fulfilment",
            [
                GraphQLProblem(
                    f"Shopify order {order.get('name')} has nothing left to fulfil "
                    "(cancelled or on hold?); check it in the Shopify admin"
                )
            ],
        )
    logger.info("Shopify order %s is already fulfilled", order.get("name"))
    return FulfilmentResult(order["id"], tuple(created or fulfillments), bool(created))


def _create_fulfillment(
    client: ShopifyClient,
    lines: list[dict[str, Any]],
    tracking: TrackingInfo,
    notify_customer: bool,
) -> str:
    tracking_input: dict[str, Any] = {
        "company": tracking.company,
        "number": tracking.number,
    }
    if tracking.url:
        tracking_input["url"] = tracking.url
    variables = {
        "fulfillment": {
            "lineItemsByFulfillmentOrder": lines,
            "trackingInfo": tracking_input,
            "notifyCustomer": notify_customer,
        }
    }
    data = client.run("FulfillmentCreate", variables, resend_if_lost=False)
    payload = data.get("fulfillmentCreate") or {}
    problems = _problems(payload)
    if problems or not payload.get("fulfillment"):
        raise ShopifyUserError(
            "the fulfilment", problems or [GraphQLProblem("no result")]
        )
    return str(payload["fulfillment"]["id"])


def _problems(payload: dict[str, Any]) -> list[GraphQLProblem]:
    return [
        GraphQLProblem(
            message=str(e.get("message", "")),
            code=e.get("code"),
            field=tuple(e.get("field") or ()),
        )
        for e in payload.get("userErrors") or []
    ]


def _order(node: dict[str, Any]) -> ShopifyOrder:
    money = ((node.get("totalPriceSet") or {}).get("shopMoney")) or {}
    return ShopifyOrder(
        order_id=node["id"],
        name=node.get("name") or "",
        tags=tuple(node.get("tags") or ()),
        note=node.get("note") or "",
        source_identifier=node.get("sourceIdentifier") or "",
        attributes=tuple(
            (a["key"], a.get("value") or "") for a in node.get("customAttributes") or []
        ),
        total=str(money.get("amount", "")),
        currency=str(money.get("currencyCode", "")),
        fulfillment_status=node.get("displayFulfillmentStatus") or "",
        cancelled=node.get("cancelledAt") is not None,
    )
