"""The crash harness's child: a bench that fulfils and syncs until it is killed.

Run as ``python sync_crash_child.py CONFIG.json``. To keep a hundred lives
within seconds, this process imports the app once, says ``READY``, and then
forks one worker per ``RUN <life> <output file>`` line on standard input,
answering ``PID <pid>``; the test kills that worker with SIGKILL whenever it
likes and sends ``REAP <pid>`` (answered ``REAPED``). ``QUIT`` ends it. The
fork happens before any thread, connection or database handle exists here,
so each worker starts clean.

A worker opens the bench on the shared SQLite file, and in a loop fulfils a
ready order now and then (writing ``SAVED <order id>`` to its output file the
moment the fulfilment is committed) and drains a few outbox entries.
"""

from __future__ import annotations

import json
import logging
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from app.domain.shipments import ShipmentState  # noqa: E402
from app.services.dto import QueueQuery  # noqa: E402
from app.services.sync_engine import SyncEngine, SyncSettings  # noqa: E402
from tests.utils.sync_world import (  # noqa: E402
    open_bench,
    shopify_client_from,
    tiktok_client_from,
    tracking_for,
)

READY_ONLY = QueueQuery(states=frozenset({ShipmentState.READY}))
#: Short waits, so entries a killed worker left behind come due quickly.
SETTINGS = SyncSettings(backoff_base_s=0.05, backoff_cap_s=0.2, lease_s=600)


def main() -> int:
    """Serve the test's commands until ``QUIT``."""
    config = json.loads(Path(sys.argv[1]).read_text())
    logging.basicConfig(level=logging.ERROR)
    _say_parent("READY")
    for line in sys.stdin:
        command, *args = line.split()
        if command == "RUN":
            pid = os.fork()
            if pid == 0:
                _worker(config, int(args[0]), Path(args[1]))
            _say_parent(f"PID {pid}")
        elif command == "REAP":
            os.waitpid(int(args[0]), 0)
            _say_parent("REAPED")
        elif command == "QUIT":
            return 0
    return 0


def _say_parent(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _worker(config: dict[str, str], life: int, output: Path) -> None:
    """One life: runs until killed (never returns)."""
    fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        _live(config, life, fd)
    finally:
        os._exit(0)


def _live(config: dict[str, str], life: int, fd: int) -> None:
    rng = random.Random(life)
    bench = open_bench(Path(config["folder"]))
    engine = SyncEngine(
        bench,
        tiktok=lambda: tiktok_client_from(config),
        shopify=lambda: shopify_client_from(config),
        settings=SETTINGS,
        rng=rng,
    )
    os.write(fd, b"START\n")
    while True:
        ready = bench.queue_ids(READY_ONLY)
        if ready and rng.random() < 0.6:
            shipment_id = rng.choice(ready[:20])
            order_id = bench.detail(shipment_id).row.order_id
            bench.fulfil(shipment_id, tracking_for(order_id))
            # Only now is the fulfilment committed: the line says it is safe.
            os.write(fd, f"SAVED {order_id}\n".encode())
        engine.drain_once(max_entries=rng.randint(1, 3))
        if not ready and engine.status().waiting == 0:
            os.write(fd, b"IDLE\n")
            time.sleep(0.05)


if __name__ == "__main__":
    sys.exit(main())
