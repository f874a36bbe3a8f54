"""The sync engine against both simulators over loopback HTTP, on a real SQLite file.

Time is injected: the engine's clock and sleep are a fake that jumps forward,
and the connectors' own retry sleeps are recorded, so nothing here waits.
"""

from __future__ import annotations

import importlib.util
import random
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select

from app.domain.credentials import MemoryCredentialStore
from app.domain.shipments import ShipmentState
from app.services import outbox
from app.services.bench import Bench, Identity
from app.services.demo import ensure_demo_store
from app.services.demo_sync import DemoServices, demo_engine, start_demo_simulators
from app.services.dto import QueueQuery
from app.services.outbox import OutboxError
from app.services.sync_engine import SyncEngine, SyncSettings
from app.services.sync_setup import station_engine
from app.sim.demo_store import build_demo_store
from app.sim.shopify import Fault as ShopifyFault
from app.sim.tiktok import Fault as TikTokFault
from app.storage.models import AuditEntry, OutboxEntry
from tests.utils.sync_world import (
    BASE_ORDER_ID,
    make_simulators,
    open_bench,
    prepare_bench,
    shipment_state,
    shopify_units_by_order,
    tracking_for,
    ups_tracking,
)


class FakeTime:
    """The engine's clock and sleep: sleeping moves the clock, instantly."""

    def __init__(self) -> None:
        # A little ahead of the wall clock: outbox rows are stamped with the
        # real time (to the second) when the clerk saves, and must be due.
        self.now = datetime.now(UTC) + timedelta(seconds=2)
        self.slept = 0.0

    def clock(self) -> datetime:
        """The current fake time."""
        return self.now

    def sleep(self, seconds: float) -> None:
        """Let ``seconds`` pass at once."""
        self.now += timedelta(seconds=seconds)
        self.slept += seconds

    def advance(self, seconds: float) -> None:
        """Move the clock on, as if the app had sat idle."""
        self.now += timedelta(seconds=seconds)


def _no_wait(seconds: float) -> None:
    """The connectors' retry sleep: recorded by nobody, waited by nobody."""


@pytest.fixture
def services() -> Iterator[DemoServices]:
    with make_simulators(25, bucket_size=50_000, restore_rate=50_000) as started:
        yield started


@pytest.fixture
def bench(tmp_path: Path, services: DemoServices) -> Iterator[Bench]:
    opened = prepare_bench(tmp_path, services)
    yield opened
    opened.close()


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


def make_engine(
    bench: Bench, services: DemoServices, fake_time: FakeTime
) -> SyncEngine:
    """An engine on ``bench`` talking to the simulators, with injected time."""
    return SyncEngine(
        bench,
        tiktok=lambda: services.tiktok_client(sleep=_no_wait),
        shopify=lambda: services.shopify_client(sleep=_no_wait),
        clock=fake_time.clock,
        sleep=fake_time.sleep,
        rng=random.Random(7),
        settings=SyncSettings(pull_interval_s=60.0),
    )


@pytest.fixture
def engine(
    bench: Bench, services: DemoServices, fake_time: FakeTime
) -> Iterator[SyncEngine]:
    made = make_engine(bench, services, fake_time)
    yield made
    made.close()


def order_id(index: int) -> str:
    return str(BASE_ORDER_ID + index)


def fulfil(bench: Bench, *indexes: int) -> list[str]:
    """Save a tracking number for each order, as the clerk would."""
    ids = []
    for index in indexes:
        oid = order_id(index)
        bench.fulfil(bench.find_shipment(oid), tracking_for(oid))
        ids.append(oid)
    return ids


def entries_of(bench: Bench, oid: str) -> list[OutboxEntry]:
    shipment_id = bench.find_shipment(oid)
    with Session(bench.engine) as session:
        return list(
            session.exec(
                select(OutboxEntry)
                .where(OutboxEntry.shipment_id == shipment_id)
                .order_by(OutboxEntry.sequence)  # type: ignore[arg-type]
            )
        )


def problem_of(bench: Bench, oid: str) -> str:
    return bench.detail(bench.find_shipment(oid)).row.problem


# --- the happy path -----------------------------------------------------------


