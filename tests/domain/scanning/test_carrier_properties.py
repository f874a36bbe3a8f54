"""Property tests for the carrier rules.

Every number the rules can produce (random body, computed check digit) is found
again from each of its label-barcode forms, and a single changed digit is
refused. Where a carrier's check digit cannot see a change (UPS/OnTrac doubling
without digit sums, DHL mod 7, FedEx 12 and S10 remainders that map to the same
check digit), the test says so with the carrier's own arithmetic instead of
skipping the carrier.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from app.domain import carriers
from app.domain.tracking import check_tracking_number

DIGITS = "0123456789"
ALNUM = DIGITS + "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
GS = "\x1d"

PROPERTY_SETTINGS = settings(max_examples=150, deadline=None)


def digits(n: int) -> st.SearchStrategy[str]:
    return st.text(DIGITS, min_size=n, max_size=n)


@dataclass(frozen=True)
class Sample:
    """One generated number, the slice of it that is the tracking number's digits."""

    carrier: str
    number: str
    check_positions: range


# --- generators -------------------------------------------------------------------


@st.composite
def ups(draw: st.DrawFn) -> str:
    body = draw(st.text(ALNUM, min_size=15, max_size=15))
    return f"1Z{body}{carriers.ups_check_digit(body)}"


@st.composite
def usps_impb(draw: st.DrawFn) -> str:
    body = "9" + draw(st.sampled_from("12345")) + draw(digits(19))
    return body + str(carriers.gs1_mod10_check_digit(body))


@st.composite
def fedex12(draw: st.DrawFn) -> str:
    body = draw(digits(11))
    return body + str(carriers.fedex12_check_digit(body))


@st.composite
def fedex15(draw: st.DrawFn) -> str:
    body = draw(digits(14))
    return body + str(carriers.fedex15_check_digit(body))


@st.composite
def dhl(draw: st.DrawFn) -> str:
    body = draw(digits(9))
    return body + str(carriers.dhl_check_digit(body))


@st.composite
def s10(draw: st.DrawFn) -> str:
    letters = st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=2)
    serial = draw(digits(8))
    return f"{draw(letters)}{serial}{carriers.s10_check_digit(serial)}{draw(letters)}"


@st.composite
def ontrac(draw: st.DrawFn) -> str:
    body = draw(st.sampled_from("CD")) + draw(digits(13))
    return body + str(carriers.ontrac_check_digit(body))


def not_one_character(number: str) -> bool:
    return len(set(number)) > 1


# --- found again from every label form --------------------------------------------


def assert_found(
    raw: str, carrier: str, number: str, zip_code: str | None = None
) -> None:
    check = check_tracking_number(raw)
    assert (check.valid, check.carrier, check.value) == (True, carrier, number), raw
    assert check.destination_zip == zip_code


def plain_forms(number: str) -> list[str]:
    """What any scanner or clerk may send for a bare number."""
    spaced = " ".join(number[i : i + 4] for i in range(0, len(number), 4))
    return [number, number.lower(), spaced, f"{number}\r\n", f"]C0{number}"]


@PROPERTY_SETTINGS
@given(ups())
def test_ups_found_from_every_form(number: str) -> None:
    assume(not_one_character(number))
    for raw in plain_forms(number):
        assert_found(raw, "UPS", number)


@PROPERTY_SETTINGS
@given(usps_impb(), digits(5), digits(4))
def test_usps_found_from_every_label_form(number: str, zip5: str, plus4: str) -> None:
    for raw in plain_forms(number):
        assert_found(raw, "USPS", number)
    for prefix, zip_code in (
        (f"420{zip5}", zip5),
        (f"420{zip5}{plus4}", f"{zip5}-{plus4}"),
    ):
        assert_found(f"{prefix}{GS}{number}", "USPS", number, zip_code)
        assert_found(f"]C1{prefix}{GS}{number}", "USPS", number, zip_code)
        if zip_code == zip5:
            assert_found(f"{prefix}{number}", "USPS", number, zip_code)


@PROPERTY_SETTINGS
@given(usps_impb(), digits(5), digits(4))
def test_usps_zip9_without_gs_is_read_as_zip9(
    number: str, zip5: str, plus4: str
) -> None:
    check = check_tracking_number(f"420{zip5}{plus4}{number}")

    assert (check.value, check.destination_zip) == (number, f"{zip5}-{plus4}")


@PROPERTY_SETTINGS
@given(fedex12(), st.sampled_from(["100", "101", "102", "128", "96"]), st.data())
def test_fedex12_found_from_34_and_32_digit_labels(
    number: str, prefix: str, data: st.DataObject
) -> None:
    assume(not_one_character(number))
    filler = data.draw(digits(34 - len(prefix) - 12))
    astra_head, astra_tail = data.draw(digits(15)), data.draw(digits(4))

    for raw in plain_forms(number):
        assert_found(raw, "FedEx", number)
    assert_found(f"{prefix}{filler}{number}", "FedEx", number)
    assert_found(f"3{astra_head}{number}{astra_tail}", "FedEx", number)


