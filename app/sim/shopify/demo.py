"""A simulated Shopify shop holding the demo store's catalog and sample twins.

Every demo catalog variant becomes a Shopify variant (SKU, barcode, stock at
one warehouse). Every second demo free sample also gets the $0 "Free sample"
order TikTok's channel would have copied into Shopify, so the demo shows both
paths: a twin to fulfil, and a sample only TikTok knows about.
"""

from __future__ import annotations

import logging

from app.sim.demo_store import DemoStore, build_demo_store
from app.sim.shopify.simulator import ShopifySimulator, SimSettings
from app.sim.shopify.state import SimVariant

logger = logging.getLogger(__name__)

WAREHOUSE = "Demo warehouse"


def demo_shop(
    store: DemoStore | None = None, settings: SimSettings | None = None
) -> ShopifySimulator:
    """A simulator seeded from ``store`` (default: the standard demo store)."""
    store = store or build_demo_store()
    sim = ShopifySimulator(settings)
    warehouse = sim.state.add_location(WAREHOUSE)
    by_sku: dict[str, SimVariant] = {}
    for demo in store.catalog:
        by_sku[demo.sku] = sim.state.add_variant(
            sku=demo.sku,
            barcode=demo.gtin,
            product_title=demo.product_title,
            title=demo.variant_title,
            stock={warehouse.id: demo.available},
        )

    samples = [order for order in store.orders if order.get("is_sample_order")]
    for order in samples[::2]:
        line = order["line_items"][0]
        variant = by_sku.get(line.get("seller_sku", ""))
        if variant is None:
            continue
        sim.add_channel_order(
            variant.id,
            tags=["Free sample"],
            attributes=[("TikTok order ID", str(order["id"]))],
            location_id=warehouse.id,
        )
    logger.debug(
        "Demo Shopify shop: %d variants, %d sample twins",
        len(by_sku),
        len(sim.state.orders),
    )
    return sim
