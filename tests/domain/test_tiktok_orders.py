"""Reading TikTok 202309 order objects."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.domain.shipments import ShipmentKind
from app.domain.tiktok_orders import (
    OrderRecordError,
    classify,
    iter_parsed,
    load_payload_file,
    parse_order,
)
from tests.utils.bench_orders import giveaway, ordinary, sample

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.fixture
def examples() -> dict[str, object]:
    return json.loads((FIXTURES / "tiktok-shop-examples.json").read_text())


def test_fixture_search_response_gives_one_giveaway(examples: dict) -> None:
    orders = load_payload_file(json.dumps(examples["order_search_response"]), "x")
    kinds = {order["id"]: classify(order) for order in orders}  # type: ignore[index]
    assert kinds == {
        "579100000000000101": None,
        "579100000000000202": ShipmentKind.GIVEAWAY,
    }


def sample_fixture_order(examples: dict) -> dict:
    """The sample excerpt lists only what differs from a normal order."""
    order = dict(examples["order_search_response"]["data"]["orders"][0])
    excerpt = {k: v for k, v in examples["sample_order_detail_excerpt"].items()}
    del excerpt["_note"]
    order.update(excerpt)
    return order


def test_fixture_sample_order_is_a_sample(examples: dict) -> None:
    order = parse_order(sample_fixture_order(examples))
    assert order.kind is ShipmentKind.SAMPLE
    assert order.recipient.postal_code == "78701"
    assert order.lines[0].seller_sku == "CNDL-LAV-08"


def test_line_sku_type_is_the_fallback_giveaway_signal() -> None:
    order = ordinary()
    order["line_items"][0]["sku_type"] = "ZERO_LOTTERY"
    assert classify(order) is ShipmentKind.GIVEAWAY


def test_ship_by_prefers_the_sellers_deadline() -> None:
    order = giveaway()
    order["rts_sla_time"] = 1_767_800_000
    order["tts_sla_time"] = 1_767_900_000
    parsed = parse_order(order)
    assert parsed.ship_by == datetime.fromtimestamp(1_767_800_000, tz=UTC)


def test_unknown_status_is_kept_not_rejected() -> None:
    order = sample()
    order["status"] = "AWAITING_DRONE_PICKUP"
    parsed = parse_order(order)
    assert parsed.status == "AWAITING_DRONE_PICKUP"
    assert not parsed.status_is_known


def test_missing_field_names_the_order_and_the_field() -> None:
    order = giveaway(order_id="579100000000009999")
    del order["line_items"][0]["sku_id"]
    with pytest.raises(OrderRecordError) as raised:
        parse_order(order)
    assert "579100000000009999" in str(raised.value)
    assert "sku_id" in str(raised.value)


def test_a_bad_record_does_not_stop_the_others() -> None:
    bad = giveaway()
    bad["create_time"] = "yesterday"
    results = list(iter_parsed([sample(), bad, "not an order", giveaway()], "f.json"))
    errors = [r for r in results if isinstance(r, OrderRecordError)]
    assert len(results) == 4
    assert [str(e).split(":")[0] for e in errors] == [
        "f.json, record 2",
        "f.json, record 3",
    ]


def test_winner_without_address_yet_is_listed() -> None:
    order = giveaway()
    del order["recipient_address"]
    assert parse_order(order).recipient.name == ""


@pytest.mark.parametrize(
    "text",
    ['{"code": 105002, "message": "Access token is expired"}', "[1, 2", '"x"'],
)
def test_payload_files_that_hold_no_orders_say_why(text: str) -> None:
    with pytest.raises(OrderRecordError) as raised:
        load_payload_file(text, "saved.json")
    assert str(raised.value).startswith("saved.json:")
