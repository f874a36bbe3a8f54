"""The campaign reports benchmark still runs (tiny size; figures are not checked)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "campaign_reports.py"


def test_the_reports_benchmark_runs_with_a_few_shipments(
    capsys: pytest.CaptureFixture[str],
) -> None:
    spec = importlib.util.spec_from_file_location("campaign_reports_bench", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    assert module.main(["--shipments", "60", "--repeat", "1"]) == 0
    assert "reports view refresh" in capsys.readouterr().out
