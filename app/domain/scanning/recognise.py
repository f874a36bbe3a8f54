"""What a scan means in the field it was scanned into.

:func:`recognise` takes the raw characters and the field context (tracking,
product or order) and returns a :class:`ScanResult` a clerk can act on: what the
scan was recognised as, the value to use, whether it is valid, and plain-English
warnings. A scan that belongs to another field is recognised as what it is (a
known product's barcode scanned into the tracking field is a *product*), so the
screen can say so instead of storing it.

Everything here is pure and cheap: regexes are compiled at import, the catalog is
a prepared :class:`~app.domain.scanning.products.ProductIndex`, and no step does
I/O, so the UI can call it on every scan.
"""

from __future__ import annotations

import datetime
import logging
import re
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from app.domain.scanning import gs1
from app.domain.scanning.detector import StationSettings
from app.domain.scanning.normalise import (
    GS,
    NormalisedScan,
    NormaliseOptions,
    normalise_scan,
)
from app.domain.scanning.products import (
    CatalogItem,
    ProductIndex,
    read_product_code,
)
from app.domain.tracking import check_scanned_tracking

logger = logging.getLogger(__name__)

# An AIM identifier whose "]" a French keyboard lost (``C1``, ``E0``, ``d2``...).
_LOST_AIM = re.compile(r"[CEdQeIA][0-9]")
_ORDER = re.compile(r"[A-Z0-9]{3,40}")


class ScanField(StrEnum):
    """The input a scan was aimed at."""

    TRACKING = "tracking"
    PRODUCT = "product"
    ORDER = "order"


class RecognisedAs(StrEnum):
    """What the scan turned out to be."""

    TRACKING = "tracking"
    PRODUCT = "product"
    ORDER = "order"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class ScanContext:
    """Everything besides the characters that decides what a scan means."""

    field: ScanField = ScanField.TRACKING
    order_zip: str | None = None
    carrier_hint: str | None = None
    catalog: ProductIndex | None = None
    options: NormaliseOptions = NormaliseOptions()
    check_digit_dropped: bool = False

    @classmethod
    def for_station(
        cls, settings: StationSettings, field: ScanField, **details: Any
    ) -> ScanContext:
        """A context using the station's scanner options (prefix, GS, check digit)."""
        return cls(
            field=field,
            options=settings.normalise_options(),
            check_digit_dropped=settings.check_digit_dropped,
            **details,
        )


@dataclass(frozen=True, slots=True)
class ScanResult:
    """The bench's reading of one scan. ``value`` is what to use or store.

    ``valid`` says whether ``value`` is a good example of ``recognised_as``;
    ``suggestion`` is a corrected value to offer (never applied by itself).
    """

    raw: str
    field: ScanField
    recognised_as: RecognisedAs
    value: str | None
    valid: bool
    message: str = ""
    carrier: str | None = None
    destination_zip: str | None = None
    gtin: str | None = None
    sku: str | None = None
    lot: str | None = None
    expiry: datetime.date | None = None
    serial: str | None = None
    symbology: str | None = None
    suggestion: str | None = None
    warnings: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        """Plain JSON-ready fields (the ``scan-check --json`` output)."""
        return {
            "raw": self.raw,
            "field": str(self.field),
            "recognised_as": str(self.recognised_as),
            "value": self.value,
            "valid": self.valid,
            "message": self.message,
            "carrier": self.carrier,
            "destination_zip": self.destination_zip,
            "gtin": self.gtin,
            "sku": self.sku,
            "lot": self.lot,
            "expiry": self.expiry.isoformat() if self.expiry else None,
            "serial": self.serial,
            "symbology": self.symbology,
            "suggestion": self.suggestion,
            "warnings": list(self.warnings),
        }


def recognise(raw: str, context: ScanContext | None = None) -> ScanResult:
    """Read one scan (or typed value) for the field in ``context``."""
    context = context or ScanContext()
    scan = normalise_scan(raw, context.options)
    if context.field is ScanField.PRODUCT:
        result = _for_product(scan, context)
    elif context.field is ScanField.ORDER:
        result = _for_order(scan, context)
    else:
        result = _for_tracking(scan, context)

    if not result.valid and _every_character_doubled(scan.text):
        result = _add_warning(result, DOUBLED)
    logger.debug("Scan in %s field read as %s", context.field, result.recognised_as)
    return replace(result, symbology=scan.symbology)


DOUBLED = (
    "Every character arrived twice; check the scanner's keyboard settings "
    "(it may send each key twice) and scan again."
)


def _every_character_doubled(text: str) -> bool:
    """``66442277...``: a scanner or driver that sends each key twice."""
    return (
        len(text) >= 12
        and len(text) % 2 == 0
        and text[0::2] == text[1::2]
        and len(set(text)) > 1
    )


