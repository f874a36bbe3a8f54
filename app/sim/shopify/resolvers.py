"""Answers to the operations the simulator serves, as plain dicts and callables.

graphql-core executes the validated document against Shopify's schema over these
values: a dict key per field, a callable where the field takes arguments.
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, TypeAlias

from graphql import GraphQLError, GraphQLResolveInfo, get_directive_values

from app.sim.shopify.orders import LineRequest, fulfil, place_order
from app.sim.shopify.schema import admin_schema
from app.sim.shopify.search import Term, loose_match, parse_query
from app.sim.shopify.state import (
    ShopState,
    SimFulfillment,
    SimFulfillmentOrder,
    SimLocation,
    SimOrder,
    SimVariant,
)

logger = logging.getLogger(__name__)

#: Reasons inventoryAdjustQuantities accepts, with the label Shopify echoes.
REASONS = {
    "correction": "Correction",
    "cycle_count_available": "Cycle count",
    "damaged": "Damaged",
    "movement_created": "Movement created",
    "movement_updated": "Movement updated",
    "movement_received": "Movement received",
    "movement_canceled": "Movement canceled",
    "other": "Other",
    "promotion": "Promotion or donation",
    "quality_control": "Quality control",
    "received": "Received",
    "reservation_created": "Reservation created",
    "reservation_deleted": "Reservation deleted",
    "reservation_updated": "Reservation updated",
    "restock": "Restock",
    "safety_stock": "Safety stock",
    "shrinkage": "Shrinkage",
}
ADJUSTABLE_NAMES = (
    "available",
    "damaged",
    "quality_control",
    "reserved",
    "safety_stock",
)

Resolver = Callable[..., Any]
Info: TypeAlias = "GraphQLResolveInfo[Any]"


def connection(
    items: Sequence[Any],
    first: int | None,
    after: str | None,
    shape: Callable[[Any], Any] | None = None,
) -> dict[str, Any]:
    """A Relay connection over ``items``, with opaque cursors.

    ``shape`` turns an item into its GraphQL value; only the page is shaped.
    """
    start = _decode_cursor(after) + 1 if after else 0
    size = first if first is not None else 50
    page = [shape(i) if shape else i for i in items[start : start + size]]
    cursors = [_encode_cursor(start + i) for i in range(len(page))]
    return {
        "nodes": page,
        "edges": [{"node": n, "cursor": c} for n, c in zip(page, cursors, strict=True)],
        "pageInfo": {
            "hasNextPage": start + size < len(items),
            "hasPreviousPage": start > 0,
            "startCursor": cursors[0] if cursors else None,
            "endCursor": cursors[-1] if cursors else None,
        },
    }


class Resolvers:
    """Builds the query and mutation roots over one shop's state."""

    def __init__(
        self,
        state: ShopState,
        now: Callable[[], datetime],
        idempotency: dict[str, tuple[str, Any]],
        search_lag: float = 0.0,
        search_attributes: bool = True,
    ) -> None:
        self.state = state
        self._now = now
        self._idempotency = idempotency
        self._search_lag = timedelta(seconds=search_lag)
        self._search_attributes = search_attributes

    # --- roots ---------------------------------------------------------------

    def query_root(self) -> dict[str, Resolver]:
        """Root fields of ``query`` operations."""
        return {
            "productVariants": self._product_variants,
            "locations": self._locations,
            "inventoryItem": self._inventory_item,
            "orders": self._orders,
            "order": self._order,
        }

    def mutation_root(self) -> dict[str, Resolver]:
        """Root fields of ``mutation`` operations."""
        return {
            "inventoryAdjustQuantities": self._inventory_adjust_quantities,
            "fulfillmentCreate": self._fulfillment_create,
            "orderCreate": self._order_create,
        }

    # --- queries -------------------------------------------------------------

    def _product_variants(self, info: Info, **args: Any) -> dict[str, Any]:
        terms = parse_query(args.get("query"))
        variants = [
            v for v in self.state.variants.values() if _variant_matches(v, terms)
        ]
        if args.get("reverse"):
            variants.reverse()
        return connection(variants, args.get("first"), args.get("after"), self._variant)

    def _locations(self, info: Info, **args: Any) -> dict[str, Any]:
        found = [
            self._location(loc)
            for loc in self.state.locations.values()
            if (loc.is_active or args.get("includeInactive"))
            and (not loc.is_fulfillment_service or args.get("includeLegacy"))
        ]
        return connection(found, args.get("first"), args.get("after"))

    def _inventory_item(self, info: Info, id: str) -> Any:  # noqa: A002
        variant = self.state.items.get(id)
        return None if variant is None else self._item(variant)

    def _orders(self, info: Info, **args: Any) -> dict[str, Any]:
        terms = parse_query(args.get("query"))
        now = self._now()
        found = [
            o
            for o in self.state.orders.values()
            if _order_matches(o, terms, self._search_attributes)
            and (o.searchable_from is None or o.searchable_from <= now)
        ]
        found.sort(key=lambda o: o.created_at, reverse=bool(args.get("reverse")))
        return connection(found, args.get("first"), args.get("after"), self._order_obj)

    def _order(self, info: Info, id: str) -> Any:  # noqa: A002
        order = self.state.orders.get(id)
        return None if order is None else self._order_obj(order)

    # --- shapes --------------------------------------------------------------

    def _variant(self, v: SimVariant) -> dict[str, Any]:
        def total(info: Info, **_: Any) -> int:
            return sum(
                level["available"]
                for (item, _), level in self.state.levels.items()
                if item == v.inventory_item_id
            )

        return {
            "id": v.id,
            "sku": v.sku,
            "barcode": v.barcode,
            "title": v.title,
            "displayName": f"{v.product_title} - {v.title}",
            "inventoryQuantity": total,
            "price": v.price,
            "product": {
                "id": v.product_id,
                "title": v.product_title,
                "status": "ACTIVE",
            },
            "inventoryItem": lambda info, **_: self._item(v),
        }

    def _item(self, v: SimVariant) -> dict[str, Any]:
        def level(info: Info, locationId: str, **_: Any) -> Any:  # noqa: N803
            return self._level(v, locationId)

        return {
            "id": v.inventory_item_id,
            "sku": v.sku,
            "tracked": v.tracked,
            "inventoryLevel": level,
            "variant": lambda info, **_: self._variant(v),
        }

    def _level(self, v: SimVariant, location_id: str) -> Any:
        quantities = self.state.level(v.inventory_item_id, location_id)
        location = self.state.locations.get(location_id)
        if quantities is None or location is None:
            return None

        def pick(info: Info, names: list[str], **_: Any) -> list[dict[str, Any]]:
            return [
                {
                    "id": f"{location_id}#{name}",
                    "name": name,
                    "quantity": quantities[name],
                }
                for name in names
                if name in quantities
            ]

        return {
            "id": v.inventory_item_id.replace("InventoryItem", "InventoryLevel"),
            "isActive": True,
            "quantities": pick,
            "location": self._location(location),
        }

    def _location(self, loc: SimLocation) -> dict[str, Any]:
        return {
            "id": loc.id,
            "name": loc.name,
            "isActive": loc.is_active,
            "isPrimary": loc.is_primary,
            "fulfillsOnlineOrders": True,
            "isFulfillmentService": loc.is_fulfillment_service,
            "hasActiveInventory": True,
            "shipsInventory": True,
            "address": {"city": loc.city, "countryCode": loc.country_code},
        }

    def _order_obj(self, o: SimOrder) -> dict[str, Any]:
        return {
            "id": o.id,
            "name": o.name,
            "createdAt": o.created_at,
            "tags": o.tags,
            "note": o.note,
            "sourceIdentifier": o.source_identifier,
            "sourceName": o.source_name,
            "customAttributes": [{"key": k, "value": v} for k, v in o.attributes],
            "totalPriceSet": {
                "shopMoney": {"amount": o.total, "currencyCode": o.currency}
            },
            "displayFulfillmentStatus": o.fulfillment_status(),
            "cancelledAt": o.cancelled_at,
            "fulfillmentOrders": lambda info, **a: connection(
                [self._fo(fo) for fo in o.fulfillment_orders],
                a.get("first"),
                a.get("after"),
            ),
            "fulfillments": lambda info, **a: [
                self._fulfillment(f) for f in o.fulfillments[: a.get("first")]
            ],
        }

    def _fo(self, fo: SimFulfillmentOrder) -> dict[str, Any]:
        open_ = fo.status in ("OPEN", "IN_PROGRESS")
        lines = [
            {
                "id": line.id,
                "sku": line.sku,
                "productTitle": line.title,
                "remainingQuantity": line.remaining,
                "totalQuantity": line.total,
                "inventoryItemId": line.inventory_item_id,
            }
            for line in fo.lines
        ]
        location = self.state.locations[fo.location_id]
        return {
            "id": fo.id,
            "orderId": fo.order_id,
            "status": fo.status,
            "requestStatus": "UNSUBMITTED",
            "assignedLocation": {
                "name": location.name,
                "location": self._location(location),
            },
            "supportedActions": [{"action": "CREATE_FULFILLMENT"}] if open_ else [],
            "lineItems": lambda info, **a: connection(
                lines, a.get("first"), a.get("after")
            ),
        }

    def _fulfillment(self, f: SimFulfillment) -> dict[str, Any]:
        return {
            "id": f.id,
            "status": f.status,
            "createdAt": self._now().isoformat(),
            "trackingInfo": lambda info, **a: f.tracking[: a.get("first")],
        }

    # --- mutations -----------------------------------------------------------

    def _idempotent(
        self, info: Info, args: dict[str, Any], run: Callable[[], Any]
    ) -> Any:
        key = _idempotency_key(info)
        if key is None:
            raise GraphQLError(
                f"{info.field_name} requires an idempotency key: add "
                "@idempotent(key: ...) to the field (API 2026-04 and later)",
                extensions={"code": "BAD_REQUEST"},
            )
        fingerprint = json.dumps([info.field_name, args], sort_keys=True, default=str)
        record = self._idempotency.get(key)
        if record is not None:
            if record[0] != fingerprint:
                return _user_error(
                    "IDEMPOTENCY_KEY_PARAMETER_MISMATCH",
                    "The same idempotency key cannot be used with different "
                    "operation parameters.",
                    ["idempotencyKey"],
                    group="inventoryAdjustmentGroup",
                )
            self.state.counters.idempotent_replays += 1
            return record[1]
        result = run()
        self._idempotency[key] = (fingerprint, result)
        return result

    def _inventory_adjust_quantities(
        self,
        info: Info,
        input: dict[str, Any],  # noqa: A002
    ) -> Any:
        return self._idempotent(info, {"input": input}, lambda: self._adjust(input))

    def _adjust(self, data: dict[str, Any]) -> dict[str, Any]:
        problem = self._adjust_problem(data)
        if problem is not None:
            return problem
        name = data["name"]
        changes = []
        for change in data["changes"]:
            item, location = change["inventoryItemId"], change["locationId"]
            level = self.state.levels[(item, location)]
            level[name] += change["delta"]
            level["on_hand"] += change["delta"]
            if change["delta"] < 0:
                self.state.counters.units_adjusted[item] += -change["delta"]
            self.state.counters.adjustments[item] += 1
            for changed in (name, "on_hand"):
                changes.append(
                    {
                        "name": changed,
                        "delta": change["delta"],
                        "quantityAfterChange": level[changed],
                        "ledgerDocumentUri": change.get("ledgerDocumentUri"),
                        "item": {"id": item},
                        "location": {"id": location},
                    }
                )
        group = {
            "id": self.state.next_id("InventoryAdjustmentGroup"),
            "createdAt": self._now().isoformat(),
            "reason": REASONS[data["reason"]],
            "referenceDocumentUri": data.get("referenceDocumentUri"),
            "changes": changes,
        }
        self.state.adjustment_groups.append(group)
        return {"inventoryAdjustmentGroup": group, "userErrors": []}

    def _adjust_problem(self, data: dict[str, Any]) -> dict[str, Any] | None:
        def fail(code: str, message: str, field: list[str]) -> dict[str, Any]:
            return _user_error(code, message, field, group="inventoryAdjustmentGroup")

        if data["name"] not in ADJUSTABLE_NAMES:
            return fail(
                "INVALID_QUANTITY_NAME",
                "The quantity name is not valid.",
                ["input", "name"],
            )
        if data["reason"] not in REASONS:
            return fail(
                "INVALID_REASON",
                "The specified reason is invalid.",
                ["input", "reason"],
            )
        uri = data.get("referenceDocumentUri")
        if uri is not None and ":" not in uri:
            return fail(
                "INVALID_REFERENCE_DOCUMENT",
                "The reference document URI is not valid.",
                ["input", "referenceDocumentUri"],
            )
        for index, change in enumerate(data["changes"]):
            where = ["input", "changes", str(index)]
            item, location = change["inventoryItemId"], change["locationId"]
            if item not in self.state.items:
                return fail(
                    "INVALID_INVENTORY_ITEM",
                    "The inventory item could not be found.",
                    [*where, "inventoryItemId"],
                )
            if location not in self.state.locations:
                return fail(
                    "INVALID_LOCATION",
                    "The location could not be found.",
                    [*where, "locationId"],
                )
            level = self.state.level(item, location)
            if level is None:
                return fail(
                    "ITEM_NOT_STOCKED_AT_LOCATION",
                    "The item is not stocked at the location.",
                    [*where, "locationId"],
                )
            if data["name"] == "available" and change.get("ledgerDocumentUri"):
                return fail(
                    "INVALID_AVAILABLE_DOCUMENT",
                    "A ledger document URI is not allowed with available.",
                    [*where, "ledgerDocumentUri"],
                )
            if "changeFromQuantity" not in change:
                return fail(
                    "INVALID_QUANTITY_DOCUMENT",
                    "changeFromQuantity is required: give the quantity read, or null.",
                    [*where, "changeFromQuantity"],
                )
            expected = change["changeFromQuantity"]
            if expected is not None and expected != level[data["name"]]:
                return fail(
                    "CHANGE_FROM_QUANTITY_STALE",
                    "The changeFromQuantity argument no longer matches the "
                    "persisted quantity.",
                    [*where, "changeFromQuantity"],
                )
        return None

    def _fulfillment_create(
        self,
        info: Info,
        fulfillment: dict[str, Any],
        message: str | None = None,
    ) -> dict[str, Any]:
        groups = fulfillment["lineItemsByFulfillmentOrder"]
        fos = [
            self.state.fulfillment_orders.get(g["fulfillmentOrderId"]) for g in groups
        ]
        if any(fo is None for fo in fos):
            return _fulfil_error("Fulfillment order does not exist.", ["fulfillment"])
        found = [fo for fo in fos if fo is not None]
        if len({fo.location_id for fo in found}) > 1:
            return _fulfil_error(
                "All fulfillment orders must be assigned to a single location.",
                ["fulfillment"],
            )
        if len({fo.order_id for fo in found}) > 1:
            return _fulfil_error(
                "All fulfillment orders must belong to one order.", ["fulfillment"]
            )
        if any(fo.status not in ("OPEN", "IN_PROGRESS") for fo in found):
            return _fulfil_error(
                "Fulfillment order is not in a fulfillable state.", ["fulfillment"]
            )

        quantities: dict[str, int] = {}
        for group, fo in zip(groups, found, strict=True):
            wanted = group.get("fulfillmentOrderLineItems")
            lines = {line.id: line for line in fo.lines}
            if not wanted:
                quantities.update(
                    {line.id: line.remaining for line in fo.lines if line.remaining}
                )
                continue
            for entry in wanted:
                line = lines.get(entry["id"])
                if (
                    line is None
                    or entry["quantity"] > line.remaining
                    or entry["quantity"] <= 0
                ):
                    return _fulfil_error(
                        "Invalid fulfillment order line item quantity requested.",
                        ["fulfillment"],
                    )
                quantities[line.id] = entry["quantity"]

        tracking = _tracking(fulfillment.get("trackingInfo"))
        if isinstance(tracking, dict):
            return tracking
        order = self.state.orders[found[0].order_id]
        made = fulfil(
            self.state,
            order,
            quantities,
            tracking,
            bool(fulfillment.get("notifyCustomer")),
        )
        return {"fulfillment": self._fulfillment(made), "userErrors": []}

    def _order_create(
        self,
        info: Info,
        order: dict[str, Any],
        options: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        lines = order.get("lineItems") or []
        if not lines:
            return _order_error("Line items must be present.", ["order", "lineItems"])
        requests = []
        for index, line in enumerate(lines):
            variant_id = line.get("variantId")
            if variant_id and variant_id not in self.state.variants:
                return _order_error(
                    "Variant does not exist.",
                    ["order", "lineItems", str(index), "variantId"],
                )
            price_set = line.get("priceSet") or {}
            amount = (price_set.get("shopMoney") or {}).get("amount")
            variant = self.state.variants.get(variant_id or "")
            price = (
                str(amount)
                if amount is not None
                else (variant.price if variant else "0.00")
            )
            requests.append(
                LineRequest(
                    line["quantity"],
                    variant_id,
                    line.get("title"),
                    line.get("sku"),
                    price,
                )
            )
        behaviour = (options or {}).get("inventoryBehaviour") or "BYPASS"
        placed = place_order(
            self.state,
            requests,
            created_at=self._now().isoformat(),
            currency=order.get("currency") or "USD",
            tags=order.get("tags"),
            note=order.get("note"),
            source_identifier=order.get("sourceIdentifier"),
            source_name=order.get("sourceName"),
            attributes=[
                (a["key"], a["value"]) for a in order.get("customAttributes") or []
            ],
            commit_stock=behaviour != "BYPASS",
        )
        placed.searchable_from = self._now() + self._search_lag
        self.state.counters.orders_created += 1
        if behaviour != "BYPASS":
            for fo in placed.fulfillment_orders:
                for fo_line in fo.lines:
                    if fo_line.inventory_item_id:
                        self.state.counters.units_ordered[
                            fo_line.inventory_item_id
                        ] += fo_line.total
        return {"order": self._order_obj(placed), "userErrors": []}


def _variant_matches(variant: SimVariant, terms: list[Term]) -> bool:
    for term in terms:
        if term.field == "sku" and not loose_match(term.value, variant.sku):
            return False
        if term.field == "barcode" and not loose_match(term.value, variant.barcode):
            return False
        if term.field in (None, "title"):
            haystack = f"{variant.product_title} {variant.title} {variant.sku or ''}"
            if term.value.lower() not in haystack.lower():
                return False
    return True


def _order_matches(order: SimOrder, terms: list[Term], attributes: bool) -> bool:
    for term in terms:
        if term.field == "source_identifier":
            if (order.source_identifier or "") != term.value:
                return False
        elif term.field == "tag":
            if term.value.lower() not in (t.lower() for t in order.tags):
                return False
        elif term.field is None:
            # Free text: loose, like Shopify; any part of the order may match.
            haystack = " ".join(
                [
                    order.name,
                    order.note or "",
                    order.source_identifier or "",
                    *order.tags,
                ]
                + ([v for _, v in order.attributes] if attributes else [])
            )
            if term.value.lower() not in haystack.lower():
                return False
    return True


def _tracking(
    data: dict[str, Any] | None,
) -> list[dict[str, str | None]] | dict[str, Any]:
    if not data:
        return []
    if (data.get("url") and data.get("urls")) or (
        data.get("number") and data.get("numbers")
    ):
        return _fulfil_error(
            "Do not mix url with urls or number with numbers.",
            ["fulfillment", "trackingInfo"],
        )
    if data.get("url") and not data.get("number"):
        return _fulfil_error(
            "A tracking URL needs a tracking number.", ["fulfillment", "trackingInfo"]
        )
    numbers = data.get("numbers") or ([data["number"]] if data.get("number") else [])
    urls = data.get("urls") or ([data["url"]] if data.get("url") else [])
    return [
        {
            "company": data.get("company"),
            "number": n,
            "url": urls[i] if i < len(urls) else None,
        }
        for i, n in enumerate(numbers)
    ]


def _idempotency_key(info: Info) -> str | None:
    directive = admin_schema().get_directive("idempotent")
    assert directive is not None
    values = get_directive_values(directive, info.field_nodes[0], info.variable_values)
    key = (values or {}).get("key")
    if not isinstance(key, str) or not key.strip():
        return None
    return key


def _user_error(
    code: str, message: str, field: list[str], *, group: str
) -> dict[str, Any]:
    return {
        group: None,
        "userErrors": [{"code": code, "message": message, "field": field}],
    }


def _fulfil_error(message: str, field: list[str]) -> dict[str, Any]:
    return {"fulfillment": None, "userErrors": [{"message": message, "field": field}]}


def _order_error(message: str, field: list[str]) -> dict[str, Any]:
    return {
        "order": None,
        "userErrors": [{"message": message, "field": field, "code": "INVALID"}],
    }


def _encode_cursor(index: int) -> str:
    return base64.b64encode(f"sim:{index}".encode()).decode()


def _decode_cursor(cursor: str) -> int:
    try:
        return int(base64.b64decode(cursor).decode().split(":", 1)[1])
    except (ValueError, IndexError):
        raise GraphQLError("Invalid cursor for pagination.") from None


def utc_now() -> datetime:
    """Now, in UTC."""
    return datetime.now(UTC)
