"""A small world for sync tests: both simulators on loopback, a bench that knows them.

The simulators hold a number of LIVE-giveaway orders (TikTok) and the matched
SKU's stock (Shopify); the bench has imported the orders and matched them, so
every shipment is ready to fulfil. Used by the sync tests, the crash harness's
child process and ``benchmarks/outbox_drain.py``.
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path
from typing import Any

from app.domain.carriers import ups_check_digit
from app.domain.credentials import MemoryCredentialStore, Secret
from app.net.shopify import ShopifyClient, ShopifyConfig, open_client
from app.net.shopify import auth as shopify_auth
from app.net.tiktok import TikTokConfig, TikTokShopClient
from app.net.tiktok import credentials as tiktok_names
from app.net.tiktok.retry import default_policy
from app.services.bench import Bench, Identity
from app.services.demo_sync import DemoServices, start_simulators
from app.services.dto import CatalogItem
from app.sim.shopify import ShopifySimulator, SimSettings
from app.sim.tiktok import TikTokShopSim
from app.storage.models import Shipment

SKU = "CNDL-LAV-08"
STATION = "sync-bench"
BASE_ORDER_ID = 579300000000000000
DELIVERY_OPTION = "7200000000000000011"
GIVEAWAY_PRODUCT = "1731999999999999901"
GIVEAWAY_SKU = "1731999999999999911"


def ups_tracking(number: int) -> str:
    """A valid UPS 1Z tracking number, different for every ``number``."""
    body = f"999AA10{number:08d}"
    return f"1Z{body}{ups_check_digit(body)}"


def giveaway_order(index: int, update_time: int) -> dict[str, Any]:
    """One TikTok LIVE giveaway order, waiting to ship."""
    order_id = str(BASE_ORDER_ID + index)
    package_id = str(1155000000000000000 + index)
    return {
        "id": order_id,
        "status": "AWAITING_SHIPMENT",
        "order_type": "ZERO_LOTTERY",
        "is_sample_order": False,
        "is_on_hold_order": False,
        "create_time": update_time - 60,
        "update_time": update_time,
        "rts_sla_time": update_time + 3 * 86400,
        "delivery_option_id": DELIVERY_OPTION,
        "tracking_number": "",
        "packages": [{"id": package_id}],
        "payment": {"currency": "USD", "sub_total": "0.00", "total_amount": "0.00"},
        "recipient_address": {
            "name": f"Winner {index}",
            "full_address": f"{index} Example Street, Springfield, IL 62704",
            "postal_code": "62704",
            "region_code": "US",
        },
        "line_items": [
            {
                "id": str(BASE_ORDER_ID + 10_000_000 + index),
                "product_id": GIVEAWAY_PRODUCT,
                "product_name": "Lavender Soy Candle 8oz (giveaway)",
                "sku_id": GIVEAWAY_SKU,
                "sku_name": "",
                "seller_sku": "",
                "sale_price": "0.00",
                "currency": "USD",
                "package_id": package_id,
                "tracking_number": "",
            }
        ],
    }


def make_simulators(
    count: int, *, bucket_size: float = 1000.0, restore_rate: float = 100.0
) -> DemoServices:
    """Both simulators on loopback: ``count`` giveaway orders, the SKU in stock."""
    now = int(time.time()) - 120
    tiktok = TikTokShopSim()
    tiktok.seed_orders(giveaway_order(index, now) for index in range(count))
    shopify = ShopifySimulator(
        SimSettings(bucket_size=bucket_size, restore_rate=restore_rate)
    )
    location = shopify.state.add_location("Main warehouse")
    shopify.state.add_variant(
        sku=SKU,
        product_title="Lavender Soy Candle",
        title="8oz",
        stock={location.id: 100_000},
    )
    return start_simulators(tiktok, shopify, location.id)


def prepare_bench(folder: Path, services: DemoServices) -> Bench:
    """A bench holding every simulated order, matched to the SKU, ready to fulfil."""
    bench = Bench.open_path(folder, Identity(user="clerk", station=STATION))
    variant = next(iter(services.shopify_sim.state.variants.values()))
    bench.upsert_catalog(
        [
            CatalogItem(
                sku=SKU,
                title="Lavender Soy Candle 8oz",
                shopify_variant_id=variant.id,
                inventory_item_id=variant.inventory_item_id,
            )
        ]
    )
    report = bench.import_orders(services.tiktok_sim.orders.values(), "test")
    assert report.ok, report.errors
    first = bench.find_shipment(str(BASE_ORDER_ID))
    bench.match(first, SKU)
    return bench


def open_bench(folder: Path) -> Bench:
    """The same bench again (as after a restart)."""
    return Bench.open_path(folder, Identity(user="clerk", station=STATION))


def tracking_for(order_id: str) -> str:
    """The tracking number the tests give an order."""
    return ups_tracking(int(order_id) - BASE_ORDER_ID)


def shopify_units_by_order(sim: ShopifySimulator) -> Counter[str]:
    """Units taken off stock per TikTok order, from Shopify's adjustment history."""
    taken: Counter[str] = Counter()
    for group in sim.state.adjustment_groups:
        uri = str(group.get("referenceDocumentUri") or "")
        order_id = uri.rsplit("/", 1)[-1]
        changes = group.get("changes") or []
        assert isinstance(changes, list)
        for change in changes:
            if change.get("name") == "available":
                taken[order_id] -= int(change["delta"])
    return taken


