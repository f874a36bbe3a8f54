"""Keeps benchmarks/frozen_app.py from rotting: tiny runs, no frozen build needed."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "benchmarks" / "frozen_app.py"


def _benchmark() -> ModuleType:
    spec = importlib.util.spec_from_file_location("frozen_app", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_baseline_run_measures_self_test_and_first_paint() -> None:
    # The first-paint figure comes from GIVEAWAY_DESK_EXIT_AFTER_FIRST_PAINT: the
    # app must log its first paint and quit by itself, or this run times out.
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--baseline-only", "--runs", "1"],
        capture_output=True,
        text=True,
        timeout=240,
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    paint = re.search(r"start to first paint \(s\)\s+-\s+(\d+\.\d+)", result.stdout)
    test = re.search(r"self-test --demo \(s\)\s+-\s+(\d+\.\d+)", result.stdout)
    assert paint and test, result.stdout
    assert 0 < float(paint.group(1)) < 60


def test_bundle_size_counts_files_once_and_not_symlinks(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.bin").write_bytes(b"x" * 600_000)
    (tmp_path / "sub" / "b.bin").write_bytes(b"x" * 400_000)
    (tmp_path / "link.bin").symlink_to(tmp_path / "a.bin")

    assert _benchmark().bundle_size_mb(tmp_path) == 1.0


def test_missing_build_is_reported(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--dist", str(tmp_path), "--runs", "1"],
        capture_output=True,
        text=True,
        timeout=240,
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
        check=False,
    )

    assert result.returncode == 2
    assert "No frozen build" in result.stdout
