"""Moving units between available and reserved: once, with Shopify's rules."""

from __future__ import annotations

from typing import Any

import pytest

from app.net.shopify.errors import ShopifyUserError
from app.net.shopify.reservations import (
    AVAILABLE,
    REASON_RESERVE,
    RESERVED,
    MoveAttempt,
    QuantityMove,
    move_units,
    move_variables,
    read_quantities,
)
from app.sim.shopify import Fault
from app.sim.shopify.moves import MoveQuantities
from tests.utils.shopify_sim import Shop, connect, make_shop

REFERENCE = "gid://giveaway-desk/GiveawayCampaign/c0ffee"


@pytest.fixture
def shop() -> Shop:
    return make_shop()


@pytest.fixture
def moves(shop: Shop) -> MoveQuantities:
    return shop.sim.moves


def _item(shop: Shop, available: int = 40) -> str:
    variant = shop.sim.state.add_variant(
        sku="GS-30", product_title="Glow Serum", stock={shop.location_id: available}
    )
    return variant.inventory_item_id


def _reserve(shop: Shop, item: str, quantity: int = 5, key: str = "k1") -> QuantityMove:
    return QuantityMove(
        inventory_item_id=item,
        location_id=shop.location_id,
        quantity=quantity,
        from_name=AVAILABLE,
        to_name=RESERVED,
        reason=REASON_RESERVE,
        reference_document_uri=REFERENCE,
        idempotency_key=key,
    )


def test_units_move_to_reserved_with_reason_and_reference(
    shop: Shop, moves: MoveQuantities
) -> None:
    item = _item(shop)
    with connect(shop) as client:
        result = move_units(client, _reserve(shop, item))
        after = read_quantities(client, item, shop.location_id)

    assert after == {"available": 35, "reserved": 5, "on_hand": 40}
    assert result.quantities_after == {"available": 35, "reserved": 5}
    group = shop.sim.state.adjustment_groups[-1]
    assert group["reason"] == "Reservation created"
    assert group["referenceDocumentUri"] == REFERENCE


def test_a_lost_answer_is_resent_and_applied_once(
    shop: Shop, moves: MoveQuantities
) -> None:
    item = _item(shop)
    shop.sim.faults.append(Fault("lose_response", "inventoryMoveQuantities", times=2))

    with connect(shop) as client:
        move_units(client, _reserve(shop, item))

    assert moves.counters.moves == 1
    assert shop.sim.state.counters.idempotent_replays == 2
    assert shop.sim.state.level(item, shop.location_id)["reserved"] == 5  # type: ignore[index]


def test_a_stale_read_is_read_again_under_a_new_key(
    shop: Shop, moves: MoveQuantities
) -> None:
    item = _item(shop)
    recorded: list[MoveAttempt] = []
    stale = MoveAttempt("k1", from_quantity=41, to_quantity=0)

    with connect(shop) as client:
        result = move_units(
            client, _reserve(shop, item), resume=stale, record_attempt=recorded.append
        )

    assert [a.number for a in result.attempts] == [1, 2]
    assert recorded[0].idempotency_key != "k1"
    assert recorded[0].from_quantity == 40
    assert moves.counters.moves == 1


def test_a_key_reused_for_another_move_is_refused(
    shop: Shop, moves: MoveQuantities
) -> None:
    item = _item(shop)
    with connect(shop) as client:
        move_units(client, _reserve(shop, item, 5))
        with pytest.raises(ShopifyUserError) as refused:
            move_units(client, _reserve(shop, item, 6))

    assert "IDEMPOTENCY_KEY_PARAMETER_MISMATCH" in refused.value.codes
    assert moves.counters.moves == 1


def _raw_move(shop: Shop, variables: dict[str, Any]) -> dict[str, Any]:
    with connect(shop) as client:
        data = client.run("MoveQuantities", variables)
    return dict(data["inventoryMoveQuantities"])


def test_the_simulator_enforces_ledger_documents_and_change_from(
    shop: Shop, moves: MoveQuantities
) -> None:
    item = _item(shop)
    variables = move_variables(_reserve(shop, item), MoveAttempt("k9", 40, 0))
    change = variables["input"]["changes"][0]

    change["to"].pop("ledgerDocumentUri")
    assert (
        _raw_move(shop, variables)["userErrors"][0]["code"] == "INVALID_LEDGER_DOCUMENT"
    )
    change["to"]["ledgerDocumentUri"] = REFERENCE
    change["from"]["ledgerDocumentUri"] = REFERENCE
    variables["key"] = "k10"
    assert _raw_move(shop, variables)["userErrors"][0]["code"] == (
        "INVALID_AVAILABLE_DOCUMENT"
    )
    change["from"].pop("ledgerDocumentUri")
    change["from"].pop("changeFromQuantity")
    variables["key"] = "k11"
    assert _raw_move(shop, variables)["userErrors"][0]["code"] == (
        "INVALID_QUANTITY_DOCUMENT"
    )
    assert moves.counters.moves == 0


def test_more_reserved_than_there_is_cannot_be_released(
    shop: Shop, moves: MoveQuantities
) -> None:
    item = _item(shop)
    release = QuantityMove(
        item,
        shop.location_id,
        3,
        RESERVED,
        AVAILABLE,
        "reservation_deleted",
        REFERENCE,
        "k1",
    )

    with connect(shop) as client, pytest.raises(ShopifyUserError) as refused:
        move_units(client, release)

    assert refused.value.codes == ("INVALID_QUANTITY_NEGATIVE",)
    assert moves.counters.moves == 0
