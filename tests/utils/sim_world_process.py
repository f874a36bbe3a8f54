"""Both simulated shops in a process of their own, for tests that time the GUI.

Run as ``python sim_world_process.py COUNT FOLDER``: it starts the simulators
with COUNT giveaway orders, prepares a bench in FOLDER with every order matched
and fulfilled (two outbox entries each, nothing sent), prints one JSON line
with what a client needs to reach the shops, and serves them until its standard
input closes. A real shop is another computer: keeping the simulators' work
out of the test's process keeps it from competing with the GUI thread.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.utils.sync_world import (  # noqa: E402
    client_settings,
    make_simulators,
    prepare_bench,
    tracking_for,
)


def main() -> int:
    """Start, prepare, report, serve until told to stop."""
    count, folder = int(sys.argv[1]), Path(sys.argv[2])
    logging.basicConfig(level=logging.ERROR)
    # The shops stand for other computers: on a 2-core test machine they must
    # not take the CPU the bench's GUI thread is being timed on.
    os.nice(10)
    services = make_simulators(count, bucket_size=10_000, restore_rate=1_000)
    bench = prepare_bench(folder, services)
    for order_id in sorted(services.tiktok_sim.orders):
        bench.fulfil(bench.find_shipment(order_id), tracking_for(order_id))
    bench.close()
    sys.stdout.write(json.dumps(client_settings(services)) + "\n")
    sys.stdout.flush()
    sys.stdin.read()
    services.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