def test_each_fulfilment_reaches_both_shops_once_and_becomes_synced(
    bench: Bench, services: DemoServices, engine: SyncEngine
) -> None:
    ids = fulfil(bench, 0, 1, 2)

    report = engine.drain_once()

    assert (report.done, report.failed, report.synced_shipments) == (6, 0, 3)
    units = shopify_units_by_order(services.shopify_sim)
    for oid in ids:
        assert shipment_state(bench, oid) == ShipmentState.SYNCED
        assert services.tiktok_sim.ship_calls_effective[oid] == 1
        assert services.tiktok_sim.orders[oid]["tracking_number"] == tracking_for(oid)
        assert units[oid] == 1
    status = engine.status()
    assert (status.online, status.pending, status.failed) == (True, 0, 0)
    assert status.last_contact is not None

    # A second pass finds nothing to do and sends nothing.
    assert engine.drain_once().worked == 0
    assert sum(services.tiktok_sim.ship_calls_received.values()) == 3


def test_a_shipment_s_shopify_effect_waits_for_its_tiktok_effect(
    bench: Bench, services: DemoServices, engine: SyncEngine, fake_time: FakeTime
) -> None:
    (oid,) = fulfil(bench, 0)
    services.tiktok_sim.faults.server_error_every = 1

    report = engine.drain_once()

    tiktok, shopify = entries_of(bench, oid)
    assert (tiktok.status, tiktok.attempts) == ("pending", 1)
    assert tiktok.next_attempt_at > fake_time.now
    assert "temporary failure" in tiktok.last_error
    assert (shopify.status, shopify.attempts) == ("pending", 0)
    assert shopify_units_by_order(services.shopify_sim)[oid] == 0
    assert report.retry_later == 1
    assert shipment_state(bench, oid) == ShipmentState.SHIPPED

    services.tiktok_sim.faults.server_error_every = 0
    assert engine.drain_once().worked == 0  # not due yet: backing off
    fake_time.advance(60)
    engine.drain_once()
    assert shipment_state(bench, oid) == ShipmentState.SYNCED


def test_rate_limit_answers_are_waited_out_at_least_as_long_as_asked(
    bench: Bench, services: DemoServices, engine: SyncEngine, fake_time: FakeTime
) -> None:
    (oid,) = fulfil(bench, 0)
    faults = services.tiktok_sim.faults
    faults.retry_after_s = 120
    for _ in range(10):
        faults.next_on("/order/202309/orders", TikTokFault.RATE_LIMIT)

    engine.drain_once()

    tiktok, _ = entries_of(bench, oid)
    assert tiktok.status == "pending"
    assert tiktok.next_attempt_at >= fake_time.now + timedelta(seconds=120)
    assert "slow down" in tiktok.last_error


# --- offline ------------------------------------------------------------------


def test_twenty_fulfilments_offline_wait_then_sync_by_themselves(
    bench: Bench, services: DemoServices, engine: SyncEngine, fake_time: FakeTime
) -> None:
    services.set_outage(True)
    ids = fulfil(bench, *range(20))

    report = engine.drain_once()

    assert report.offline
    status = engine.status()
    assert status.online is False
    assert (status.pending, status.failed, status.in_flight) == (40, 0, 0)
    assert "cannot be reached" in status.last_error
    assert status.last_error_at == fake_time.now
    assert all(shipment_state(bench, oid) == ShipmentState.SHIPPED for oid in ids)
    views = engine.entries(status="pending")
    assert len(views) == 40
    assert {view.order_id for view in views} == set(ids)
    assert sum(services.tiktok_sim.ship_calls_received.values()) == 0

    # The network returns; nobody touches anything; the loop catches up.
    services.set_outage(False)
    stop = threading.Event()
    rounds = [0]

    def sleep(seconds: float) -> None:
        fake_time.sleep(seconds)
        rounds[0] += 1
        if engine.status().waiting == 0 or rounds[0] > 40:
            stop.set()

    engine._sleep = sleep  # the loop's pause, injected like the clock
    engine.run_forever(stop)

    assert all(shipment_state(bench, oid) == ShipmentState.SYNCED for oid in ids)
    units = shopify_units_by_order(services.shopify_sim)
    assert all(units[oid] == 1 for oid in ids)
    assert all(services.tiktok_sim.ship_calls_effective[oid] == 1 for oid in ids)
    assert engine.status().online is True
    assert fake_time.slept < 3600  # caught up within the first backoff steps


