"""How fast the sync engine drains the outbox, beside what the rate limits allow.

Queues N fulfilments (default 1,000) on a fresh bench, then drains them with
the sync engine against both simulators over loopback HTTP, each with a rate
limit switched on:

* TikTok Shop: a token bucket of ``--tiktok-qps`` calls per second (burst of
  the same size);
* Shopify: the GraphQL cost bucket of ``--shopify-bucket`` points refilling at
  ``--shopify-restore`` points per second (default: the Shopify Plus figures).

In the same run it counts the calls and cost points each fulfilment really
needed and computes the theoretical maximum rate the two limits allow (the
slower of the two buckets, with the initial burst credited). It prints the
measured rate, that maximum, and their ratio.

Run: python benchmarks/outbox_drain.py [--count 1000]
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.services.bench import Bench  # noqa: E402
from app.services.demo_sync import DemoServices  # noqa: E402
from app.services.sync_engine import SyncEngine, SyncSettings  # noqa: E402
from app.sim.tiktok import TokenBucket  # noqa: E402
from tests.utils.sync_world import (  # noqa: E402
    make_simulators,
    prepare_bench,
    shopify_units_by_order,
    tracking_for,
)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its figures."""
    args = _arguments(argv)
    logging.basicConfig(level=logging.ERROR)
    with tempfile.TemporaryDirectory() as folder:
        services = make_simulators(
            args.count,
            bucket_size=args.shopify_bucket,
            restore_rate=args.shopify_restore,
        )
        try:
            bench = prepare_bench(Path(folder), services)
            _queue(bench, services, args.count)
            services.tiktok_sim.rate_limit = TokenBucket(
                args.tiktok_qps, int(args.tiktok_qps), time.time
            )
            figures = _drain(bench, services, args)
            bench.close()
        finally:
            services.close()
    _report(figures, args)
    return 0 if figures["complete"] else 1


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--tiktok-qps", type=float, default=50.0)
    parser.add_argument("--shopify-bucket", type=float, default=10_000.0)
    parser.add_argument("--shopify-restore", type=float, default=1_000.0)
    return parser.parse_args(argv)


def _queue(bench: Bench, services: DemoServices, count: int) -> None:
    """Fulfil every order locally: 2 outbox entries each, nothing sent yet."""
    for order_id in sorted(services.tiktok_sim.orders)[:count]:
        bench.fulfil(bench.find_shipment(order_id), tracking_for(order_id))
    assert bench.pending_effects() == 2 * count


def _drain(bench: Bench, services: DemoServices, args: argparse.Namespace) -> dict:
    """Drain until nothing waits; the timings and the counts the limits apply to."""
    tiktok, shopify = services.tiktok_sim, services.shopify_sim
    calls_before = tiktok.api_calls
    points_before = shopify.state.counters.points_charged
    engine = SyncEngine(
        bench,
        tiktok=lambda: services.tiktok_client(),
        shopify=lambda: services.shopify_client(),
        # Short engine backoff: a 429 the client could not wait out is retried
        # as soon as its Retry-After allows, not minutes later.
        settings=SyncSettings(backoff_base_s=0.2, backoff_cap_s=2.0),
    )
    started = time.perf_counter()
    deadline = started + 3600
    while engine.status().waiting and time.perf_counter() < deadline:
        if not engine.drain_once().worked:
            time.sleep(0.05)
    elapsed = time.perf_counter() - started
    engine.close()

    units = shopify_units_by_order(shopify)
    return {
        "elapsed": elapsed,
        "tiktok_calls": tiktok.api_calls - calls_before,
        "shopify_points": shopify.state.counters.points_charged - points_before,
        "shopify_throttled": shopify.state.counters.throttled,
        "complete": engine.status().waiting == 0
        and all(units[o] == 1 for o in tiktok.orders)
        and all(tiktok.ship_calls_effective[o] == 1 for o in tiktok.orders),
    }


def _report(figures: dict, args: argparse.Namespace) -> None:
    count = args.count
    calls, points = figures["tiktok_calls"], figures["shopify_points"]
    # Minimum time each bucket needs for the work really done, burst credited.
    tiktok_floor = max(0.0, (calls - args.tiktok_qps) / args.tiktok_qps)
    shopify_floor = max(0.0, (points - args.shopify_bucket) / args.shopify_restore)
    floor = max(tiktok_floor, shopify_floor)
    bound = "TikTok" if tiktok_floor >= shopify_floor else "Shopify"
    measured = count / figures["elapsed"]
    best = count / floor if floor else float("inf")

    print(f"Outbox drain: {count} fulfilments, {2 * count} remote effects")
    print(
        f"  TikTok: {calls} calls ({calls / count:.2f} per fulfilment) at "
        f"{args.tiktok_qps:.0f} calls/s -> at most {count / tiktok_floor:.1f} "
        f"fulfilments/s"
        if tiktok_floor
        else "  TikTok: within the burst"
    )
    print(
        f"  Shopify: {points} cost points ({points / count:.1f} per fulfilment) "
        f"at {args.shopify_restore:.0f} points/s, bucket {args.shopify_bucket:.0f}"
        f" -> at most {count / shopify_floor:.1f} fulfilments/s"
        if shopify_floor
        else "  Shopify: within the bucket"
    )
    print(f"  throttled answers: Shopify {figures['shopify_throttled']}")
    print(f"Measured: {figures['elapsed']:.1f} s, {measured:.1f} fulfilments/s")
    print(f"Theoretical maximum ({bound} limit): {best:.1f} fulfilments/s")
    if floor:
        print(f"Ratio measured / maximum: {measured / best:.2f}")
    print("Each effect exactly once:", "yes" if figures["complete"] else "NO")


if __name__ == "__main__":
    sys.exit(main())
