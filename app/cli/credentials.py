"""``giveaway-desk credentials``: see, set and delete the secrets in the OS keyring.

A secret's value is read from standard input, never from the command line (where
it would land in the shell history and the process list); on a terminal it is
typed without echo. Values are never printed.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import sys

from app.domain.credentials import Secret
from app.services.credentials import (
    CONNECTOR_SECRETS,
    KNOWN_SECRET_NAMES,
    BackendStatus,
    CredentialsService,
    CredentialStoreError,
)

logger = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``credentials`` and its actions to the command line."""
    parser = subparsers.add_parser(
        "credentials",
        help="show, set or delete the secrets kept in the OS keyring",
        description="Secrets live only in the OS keyring. Values are never shown.",
    )
    parser.add_argument(
        "--profile",
        metavar="NAME",
        help="store profile (default: the one in this station's settings)",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    status = actions.add_parser("status", help="the keyring in use and which are set")
    status.set_defaults(handler=run_status)

    names = ", ".join(KNOWN_SECRET_NAMES)
    setter = actions.add_parser(
        "set", help="save a secret read from standard input (no echo on a terminal)"
    )
    setter.add_argument("name", metavar="NAME", help=f"one of: {names}")
    setter.set_defaults(handler=run_set)

    deleter = actions.add_parser("delete", help="forget a secret")
    deleter.add_argument("name", metavar="NAME", help=f"one of: {names}")
    deleter.set_defaults(handler=run_delete)

    disconnect = actions.add_parser(
        "disconnect", help="forget all of a store's secrets"
    )
    disconnect.add_argument("connector", choices=sorted(CONNECTOR_SECRETS))
    disconnect.set_defaults(handler=run_disconnect)


# --- actions ----------------------------------------------------------------------


def run_status(args: argparse.Namespace) -> int:
    """Print the backend, its state and which secrets are set (never values)."""
    overview = _service(args).overview()
    _out(f"Keyring backend: {overview.backend.backend_name}")
    _out(f"Store profile: {overview.profile}")
    if not overview.backend.usable:
        _explain(overview.backend)
        return EXIT_FAILED

    _out(overview.backend.message)
    if overview.problem:
        _err(overview.problem)
        return EXIT_FAILED
    width = max(len(name) for name in KNOWN_SECRET_NAMES)
    for entry in overview.secrets:
        _out(f"  {entry.name:<{width}}  {'set' if entry.is_set else 'not set'}")
    return EXIT_OK


def run_set(args: argparse.Namespace) -> int:
    """Check the keyring, then read one value from standard input and save it."""
    if args.name not in KNOWN_SECRET_NAMES:
        return _unknown(args.name)
    service = _service(args)
    status = service.check_backend()
    if not status.usable:
        # Checked before reading, so nobody types a secret that cannot be kept.
        _explain(status)
        _err("Nothing was saved.")
        return EXIT_FAILED

    value = _read_value(args.name)
    if not value:
        _err("No value was given on standard input; nothing was saved.")
        return EXIT_FAILED
    try:
        service.set_secret(args.name, Secret(value))
    except CredentialStoreError as exc:
        _err(str(exc))
        return EXIT_FAILED
    _out(f"Saved {args.name} in {status.backend_name}.")
    return EXIT_OK


def run_delete(args: argparse.Namespace) -> int:
    """Forget one secret."""
    if args.name not in KNOWN_SECRET_NAMES:
        return _unknown(args.name)
    try:
        _service(args).delete_secret(args.name)
    except CredentialStoreError as exc:
        _err(str(exc))
        return EXIT_FAILED
    _out(f"Deleted {args.name}.")
    return EXIT_OK


def run_disconnect(args: argparse.Namespace) -> int:
    """Forget every secret of one connector."""
    try:
        _service(args).disconnect(args.connector)
    except CredentialStoreError as exc:
        _err(str(exc))
        return EXIT_FAILED
    _out(f"Deleted every {args.connector} secret.")
    return EXIT_OK


# --- helpers ----------------------------------------------------------------------


def _service(args: argparse.Namespace) -> CredentialsService:
    if args.profile:
        return CredentialsService(args.profile)
    return CredentialsService.from_settings()


def _read_value(name: str) -> str:
    if sys.stdin is None:
        return ""
    if sys.stdin.isatty():
        return getpass.getpass(f"{name} (typing is not shown): ").strip()
    return sys.stdin.read().strip()


def _explain(status: BackendStatus) -> None:
    _err(status.message)
    if status.way_forward:
        _err(f"What to do: {status.way_forward}")


def _unknown(name: str) -> int:
    _err(f"{name!r} is not a secret Giveaway Desk uses.")
    _err(f"Known names: {', '.join(KNOWN_SECRET_NAMES)}")
    return EXIT_USAGE


def _out(line: str) -> None:
    sys.stdout.write(line + "\n")


def _err(line: str) -> None:
    sys.stderr.write(line + "\n")
