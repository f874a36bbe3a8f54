"""Tracking numbers: bench cases C07, C08, C12, C16 and the reference vectors."""

from __future__ import annotations

import pytest

from app.domain import carriers
from app.domain.tracking import (
    ZIP_MISMATCH,
    check_tracking_number,
    normalise_tracking,
)

# --- C07: USPS label barcode with 420 + ZIP --------------------------------------

USPS_NUMBER = "9400100000000000123453"


@pytest.mark.parametrize(
    ("scan", "zip_code"),
    [
        ("420123459400100000000000123453", "12345"),
        ("42012345\x1d9400100000000000123453", "12345"),
        ("4201234567899400100000000000123453", "12345-6789"),
        ("420123456789\x1d9400100000000000123453", "12345-6789"),
        ("]C1420123459400100000000000123453", "12345"),
    ],
)
def test_c07_usps_label_keeps_tracking_and_zip(scan: str, zip_code: str) -> None:
    check = check_tracking_number(scan, order_zip="12345")

    assert check.valid
    assert check.carrier == "USPS"
    assert check.value == USPS_NUMBER
    assert check.destination_zip == zip_code
    assert check.warnings == ()


def test_c07_other_order_zip_warns_before_upload() -> None:
    check = check_tracking_number("420123459400100000000000123453", order_zip="54321")

    assert check.valid
    assert check.value == USPS_NUMBER
    assert any(ZIP_MISMATCH in warning for warning in check.warnings)
    assert ZIP_MISMATCH == "label ZIP does not match order"


def test_c07_zip_plus_four_order_matches_five_digit_label() -> None:
    check = check_tracking_number(
        "420123459400100000000000123453", order_zip="12345-0001"
    )

    assert check.warnings == ()


def test_c07_plain_number_has_no_zip_and_no_warning() -> None:
    check = check_tracking_number(USPS_NUMBER, order_zip="54321")

    assert check.valid
    assert check.destination_zip is None
    assert check.warnings == ()


# --- C08: FedEx label barcodes ----------------------------------------------------


@pytest.mark.parametrize(
    ("scan", "number"),
    [
        ("1000000000000001234500123456789012", "123456789012"),
        ("1020000000000001234500123456789012", "123456789012"),
        ("31234510360102441234567890122014", "123456789012"),
        ("9611020123456700000015", "123456700000015"),
        ("123456789012", "123456789012"),
        ("123456700000015", "123456700000015"),
    ],
)
def test_c08_fedex_forms_give_the_tracking_number(scan: str, number: str) -> None:
    check = check_tracking_number(scan)

    assert (check.valid, check.carrier, check.value) == (True, "FedEx", number)
    assert normalise_tracking(scan) == number


# --- C12: Caps Lock, spaces, full-width digits ------------------------------------


@pytest.mark.parametrize(
    "scan",
    ["1z999aa10123456784", "1Z 999 AA1 01 2345 678 4", "1Z999AA1012345678４"],
)
def test_c12_mangled_ups_is_cleaned(scan: str) -> None:
    check = check_tracking_number(scan)

    assert (check.valid, check.carrier, check.value) == (
        True,
        "UPS",
        "1Z999AA10123456784",
    )


def test_c12_wrong_check_digit_is_rejected_naming_the_carrier() -> None:
    check = check_tracking_number("1Z999AA10123456785")

    assert not check.valid
    assert check.value is None
    assert "UPS" in check.message
    assert "check digit fails" in check.message
    assert check.suggestion is None


# --- C16: AZERTY and QWERTZ damage -------------------------------------------------


def test_c16_azerty_tracking_is_refused_and_corrected_as_suggestion() -> None:
    check = check_tracking_number("ç'àà&&&éà-éà-'à-é-àè_è")

    assert not check.valid
    assert check.value is None
    assert check.suggestion == "9400111206206406260787"
    assert "keyboard layout mismatch (scanner US, PC French?)" in check.warnings
    assert check_tracking_number(check.suggestion).carrier == "USPS"


def test_azerty_letters_swapped_too_suggests_the_valid_ups_number() -> None:
    check = check_tracking_number("&WçççQQ&à&é\"'(-è_'")

    assert not check.valid
    assert check.suggestion == "1Z999AA10123456784"


def test_qwertz_y_for_z_suggests_the_ups_number() -> None:
    check = check_tracking_number("1Y999AA10123456784")

    assert not check.valid
    assert check.suggestion == "1Z999AA10123456784"
    assert "keyboard layout mismatch (scanner US, PC German?)" in check.warnings


# --- reference table B.5 ----------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "carrier"),
    [
        ("1Z999AA10123456784", "UPS"),
        ("9400100000000000123453", "USPS"),
        ("03071790000523483741", "USPS"),
        ("123456789012", "FedEx"),
        ("123456700000015", "FedEx"),
        ("1234567891", "DHL Express"),
        ("RB123456785GB", "Royal Mail"),
        ("RB123456785US", "USPS"),
        ("TBA502887274000", "Amazon Logistics"),
        ("C11031500001879", "OnTrac"),
        ("C10999911320231", "OnTrac"),
        ("D10011354453707", "OnTrac"),
        ("D10011342332145", "OnTrac"),
    ],
)
def test_reference_valid_vectors(number: str, carrier: str) -> None:
    check = check_tracking_number(number)

    assert (check.valid, check.carrier, check.value) == (True, carrier, number)


