"""Tracking numbers from a label tool's CSV export (ShipStation, Pirate Ship...).

Label tools and carrier portals export one row per label with the order id and
the tracking number. :func:`import_tracking_csv` finds those columns by their
header names, reads the file in whichever of UTF-8 (with or without BOM) or
Windows-1252 it is written, with comma or semicolon separators, keeps every
value as text (so leading zeros survive), and saves each row through
:meth:`Bench.fulfil`, the same rules as a scanned label. Nothing asks questions:
a row the bench would have asked the clerk about (label ZIP not the order's) is
refused with its reason, and the report lists every row by its line number.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from app.domain.tracking import ZIP_MISMATCH, check_tracking_number
from app.services.bench import Bench, BenchError
from app.services.dto import FulfilResult

logger = logging.getLogger(__name__)

ENCODINGS = ("utf-8-sig", "cp1252")

# Header names, folded to lower-case letters and digits, most specific first.
ORDER_HEADERS = (
    "orderid",
    "ordernumber",
    "orderno",
    "tiktokorderid",
    "externalorderid",
    "reference",
    "order",
)
TRACKING_HEADERS = (
    "trackingnumber",
    "trackingno",
    "trackingid",
    "trackingcode",
    "tracking",
)
CARRIER_HEADERS = ("carrier", "carriername", "shippingcarrier", "courier")

_SCIENTIFIC = re.compile(r"^\d(\.\d+)?E\+\d+$", re.IGNORECASE)
_EXCEL_TEXT = re.compile(r'^="(.*)"$')


class TrackingCsvError(ValueError):
    """The file cannot be read as a tracking export; the message says why."""


@dataclass(frozen=True, slots=True)
class CsvRow:
    """One data row: its line number in the file and its three values."""

    line: int
    order_id: str
    tracking: str
    carrier: str | None


@dataclass(frozen=True, slots=True)
class RowOutcome:
    """What happened to one row."""

    line: int
    order_id: str
    tracking: str
    applied: bool
    message: str


@dataclass(slots=True)
class ImportResult:
    """The report: every row applied or refused, with line numbers and reasons."""

    source: str
    encoding: str = ""
    delimiter: str = ","
    columns: dict[str, str] = field(default_factory=dict)
    rows: list[RowOutcome] = field(default_factory=list)

    @property
    def applied(self) -> list[RowOutcome]:
        """Rows saved (or already saved with the same number)."""
        return [row for row in self.rows if row.applied]

    @property
    def refused(self) -> list[RowOutcome]:
        """Rows not saved, each with its reason."""
        return [row for row in self.rows if not row.applied]

    @property
    def ok(self) -> bool:
        """True when no row was refused."""
        return not self.refused

    def summary(self) -> str:
        """One sentence for a message box or a terminal."""
        return (
            f"{len(self.applied)} tracking numbers applied, "
            f"{len(self.refused)} refused ({self.source})."
        )

    def report_lines(self) -> list[str]:
        """One line per row: ``line N: order X: applied/refused: reason``."""
        return [
            f"line {row.line}: order {row.order_id or '?'}: "
            f"{'applied' if row.applied else 'REFUSED'}: {row.message}"
            for row in self.rows
        ]


def import_tracking_csv(bench: Bench, path: Path) -> ImportResult:
    """Apply every row of the CSV file at ``path``; see the module doc."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise TrackingCsvError(f"{path}: {error.strerror or error}") from error
    result = ImportResult(source=str(path))
    for row in read_tracking_rows(data, result):
        result.rows.append(_apply(bench, row))
    logger.info("Tracking CSV %s: %s", path.name, result.summary())
    return result


