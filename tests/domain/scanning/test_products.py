"""Product codes compared as GTIN-14 (bench case C20), UPC-E, SKUs without case."""

from __future__ import annotations

import pytest

from app.domain.scanning.products import (
    CatalogItem,
    ProductIndex,
    expand_upce,
    gtin14,
    read_product_code,
)


@pytest.mark.parametrize("scan", ["036000291452", "0036000291452", "00036000291452"])
def test_c20_three_forms_are_one_gtin(scan: str) -> None:
    code = read_product_code(scan)

    assert (code.valid, code.gtin) == (True, "00036000291452")


def test_c20_all_forms_find_the_catalog_item() -> None:
    index = ProductIndex([CatalogItem("GS-30", "0036000291452")])

    for scan in ("036000291452", "0036000291452", "00036000291452"):
        item = index.find_gtin(read_product_code(scan).gtin or "")
        assert item is not None and item.sku == "GS-30"


def test_c20_spreadsheet_lost_zero_is_flagged_with_suggestion() -> None:
    code = read_product_code("36000291452")

    assert not code.valid
    assert code.suggestion == "036000291452"
    assert "Leading zero lost?" in code.message


@pytest.mark.parametrize(
    ("scan", "gtin", "kind"),
    [
        ("4006381333931", "04006381333931", "EAN-13"),
        ("6427015058088", "06427015058088", "EAN-13"),
        ("96385074", "00000096385074", "EAN-8"),
    ],
)
def test_valid_codes(scan: str, gtin: str, kind: str) -> None:
    code = read_product_code(scan)

    assert (code.valid, code.gtin, code.kind) == (True, gtin, kind)


@pytest.mark.parametrize(
    "scan",
    [
        "66442277001155005588008888",  # C22: every digit doubled
        "07541231925",  # C22: one 5 and one 4 dropped
        "4006381333932",  # wrong check digit
        "036000291453",
    ],
)
def test_damaged_codes_are_rejected(scan: str) -> None:
    assert not read_product_code(scan).valid


def test_upce_expands_to_upca() -> None:
    assert expand_upce("01234565") == "012345000065"
    assert expand_upce("04252614") == "042100005264"
    assert expand_upce("01234566") is None


def test_upce_symbology_reads_eight_digits_as_upce() -> None:
    code = read_product_code("01234565", symbology="EAN/UPC")

    assert (code.kind, code.gtin) == ("UPC-E", "00012345000065")


def test_eight_digits_without_symbology_try_upce_as_alternative() -> None:
    code = read_product_code("01234565")

    assert code.kind == "EAN-8"
    assert code.alternatives == ("00012345000065",)


def test_dropped_check_digit_is_recomputed_when_configured() -> None:
    code = read_product_code("03600029145", check_digit_dropped=True)

    assert (code.valid, code.gtin) == (True, "00036000291452")
    assert not read_product_code("03600029145").valid


def test_gtin14_refuses_bad_lengths_and_letters() -> None:
    assert gtin14("0036000291452") == "00036000291452"
    assert gtin14("003600029145") is None
    assert gtin14("ABC") is None


def test_skus_match_without_case_then_without_hyphens_when_unique() -> None:
    index = ProductIndex(
        [CatalogItem("GS-30"), CatalogItem("AB-1"), CatalogItem("A-B1")]
    )

    assert (index.find_sku("gs-30") or CatalogItem("")).sku == "GS-30"
    assert (index.find_sku("GS30") or CatalogItem("")).sku == "GS-30"
    assert index.find_sku("AB1") is None  # two items fit once hyphens go
    assert index.find_sku("GS-31") is None
