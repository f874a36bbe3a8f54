"""``giveaway-desk sync``: pull TikTok orders and send the outbox, headless.

``sync --once`` pulls the TikTok orders updated since the last run, then sends
every outbox entry that is due (ship in TikTok Shop, fulfil or take stock in
Shopify) once, prints a summary and exits. ``sync`` alone keeps doing both
until Ctrl+C (or SIGTERM), retrying what failed on its own schedule.

Shopify takes part when a shop is set (settings, or
``GIVEAWAY_DESK_SHOPIFY_URL`` with ``GIVEAWAY_DESK_SHOPIFY_LOCATION_ID`` and
``GIVEAWAY_DESK_SHOPIFY_CLIENT_ID``/``_CLIENT_SECRET`` or ``_ACCESS_TOKEN``).

The TikTok hosts come from ``GIVEAWAY_DESK_TIKTOK_API_URL`` and
``GIVEAWAY_DESK_TIKTOK_AUTH_URL`` (default: TikTok's own). Credentials come from
the keyring of the station's store profile, and environment variables
``GIVEAWAY_DESK_TIKTOK_APP_KEY``, ``_APP_SECRET``, ``_ACCESS_TOKEN``,
``_REFRESH_TOKEN`` and ``_SHOP_CIPHER`` override them for this run without being
written anywhere. Tokens renewed during the run are saved in the keyring.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable
from typing import Any, Final

from app.cli.common import fail, open_bench
from app.domain.credentials import CredentialStore, MemoryCredentialStore
from app.net.shopify import auth as shopify_auth
from app.net.tiktok import EnvCredentialStore, TikTokConfig, TikTokShopClient
from app.net.tiktok import credentials as names
from app.net.tiktok.client import MAX_PAGE_SIZE, NotConfiguredError
from app.net.tiktok.credentials import ENV_NAMES
from app.net.tiktok.errors import TikTokError
from app.net.tiktok.pull import pull_orders
from app.services import outbox
from app.services.bench import Bench
from app.services.credentials import CredentialsService, CredentialStoreError
from app.services.dto import ImportReport
from app.services.sync_engine import TIKTOK_CURSOR_KEY, SyncEngine
from app.services.sync_setup import station_engine

logger = logging.getLogger(__name__)

#: The ``sync_state`` key of the TikTok order cursor.
CURSOR_KEY: Final = TIKTOK_CURSOR_KEY
SOURCE: Final = "TikTok Shop API"
# At most this many rejected records are printed; the log has them all.
_SHOWN_ERRORS: Final = 10


def register(subparsers: Any) -> None:
    """Add ``sync``."""
    parser = subparsers.add_parser(
        "sync",
        help="pull TikTok Shop orders and send tracking and stock to the shops",
        description="Pull the TikTok Shop orders updated since the last sync and "
        "queue the giveaways and samples among them, then send what the outbox "
        "holds (tracking to TikTok Shop, fulfilment or stock to Shopify), each "
        "effect once. The position is kept in the data folder, so the next sync "
        "continues where this one ended. Without --once it keeps running until "
        "Ctrl+C.",
    )
    parser.add_argument(
        "--once",
        action="store_true",
        help="pull once, send what is due once, print a summary and exit",
    )
    parser.add_argument(
        "--page-size",
        type=int,
        default=MAX_PAGE_SIZE,
        metavar="N",
        help=f"orders per page, 1 to {MAX_PAGE_SIZE} (default {MAX_PAGE_SIZE})",
    )
    # For tests and scripts: stop the continuous sync after N rounds.
    parser.add_argument("--rounds", type=int, default=0, help=argparse.SUPPRESS)
    parser.set_defaults(handler=_sync)


def _sync(args: argparse.Namespace) -> int:
    if not 1 <= args.page_size <= MAX_PAGE_SIZE:
        return fail(f"--page-size must be 1 to {MAX_PAGE_SIZE}", 2)

    bench = open_bench(args)
    try:
        if not args.once:
            return _run_continuously(bench, args.rounds)
        code = _pull_once(bench, args.page_size)
        return max(code, _drain_once(bench))
    finally:
        bench.close()


def _pull_once(bench: Bench, page_size: int) -> int:
    """Pull TikTok orders into the queue; prints a summary, returns the exit code."""
    total, progress = ImportReport(), [0]
    try:
        store = _credentials()
        with TikTokShopClient(TikTokConfig.from_env(), store) as client:
            missing = client.missing_credentials()
            if missing:
                raise NotConfiguredError(", ".join(missing) + " not set")
            _pull_into(bench, client, page_size, total, progress)
    except (TikTokError, CredentialStoreError) as error:
        logger.warning("TikTok sync failed", exc_info=True)
        if progress[0]:
            # Pages already imported stay imported and the cursor is stored.
            print(f"Before the failure: {progress[0]} page(s); {total.summary()}.")
        if isinstance(error, NotConfiguredError):
            return fail(
                f"TikTok is not set up: {error}. Save it with 'giveaway-desk "
                "credentials set NAME', or pass GIVEAWAY_DESK_TIKTOK_* variables."
            )
        return fail(f"TikTok sync failed: {error}")

    for message in total.errors[:_SHOWN_ERRORS]:
        fail(message)
    print(f"TikTok sync: {progress[0]} page(s); {total.summary()}.")
    return 1 if total.errors else 0


def _drain_once(bench: Bench) -> int:
    """Send every due outbox entry once; prints a summary, returns the exit code."""
    counts = outbox.counts(bench.engine)
    if not counts.get(outbox.PENDING) and not counts.get(outbox.IN_FLIGHT):
        return 0
    with _engine(bench) as engine:
        report = engine.drain_once()
        status = engine.status()
    for message in report.errors[:_SHOWN_ERRORS]:
        fail(message)
    print(
        f"Outbox: {report.summary()}; {status.waiting} waiting, "
        f"{status.failed} need a person."
    )
    if status.waiting and status.online is False:
        print(f"Not reachable now: {status.last_error}. Run sync again later.")
    return 1 if report.failed else 0


def _run_continuously(bench: Bench, rounds: int) -> int:
    """Pull and send until Ctrl+C or SIGTERM (or ``rounds`` rounds)."""
    stop = threading.Event()
    left = [rounds]

    def pause(seconds: float) -> None:
        left[0] -= 1
        if rounds and left[0] <= 0:
            stop.set()
        stop.wait(seconds)

    previous = {
        sig: signal.signal(sig, lambda *_: stop.set())
        for sig in (signal.SIGINT, signal.SIGTERM)
    }
    print("Syncing; press Ctrl+C to stop.", flush=True)
    try:
        with _engine(bench, sleep=pause) as engine:
            engine.run_forever(stop)
            status = engine.status()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    print(f"Stopped; {status.waiting} waiting, {status.failed} need a person.")
    return 0


def _engine(bench: Bench, sleep: Callable[[float], None] | None = None) -> SyncEngine:
    try:
        store = _credentials()
    except CredentialStoreError:
        # Already reported by the pull; the TikTok effects then wait, saying
        # what is missing, while Shopify's may still go out.
        logger.warning("No credential store for the sync", exc_info=True)
        store = MemoryCredentialStore()
    return station_engine(bench, store, shopify_store=_shopify_store(), sleep=sleep)


def _shopify_store() -> CredentialStore:
    # Headless runs bring their Shopify credentials in the environment; they
    # must not need (or touch) a keyring.
    headless = (shopify_auth.ACCESS_TOKEN_ENV, shopify_auth.CLIENT_ID_ENV)
    if any(os.environ.get(name) for name in headless):
        return MemoryCredentialStore()
    return CredentialsService.from_settings().store


def _credentials() -> CredentialStore:
    """The keyring under the environment's values; memory if only the env has them.

    A cron job or CI run on a machine without a keyring passes everything in the
    environment; tokens renewed during such a run are then kept in memory and
    lost at exit, which the warning says.
    """
    service = CredentialsService.from_settings()
    env = {name: os.environ.get(variable) for name, variable in ENV_NAMES.items()}
    env_ready = bool(
        env[names.APP_KEY]
        and env[names.APP_SECRET]
        and (env[names.ACCESS_TOKEN] or env[names.REFRESH_TOKEN])
    )
    if env_ready and not service.check_backend().usable:
        sys.stderr.write(
            "giveaway-desk: no keyring here; using the TIKTOK environment "
            "variables, and tokens renewed now are not kept after this run\n"
        )
        service.use_for_this_run()
    return EnvCredentialStore(service.store)


def _pull_into(
    bench: Bench,
    client: TikTokShopClient,
    page_size: int,
    total: ImportReport,
    progress: list[int],
) -> None:
    """Import page after page, storing the cursor once each page is safe."""
    cursor = bench.get_state(CURSOR_KEY)
    for page in pull_orders(client, cursor, page_size=page_size):
        _add(total, bench.import_orders(page.orders, SOURCE))
        bench.set_state(CURSOR_KEY, page.cursor)
        progress[0] += 1


def _add(total: ImportReport, report: ImportReport) -> None:
    total.imported += report.imported
    total.updated += report.updated
    total.unchanged += report.unchanged
    total.not_queued += report.not_queued
    total.errors.extend(report.errors)
