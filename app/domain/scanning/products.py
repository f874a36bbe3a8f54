"""Product codes (GTIN-8/12/13/14, UPC-E) and catalog SKUs.

Every GTIN is compared as a 14-digit string with leading zeros, so the UPC-A
``036000291452``, the EAN-13 ``0036000291452`` and the GTIN-14
``00036000291452`` are one product: readers report the same bars as 12 or 13
digits depending on their settings. Check digits come from ``stdnum.ean``.

SKUs are matched without regard to case (Caps Lock flips scanned letters); a
match that also ignores spaces and hyphens is used only when it is unique.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from stdnum import ean

from app.domain.scanning.normalise import compact, fold

logger = logging.getLogger(__name__)

GTIN_LENGTHS = frozenset({8, 12, 13, 14})

_KINDS = {8: "EAN-8", 12: "UPC-A", 13: "EAN-13", 14: "GTIN-14"}


@dataclass(frozen=True, slots=True)
class ProductCode:
    """What a string of digits is as a product barcode.

    ``gtin`` is the 14-digit form when ``valid``; ``alternatives`` holds other
    14-digit readings worth a catalog lookup (an 8-digit code can be an EAN-8 or
    a UPC-E); ``suggestion`` is a corrected code the clerk may accept.
    """

    text: str
    valid: bool
    gtin: str | None = None
    kind: str | None = None
    message: str = ""
    suggestion: str | None = None
    alternatives: tuple[str, ...] = ()


def gtin14(code: str) -> str | None:
    """``code`` as a 14-digit GTIN, or ``None`` unless it is a valid GTIN."""
    if not code.isdigit() or len(code) not in GTIN_LENGTHS:
        return None
    return code.zfill(14) if ean.is_valid(code) else None


def expand_upce(code: str) -> str | None:
    """The 12-digit UPC-A behind an 8-digit UPC-E, or ``None`` if it is not one.

    UPC-E keeps the number system (0 or 1), six digits and the check digit; the
    last of the six says where the manufacturer and item digits were cut.
    """
    if len(code) != 8 or not code.isdigit() or code[0] not in "01":
        return None
    system, d, check = code[0], code[1:7], code[7]
    if d[5] in "012":
        body = d[0:2] + d[5] + "0000" + d[2:5]
    elif d[5] == "3":
        body = d[0:3] + "00000" + d[3:5]
    elif d[5] == "4":
        body = d[0:4] + "00000" + d[4]
    else:
        body = d[0:5] + "0000" + d[5]

    upc_a = system + body + check
    return upc_a if ean.is_valid(upc_a) else None


def read_product_code(
    text: str, *, symbology: str | None = None, check_digit_dropped: bool = False
) -> ProductCode:
    """Read a cleaned all-digit scan as a product barcode.

    ``symbology`` is the AIM name recorded by normalisation ("EAN/UPC" means an
    8-digit code is a UPC-E); ``check_digit_dropped`` is the station setting for
    scanners configured not to send the check digit, which is then recomputed.
    """
    if not text.isdigit():
        return ProductCode(text, False, message="Not a barcode number.")
    if check_digit_dropped and len(text) + 1 in GTIN_LENGTHS:
        return _read_full(text + ean.calc_check_digit(text), symbology)
    return _read_full(text, symbology)


def _read_full(text: str, symbology: str | None) -> ProductCode:
    if len(text) == 8:
        return _read_eight(text, symbology)
    if len(text) == 11:
        return _leading_zero_lost(text)
    if len(text) not in GTIN_LENGTHS:
        return ProductCode(
            text,
            False,
            message=f"A product barcode has 8, 12, 13 or 14 digits; this one has "
            f"{len(text)}.",
        )

    kind = _KINDS[len(text)]
    gtin = gtin14(text)
    if gtin is None:
        return ProductCode(text, False, kind=kind, message=_bad_check(kind))
    return ProductCode(text, True, gtin=gtin, kind=kind)


def _read_eight(text: str, symbology: str | None) -> ProductCode:
    """EAN-8 or UPC-E: the same eight digits, told apart by the symbology."""
    ean8 = gtin14(text)
    upc_a = expand_upce(text)
    upce = upc_a.zfill(14) if upc_a else None
    if symbology == "EAN/UPC" and upce:
        return ProductCode(text, True, gtin=upce, kind="UPC-E")
    if ean8:
        alternatives = (upce,) if upce and symbology != "EAN-8" else ()
        return ProductCode(text, True, ean8, "EAN-8", alternatives=alternatives)
    if upce and symbology != "EAN-8":
        return ProductCode(text, True, gtin=upce, kind="UPC-E")
    return ProductCode(text, False, kind="EAN-8", message=_bad_check("EAN-8"))


def _leading_zero_lost(text: str) -> ProductCode:
    """Eleven digits: a UPC-A whose leading zero a spreadsheet dropped?"""
    padded = "0" + text
    if ean.is_valid(padded):
        return ProductCode(
            text,
            False,
            message=f"Leading zero lost? {padded} is a valid UPC-A.",
            suggestion=padded,
        )
    return ProductCode(
        text,
        False,
        message="A product barcode has 8, 12, 13 or 14 digits; this has 11.",
    )


def _bad_check(kind: str) -> str:
    return f"The check digit of this {kind} barcode fails; scan it again."


# --- the catalog ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CatalogItem:
    """One sellable item as the bench knows it."""

    sku: str
    barcode: str | None = None
    title: str = ""


class ProductIndex:
    """Finds catalog items by GTIN (as GTIN-14) or by SKU (without case).

    Built once per catalog load; lookups are dictionary reads.
    """

    def __init__(self, items: Iterable[CatalogItem]) -> None:
        self._by_gtin: dict[str, CatalogItem] = {}
        self._by_sku: dict[str, CatalogItem] = {}
        self._by_loose_sku: dict[str, list[CatalogItem]] = {}
        for item in items:
            self._add(item)

    def _add(self, item: CatalogItem) -> None:
        for gtin in catalog_gtins(item.barcode or ""):
            self._by_gtin.setdefault(gtin, item)
        self._by_sku.setdefault(fold(item.sku).strip(), item)
        self._by_loose_sku.setdefault(compact(item.sku), []).append(item)

    def find_gtin(self, gtin: str) -> CatalogItem | None:
        """The item with this GTIN (any length; compared as GTIN-14)."""
        return self._by_gtin.get(gtin.zfill(14))

    def find_sku(self, text: str) -> CatalogItem | None:
        """The item with this SKU, ignoring case; then ignoring spaces and hyphens.

        The second, looser match is used only when exactly one item fits.
        """
        exact = self._by_sku.get(fold(text).strip())
        if exact is not None:
            return exact
        loose = self._by_loose_sku.get(compact(text), [])
        return loose[0] if len(loose) == 1 else None


def catalog_gtins(barcode: str) -> tuple[str, ...]:
    """Every GTIN-14 a catalog barcode stands for (an 8-digit one can be two)."""
    code = compact(barcode)
    found = []
    if (gtin := gtin14(code)) is not None:
        found.append(gtin)
    if (upc_a := expand_upce(code)) is not None:
        found.append(upc_a.zfill(14))
    return tuple(found)
