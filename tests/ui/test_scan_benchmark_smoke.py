"""The scan-to-state benchmark still runs (tiny size; figures are not checked)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "scan_to_state.py"


def test_the_scan_benchmark_runs_with_a_few_orders(qapp, capsys) -> None:
    spec = importlib.util.spec_from_file_location("scan_to_state_benchmark", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    code = module.main(["--orders", "3"])

    out = capsys.readouterr().out
    assert code == 0, out
    assert "3 item scans" in out
    assert "scan -> verified state stored: p50" in out
    assert "bare database write:" in out and "ratio scan/bare write" in out