def _result(
    scan: NormalisedScan,
    context: ScanContext,
    recognised_as: RecognisedAs,
    value: str | None,
    valid: bool,
    **details: Any,
) -> ScanResult:
    return ScanResult(scan.raw, context.field, recognised_as, value, valid, **details)


def _sku_result(
    scan: NormalisedScan, context: ScanContext, item: CatalogItem
) -> ScanResult:
    return _result(
        scan,
        context,
        RecognisedAs.PRODUCT,
        item.sku,
        True,
        message=f"Product {item.sku}.",
        sku=item.sku,
    )


# --- tracking field -------------------------------------------------------------


def _for_tracking(scan: NormalisedScan, context: ScanContext) -> ScanResult:
    known = _known_product(scan, context)
    if known is not None:
        return _add_warning(known, "This is a product barcode, not a tracking number.")

    check = check_scanned_tracking(
        scan, carrier_hint=context.carrier_hint, order_zip=context.order_zip
    )
    if not check.valid and not scan.layout_damaged:
        product = _product_code(scan, context)
        if product is not None and product.valid:
            return _add_warning(
                product, "This is a product barcode, not a tracking number."
            )

    shaped = check.valid or check.carrier is not None
    return _result(
        scan,
        context,
        RecognisedAs.TRACKING if shaped else RecognisedAs.UNKNOWN,
        check.value,
        check.valid,
        message=check.message,
        carrier=check.carrier,
        destination_zip=check.destination_zip,
        suggestion=check.suggestion,
        warnings=check.warnings,
    )


# --- product field --------------------------------------------------------------


def _for_product(scan: NormalisedScan, context: ScanContext) -> ScanResult:
    if scan.layout_damaged:
        # "_", "&" or "'" can be real SKU characters; the catalog has the last word.
        item = context.catalog.find_sku(scan.spaced) if context.catalog else None
        if item is not None:
            return _sku_result(scan, context, item)
        return _layout_damaged_product(scan, context)

    product = _product_code(scan, context)
    if product is not None and product.valid:
        return product
    if product is not None and context.catalog is not None:
        # Some catalogs use plain numbers as SKUs.
        item = context.catalog.find_sku(scan.spaced)
        if item is not None:
            return _sku_result(scan, context, item)

    tracking = check_scanned_tracking(scan)
    if tracking.valid and tracking.carrier is not None:
        return _result(
            scan,
            context,
            RecognisedAs.TRACKING,
            tracking.value,
            True,
            message=tracking.message,
            carrier=tracking.carrier,
            warnings=("This is a tracking number, not a product barcode.",),
        )
    return product if product is not None else _sku(scan, context)


def _product_code(scan: NormalisedScan, context: ScanContext) -> ScanResult | None:
    """Read the scan as a GS1 string or GTIN; ``None`` if it is neither."""
    text = scan.text
    if scan.is_gs1_symbology or gs1.looks_like_gs1(text):
        return _gs1(scan, context)
    if not text.isdigit():
        return None

    code = read_product_code(
        text, symbology=scan.symbology, check_digit_dropped=context.check_digit_dropped
    )
    if not code.valid or code.gtin is None:
        return _result(
            scan,
            context,
            RecognisedAs.PRODUCT,
            None,
            False,
            message=code.message,
            suggestion=code.suggestion,
            warnings=(code.message,),
        )
    item = _find_gtin(context.catalog, (code.gtin, *code.alternatives))
    return _product(scan, context, gtin=code.gtin, item=item)


def _gs1(scan: NormalisedScan, context: ScanContext) -> ScanResult:
    try:
        data = gs1.parse_element_string(scan.text)
    except gs1.Gs1Error as error:
        return _result(
            scan,
            context,
            RecognisedAs.PRODUCT,
            None,
            False,
            message=str(error),
            warnings=(str(error),),
        )
    if data.gtin is None:
        message = "This GS1 barcode carries no product number (AI 01)."
        return _result(
            scan,
            context,
            RecognisedAs.UNKNOWN,
            None,
            False,
            message=message,
        )

    item = _find_gtin(context.catalog, (data.gtin,))
    result = _product(scan, context, gtin=data.gtin, item=item)
    return replace(result, lot=data.lot, expiry=data.expiry, serial=data.serial)


def _product(
    scan: NormalisedScan, context: ScanContext, *, gtin: str, item: CatalogItem | None
) -> ScanResult:
    """A valid product code, with its catalog item when there is one."""
    warnings: tuple[str, ...] = ()
    if context.catalog is not None and item is None:
        warnings = ("No catalog item has this barcode.",)
    return _result(
        scan,
        context,
        RecognisedAs.PRODUCT,
        item.sku if item else gtin,
        True,
        message=f"Product {item.sku}." if item else f"Product barcode {gtin}.",
        gtin=gtin,
        sku=item.sku if item else None,
        warnings=warnings,
    )


