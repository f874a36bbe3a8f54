"""Taking a unit off Shopify's stock: once, even when answers get lost."""

from __future__ import annotations

import time

import httpx
import pytest

from app.domain.credentials import MemoryCredentialStore, Secret
from app.net.shopify import (
    StockAttempt,
    StockLine,
    StockTake,
    auth,
    open_client,
    take_units,
    tiktok_order_reference,
)
from app.net.shopify.config import ShopifyConfig
from app.net.shopify.errors import ShopifyUnavailableError, ShopifyUserError
from app.sim.shopify import Fault, ShopifySimulator
from tests.utils.shopify_sim import Shop, connect, make_shop


@pytest.fixture
def shop() -> Shop:
    return make_shop()


def _serum(shop: Shop, available: int = 97) -> str:
    variant = shop.sim.state.add_variant(
        sku="TT-SERUM-30ML",
        barcode="0860012345674",
        product_title="Glow Serum",
        stock={shop.location_id: available},
    )
    return variant.inventory_item_id


def _take(shop: Shop, item: str, key: str = "outbox-7f3a") -> StockTake:
    return StockTake.one(
        inventory_item_id=item,
        location_id=shop.location_id,
        quantity=1,
        reference_document_uri=tiktok_order_reference("577000111222333444"),
        idempotency_key=key,
    )


def test_one_unit_comes_off_available_with_reason_and_reference(shop: Shop) -> None:
    item = _serum(shop)

    with connect(shop) as client:
        result = take_units(client, _take(shop, item))

    assert shop.sim.state.available(item, shop.location_id) == 96
    assert result.quantity_after == 96
    assert shop.sim.state.counters.units_adjusted[item] == 1
    [group] = shop.sim.state.adjustment_groups
    assert group["reason"] == "Promotion or donation"
    assert group["referenceDocumentUri"] == (
        "gid://giveaway-desk/TikTokOrder/577000111222333444"
    )


def test_lost_answer_is_resent_and_the_unit_is_taken_once(shop: Shop) -> None:
    item = _serum(shop)
    shop.sim.faults.append(Fault("lose_response", "inventoryAdjustQuantities"))

    with connect(shop) as client:
        result = take_units(client, _take(shop, item))

    counters = shop.sim.state.counters
    assert counters.requests["inventoryAdjustQuantities"] == 2
    assert counters.idempotent_replays == 1
    assert counters.units_adjusted[item] == 1
    assert shop.sim.state.available(item, shop.location_id) == 96
    assert result.quantity_after == 96


def test_lost_answer_over_loopback_http_takes_the_unit_once(shop: Shop) -> None:
    item = _serum(shop)
    shop.sim.faults.append(Fault("lose_response", "inventoryAdjustQuantities"))

    with (
        shop.sim.serve() as server,
        connect(shop, shop_url=server.url, transport=httpx.HTTPTransport()) as client,
    ):
        take_units(client, _take(shop, item))

    assert shop.sim.state.counters.units_adjusted[item] == 1
    assert shop.sim.state.available(item, shop.location_id) == 96


def test_after_a_crash_the_recorded_attempt_is_resent_not_a_new_one(
    shop: Shop,
) -> None:
    item = _serum(shop)
    recorded: list[StockAttempt] = []
    # Every answer is lost until the client gives up: the station "crashes".
    shop.sim.faults.append(Fault("lose_response", "inventoryAdjustQuantities", times=2))

    with (
        connect(shop, max_attempts=2) as client,
        pytest.raises(ShopifyUnavailableError),
    ):
        take_units(client, _take(shop, item), record_attempt=recorded.append)
    with connect(shop) as restarted:
        take_units(restarted, _take(shop, item), resume=recorded[-1])

    assert shop.sim.state.counters.units_adjusted[item] == 1
    assert shop.sim.state.available(item, shop.location_id) == 96


def test_stock_moved_by_a_sale_is_read_again_with_a_new_key(shop: Shop) -> None:
    item = _serum(shop)
    attempts: list[StockAttempt] = []

    def another_sale_meanwhile(attempt: StockAttempt) -> None:
        attempts.append(attempt)
        if attempt.number == 1:
            shop.sim.state.levels[(item, shop.location_id)]["available"] -= 2

    with connect(shop) as client:
        result = take_units(
            client, _take(shop, item), record_attempt=another_sale_meanwhile
        )

    assert shop.sim.state.available(item, shop.location_id) == 94
    assert shop.sim.state.counters.units_adjusted[item] == 1
    assert [a.change_from_quantities for a in attempts] == [(97,), (95,)]
    assert attempts[0].idempotency_key != attempts[1].idempotency_key
    assert len(result.attempts) == 2


def test_a_key_reused_for_another_change_is_refused_not_applied(shop: Shop) -> None:
    first, second = _serum(shop), _serum(shop, available=5)

    with connect(shop) as client:
        take_units(client, _take(shop, first, key="same-key"))
        with pytest.raises(ShopifyUserError) as refused:
            take_units(client, _take(shop, second, key="same-key"))

    assert "IDEMPOTENCY_KEY_PARAMETER_MISMATCH" in refused.value.codes
    assert shop.sim.state.available(second, shop.location_id) == 5


def test_item_not_stocked_at_the_location_says_so(shop: Shop) -> None:
    elsewhere = shop.sim.state.add_location("Overflow")
    variant = shop.sim.state.add_variant(sku="ONLY-OVERFLOW", stock={elsewhere.id: 3})

    with (
        connect(shop) as client,
        pytest.raises(ShopifyUserError, match="not stocked at the chosen location"),
    ):
        take_units(client, _take(shop, variant.inventory_item_id))


def test_a_slow_answer_resent_meanwhile_still_takes_one_unit() -> None:
    # Real time, real HTTP: the first request outlives the client's timeout
    # and runs after the resend has already been applied.
    sim = ShopifySimulator()
    location = sim.state.add_location("Main warehouse")
    item = sim.state.add_variant(sku="SLOW", stock={location.id: 5}).inventory_item_id
    sim.faults.append(Fault("latency", "inventoryAdjustQuantities", delay=0.8))
    store = MemoryCredentialStore({auth.ADMIN_TOKEN: Secret("shpat_sim_admin_token")})

    with sim.serve() as server:
        config = ShopifyConfig(server.url, timeout=httpx.Timeout(0.3))
        with open_client(config, store, transport=httpx.HTTPTransport()) as client:
            take_units(
                client,
                StockTake.one(
                    item, location.id, 1, tiktok_order_reference("T-S"), "k-slow"
                ),
            )
        time.sleep(1.0)  # let the slow first request finish on the server

    assert sim.state.counters.units_adjusted[item] == 1
    assert sim.state.counters.idempotent_replays == 1
    assert sim.state.available(item, location.id) == 4


def test_a_parcel_of_two_items_is_one_change_taken_once(shop: Shop) -> None:
    serum, mug = _serum(shop), _serum(shop, available=4)
    take = StockTake(
        location_id=shop.location_id,
        lines=(StockLine(serum, 1), StockLine(mug, 2)),
        reference_document_uri=tiktok_order_reference("T-2ITEMS"),
        idempotency_key="outbox-2items",
    )
    shop.sim.faults.append(Fault("lose_response", "inventoryAdjustQuantities"))

    with connect(shop) as client:
        result = take_units(client, take)

    assert result.quantities_after == (96, 2)
    assert len(shop.sim.state.adjustment_groups) == 1
    assert shop.sim.state.counters.units_adjusted[serum] == 1
    assert shop.sim.state.counters.units_adjusted[mug] == 2
