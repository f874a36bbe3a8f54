"""Keeps benchmarks/shopify_throttle.py runnable (tiny sizes, simulated time)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

BENCHMARK = Path(__file__).resolve().parents[3] / "benchmarks" / "shopify_throttle.py"


def test_throttle_benchmark_runs_and_prints_both_rates(
    capsys: pytest.CaptureFixture[str],
) -> None:
    spec = importlib.util.spec_from_file_location("shopify_throttle", BENCHMARK)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    module.run(20, real_time=False)

    out = capsys.readouterr().out
    assert "achieved rate" in out and "theoretical max" in out