def read_tracking_rows(data: bytes, result: ImportResult) -> list[CsvRow]:
    """Decode, detect the separator and columns, and return the data rows."""
    text, result.encoding = _decode(data)
    result.delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=result.delimiter)
    header = next(reader, None)
    if header is None:
        raise TrackingCsvError("The file is empty.")
    order_col, tracking_col, carrier_col = _columns(header)
    result.columns = {
        "order": header[order_col].strip(),
        "tracking": header[tracking_col].strip(),
    }
    if carrier_col is not None:
        result.columns["carrier"] = header[carrier_col].strip()

    rows = []
    for values in _numbered(reader):
        line, cells = values
        if not any(cell.strip() for cell in cells):
            continue
        carrier = _cell(cells, carrier_col) if carrier_col is not None else ""
        rows.append(
            CsvRow(
                line=line,
                order_id=_cell(cells, order_col),
                tracking=_cell(cells, tracking_col),
                carrier=carrier or None,
            )
        )
    return rows


def _numbered(reader: Iterator[list[str]]) -> Iterator[tuple[int, list[str]]]:
    """Rows with the file line they start on (quoted cells may span lines)."""
    line = getattr(reader, "line_num", 1) + 1
    for cells in reader:
        yield line, cells
        line = getattr(reader, "line_num", line) + 1


def _decode(data: bytes) -> tuple[str, str]:
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise TrackingCsvError("The file is neither UTF-8 nor Windows-1252 text.")


def _delimiter(text: str) -> str:
    """Comma, or semicolon (spreadsheets in many European locales), or tab."""
    first = text.split("\n", 1)[0]
    counts = {sep: first.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def _fold(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.casefold())


def _columns(header: Sequence[str]) -> tuple[int, int, int | None]:
    folded = [_fold(name) for name in header]

    def find(names: tuple[str, ...]) -> int | None:
        for name in names:
            if name in folded:
                return folded.index(name)
        return None

    order, tracking = find(ORDER_HEADERS), find(TRACKING_HEADERS)
    if order is None or tracking is None:
        missing = [
            label
            for label, col in (("order id", order), ("tracking number", tracking))
            if col is None
        ]
        raise TrackingCsvError(
            f"No {' or '.join(missing)} column. Expected headers such as "
            "'Order ID' / 'Order Number' and 'Tracking Number' / 'Tracking'; "
            f"found: {', '.join(h.strip() for h in header)}."
        )
    return order, tracking, find(CARRIER_HEADERS)


def _cell(cells: Sequence[str], index: int) -> str:
    value = cells[index].strip() if index < len(cells) else ""
    excel = _EXCEL_TEXT.match(value)
    return excel.group(1).strip() if excel else value


def _apply(bench: Bench, row: CsvRow) -> RowOutcome:
    """Save one row through the bench's rules; never raises for a bad row."""
    refusal = _precheck(row)
    if refusal:
        return _refused(row, refusal)
    try:
        shipment_id = bench.find_shipment(row.order_id.lstrip("#"))
        detail = bench.detail(shipment_id)
        check = check_tracking_number(
            row.tracking, carrier_hint=row.carrier, order_zip=detail.postal_code
        )
        if check.valid and detail.row.tracking_number == check.value:
            return RowOutcome(
                row.line, row.order_id, row.tracking, True, "already saved"
            )
        if any(w.startswith(ZIP_MISMATCH) for w in check.warnings):
            return _refused(row, "; ".join(check.warnings))
        result = bench.fulfil(shipment_id, row.tracking, row.carrier)
    except BenchError as error:
        return _refused(row, str(error))
    return RowOutcome(row.line, row.order_id, row.tracking, True, _applied(result))


def _precheck(row: CsvRow) -> str:
    if not row.order_id:
        return "no order id"
    if not row.tracking:
        return "no tracking number"
    for label, value in (("order id", row.order_id), ("tracking", row.tracking)):
        if _SCIENTIFIC.match(value):
            return (
                f"{label} {value} was turned into a number by a spreadsheet; "
                "export again with the column as text"
            )
    return ""


def _applied(result: FulfilResult) -> str:
    text = f"{result.carrier} {result.tracking_number}"
    if result.warnings:
        text += " (" + "; ".join(result.warnings) + ")"
    return text


def _refused(row: CsvRow, reason: str) -> RowOutcome:
    return RowOutcome(row.line, row.order_id, row.tracking, False, reason)
