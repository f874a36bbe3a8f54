"""Shopify Admin GraphQL connector: catalog, locations, stock, orders and fulfilment.

Start with :func:`open_client`; the other functions take the client it returns.
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
from app.net.shopify.stock import StockTake, take_units, tiktok_order_reference

__all__ = [
    "API_VERSION",
    "CatalogSummary",
    "FulfilmentResult",
    "ShipmentOutcome",
    "ShopifyClient",
    "ShopifyConfig",
    "ShopifyLocation",
    "ShopifyOrder",
    "ShopifyShipment",
    "ShopifyVariant",
    "StockAttempt",
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
