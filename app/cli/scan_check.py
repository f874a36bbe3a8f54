"""``giveaway-desk scan-check``: what the bench makes of a scan, without the GUI.

Useful at a new bench to check the scanner's settings (layout, suffix, GS
separator) and to see why a label or product barcode is refused.
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import re
import sys
from pathlib import Path
from typing import Any

from app.domain.scanning.normalise import GS, NormaliseOptions
from app.domain.scanning.products import CatalogItem, ProductIndex
from app.domain.scanning.recognise import ScanContext, ScanField, recognise

logger = logging.getLogger(__name__)

_GS_ESCAPES = re.compile(r"<GS>|\\x1[dD]|\\u001[dD]|\^\]", re.IGNORECASE)

_DESCRIPTION = """\
Show how the bench reads one scan: what it is (tracking, product, order or
unknown), the value it would store, carrier, ZIP, GTIN, symbology, a suggested
correction and plain-English warnings.

The scan comes from RAW, or else from standard input, one scan per line (so a
scanner can type into the terminal: run the command and scan).

Group separator (GS, 0x1D): a scanner's real GS byte on standard input is kept.
In an argument, write it as <GS>, \\x1d or ^] , e.g.
  giveaway-desk scan-check --field product '010001234567890510ABC123<GS>17251231'

Exit status: 0 when every scan is valid, 1 when one is not, 2 on usage errors.
"""


def register(subparsers: Any) -> None:
    """Add the ``scan-check`` subcommand."""
    parser = subparsers.add_parser(
        "scan-check",
        help="show how the bench reads a scan (tracking, product or order)",
        description=_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("raw", nargs="?", metavar="RAW", help="the scanned text")
    parser.add_argument(
        "--field",
        choices=[f.value for f in ScanField],
        default=ScanField.TRACKING.value,
        help="the input the scan was aimed at (default: tracking)",
    )
    parser.add_argument("--order-zip", metavar="ZIP", help="the order's ship-to ZIP")
    parser.add_argument("--carrier", metavar="NAME", help="the carrier the clerk chose")
    parser.add_argument(
        "--gs-substitute",
        action="append",
        default=[],
        metavar="TEXT",
        help="text the scanner sends instead of GS (e.g. ~); may repeat",
    )
    parser.add_argument("--prefix", default="", help="the scanner's configured prefix")
    parser.add_argument(
        "--catalog",
        type=Path,
        metavar="CSV",
        help="CSV with columns sku,barcode[,title] to look products up in",
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(handler=_scan_check)


def decode_gs_escapes(text: str) -> str:
    """Turn the documented GS spellings (``<GS>``, ``\\x1d``, ``^]``) into GS."""
    return _GS_ESCAPES.sub(GS, text)


def _scan_check(args: argparse.Namespace) -> int:
    if args.raw is not None:
        scans = [decode_gs_escapes(args.raw)]
    else:
        # Not str.splitlines(): it also splits at GS (0x1D), which is data here.
        lines = sys.stdin.read().split("\n")
        scans = [line.rstrip("\r") for line in lines if line.strip()]
    if not scans:
        sys.stderr.write("giveaway-desk: nothing to check; give RAW or scan.\n")
        return 2

    context = _context(args)
    all_valid = True
    for raw in scans:
        result = recognise(raw, context)
        all_valid = all_valid and result.valid
        _show(result.as_dict(), as_json=args.json)
    return 0 if all_valid else 1


def _context(args: argparse.Namespace) -> ScanContext:
    return ScanContext(
        field=ScanField(args.field),
        order_zip=args.order_zip,
        carrier_hint=args.carrier,
        catalog=_load_catalog(args.catalog) if args.catalog else None,
        options=NormaliseOptions(
            prefix=args.prefix, gs_substitutes=tuple(args.gs_substitute)
        ),
    )


def _load_catalog(path: Path) -> ProductIndex:
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return ProductIndex(
        CatalogItem(
            sku=row.get("sku") or "",
            barcode=row.get("barcode") or None,
            title=row.get("title") or "",
        )
        for row in rows
        if row.get("sku")
    )


def _show(data: dict[str, object], *, as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
        return
    lines: list[str] = []
    for key, value in data.items():
        if isinstance(value, list):
            lines.extend(f"warning: {warning}" for warning in value)
        elif value not in (None, "", []):
            lines.append(f"{key}: {value!r}" if key == "raw" else f"{key}: {value}")
    sys.stdout.write("\n".join(lines) + "\n\n")
