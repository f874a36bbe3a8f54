"""Fixtures for driving the real windows offscreen."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.services.bench import Bench, Identity
from app.services.demo import ensure_demo_store
from app.sim.demo_store import DemoStore, GiveawayListing, build_demo_store
from app.ui import tasks
from app.ui.application import create_application

DEMO_NOW = datetime(2026, 12, 3, 15, 0, tzinfo=UTC)
SCREENSHOT_VARIABLE = "GIVEAWAY_DESK_SCREENSHOTS"


@pytest.fixture
def demo_store() -> DemoStore:
    return build_demo_store(now=DEMO_NOW)


@pytest.fixture
def demo_folder(tmp_path: Path) -> Path:
    return tmp_path / "demo-data"


@pytest.fixture
def demo_bench(qapp, demo_folder: Path, demo_store: DemoStore) -> Iterator[Bench]:
    create_application()
    bench = Bench.open_path(demo_folder, Identity(user="alex", station="bench-1"))
    ensure_demo_store(bench, demo_store)
    yield bench
    tasks.wait_for_all()
    bench.close()


def busiest_open_giveaway(store: DemoStore) -> tuple[GiveawayListing, list[str]]:
    """The giveaway listing with the most orders still to ship, and those orders."""
    open_orders: Counter[str] = Counter()
    by_product: dict[str, list[str]] = {}
    for order in store.orders:
        if (
            order["order_type"] != "ZERO_LOTTERY"
            or order["status"] != "AWAITING_SHIPMENT"
        ):
            continue
        product_id = order["line_items"][0]["product_id"]
        open_orders[product_id] += 1
        by_product.setdefault(product_id, []).append(order["id"])
    product_id, _ = open_orders.most_common(1)[0]
    listing = next(g for g in store.giveaways if g.product_id == product_id)
    return listing, by_product[product_id]


def save_screenshot(widget, name: str, tmp_path: Path) -> Path:
    """Grab ``widget`` as a PNG (in $GIVEAWAY_DESK_SCREENSHOTS when set)."""
    folder = Path(os.environ.get(SCREENSHOT_VARIABLE) or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    assert widget.grab().save(str(path)), f"could not write {path}"
    return path
