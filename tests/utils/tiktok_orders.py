"""A small generator of TikTok Shop 202309 order objects for connector tests.

Shapes follow /work/shared/fixtures/tiktok-shop-examples.json: string ids,
decimal-string money, Unix-second times, one unit per line item.
"""

from __future__ import annotations

from typing import Any

BASE_ORDER_ID = 579200000000000000
DELIVERY_OPTION = "7200000000000000011"


def make_order(
    index: int, update_time: int, kind: str = "normal", region: str = "US"
) -> dict[str, Any]:
    """One order; ``kind`` is ``normal``, ``giveaway`` or ``sample``."""
    order_id = str(BASE_ORDER_ID + index)
    free = kind != "normal"
    price = "0.00" if free else "17.99"
    return {
        "id": order_id,
        "status": "AWAITING_SHIPMENT",
        "order_type": "ZERO_LOTTERY" if kind == "giveaway" else "",
        "is_sample_order": kind == "sample",
        "is_on_hold_order": False,
        "create_time": update_time - 60,
        "update_time": update_time,
        "paid_time": update_time - 50,
        "rts_sla_time": update_time + 3 * 86400,
        "fulfillment_type": "FULFILLMENT_BY_SELLER",
        "shipping_type": "SELLER",
        "delivery_option_id": DELIVERY_OPTION,
        "delivery_option_name": "Shipped by seller",
        "user_id": str(7400000000000000000 + index),
        "buyer_message": "",
        "tracking_number": "",
        "shipping_provider_id": "",
        "packages": [{"id": str(1154000000000000000 + index)}],
        "payment": {"currency": "USD", "sub_total": price, "total_amount": price},
        "recipient_address": {
            "name": f"Buyer {index}",
            "full_address": f"{index} Example Street, Springfield, IL 62704",
            "postal_code": "62704",
            "region_code": region,
            "phone_number": "(+1)555-***-0142",
        },
        "line_items": [
            {
                "id": str(BASE_ORDER_ID + 10_000_000 + index),
                "product_id": "1731999999999999901"
                if kind == "giveaway"
                else "1729500000000000201",
                "product_name": "Lavender Soy Candle 8oz",
                "sku_id": "1731999999999999911"
                if kind == "giveaway"
                else "1729500000000000301",
                "sku_name": "" if kind == "giveaway" else "Lavender, 8oz",
                "seller_sku": "" if kind == "giveaway" else "CNDL-LAV-08",
                "sku_type": "ZERO_LOTTERY" if kind == "giveaway" else "NORMAL",
                "sale_price": price,
                "currency": "USD",
                "display_status": "AWAITING_SHIPMENT",
                "package_id": str(1154000000000000000 + index),
                "package_status": "TO_FULFILL",
                "tracking_number": "",
            }
        ],
    }


def make_orders(count: int, first_update: int, step_s: int = 1) -> list[dict[str, Any]]:
    """``count`` orders ``step_s`` apart: every 3rd a giveaway, every 7th a sample."""
    orders = []
    for index in range(count):
        kind = (
            "giveaway" if index % 3 == 0 else "sample" if index % 7 == 0 else "normal"
        )
        orders.append(make_order(index, first_update + index * step_s, kind))
    return orders
