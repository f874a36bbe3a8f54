"""Cleaning raw scans: framing, AIM identifiers, GS, layouts, NFKC and case."""

from __future__ import annotations

import pytest

from app.domain.scanning.normalise import (
    GS,
    NormaliseOptions,
    layout_guesses,
    normalise_scan,
)


@pytest.mark.parametrize(
    ("raw", "text", "symbology"),
    [
        ("]C10100012345678905", "0100012345678905", "GS1-128"),
        ("]E00036000291452", "0036000291452", "EAN/UPC"),
        ("]E401234565", "01234565", "EAN-8"),
        ("]d2010001234567890510AB", "010001234567890510AB", "GS1 DataMatrix"),
        ("]Q3010001234567890510AB", "010001234567890510AB", "GS1 QR Code"),
        ("]C0SKU-1", "SKU1", "Code 128"),
        ("]Z9ABC", "ABC", "AIM ]Z9"),
    ],
)
def test_aim_identifier_is_stripped_and_recorded(
    raw: str, text: str, symbology: str
) -> None:
    scan = normalise_scan(raw)

    assert (scan.text, scan.symbology) == (text, symbology)


def test_c19_bare_c1_is_not_stripped() -> None:
    scan = normalise_scan("C1IEFRA05N6")

    assert scan.text == "C1IEFRA05N6"
    assert scan.symbology is None


def test_suffix_and_prefix_are_stripped_prefix_without_case() -> None:
    options = NormaliseOptions(prefix="SC")

    assert normalise_scan("SC1Z999AA10123456784\r\n", options).text == (
        "1Z999AA10123456784"
    )
    assert normalise_scan("sc1z999aa10123456784\t", options).text == (
        "1Z999AA10123456784"
    )


def test_prefix_is_stripped_before_the_aim_identifier() -> None:
    scan = normalise_scan("#]E00036000291452", NormaliseOptions(prefix="#"))

    assert (scan.text, scan.symbology) == ("0036000291452", "EAN/UPC")


def test_gs_substitute_becomes_gs_and_spaces_hyphens_case_go() -> None:
    options = NormaliseOptions(gs_substitutes=("~",))
    scan = normalise_scan("01 00012345678905 10abc-123~17251231", options)

    assert scan.text == f"010001234567890510ABC123{GS}17251231"
    assert scan.has_gs


def test_leading_gs_for_fnc1_is_dropped() -> None:
    assert normalise_scan(f"{GS}0100012345678905").text == "0100012345678905"


def test_full_width_digits_become_ascii() -> None:
    assert normalise_scan("１Ｚ９９９ａａ１").text == "1Z999AA1"


def test_c16_french_digit_row_is_detected_and_reversed() -> None:
    scan = normalise_scan("HA&&é")

    assert scan.layout_damaged
    assert scan.layout_guesses[0].text == "HA112"
    assert scan.warnings == ("keyboard layout mismatch (scanner US, PC French?)",)


def test_french_guesses_include_swapped_letters() -> None:
    guesses = layout_guesses("&WçççQQ&à&é\"'(-è_'")

    assert [g.text for g in guesses] == ["1W999QQ10123456784", "1Z999AA10123456784"]


def test_german_sharp_s_is_a_hyphen_and_y_z_swap() -> None:
    scan = normalise_scan("SKUß123")

    assert scan.layout_guesses[0].text == "SKU123"
    assert scan.warnings == ("keyboard layout mismatch (scanner US, PC German?)",)


def test_y_z_swap_alone_is_only_an_uncertain_guess() -> None:
    scan = normalise_scan("1Y999AA10123456784")

    assert not scan.layout_damaged
    assert scan.warnings == ()
    assert scan.layout_guesses[0].text == "1Z999AA10123456784"


def test_uk_at_and_quote_are_swapped_back() -> None:
    guesses = layout_guesses("{@part@:5}")

    assert guesses[0].text == '{"part":5}'
    assert guesses[0].layout == "UK"


def test_clean_scan_has_no_guesses_or_warnings() -> None:
    scan = normalise_scan("0036000291452")

    assert scan.layout_guesses == ()
    assert scan.warnings == ()
