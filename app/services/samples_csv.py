"""Reading a sample-request spreadsheet: encodings, separators, columns, rows.

Nobody has published the columns of the Affiliate Center's sample export, and
merchants keep their own sheets too, so the columns are mapped: guessed from
the header names, then confirmed or changed by the person importing (the UI's
mapping dialog, or ``--map FIELD=HEADER`` on the command line). Every cell is
kept as text, so leading zeros in ids, SKUs and ZIP codes survive.
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

logger = logging.getLogger(__name__)

#: Tried in this order; UTF-8 with or without a BOM, then Windows-1252.
ENCODINGS: Final = ("utf-8-sig", "cp1252")
SEPARATORS: Final = ",;\t"


class SampleCsvError(ValueError):
    """The file cannot be read as a table; the message says why."""


class SampleField(StrEnum):
    """What a column can mean in a sample-request sheet."""

    APPLICATION_ID = "application_id"
    ORDER_ID = "order_id"
    STATUS = "status"
    CREATOR_HANDLE = "creator_handle"
    CREATOR_NICKNAME = "creator_nickname"
    PRODUCT_ID = "product_id"
    PRODUCT_TITLE = "product_title"
    SKU_ID = "sku_id"
    SKU_NAME = "sku_name"
    SELLER_SKU = "seller_sku"
    RECIPIENT_NAME = "recipient_name"
    ADDRESS = "address"
    POSTAL_CODE = "postal_code"
    REGION_CODE = "region_code"
    SHIP_BY = "ship_by"


FIELD_LABELS: Final[dict[SampleField, str]] = {
    SampleField.APPLICATION_ID: "Application ID",
    SampleField.ORDER_ID: "Sample order ID",
    SampleField.STATUS: "Status",
    SampleField.CREATOR_HANDLE: "Creator @handle",
    SampleField.CREATOR_NICKNAME: "Creator name",
    SampleField.PRODUCT_ID: "Product ID",
    SampleField.PRODUCT_TITLE: "Product title",
    SampleField.SKU_ID: "SKU ID",
    SampleField.SKU_NAME: "SKU name",
    SampleField.SELLER_SKU: "Seller SKU",
    SampleField.RECIPIENT_NAME: "Recipient name",
    SampleField.ADDRESS: "Address",
    SampleField.POSTAL_CODE: "ZIP / postal code",
    SampleField.REGION_CODE: "Country code",
    SampleField.SHIP_BY: "Ship by",
}

#: Fields a row cannot do without.
REQUIRED_FIELDS: Final = (SampleField.APPLICATION_ID, SampleField.CREATOR_HANDLE)

# Header names, folded to lower-case letters and digits, most specific first.
_HEADER_GUESSES: Final[dict[SampleField, tuple[str, ...]]] = {
    SampleField.APPLICATION_ID: (
        "applicationid",
        "sampleapplicationid",
        "samplerequestid",
        "requestid",
        "application",
    ),
    SampleField.ORDER_ID: ("sampleorderid", "orderid", "ordernumber", "order"),
    SampleField.STATUS: ("status", "applicationstatus", "samplestatus"),
    SampleField.CREATOR_HANDLE: (
        "creatorhandle",
        "creatorusername",
        "username",
        "handle",
        "creator",
        "tiktokhandle",
    ),
    SampleField.CREATOR_NICKNAME: ("creatornickname", "nickname", "creatorname"),
    SampleField.PRODUCT_ID: ("productid",),
    SampleField.PRODUCT_TITLE: ("producttitle", "productname", "product", "title"),
    SampleField.SKU_ID: ("skuid",),
    SampleField.SKU_NAME: ("skuname", "variation", "variant"),
    SampleField.SELLER_SKU: ("sellersku", "sku"),
    SampleField.RECIPIENT_NAME: ("recipientname", "recipient", "shiptoname", "name"),
    SampleField.ADDRESS: (
        "address",
        "shippingaddress",
        "fulladdress",
        "recipientaddress",
        "street",
    ),
    SampleField.POSTAL_CODE: ("postalcode", "zipcode", "zip", "postcode"),
    SampleField.REGION_CODE: ("regioncode", "countrycode", "country"),
    SampleField.SHIP_BY: ("shipby", "shipbydate", "shipmentdeadline", "deadline"),
}


@dataclass(frozen=True, slots=True)
class CsvTable:
    """A decoded sheet: its header and its non-empty rows with their line numbers."""

    encoding: str
    delimiter: str
    header: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]


def read_table(data: bytes) -> CsvTable:
    """Decode ``data``, find the separator, and split it into header and rows."""
    text, encoding = _decode(data)
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, None)
    if header is None or not any(cell.strip() for cell in header):
        raise SampleCsvError("The file is empty.")
    rows = tuple(
        (line, tuple(cells))
        for line, cells in _numbered(reader)
        if any(cell.strip() for cell in cells)
    )
    logger.debug(
        "Sample sheet: %s, separator %r, %d rows", encoding, delimiter, len(rows)
    )
    return CsvTable(encoding, delimiter, tuple(h.strip() for h in header), rows)


def fold_header(name: str) -> str:
    """A header name reduced to lower-case letters and digits, for comparing."""
    return re.sub(r"[^a-z0-9]", "", name.casefold())


def guess_mapping(header: Sequence[str]) -> dict[SampleField, int]:
    """Columns whose names look like a field; each column is used at most once."""
    folded = [fold_header(name) for name in header]
    mapping: dict[SampleField, int] = {}
    taken: set[int] = set()
    for field, names in _HEADER_GUESSES.items():
        for name in names:
            if name in folded and folded.index(name) not in taken:
                mapping[field] = folded.index(name)
                taken.add(mapping[field])
                break
    return mapping


def mapping_from_names(
    header: Sequence[str], names: Mapping[str, str]
) -> dict[SampleField, int]:
    """Columns named by ``field=header name`` pairs (``--map`` on the command line)."""
    folded = [fold_header(name) for name in header]
    mapping: dict[SampleField, int] = {}
    for field_name, column_name in names.items():
        try:
            field = SampleField(field_name.strip().casefold())
        except ValueError:
            known = ", ".join(f.value for f in SampleField)
            raise SampleCsvError(
                f"Unknown field '{field_name}'. Fields: {known}."
            ) from None
        wanted = fold_header(column_name)
        if wanted not in folded:
            raise SampleCsvError(
                f"No column '{column_name}' in the file; its columns are: "
                f"{', '.join(header)}."
            )
        mapping[field] = folded.index(wanted)
    return mapping


def missing_required(mapping: Mapping[SampleField, int]) -> list[SampleField]:
    """Required fields that no column is mapped to."""
    return [field for field in REQUIRED_FIELDS if field not in mapping]


def row_values(
    cells: Sequence[str], mapping: Mapping[SampleField, int]
) -> dict[SampleField, str]:
    """The mapped cells of one row, trimmed, as text."""
    values: dict[SampleField, str] = {}
    for field, index in mapping.items():
        value = cells[index].strip() if index < len(cells) else ""
        excel = re.fullmatch(r'="(.*)"', value)
        values[field] = excel.group(1).strip() if excel else value
    return values


def _decode(data: bytes) -> tuple[str, str]:
    # Excel's "Unicode text" is UTF-16 with a BOM; everything else is 8-bit.
    for bom, encoding in (
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError:
                break
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise SampleCsvError("The file is neither UTF-8, UTF-16 nor Windows-1252 text.")


def _delimiter(text: str) -> str:
    """Comma, semicolon (European spreadsheets) or tab.

    The header line decides when only one separator appears in it (header
    names rarely hold commas, addresses often do); otherwise the csv sniffer
    weighs the first lines, and a comma is the last resort.
    """
    first = text.split("\n", 1)[0]
    present = [sep for sep in SEPARATORS if sep in first]
    if len(present) == 1:
        return present[0]
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=SEPARATORS).delimiter
    except csv.Error:
        return ","


def _numbered(reader: Iterator[list[str]]) -> Iterator[tuple[int, list[str]]]:
    """Rows with the file line they start on (quoted cells may span lines)."""
    line = getattr(reader, "line_num", 1) + 1
    for cells in reader:
        yield line, cells
        line = getattr(reader, "line_num", line) + 1