def test_a_station_not_connected_keeps_its_effects_waiting_and_says_what_to_do(
    bench: Bench, services: DemoServices, fake_time: FakeTime
) -> None:
    (oid,) = fulfil(bench, 0)
    # No TikTok credentials in the store, and no Shopify shop in the settings.
    engine = station_engine(bench, MemoryCredentialStore(), sleep=fake_time.sleep)

    engine.drain_once()

    tiktok, shopify = entries_of(bench, oid)
    assert (tiktok.status, shopify.status) == ("pending", "pending")
    assert "tiktok.app_key" in tiktok.last_error
    assert shipment_state(bench, oid) == ShipmentState.SHIPPED
    assert "connection needs attention" in engine.status().last_error
    engine.close()

    # With TikTok connected but no Shopify, the TikTok half goes out alone.
    partial = SyncEngine(
        bench, tiktok=lambda: services.tiktok_client(sleep=_no_wait), shopify=None
    )
    partial.retry(tiktok.id or 0)
    partial.drain_once()
    tiktok, shopify = entries_of(bench, oid)
    assert tiktok.status == "done" and shopify.status == "pending"
    assert "Shopify is not connected" in shopify.last_error
    assert shipment_state(bench, oid) == ShipmentState.SHIPPED
    partial.close()


# --- conflicts ----------------------------------------------------------------


def test_an_order_cancelled_in_tiktok_is_not_shipped_and_says_why(
    bench: Bench, services: DemoServices, engine: SyncEngine
) -> None:
    (oid,) = fulfil(bench, 0)
    services.tiktok_sim.orders[oid]["status"] = "CANCELLED"

    report = engine.drain_once()

    assert report.failed == 1
    assert shipment_state(bench, oid) == ShipmentState.PROBLEM
    assert "Cancelled in TikTok Shop" in problem_of(bench, oid)
    tiktok, shopify = entries_of(bench, oid)
    assert tiktok.status == "failed"
    assert "Do not send the parcel" in tiktok.last_error
    assert shopify.status == "pending"  # stopped behind the failed one
    waiting = engine.entries(status="pending")
    assert [(v.action_label, v.blocked) for v in waiting] == [
        ("Fulfil or take stock in Shopify", True)
    ]
    assert services.tiktok_sim.ship_calls_received[oid] == 0
    assert shopify_units_by_order(services.shopify_sim)[oid] == 0
    assert engine.status().failed == 1


def test_an_order_shipped_by_someone_else_is_shown_never_overwritten(
    bench: Bench, services: DemoServices, engine: SyncEngine
) -> None:
    (oid,) = fulfil(bench, 0)
    remote = services.tiktok_sim.orders[oid]
    remote["status"] = "AWAITING_COLLECTION"
    remote["tracking_number"] = "1ZSOMEONEELSE0001"

    engine.drain_once()

    assert shipment_state(bench, oid) == ShipmentState.PROBLEM
    assert "someone else" in problem_of(bench, oid)
    assert "1ZSOMEONEELSE0001" in problem_of(bench, oid)
    assert remote["tracking_number"] == "1ZSOMEONEELSE0001"
    assert services.tiktok_sim.ship_calls_received[oid] == 0


def test_a_stale_remote_copy_does_not_undo_a_local_shipment(
    bench: Bench, services: DemoServices, engine: SyncEngine
) -> None:
    (oid,) = fulfil(bench, 0)
    # TikTok's copy changed (say, the address) but does not know our parcel yet.
    stale = dict(services.tiktok_sim.orders[oid])
    stale["update_time"] = int(stale["update_time"]) + 30
    stale["buyer_message"] = "please knock"

    report = bench.import_orders([stale], "test")

    assert report.updated == 1
    assert shipment_state(bench, oid) == ShipmentState.SHIPPED
    assert bench.detail(bench.find_shipment(oid)).row.tracking_number == tracking_for(
        oid
    )
    engine.drain_once()
    assert shipment_state(bench, oid) == ShipmentState.SYNCED
    older = dict(stale, update_time=int(stale["update_time"]) - 100)
    bench.import_orders([older], "test")
    assert shipment_state(bench, oid) == ShipmentState.SYNCED


# --- C32: partial success, a drop, a restart ------------------------------------


