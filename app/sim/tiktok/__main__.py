"""``python -m app.sim.tiktok --port N``: a demo TikTok Shop on 127.0.0.1.

Prints the base URL and the simulator's own made-up credentials as ``export``
lines, so ``giveaway-desk sync --once`` can be pointed at it from a shell.
"""

from __future__ import annotations

import argparse
import logging
import sys
import threading
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from app.sim.demo_store import DEFAULT_SEED, build_demo_store
from app.sim.tiktok.faults import TokenBucket
from app.sim.tiktok.seed import seed_demo_store
from app.sim.tiktok.server import SimServer
from app.sim.tiktok.simulator import SimShop, TikTokShopSim

logger = logging.getLogger(__name__)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m app.sim.tiktok",
        description="Serve a simulated TikTok Shop with the demo store's orders.",
    )
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--orders", type=int, default=200, help="demo orders")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--region", default="US", help="shop region, e.g. US or ID")
    parser.add_argument(
        "--fail-every", type=int, default=0, metavar="N", help="5xx every Nth call"
    )
    parser.add_argument(
        "--latency", type=float, default=0.0, metavar="S", help="delay per answer"
    )
    parser.add_argument(
        "--rate",
        type=float,
        default=0.0,
        metavar="QPS",
        help="rate limit in calls per second (429 with Retry-After beyond it)",
    )
    return parser


def build_sim(args: argparse.Namespace) -> TikTokShopSim:
    """The demo shop, seeded an hour back so no order is stamped in the future."""
    sim = TikTokShopSim(shop=SimShop(region=args.region))
    moment = datetime.now(UTC) - timedelta(hours=1)
    store = build_demo_store(now=moment, seed=args.seed, order_count=args.orders)
    seed_demo_store(sim, store.orders)
    sim.faults.server_error_every = args.fail_every
    sim.faults.latency_s = args.latency
    if args.rate > 0:
        burst = max(1, int(args.rate * 2))
        sim.rate_limit = TokenBucket(args.rate, burst, sim.clock)
    return sim


def main(argv: Sequence[str] | None = None, stop: threading.Event | None = None) -> int:
    """Serve until Ctrl+C (or until ``stop`` is set)."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    sim = build_sim(args)
    tokens = sim.issue_tokens()
    with SimServer(sim, port=args.port) as server:
        url = server.base_url
        sys.stdout.write(
            f"TikTok Shop simulator on {url} with {len(sim.orders)} orders "
            "(Ctrl+C stops it). Made-up credentials for this run:\n"
            f"export GIVEAWAY_DESK_TIKTOK_API_URL={url}\n"
            f"export GIVEAWAY_DESK_TIKTOK_AUTH_URL={url}\n"
            f"export GIVEAWAY_DESK_TIKTOK_APP_KEY={sim.app_key}\n"
            f"export GIVEAWAY_DESK_TIKTOK_APP_SECRET={sim.app_secret}\n"
            f"export GIVEAWAY_DESK_TIKTOK_ACCESS_TOKEN={tokens['access_token']}\n"
            f"export GIVEAWAY_DESK_TIKTOK_REFRESH_TOKEN={tokens['refresh_token']}\n"
        )
        sys.stdout.flush()
        try:
            (stop or threading.Event()).wait()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
