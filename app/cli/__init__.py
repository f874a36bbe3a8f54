"""The ``giveaway-desk`` command: the desktop app and its headless forms.

Each subcommand lives in its own module in this package and registers itself
through ``register(subparsers)``; :data:`COMMAND_MODULES` lists them in the order
``--help`` shows them.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path

from app import APP_NAME, __version__
from app.services.errors import StartupError

COMMAND_MODULES: tuple[str, ...] = (
    "app.cli.orders",
    "app.cli.selftest",
    "app.cli.credentials",
    "app.cli.scan_check",
    "app.cli.sync",
    "app.cli.shopify_cmd",
    "app.cli.report",
    "app.cli.campaign",
    "app.cli.samples",
)


def build_parser(*, with_commands: bool = True) -> argparse.ArgumentParser:
    """The argument parser, with every subcommand registered unless told not to."""
    parser = argparse.ArgumentParser(
        prog="giveaway-desk",
        description=f"{APP_NAME}: pack TikTok Shop giveaways and free samples.",
    )
    parser.add_argument("--version", action="version", version=__version__)
    parser.add_argument(
        "--demo",
        action="store_true",
        help="use the built-in demo store, in a data folder of its own",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        metavar="PATH",
        help="data folder to use (default: $GIVEAWAY_DESK_DATA_DIR, else the "
        "platform's user data folder)",
    )
    if with_commands:
        subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
        for module_name in COMMAND_MODULES:
            importlib.import_module(module_name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; with no subcommand, start the desktop app."""
    words = list(sys.argv[1:] if argv is None else argv)
    # Starting the desktop app must not wait for every subcommand's imports:
    # without a subcommand (or a request for help) only the global options
    # are parsed.
    desktop = not any(not word.startswith("-") for word in _without_values(words))
    wants_help = any(word in ("-h", "--help") for word in words)
    parser = build_parser(with_commands=not desktop or wants_help)
    args = parser.parse_args(words)
    handler = getattr(args, "handler", None)
    try:
        if handler is None:
            from app.ui.application import run_desktop

            return run_desktop(data_dir=args.data_dir, demo=args.demo)
        result = handler(args)
    except BrokenPipeError:
        # The reader (``| head``, a closed terminal) went away; nothing to say.
        return 0
    except StartupError as error:
        sys.stderr.write(f"giveaway-desk: {error}\n")
        return 2
    return int(result or 0)


def _without_values(words: list[str]) -> list[str]:
    """The words, less the value that follows ``--data-dir``."""
    kept: list[str] = []
    skip = False
    for word in words:
        if skip:
            skip = False
            continue
        if word == "--data-dir":
            skip = True
            continue
        kept.append(word)
    return kept


if __name__ == "__main__":
    sys.exit(main())