def test_c32_partial_success_then_a_drop_then_a_restart_completes_each_effect_once(
    tmp_path: Path, bench: Bench, services: DemoServices, fake_time: FakeTime
) -> None:
    f1, f2, f3 = fulfil(bench, 0, 1, 2)
    first = make_engine(bench, services, fake_time)

    # F1 goes through whole; F2 ships in TikTok, then Shopify's answers to the
    # stock change are lost (the change itself happens), then the network goes.
    assert first.drain_once(max_entries=3).done == 3
    services.shopify_sim.faults.append(
        ShopifyFault("lose_response", operation="inventoryAdjustQuantities", times=99)
    )
    first.drain_once(max_entries=1)
    services.set_outage(True)
    first.drain_once()

    assert shipment_state(bench, f1) == ShipmentState.SYNCED
    waiting = [f2, f3]
    assert all(shipment_state(bench, oid) == ShipmentState.SHIPPED for oid in waiting)
    assert bench.counts()[ShipmentState.SHIPPED] == 2  # "2 pending" in the queue
    assert first.status().online is False
    stored = entries_of(bench, f2)[1]
    assert stored.status == "pending" and stored.attempt_json  # kept for the resend

    # Restart: a new bench and engine on the same file; the network is back.
    first.close()
    bench.close()
    services.shopify_sim.faults.clear()
    services.set_outage(False)
    fake_time.advance(3600)
    again = open_bench(tmp_path)
    second = make_engine(again, services, fake_time)
    assert again.counts()[ShipmentState.SHIPPED] == 2
    second.drain_once()

    units = shopify_units_by_order(services.shopify_sim)
    for oid in (f1, f2, f3):
        assert shipment_state(again, oid) == ShipmentState.SYNCED
        assert services.tiktok_sim.ship_calls_effective[oid] == 1
        assert units[oid] == 1
    assert services.tiktok_sim.ship_calls_received[f1] == 1  # F1 not sent again
    # F2's stock change was resent with its key and answered from the record.
    assert services.shopify_sim.state.counters.idempotent_replays >= 1
    second.close()
    again.close()


def test_an_entry_left_in_flight_by_a_dead_worker_is_read_back_not_resent(
    bench: Bench, services: DemoServices, fake_time: FakeTime
) -> None:
    (oid,) = fulfil(bench, 0)
    tiktok_entry = entries_of(bench, oid)[0]
    assert tiktok_entry.id is not None
    # A worker claimed it, sent the ship request, and died before recording it.
    dead = make_engine(bench, services, fake_time)
    claimed = outbox.claim(
        bench.engine,
        tiktok_entry.id,
        dead._owner,
        fake_time.now,
        outbox.stale_before(fake_time.now, 600),
    )
    assert claimed is not None
    client = services.tiktok_client(sleep=_no_wait)
    client.ship(oid, "", tracking_for(oid), "6617675021119438850")
    client.close()
    dead.close()  # the engine is gone; its claim is abandoned

    engine = make_engine(bench, services, fake_time)
    engine.drain_once()

    assert services.tiktok_sim.ship_calls_received[oid] == 1
    assert shipment_state(bench, oid) == ShipmentState.SYNCED
    assert entries_of(bench, oid)[0].attempts == 2
    engine.close()


def test_an_entry_in_flight_at_a_live_worker_is_left_alone(
    bench: Bench, services: DemoServices, fake_time: FakeTime
) -> None:
    (oid,) = fulfil(bench, 0)
    tiktok_entry = entries_of(bench, oid)[0]
    assert tiktok_entry.id is not None
    busy = make_engine(bench, services, fake_time)
    outbox.claim(
        bench.engine,
        tiktok_entry.id,
        busy._owner,
        fake_time.now,
        outbox.stale_before(fake_time.now, 600),
    )

    other = make_engine(bench, services, fake_time)
    other.drain_once()

    assert entries_of(bench, oid)[0].status == "in_flight"
    assert services.tiktok_sim.ship_calls_received[oid] == 0
    fake_time.advance(601)  # the lease runs out: the claim is taken over
    other.drain_once()
    assert shipment_state(bench, oid) == ShipmentState.SYNCED
    busy.close()
    other.close()


def test_two_workers_draining_at_once_send_each_effect_once(
    bench: Bench, services: DemoServices, fake_time: FakeTime
) -> None:
    ids = fulfil(bench, *range(10))
    workers = [make_engine(bench, services, fake_time) for _ in range(2)]
    threads = [threading.Thread(target=w.drain_once) for w in workers for _ in (0, 1)]

    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    units = shopify_units_by_order(services.shopify_sim)
    for oid in ids:
        assert shipment_state(bench, oid) == ShipmentState.SYNCED
        assert services.tiktok_sim.ship_calls_received[oid] == 1
        assert units[oid] == 1
    for worker in workers:
        worker.close()


