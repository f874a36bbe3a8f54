"""``giveaway-desk import-samples`` and ``export-tracking``, headless."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.cli import main
from app.services.bench import Bench
from app.services.samples import SamplesService
from app.sim.demo_store import build_demo_store
from app.sim.tiktok import SimServer, TikTokShopSim, seed_demo_store
from app.sim.tiktok.affiliate import application_record, install_affiliate
from app.storage.paths import resolve_folders

UPS = "1Z999AA10123456784"
SHEET = (
    "\ufeffApplication ID;Creator;Creator name;Product;Seller SKU;Recipient;Address;"
    "ZIP\r\n"
    "7450000000000000081;@lena.lips;=cmd|' /C calc'!A0;Glow Serum;GS-30;Lena Demo;"
    "12 Demo Street, Springfield;02134\r\n"
    "7450000000000000082;;No handle;Glow Serum;GS-30;X;1 Road;02135\r\n"
)


def run(
    capsys: pytest.CaptureFixture[str], data: Path, *args: str
) -> tuple[int, str, str]:
    code = main(["--data-dir", str(data), "--demo", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_import_names_bad_rows_and_export_writes_formulas_as_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    sheet = tmp_path / "samples.csv"
    sheet.write_bytes(SHEET.encode("utf-8"))

    code, out, _err = run(capsys, data, "import-samples", str(sheet))

    assert code == 1, "a bad row makes the exit code say so"
    assert "line 3: application 7450000000000000082: no creator handle" in out
    assert "1 sample rows imported (1 new parcels to send), 1 rows not imported" in out

    bench = Bench.open(resolve_folders(data, demo=True))
    try:
        parcel = SamplesService(bench).detail("7450000000000000081").row.shipment_id
        assert parcel is not None
        bench.fulfil(parcel, UPS, "UPS")
    finally:
        bench.close()
    exported = tmp_path / "tracking.csv"
    code, _out, err = run(capsys, data, "export-tracking", "--out", str(exported))

    assert code == 0 and "1 sample tracking numbers written" in err
    with exported.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    [row] = [r for r in rows if r["Application ID"] == "7450000000000000081"]
    assert row["Tracking number"] == UPS
    assert row["Creator name"] == "'=cmd|' /C calc'!A0"
    assert row["Creator"] == "lena.lips"


def test_map_names_a_column_the_guess_cannot_find(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = tmp_path / "own.csv"
    sheet.write_text("Req #,TikTok user\n00123,@zero.lead\n", encoding="cp1252")
    data = tmp_path / "data"

    code, _out, err = run(capsys, data, "import-samples", str(sheet))
    assert code == 2 and "No column for application_id" in err

    code, out, _err = run(
        capsys,
        data,
        "import-samples",
        str(sheet),
        "--map",
        "application_id=Req #",
        "--map",
        "creator_handle=TikTok user",
    )
    assert code == 0, out
    assert "application_id='Req #'" in out
    assert "1 sample rows imported" in out


def test_a_bad_map_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = tmp_path / "s.csv"
    sheet.write_text("Application ID,Creator\n1,@a\n", encoding="utf-8")
    code, _out, err = run(
        capsys, tmp_path / "data", "import-samples", str(sheet), "--map", "nope=X"
    )
    assert code == 2 and "Unknown field 'nope'" in err


def test_pull_samples_links_requests_and_queues_their_orders(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    store = build_demo_store(now=datetime.now(UTC) - timedelta(hours=1))
    sim = seed_demo_store(TikTokShopSim(), list(store.orders))
    served = install_affiliate(sim)
    sample = next(
        o
        for o in store.orders
        if o["is_sample_order"] and o["status"] == "AWAITING_SHIPMENT"
    )
    line = sample["line_items"][0]
    served.add_application(
        application_record(
            "7450000000000000099",
            status="AWAITING_SHIPMENT",
            product_id=line["product_id"],
            title=line["product_name"],
            sku_id=line["sku_id"],
            creator_user_id="6990000000000000444",
            username="riley.makes.things",
            order_id=sample["id"],
        )
    )
    tokens = sim.issue_tokens()
    data = tmp_path / "data"
    with SimServer(sim) as server:
        for name, value in {
            "GIVEAWAY_DESK_TIKTOK_API_URL": server.base_url,
            "GIVEAWAY_DESK_TIKTOK_AUTH_URL": server.base_url,
            "GIVEAWAY_DESK_TIKTOK_APP_KEY": sim.app_key,
            "GIVEAWAY_DESK_TIKTOK_APP_SECRET": sim.app_secret,
            "GIVEAWAY_DESK_TIKTOK_ACCESS_TOKEN": tokens["access_token"],
            "GIVEAWAY_DESK_TIKTOK_REFRESH_TOKEN": tokens["refresh_token"],
        }.items():
            monkeypatch.setenv(name, value)
        code = main(["--data-dir", str(data), "pull-samples"])
    out, err = capsys.readouterr()

    assert code == 0, err
    assert "1 new, 0 updated, 0 unchanged sample applications." in out
    assert "Sample orders: 1 new" in out
    bench = Bench.open(resolve_folders(data))
    try:
        detail = SamplesService(bench).detail("7450000000000000099")
    finally:
        bench.close()
    assert detail.row.order_id == sample["id"]
    assert detail.row.shipment_id is not None
    assert detail.row.creator_handle == "riley.makes.things"