def shipment_state(bench: Bench, order_id: str) -> str:
    """The local state of an order's shipment."""
    with bench.engine.connect() as connection:
        row = connection.execute(
            Shipment.__table__.select().where(  # type: ignore[attr-defined]
                Shipment.__table__.c.order_id == order_id  # type: ignore[attr-defined]
            )
        ).first()
    assert row is not None
    return str(row.state)


def client_settings(services: DemoServices) -> dict[str, str]:
    """What another process needs to reach both simulators (test values only)."""
    tokens = services.tiktok_sim.issue_tokens()
    shopify = services.shopify_sim.settings
    return {
        "tiktok_url": services.tiktok_url,
        "tiktok_app_key": services.tiktok_sim.app_key,
        "tiktok_app_secret": services.tiktok_sim.app_secret,
        "tiktok_access_token": tokens["access_token"],
        "tiktok_refresh_token": tokens["refresh_token"],
        "tiktok_access_expires_at": str(tokens["access_token_expire_in"]),
        "shopify_url": services.shopify_url,
        "shopify_client_id": shopify.client_id,
        "shopify_client_secret": shopify.client_secret,
        "location_id": services.location_id,
    }


def tiktok_client_from(settings: dict[str, str]) -> TikTokShopClient:
    """A TikTok client built from :func:`client_settings` (retries do not wait)."""
    store = MemoryCredentialStore(
        {
            tiktok_names.APP_KEY: Secret(settings["tiktok_app_key"]),
            tiktok_names.APP_SECRET: Secret(settings["tiktok_app_secret"]),
            tiktok_names.ACCESS_TOKEN: Secret(settings["tiktok_access_token"]),
            tiktok_names.REFRESH_TOKEN: Secret(settings["tiktok_refresh_token"]),
            tiktok_names.ACCESS_EXPIRES_AT: Secret(
                settings["tiktok_access_expires_at"]
            ),
        }
    )
    url = settings["tiktok_url"]
    config = TikTokConfig(api_base_url=url, auth_base_url=url)
    return TikTokShopClient(
        config, store, policy=default_policy(3), sleep=lambda _seconds: None
    )


def shopify_client_from(settings: dict[str, str]) -> ShopifyClient:
    """A Shopify client built from :func:`client_settings`."""
    store = MemoryCredentialStore(
        {
            shopify_auth.CLIENT_ID: Secret(settings["shopify_client_id"]),
            shopify_auth.CLIENT_SECRET: Secret(settings["shopify_client_secret"]),
        }
    )
    config = ShopifyConfig(
        settings["shopify_url"], location_id=settings["location_id"], max_attempts=3
    )
    return open_client(config, store)
