"""``giveaway-desk fulfil --csv FILE``: a label tool's export, headless."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli import main

UPS = "1Z999AA10123456784"


def run(
    capsys: pytest.CaptureFixture[str], data: Path, *args: str
) -> tuple[int, str, str]:
    code = main(["--data-dir", str(data), "--demo", *args])
    out, err = capsys.readouterr()
    return code, out, err


def ready_orders(capsys: pytest.CaptureFixture[str], data: Path) -> list[str]:
    _code, out, _err = run(capsys, data, "queue", "--json")
    return [row["order_id"] for row in json.loads(out) if row["state"] == "ready"]


def test_csv_rows_are_applied_and_refusals_listed_by_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    first, second = ready_orders(capsys, data)[:2]
    csv_file = tmp_path / "pirate-ship.csv"
    csv_file.write_text(
        f"Order ID,Tracking Number\n{first},{UPS}\n{second},{UPS}\n", encoding="utf-8"
    )

    code, out, _err = run(capsys, data, "fulfil", "--csv", str(csv_file))

    assert code == 1, "a refused row makes the exit code say so"
    assert f"line 2: order {first}: applied: UPS {UPS}" in out
    assert f"line 3: order {second}: REFUSED: " in out
    assert f"already used on order {first}" in out
    assert "1 tracking numbers applied, 1 refused" in out


def test_csv_with_an_order_id_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = run(capsys, tmp_path / "data", "fulfil", "579", "--csv", "x.csv")
    assert code == 2
    assert "--csv cannot be combined with ORDER_ID" in err


def test_neither_order_nor_csv_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = run(capsys, tmp_path / "data", "fulfil", "579")
    assert code == 2
    assert "give ORDER_ID and --tracking, or --csv FILE" in err
    assert "usage: giveaway-desk fulfil ORDER_ID --tracking NUMBER" in err


def test_a_file_without_the_columns_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv_file = tmp_path / "wrong.csv"
    csv_file.write_text("Name,Address\nA,B\n", encoding="utf-8")

    code, _out, err = run(capsys, tmp_path / "data", "fulfil", "--csv", str(csv_file))

    assert code == 1
    assert "No order id or tracking number column" in err
