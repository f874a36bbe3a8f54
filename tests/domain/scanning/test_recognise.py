"""Recognising scans per field: bench cases C07, C08, C12, C16, C18-C20, C22."""

from __future__ import annotations

import datetime

import pytest

from app.domain.scanning.detector import StationSettings
from app.domain.scanning.normalise import NormaliseOptions
from app.domain.scanning.products import CatalogItem, ProductIndex
from app.domain.scanning.recognise import (
    RecognisedAs,
    ScanContext,
    ScanField,
    recognise,
)

CATALOG = ProductIndex(
    [
        CatalogItem("GS-30", "0036000291452", "Glow Serum 30ml"),
        CatalogItem("HA112", None, "Hand cream"),
        CatalogItem("IEFRA05N6", None, "Sample kit"),
        CatalogItem("TEE-1", "00012345678905", "T-shirt"),
    ]
)

TRACKING = ScanContext(field=ScanField.TRACKING)
PRODUCT = ScanContext(field=ScanField.PRODUCT)
PRODUCT_IN_CATALOG = ScanContext(field=ScanField.PRODUCT, catalog=CATALOG)


def test_c07_usps_label_in_tracking_field() -> None:
    result = recognise(
        "420123459400100000000000123453",
        ScanContext(field=ScanField.TRACKING, order_zip="12345"),
    )

    assert result.recognised_as is RecognisedAs.TRACKING
    assert (result.value, result.carrier, result.destination_zip) == (
        "9400100000000000123453",
        "USPS",
        "12345",
    )
    assert result.valid and result.warnings == ()


def test_c07_zip_mismatch_warns() -> None:
    result = recognise(
        "42012345\x1d9400100000000000123453",
        ScanContext(field=ScanField.TRACKING, order_zip="54321"),
    )

    assert result.valid
    assert any("label ZIP does not match order" in w for w in result.warnings)


def test_c08_fedex_34() -> None:
    result = recognise("1000000000000001234500123456789012", TRACKING)

    assert (result.recognised_as, result.carrier, result.value) == (
        RecognisedAs.TRACKING,
        "FedEx",
        "123456789012",
    )


@pytest.mark.parametrize(
    "raw", ["1z999aa10123456784", "1Z 999 AA1 01 2345 678 4", "1Z999AA1012345678４"]
)
def test_c12_ups(raw: str) -> None:
    result = recognise(raw, TRACKING)

    assert (result.valid, result.carrier, result.value) == (
        True,
        "UPS",
        "1Z999AA10123456784",
    )


def test_c12_bad_check_digit() -> None:
    result = recognise("1Z999AA10123456785", TRACKING)

    assert (result.recognised_as, result.valid, result.value) == (
        RecognisedAs.TRACKING,
        False,
        None,
    )
    assert "check digit fails" in result.message


@pytest.mark.parametrize("context", [PRODUCT, PRODUCT_IN_CATALOG])
def test_c16_azerty_sku_is_suggested_never_accepted(context: ScanContext) -> None:
    result = recognise("HA&&é", context)

    assert not result.valid
    assert result.value is None
    assert result.suggestion == "HA112"
    assert "keyboard layout mismatch (scanner US, PC French?)" in result.warnings


def test_sku_with_characters_of_the_french_digit_row_is_found_as_is() -> None:
    catalog = ProductIndex([CatalogItem("GS_30"), CatalogItem("GS830")])
    result = recognise("gs_30", ScanContext(ScanField.PRODUCT, catalog=catalog))

    assert (result.valid, result.sku, result.suggestion) == (True, "GS_30", None)


def test_unknown_sku_with_french_characters_gets_the_correction() -> None:
    catalog = ProductIndex([CatalogItem("GS830")])
    result = recognise("GS_30", ScanContext(ScanField.PRODUCT, catalog=catalog))

    assert (result.valid, result.suggestion) == (False, "GS830")


def test_c16_azerty_tracking_is_suggested() -> None:
    result = recognise("ç'àà&&&éà-éà-'à-é-àè_è", TRACKING)

    assert not result.valid
    assert result.suggestion == "9400111206206406260787"
    assert recognise(result.suggestion, TRACKING).carrier == "USPS"


def test_c18_gs1_with_gs() -> None:
    result = recognise("0100012345678905" + "10ABC123" + "\x1d" + "17251231", PRODUCT)

    assert (result.valid, result.gtin, result.lot, result.expiry) == (
        True,
        "00012345678905",
        "ABC123",
        datetime.date(2025, 12, 31),
    )


def test_c18_gs1_with_substitute_separator() -> None:
    context = ScanContext(
        field=ScanField.PRODUCT, options=NormaliseOptions(gs_substitutes=("~",))
    )
    result = recognise("]C1010001234567890510ABC123~17251231", context)

    assert (result.lot, result.symbology) == ("ABC123", "GS1-128")


