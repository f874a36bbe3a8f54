"""``giveaway-desk report NAME [--csv]``: what was shipped, and what it cost.

``daily`` is shipped per day, ``campaigns`` giveaways per campaign (with the
budget), ``creators`` free samples per creator. Without ``--csv`` a plain
table is printed; with it, formula-safe CSV goes to standard output (or to
``--output FILE``).
"""

from __future__ import annotations

import argparse
import logging
import sys
from datetime import date
from pathlib import Path
from typing import Any

from app.cli.common import fail, open_bench
from app.domain.campaigns import CampaignError
from app.services.campaigns import REPORT_NAMES, CampaignService, Report

logger = logging.getLogger(__name__)


def register(subparsers: Any) -> None:
    """Add ``report``."""
    parser = subparsers.add_parser(
        "report",
        help="shipped per day, per giveaway campaign or per creator, with cost",
        description="Units shipped and what they cost (catalog unit cost where "
        "known). Days are UTC days of the moment the tracking number was saved.",
    )
    parser.add_argument("name", choices=REPORT_NAMES, help="which report")
    parser.add_argument("--csv", action="store_true", help="write CSV, not a table")
    parser.add_argument(
        "--output", type=Path, metavar="FILE", help="write to FILE, not the screen"
    )
    parser.add_argument("--since", type=date.fromisoformat, metavar="YYYY-MM-DD")
    parser.add_argument("--until", type=date.fromisoformat, metavar="YYYY-MM-DD")
    parser.set_defaults(handler=_report)


def _report(args: argparse.Namespace) -> int:
    bench = open_bench(args)
    try:
        service = CampaignService(bench)
        report = service.report(args.name, since=args.since, until=args.until)
        if args.output is not None:
            with args.output.open("w", encoding="utf-8", newline="") as handle:
                _write(service, report, args.csv, handle)
            print(f"{len(report.rows)} row(s) written to {args.output}")
        else:
            _write(service, report, args.csv, sys.stdout)
    except CampaignError as error:
        return fail(str(error))
    except OSError as error:
        return fail(f"cannot write {args.output}: {error.strerror or error}")
    finally:
        bench.close()
    return 0


def _write(service: CampaignService, report: Report, as_csv: bool, handle: Any) -> None:
    if as_csv:
        service.export_csv(report, handle)
        return
    handle.write(_table(report))


def _table(report: Report) -> str:
    """The report as aligned text columns, totals last."""
    header = ["", *report.extra_columns, "Shipments", "Units", "Cost", "No cost"]
    lines = [header]
    for row in (*report.rows, report.total):
        extra = dict(row.extra)
        lines.append(
            [
                row.label,
                *(extra.get(column, "") for column in report.extra_columns),
                str(row.shipments),
                str(row.units),
                f"{row.cost:.2f}",
                str(row.units_without_cost),
            ]
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    text = [report.title, ""]
    for line in lines:
        cells = [line[0].ljust(widths[0])]
        cells += [
            cell.rjust(width) for cell, width in zip(line[1:], widths[1:], strict=True)
        ]
        text.append("  ".join(cells).rstrip())
    return "\n".join(text) + "\n"
