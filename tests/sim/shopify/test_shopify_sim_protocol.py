"""The simulated Shopify answers like Shopify: validation, auth, cost, idempotency."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from app.sim.shopify import Fault, LoopbackServer
from tests.utils.shopify_sim import (
    CANARY_CLIENT_ID,
    CANARY_CLIENT_SECRET,
    Shop,
    make_shop,
)

ADMIN_TOKEN = "shpat_sim_admin_token"
GRAPHQL = "admin/api/2026-10/graphql.json"

ADJUST = """
mutation Adj($input: InventoryAdjustQuantitiesInput!, $key: String!) {
  inventoryAdjustQuantities(input: $input) @idempotent(key: $key) {
    inventoryAdjustmentGroup { id changes { name delta quantityAfterChange } }
    userErrors { field message code }
  }
}
"""


@pytest.fixture
def shop() -> Shop:
    return make_shop()


@pytest.fixture
def http(shop: Shop) -> Iterator[httpx.Client]:
    server: LoopbackServer = shop.sim.serve()
    with httpx.Client(
        base_url=server.url, headers={"X-Shopify-Access-Token": ADMIN_TOKEN}
    ) as client:
        yield client
    server.stop()


def _post(http: httpx.Client, query: str, **variables: Any) -> httpx.Response:
    return http.post(GRAPHQL, json={"query": query, "variables": variables})


def _adjust_input(
    shop: Shop, item: str, change_from: int | None, delta: int = -1
) -> dict[str, Any]:
    return {
        "name": "available",
        "reason": "promotion",
        "referenceDocumentUri": "gid://giveaway-desk/TikTokOrder/T-1",
        "changes": [
            {
                "delta": delta,
                "changeFromQuantity": change_from,
                "inventoryItemId": item,
                "locationId": shop.location_id,
            }
        ],
    }


def test_unknown_field_is_rejected_with_shopifys_error_shape(
    shop: Shop, http: httpx.Client
) -> None:
    shop.sim.state.add_variant(sku="A", stock={shop.location_id: 1})

    query = "query Probe { productVariants(first: 1) { nodes { id foo } } }"

    response = _post(http, query)

    assert response.status_code == 200
    body = response.json()
    assert "data" not in body
    [error] = body["errors"]
    assert error["message"] == "Field 'foo' doesn't exist on type 'ProductVariant'"
    assert error["extensions"] == {
        "code": "undefinedField",
        "typeName": "ProductVariant",
        "fieldName": "foo",
    }
    assert error["path"] == ["query Probe", "productVariants", "nodes", "foo"]
    assert error["locations"] == [{"line": 1, "column": query.index("foo") + 1}]
    assert shop.sim.state.counters.requests == {}


def test_wrong_argument_type_and_syntax_errors_are_rejected(http: httpx.Client) -> None:
    bad_type = _post(http, '{ productVariants(first: "ten") { nodes { id } } }').json()
    syntax = _post(http, "{ productVariants(first: 1) { nodes { id } }").json()

    assert "data" not in bad_type and bad_type["errors"]
    assert "data" not in syntax and syntax["errors"][0]["message"].startswith(
        "Parse error"
    )


def test_missing_or_wrong_token_gets_401(shop: Shop) -> None:
    with LoopbackServer(shop.sim) as server:
        server.start()
        response = httpx.post(server.url + GRAPHQL, json={"query": "{ shop { id } }"})

    assert response.status_code == 401
    assert "Invalid API key or access token" in response.json()["errors"]


def test_client_credentials_grant_issues_a_day_long_token(shop: Shop) -> None:
    transport = shop.sim.transport()
    with httpx.Client(
        transport=transport, base_url="https://s.myshopify.com/"
    ) as client:
        granted = client.post(
            "admin/oauth/access_token",
            data={
                "grant_type": "client_credentials",
                "client_id": CANARY_CLIENT_ID,
                "client_secret": CANARY_CLIENT_SECRET,
            },
        )
        refused = client.post(
            "admin/oauth/access_token",
            data={
                "grant_type": "client_credentials",
                "client_id": "x",
                "client_secret": "y",
            },
        )
        token = granted.json()["access_token"]
        query = {"query": "{ locations(first: 1) { nodes { id } } }"}
        fresh = client.post(
            GRAPHQL, json=query, headers={"X-Shopify-Access-Token": token}
        )
        shop.clock.sleep(86_400)
        stale = client.post(
            GRAPHQL, json=query, headers={"X-Shopify-Access-Token": token}
        )

    assert granted.json()["expires_in"] == 86399
    assert refused.status_code == 400
    assert fresh.status_code == 200
    assert stale.status_code == 401


def test_same_key_same_input_replays_other_input_mismatches(
    shop: Shop, http: httpx.Client
) -> None:
    item = shop.sim.state.add_variant(
        sku="A", stock={shop.location_id: 10}
    ).inventory_item_id

    first = _post(http, ADJUST, key="k-1", input=_adjust_input(shop, item, 10)).json()
    again = _post(http, ADJUST, key="k-1", input=_adjust_input(shop, item, 10)).json()
    other = _post(
        http, ADJUST, key="k-1", input=_adjust_input(shop, item, 9, -2)
    ).json()

    assert first["data"] == again["data"]
    errors = other["data"]["inventoryAdjustQuantities"]["userErrors"]
    assert errors[0]["code"] == "IDEMPOTENCY_KEY_PARAMETER_MISMATCH"
    assert shop.sim.state.available(item, shop.location_id) == 9
    assert shop.sim.state.counters.adjustments[item] == 1


def test_stale_change_from_quantity_is_refused(shop: Shop, http: httpx.Client) -> None:
    item = shop.sim.state.add_variant(
        sku="A", stock={shop.location_id: 10}
    ).inventory_item_id

    body = _post(http, ADJUST, key="k-2", input=_adjust_input(shop, item, 12)).json()

    payload = body["data"]["inventoryAdjustQuantities"]
    assert payload["inventoryAdjustmentGroup"] is None
    assert payload["userErrors"][0]["code"] == "CHANGE_FROM_QUANTITY_STALE"
    assert shop.sim.state.available(item, shop.location_id) == 10


def test_inventory_change_without_idempotency_key_fails(
    shop: Shop, http: httpx.Client
) -> None:
    item = shop.sim.state.add_variant(
        sku="A", stock={shop.location_id: 10}
    ).inventory_item_id
    without_key = ADJUST.replace(" @idempotent(key: $key)", "").replace(
        ", $key: String!", ""
    )

    body = _post(http, without_key, input=_adjust_input(shop, item, 10)).json()

    assert body["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert shop.sim.state.available(item, shop.location_id) == 10


def test_cost_is_reported_and_an_empty_bucket_throttles() -> None:
    shop = make_shop(bucket_size=100, restore_rate=50, throttle_status=429)
    query = "{ locations(first: 10) { nodes { id name } } }"
    with httpx.Client(
        transport=shop.sim.transport(),
        base_url="https://s.myshopify.com/",
        headers={"X-Shopify-Access-Token": ADMIN_TOKEN},
    ) as client:
        answers = [client.post(GRAPHQL, json={"query": query}) for _ in range(10)]

    cost = answers[0].json()["extensions"]["cost"]
    assert cost["requestedQueryCost"] == 12
    assert cost["throttleStatus"] == {
        "maximumAvailable": 100.0,
        "currentlyAvailable": 88,
        "restoreRate": 50.0,
    }
    throttled = [a for a in answers if a.status_code == 429]
    assert throttled
    body = throttled[0].json()
    assert body["errors"][0]["extensions"]["code"] == "THROTTLED"
    assert body["extensions"]["cost"]["actualQueryCost"] is None


def test_too_costly_query_is_refused_before_it_runs(http: httpx.Client) -> None:
    # 250 variants x 4 objects each: over Shopify's 1000-point cap.
    query = """{ productVariants(first: 250) { nodes { id product { id }
      inventoryItem { id inventoryLevel(locationId: "gid://shopify/Location/1") { id } }
    } } }"""

    body = _post(http, query).json()

    assert body["errors"][0]["extensions"]["code"] == "MAX_COST_EXCEEDED"


def test_lost_response_over_http_still_applies_the_change(
    shop: Shop, http: httpx.Client
) -> None:
    item = shop.sim.state.add_variant(
        sku="A", stock={shop.location_id: 10}
    ).inventory_item_id
    shop.sim.faults.append(Fault("lose_response", "inventoryAdjustQuantities"))

    with pytest.raises(httpx.RemoteProtocolError):
        _post(http, ADJUST, key="k-3", input=_adjust_input(shop, item, 10))

    assert shop.sim.state.available(item, shop.location_id) == 9


def test_retired_version_falls_forward_and_says_so(http: httpx.Client) -> None:
    response = http.post(
        "admin/api/2024-01/graphql.json",
        json={"query": "{ locations(first: 1) { nodes { id } } }"},
    )

    assert response.headers["X-Shopify-API-Version"] == "2026-01"


LEVEL = """
query Level($item: ID!, $loc: ID!) {
  inventoryItem(id: $item) {
    inventoryLevel(locationId: $loc) {
      quantities(names: ["available", "reserved", "committed", "on_hand"]) {
        name
        quantity
      }
    }
  }
}
"""


def test_quantities_by_name_follow_orders_and_shipments(
    shop: Shop, http: httpx.Client
) -> None:
    variant = shop.sim.state.add_variant(sku="A", stock={shop.location_id: 10})

    def quantities() -> dict[str, int]:
        body = _post(
            http, LEVEL, item=variant.inventory_item_id, loc=shop.location_id
        ).json()
        level = body["data"]["inventoryItem"]["inventoryLevel"]
        return {q["name"]: q["quantity"] for q in level["quantities"]}

    before = quantities()
    order = shop.sim.add_channel_order(variant.id, quantity=2)
    ordered = quantities()
    fo = order.fulfillment_orders[0]
    shipped = _post(
        http,
        """mutation F($f: FulfillmentInput!) {
             fulfillmentCreate(fulfillment: $f) {
               fulfillment { id } userErrors { message } } }""",
        f={"lineItemsByFulfillmentOrder": [{"fulfillmentOrderId": fo.id}]},
    ).json()
    after = quantities()

    assert before == {"available": 10, "reserved": 0, "committed": 0, "on_hand": 10}
    assert ordered == {"available": 8, "reserved": 0, "committed": 2, "on_hand": 10}
    assert shipped["data"]["fulfillmentCreate"]["userErrors"] == []
    assert after == {"available": 8, "reserved": 0, "committed": 0, "on_hand": 8}
    assert fo.status == "CLOSED"
