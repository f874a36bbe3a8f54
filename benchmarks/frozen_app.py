"""How big is the frozen app, and how fast does it start?

Measures, in one run, for the PyInstaller build in ``dist/giveaway-desk`` and,
as the baseline, for the same code run by this Python (``python -m app``):

- the bundle's size: every file of the dist folder, in MB;
- ``self-test --demo``: wall time of the whole command (Qt, database, keyring);
- start to first paint: a fresh ``--demo`` process until its queue table first
  paints. The app logs that moment and quits when
  ``GIVEAWAY_DESK_EXIT_AFTER_FIRST_PAINT=1`` (see app/ui/application.py); the
  figure is the logged time minus the moment the process was started.

Each figure is the median of ``--runs`` runs after one warm-up run, which also
creates and seeds the demo store; frozen and source runs take turns. Everything
runs offscreen in a temporary folder; nothing of the user's data, settings or
logs is touched.

Usage: python benchmarks/frozen_app.py [--dist PATH] [--runs N] [--baseline-only]
Targets: bundle under 150 MB; frozen start to first paint under 2 s.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DIST = ROOT / "dist" / "giveaway-desk"
SIZE_TARGET_MB = 150.0
PAINT_TARGET_S = 2.0
TIMEOUT_S = 120
_FIRST_PAINT = re.compile(r"First paint at (\d+\.\d+)")


def bundle_size_mb(folder: Path) -> float:
    """Total size of the files under ``folder`` (symlinks not followed), in MB."""
    total = sum(
        path.lstat().st_size
        for path in folder.rglob("*")
        if path.is_file() and not path.is_symlink()
    )
    return total / 1_000_000


def frozen_executable(dist: Path) -> Path:
    """The command-line executable inside a dist folder."""
    name = "giveaway-desk.exe" if sys.platform == "win32" else "giveaway-desk"
    return dist / name


def _environment(home: Path) -> dict[str, str]:
    """Offscreen, with data, settings, logs and Qt settings under ``home``."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env["GIVEAWAY_DESK_CONFIG_DIR"] = str(home / "config")
    env["GIVEAWAY_DESK_LOG_DIR"] = str(home / "logs")
    env["XDG_CONFIG_HOME"] = str(home / "xdg-config")
    return env


def self_test_seconds(command: list[str], home: Path) -> float:
    """Wall time of ``self-test --demo`` on the data folder under ``home``."""
    started = time.perf_counter()
    result = subprocess.run(
        [*command, "self-test", "--demo", "--data-dir", str(home / "data")],
        env=_environment(home),
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(f"self-test failed:\n{result.stdout}{result.stderr}")
    return elapsed


def first_paint_seconds(command: list[str], home: Path) -> float:
    """From starting ``--demo`` until the queue first paints, in seconds."""
    log = home / "logs" / "giveaway-desk.log"
    before = log.read_text("utf-8") if log.exists() else ""
    env = _environment(home)
    env["GIVEAWAY_DESK_EXIT_AFTER_FIRST_PAINT"] = "1"
    started = time.time()
    result = subprocess.run(
        [*command, "--demo", "--data-dir", str(home / "data")],
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"the app failed:\n{result.stdout}{result.stderr}")
    found = _FIRST_PAINT.findall(log.read_text("utf-8")[len(before) :])
    if not found:
        raise RuntimeError(f"no first paint logged in {log}")
    return float(found[-1]) - started


def measure(
    commands: dict[str, list[str]], runs: int
) -> dict[str, tuple[float, float]]:
    """Median (self-test, first-paint) seconds per way of running the app.

    The ways take turns run by run, so a burst of load on the machine slows
    all of them alike and the ratio stays fair. Each gets one warm-up run,
    which also creates and seeds its demo store.
    """
    tests: dict[str, list[float]] = {name: [] for name in commands}
    paints: dict[str, list[float]] = {name: [] for name in commands}
    with tempfile.TemporaryDirectory(prefix="giveaway-desk-bench-") as folder:
        homes = {name: Path(folder) / name for name in commands}
        for run in range(runs + 1):
            for name, command in commands.items():
                test = self_test_seconds(command, homes[name])
                paint = first_paint_seconds(command, homes[name])
                if run > 0:
                    tests[name].append(test)
                    paints[name].append(paint)
    return {
        name: (statistics.median(tests[name]), statistics.median(paints[name]))
        for name in commands
    }


def _verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def main(argv: list[str] | None = None) -> int:
    """Measure, print the figures and the targets; exit 1 when a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=DEFAULT_DIST)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--baseline-only",
        action="store_true",
        help="measure only the non-frozen app (no build needed)",
    )
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    executable = frozen_executable(args.dist)
    if not args.baseline_only and not executable.is_file():
        print(f"No frozen build at {executable}; run PyInstaller with build.spec.")
        return 2

    commands = {"source": [sys.executable, "-m", "app"]}
    if not args.baseline_only:
        commands["frozen"] = [str(executable)]
    figures = measure(commands, args.runs)
    source_test, source_paint = figures["source"]
    print(f"Median of {args.runs} runs each, after one warm-up run.")
    print(f"{'':32} {'frozen':>10} {'python -m app':>14} {'ratio':>7}")
    if args.baseline_only:
        print(f"{'self-test --demo (s)':32} {'-':>10} {source_test:14.2f}")
        print(f"{'start to first paint (s)':32} {'-':>10} {source_paint:14.2f}")
        return 0

    size = bundle_size_mb(args.dist)
    frozen_test, frozen_paint = figures["frozen"]
    rows = (
        ("self-test --demo (s)", frozen_test, source_test),
        ("start to first paint (s)", frozen_paint, source_paint),
    )
    for label, frozen, source in rows:
        print(f"{label:32} {frozen:10.2f} {source:14.2f} {frozen / source:6.2f}x")
    print(f"{'bundle size (MB)':32} {size:10.1f}")
    size_ok = size < SIZE_TARGET_MB
    paint_ok = frozen_paint < PAINT_TARGET_S
    print(f"Target: bundle under {SIZE_TARGET_MB:.0f} MB: {_verdict(size_ok)}")
    print(f"Target: first paint under {PAINT_TARGET_S:.0f} s: {_verdict(paint_ok)}")
    return 0 if size_ok and paint_ok else 1


if __name__ == "__main__":
    sys.exit(main())
