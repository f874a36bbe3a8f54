"""``giveaway-desk sync --once``: pull new and changed TikTok orders, headless.

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
import sys
from typing import Any, Final

from app.cli.common import fail, open_bench
from app.domain.credentials import CredentialStore
from app.net.tiktok import EnvCredentialStore, TikTokConfig, TikTokShopClient
from app.net.tiktok import credentials as names
from app.net.tiktok.client import MAX_PAGE_SIZE, NotConfiguredError
from app.net.tiktok.credentials import ENV_NAMES
from app.net.tiktok.errors import TikTokError
from app.net.tiktok.pull import pull_orders
from app.services.bench import Bench
from app.services.credentials import CredentialsService, CredentialStoreError
from app.services.dto import ImportReport

logger = logging.getLogger(__name__)

#: The ``sync_state`` key of the TikTok order cursor.
CURSOR_KEY: Final = "tiktok.orders.update_cursor"
SOURCE: Final = "TikTok Shop API"
# At most this many rejected records are printed; the log has them all.
_SHOWN_ERRORS: Final = 10


def register(subparsers: Any) -> None:
    """Add ``sync``."""
    parser = subparsers.add_parser(
        "sync",
        help="pull new and changed TikTok Shop orders into the queue",
        description="Pull the TikTok Shop orders updated since the last sync and "
        "queue the giveaways and samples among them. The position is kept in the "
        "data folder, so the next sync continues where this one ended.",
    )
    parser.add_argument(
        "--once",
        action="store_true",
        help="pull once and exit (the only mode on the command line)",
    )
    parser.add_argument(
        "--page-size",
        type=int,
        default=MAX_PAGE_SIZE,
        metavar="N",
        help=f"orders per page, 1 to {MAX_PAGE_SIZE} (default {MAX_PAGE_SIZE})",
    )
    parser.set_defaults(handler=_sync)


def _sync(args: argparse.Namespace) -> int:
    if not args.once:
        return fail("continuous sync runs in the desktop app; use 'sync --once'", 2)
    if not 1 <= args.page_size <= MAX_PAGE_SIZE:
        return fail(f"--page-size must be 1 to {MAX_PAGE_SIZE}", 2)

    bench = open_bench(args)
    total, progress = ImportReport(), [0]
    try:
        store = _credentials()
        with TikTokShopClient(TikTokConfig.from_env(), store) as client:
            missing = client.missing_credentials()
            if missing:
                raise NotConfiguredError(", ".join(missing) + " not set")
            _pull_into(bench, client, args.page_size, total, progress)
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
    finally:
        bench.close()

    for message in total.errors[:_SHOWN_ERRORS]:
        fail(message)
    print(f"TikTok sync: {progress[0]} page(s); {total.summary()}.")
    return 1 if total.errors else 0


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
