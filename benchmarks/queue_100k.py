"""How fast is the queue with 100,000 shipments?

Fills a data folder with 100,000 shipments (in bulk, through the real schema and
migrations), then measures in one run:

- start to first painted queue: a fresh process starts, opens the folder, shows
  the main window and paints the table;
- search keystroke to updated view: one key typed into the search box until
  the table has been repainted, for every keystroke of a set of searches a clerk
  makes (order ids, names, titles, SKUs), p50 and p95;
- the same SQL query run alone (the baseline), p50 and p95, and the ratio.

Usage: python benchmarks/queue_100k.py [--shipments N] [--folder PATH]
Targets: first paint under 1.5 s; search p95 under 50 ms and within 3x the query.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SEARCHES = ("579100000004", "riley", "glow serum", "cndl-lav", "1z999", "lavender 8")
STATES = ("unmatched", "ready", "ready", "packed", "shipped", "synced", "synced")
TITLES = (
    ("Glow Serum 30ml", "GS-30"),
    ("Lavender Soy Candle 8oz", "CNDL-LAV-08"),
    ("Hydrating Face Mist 50ml", "MIST-HYD-50"),
    ("Matte Lip Tint Coral", "LIP-MT-CRL"),
    ("Bamboo Hair Brush Travel", "BRSH-BMB-TRV"),
    ("LIVE Giveaway - Whipped Body Butter Vanilla", ""),
)
NAMES = ("Riley", "Jordan", "Avery", "Morgan", "Casey", "Taylor", "Quinn", "Harper")


def fill(folder: Path, count: int) -> None:
    """Write ``count`` shipments (one line each) straight into the schema."""
    import sqlalchemy as sa

    from app.services.bench import Bench, Identity
    from app.storage.models import Shipment, ShipmentLine

    bench = Bench.open_path(folder, Identity(user="bench", station="benchmark"))
    rng = random.Random(7)
    now = datetime.now(UTC).replace(microsecond=0)
    shipments, lines = [], []
    for number in range(1, count + 1):
        title, sku = rng.choice(TITLES)
        state = "unmatched" if not sku else rng.choice(STATES)
        name = f"{rng.choice(NAMES)} Example{number % 997}"
        order_id = f"5791{number:014d}"
        tracking = f"1Z999AA1{number:010d}" if state in ("shipped", "synced") else None
        shipments.append(
            {
                "id": number,
                "platform": "tiktok",
                "order_id": order_id,
                "kind": "giveaway" if number % 3 else "sample",
                "state": state,
                "platform_status": "AWAITING_SHIPMENT",
                "on_hold": False,
                "ship_by": now + timedelta(minutes=rng.randrange(-3000, 6000)),
                "ordered_at": now - timedelta(days=2),
                "remote_updated_at": now - timedelta(days=1),
                "recipient_name": name,
                "recipient_address": f"{number} Example Street, Springfield",
                "postal_code": "62704",
                "region_code": "US",
                "buyer_message": "",
                "item_summary": title,
                "sku_summary": sku if state != "unmatched" else "",
                "tracking_number": tracking,
                "carrier": "UPS" if tracking else None,
                "problem": "",
                "search_text": " ".join(
                    part.casefold()
                    for part in (order_id, name, title, sku, tracking or "")
                ),
                "raw_json": "{}",
                "updated_at": now,
            }
        )
        lines.append(
            {
                "shipment_id": number,
                "line_id": f"{order_id}01",
                "platform": "tiktok",
                "product_id": "1731999999999999901",
                "sku_id": "1731999999999999911",
                "seller_sku": "",
                "product_name": title,
                "sku_name": "",
                "matched_sku": sku or None,
                "packed": False,
            }
        )
    with bench.engine.begin() as connection:
        connection.execute(sa.insert(Shipment.__table__), shipments)  # type: ignore[attr-defined]
        connection.execute(sa.insert(ShipmentLine.__table__), lines)  # type: ignore[attr-defined]
    bench.close()


def first_paint(folder: Path) -> float:
    """Seconds from starting the real app (``python -m app``) to its first paint.

    The app's own switch makes it log the moment the queue first paints and
    quit; everything a clerk's start does happens on the way (the command line,
    the database, the sync and scanner set-up, the whole window).
    """
    logs = Path(tempfile.mkdtemp(prefix="giveaway-bench-logs-"))
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        GIVEAWAY_DESK_EXIT_AFTER_FIRST_PAINT="1",
        GIVEAWAY_DESK_LOG_DIR=str(logs),
        GIVEAWAY_DESK_CONFIG_DIR=str(logs / "config"),
    )
    started = time.time()
    subprocess.run(
        [sys.executable, "-m", "app", "--data-dir", str(folder)],
        capture_output=True,
        check=True,
        env=env,
    )
    log = (logs / "giveaway-desk.log").read_text(encoding="utf-8")
    painted_at = float(log.rsplit("First paint at ", 1)[1].split()[0])
    return painted_at - started


def measure_search(folder: Path) -> tuple[list[float], list[float]]:
    """Keystroke-to-repaint times, and the same queries run alone (seconds)."""
    from PySide6.QtTest import QTest

    from app.services.bench import Bench
    from app.storage import queue as queue_sql
    from app.ui.application import create_application, settle_memory
    from app.ui.main_window import MainWindow

    app = _APP.setdefault("app", create_application())
    bench = Bench.open_path(folder)
    window = MainWindow(bench)
    window.show()
    app.processEvents()
    settle_memory()  # as the app does once it has started

    keystrokes: list[float] = []
    bare: list[float] = []
    for term in SEARCHES * 3:
        window.search.clear()
        app.processEvents()
        for character in term:
            started = time.perf_counter()
            QTest.keyClicks(window.search, character)
            window.table.viewport().repaint()
            keystrokes.append(time.perf_counter() - started)
            # What follows the repaint (the detail pane) happens between two
            # keystrokes, as it does when a person types.
            app.processEvents()

            query = window.model.query
            statements = queue_sql.queue_id_statements(
                text=query.text,
                states=[s.value for s in (query.states or _open_states())],
                kind=None,
                sort=query.sort.value,
                descending=query.descending,
            )
            started = time.perf_counter()
            with bench.engine.connect() as connection:
                queue_sql.fetch_ids(connection, statements, query.limit)
            bare.append(time.perf_counter() - started)
    window.close()
    bench.close()
    return keystrokes, bare


# The QApplication must outlive every widget, so it is kept here rather than in
# a local variable that dies with measure_search().
_APP: dict[str, object] = {}


def _open_states() -> frozenset:
    from app.domain.shipments import OPEN_STATES

    return OPEN_STATES


def percentile(values: list[float], share: float) -> float:
    """The value below which ``share`` of the values lie."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shipments", type=int, default=100_000)
    parser.add_argument("--folder", type=Path)
    args = parser.parse_args()

    folder = args.folder or Path(tempfile.mkdtemp(prefix="giveaway-bench-"))
    started = time.perf_counter()
    fill(folder, args.shipments)
    print(
        f"filled {args.shipments:,} shipments in {time.perf_counter() - started:.1f} s"
    )

    paints = [first_paint(folder) for _ in range(3)]
    keystrokes, bare = measure_search(folder)

    ms = 1000
    search_p95, bare_p95 = percentile(keystrokes, 0.95), percentile(bare, 0.95)
    print(
        f"start to first painted queue: {statistics.median(paints):.2f} s "
        f"(median of 3; target < 1.5 s)"
    )
    print(
        f"search keystroke to view:     p50 {statistics.median(keystrokes) * ms:.1f} ms"
        f"  p95 {search_p95 * ms:.1f} ms  (n={len(keystrokes)}; target p95 < 50 ms)"
    )
    print(
        f"same SQL query alone:         p50 {statistics.median(bare) * ms:.1f} ms"
        f"  p95 {bare_p95 * ms:.1f} ms"
    )
    print(f"ratio search/query at p95:    {search_p95 / bare_p95:.2f}x (target < 3x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
