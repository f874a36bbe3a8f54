"""The shop's locations, for choosing where the bench takes stock from."""

from __future__ import annotations

import logging

from app.net.shopify.client import ShopifyClient
from app.net.shopify.models import ShopifyLocation

logger = logging.getLogger(__name__)

_PAGE_SIZE = 25


def list_locations(client: ShopifyClient) -> list[ShopifyLocation]:
    """Every active location, app-managed ones included (and marked)."""
    locations: list[ShopifyLocation] = []
    after: str | None = None
    while True:
        data = client.run("Locations", {"first": _PAGE_SIZE, "after": after})
        connection = data["locations"]
        for node in connection["nodes"]:
            address = node.get("address") or {}
            locations.append(
                ShopifyLocation(
                    location_id=node["id"],
                    name=node["name"],
                    is_active=bool(node["isActive"]),
                    is_primary=bool(node["isPrimary"]),
                    fulfills_online_orders=bool(node["fulfillsOnlineOrders"]),
                    app_managed=bool(node["isFulfillmentService"]),
                    city=address.get("city") or "",
                    country_code=address.get("countryCode") or "",
                )
            )
        if not connection["pageInfo"]["hasNextPage"]:
            return locations
        after = connection["pageInfo"]["endCursor"]
