"""How close the Shopify connector gets to the cost bucket's theoretical rate.

Takes one unit off stock N times (a stock read and an inventoryAdjustQuantities
each) against the simulated shop with a 100-point bucket refilling at 50
points/s, and prints the rate achieved beside the bucket's maximum for the same
points, measured in the same run:

* on simulated time (in-process, the sleep is instant): the full 500 takes;
* on real time over loopback HTTP: a smaller count, to stay under ~30 s.

Run: python benchmarks/shopify_throttle.py [--count 500] [--real-count 40]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.domain.credentials import MemoryCredentialStore, Secret  # noqa: E402
from app.net.shopify import (  # noqa: E402
    StockTake,
    open_client,
    take_units,
    tiktok_order_reference,
)
from app.net.shopify.config import ShopifyConfig  # noqa: E402
from app.sim.shopify import ShopifySimulator, SimSettings  # noqa: E402

BUCKET = 100.0
RESTORE = 50.0


class SimulatedClock:
    """Time that jumps forward when slept on."""

    def __init__(self) -> None:
        self.value = 0.0

    def now(self) -> float:
        """The simulated time."""
        return self.value

    def sleep(self, seconds: float) -> None:
        """Jump forward ``seconds``."""
        self.value += max(0.0, seconds)


def run(count: int, *, real_time: bool) -> None:
    """Do ``count`` takes and print achieved vs theoretical rate."""
    clock = SimulatedClock()
    now = time.monotonic if real_time else clock.now
    sleep = time.sleep if real_time else clock.sleep
    sim = ShopifySimulator(
        SimSettings(bucket_size=BUCKET, restore_rate=RESTORE), clock=now, sleep=sleep
    )
    location = sim.state.add_location("Main warehouse")
    variant = sim.state.add_variant(sku="BENCH-1", stock={location.id: count + 10})
    store = MemoryCredentialStore(
        {"shopify.admin_token": Secret("shpat_sim_admin_token")}
    )

    server = sim.serve() if real_time else None
    url = server.url if server else "https://bench.myshopify.com"
    transport = httpx.HTTPTransport() if server else sim.transport()
    client = open_client(
        ShopifyConfig(url), store, transport=transport, clock=now, sleep=sleep
    )
    try:
        start = now()
        for n in range(count):
            take_units(
                client,
                StockTake.one(
                    variant.inventory_item_id,
                    location.id,
                    1,
                    tiktok_order_reference(f"B-{n}"),
                    f"bench-{n}",
                ),
            )
        elapsed = now() - start
    finally:
        client.close()
        if server:
            server.stop()

    counters = sim.state.counters
    assert counters.units_adjusted[variant.inventory_item_id] == count
    points = counters.points_charged
    best_seconds = max(points - BUCKET, 0.0) / RESTORE
    achieved = count / elapsed if elapsed else float("inf")
    best = count / best_seconds if best_seconds else float("inf")
    label = "real time, loopback HTTP" if real_time else "simulated time, in-process"
    bucket = f"bucket {BUCKET:.0f} + {RESTORE:.0f} points/s"
    print(f"[{label}] {count} takes, {points} cost points, {bucket}")
    print(f"  elapsed            {elapsed:8.2f} s")
    print(f"  THROTTLED answers  {counters.throttled:8d}   (absorbed by the client)")
    print(f"  achieved rate      {achieved:8.2f} takes/s")
    print(f"  theoretical max    {best:8.2f} takes/s  ({bucket})")
    print(f"  ratio              {achieved / best:8.1%} of the maximum")


def main() -> None:
    """Run both measurements."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--real-count", type=int, default=40)
    args = parser.parse_args()
    run(args.count, real_time=False)
    if args.real_count:
        run(args.real_count, real_time=True)


if __name__ == "__main__":
    main()
