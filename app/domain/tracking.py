"""Tracking numbers as the bench accepts them.

This first version only normalises and sanity-checks a number; carrier rules with
check digits build on :func:`check_tracking_number`, which keeps its signature.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_SEPARATORS = re.compile(r"[\s\-]+")
_ALLOWED = re.compile(r"^[A-Z0-9]{8,40}$")


@dataclass(frozen=True, slots=True)
class TrackingCheck:
    """What the bench made of a tracking number."""

    raw: str
    value: str | None
    valid: bool
    carrier: str | None = None
    destination_zip: str | None = None
    message: str = ""
    warnings: tuple[str, ...] = field(default_factory=tuple)


def normalise_tracking(raw: str) -> str:
    """Upper-case the number and drop spaces and hyphens."""
    return _SEPARATORS.sub("", raw).upper()


def check_tracking_number(
    raw: str, *, carrier_hint: str | None = None, order_zip: str | None = None
) -> TrackingCheck:
    """Check a typed or scanned tracking number; never raises on bad input."""
    value = normalise_tracking(raw)
    if not value:
        return TrackingCheck(raw, None, False, message="Enter a tracking number.")
    if not _ALLOWED.match(value):
        return TrackingCheck(
            raw,
            None,
            False,
            message="A tracking number has 8 to 40 letters and digits only.",
        )
    if len(set(value)) == 1:
        return TrackingCheck(
            raw, None, False, message="A number made of one repeated digit is not real."
        )
    return TrackingCheck(raw, value, True, carrier=carrier_hint or None)