# --- what a supervisor does -----------------------------------------------------


def test_a_failed_entry_can_be_retried_and_then_syncs(
    bench: Bench, services: DemoServices, engine: SyncEngine
) -> None:
    (oid,) = fulfil(bench, 0)
    hidden = services.tiktok_sim.orders.pop(oid)

    engine.drain_once()
    failed = engine.entries(status="failed")
    assert [view.order_id for view in failed] == [oid]
    assert "does not know order" in failed[0].last_error
    assert failed[0].action_label == "Ship in TikTok Shop"

    services.tiktok_sim.orders[oid] = hidden
    engine.retry(failed[0].entry_id)
    assert shipment_state(bench, oid) == ShipmentState.SHIPPED
    engine.drain_once()

    assert shipment_state(bench, oid) == ShipmentState.SYNCED
    actions = _audit_actions(bench, oid)
    assert "sync failed" in actions and "sync retried" in actions


def test_cancelling_an_effect_stops_it_and_the_later_ones_with_an_audited_reason(
    bench: Bench, services: DemoServices, engine: SyncEngine
) -> None:
    (oid,) = fulfil(bench, 0)
    services.tiktok_sim.orders[oid]["status"] = "CANCELLED"
    engine.drain_once()
    tiktok, shopify = entries_of(bench, oid)
    assert tiktok.id is not None and shopify.id is not None

    with pytest.raises(OutboxError, match="reason"):
        engine.cancel(tiktok.id, "  ")
    cancelled = engine.cancel(tiktok.id, "buyer cancelled; item back on shelf")

    assert sorted(cancelled) == sorted([tiktok.id, shopify.id])
    assert {e.status for e in entries_of(bench, oid)} == {"cancelled"}
    assert engine.drain_once().worked == 0
    assert shopify_units_by_order(services.shopify_sim)[oid] == 0
    assert _audit_actions(bench, oid).count("sync cancelled") == 2
    with pytest.raises(OutboxError):
        engine.retry(tiktok.id)


def _audit_actions(bench: Bench, oid: str) -> list[str]:
    with Session(bench.engine) as session:
        return list(
            session.exec(select(AuditEntry.action).where(AuditEntry.entity_id == oid))
        )


# --- pulling ------------------------------------------------------------------


def test_pull_imports_new_orders_and_keeps_the_cursor(
    bench: Bench, services: DemoServices, engine: SyncEngine
) -> None:
    report = engine.pull_once(catalog=False)

    assert report.orders is not None and report.orders.ok
    assert report.orders.unchanged == 25
    assert bench.get_state("tiktok.orders.update_cursor")
    assert report.catalog_variants is None


def test_the_demo_syncs_its_own_shipments_with_both_demo_simulators(
    tmp_path: Path,
) -> None:
    store = build_demo_store()
    demo_bench = Bench.open_path(tmp_path, Identity(user="demo", station="demo"))
    ensure_demo_store(demo_bench, store)
    ready = demo_bench.queue(QueueQuery(states=frozenset({ShipmentState.READY})))
    with start_demo_simulators(store) as demo, demo_engine(demo_bench, demo) as engine:
        report = engine.pull_once()
        assert report.catalog_variants == len(store.catalog)
        assert not report.errors

        for number, row in enumerate(ready[:2]):
            demo_bench.fulfil(row.shipment_id, ups_tracking(900 + number))
        engine.drain_once()
        for row in ready[:2]:
            assert shipment_state(demo_bench, row.order_id) == ShipmentState.SYNCED
            assert demo.tiktok_sim.ship_calls_effective[row.order_id] == 1

        demo.set_outage(True)
        assert engine.pull_once(catalog=False).errors
        assert engine.status().online is False
        demo.set_outage(False)
        assert not engine.pull_once(catalog=False).errors
        assert engine.status().online is True
    demo_bench.close()


# --- the benchmark keeps running ------------------------------------------------


def test_the_outbox_drain_benchmark_runs_with_tiny_sizes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    script = Path(__file__).resolve().parents[2] / "benchmarks" / "outbox_drain.py"
    spec = importlib.util.spec_from_file_location("outbox_drain_benchmark", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    code = module.main(["--count", "6", "--tiktok-qps", "5"])

    out = capsys.readouterr().out
    assert code == 0, out
    assert "Theoretical maximum (TikTok limit)" in out
    assert "Each effect exactly once: yes" in out
