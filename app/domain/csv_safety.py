"""Writing CSV cells that a spreadsheet will show as text, never run as a formula.

A cell that begins with ``=``, ``+``, ``-`` or ``@`` is read by Excel, LibreOffice
and Google Sheets as a formula, so a creator handle or an address typed as
``=HYPERLINK(...)`` could run when a supervisor opens an export. Every CSV export
in the app writes its cells through :func:`safe_cell`, which puts a single quote
in front of such a value; spreadsheets show the quote-prefixed value as text.
Tab and carriage return at the start are treated the same way, because some
spreadsheets strip them and then read the formula behind them.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from typing import IO, Final

#: First characters that make a spreadsheet evaluate a cell.
FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """``value`` as CSV text: ``None`` becomes empty, a formula start is quoted."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def safe_row(values: Iterable[object]) -> list[str]:
    """Every cell of a row through :func:`safe_cell`."""
    return [safe_cell(value) for value in values]


def write_safe_csv(
    handle: IO[str],
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    delimiter: str = ",",
) -> int:
    """Write ``header`` and ``rows`` to ``handle``; returns how many rows were written.

    Open ``handle`` with ``newline=""`` so the csv module controls line ends.
    """
    writer = csv.writer(handle, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(safe_row(header))
    written = 0
    for row in rows:
        writer.writerow(safe_row(row))
        written += 1
    return written
