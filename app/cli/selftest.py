"""``giveaway-desk self-test``: does this installation work on this PC?

Support and the installer builds run it. It starts Qt offscreen, opens the
database, reports what it found, and exits non-zero on any failure.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from app import APP_NAME, __version__
from app.cli.common import open_bench


def register(subparsers: Any) -> None:
    """Add ``self-test``."""
    parser = subparsers.add_parser(
        "self-test", help="check that Qt, the database and the folders work"
    )
    parser.set_defaults(handler=_self_test)


def _self_test(args: argparse.Namespace) -> int:
    print(f"{APP_NAME} {__version__}, Python {sys.version.split()[0]}")
    checks: list[tuple[str, Callable[[], list[str]]]] = [
        ("Qt", _check_qt),
        ("Database", lambda: _check_database(args)),
    ]
    failures = 0
    for name, check in checks:
        try:
            lines = check()
        except Exception as error:  # noqa: BLE001 - every failure is reported
            failures += 1
            print(f"FAIL {name}: {type(error).__name__}: {error}")
            continue
        for line in lines:
            print(f"ok   {name}: {line}")
    print("Self-test passed." if not failures else f"Self-test FAILED ({failures}).")
    return 1 if failures else 0


def _check_qt() -> list[str]:
    from app.ui.selftest import check_qt

    return check_qt()


def _check_database(args: argparse.Namespace) -> list[str]:
    bench = open_bench(args)
    try:
        counts = bench.counts()
        total = sum(counts.values())
        catalog = len(bench.catalog())
        url = bench.engine.url.render_as_string(hide_password=True)
    finally:
        bench.close()
    return [
        f"opened {url}",
        f"{total} shipments ({counts[next(iter(counts))]} {next(iter(counts)).value}), "
        f"{catalog} catalog variants",
    ]