@pytest.mark.parametrize(
    ("number", "carrier"),
    [
        ("1Z999AA10123456785", "UPS"),
        ("9400100000000000123454", "USPS"),
        ("03071790000523483742", "USPS"),
        ("123456789013", "FedEx"),
        ("123456700000016", "FedEx"),
        ("1234567890", "DHL Express"),
        ("RB123456786GB", "Royal Mail"),
        ("C11031500001889", "OnTrac"),
        ("D10011342332144", "OnTrac"),
    ],
)
def test_reference_invalid_vectors_fail_their_check_digit(
    number: str, carrier: str
) -> None:
    check = check_tracking_number(number)

    assert not check.valid
    assert check.carrier == carrier
    assert carrier in check.message
    assert "check digit fails" in check.message


@pytest.mark.parametrize(
    "number", ["0000000000", "000000000000", "111111111111111", "AAAAAAAAAA"]
)
def test_one_repeated_character_is_refused(number: str) -> None:
    check = check_tracking_number(number)

    assert not check.valid
    assert "repeated" in check.message


def test_valid_upc_in_tracking_field_is_refused_with_a_product_hint() -> None:
    # 036000291452 is a UPC-A; as a FedEx 12 its check digit fails.
    check = check_tracking_number("036000291452")

    assert not check.valid
    assert any("product barcode" in w for w in check.warnings)


def test_ean13_in_tracking_field_is_called_a_product_barcode() -> None:
    check = check_tracking_number("0036000291452")

    assert not check.valid
    assert "product barcode" in check.message


# --- unknown formats and the carrier picker -----------------------------------------


def test_unknown_alphanumeric_is_accepted_without_carrier_with_a_warning() -> None:
    check = check_tracking_number("ls 1234-5678")

    assert (check.valid, check.carrier, check.value) == (True, None, "LS12345678")
    assert check.warnings


@pytest.mark.parametrize(
    "number",
    [
        "1400100000000000123453",  # 22 digits, not a USPS 91-95 start
        "5201234594001000000000001234530000",  # 34 digits, no known prefix
        "12345678901234567",  # 17 digits: no carrier, no product code
    ],
)
def test_unknown_all_digit_numbers_are_refused(number: str) -> None:
    assert not check_tracking_number(number).valid


@pytest.mark.parametrize("number", ["1Z99", "ABC$1234567", ""])
def test_malformed_values_are_refused(number: str) -> None:
    check = check_tracking_number(number)

    assert not check.valid
    assert check.message


def test_other_carrier_accepts_any_sane_number() -> None:
    check = check_tracking_number("9999-ab-1234", carrier_hint="Other")

    assert (check.valid, check.carrier, check.value) == (True, "Other", "9999AB1234")


def test_other_carrier_warns_when_the_number_looks_like_a_known_one() -> None:
    check = check_tracking_number("1Z999AA10123456785", carrier_hint="Other")

    assert check.valid
    assert check.warnings == (
        "This looks like a UPS number, but its check digit fails.",
    )


def test_chosen_carrier_that_does_not_fit_is_refused() -> None:
    check = check_tracking_number("1Z999AA10123456784", carrier_hint="FedEx")

    assert not check.valid
    assert "UPS" in check.message
    assert "FedEx" in check.message


def test_chosen_carrier_is_matched_without_case() -> None:
    check = check_tracking_number("1Z999AA10123456784", carrier_hint="ups")

    assert (check.valid, check.carrier) == (True, "UPS")


@pytest.mark.parametrize(
    ("hint", "number", "carrier"),
    [
        ("Amazon", "TBA502887274000", "Amazon Logistics"),
        ("DHL", "1234567891", "DHL Express"),
        (" fedex ground ", "123456700000015", "FedEx"),
        ("USPS", "RB123456785US", "USPS"),
    ],
)
def test_picker_spellings_mean_the_known_carrier(
    hint: str, number: str, carrier: str
) -> None:
    check = check_tracking_number(number, carrier_hint=hint)

    assert (check.valid, check.carrier) == (True, carrier)


def test_picked_amazon_still_checks_the_shape() -> None:
    assert not check_tracking_number("1Z999AA10123456784", carrier_hint="Amazon").valid


def test_normalise_tracking_returns_the_number_to_store() -> None:
    assert normalise_tracking(" 1z999-aa1 ") == "1Z999AA1"
    assert normalise_tracking("42012345\x1d9400100000000000123453") == USPS_NUMBER


# --- names on the sales channels -----------------------------------------------------


def test_channel_names_follow_shopify_spelling() -> None:
    names = carriers.channel_carrier_names

    assert names("UPS").shopify == "UPS"
    assert names("DHL Express").shopify == "DHL Express"
    assert names("Amazon Logistics").shopify == "Amazon Logistics US"
    assert names("OnTrac").tiktok == "OnTrac"
    assert names(None) == carriers.ChannelCarrierNames("Other", "Other")
    assert names("Speedy Parcels") == carriers.ChannelCarrierNames(
        "Other", "Speedy Parcels"
    )


def test_channel_names_can_be_overridden_by_settings() -> None:
    override = {"Amazon Logistics": carriers.ChannelCarrierNames("Amazon", "Amazon")}

    assert carriers.channel_carrier_names("Amazon Logistics", override).shopify == (
        "Amazon"
    )
