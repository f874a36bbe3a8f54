"""SIGKILL the sync a hundred times at random points: nothing lost, nothing doubled.

The simulators live here, in the test process, so their effect counters
survive every death of the child. The child (``tests/utils/sync_crash_child.py``)
fulfils orders on a shared SQLite file and drains the outbox over loopback
HTTP; after each committed fulfilment it says ``SAVED <order id>``. Each life
is killed after a random delay, often in the middle of a remote call.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pytest
from sqlmodel import Session, select

from app.domain.shipments import ShipmentState
from app.services.bench import Bench
from app.services.sync_engine import SyncEngine, SyncSettings
from app.storage.models import Fulfilment, OutboxEntry, Shipment
from tests.utils.sync_world import (
    client_settings,
    make_simulators,
    open_bench,
    prepare_bench,
    shopify_client_from,
    shopify_units_by_order,
    tiktok_client_from,
)

KILLS = 100
ORDERS = 300
CHILD = Path(__file__).resolve().parents[1] / "utils" / "sync_crash_child.py"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not hasattr(os, "fork"), reason="the harness forks its workers (POSIX only)"
    ),
]


class Zygote:
    """The child process that forks one worker per life."""

    def __init__(self, config: Path, log: IO[str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(CHILD), str(config)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
            bufsize=1,
        )
        assert self._read() == "READY"

    def run(self, life: int, output: Path) -> int:
        self._send(f"RUN {life} {output}")
        answer = self._read()
        assert answer.startswith("PID "), answer
        return int(answer.split()[1])

    def reap(self, pid: int) -> None:
        self._send(f"REAP {pid}")
        assert self._read() == "REAPED"

    def close(self) -> None:
        self._send("QUIT")
        self.process.wait(timeout=10)

    def _send(self, line: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()

    def _read(self) -> str:
        assert self.process.stdout is not None
        return self.process.stdout.readline().strip()


@pytest.fixture
def zygote_log(tmp_path: Path) -> Iterator[IO[str]]:
    with (tmp_path / "child-stderr.txt").open("w") as log:
        yield log


def test_killing_the_sync_at_random_points_loses_nothing_and_repeats_nothing(
    tmp_path: Path, zygote_log: IO[str]
) -> None:
    folder = tmp_path / "data"
    with make_simulators(ORDERS, bucket_size=1e6, restore_rate=1e6) as services:
        prepare_bench(folder, services).close()
        settings = {**client_settings(services), "folder": str(folder)}
        config = tmp_path / "config.json"
        config.write_text(json.dumps(settings))

        saved, cut_mid_call = _kill_a_hundred_times(tmp_path, config, zygote_log)

        bench = open_bench(folder)
        _final_clean_drain(bench, settings)
        fulfilled = _fulfilled_orders(bench)
        assert saved, "no life got as far as saving a fulfilment"
        assert cut_mid_call > 0, "no kill landed while an effect was in flight"
        # Every fulfilment a worker reported saved is still there.
        assert saved <= fulfilled

        units = shopify_units_by_order(services.shopify_sim)
        tiktok = services.tiktok_sim
        for order_id in fulfilled:
            assert tiktok.ship_calls_effective[order_id] == 1, order_id
            # Read back before any resend: not even a refused second request.
            assert tiktok.ship_calls_received[order_id] == 1, order_id
            assert units[order_id] == 1, order_id
        # Nothing happened remotely for orders never fulfilled here.
        assert set(tiktok.ship_calls_effective) == fulfilled
        assert set(units) == fulfilled
        _assert_nothing_stuck(bench, fulfilled)
        bench.close()


def _kill_a_hundred_times(
    tmp_path: Path, config: Path, log: IO[str]
) -> tuple[set[str], int]:
    """Run and kill ``KILLS`` lives; the saved order ids and mid-call kills."""
    rng = random.Random(20261203)
    zygote = Zygote(config, log)
    saved: set[str] = set()
    cut_mid_call = 0
    bench = open_bench(tmp_path / "data")
    try:
        for life in range(KILLS):
            output = tmp_path / f"life-{life}.txt"
            pid = zygote.run(life, output)
            time.sleep(rng.uniform(0.05, 0.45))
            os.kill(pid, signal.SIGKILL)
            zygote.reap(pid)
            saved |= _saved_in(output)
            cut_mid_call += int(_in_flight(bench) > 0)
    finally:
        zygote.close()
        bench.close()
    return saved, cut_mid_call


def _saved_in(output: Path) -> set[str]:
    lines = output.read_text().splitlines() if output.exists() else []
    return {line.split()[1] for line in lines if line.startswith("SAVED ")}


def _in_flight(bench: Bench) -> int:
    engine = bench.engine
    with Session(engine) as session:
        rows = session.exec(
            select(OutboxEntry.id).where(OutboxEntry.status == "in_flight")
        )
        return len(rows.all())


def _final_clean_drain(bench: Bench, settings: dict[str, str]) -> None:
    """An ordinary engine on the same station finishes whatever was left."""
    engine = SyncEngine(
        bench,
        tiktok=lambda: tiktok_client_from(settings),
        shopify=lambda: shopify_client_from(settings),
        settings=SyncSettings(backoff_base_s=0.05, backoff_cap_s=0.2),
    )
    deadline = time.monotonic() + 30
    while engine.status().waiting and time.monotonic() < deadline:
        engine.drain_once()
        time.sleep(0.05)
    engine.close()


def _fulfilled_orders(bench: Bench) -> set[str]:
    engine = bench.engine
    with Session(engine) as session:
        rows = session.exec(
            select(Shipment.order_id).join(
                Fulfilment,
                Fulfilment.shipment_id == Shipment.id,  # type: ignore[arg-type]
            )
        )
        return set(rows.all())


def _assert_nothing_stuck(bench: Bench, fulfilled: set[str]) -> None:
    engine = bench.engine
    with Session(engine) as session:
        statuses = session.exec(select(OutboxEntry.status)).all()
        states = session.exec(
            select(Shipment.order_id, Shipment.state).where(
                Shipment.order_id.in_(fulfilled)  # type: ignore[attr-defined]
            )
        ).all()
    assert len(statuses) == 2 * len(fulfilled)
    assert set(statuses) == {"done"}
    assert {state for _, state in states} == {ShipmentState.SYNCED.value}