def _sku(scan: NormalisedScan, context: ScanContext) -> ScanResult:
    """Anything else in the product field is a SKU, checked against the catalog."""
    catalog = context.catalog
    if catalog is None:
        return _result(
            scan,
            context,
            RecognisedAs.PRODUCT,
            scan.spaced,
            bool(scan.text),
            message="SKU (not checked against a catalog).",
            sku=scan.spaced or None,
        )
    item = catalog.find_sku(scan.spaced)
    if item is not None:
        return _sku_result(scan, context, item)
    return _lost_aim_suggestion(scan, context)


def _lost_aim_suggestion(scan: NormalisedScan, context: ScanContext) -> ScanResult:
    """``C1...``: not stripped (it may be a real SKU), but suggested if it helps."""
    message = f"No catalog item has SKU or barcode {scan.spaced}."
    suggestion = None
    warnings: tuple[str, ...] = (message,)
    if _LOST_AIM.match(scan.text):
        rest = _product_for(scan.text[2:], context)
        if rest.valid and (rest.sku or context.catalog is None):
            suggestion = rest.sku or rest.value
            warnings = (
                *warnings,
                f"The leading {scan.text[:2]} looks like a scanner symbology code "
                "whose ']' was lost (keyboard layout?).",
            )
    return _result(
        scan,
        context,
        RecognisedAs.UNKNOWN,
        None,
        False,
        message=message,
        suggestion=suggestion,
        warnings=warnings,
    )


def _product_for(raw: str, context: ScanContext) -> ScanResult:
    return _for_product(normalise_scan(raw, context.options), context)


def _layout_damaged_product(scan: NormalisedScan, context: ScanContext) -> ScanResult:
    """Offer the first layout correction that reads as a product (or just the first)."""
    readings = [(g, _product_for(g.text, context)) for g in scan.layout_guesses]
    good = [(g, r) for g, r in readings if r.valid and r.recognised_as == "product"]
    known = [(g, r) for g, r in good if r.sku is not None and context.catalog]
    guess, _ = (known or good or readings)[0]
    return _result(
        scan,
        context,
        RecognisedAs.UNKNOWN,
        None,
        False,
        message="The scanner and this PC use different keyboard layouts. Use the "
        f"suggested value {guess.text}, or set the scanner's keyboard country.",
        suggestion=guess.text,
        warnings=scan.warnings,
    )


# --- order field ----------------------------------------------------------------


def _for_order(scan: NormalisedScan, context: ScanContext) -> ScanResult:
    known = _known_product(scan, context)
    if known is not None:
        return _add_warning(known, "This is a product barcode, not an order number.")
    tracking = check_scanned_tracking(scan)
    if tracking.valid and tracking.carrier is not None:
        return _result(
            scan,
            context,
            RecognisedAs.TRACKING,
            tracking.value,
            True,
            message=tracking.message,
            carrier=tracking.carrier,
            destination_zip=tracking.destination_zip,
            warnings=("This is a tracking number, not an order number.",),
        )

    value = scan.text.replace(GS, "").lstrip("#")
    valid = bool(_ORDER.fullmatch(value)) and not scan.layout_damaged
    message = "Order number." if valid else "Not an order number."
    return _result(
        scan,
        context,
        RecognisedAs.ORDER if valid else RecognisedAs.UNKNOWN,
        value if valid else None,
        valid,
        message=message,
        suggestion=scan.layout_guesses[0].text if scan.layout_damaged else None,
        warnings=scan.warnings,
    )


# --- helpers --------------------------------------------------------------------


def _known_product(scan: NormalisedScan, context: ScanContext) -> ScanResult | None:
    """A product the catalog knows, by barcode or SKU; ``None`` otherwise."""
    if context.catalog is None:
        return None
    product = None if scan.layout_damaged else _product_code(scan, context)
    if product is not None and product.sku is not None:
        return product
    item = context.catalog.find_sku(scan.spaced)
    return None if item is None else _sku_result(scan, context, item)


def _find_gtin(
    catalog: ProductIndex | None, gtins: tuple[str, ...]
) -> CatalogItem | None:
    if catalog is None:
        return None
    for gtin in gtins:
        item = catalog.find_gtin(gtin)
        if item is not None:
            return item
    return None


def _add_warning(result: ScanResult, warning: str) -> ScanResult:
    return replace(result, warnings=(*result.warnings, warning))
