"""GS1 element strings, with bench case C18 (group separator missing)."""

from __future__ import annotations

import datetime

import pytest

from app.domain.scanning.gs1 import GS, Gs1Error, looks_like_gs1, parse_element_string

C18_A = "0100012345678905" + "10ABC123" + GS + "17251231"
C18_B = "0100012345678905" + "10ABC123" + "17251231"


def test_c18_with_gs_gives_gtin_lot_and_expiry() -> None:
    data = parse_element_string(C18_A)

    assert data.gtin == "00012345678905"
    assert data.lot == "ABC123"
    assert data.expiry == datetime.date(2025, 12, 31)


def test_c18_without_gs_is_rejected_as_ambiguous_never_a_merged_lot() -> None:
    with pytest.raises(Gs1Error, match="Ambiguous"):
        parse_element_string(C18_B)


def test_variable_field_last_needs_no_gs() -> None:
    data = parse_element_string("0100012345678905" + "17251231" + "10ABC123")

    assert (data.lot, data.expiry) == ("ABC123", datetime.date(2025, 12, 31))


def test_serial_with_digits_that_only_look_like_a_variable_ai_is_kept() -> None:
    data = parse_element_string("0100012345678905" + "21SER10X")

    assert data.serial == "SER10X"


def test_wrong_gtin_check_digit_is_rejected() -> None:
    with pytest.raises(Gs1Error):
        parse_element_string("0100012345678906")


@pytest.mark.parametrize("text", ["ABC", "", "1Z999AA10123456784"])
def test_non_gs1_is_rejected(text: str) -> None:
    with pytest.raises(Gs1Error):
        parse_element_string(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0100012345678905", True),
        (C18_A, True),
        ("0036000291452", False),
        ("01234565", False),
    ],
)
def test_looks_like_gs1(text: str, expected: bool) -> None:
    assert looks_like_gs1(text) is expected
