"""Shopify Admin GraphQL connector: catalog, locations, stock, orders and fulfilment.

Start with :func:`open_client` (one client per shop, closed at shutdown); the
other functions take the client it returns and are safe to call from worker
threads.

For the outbox: one packed shipment is one :func:`ship_in_shopify` call with
the outbox entry's key as ``idempotency_key``. Pass ``record_attempt`` to keep
each :class:`StockAttempt` with the entry before it is sent, and give the last
one back as ``resume`` when the entry is retried after a crash: the connector
then resends exactly that request, which Shopify answers from its idempotency
record instead of taking the unit again. Failures are the types in
:mod:`app.net.shopify.errors`; :class:`ShopifyUnavailableError` and
:class:`ShopifyThrottledError` mean "retry later", the others need a person.

The catalog for the local cache comes from :func:`refresh_catalog`, which hands
each page of variants to a callback.
"""

from app.net.shopify.catalog import (
    CatalogSummary,
    find_by_barcode,
    find_by_sku,
    iter_variant_pages,
    refresh_catalog,
)
from app.net.shopify.client import ShopifyClient, open_client
from app.net.shopify.config import API_VERSION, ShopifyConfig
from app.net.shopify.locations import list_locations
from app.net.shopify.models import (
    FulfilmentResult,
    ShipmentItem,
    ShopifyLocation,
    ShopifyOrder,
    ShopifyVariant,
    StockAttempt,
    StockResult,
    TrackingInfo,
)
from app.net.shopify.orders import (
    ZeroOrderRequest,
    create_zero_order,
    find_twin_order,
    fulfil_order,
)
from app.net.shopify.shipping import ShipmentOutcome, ShopifyShipment, ship_in_shopify
from app.net.shopify.stock import (
    StockLine,
    StockTake,
    take_units,
    tiktok_order_reference,
)

__all__ = [
    "API_VERSION",
    "CatalogSummary",
    "FulfilmentResult",
    "ShipmentItem",
    "ShipmentOutcome",
    "ShopifyClient",
    "ShopifyConfig",
    "ShopifyLocation",
    "ShopifyOrder",
    "ShopifyShipment",
    "ShopifyVariant",
    "StockAttempt",
    "StockLine",
    "StockResult",
    "StockTake",
    "TrackingInfo",
    "ZeroOrderRequest",
    "create_zero_order",
    "find_by_barcode",
    "find_by_sku",
    "find_twin_order",
    "fulfil_order",
    "iter_variant_pages",
    "list_locations",
    "open_client",
    "refresh_catalog",
    "ship_in_shopify",
    "take_units",
    "tiktok_order_reference",
]
