"""Headless forms of the clerk's work: import, list, match, fulfil."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from app.cli.common import fail, open_bench, print_json
from app.domain.matching import MappingConflictError
from app.domain.shipments import STATE_LABELS
from app.domain.tiktok_orders import OrderRecordError, load_payload_file
from app.services.bench import BenchError, TrackingInUseError, ZipMismatchError
from app.services.dto import ImportReport, QueueQuery
from app.services.tracking_import import TrackingCsvError, import_tracking_csv


def register(subparsers: Any) -> None:
    """Add ``import-orders``, ``queue``, ``match`` and ``fulfil``."""
    parser = subparsers.add_parser(
        "import-orders",
        help="import saved TikTok Shop order payloads (JSON files)",
        description="Import TikTok Shop 202309 orders from saved order-search or "
        "order-detail responses, or from JSON lists of order objects. Giveaways "
        "and samples are queued; other orders are counted and skipped. A bad "
        "record is named and the rest still import.",
    )
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
    parser.set_defaults(handler=_import_orders)

    parser = subparsers.add_parser("queue", help="list the open queue")
    parser.add_argument(
        "--json", action="store_true", help="print JSON, one object per shipment"
    )
    parser.add_argument(
        "--search", default="", help="only shipments matching this text"
    )
    parser.set_defaults(handler=_queue)

    parser = subparsers.add_parser(
        "match", help="match an order's giveaway item to a catalog SKU"
    )
    parser.add_argument("order_id", metavar="ORDER_ID")
    parser.add_argument("sku", metavar="SKU")
    parser.add_argument(
        "--remap",
        action="store_true",
        help="replace an existing match for this product (the change is logged)",
    )
    parser.set_defaults(handler=_match)

    parser = subparsers.add_parser(
        "fulfil",
        help="save a tracking number for an order, or many from a CSV file",
        description="Save one order's tracking number (ORDER_ID --tracking NUMBER), "
        "or every row of a label tool's CSV export (--csv FILE, with columns such "
        "as 'Order ID' and 'Tracking Number'). Each number passes the same checks "
        "as a scanned label; refused rows are listed with their line numbers.",
    )
    parser.add_argument("order_id", metavar="ORDER_ID", nargs="?")
    parser.add_argument("--tracking", metavar="NUMBER")
    parser.add_argument(
        "--carrier", metavar="NAME", help="carrier name (default: detected)"
    )
    parser.add_argument(
        "--csv", type=Path, metavar="FILE", help="apply every row of a CSV export"
    )
    parser.add_argument(
        "--same-parcel-as",
        metavar="ORDER_ID",
        help="the tracking number is already on this order: both are in one box",
    )
    parser.add_argument(
        "--zip-checked",
        action="store_true",
        help="save even though the label's ZIP is not the order's (logged)",
    )
    parser.set_defaults(handler=_fulfil)


def _import_orders(args: argparse.Namespace) -> int:
    bench = open_bench(args)
    total = ImportReport()
    for path in args.files:
        source = str(path)
        try:
            orders = load_payload_file(path.read_text(encoding="utf-8-sig"), source)
        except (OSError, UnicodeDecodeError, OrderRecordError) as error:
            total.errors.append(_file_error(source, error))
            continue
        report = bench.import_orders(orders, source)
        _add_report(total, report)

    for message in total.errors:
        fail(message)
    print(f"Imported: {total.summary()}.")
    return 1 if total.errors else 0


def _file_error(source: str, error: Exception) -> str:
    if isinstance(error, OrderRecordError):
        return str(error)
    if isinstance(error, UnicodeDecodeError):
        return f"{source}: not a UTF-8 text file"
    return f"{source}: {getattr(error, 'strerror', None) or error}"


def _add_report(total: ImportReport, report: ImportReport) -> None:
    total.imported += report.imported
    total.updated += report.updated
    total.unchanged += report.unchanged
    total.not_queued += report.not_queued
    total.errors.extend(report.errors)


def _queue(args: argparse.Namespace) -> int:
    bench = open_bench(args)
    rows = bench.queue(QueueQuery(text=args.search))
    if args.json:
        print_json([row.to_json() for row in rows])
        return 0
    for row in rows:
        ship_by = row.ship_by.strftime("%Y-%m-%d %H:%M") if row.ship_by else "-"
        print(
            f"{row.order_id:<20} {row.kind.value:<9} {STATE_LABELS[row.state]:<26} "
            f"{ship_by:<17} {row.sku or '-':<16} {row.item}"
        )
    print(f"{len(rows)} open shipment{'' if len(rows) == 1 else 's'}.")
    return 0


def _match(args: argparse.Namespace) -> int:
    bench = open_bench(args)
    try:
        shipment_id = bench.find_shipment(args.order_id)
        result = bench.match(shipment_id, args.sku, remap=args.remap)
    except (BenchError, MappingConflictError) as error:
        return fail(str(error))
    if result.remapped_from:
        print(f"Remapped {result.key_text}: {result.remapped_from} -> {result.sku}.")
    else:
        print(f"Matched {result.key_text} to {result.sku}.")
    print(f"{result.shipments_updated} open shipments updated.")
    return 0


FULFIL_USAGE = (
    "usage: giveaway-desk fulfil ORDER_ID --tracking NUMBER [--carrier NAME]\n"
    "   or: giveaway-desk fulfil --csv FILE"
)


def _fulfil(args: argparse.Namespace) -> int:
    if args.csv is not None:
        if args.order_id or args.tracking or args.carrier:
            return fail(
                f"--csv cannot be combined with ORDER_ID, --tracking or "
                f"--carrier.\n{FULFIL_USAGE}",
                2,
            )
        return _fulfil_csv(args)
    if not (args.order_id and args.tracking):
        return fail(f"give ORDER_ID and --tracking, or --csv FILE.\n{FULFIL_USAGE}", 2)
    bench = open_bench(args)
    try:
        shipment_id = bench.find_shipment(args.order_id)
        other = (
            bench.find_shipment(args.same_parcel_as) if args.same_parcel_as else None
        )
        result = bench.fulfil(
            shipment_id,
            args.tracking,
            args.carrier,
            same_parcel_as=other,
            zip_confirmed=args.zip_checked,
        )
    except TrackingInUseError as error:
        return fail(f"{error} (--same-parcel-as {error.other_order_id})")
    except ZipMismatchError as error:
        return fail(f"{error} (--zip-checked)")
    except BenchError as error:
        return fail(str(error))
    for warning in result.warnings:
        fail(f"warning: {warning}", 0)
    print(
        f"Order {result.order_id} fulfilled: {result.carrier} "
        f"{result.tracking_number}; {len(result.outbox_keys)} updates waiting to sync."
    )
    return 0


def _fulfil_csv(args: argparse.Namespace) -> int:
    bench = open_bench(args)
    try:
        result = import_tracking_csv(bench, args.csv)
    except TrackingCsvError as error:
        return fail(str(error))
    for line in result.report_lines():
        print(line)
    print(result.summary())
    return 0 if result.ok else 1