@PROPERTY_SETTINGS
@given(fedex15(), digits(5))
def test_fedex15_found_from_22_digit_label(number: str, service: str) -> None:
    assume(not_one_character(number))
    for raw in plain_forms(number):
        assert_found(raw, "FedEx", number)
    assert_found(f"96{service}{number}", "FedEx", number)


@PROPERTY_SETTINGS
@given(st.one_of(dhl(), s10(), ontrac()))
def test_other_carriers_found_from_plain_forms(number: str) -> None:
    assume(not_one_character(number))
    expected = check_tracking_number(number)

    assert expected.valid and expected.carrier is not None
    for raw in plain_forms(number):
        assert_found(raw, expected.carrier, number)


@PROPERTY_SETTINGS
@given(digits(12))
def test_amazon_has_no_check_digit_but_its_shape_is_found(serial: str) -> None:
    for raw in plain_forms(f"TBA{serial}"):
        assert_found(raw, "Amazon Logistics", f"TBA{serial}")


# --- a single changed digit is refused ---------------------------------------------


def _doubling_blind(number: str, offset: int, index: int, new: str) -> bool:
    """UPS/OnTrac double odd positions without digit sums: 0<->5 etc. look alike."""
    position = index - offset
    return position % 2 == 1 and abs(int(number[index]) - int(new)) == 5


def _ups_blind(number: str, index: int, new: str) -> bool:
    return index < 17 and _doubling_blind(number, 2, index, new)


def _ontrac_blind(number: str, index: int, new: str) -> bool:
    return index < 14 and _doubling_blind(number, 0, index, new)


def _dhl_blind(number: str, index: int, new: str) -> bool:
    """Mod 7 of the body cannot see a change by 7 (0<->7, 1<->8, 2<->9)."""
    return index < 9 and abs(int(number[index]) - int(new)) == 7


def _remainder(body: str, weights: tuple[int, ...]) -> int:
    return sum(int(d) * weights[i % len(weights)] for i, d in enumerate(body)) % 11


def _fedex12_blind(number: str, index: int, new: str) -> bool:
    """Remainders 0 and 10 both give check digit 0."""
    changed = number[:index] + new + number[index + 1 :]
    pair = {_remainder(number[:11], (3, 1, 7)), _remainder(changed[:11], (3, 1, 7))}
    return index < 11 and pair == {0, 10}


def _s10_blind(number: str, index: int, new: str) -> bool:
    """Remainders 0 and 6 both give check digit 5."""
    changed = number[:index] + new + number[index + 1 :]
    weights = (8, 6, 4, 2, 3, 5, 9, 7)
    pair = {_remainder(number[2:10], weights), _remainder(changed[2:10], weights)}
    return 2 <= index < 10 and pair == {0, 6}


def _never_blind(number: str, index: int, new: str) -> bool:
    return False


MUTABLE: list[tuple[str, st.SearchStrategy[str], Callable[[str, int, str], bool]]] = [
    ("UPS", ups(), _ups_blind),
    ("USPS", usps_impb(), _never_blind),
    ("FedEx", fedex12(), _fedex12_blind),
    ("FedEx", fedex15(), _never_blind),
    ("DHL Express", dhl(), _dhl_blind),
    ("S10", s10(), _s10_blind),
    ("OnTrac", ontrac(), _ontrac_blind),
]


@PROPERTY_SETTINGS
@given(st.sampled_from(MUTABLE), st.data())
def test_single_changed_digit_is_refused(
    rule: tuple[str, st.SearchStrategy[str], Callable[[str, int, str], bool]],
    data: st.DataObject,
) -> None:
    _, strategy, blind = rule
    number = data.draw(strategy)
    original = check_tracking_number(number)
    positions = [i for i, ch in enumerate(number) if ch.isdigit()]
    index = data.draw(st.sampled_from(positions))
    new = data.draw(st.sampled_from([d for d in DIGITS if d != number[index]]))
    changed = number[:index] + new + number[index + 1 :]
    assume(not_one_character(number) and not blind(number, index, new))

    check = check_tracking_number(changed)

    # A change can move a number into another carrier's shape (USPS "92..." to
    # FedEx "96..."); it must never pass as the same carrier's number.
    assert not (check.valid and check.carrier == original.carrier), changed


@PROPERTY_SETTINGS
@given(usps_impb(), digits(5), st.data())
def test_changed_digit_inside_a_usps_label_is_refused(
    number: str, zip5: str, data: st.DataObject
) -> None:
    index = data.draw(st.integers(min_value=0, max_value=21))
    new = data.draw(st.sampled_from([d for d in DIGITS if d != number[index]]))
    changed = number[:index] + new + number[index + 1 :]

    check = check_tracking_number(f"420{zip5}{GS}{changed}")

    assert not (check.valid and check.carrier == "USPS")
