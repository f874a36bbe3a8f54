"""The demo store's creator sample applications, in the affiliate API's shape.

Every demo sample order gets the application that led to it (same creator,
product and deadline; status following the order's). Beside those sit the
requests a real shop also has: some waiting for approval, some rejected or
withdrawn, and a few approved ones from an older setup that never became
orders, two of them for one creator at one address (one parcel).
"""

from __future__ import annotations

import random
import re
import zlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.sim.demo_store import DemoStore, DemoVariant

SEED_OFFSET = 7
_DAY = 24 * 3600
# How a sample order's status reads on its application.
_STATUS_OF_ORDER = {
    "AWAITING_SHIPMENT": "AWAITING_SHIPMENT",
    "ON_HOLD": "AWAITING_SHIPMENT",
    "AWAITING_COLLECTION": "SHIPPED",
    "IN_TRANSIT": "SHIPPED",
    "DELIVERED": "CONTENT_PENDING",
    "COMPLETED": "COMPLETED",
    "CANCELLED": "SELLER_NOT_SHIP_CANCELLED",
}
_NOTE = re.compile(r"@([\w.]+)\s*\(([^)]*)\)")
_EXTRA_CREATORS = (
    ("lipsbylena", "Lena Lips", "6990000000000000701"),
    ("homebodyhal", "Hal at Home", "6990000000000000702"),
    ("serumsquad", "Serum Squad", "6990000000000000703"),
    ("glowwithmaya", "Maya Glow", "6990000000000000704"),
)
_OLD_SETUP_ADDRESS = {
    "name": "Cass Example",
    "full_address": "41 Fixture Court Apt 3, Madison, Wisconsin, 53703, United States",
    "postal_code": "53703",
    "region_code": "US",
}


@dataclass(frozen=True, slots=True)
class DemoApplication:
    """One application, the address its parcel goes to, and its seller SKU."""

    record: dict[str, Any]
    address: dict[str, Any] | None
    seller_sku: str


def build_demo_samples(store: DemoStore, now: datetime) -> list[DemoApplication]:
    """The sample applications of ``store`` as of ``now``."""
    rng = random.Random(len(store.orders) * 1000 + SEED_OFFSET)
    moment = int(now.timestamp())
    applications = [_for_order(order) for order in store.orders if _is_sample(order)]
    number = 900
    for status, count in (
        ("PENDING", 6),
        ("REJECT_CANCELLED", 2),
        ("WITHDRAW_CANCELLED", 1),
    ):
        for _ in range(count):
            number += 1
            variant = rng.choice(store.catalog)
            handle, nickname, user_id = rng.choice(_EXTRA_CREATORS)
            created = moment - rng.randrange(2, 96) * 3600
            applications.append(
                DemoApplication(
                    _record(
                        f"74500000000000{number:05d}",
                        status,
                        variant,
                        (handle, nickname, user_id),
                        approve_by=created + 7 * _DAY,
                        ship_by=0,
                    ),
                    None,
                    variant.sku,
                )
            )
    # An older setup: approved, but no order. Two for one creator and one door.
    cass = ("cozyhomecass", "Cozy Cass", "6990000000000000705")
    for offset, variant in enumerate(rng.sample(store.catalog, 3)):
        number += 1
        approved = moment - (offset + 1) * 5 * 3600
        applications.append(
            DemoApplication(
                _record(
                    f"74500000000000{number:05d}",
                    "AWAITING_SHIPMENT",
                    variant,
                    cass if offset < 2 else _EXTRA_CREATORS[1],
                    approve_by=approved,
                    ship_by=approved + 3 * _DAY,
                ),
                dict(_OLD_SETUP_ADDRESS),
                variant.sku,
            )
        )
    return applications


def _is_sample(order: dict[str, Any]) -> bool:
    return bool(order.get("is_sample_order"))


def _for_order(order: dict[str, Any]) -> DemoApplication:
    line = order["line_items"][0]
    found = _NOTE.search(order.get("buyer_message", ""))
    handle, nickname = found.groups() if found else ("creator", "Creator")
    created = int(order["create_time"])
    record = {
        "id": f"7450{order['id'][4:]}",
        "status": _STATUS_OF_ORDER.get(order["status"], "AWAITING_SHIPMENT"),
        "fulfillment_status": "PENDING",
        "order_id": order["id"],
        "tracking_number": order.get("tracking_number", ""),
        "approve_expiration_time": created,
        "shipment_expiration_time": int(order.get("rts_sla_time") or 0),
        "is_approvable": False,
        "product": {
            "id": line["product_id"],
            "title": line["product_name"],
            "sku_id": line["sku_id"],
            "sku_name": line.get("sku_name", ""),
        },
        "creator": {
            "user_id": f"699{zlib.crc32(handle.encode()):016d}",
            "username": handle,
            "nickname": nickname,
        },
    }
    return DemoApplication(record, dict(order["recipient_address"]), line["seller_sku"])


def _record(
    application_id: str,
    status: str,
    variant: DemoVariant,
    creator: tuple[str, str, str],
    *,
    approve_by: int,
    ship_by: int,
) -> dict[str, Any]:
    handle, nickname, user_id = creator
    return {
        "id": application_id,
        "status": status,
        "fulfillment_status": "PENDING",
        "order_id": "",
        "tracking_number": "",
        "approve_expiration_time": approve_by,
        "shipment_expiration_time": ship_by,
        "is_approvable": status == "PENDING",
        "product": {
            "id": variant.tiktok_product_id,
            "title": variant.title,
            "sku_id": variant.tiktok_sku_id,
            "sku_name": variant.variant_title,
        },
        "creator": {"user_id": user_id, "username": handle, "nickname": nickname},
    }


def approved_without_order(
    applications: list[DemoApplication],
) -> list[DemoApplication]:
    """The approved applications that never became orders (parcels sent by hand)."""
    return [
        a
        for a in applications
        if a.record["status"] == "AWAITING_SHIPMENT" and not a.record["order_id"]
    ]


__all__ = [
    "DemoApplication",
    "approved_without_order",
    "build_demo_samples",
]
