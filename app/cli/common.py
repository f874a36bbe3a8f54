"""What several subcommands share: opening the bench the options point at."""

from __future__ import annotations

import argparse
import json
import sys

from app.services.bench import Bench
from app.services.startup import start_bench


def open_bench(args: argparse.Namespace) -> Bench:
    """Open the bench on ``--data-dir`` / ``--demo`` (seeding the demo once)."""
    return start_bench(args.data_dir, demo=args.demo).bench


def print_json(value: object) -> None:
    """Write ``value`` as indented JSON to standard output."""
    json.dump(value, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


def fail(message: str, code: int = 1) -> int:
    """Print ``message`` to standard error and return ``code``."""
    sys.stderr.write(f"giveaway-desk: {message}\n")
    return code
