"""Our Code 128 encoder against hand-worked symbols and an independent reader."""

from __future__ import annotations

import pytest

from app.domain import code128


def test_every_pattern_is_11_modules_with_even_bars_and_unique() -> None:
    for value, pattern in enumerate(code128.PATTERNS[:106]):
        widths = [int(w) for w in pattern]
        assert sum(widths) == 11, value
        assert (widths[0] + widths[2] + widths[4]) % 2 == 0, value
    assert code128.PATTERNS[code128.STOP] == "2331112"
    assert len(set(code128.PATTERNS)) == 107


@pytest.mark.parametrize(
    ("text", "values"),
    [
        # Start B, "A"=33, "B"=34; checksum (104 + 33*1 + 34*2) % 103 = 102.
        ("AB", (104, 33, 34, 102, 106)),
        # Start C, "12", "34"; checksum (105 + 12 + 34*2) % 103 = 82.
        ("1234", (105, 12, 34, 82, 106)),
        # Odd digit run: "1" in B, then C for "2345"; checksum 568 % 103 = 53.
        ("12345", (104, 17, 99, 23, 45, 53, 106)),
    ],
)
def test_hand_worked_symbols(text: str, values: tuple[int, ...]) -> None:
    assert code128.encode(text) == values
    assert code128.decode_values(values) == text


def test_module_pattern_of_a_known_value() -> None:
    # Start B 11010010000, "A" 10100011000, "B" 10001011000,
    # checksum 102 (FNC1 pattern 411131) 11110101110, stop 1100011101011.
    expected = "110100100001010001100010001011000111101011101100011101011"
    assert code128.modules("AB", quiet_zone=0) == expected
    assert code128.modules("AB").startswith("0" * 10)


def test_order_ids_print_in_code_c_half_as_wide() -> None:
    values = code128.encode("579123456789012345")
    assert values[0] == code128.START_C
    assert len(values) == 1 + 9 + 2


@pytest.mark.parametrize("text", ["", "naïve", "tab\there"])
def test_refuses_what_b_and_c_cannot_hold(text: str) -> None:
    with pytest.raises(code128.Code128Error):
        code128.encode(text)


def test_decode_rejects_a_wrong_checksum() -> None:
    with pytest.raises(code128.Code128Error):
        code128.decode_values((104, 33, 34, 101, 106))
