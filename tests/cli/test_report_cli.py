"""``giveaway-desk report``: the figures of a real data folder, as a table or CSV."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from sqlmodel import Session

from app.cli import main
from app.domain.carriers import ups_check_digit
from app.services.campaigns import CampaignService
from app.services.dto import CatalogItem
from app.storage.models import SampleApplication
from tests.utils.bench_orders import giveaway, open_bench, sample

PRODUCT = "1729000000000000555"


def ups(number: int) -> str:
    body = f"999AA10{number:08d}"
    return f"1Z{body}{ups_check_digit(body)}"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A data folder with 3 giveaways of a campaign and 2 samples shipped."""
    folder = tmp_path / "data"
    bench = open_bench(folder)
    bench.upsert_catalog(
        [
            CatalogItem(sku="GS-30", title="Glow Serum 30ml", unit_cost="4.00"),
            CatalogItem(sku="CNDL-LAV-08", title="Candle", unit_cost="=1+1"),
        ]
    )
    orders = [
        giveaway(PRODUCT, "1729000000000000556", order_id=f"G{n}") for n in range(3)
    ]
    orders += [sample(order_id="S1"), sample(order_id="S2")]
    bench.import_orders(orders, "test")
    service = CampaignService(bench)
    service.create("Friday LIVE", "GS-30", 5, product_ids=[PRODUCT])
    for number, order in enumerate(orders):
        bench.fulfil(bench.find_shipment(order["id"]), ups(number), "UPS")
    with Session(bench.engine) as session:
        # A creator handle typed as a formula must reach the CSV as text.
        session.add(
            SampleApplication(
                application_id="A1",
                status="SHIPPED",
                shipment_id=bench.find_shipment("S1"),
                creator_handle='=HYPERLINK("http://x")',
            )
        )
        session.commit()
    bench.close()
    return folder


def run(capsys: pytest.CaptureFixture[str], data: Path, *args: str) -> tuple[int, str]:
    code = main(["--data-dir", str(data), "report", *args])
    out, err = capsys.readouterr()
    assert err == "" or code != 0
    return code, out


def test_campaigns_csv_has_the_budget_and_the_sums(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run(capsys, data, "campaigns", "--csv")

    rows = list(csv.reader(io.StringIO(out)))
    assert code == 0
    assert rows[0] == [
        "Label",
        "Budget",
        "State",
        "Over budget",
        "Shipments",
        "Units",
        "Cost",
        "Units without cost",
    ]
    assert rows[1] == ["Friday LIVE", "5", "draft", "0", "3", "3", "12.00", "0"]
    assert rows[-1][0] == "Total" and rows[-1][5] == "3"


def test_daily_table_counts_every_shipped_unit(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run(capsys, data, "daily")

    total = next(line for line in out.splitlines() if line.startswith("Total"))
    assert code == 0
    assert out.startswith("Shipped per day")
    # 5 shipments, 5 units, 3 x 4.00 known; the candle's cost is not a number.
    assert total.split() == ["Total", "5", "5", "12.00", "2"]


def test_creators_csv_goes_to_a_file(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "creators.csv"

    code, out = run(capsys, data, "creators", "--csv", "--output", str(target))

    rows = list(csv.reader(target.open(encoding="utf-8", newline="")))
    assert code == 0 and "written" in out
    assert rows[1][:3] == ["(unknown creator)", "1", "1"]
    assert rows[2][:3] == ['\'=HYPERLINK("http://x")', "1", "1"]


def test_an_unknown_report_is_refused_by_the_parser(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["--data-dir", str(data), "report", "weekly"])

    assert stopped.value.code == 2
    assert "invalid choice" in capsys.readouterr().err
