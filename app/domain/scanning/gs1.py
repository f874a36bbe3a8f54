"""GS1 element strings (GS1-128, GS1 DataMatrix): GTIN, lot, expiry, serial.

Parsing and date conversion come from ``stdnum.gs1_128``. What this module adds
is the rule the bench needs when scanners disagree about group separators: a
variable-length field (lot, serial...) ends at a GS or at the end of the data.
When a scanner drops the GS, the lot swallows everything after it
(``ABC12317251231`` instead of lot ``ABC123`` + expiry 2025-12-31). A
variable-length field at the end whose tail reads as further complete fields is
therefore rejected as ambiguous; the bench never stores a merged lot.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass
from typing import Any

from stdnum import gs1_128

logger = logging.getLogger(__name__)

GS = "\x1d"

# Application identifiers whose length is fixed by their first two digits (the
# GS1 "predefined length" table). Every other AI is variable-length.
_FIXED_PREFIXES = frozenset(
    {"00", "01", "02", "03", "04", "11", "12", "13", "14", "15", "16", "17"}
    | {"18", "19", "20", "31", "32", "33", "34", "35", "36", "41"}
)


class Gs1Error(ValueError):
    """A GS1 element string that the bench cannot read safely."""


@dataclass(frozen=True, slots=True)
class Gs1Data:
    """The fields of one GS1 element string, by application identifier."""

    fields: dict[str, Any]

    @property
    def gtin(self) -> str | None:
        """AI 01, a 14-digit GTIN (its check digit already verified)."""
        return self._text("01")

    @property
    def lot(self) -> str | None:
        """AI 10, the batch or lot number."""
        return self._text("10")

    @property
    def serial(self) -> str | None:
        """AI 21, the serial number."""
        return self._text("21")

    @property
    def expiry(self) -> datetime.date | None:
        """AI 17, the expiry date."""
        value = self.fields.get("17")
        return value if isinstance(value, datetime.date) else None

    def _text(self, ai: str) -> str | None:
        value = self.fields.get(ai)
        return None if value is None else str(value)


def _read(text: str) -> dict[str, Any]:
    """Parse with python-stdnum; its errors become one plain message."""
    try:
        fields: dict[str, Any] = gs1_128.info(text, separator=GS)
    except ValueError as error:
        raise Gs1Error(f"Not a readable GS1 barcode ({error})") from error
    return fields


def _is_complete_fixed(tail: str) -> bool:
    """Whether ``tail`` reads on its own as GS1 fields, starting with a fixed one."""
    if tail[:2] not in _FIXED_PREFIXES:
        return False
    try:
        _read(tail)
    except Gs1Error:
        return False
    return True


def _check_last_field(text: str, fields: dict[str, Any]) -> None:
    """Reject a final variable-length field that hides further fields."""
    last_ai = next(reversed(fields))
    if last_ai[:2] in _FIXED_PREFIXES:
        return
    value = str(fields[last_ai])
    last_segment = text.rsplit(GS, 1)[-1]
    if not last_segment.endswith(value):
        return

    for cut in range(1, len(value)):
        if _is_complete_fixed(value[cut:]):
            raise Gs1Error(
                f"Ambiguous GS1 barcode: field {last_ai} ({value}) may hold more "
                "fields because the group separator is missing. Set the scanner "
                "to send GS (or its substitute) and scan again."
            )


def parse_element_string(text: str) -> Gs1Data:
    """Read a GS1 element string (GS between fields, no AIM identifier).

    Raises :class:`Gs1Error` with a sentence for the clerk when the data is not
    GS1, has a wrong check digit, or is ambiguous for lack of a separator.
    """
    text = text.strip(GS)
    if not text.isascii() or not text[:2].isdigit():
        raise Gs1Error("Not a GS1 barcode.")
    fields = _read(text)
    if not fields:
        raise Gs1Error("Not a GS1 barcode.")

    _check_last_field(text, fields)
    return Gs1Data(fields)


def looks_like_gs1(text: str) -> bool:
    """Whether an un-announced scan (no AIM identifier) is worth reading as GS1.

    True for data with a group separator, or starting with AI 01 and longer than
    a bare GTIN can be (16 digits or more).
    """
    if GS in text:
        return True
    return text.startswith("01") and len(text) >= 16 and text[:16].isdigit()
