"""The simulated TikTok Affiliate seller API: creators' free-sample applications.

:func:`install_affiliate` adds the three sample endpoints of the 202409 (and
202507) ``affiliate_seller`` family to a :class:`TikTokShopSim`, with the same
signing, tokens, envelope and page tokens as the rest of the shop. Approving a
pending application creates the sample order in the simulated shop
(``is_sample_order: true``, $0, the creator's address), and once that order has
shipped the application reads ``SHIPPED`` with its tracking number.

The error codes for an unknown application (16019001), a review of an
application that is no longer pending (16019002), a late approval (16019003)
and a reject without a valid reason (16019004) are the simulator's own
invention: no public source shows TikTok's.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import itertools
import json
import logging
import re
from collections import Counter
from typing import Any, Final

from app.sim.tiktok.simulator import SimRefusal, SimRequest, TikTokShopSim

logger = logging.getLogger(__name__)

Json = dict[str, Any]

CODE_NO_APPLICATION: Final = 16019001
CODE_NOT_PENDING: Final = 16019002
CODE_APPROVAL_EXPIRED: Final = 16019003
CODE_BAD_REJECT_REASON: Final = 16019004
CODE_BAD_PARAM: Final = 36009004

MAX_PAGE_SIZE: Final = 50
REJECT_REASONS: Final = frozenset({"NOT_MATCH", "OFFLINE", "OUT_OF_STOCK", "OTHER"})
CONTENT_FORMATS: Final = frozenset({"LIVE", "VIDEO"})
# Filters matched exactly, and the fuzzy ones with where they look.
_EXACT_FILTERS: Final = (
    ("status", ("status",)),
    ("order_id", ("order_id",)),
    ("product_id", ("product", "id")),
    ("creator_user_id", ("creator", "user_id")),
)
_FUZZY_FILTERS: Final = (
    ("username", ("creator", "username")),
    ("title", ("product", "title")),
)
_VERSIONS: Final = r"(?:202409|202507)"


class AffiliateSim:
    """Sample applications held by one simulated shop, and the routes serving them."""

    def __init__(self, sim: TikTokShopSim) -> None:
        self.sim = sim
        self.applications: dict[str, Json] = {}
        self.content: dict[str, list[Json]] = {}
        self.reviews: Counter[str] = Counter()
        self._order_numbers = itertools.count(1)
        self._created = itertools.count(1)

    # --- seller side: data --------------------------------------------------------

    def add_application(
        self,
        record: Json,
        *,
        address: Json | None = None,
        seller_sku: str = "",
    ) -> Json:
        """Add an API-shaped application; ``address`` is where its parcel goes.

        The address and seller SKU are kept aside (the affiliate API shows
        neither); the sample order made on approval carries them.
        """
        application = copy.deepcopy(record)
        application["_address"] = copy.deepcopy(address) if address else None
        application["_seller_sku"] = seller_sku
        application["_created"] = next(self._created)
        self.applications[str(application["id"])] = application
        return application

    def add_content(self, application_id: str, content: Json) -> None:
        """A video or LIVE the creator posted for the sample."""
        self.content.setdefault(application_id, []).append(copy.deepcopy(content))

    # --- routes -------------------------------------------------------------------

    def routes(self) -> list[tuple[str, str, str, Any]]:
        """The (method, path regex, name, handler) rows for :meth:`add_routes`."""
        base = rf"/affiliate_seller/{_VERSIONS}/sample_applications"
        return [
            ("POST", base + r"/search", "sample_search", self._search),
            ("POST", base + r"/(?P<id>[^/]+)/review", "sample_review", self._review),
            (
                "POST",
                base + r"/(?P<id>[^/]+)/fulfillments/search",
                "sample_content",
                self._content,
            ),
        ]

    def _search(self, request: SimRequest, match: re.Match[str]) -> Json:
        body = _json_body(request)
        size_text = request.query.get("page_size", "")
        if not size_text.isdigit() or not 1 <= int(size_text) <= MAX_PAGE_SIZE:
            raise SimRefusal(CODE_BAD_PARAM, "page_size must be between 1 and 50.")
        for application in self.applications.values():
            self._follow_order(application)
        found = [a for a in self.applications.values() if _matches(a, body)]
        found.sort(key=lambda a: a["_created"], reverse=True)

        fingerprint = hashlib.sha256(
            json.dumps(body, sort_keys=True).encode()
        ).hexdigest()[:12]
        start = _read_token(request.query.get("page_token"), fingerprint)
        page = found[start : start + int(size_text)]
        end = start + len(page)
        token = _make_token(end, fingerprint) if end < len(found) else ""
        return {
            "sample_applications": [_public(a) for a in page],
            "next_page_token": token,
            "total_count": len(found),
        }

    def _review(self, request: SimRequest, match: re.Match[str]) -> Json:
        application = self._application(match["id"])
        body = _json_body(request)
        result = body.get("review_result")
        self.reviews[application["id"]] += 1
        if result not in ("APPROVE", "REJECT"):
            raise SimRefusal(CODE_BAD_PARAM, "review_result must be APPROVE or REJECT.")
        if application["status"] != "PENDING":
            raise SimRefusal(
                CODE_NOT_PENDING,
                f"The application is {application['status']}, not PENDING.",
            )
        if result == "REJECT":
            if body.get("reject_reason") not in REJECT_REASONS:
                raise SimRefusal(
                    CODE_BAD_REJECT_REASON, "A valid reject_reason is required."
                )
            application["status"] = "REJECT_CANCELLED"
            application["is_approvable"] = False
            return {}
        deadline = int(application.get("approve_expiration_time") or 0)
        if deadline and self.sim.clock() > deadline:
            raise SimRefusal(CODE_APPROVAL_EXPIRED, "The approval time has passed.")
        application["status"] = "AWAITING_SHIPMENT"
        application["is_approvable"] = False
        application["order_id"] = self._make_sample_order(application)
        return {}

    def _content(self, request: SimRequest, match: re.Match[str]) -> Json:
        application = self._application(match["id"])
        wanted = _json_body(request).get("content_format")
        if wanted not in CONTENT_FORMATS:
            raise SimRefusal(CODE_BAD_PARAM, "content_format must be LIVE or VIDEO.")
        posts = [
            post
            for post in self.content.get(application["id"], [])
            if post.get("content", {}).get("format") == wanted
        ]
        return {"fulfillments": copy.deepcopy(posts)}

    # --- behaviour ----------------------------------------------------------------

    def _application(self, application_id: str) -> Json:
        application = self.applications.get(application_id)
        if application is None:
            raise SimRefusal(
                CODE_NO_APPLICATION, "The sample application does not exist."
            )
        return application

    def _make_sample_order(self, application: Json) -> str:
        """The $0 sample order TikTok creates when an application is approved."""
        now = int(self.sim.clock())
        order_id = f"5799{next(self._order_numbers):014d}"
        product = application.get("product") or {}
        ship_by = int(application.get("shipment_expiration_time") or now + 3 * 86400)
        address = application.get("_address") or {}
        order: Json = {
            "id": order_id,
            "status": "AWAITING_SHIPMENT",
            "order_type": "",
            "is_sample_order": True,
            "is_on_hold_order": False,
            "create_time": now,
            "update_time": now,
            "paid_time": now,
            "rts_sla_time": ship_by,
            "shipping_due_time": ship_by,
            "tts_sla_time": ship_by + 2 * 86400,
            "fulfillment_type": "FULFILLMENT_BY_SELLER",
            "shipping_type": "SELLER",
            "delivery_option_id": "7200000000000000011",
            "user_id": str((application.get("creator") or {}).get("user_id", "")),
            "buyer_message": "",
            "tracking_number": "",
            "packages": [{"id": f"1159{order_id[4:]}"}],
            "payment": {
                "currency": "USD",
                "sub_total": "0.00",
                "shipping_fee": "0.00",
                "tax": "0.00",
                "total_amount": "0.00",
            },
            "recipient_address": copy.deepcopy(address),
            "line_items": [
                {
                    "id": f"{order_id}01",
                    "product_id": str(product.get("id", "")),
                    "product_name": str(product.get("title", "")),
                    "sku_id": str(product.get("sku_id", "")),
                    "sku_name": str(product.get("sku_name", "")),
                    "seller_sku": application.get("_seller_sku", ""),
                    "sale_price": "0.00",
                    "original_price": "0.00",
                    "currency": "USD",
                    "display_status": "AWAITING_SHIPMENT",
                }
            ],
        }
        self.sim.seed_orders([order])
        logger.debug(
            "Sample application %s approved: order %s", application["id"], order_id
        )
        return order_id

    def _follow_order(self, application: Json) -> None:
        """Once the sample order left, the application reads SHIPPED."""
        order = self.sim.orders.get(str(application.get("order_id") or ""))
        if order is None or application["status"] != "AWAITING_SHIPMENT":
            return
        if order.get("tracking_number"):
            application["status"] = "SHIPPED"
            application["tracking_number"] = order["tracking_number"]


def install_affiliate(sim: TikTokShopSim) -> AffiliateSim:
    """Serve the sample-application endpoints from ``sim``; returns their data."""
    affiliate = AffiliateSim(sim)
    sim.add_routes(affiliate.routes())
    return affiliate


def application_record(
    application_id: str,
    *,
    status: str = "PENDING",
    product_id: str,
    title: str,
    sku_id: str,
    sku_name: str = "",
    creator_user_id: str,
    username: str,
    nickname: str = "",
    order_id: str = "",
    approve_by: int = 0,
    ship_by: int = 0,
) -> Json:
    """An application in the shape of the 202409 search answer."""
    return {
        "id": application_id,
        "status": status,
        "fulfillment_status": "PENDING",
        "order_id": order_id,
        "tracking_number": "",
        "approve_expiration_time": approve_by,
        "shipment_expiration_time": ship_by,
        "available_quantity": 10,
        "commission_rate": "0.15",
        "is_approvable": status == "PENDING",
        "disapprovable_reasons": [],
        "partner_name": "",
        "product": {
            "id": product_id,
            "title": title,
            "sku_id": sku_id,
            "sku_name": sku_name,
            "sku_image_url": "",
        },
        "creator": {
            "user_id": creator_user_id,
            "username": username,
            "nickname": nickname or username,
            "avatar_url": "",
            "follower_count": 1000,
            "content_count": 10,
            "ec_video_view": 100,
            "fulfillment_percentage": "80.00%",
            "gmv": {"amount": "0.00", "currency": "USD"},
        },
    }


# --- helpers ------------------------------------------------------------------------


def _json_body(request: SimRequest) -> Json:
    if not request.body:
        return {}
    try:
        body = json.loads(request.body)
    except ValueError:
        raise SimRefusal(36009022, "The request body must be JSON.") from None
    if not isinstance(body, dict):
        raise SimRefusal(36009022, "The request body must be a JSON object.")
    return body


def _field(application: Json, path: tuple[str, ...]) -> str:
    value: Any = application
    for part in path:
        value = value.get(part) if isinstance(value, dict) else None
    return "" if value is None else str(value)


def _matches(application: Json, body: Json) -> bool:
    for name, path in _EXACT_FILTERS:
        wanted = body.get(name)
        if wanted and _field(application, path) != str(wanted):
            return False
    for name, path in _FUZZY_FILTERS:
        wanted = body.get(name)
        if (
            wanted
            and str(wanted).casefold() not in _field(application, path).casefold()
        ):
            return False
    return True


def _public(application: Json) -> Json:
    return {
        k: copy.deepcopy(v) for k, v in application.items() if not k.startswith("_")
    }


def _make_token(offset: int, fingerprint: str) -> str:
    # Starts with "+/" once encoded, like the order search's tokens, so a client
    # that forgets to percent-encode it fails on the second page.
    raw = b"\xfb\xff" + json.dumps([offset, fingerprint]).encode()
    return base64.b64encode(raw).decode()


def _read_token(token: str | None, fingerprint: str) -> int:
    if not token:
        return 0
    try:
        offset, made_for = json.loads(base64.b64decode(token, validate=True)[2:])
    except (ValueError, TypeError):
        raise SimRefusal(CODE_BAD_PARAM, "Invalid page_token.") from None
    if made_for != fingerprint:
        raise SimRefusal(CODE_BAD_PARAM, "The page_token belongs to another query.")
    return int(offset)
