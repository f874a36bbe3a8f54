"""``giveaway-desk self-test``: does this installation work on this PC?

Support and the installer builds run it. It starts Qt offscreen, opens the
database, resolves the keyring backend, reports what it found, and exits
non-zero on any failure.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app import APP_NAME, __version__
from app.cli.common import open_bench

# Platforms whose keyring is part of the operating system: there, no usable
# keyring means the installation is broken (for instance the bundle lost
# keyring's backend metadata), so the self-test fails.
_OS_KEYRING_PLATFORMS = ("win32", "darwin")


class _Notice(Exception):  # noqa: N818 (not an error: a reported finding)
    """A finding worth reporting that is not a failure on this platform."""


def register(subparsers: Any) -> None:
    """Add ``self-test``."""
    parser = subparsers.add_parser(
        "self-test", help="check that Qt, the database and the folders work"
    )
    # The global --demo and --data-dir are also accepted after "self-test", as
    # support instructions and the installer builds write them there.
    # SUPPRESS keeps the values given before the subcommand when these are absent.
    parser.add_argument(
        "--demo", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS
    )
    parser.add_argument(
        "--data-dir", type=Path, default=argparse.SUPPRESS, help=argparse.SUPPRESS
    )
    parser.set_defaults(handler=_self_test)


def _self_test(args: argparse.Namespace) -> int:
    print(f"{APP_NAME} {__version__}, Python {sys.version.split()[0]}")
    checks: list[tuple[str, Callable[[], list[str]]]] = [
        ("Qt", _check_qt),
        ("Database", lambda: _check_database(args)),
        ("Keyring", _check_keyring),
    ]
    failures = 0
    for name, check in checks:
        try:
            lines = check()
        except _Notice as notice:
            print(f"note {name}: {notice}")
            continue
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


def _check_keyring() -> list[str]:
    """Resolve the keyring backend as the app does before a secret is typed."""
    from app.services.credentials import CredentialsService

    status = CredentialsService.from_settings().check_backend()
    if status.usable:
        return [status.message]
    problem = f"{status.state.value}: {status.message} {status.way_forward}"
    if sys.platform in _OS_KEYRING_PLATFORMS:
        raise RuntimeError(problem)
    # On Linux the keyring is a desktop-session service (GNOME Keyring, KDE
    # Wallet over D-Bus), not part of the OS: a kiosk login, an SSH session or
    # a build container has none, and the app handles that (it says so before
    # anyone types a secret and offers "this run only"). So a missing Secret
    # Service is reported, but the installation itself still passes.
    raise _Notice(f"{problem} (not a failure on Linux)")
