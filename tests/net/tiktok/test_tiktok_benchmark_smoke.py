"""The pull benchmark still runs (tiny sizes; figures are not checked here)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[3] / "benchmarks" / "tiktok_pull.py"


def test_the_pull_benchmark_runs_with_tiny_sizes(capsys) -> None:
    spec = importlib.util.spec_from_file_location("tiktok_pull_benchmark", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    code = module.main(["--orders", "40", "--page-size", "15"])

    out = capsys.readouterr().out
    assert code == 0, out
    assert "pulled in 3 pages of 15" in out
    assert "orders/s" in out and "ratio HTTP/baseline" in out
