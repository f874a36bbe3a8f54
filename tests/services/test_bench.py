"""The bench's rules, on a real SQLite file: import, match, fulfil, audit."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select

from app.domain.matching import MappingConflictError
from app.domain.shipments import ShipmentKind, ShipmentState
from app.services.bench import Bench, BenchError, TrackingInUseError
from app.services.dto import QueueColumn, QueueQuery
from app.storage.models import AuditEntry, OutboxEntry
from tests.utils.bench_orders import NOW, giveaway, open_bench, ordinary, sample

UPS = "1Z999AA10123456784"
UPS_OTHER = "1Z12345E0205271688"


@pytest.fixture
def bench(tmp_path: Path) -> Bench:
    bench = open_bench(tmp_path / "bench")
    yield bench
    bench.close()


def only_row(bench: Bench, order_id: str):
    return bench.detail(bench.find_shipment(order_id)).row


def audit_actions(
    bench: Bench, entity_id: str
) -> list[tuple[str, str | None, str | None]]:
    with Session(bench.engine) as session:
        rows = session.exec(
            select(AuditEntry)
            .where(AuditEntry.entity_id == entity_id)
            .order_by(AuditEntry.id)
        )
        return [(row.action, row.old_value, row.new_value) for row in rows]


# --- import -------------------------------------------------------------------


def test_giveaways_and_samples_are_queued_and_ordinary_orders_are_not(
    bench: Bench,
) -> None:
    report = bench.import_orders([giveaway(), sample(), ordinary()], "test")

    assert (report.imported, report.not_queued, report.errors) == (2, 1, [])
    kinds = sorted(row.kind for row in bench.queue())
    assert kinds == [ShipmentKind.GIVEAWAY, ShipmentKind.SAMPLE]


def test_a_sample_with_a_catalog_seller_sku_matches_itself(bench: Bench) -> None:
    bench.import_orders([sample(order_id="S1", seller_sku="cndl-lav-08")], "test")
    row = only_row(bench, "S1")
    assert (row.state, row.sku) == (ShipmentState.READY, "CNDL-LAV-08")


def test_a_giveaway_is_never_matched_by_its_title_alone(bench: Bench) -> None:
    bench.import_orders([giveaway(order_id="G1", title="Glow Serum 30ml")], "test")
    shipment_id = bench.find_shipment("G1")

    assert only_row(bench, "G1").state is ShipmentState.UNMATCHED
    assert bench.suggestions(shipment_id)[0].sku == "GS-30"


def test_reimport_keeps_local_work_and_ignores_stale_copies(bench: Bench) -> None:
    bench.import_orders([giveaway(order_id="G1", update_time=NOW)], "first")
    shipment_id = bench.find_shipment("G1")
    bench.match(shipment_id, "GS-30")
    bench.fulfil(shipment_id, UPS)

    newer = giveaway(order_id="G1", update_time=NOW + 60)
    newer["recipient_address"]["name"] = "Winner Renamed"
    stale = giveaway(order_id="G1", update_time=NOW - 60)
    report = bench.import_orders([newer, stale], "again")

    assert (report.updated, report.unchanged) == (1, 1)
    row = only_row(bench, "G1")
    assert (row.state, row.sku, row.tracking_number) == (
        ShipmentState.SHIPPED,
        "GS-30",
        UPS,
    )
    assert row.recipient == "Winner Renamed"


def test_remote_cancellation_cancels_an_unshipped_order(bench: Bench) -> None:
    bench.import_orders([giveaway(order_id="G1")], "first")
    bench.import_orders(
        [giveaway(order_id="G1", update_time=NOW + 5, status="CANCELLED")], "x"
    )
    assert only_row(bench, "G1").state is ShipmentState.CANCELLED
    assert bench.queue() == []


def test_remote_cancellation_after_packing_is_a_problem_not_an_overwrite(
    bench: Bench,
) -> None:
    bench.import_orders([giveaway(order_id="G1")], "first")
    shipment_id = bench.find_shipment("G1")
    bench.match(shipment_id, "GS-30")
    bench.fulfil(shipment_id, UPS)

    bench.import_orders(
        [giveaway(order_id="G1", update_time=NOW + 5, status="CANCELLED")], "x"
    )

    row = only_row(bench, "G1")
    assert row.state is ShipmentState.PROBLEM
    assert "Cancelled in TikTok Shop after it was packed" in row.problem


# --- matching -----------------------------------------------------------------


def test_a_match_applies_to_every_open_order_of_the_same_giveaway(bench: Bench) -> None:
    bench.import_orders([giveaway(order_id=f"G{i}") for i in range(3)], "test")
    result = bench.match(bench.find_shipment("G0"), "GS-30")

    assert (result.created, result.shipments_updated) == (True, 3)
    assert {only_row(bench, f"G{i}").sku for i in range(3)} == {"GS-30"}
    assert {only_row(bench, f"G{i}").state for i in range(3)} == {ShipmentState.READY}

    # A later order of the same giveaway is matched as it arrives.
    bench.import_orders([giveaway(order_id="G9")], "later")
    assert only_row(bench, "G9").sku == "GS-30"


def test_same_product_with_another_sku_id_is_not_matched(bench: Bench) -> None:
    bench.import_orders([giveaway(order_id="G1", sku_id="101")], "test")
    bench.match(bench.find_shipment("G1"), "GS-30")
    bench.import_orders([giveaway(order_id="G2", sku_id="102")], "test")

    row = only_row(bench, "G2")
    assert (row.state, row.sku) == (ShipmentState.UNMATCHED, "")


def test_remapping_is_refused_unless_explicit_then_audited(bench: Bench) -> None:
    bench.import_orders([giveaway(order_id="G1"), giveaway(order_id="G2")], "test")
    g1, g2 = bench.find_shipment("G1"), bench.find_shipment("G2")
    bench.match(g1, "GS-30")
    bench.fulfil(g1, UPS)

    with pytest.raises(MappingConflictError) as raised:
        bench.match(g2, "GS-50")
    assert "already matched to GS-30" in str(raised.value)
    assert only_row(bench, "G2").sku == "GS-30"

    result = bench.match(g2, "GS-50", remap=True)

    assert result.remapped_from == "GS-30"
    assert only_row(bench, "G2").sku == "GS-50"
    assert only_row(bench, "G1").sku == "GS-30", "a shipped order keeps its SKU"
    key = "tiktok:1729000000000000001:1729000000000000101"
    assert audit_actions(bench, key) == [
        ("mapped", None, "GS-30"),
        ("remapped", "GS-30", "GS-50"),
    ]


def test_matching_to_an_unknown_sku_is_refused(bench: Bench) -> None:
    bench.import_orders([giveaway(order_id="G1")], "test")
    with pytest.raises(BenchError, match="NOPE-1 is not in the catalog"):
        bench.match(bench.find_shipment("G1"), "NOPE-1")


# --- fulfilment ---------------------------------------------------------------


def test_fulfil_saves_tracking_and_queues_each_remote_effect_once(bench: Bench) -> None:
    bench.import_orders([giveaway(order_id="G1")], "test")
    shipment_id = bench.find_shipment("G1")
    bench.match(shipment_id, "GS-30")

    result = bench.fulfil(shipment_id, " 1z999aa1 0123 456784 ", "UPS")

    assert result.tracking_number == UPS
    row = only_row(bench, "G1")
    assert (row.state, row.tracking_number) == (ShipmentState.SHIPPED, UPS)
    with Session(bench.engine) as session:
        entries = session.exec(select(OutboxEntry).order_by(OutboxEntry.sequence)).all()
    assert [(e.action, e.sequence, e.status) for e in entries] == [
        ("tiktok.ship_package", 1, "pending"),
        ("shopify.fulfil_or_adjust", 2, "pending"),
    ]
    assert len({e.idempotency_key for e in entries}) == 2
    assert json.loads(entries[0].payload_json)["tracking_number"] == UPS


def test_an_unmatched_order_cannot_be_fulfilled(bench: Bench) -> None:
    bench.import_orders([giveaway(order_id="G1")], "test")
    with pytest.raises(BenchError, match="not matched to a SKU yet"):
        bench.fulfil(bench.find_shipment("G1"), UPS)


def test_an_order_on_hold_cannot_be_fulfilled(bench: Bench) -> None:
    bench.import_orders([sample(order_id="S1", status="ON_HOLD")], "test")
    with pytest.raises(BenchError, match="on hold"):
        bench.fulfil(bench.find_shipment("S1"), UPS)


def test_a_tracking_number_is_used_once_unless_same_parcel(bench: Bench) -> None:
    bench.import_orders([sample(order_id="S1"), sample(order_id="S2")], "test")
    s1, s2 = bench.find_shipment("S1"), bench.find_shipment("S2")
    bench.fulfil(s1, UPS)

    with pytest.raises(TrackingInUseError) as raised:
        bench.fulfil(s2, UPS)
    assert "already used on order S1" in str(raised.value)
    assert only_row(bench, "S2").state is ShipmentState.READY

    bench.fulfil(s2, UPS, same_parcel_as=s1)
    assert only_row(bench, "S2").tracking_number == UPS
    assert ("fulfilled", None, f"UPS {UPS}") in audit_actions(bench, "S2")


def test_fulfilling_twice_is_refused(bench: Bench) -> None:
    bench.import_orders([sample(order_id="S1")], "test")
    shipment_id = bench.find_shipment("S1")
    bench.fulfil(shipment_id, UPS)
    with pytest.raises(BenchError, match="cannot be fulfilled again"):
        bench.fulfil(shipment_id, UPS_OTHER)


@pytest.mark.parametrize("bad", ["", "123", "1Z999AA1012345678!", "0000000000000"])
def test_bad_tracking_numbers_are_refused_and_nothing_is_saved(
    bench: Bench, bad: str
) -> None:
    bench.import_orders([sample(order_id="S1")], "test")
    with pytest.raises(BenchError):
        bench.fulfil(bench.find_shipment("S1"), bad)
    assert only_row(bench, "S1").state is ShipmentState.READY
    assert bench.pending_effects() == 0


# --- queue --------------------------------------------------------------------


def test_queue_is_sorted_by_deadline_and_searchable(bench: Bench) -> None:
    late = giveaway(order_id="LATE", update_time=NOW - 86400, title="Glow Serum 30ml")
    soon = sample(order_id="SOON", update_time=NOW, title="Lavender Soy Candle 8oz")
    bench.import_orders([soon, late], "test")

    assert [row.order_id for row in bench.queue()] == ["LATE", "SOON"]
    by_sku = bench.queue(QueueQuery(text="cndl-LAV"))
    assert [row.order_id for row in by_sku] == ["SOON"]
    by_name = bench.queue(QueueQuery(text=late["recipient_address"]["name"].upper()))
    assert [row.order_id for row in by_name] == ["LATE"]
    by_id_desc = bench.queue(QueueQuery(sort=QueueColumn.ORDER_ID, descending=True))
    assert [row.order_id for row in by_id_desc] == ["SOON", "LATE"]


def test_search_treats_wildcards_as_text(bench: Bench) -> None:
    bench.import_orders([sample(order_id="S1")], "test")
    assert bench.queue(QueueQuery(text="%")) == []
    assert bench.queue(QueueQuery(text="_")) == []


def test_everything_survives_reopening_the_data_folder(tmp_path: Path) -> None:
    first = open_bench(tmp_path / "b")
    first.import_orders([giveaway(order_id="G1")], "test")
    first.match(first.find_shipment("G1"), "GS-30")
    first.fulfil(first.find_shipment("G1"), UPS)
    first.close()

    again = Bench.open_path(tmp_path / "b")
    row = only_row(again, "G1")
    assert (row.state, row.sku, row.tracking_number) == (
        ShipmentState.SHIPPED,
        "GS-30",
        UPS,
    )
    actions = [entry.action for entry in again.detail(row.shipment_id).history]
    assert actions[:3] == ["fulfilled", "state", "state"]
    assert {"imported", "matched", "fulfilled"} <= set(actions)
    again.close()


def test_shipments_without_a_deadline_are_listed_last_either_way(bench: Bench) -> None:
    undated = sample(order_id="NODATE")
    for name in ("rts_sla_time", "shipping_due_time", "tts_sla_time"):
        undated.pop(name, None)
    early = sample(order_id="EARLY", update_time=NOW - 600)
    later = sample(order_id="LATER", update_time=NOW)
    bench.import_orders([undated, later, early], "test")

    ascending = [row.order_id for row in bench.queue()]
    descending = [row.order_id for row in bench.queue(QueueQuery(descending=True))]
    assert ascending == ["EARLY", "LATER", "NODATE"]
    assert descending == ["LATER", "EARLY", "NODATE"]


def test_a_search_lists_the_most_urgent_matches_first_up_to_the_limit(
    bench: Bench, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("app.services.dto.SEARCH_LIMIT", 3)
    orders = [sample(order_id=f"S{i}", update_time=NOW + i * 60) for i in range(5)]
    bench.import_orders(orders, "test")

    assert [row.order_id for row in bench.queue(QueueQuery(text="s"))] == [
        "S0",
        "S1",
        "S2",
    ]
    assert len(bench.queue()) == 5, "without a search the whole queue is listed"


def test_the_demo_store_is_a_believable_week() -> None:
    from datetime import UTC, datetime

    from app.domain.tiktok_orders import classify, parse_order
    from app.sim.demo_store import build_demo_store

    now = datetime(2026, 12, 3, 15, 0, tzinfo=UTC)
    store = build_demo_store(now=now)
    orders = [parse_order(order) for order in store.orders]
    kinds = [classify(order.raw) for order in orders]

    assert 45 <= len(store.catalog) <= 60
    assert len(orders) == 200
    assert (
        kinds.count(ShipmentKind.GIVEAWAY) > 50
        and kinds.count(ShipmentKind.SAMPLE) > 30
    )
    assert kinds.count(None) > 30, "ordinary orders too, which the bench skips"
    assert {"CANCELLED", "ON_HOLD", "AWAITING_SHIPMENT"} <= {o.status for o in orders}
    assert all(o.update_time <= now for o in orders), "nothing from the future"
    assert all(now - o.create_time <= timedelta(days=7) for o in orders)
    titles = {g.title for g in store.giveaways}
    originals = {v.title for v in store.catalog}
    assert not titles & originals, "giveaway titles differ from the originals"


def test_a_line_added_to_a_matched_order_later_is_matched_by_its_key_or_waits(
    bench: Bench,
) -> None:
    bench.import_orders([giveaway(order_id="G1"), giveaway(order_id="G2")], "test")
    bench.match(bench.find_shipment("G1"), "GS-30")

    edited = giveaway(order_id="G2", update_time=NOW + 60)
    extra = dict(edited["line_items"][0], id="G2-extra", sku_id="999")
    edited["line_items"].append(extra)
    bench.import_orders([edited], "edit")

    row = only_row(bench, "G2")
    assert row.state is ShipmentState.UNMATCHED, "the new line has no SKU yet"
    lines = bench.detail(row.shipment_id).lines
    assert [line.matched_sku for line in lines] == ["GS-30", None]


def test_a_number_no_carrier_recognises_needs_a_carrier_chosen_by_hand(
    bench: Bench,
) -> None:
    bench.import_orders([sample(order_id="S1")], "test")
    shipment_id = bench.find_shipment("S1")

    with pytest.raises(BenchError, match="No carrier recognises 1Z999AA1012345678"):
        bench.fulfil(shipment_id, "1Z999AA1012345678")  # bench case C22: digit lost
    with pytest.raises(BenchError, match="do not know the carrier 'Pony Express'"):
        bench.fulfil(shipment_id, "PX12345678", "Pony Express")
    assert only_row(bench, "S1").state is ShipmentState.READY

    result = bench.fulfil(shipment_id, "RM123456785GB", "Royal Mail")
    assert result.carrier == "Royal Mail"


def test_replacing_a_samples_own_sku_is_a_remap(bench: Bench) -> None:
    bench.import_orders([sample(order_id="S1", seller_sku="CNDL-LAV-08")], "test")
    shipment_id = bench.find_shipment("S1")

    with pytest.raises(MappingConflictError, match="already matched to CNDL-LAV-08"):
        bench.match(shipment_id, "GS-30")
    assert only_row(bench, "S1").sku == "CNDL-LAV-08"

    assert bench.match(shipment_id, "GS-30", remap=True).remapped_from == "CNDL-LAV-08"
    assert only_row(bench, "S1").sku == "GS-30"
