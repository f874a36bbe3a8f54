"""``scan-check`` gives the same answers as the domain for every bench case."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import main
from app.cli.scan_check import decode_gs_escapes
from app.domain.scanning.recognise import ScanContext, ScanField, recognise

GS = "\x1d"

# (case, raw, field, order ZIP, expected fields of the JSON answer)
BENCH_CASES: list[tuple[str, str, str, str | None, dict[str, object]]] = [
    ("C07", "420123459400100000000000123453", "tracking", "12345",
     {"recognised_as": "tracking", "valid": True, "carrier": "USPS",
      "value": "9400100000000000123453", "destination_zip": "12345",
      "warnings": []}),
    ("C07-gs", f"42012345{GS}9400100000000000123453", "tracking", "12345",
     {"value": "9400100000000000123453", "destination_zip": "12345"}),
    ("C07-zip9", "4201234567899400100000000000123453", "tracking", "12345",
     {"value": "9400100000000000123453", "destination_zip": "12345-6789",
      "warnings": []}),
    ("C07-mismatch", "420123459400100000000000123453", "tracking", "54321",
     {"valid": True, "warnings": [
         "label ZIP does not match order (label 12345, order 54321)"]}),
    ("C08", "1000000000000001234500123456789012", "tracking", None,
     {"carrier": "FedEx", "value": "123456789012", "valid": True}),
    ("C12-lower", "1z999aa10123456784", "tracking", None,
     {"carrier": "UPS", "value": "1Z999AA10123456784", "valid": True}),
    ("C12-spaces", "1Z 999 AA1 01 2345 678 4", "tracking", None,
     {"carrier": "UPS", "value": "1Z999AA10123456784", "valid": True}),
    ("C12-fullwidth", "1Z999AA1012345678４", "tracking", None,
     {"carrier": "UPS", "value": "1Z999AA10123456784", "valid": True}),
    ("C12-bad", "1Z999AA10123456785", "tracking", None,
     {"carrier": "UPS", "value": None, "valid": False}),
    ("C16-sku", "HA&&é", "product", None,
     {"valid": False, "value": None, "suggestion": "HA112",
      "warnings": ["keyboard layout mismatch (scanner US, PC French?)"]}),
    ("C16-tracking", "ç'àà&&&éà-éà-'à-é-àè_è", "tracking", None,
     {"valid": False, "suggestion": "9400111206206406260787"}),
    ("C18-A", f"010001234567890510ABC123{GS}17251231", "product", None,
     {"valid": True, "gtin": "00012345678905", "lot": "ABC123",
      "expiry": "2025-12-31"}),
    ("C18-B", "010001234567890510ABC12317251231", "product", None,
     {"valid": False, "lot": None, "gtin": None}),
    ("C19-C1", "]C10100012345678905", "product", None,
     {"valid": True, "gtin": "00012345678905", "symbology": "GS1-128"}),
    ("C19-E0", "]E00036000291452", "product", None,
     {"valid": True, "gtin": "00036000291452", "symbology": "EAN/UPC"}),
    ("C19-bare", "C1IEFRA05N6", "product", None,
     {"symbology": None, "value": "C1IEFRA05N6"}),
    ("C20-upca", "036000291452", "product", None, {"gtin": "00036000291452"}),
    ("C20-ean13", "0036000291452", "product", None, {"gtin": "00036000291452"}),
    ("C20-gtin14", "00036000291452", "product", None, {"gtin": "00036000291452"}),
    ("C20-csv", "36000291452", "product", None,
     {"valid": False, "suggestion": "036000291452"}),
    ("C22-clean", "6427015058088", "product", None,
     {"valid": True, "gtin": "06427015058088"}),
    ("C22-doubled", "66442277001155005588008888", "product", None,
     {"valid": False, "gtin": None}),
    ("C22-dropped", "07541231925", "product", None, {"valid": False, "gtin": None}),
]  # fmt: skip

IDS = [case[0] for case in BENCH_CASES]


def _args(raw: str, field: str, order_zip: str | None) -> list[str]:
    args = ["scan-check", "--json", "--field", field]
    if order_zip:
        args += ["--order-zip", order_zip]
    # GS is passed in its documented escaped form on the command line.
    return [*args, raw.replace(GS, "<GS>")]


@pytest.mark.parametrize(
    ("case", "raw", "field", "order_zip", "expected"), BENCH_CASES, ids=IDS
)
def test_bench_case_json_matches_domain_and_expected(
    case: str,
    raw: str,
    field: str,
    order_zip: str | None,
    expected: dict[str, object],
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(_args(raw, field, order_zip))
    answer = json.loads(capsys.readouterr().out)

    domain = recognise(raw, ScanContext(field=ScanField(field), order_zip=order_zip))
    assert answer == domain.as_dict()
    assert {key: answer[key] for key in expected} == expected
    assert code == (0 if domain.valid else 1)


def test_json_has_the_documented_fields(capsys: pytest.CaptureFixture[str]) -> None:
    main(["scan-check", "--json", "1Z999AA10123456784"])
    answer = json.loads(capsys.readouterr().out)

    for key in ("recognised_as", "value", "valid", "carrier", "destination_zip",
                "gtin", "symbology", "suggestion", "warnings"):  # fmt: skip
        assert key in answer


@pytest.mark.parametrize("spelling", ["<GS>", "<gs>", "\\x1d", "\\x1D", "^]"])
def test_gs_escapes(spelling: str) -> None:
    assert decode_gs_escapes(f"10AB{spelling}17251231") == f"10AB{GS}17251231"


def test_stdin_keeps_a_real_gs_byte_and_reads_one_scan_per_line(
    tmp_path: Path,
) -> None:
    stdin = f"010001234567890510ABC123{GS}17251231\r\n]E00036000291452\n"
    done = subprocess.run(
        [sys.executable, "-m", "app", "scan-check", "--json", "--field", "product"],
        input=stdin.encode(),
        capture_output=True,
        check=False,
        timeout=60,
    )

    answers = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert [a["lot"] for a in answers] == ["ABC123", None]
    assert [a["gtin"] for a in answers] == ["00012345678905", "00036000291452"]
    assert done.returncode == 0


def test_catalog_file_is_used(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    catalog = tmp_path / "catalog.csv"
    catalog.write_text("sku,barcode,title\nGS-30,0036000291452,Glow Serum\n")

    main(["scan-check", "--json", "--catalog", str(catalog), "036000291452"])
    answer = json.loads(capsys.readouterr().out)

    assert answer["recognised_as"] == "product"
    assert answer["sku"] == "GS-30"


def test_plain_output_names_warnings(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["scan-check", "HA&&é", "--field", "product"])
    out = capsys.readouterr().out

    assert code == 1
    assert "suggestion: HA112" in out
    assert "warning: keyboard layout mismatch (scanner US, PC French?)" in out
