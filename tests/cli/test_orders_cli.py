"""The headless commands, run as a back-office script would run them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import main
from tests.utils.bench_orders import sample

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def run(
    capsys: pytest.CaptureFixture[str], data: Path, *args: str
) -> tuple[int, str, str]:
    code = main(["--data-dir", str(data), *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def payload_files(tmp_path: Path) -> list[Path]:
    examples = json.loads((FIXTURES / "tiktok-shop-examples.json").read_text())
    search = tmp_path / "search.json"
    search.write_text(json.dumps(examples["order_search_response"]))

    detail = dict(examples["order_search_response"]["data"]["orders"][0])
    detail.update(examples["sample_order_detail_excerpt"])
    del detail["_note"]
    detail_file = tmp_path / "detail.json"
    detail_file.write_text(json.dumps({"code": 0, "data": {"orders": [detail]}}))

    missing = sample(order_id="579100000000000404")
    del missing["line_items"][0]["product_id"]
    unknown = sample(order_id="579100000000000505", status="AWAITING_DRONE_PICKUP")
    odd = tmp_path / "odd.json"
    odd.write_text(json.dumps([missing, unknown]))
    return [search, detail_file, odd]


def test_import_then_queue_json_gives_the_expected_queue(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], payload_files: list[Path]
) -> None:
    data = tmp_path / "data"
    code, out, err = run(capsys, data, "import-orders", *map(str, payload_files))

    assert code == 1, "a rejected record makes the exit code say so"
    assert (
        "odd.json, record 1: order 579100000000000404, line 1: "
        "field 'product_id' is missing"
    ) in err
    assert (
        "3 new" in out and "1 not giveaways or samples" in out and "1 rejected" in out
    )

    code, out, _ = run(capsys, data, "queue", "--json")
    queue = {entry["order_id"]: entry for entry in json.loads(out)}
    assert code == 0
    assert set(queue) == {
        "579100000000000202",
        "579100000000000303",
        "579100000000000505",
    }
    giveaway = queue["579100000000000202"]
    assert (giveaway["kind"], giveaway["state"], giveaway["sku"]) == (
        "giveaway",
        "unmatched",
        None,
    )
    # rts_sla_time 1767874700, as ISO 8601 in UTC
    assert giveaway["ship_by"] == "2026-01-08T12:18:20+00:00"
    assert giveaway["tracking_number"] is None
    assert queue["579100000000000303"]["kind"] == "sample"
    assert queue["579100000000000505"]["platform_status"] == "AWAITING_DRONE_PICKUP"


def test_reimporting_the_same_files_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], payload_files: list[Path]
) -> None:
    data = tmp_path / "data"
    run(capsys, data, "import-orders", *map(str, payload_files[:2]))
    code, out, _ = run(capsys, data, "import-orders", *map(str, payload_files[:2]))
    assert code == 0
    assert "0 new, 0 updated, 2 unchanged" in out


def test_unreadable_files_are_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"data": {"orders": [')
    code, _, err = run(
        capsys, tmp_path / "d", "import-orders", str(broken), "nope.json"
    )
    assert code == 1
    assert "broken.json: not valid JSON" in err
    assert "nope.json: No such file or directory" in err


def test_match_and_fulfil_by_order_id(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], payload_files: list[Path]
) -> None:
    data = tmp_path / "data"
    run(capsys, data, "--demo", "queue")  # any call creates the folder
    run(capsys, data, "import-orders", str(payload_files[0]))

    code, _, err = run(capsys, data, "match", "579100000000000202", "CNDL-LAV-08")
    assert code == 1 and "not in the catalog" in err

    code, _, err = run(
        capsys, data, "fulfil", "579100000000000202", "--tracking", "1Z999AA10123456784"
    )
    assert code == 1 and "not matched to a SKU yet" in err


def test_the_installed_entry_point_runs_the_self_test(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("giveaway-desk")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "app"]
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [*command, "--data-dir", str(tmp_path / "d"), "--demo", "self-test"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Self-test passed." in result.stdout
    assert "catalog variants" in result.stdout


def test_a_data_folder_that_cannot_be_used_is_explained(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("")

    code, _, err = run(capsys, not_a_folder, "queue")

    assert code == 2
    assert f"the data folder {not_a_folder} cannot be used" in err
    assert "Traceback" not in err


def test_the_label_zip_must_be_checked_before_a_mismatch_is_saved(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    sample_order = sample(order_id="579100000000000606", seller_sku="")
    sample_order["recipient_address"]["postal_code"] = "54321"
    orders = tmp_path / "orders.json"
    orders.write_text(json.dumps([sample_order]))
    run(capsys, data, "import-orders", str(orders))
    from app.services.bench import Bench
    from app.services.dto import CatalogItem

    bench = Bench.open_path(data)
    bench.upsert_catalog([CatalogItem(sku="GS-30", title="Glow Serum 30ml")])
    bench.match(bench.find_shipment("579100000000000606"), "GS-30")
    bench.close()
    label = "420123459400100000000000123453"  # bench case C07: label ZIP 12345

    code, _, err = run(
        capsys, data, "fulfil", "579100000000000606", "--tracking", label
    )
    assert code == 1
    assert "label ZIP does not match order" in err and "--zip-checked" in err

    code, out, _ = run(
        capsys,
        data,
        "fulfil",
        "579100000000000606",
        "--tracking",
        label,
        "--zip-checked",
    )
    assert code == 0 and "USPS 9400100000000000123453" in out
