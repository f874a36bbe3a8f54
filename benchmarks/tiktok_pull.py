"""How fast a TikTok order pull runs over HTTP, against storing the same pages locally.

Pulls N demo orders (default 10,000, 100 per page) from the simulated TikTok Shop
over loopback HTTP with the real connector (signing, token header, paging) and
imports each page into a fresh bench database, storing the cursor after every
page, exactly as ``giveaway-desk sync --once`` does. The baseline, measured in
the same run, takes the very same pages as JSON text and only parses and
imports them into another fresh database. The ratio is the price of HTTP,
signing and the simulated server; the target is within 3x.

Run: ``python benchmarks/tiktok_pull.py [--orders N] [--page-size N]``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from app.domain.credentials import MemoryCredentialStore, Secret
from app.net.tiktok import TikTokConfig, TikTokShopClient, pull_orders
from app.net.tiktok import credentials as names
from app.services.bench import Bench
from app.sim.demo_store import build_demo_store
from app.sim.tiktok import SimServer, TikTokShopSim, seed_demo_store

CURSOR_KEY = "tiktok.orders.update_cursor"
TARGET_RATIO = 3.0


def _store_for(sim: TikTokShopSim) -> MemoryCredentialStore:
    tokens = sim.issue_tokens()
    return MemoryCredentialStore(
        {
            names.APP_KEY: Secret(sim.app_key),
            names.APP_SECRET: Secret(sim.app_secret),
            names.ACCESS_TOKEN: Secret(tokens["access_token"]),
            names.REFRESH_TOKEN: Secret(tokens["refresh_token"]),
        }
    )


def pull_over_http(
    sim: TikTokShopSim, bench: Bench, page_size: int
) -> tuple[float, list[list[dict[str, Any]]]]:
    """Seconds to pull and import everything over loopback, and the pages seen."""
    pages: list[list[dict[str, Any]]] = []
    with SimServer(sim) as server:
        config = TikTokConfig(
            api_base_url=server.base_url, auth_base_url=server.base_url
        )
        with TikTokShopClient(config, _store_for(sim)) as client:
            started = time.perf_counter()
            for page in pull_orders(client, None, page_size=page_size):
                bench.import_orders(page.orders, "benchmark http")
                bench.set_state(CURSOR_KEY, page.cursor)
                pages.append(page.orders)
            elapsed = time.perf_counter() - started
    return elapsed, pages


def pull_only(sim: TikTokShopSim, page_size: int) -> float:
    """Seconds for the connector alone: the same pull over loopback, no import."""
    with SimServer(sim) as server:
        config = TikTokConfig(
            api_base_url=server.base_url, auth_base_url=server.base_url
        )
        with TikTokShopClient(config, _store_for(sim)) as client:
            started = time.perf_counter()
            for _page in pull_orders(client, None, page_size=page_size):
                pass
            return time.perf_counter() - started


def import_locally(bench: Bench, bodies: list[bytes]) -> float:
    """Seconds to parse the same page bodies and import them, without HTTP."""
    started = time.perf_counter()
    for position, body in enumerate(bodies):
        orders = json.loads(body)["data"]["orders"]
        bench.import_orders(orders, "benchmark baseline")
        bench.set_state(CURSOR_KEY, str(position))
    return time.perf_counter() - started


def main(argv: Sequence[str] | None = None) -> int:
    """Run both measurements and print orders per second and their ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--page-size", type=int, default=100)
    args = parser.parse_args(argv)

    # An hour back: the demo generator can stamp a few updates minutes after
    # "now", which a pull that ends at the current second rightly leaves for later.
    an_hour_ago = datetime.now(UTC) - timedelta(hours=1)
    orders = list(build_demo_store(now=an_hour_ago, order_count=args.orders).orders)
    sim = seed_demo_store(TikTokShopSim(), orders)
    with tempfile.TemporaryDirectory() as folder:
        http_bench = Bench.open_path(Path(folder) / "http")
        local_bench = Bench.open_path(Path(folder) / "local")
        try:
            http_s, pages = pull_over_http(sim, http_bench, args.page_size)
            bodies = [
                json.dumps({"code": 0, "data": {"orders": page}}).encode()
                for page in pages
            ]
            local_s = import_locally(local_bench, bodies)
            bare_s = pull_only(sim, args.page_size)
        finally:
            http_bench.close()
            local_bench.close()

    pulled = [order["id"] for page in pages for order in page]
    ratio = http_s / local_s if local_s else float("inf")
    print(f"orders: {len(pulled)} pulled in {len(pages)} pages of {args.page_size}")
    print(f"over loopback HTTP : {http_s:7.2f} s  {len(pulled) / http_s:9.0f} orders/s")
    print(
        f"baseline, no HTTP  : {local_s:7.2f} s  {len(pulled) / local_s:9.0f} orders/s"
    )
    print(f"pull only, no store: {bare_s:7.2f} s  {len(pulled) / bare_s:9.0f} orders/s")
    verdict = "within" if ratio <= TARGET_RATIO else "NOT within"
    print(
        f"ratio HTTP/baseline: {ratio:7.2f}x ({verdict} the {TARGET_RATIO:.0f}x target)"
    )

    if sorted(pulled) != sorted(order["id"] for order in orders):
        print("ERROR: the pull did not return every order exactly once")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