def test_c18_gs1_without_gs_is_rejected() -> None:
    result = recognise("0100012345678905" + "10ABC123" + "17251231", PRODUCT)

    assert not result.valid
    assert result.lot is None
    assert "Ambiguous" in result.message


@pytest.mark.parametrize(
    ("raw", "gtin", "symbology"),
    [
        ("]C10100012345678905", "00012345678905", "GS1-128"),
        ("]E00036000291452", "00036000291452", "EAN/UPC"),
    ],
)
def test_c19_aim_prefix_is_stripped_and_recorded(
    raw: str, gtin: str, symbology: str
) -> None:
    result = recognise(raw, PRODUCT)

    assert (result.valid, result.gtin, result.symbology) == (True, gtin, symbology)


def test_c19_bare_c1_is_not_stripped_but_suggested_when_the_rest_matches() -> None:
    result = recognise("C1IEFRA05N6", PRODUCT_IN_CATALOG)

    assert not result.valid
    assert result.suggestion == "IEFRA05N6"


def test_c19_bare_c1_that_is_a_real_sku_stays() -> None:
    catalog = ProductIndex([CatalogItem("C1IEFRA05N6"), CatalogItem("IEFRA05N6")])
    result = recognise("C1IEFRA05N6", ScanContext(ScanField.PRODUCT, catalog=catalog))

    assert (result.valid, result.sku, result.suggestion) == (
        True,
        "C1IEFRA05N6",
        None,
    )


@pytest.mark.parametrize("raw", ["036000291452", "0036000291452", "00036000291452"])
def test_c20_all_forms_find_the_same_product(raw: str) -> None:
    result = recognise(raw, PRODUCT_IN_CATALOG)

    assert (result.sku, result.gtin) == ("GS-30", "00036000291452")


def test_c20_eleven_digits_suggest_leading_zero() -> None:
    result = recognise("36000291452", PRODUCT_IN_CATALOG)

    assert not result.valid
    assert result.suggestion == "036000291452"


def test_c22_clean_scan_is_a_valid_ean13() -> None:
    result = recognise("6427015058088", PRODUCT)

    assert (result.valid, result.gtin) == (True, "06427015058088")


@pytest.mark.parametrize("raw", ["66442277001155005588008888", "07541231925"])
def test_c22_damaged_scans_are_rejected(raw: str) -> None:
    result = recognise(raw, PRODUCT_IN_CATALOG)

    assert not result.valid
    assert result.sku is None


def test_c22_doubled_scan_says_why() -> None:
    result = recognise("66442277001155005588008888", PRODUCT)

    assert any("arrived twice" in w for w in result.warnings)
    assert not any("twice" in w for w in recognise("6427015058088", PRODUCT).warnings)


def test_known_product_in_tracking_field_is_a_product() -> None:
    context = ScanContext(field=ScanField.TRACKING, catalog=CATALOG)
    result = recognise("036000291452", context)

    assert result.recognised_as is RecognisedAs.PRODUCT
    assert result.sku == "GS-30"
    assert "not a tracking number" in result.warnings[-1]


def test_known_sku_in_tracking_field_is_a_product() -> None:
    context = ScanContext(field=ScanField.TRACKING, catalog=CATALOG)

    assert recognise("tee-1", context).recognised_as is RecognisedAs.PRODUCT


def test_tracking_number_in_product_field_is_a_tracking_number() -> None:
    result = recognise("1Z999AA10123456784", PRODUCT_IN_CATALOG)

    assert result.recognised_as is RecognisedAs.TRACKING
    assert result.carrier == "UPS"


def test_order_field_reads_order_numbers() -> None:
    context = ScanContext(field=ScanField.ORDER)

    assert recognise("#1042", context).value == "1042"
    assert recognise("576461413038785752", context).recognised_as is (
        RecognisedAs.ORDER
    )
    assert recognise("1Z999AA10123456784", context).recognised_as is (
        RecognisedAs.TRACKING
    )


def test_unknown_in_tracking_field() -> None:
    result = recognise("12345678901234567", TRACKING)

    assert (result.recognised_as, result.valid) == (RecognisedAs.UNKNOWN, False)


def test_as_dict_has_the_cli_fields() -> None:
    data = recognise("]E00036000291452", PRODUCT).as_dict()

    for key in (
        "recognised_as",
        "value",
        "valid",
        "carrier",
        "destination_zip",
        "gtin",
        "symbology",
        "suggestion",
        "warnings",
    ):
        assert key in data
    assert data["recognised_as"] == "product"


def test_station_settings_shape_the_reading() -> None:
    settings = StationSettings.usb(
        prefix="#", gs_substitutes=("~",), check_digit_dropped=True
    )
    context = ScanContext.for_station(settings, ScanField.PRODUCT, catalog=CATALOG)

    assert recognise("#03600029145\r", context).sku == "GS-30"
    gs1 = recognise("#]C1010001234567890510ABC123~17251231", context)
    assert (gs1.sku, gs1.lot) == ("TEE-1", "ABC123")
