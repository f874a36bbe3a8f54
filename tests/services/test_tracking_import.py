"""Tracking numbers from label-tool CSV exports, through the bench's rules."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.domain.shipments import ShipmentState
from app.services.bench import Bench
from app.services.tracking_import import TrackingCsvError, import_tracking_csv
from tests.utils.bench_orders import giveaway, open_bench, sample

UPS = "1Z999AA10123456784"
UPS_OTHER = "1Z12345E0205271688"
USPS = "9400100000000000123453"


@pytest.fixture
def bench(tmp_path: Path) -> Iterator[Bench]:
    bench = open_bench(tmp_path / "bench")
    bench.import_orders(
        [
            sample(order_id="0579000000000000001"),
            sample(order_id="579000000000000002"),
            sample(order_id="579000000000000003"),
            giveaway(order_id="579000000000000004"),  # unmatched
        ],
        "test",
    )
    yield bench
    bench.close()


def write(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "labels.csv"
    path.write_bytes(text.encode(encoding))
    return path


def tracking_of(bench: Bench, order_id: str) -> str | None:
    return bench.detail(bench.find_shipment(order_id)).row.tracking_number


def test_shipstation_style_export_applies_rows_and_reports_refusals(
    bench: Bench, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "Order Number,Ship Date,Carrier,Tracking Number\n"
        f"0579000000000000001,2026-12-03,UPS,{UPS}\n"
        f"579000000000000002,2026-12-03,UPS,{UPS}\n"
        "579000000000000003,2026-12-03,UPS,1Z999AA10123456785\n"
        f"579000000000000004,2026-12-03,UPS,{UPS_OTHER}\n"
        f"579999999999999999,2026-12-03,USPS,{USPS}\n",
    )

    result = import_tracking_csv(bench, path)

    assert result.columns == {
        "order": "Order Number",
        "tracking": "Tracking Number",
        "carrier": "Carrier",
    }
    assert [(r.line, r.applied) for r in result.rows] == [
        (2, True),
        (3, False),
        (4, False),
        (5, False),
        (6, False),
    ]
    reasons = [r.message for r in result.refused]
    assert "already used on order 0579000000000000001" in reasons[0]
    assert "check digit" in reasons[1]
    assert "not matched to a SKU" in reasons[2]
    assert "not in the queue" in reasons[3]
    # The leading zero of the order id was kept, so the row found its order.
    assert tracking_of(bench, "0579000000000000001") == UPS
    assert tracking_of(bench, "579000000000000002") is None
    assert result.report_lines()[1].startswith(
        "line 3: order 579000000000000002: REFUSED: "
    )


def test_importing_the_same_file_twice_changes_nothing_and_refuses_nothing(
    bench: Bench, tmp_path: Path
) -> None:
    path = write(tmp_path, f"Order ID,Tracking\n579000000000000002,{UPS}\n")
    assert import_tracking_csv(bench, path).ok

    again = import_tracking_csv(bench, path)

    assert again.ok
    assert again.rows[0].message == "already saved"
    assert bench.pending_effects() == 2


def test_semicolons_cp1252_and_excel_text_cells(bench: Bench, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "Référence;Numéro;Order ID;Tracking number;Transporteur\n"
        f'Café;1;="0579000000000000001";{UPS};UPS\n',
        encoding="cp1252",
    )

    result = import_tracking_csv(bench, path)

    assert (result.encoding, result.delimiter) == ("cp1252", ";")
    assert result.ok, result.report_lines()
    assert tracking_of(bench, "0579000000000000001") == UPS


def test_utf8_bom_and_a_zip_mismatch_is_refused_not_asked(
    bench: Bench, tmp_path: Path
) -> None:
    # Sample orders ship to 78701; this label goes to 12345.
    path = write(
        tmp_path,
        "\ufefforder_id,tracking_number\n"
        "579000000000000003,420123459400100000000000123453\n",
    )

    result = import_tracking_csv(bench, path)

    assert result.encoding == "utf-8-sig"
    assert not result.ok
    assert "label ZIP does not match order" in result.rows[0].message
    state = bench.detail(bench.find_shipment("579000000000000003")).row.state
    assert state is ShipmentState.READY


def test_a_spreadsheet_mangled_order_id_is_named(bench: Bench, tmp_path: Path) -> None:
    path = write(tmp_path, f"Order ID,Tracking\n5.79E+17,{UPS}\n,{UPS}\n")

    result = import_tracking_csv(bench, path)

    assert [r.line for r in result.refused] == [2, 3]
    assert "turned into a number by a spreadsheet" in result.rows[0].message
    assert result.rows[1].message == "no order id"


def test_missing_columns_are_a_clear_error(bench: Bench, tmp_path: Path) -> None:
    path = write(tmp_path, "Name,Address\nA,B\n")

    with pytest.raises(TrackingCsvError, match="No order id or tracking number"):
        import_tracking_csv(bench, path)
