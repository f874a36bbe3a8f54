"""TikTok 202309 order objects for bench tests, and a bench to put them in."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

from app.services.bench import Bench, Identity
from app.services.dto import CatalogItem

NOW = 1_767_700_000  # a fixed "now" in Unix seconds (early January 2026)
_ids = itertools.count(1)

CATALOG = (
    CatalogItem(sku="GS-30", title="Glow Serum 30ml", gtin="00860000000017"),
    CatalogItem(sku="GS-50", title="Glow Serum 50ml", gtin="00860000000024"),
    CatalogItem(sku="CNDL-LAV-08", title="Lavender Soy Candle 8oz"),
    CatalogItem(sku="CNDL-LAV-12", title="Lavender Soy Candle 12oz"),
    CatalogItem(sku="MUG-BLK", title="Ceramic Mug Black"),
)


def giveaway(
    product_id: str = "1729000000000000001",
    sku_id: str = "1729000000000000101",
    title: str = "Glow Serum 30ml",
    *,
    order_id: str | None = None,
    update_time: int = NOW,
    status: str = "AWAITING_SHIPMENT",
    postal_code: str = "62704",
) -> dict[str, Any]:
    """A LIVE giveaway order pointing at TikTok's duplicate listing."""
    order = _order(order_id, update_time, status, postal_code)
    order["order_type"] = "ZERO_LOTTERY"
    order["line_items"] = [_line(order, product_id, sku_id, title, seller_sku="")]
    return order


def sample(
    seller_sku: str = "CNDL-LAV-08",
    title: str = "Lavender Soy Candle 8oz",
    *,
    order_id: str | None = None,
    update_time: int = NOW,
    status: str = "AWAITING_SHIPMENT",
) -> dict[str, Any]:
    """A creator free-sample order carrying the real seller SKU."""
    order = _order(order_id, update_time, status, "78701")
    order["is_sample_order"] = True
    order["line_items"] = [
        _line(order, "1729500000000000201", "1729500000000000301", title, seller_sku)
    ]
    return order


def ordinary(*, order_id: str | None = None) -> dict[str, Any]:
    """A normal paid order, which the bench does not queue."""
    order = _order(order_id, NOW, "AWAITING_SHIPMENT", "62704")
    order["line_items"] = [
        _line(order, "1729500000000000201", "1729500000000000301", "Candle", "CNDL-08")
    ]
    return order


def _order(
    order_id: str | None, update_time: int, status: str, postal_code: str
) -> dict[str, Any]:
    number = next(_ids)
    return {
        "id": order_id or f"5793{number:014d}",
        "status": status,
        "order_type": "",
        "is_sample_order": False,
        "is_on_hold_order": status == "ON_HOLD",
        "create_time": update_time - 3600,
        "update_time": update_time,
        "rts_sla_time": update_time + 2 * 86400,
        "tracking_number": "",
        "recipient_address": {
            "name": f"Winner {number}",
            "full_address": f"{number} Example Street, Springfield, Illinois, "
            f"{postal_code}, United States",
            "postal_code": postal_code,
            "region_code": "US",
        },
    }


def _line(
    order: dict[str, Any], product_id: str, sku_id: str, title: str, seller_sku: str
) -> dict[str, Any]:
    return {
        "id": f"{order['id']}01",
        "product_id": product_id,
        "sku_id": sku_id,
        "product_name": title,
        "sku_name": "",
        "seller_sku": seller_sku,
    }


def open_bench(folder: Path, *, user: str = "alex", station: str = "bench-1") -> Bench:
    """A bench on a real SQLite file in ``folder``, with the test catalog."""
    bench = Bench.open_path(folder, Identity(user=user, station=station))
    bench.upsert_catalog(CATALOG)
    return bench
