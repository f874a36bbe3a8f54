"""Filling a fresh demo data folder with the demo store."""

from __future__ import annotations

import logging
from datetime import datetime

from app.services.bench import Bench
from app.services.dto import CatalogItem, ImportReport
from app.sim.demo_store import DemoStore, build_demo_store

logger = logging.getLogger(__name__)

SEEDED_KEY = "demo.seeded"


def catalog_items(store: DemoStore) -> list[CatalogItem]:
    """The demo catalog as the bench stores it."""
    return [
        CatalogItem(
            sku=variant.sku,
            title=variant.title,
            gtin=variant.gtin.zfill(14),
            barcode=variant.gtin,
            product_title=variant.product_title,
            variant_title=variant.variant_title,
            available=variant.available,
            unit_cost=variant.unit_cost,
        )
        for variant in store.catalog
    ]


def ensure_demo_store(
    bench: Bench, store: DemoStore | None = None
) -> ImportReport | None:
    """Seed the demo store once; later starts keep the clerk's work as it is.

    The moment the store was made is kept, so :func:`demo_store_of` can make
    the very same store again for the simulated shops at every start.
    """
    if bench.get_state(SEEDED_KEY):
        return None
    store = store or build_demo_store()
    bench.upsert_catalog(catalog_items(store))
    report = bench.import_orders(store.orders, "demo store")
    bench.set_state(SEEDED_KEY, store.made_at.isoformat())
    logger.info("Demo store created: %s", report.summary())
    return report


def demo_store_of(bench: Bench) -> DemoStore:
    """The demo store this bench was seeded with (the same orders, ids and times)."""
    seeded = bench.get_state(SEEDED_KEY)
    try:
        moment = datetime.fromisoformat(seeded) if seeded else None
    except ValueError:
        moment = None
    return build_demo_store(now=moment)
