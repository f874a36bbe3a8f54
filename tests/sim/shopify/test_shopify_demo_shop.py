"""The demo Shopify shop mirrors the demo store: same SKUs, half the samples twinned."""

from __future__ import annotations

from app.domain.credentials import MemoryCredentialStore, Secret
from app.net.shopify import auth, find_twin_order, list_locations, refresh_catalog
from app.net.shopify.client import open_client
from app.net.shopify.config import ShopifyConfig
from app.net.shopify.models import ShopifyVariant
from app.sim.demo_store import build_demo_store
from app.sim.shopify.demo import demo_shop
from tests.utils.shopify_sim import FakeClock


def test_demo_shop_holds_the_demo_catalog_and_sample_twins() -> None:
    store = build_demo_store(seed=7)
    sim = demo_shop(store)
    samples = [o for o in store.orders if o.get("is_sample_order")]
    clock = FakeClock()
    credentials = MemoryCredentialStore(
        {auth.ADMIN_TOKEN: Secret("shpat_sim_admin_token")}
    )
    saved: list[ShopifyVariant] = []

    with open_client(
        ShopifyConfig("demo.myshopify.com"),
        credentials,
        transport=sim.transport(),
        clock=clock.now,
        sleep=clock.sleep,
    ) as client:
        [warehouse] = list_locations(client)
        refresh_catalog(client, warehouse.location_id, saved.extend)
        twinned = find_twin_order(client, str(samples[0]["id"]))
        lone = find_twin_order(client, str(samples[1]["id"]))

    assert {v.sku for v in saved} == {v.sku for v in store.catalog}
    assert {v.barcode for v in saved} == {v.gtin for v in store.catalog}
    assert twinned is not None and "Free sample" in twinned.tags
    assert lone is None
