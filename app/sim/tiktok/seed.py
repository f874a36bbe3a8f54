"""Filling a simulated shop with demo orders."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from app.sim.tiktok.simulator import TikTokShopSim

logger = logging.getLogger(__name__)


def seed_demo_store(
    sim: TikTokShopSim, orders: Iterable[dict[str, Any]]
) -> TikTokShopSim:
    """Load TikTok 202309 order objects (e.g. the demo store's) into ``sim``.

    Packages, products and the carriers of each delivery option are derived from
    the orders, so shipping and product look-ups work on them straight away.
    """
    batch = list(orders)
    sim.seed_orders(batch)
    logger.info("Simulated TikTok shop seeded with %d orders", len(batch))
    return sim
