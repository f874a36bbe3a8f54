"""Reports and campaign figures over many shipped units.

Builds a bench on a fresh SQLite file with N shipped giveaways over 30 days,
one in fifty of them (1,000 of 50,000) won in one campaign (a big LIVE
giveaway; most have tens to hundreds of winners). Then it times what the
reports view loads on each refresh (the shipped units read once, the three
reports, the burn-downs and the warnings) and what the pack station would ask
on every order it opens (``over_budget_reason``).

The baseline, measured in the same run on the same file, is a bare SQL count
of the shipped lines joined to their fulfilment: the least any report must
read.

Run: ``python benchmarks/campaign_reports.py [--shipments N]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session

from app.services.bench import Bench, Identity
from app.services.campaigns import CampaignService
from app.services.dto import CatalogItem
from app.storage.models import CampaignProduct, Fulfilment, Shipment, ShipmentLine

START = datetime(2026, 11, 1, tzinfo=UTC)


def build(folder: Path, count: int) -> CampaignService:
    """A bench with ``count`` shipped giveaways, one in fifty in campaign "C"."""
    bench = Bench.open_path(folder, Identity("bench", "bench-1"))
    bench.upsert_catalog([CatalogItem(sku="GS-30", title="Serum", unit_cost="4.00")])
    service = CampaignService(bench, clock=lambda: START + timedelta(days=30))
    service.create("C", "GS-30", count)
    with Session(bench.engine) as session:
        session.add_all(
            Shipment(
                order_id=f"O{n}",
                kind="giveaway",
                state="synced",
                platform_status="COMPLETED",
                ordered_at=START,
                remote_updated_at=START,
            )
            for n in range(count)
        )
        session.commit()
        for n in range(1, count + 1):
            product = "P" if n % 50 == 1 else "Q"
            session.add(
                ShipmentLine(
                    shipment_id=n,
                    line_id="1",
                    product_id=product,
                    sku_id="1",
                    matched_sku="GS-30",
                )
            )
            shipped_at = START + timedelta(minutes=n * 43_200 // count)
            session.add(
                Fulfilment(
                    shipment_id=n,
                    carrier="UPS",
                    tracking_number=f"T{n}",
                    created_at=shipped_at,
                )
            )
        session.add(CampaignProduct(campaign_id=1, product_id="P"))
        session.commit()
    return service


def timed(work: Callable[[], object], repeat: int) -> list[float]:
    """Milliseconds of each of ``repeat`` runs (after one warm-up run)."""
    work()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000.0)
    return times


def refresh(service: CampaignService) -> None:
    """What the reports view loads on each refresh (``load_reports``)."""
    units = service.shipped_units()
    views = service.campaigns()
    for name in ("daily", "campaigns", "creators"):
        service.report(name, units=units, views=views)
    service.burn_downs(units=units, views=views)
    service.warnings(views=views)


def bare_count(service: CampaignService) -> int:
    """The baseline: count the shipped lines with their fulfilment in SQL."""
    with Session(service.bench.engine) as session:
        query = (
            sa.select(sa.func.count())
            .select_from(ShipmentLine)
            .join(Fulfilment, Fulfilment.shipment_id == ShipmentLine.shipment_id)
        )
        return int(session.execute(query).scalar_one())


def main(argv: Sequence[str] | None = None) -> int:
    """Build, time, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shipments", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as folder:
        service = build(Path(folder), args.shipments)
        baseline = statistics.median(timed(lambda: bare_count(service), args.repeat))
        reports = statistics.median(timed(lambda: refresh(service), args.repeat))
        pack = statistics.median(
            timed(lambda: service.over_budget_reason(1), args.repeat)
        )
        no_campaign = statistics.median(
            timed(lambda: service.over_budget_reason(2), args.repeat)
        )
        service.bench.close()

    print(f"shipped units: {args.shipments} (one in fifty in one campaign)")
    print(f"baseline, bare SQL count: {baseline:.1f} ms")
    print(f"reports view refresh:     {reports:.1f} ms ({reports / baseline:.0f}x)")
    print(f"over-budget check, in the campaign: {pack:.1f} ms")
    print(f"over-budget check, no campaign:     {no_campaign:.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
