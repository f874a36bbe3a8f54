"""The sync in the desktop app: offline and back, the panel, a smooth GUI."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer

from app.domain.shipments import ShipmentState
from app.services.bench import Bench
from app.services.demo_sync import DemoServices
from app.services.sync_engine import SyncEngine, SyncSettings
from app.ui import tasks
from app.ui.application import settle_memory
from app.ui.main_window import MainWindow
from app.ui.sync_panel import OutboxModel, SyncPanel, install_sync
from tests.utils.sync_world import (
    make_simulators,
    open_bench,
    prepare_bench,
    shopify_client_from,
    shopify_units_by_order,
    tiktok_client_from,
    tracking_for,
)

SIM_PROCESS = Path(__file__).resolve().parent.parent / "utils" / "sim_world_process.py"

# Retries come quickly so the tests never wait for a real back-off.
QUICK = SyncSettings(
    backoff_base_s=0.05, backoff_cap_s=0.2, setup_backoff_s=0.2, idle_poll_s=0.1
)


def _no_wait(_seconds: float) -> None:
    return None


def engine_for(bench: Bench, services: DemoServices) -> SyncEngine:
    return SyncEngine(
        bench,
        tiktok=lambda: services.tiktok_client(sleep=_no_wait, attempts=1),
        # Shopify's client waits for its cost bucket itself (briefly, for real).
        shopify=lambda: services.shopify_client(attempts=1),
        settings=QUICK,
    )


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[DemoServices, Bench]]:
    services = make_simulators(20)
    bench = prepare_bench(tmp_path / "bench", services)
    yield services, bench
    tasks.wait_for_all()
    bench.close()
    services.close()


def fulfil_all(bench: Bench, services: DemoServices) -> list[str]:
    order_ids = sorted(services.tiktok_sim.orders)
    for order_id in order_ids:
        bench.fulfil(bench.find_shipment(order_id), tracking_for(order_id))
    return order_ids


def states(bench: Bench) -> set[ShipmentState]:
    return {row.state for row in bench.queue(_everything())}


def _everything():
    from app.services.dto import QueueQuery

    return QueueQuery(states=frozenset(ShipmentState))


def test_offline_fulfilments_wait_and_sync_by_themselves_when_the_network_returns(
    qtbot, world: tuple[DemoServices, Bench]
) -> None:
    services, bench = world
    window = MainWindow(bench)
    qtbot.addWidget(window)
    engine = engine_for(bench, services)
    services.set_outage(True)
    order_ids = fulfil_all(bench, services)

    installed = install_sync(
        window, engine, set_outage=services.set_outage, interval_ms=50
    )
    qtbot.waitUntil(lambda: "Offline" in installed.label.text(), timeout=10_000)
    assert "40 updates waiting to sync" in installed.label.text()
    assert states(bench) == {ShipmentState.SHIPPED}
    assert not services.tiktok_sim.ship_calls_effective

    services.set_outage(False)  # the Wi-Fi comes back; nobody touches the app

    qtbot.waitUntil(lambda: states(bench) == {ShipmentState.SYNCED}, timeout=30_000)
    qtbot.waitUntil(lambda: "all synced" in installed.label.text(), timeout=10_000)
    assert "Online" in installed.label.text()
    shipped = services.tiktok_sim.ship_calls_effective
    assert {order: shipped[order] for order in order_ids} == dict.fromkeys(order_ids, 1)
    units = shopify_units_by_order(services.shopify_sim)
    assert {order: units[order] for order in order_ids} == dict.fromkeys(order_ids, 1)
    installed.controller.stop()
    engine.close()


def test_the_panel_lists_waiting_effects_and_cancels_one_with_a_reason(
    qtbot, qtmodeltester, world: tuple[DemoServices, Bench]
) -> None:
    services, bench = world
    window = MainWindow(bench)
    qtbot.addWidget(window)
    engine = engine_for(bench, services)
    services.set_outage(True)
    fulfil_all(bench, services)
    installed = install_sync(window, engine, interval_ms=60_000)
    installed.controller.stop()
    qtbot.waitUntil(lambda: not installed.controller.busy, timeout=10_000)

    panel = SyncPanel(installed.controller, window)
    qtbot.addWidget(panel)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 40, timeout=5_000)
    qtmodeltester.check(panel.model)
    first = panel.selected_entry()
    assert first is not None and first.status == "pending"

    with qtbot.waitSignal(installed.controller.round_finished, timeout=10_000):
        panel.cancel_selected("Parcel lost before pickup; reshipped by hand")
    cancelled = [e for e in engine.entries("cancelled")]
    assert first.entry_id in {e.entry_id for e in cancelled}
    history = bench.detail(first.shipment_id).history
    assert any("reshipped by hand" in (h.detail or "") for h in history)
    engine.close()


def test_the_outbox_model_passes_the_model_tester(qtmodeltester) -> None:
    model = OutboxModel()
    qtmodeltester.check(model)


def test_the_gui_never_stalls_while_a_thousand_effects_drain(
    qtbot, tmp_path: Path
) -> None:
    folder = tmp_path / "bench"
    shops = subprocess.Popen(
        [sys.executable, str(SIM_PROCESS), "500", str(folder)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert shops.stdout is not None
        settings = json.loads(shops.stdout.readline())
        bench = open_bench(folder)
        assert bench.pending_effects() == 1000
        window = MainWindow(bench)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        # The window's own start (first paint, first counts) is done before
        # the measuring starts; what is measured is the drain.
        qtbot.waitUntil(lambda: "Waiting to sync 500" in window.counts_label.text())
        settle_memory()
        engine = SyncEngine(
            bench,
            tiktok=lambda: tiktok_client_from(settings),
            shopify=lambda: shopify_client_from(settings),
            settings=QUICK,
        )

        ticks: list[float] = []
        beat = QTimer()
        beat.setInterval(10)
        beat.timeout.connect(lambda: ticks.append(time.perf_counter()))
        beat.start()
        installed = install_sync(window, engine, interval_ms=200)

        qtbot.waitUntil(lambda: bench.pending_effects() == 0, timeout=240_000)
        qtbot.waitUntil(lambda: not installed.controller.busy, timeout=60_000)
        beat.stop()
        installed.controller.stop()

        gaps = [b - a for a, b in zip(ticks, ticks[1:], strict=False)]
        worst = max(gaps)
        assert len(ticks) > 100, "the event loop ran while the outbox drained"
        assert worst < 0.100, f"the GUI stalled for {worst * 1000:.0f} ms"
        assert states(bench) == {ShipmentState.SYNCED}
        engine.close()
        tasks.wait_for_all()
        bench.close()
    finally:
        shops.stdin.close()  # type: ignore[union-attr]
        shops.wait(timeout=30)
