"""Tracking numbers as the bench accepts them.

:func:`check_tracking_number` cleans a typed or scanned value (see
:mod:`app.domain.scanning.normalise`), cuts the tracking number out of a label
barcode (USPS ``420`` + ZIP, FedEx 22/32/34-digit forms), and checks it against
the carrier rules in :mod:`app.domain.carriers`.

When is a number valid?

- It has a carrier's shape and that carrier's check digit is right (Amazon
  ``TBA`` numbers have no check digit; their shape is enough).
- Or the clerk chose a carrier the bench has no rule for, or "Other": then any
  8 to 40 letters and digits are accepted (not one repeated character), with a
  warning when the number looks like a known carrier's.
- Or no carrier is named and no rule matches, the value has 8 to 40 letters and
  digits, contains a letter, is not one repeated character and is not a product
  barcode: it is accepted with carrier ``None`` and a warning asking the clerk to
  choose the carrier. All-digit values that match no rule are refused: every
  all-digit format we know has a rule, so such a value is most likely a damaged
  scan or a product code (all-zero strings and UPC codes pass weak checks).

A number with a carrier's shape but a wrong check digit is never valid. The
stored value is always the cleaned tracking number, never the raw scan.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field, replace

from stdnum import ean

from app.domain import carriers
from app.domain.carriers import GS, CarrierMatch, match_carriers
from app.domain.scanning.normalise import NormalisedScan, normalise_scan

logger = logging.getLogger(__name__)

_ALLOWED = re.compile(r"[A-Z0-9]{8,40}")
_HAS_LETTER = re.compile(r"[A-Z]")

ZIP_MISMATCH = "label ZIP does not match order"
NO_CARRIER = "No carrier recognised from this number; choose the carrier by hand."


@dataclass(frozen=True, slots=True)
class TrackingCheck:
    """What the bench made of a tracking number.

    ``value`` is the number to store (``None`` when invalid); ``suggestion`` is a
    corrected number the clerk may accept (e.g. after keyboard-layout damage);
    ``service`` names the carrier format that matched.
    """

    raw: str
    value: str | None
    valid: bool
    carrier: str | None = None
    destination_zip: str | None = None
    message: str = ""
    warnings: tuple[str, ...] = field(default_factory=tuple)
    suggestion: str | None = None
    service: str | None = None


def normalise_tracking(raw: str) -> str:
    """The number to store for ``raw``: cleaned, and cut out of a label barcode.

    Cleaning is NFKC, upper case, no spaces/hyphens/group separators, no AIM
    identifier. When a carrier rule recognises a label form (``420`` + ZIP,
    FedEx 34 digits...) the tracking number inside it is returned.
    """
    text = normalise_scan(raw).text
    matches = match_carriers(text)
    if matches:
        return matches[0].number
    return text.replace(GS, "")


def check_tracking_number(
    raw: str, *, carrier_hint: str | None = None, order_zip: str | None = None
) -> TrackingCheck:
    """Check a typed or scanned tracking number; never raises on bad input.

    ``carrier_hint`` is the carrier the clerk picked, if any; ``order_zip`` the
    order's ship-to ZIP, compared with the ZIP a USPS label barcode carries.
    """
    return check_scanned_tracking(
        normalise_scan(raw), carrier_hint=carrier_hint, order_zip=order_zip
    )


def check_scanned_tracking(
    scan: NormalisedScan,
    *,
    carrier_hint: str | None = None,
    order_zip: str | None = None,
) -> TrackingCheck:
    """:func:`check_tracking_number` for a scan already cleaned with station options."""
    if scan.layout_damaged:
        return _layout_damaged(scan, carrier_hint)

    check = _check_clean(scan.raw, scan.text, carrier_hint)
    # A German PC turns a UPS "1Z" into "1Y", which then passes as a number of
    # no known carrier; a layout guess that a carrier accepts wins over that.
    if not check.valid or check.carrier is None:
        check = _with_layout_suggestion(check, scan, carrier_hint)
    return _compare_zip(check, order_zip)


# --- the steps ------------------------------------------------------------------


def _check_clean(raw: str, text: str, hint: str | None) -> TrackingCheck:
    """Check an already cleaned value (GS may still be inside)."""
    plain = text.replace(GS, "")
    if not plain:
        return TrackingCheck(raw, None, False, message="Enter a tracking number.")
    if len(set(plain)) == 1:
        return TrackingCheck(
            raw, None, False, message="A number made of one repeated digit is not real."
        )

    known = _known_carrier(hint)
    if hint and known is None:
        return _manual(raw, plain, hint, match_carriers(text))
    matches = match_carriers(text)
    if known is not None:
        matches = [m for m in matches if m.carrier == known] or matches
    if matches:
        return _from_match(raw, plain, matches[0], known)
    return _unknown_format(raw, plain)


def _known_carrier(hint: str | None) -> str | None:
    """The carrier rule name a hint refers to, if the bench has rules for it."""
    return carriers.carrier_for_name(hint)


def _from_match(
    raw: str, plain: str, match: CarrierMatch, hint: str | None
) -> TrackingCheck:
    """Turn a carrier shape match into a verdict."""
    if hint is not None and match.carrier != hint:
        return TrackingCheck(
            raw,
            None,
            False,
            carrier=match.carrier,
            message=f"This is a {match.carrier} number, not {hint}. Change the "
            "carrier or scan the right label.",
        )
    if not match.valid:
        return TrackingCheck(
            raw,
            None,
            False,
            carrier=match.carrier,
            message=f"This looks like {_a(match.carrier)} number, but its check "
            "digit fails. Scan it again or type it carefully.",
            warnings=_product_code_warning(plain),
            service=match.service,
        )
    return TrackingCheck(
        raw,
        match.number,
        True,
        carrier=match.carrier,
        destination_zip=match.destination_zip,
        message=f"{match.carrier} tracking number ({match.service}).",
        service=match.service,
    )


def _manual(
    raw: str, plain: str, carrier: str, matches: list[CarrierMatch]
) -> TrackingCheck:
    """The clerk chose a carrier without rules ("Other"): accept any sane number."""
    if not _ALLOWED.fullmatch(plain):
        return _bad_characters(raw)

    warnings: list[str] = []
    if matches:
        first = matches[0]
        verdict = "" if first.valid else ", but its check digit fails"
        warnings.append(f"This looks like {_a(first.carrier)} number{verdict}.")
    return TrackingCheck(
        raw,
        plain,
        True,
        carrier=carrier,
        message=f"Entered by hand for {carrier}; the bench has no rule to check it.",
        warnings=tuple(warnings),
    )


# Lengths of all-digit label and tracking formats; an all-digit value of one of
# these lengths that no rule accepts is a damaged scan, not a new format.
_CARRIER_DIGIT_LENGTHS = frozenset({10, 12, 15, 20, 22, 26, 28, 30, 32, 34})


def _unknown_format(raw: str, plain: str) -> TrackingCheck:
    """No carrier rule has this shape."""
    if not _ALLOWED.fullmatch(plain):
        return _bad_characters(raw)
    if plain.isdigit():
        if len(plain) in (8, 13, 14) and ean.is_valid(plain):
            message = "This is a product barcode, not a tracking number."
        elif len(plain) in _CARRIER_DIGIT_LENGTHS:
            message = (
                "This number matches no carrier's format; the scan may be damaged."
            )
        else:
            message = "No carrier uses a number like this. Check it, or choose the "
            message += "carrier 'Other' to enter it by hand."
        return TrackingCheck(raw, None, False, message=message)
    if not _HAS_LETTER.search(plain):
        return _bad_characters(raw)
    return TrackingCheck(
        raw, plain, True, carrier=None, message=NO_CARRIER, warnings=(NO_CARRIER,)
    )


def _a(name: str) -> str:
    """``name`` with its indefinite article ("a UPS", "an OnTrac")."""
    return f"an {name}" if name[:1] in "AEIO" else f"a {name}"


def _bad_characters(raw: str) -> TrackingCheck:
    return TrackingCheck(
        raw,
        None,
        False,
        message="A tracking number has 8 to 40 letters and digits only.",
    )


def _product_code_warning(plain: str) -> tuple[str, ...]:
    """Low-entropy check digits also pass product barcodes (a UPC-A is 12 digits)."""
    if plain.isdigit() and len(plain) in (8, 12, 13, 14) and ean.is_valid(plain):
        return ("This is a valid product barcode; scan the shipping label instead.",)
    return ()


# --- keyboard layouts and ZIP ---------------------------------------------------


def _layout_damaged(scan: NormalisedScan, hint: str | None) -> TrackingCheck:
    """The scan went through the wrong layout: refuse it, offer the correction."""
    suggestion = _valid_guess(scan, hint) or scan.layout_guesses[0].text

    return TrackingCheck(
        scan.raw,
        None,
        False,
        message="The scanner and this PC use different keyboard layouts. Use the "
        f"suggested number {suggestion}, or set the scanner's keyboard country.",
        warnings=scan.warnings,
        suggestion=suggestion,
    )


def _with_layout_suggestion(
    check: TrackingCheck, scan: NormalisedScan, hint: str | None
) -> TrackingCheck:
    """For an invalid number, offer a layout correction that would be valid."""
    suggestion = _valid_guess(scan, hint)
    if suggestion is not None:
        guess = next(g for g in scan.layout_guesses if g.text == suggestion)
        return TrackingCheck(
            check.raw,
            None,
            False,
            carrier=check.carrier if not check.valid else None,
            message=f"{check.message} It may have been scanned with the wrong "
            f"keyboard layout: {guess.text}?",
            warnings=(*check.warnings, guess.warning),
            suggestion=guess.text,
        )
    return check


def _valid_guess(scan: NormalisedScan, hint: str | None) -> str | None:
    """The first layout correction that a carrier rule accepts."""
    for guess in scan.layout_guesses:
        check = _check_clean(scan.raw, guess.text, hint)
        if check.valid and check.carrier is not None:
            return guess.text
    return None


def _zip5(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())[:5]


def _compare_zip(check: TrackingCheck, order_zip: str | None) -> TrackingCheck:
    """Warn when the label's ZIP is not the order's ship-to ZIP."""
    if not (check.valid and check.destination_zip and order_zip):
        return check
    label, order = _zip5(check.destination_zip), _zip5(order_zip)
    if not order or label == order:
        return check

    warning = f"{ZIP_MISMATCH} (label {check.destination_zip}, order {order_zip})"
    logger.info("Label ZIP %s differs from order ZIP %s", label, order)
    return replace(check, warnings=(*check.warnings, warning))
