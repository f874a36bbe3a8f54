"""A simulated TikTok Shop that speaks the Open API 202309 protocol.

One :class:`TikTokShopSim` holds a shop, its tokens, products, orders and
packages in memory (thread-safe) and answers requests the way TikTok does:
signed query strings, the ``{code, message, request_id, data}`` envelope, the
documented error codes and opaque page tokens. It is served in-process by
:class:`~app.sim.tiktok.transport.SimTransport` or over loopback HTTP by
:class:`~app.sim.tiktok.server.SimServer`; both call :meth:`TikTokShopSim.handle`.

Two answers are the simulator's own invention, because no public source shows
TikTok's: shipping a package that already shipped gives code 21009001, and
changing its tracking number more than 72 hours after shipping gives 21009002.
"""

from __future__ import annotations

import base64
import bisect
import copy
import hashlib
import hmac
import itertools
import json
import logging
import operator
import re
import secrets
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Final

from app.sim.tiktok.faults import Fault, FaultPlan, TokenBucket

logger = logging.getLogger(__name__)

Json = dict[str, Any]

CODE_ALREADY_SHIPPED: Final = 21009001
CODE_TRACKING_LOCKED: Final = 21009002
MARK_SHIPPED_REGIONS: Final = frozenset(
    {"US", "GB", "UK", "ES", "IE", "IT", "DE", "FR", "JP"}
)
TRACKING_CHANGE_WINDOW_S: Final = 72 * 3600
# Sign the timestamp window the way TikTok documents it: 5 minutes late, 30 s early.
MAX_AGE_S: Final = 300
MAX_AHEAD_S: Final = 30
DEFAULT_PROVIDERS: Final = (
    {"id": "6617675021119438849", "name": "USPS"},
    {"id": "6617675021119438850", "name": "UPS"},
    {"id": "6617675021119438851", "name": "FedEx"},
    {"id": "6617675021119438852", "name": "DHL Express"},
    {"id": "6617675021119438853", "name": "Amazon Logistics"},
    {"id": "6617675021119438854", "name": "OnTrac"},
)
# Leading bytes that make every page token start with "+/+/" once encoded, so
# clients that forget to percent-encode it are caught on the first page.
_TOKEN_PREFIX: Final = b"\xfb\xff\xbf"


@dataclass(frozen=True, slots=True)
class SimRequest:
    """One request as the simulator sees it; query values already decoded."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes = b""


@dataclass(slots=True)
class SimResponse:
    """The answer, plus how the transport should fail to deliver it (if at all)."""

    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    fault: Fault | None = None


@dataclass(slots=True)
class SimShop:
    """The one shop the simulated seller authorized."""

    id: str = "7495000000000000001"
    name: str = "Demo Candle Co"
    region: str = "US"
    cipher: str = "ROW_SimShopCipher0001"
    code: str = "USDEMO001"
    seller_type: str = "LOCAL"


class SimRefusal(Exception):  # noqa: N818 - a control-flow signal, not a bug
    """Raised inside a route to answer with a TikTok error envelope."""

    def __init__(self, code: int, message: str, status: int = 200) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


Route = Callable[[SimRequest, re.Match[str]], Json]


class TikTokShopSim:
    """The simulated shop, its seller's tokens and the API that serves them."""

    def __init__(
        self,
        *,
        app_key: str = "sim-app-key",
        app_secret: str = "sim-app-secret",
        shop: SimShop | None = None,
        clock: Callable[[], float] = time.time,
        access_ttl_s: int = 7 * 86400,
        refresh_ttl_s: int = 365 * 86400,
    ) -> None:
        self.app_key = app_key
        self.app_secret = app_secret
        self.shop = shop or SimShop()
        self.clock = clock
        self.access_ttl_s = access_ttl_s
        self.refresh_ttl_s = refresh_ttl_s
        self.faults = FaultPlan()
        self.rate_limit: TokenBucket | None = None
        self.missing_scopes: set[str] = set()

        self._lock = threading.RLock()
        self.orders: dict[str, Json] = {}
        self.packages: dict[str, Json] = {}
        self.products: dict[str, Json] = {}
        self.delivery_options: dict[str, list[Json]] = {}
        self._access: dict[str, int] = {}
        self._refresh: dict[str, int] = {}
        self._auth_codes: dict[str, int] = {}
        self._version = 0
        self._sorted_cache: dict[tuple[Any, ...], list[Json]] = {}
        self._request_ids = itertools.count(1)

        self.api_calls = 0
        self.calls_by_route: Counter[str] = Counter()
        self.ship_calls_received: Counter[str] = Counter()
        self.ship_calls_effective: Counter[str] = Counter()
        self.refreshes = 0
        self._routes = self._route_table()

    # --- seller side: tokens and data -----------------------------------------

    def issue_auth_code(self) -> str:
        """A single-use code, as the consent page would hand to the app."""
        code = "sim-code-" + secrets.token_urlsafe(12)
        with self._lock:
            self._auth_codes[code] = int(self.clock()) + 1800
        return code

    def issue_tokens(self) -> Json:
        """A fresh token pair, in the shape of the token host's ``data``."""
        now = int(self.clock())
        access = "TTP_sim_" + secrets.token_urlsafe(24)
        refresh = "TTP_simr_" + secrets.token_urlsafe(24)
        with self._lock:
            self._access[access] = now + self.access_ttl_s
            self._refresh[refresh] = now + self.refresh_ttl_s
        return {
            "access_token": access,
            "access_token_expire_in": now + self.access_ttl_s,
            "refresh_token": refresh,
            "refresh_token_expire_in": now + self.refresh_ttl_s,
            "open_id": "sim-open-id",
            "seller_name": self.shop.name,
            "seller_base_region": self.shop.region,
            "user_type": 0,
            "granted_scopes": ["seller.order.info", "seller.fulfillment.basic"],
        }

    def expire_access_tokens(self) -> None:
        """Make every access token issued so far expired, as if time ran out."""
        with self._lock:
            past = int(self.clock()) - 1
            for token in self._access:
                self._access[token] = past

    def revoke_refresh_tokens(self) -> None:
        """Forget every refresh token, as when the seller's authorization ends."""
        with self._lock:
            self._refresh.clear()

    def seed_orders(self, orders: Iterable[Json]) -> None:
        """Add or replace 202309-shaped orders, with their packages and products."""
        with self._lock:
            for raw in orders:
                order = copy.deepcopy(raw)
                self.orders[str(order["id"])] = order
                self._index_order(order)
            self._touch()

    def _index_order(self, order: Json) -> None:
        for package in order.get("packages") or []:
            self.packages.setdefault(str(package["id"]), _new_package(order, package))
        option = str(order.get("delivery_option_id") or "")
        if option:
            self.delivery_options.setdefault(
                option, [dict(p) for p in DEFAULT_PROVIDERS]
            )
        for line in order.get("line_items") or []:
            self._index_product(line)

    def _index_product(self, line: Json) -> None:
        product = self.products.setdefault(
            str(line["product_id"]),
            {
                "id": str(line["product_id"]),
                "title": line.get("product_name", ""),
                "status": "ACTIVATE",
                "skus": [],
            },
        )
        if all(sku["id"] != line["sku_id"] for sku in product["skus"]):
            product["skus"].append(
                {
                    "id": str(line["sku_id"]),
                    "seller_sku": line.get("seller_sku", ""),
                    "price": {
                        "currency": line.get("currency", "USD"),
                        "sale_price": line.get("sale_price", "0.00"),
                    },
                    "inventory": [{"warehouse_id": "sim-warehouse", "quantity": 25}],
                }
            )

    def _touch(self) -> None:
        self._version += 1
        self._sorted_cache.clear()

    # --- the protocol ---------------------------------------------------------

    def handle(self, request: SimRequest) -> SimResponse:
        """Answer one HTTP request (token host or API host)."""
        if self.faults.latency_s:
            time.sleep(self.faults.latency_s)
        if request.path.startswith("/api/v2/token/"):
            return self._answer(lambda: self._token_host(request))

        with self._lock:
            self.api_calls += 1
            fault = self.faults.pick(self.api_calls, request.path)
        early = self._early_fault(fault)
        if early is not None:
            return early
        if fault is Fault.EXPIRE_TOKEN:
            self.expire_access_tokens()

        response = self._answer(lambda: self._api(request))
        if fault is Fault.MALFORMED:
            response.body = response.body[: len(response.body) // 2] + b"<!--"
        elif fault in (Fault.DROP, Fault.LOSE_RESPONSE):
            response.fault = fault
        return response

    def _early_fault(self, fault: Fault | None) -> SimResponse | None:
        """Faults that answer before the request is even looked at."""
        if fault is Fault.SERVER_ERROR:
            return self._envelope(36009003, "Internal error, please retry.", None, 500)
        if fault is Fault.RATE_LIMIT:
            return self._rate_limited(self.faults.retry_after_s)
        if self.rate_limit is not None:
            wait = self.rate_limit.take()
            if wait is not None:
                return self._rate_limited(wait)
        return None

    def _rate_limited(self, retry_after: int) -> SimResponse:
        response = self._envelope(36009002, "Too many requests.", None, 429)
        response.headers["retry-after"] = str(retry_after)
        return response

    def _answer(self, work: Callable[[], Json]) -> SimResponse:
        try:
            data = work()
        except SimRefusal as refusal:
            return self._envelope(refusal.code, refusal.message, None, refusal.status)
        except Exception:
            # A simulator bug or an order it cannot read: answer like TikTok's
            # internal error instead of hanging up, and say so loudly in the log.
            logger.exception("The TikTok simulator failed on a request")
            return self._envelope(36009003, "Internal error (simulator).", None, 500)
        return self._envelope(0, "Success", data, 200)

    def _envelope(
        self, code: int, message: str, data: Json | None, status: int
    ) -> SimResponse:
        request_id = f"{int(self.clock()):d}SIM{next(self._request_ids):010d}"
        body = {"code": code, "message": message, "request_id": request_id}
        if data is not None:
            body["data"] = data
        return SimResponse(
            status=status,
            body=json.dumps(body, separators=(",", ":")).encode(),
            headers={"content-type": "application/json"},
        )

    # --- token host -------------------------------------------------------------

    def _token_host(self, request: SimRequest) -> Json:
        query = request.query
        if query.get("app_key") != self.app_key or not hmac.compare_digest(
            query.get("app_secret", ""), self.app_secret
        ):
            raise SimRefusal(36009004, "Invalid app_key or app_secret.", 401)
        if request.path == "/api/v2/token/get":
            return self._grant_code(query)
        if request.path == "/api/v2/token/refresh":
            return self._grant_refresh(query)
        raise SimRefusal(36009009, "Invalid path.", 404)

    def _grant_code(self, query: dict[str, str]) -> Json:
        if query.get("grant_type") != "authorized_code":
            raise SimRefusal(36009004, "grant_type must be authorized_code.")
        with self._lock:
            expires = self._auth_codes.pop(query.get("auth_code", ""), 0)
        if expires < self.clock():
            raise SimRefusal(36004004, "Invalid auth code.")
        return self.issue_tokens()

    def _grant_refresh(self, query: dict[str, str]) -> Json:
        if query.get("grant_type") != "refresh_token":
            raise SimRefusal(36009004, "grant_type must be refresh_token.")
        with self._lock:
            expires = self._refresh.pop(query.get("refresh_token", ""), None)
            self.refreshes += 1
        if expires is None:
            raise SimRefusal(36004005, "can not find related auth record")
        if expires < self.clock():
            raise SimRefusal(36004001, "rt has expired")
        return self.issue_tokens()

    # --- API host: checks -------------------------------------------------------

    def _api(self, request: SimRequest) -> Json:
        self._check_app_and_sign(request)
        self._check_timestamp(request.query)
        self._check_token(request.headers)
        route_name, route, match = self._find_route(request)
        self._check_cipher(request)
        if route_name in self.missing_scopes:
            raise SimRefusal(105005, "Access denied: the token lacks the scope.", 403)
        with self._lock:
            self.calls_by_route[route_name] += 1
            return route(request, match)

    def _check_app_and_sign(self, request: SimRequest) -> None:
        if request.query.get("app_key") != self.app_key:
            raise SimRefusal(36009004, "Invalid credentials: unknown app_key.", 401)
        given = request.query.get("sign", "")
        expected = expected_sign(self.app_secret, request)
        if not given or not hmac.compare_digest(given, expected):
            raise SimRefusal(
                106001,
                "Invalid credentials. The `sign` query parameter is invalid.",
                401,
            )

    def _check_timestamp(self, query: dict[str, str]) -> None:
        text = query.get("timestamp", "")
        if not text.isdigit():
            raise SimRefusal(36009004, "Invalid timestamp.", 401)
        skew = int(text) - self.clock()
        if skew < -MAX_AGE_S or skew > MAX_AHEAD_S:
            raise SimRefusal(
                36009004,
                "Invalid credentials. The timestamp is more than 5 minutes behind "
                "or 30 seconds ahead of the server time.",
                401,
            )

    def _check_token(self, headers: dict[str, str]) -> None:
        token = headers.get("x-tts-access-token", "")
        with self._lock:
            expires = self._access.get(token)
        if expires is None:
            raise SimRefusal(36009004, "Invalid credentials: access token.", 401)
        if expires < self.clock():
            raise SimRefusal(105002, "Expired credentials: the access token.", 401)

    def _check_cipher(self, request: SimRequest) -> None:
        cipher = request.query.get("shop_cipher")
        if request.path.startswith("/authorization/"):
            if cipher is not None:
                raise SimRefusal(36009004, "Unexpected identifier shop_cipher.")
            return
        if not cipher:
            raise SimRefusal(106013, "The shop_cipher query parameter is missing.")
        if cipher != self.shop.cipher:
            raise SimRefusal(36009004, "Invalid credentials: shop_cipher.")

    def _find_route(self, request: SimRequest) -> tuple[str, Route, re.Match[str]]:
        for method, pattern, name, route in self._routes:
            match = pattern.fullmatch(request.path)
            if match and method == request.method:
                return name, route, match
        raise SimRefusal(36009009, "Invalid path or method.", 404)

    def add_routes(self, routes: Iterable[tuple[str, str, str, Route]]) -> None:
        """Serve more endpoints, given as (method, path regex, name, handler).

        Lets other API families (the affiliate API) live in modules of their own.
        """
        with self._lock:
            self._routes.extend((m, re.compile(p), n, r) for m, p, n, r in routes)

    def _route_table(self) -> list[tuple[str, re.Pattern[str], str, Route]]:
        table: list[tuple[str, str, str, Route]] = [
            ("GET", r"/authorization/202309/shops", "shops", self._shops),
            ("POST", r"/order/202309/orders/search", "order_search", self._search),
            ("GET", r"/order/202309/orders", "order_detail", self._order_detail),
            (
                "GET",
                r"/logistics/202309/delivery_options/(?P<id>[^/]+)/shipping_providers",
                "shipping_providers",
                self._providers,
            ),
            (
                "POST",
                r"/fulfillment/202309/orders/(?P<id>[^/]+)/packages",
                "mark_shipped",
                self._mark_shipped,
            ),
            (
                "POST",
                r"/fulfillment/202309/packages/(?P<id>[^/]+)/ship",
                "ship_package",
                self._ship_package,
            ),
            (
                "GET",
                r"/fulfillment/202309/packages/(?P<id>[^/]+)",
                "package_detail",
                self._package_detail,
            ),
            (
                "POST",
                r"/fulfillment/202309/orders/(?P<id>[^/]+)/shipping_info/update",
                "update_tracking",
                self._update_tracking,
            ),
            (
                "GET",
                r"/product/202309/products/(?P<id>[^/]+)",
                "product_detail",
                self._product,
            ),
        ]
        return [(m, re.compile(p), n, r) for m, p, n, r in table]

    # --- API host: routes -------------------------------------------------------

    def _shops(self, request: SimRequest, match: re.Match[str]) -> Json:
        shop = self.shop
        return {
            "shops": [
                {
                    "id": shop.id,
                    "name": shop.name,
                    "region": shop.region,
                    "seller_type": shop.seller_type,
                    "code": shop.code,
                    "cipher": shop.cipher,
                }
            ]
        }

    def _search(self, request: SimRequest, match: re.Match[str]) -> Json:
        body = _json_body(request)
        size_text = request.query.get("page_size", "")
        if not size_text.isdigit() or not 1 <= int(size_text) <= 100:
            raise SimRefusal(36009004, "page_size must be between 1 and 100.")
        sort_field = request.query.get("sort_field", "create_time")
        descending = request.query.get("sort_order", "DESC") == "DESC"
        if sort_field not in ("create_time", "update_time"):
            raise SimRefusal(36009004, "Invalid sort_field.")

        matching = self._sorted_matches(body, sort_field, descending)
        fingerprint = hashlib.sha256(
            json.dumps([body, sort_field, descending], sort_keys=True).encode()
        ).hexdigest()[:12]
        start = self._page_start(
            request.query.get("page_token"),
            fingerprint,
            matching,
            sort_field,
            descending,
        )
        page = matching[start : start + int(size_text)]
        more = start + len(page) < len(matching)
        token = _page_token(page[-1], sort_field, fingerprint) if more and page else ""
        return {
            "orders": [copy.deepcopy(order) for order in page],
            "next_page_token": token,
            "total_count": len(matching),
        }

    def _sorted_matches(
        self, body: Json, sort_field: str, descending: bool
    ) -> list[Json]:
        key = (json.dumps(body, sort_keys=True), sort_field, descending, self._version)
        cached = self._sorted_cache.get(key)
        if cached is None:
            if len(self._sorted_cache) >= 8:
                # Each pull asks with a new time window; keep only recent ones.
                self._sorted_cache.clear()
            found = [o for o in self.orders.values() if _matches(o, body)]
            found.sort(
                key=lambda o: (int(o[sort_field]), str(o["id"])), reverse=descending
            )
            cached = self._sorted_cache[key] = found
        return cached

    def _page_start(
        self,
        token: str | None,
        fingerprint: str,
        matching: list[Json],
        sort_field: str,
        descending: bool,
    ) -> int:
        if not token:
            return 0
        value, last_id = _read_page_token(token, fingerprint)
        if not descending:
            return bisect.bisect_right(
                matching, (value, last_id), key=lambda o: _sort_key(o, sort_field)
            )
        for position, order in enumerate(matching):
            if _sort_key(order, sort_field) < (value, last_id):
                return position
        return len(matching)

    def _order_detail(self, request: SimRequest, match: re.Match[str]) -> Json:
        ids = [i for i in request.query.get("ids", "").split(",") if i]
        if not ids or len(ids) > 50:
            raise SimRefusal(36009004, "ids must hold 1 to 50 order ids.")
        return {
            "orders": [copy.deepcopy(self.orders[i]) for i in ids if i in self.orders]
        }

    def _providers(self, request: SimRequest, match: re.Match[str]) -> Json:
        providers = self.delivery_options.get(match["id"])
        if providers is None:
            raise SimRefusal(21001001, "The delivery option does not exist.")
        return {"shipping_providers": copy.deepcopy(providers)}

    def _product(self, request: SimRequest, match: re.Match[str]) -> Json:
        product = self.products.get(match["id"])
        if product is None:
            raise SimRefusal(12019150, "The product ID does not exist.")
        return copy.deepcopy(product)

    def _package_detail(self, request: SimRequest, match: re.Match[str]) -> Json:
        package = self.packages.get(match["id"])
        if package is None:
            raise SimRefusal(
                21008111, "The order or package does not belong to the current seller."
            )
        order = self.orders[package["order_id"]]
        public = {k: v for k, v in package.items() if not k.startswith("_")}
        public["orders"] = [
            {
                "id": order["id"],
                "skus": [
                    {
                        "id": line["sku_id"],
                        "name": line.get("sku_name", ""),
                        "quantity": 1,
                    }
                    for line in order.get("line_items") or []
                ],
            }
        ]
        return public

    # --- shipping -----------------------------------------------------------------

    def _mark_shipped(self, request: SimRequest, match: re.Match[str]) -> Json:
        order = self.orders.get(match["id"])
        if order is None:
            raise SimRefusal(
                21008111, "The order or package does not belong to the current seller."
            )
        self.ship_calls_received[order["id"]] += 1
        if self.shop.region not in MARK_SHIPPED_REGIONS:
            raise SimRefusal(
                21008106,
                "This interface cannot be used in this region or this business type.",
            )
        body = _json_body(request)
        package = self._order_package(order)
        self._ship(
            package, body.get("tracking_number"), body.get("shipping_provider_id")
        )
        return {
            "order_id": order["id"],
            "package_id": package["id"],
            "order_line_item_ids": list(package["order_line_item_ids"]),
        }

    def _ship_package(self, request: SimRequest, match: re.Match[str]) -> Json:
        package = self.packages.get(match["id"])
        if package is None:
            raise SimRefusal(
                21008111, "The order or package does not belong to the current seller."
            )
        self.ship_calls_received[package["order_id"]] += 1
        shipment = _json_body(request).get("self_shipment") or {}
        self._ship(
            package,
            shipment.get("tracking_number"),
            shipment.get("shipping_provider_id"),
        )
        return {}

    def _update_tracking(self, request: SimRequest, match: re.Match[str]) -> Json:
        order = self.orders.get(match["id"])
        if order is None:
            raise SimRefusal(
                21008111, "The order or package does not belong to the current seller."
            )
        package = self._order_package(order)
        if not package["tracking_number"]:
            raise SimRefusal(21009003, "The package has not been shipped yet.")
        if self.clock() - package["_shipped_at"] > TRACKING_CHANGE_WINDOW_S:
            raise SimRefusal(
                CODE_TRACKING_LOCKED,
                "Tracking can only be changed within 72 hours of shipping.",
            )
        body = _json_body(request)
        self._set_tracking(
            package, body.get("tracking_number"), body.get("shipping_provider_id")
        )
        return {}

    def _order_package(self, order: Json) -> Json:
        packages = order.get("packages") or []
        if not packages:
            # US sellers see no package before shipping; the sim makes one then.
            packages = order["packages"] = [{"id": "9" + str(order["id"])}]
            self._index_order(order)
        return self.packages[str(packages[0]["id"])]

    def _ship(self, package: Json, tracking: object, provider_id: object) -> None:
        order = self.orders[package["order_id"]]
        if package["tracking_number"]:
            raise SimRefusal(
                CODE_ALREADY_SHIPPED, "The package has already been shipped."
            )
        if order["status"] not in ("AWAITING_SHIPMENT", "PARTIALLY_SHIPPING"):
            raise SimRefusal(
                21009004, f"Orders in status {order['status']} cannot ship."
            )
        self._set_tracking(package, tracking, provider_id)
        package["_shipped_at"] = self.clock()
        package["package_status"] = "PROCESSING"
        order["status"] = "AWAITING_COLLECTION"
        order["rts_time"] = int(self.clock())
        self.ship_calls_effective[order["id"]] += 1

    def _set_tracking(
        self, package: Json, tracking: object, provider_id: object
    ) -> None:
        if not isinstance(tracking, str) or not tracking.strip():
            raise SimRefusal(21009005, "tracking_number is required.")
        order = self.orders[package["order_id"]]
        providers = self.delivery_options.get(str(order.get("delivery_option_id")), [])
        provider = next((p for p in providers if p["id"] == provider_id), None)
        if provider is None:
            raise SimRefusal(
                21009006, "shipping_provider_id is not valid for this order."
            )
        package["tracking_number"] = tracking
        package["shipping_provider_id"] = provider["id"]
        package["shipping_provider_name"] = provider["name"]
        now = int(self.clock())
        package["update_time"] = now
        order["tracking_number"] = tracking
        order["shipping_provider"] = provider["name"]
        order["shipping_provider_id"] = provider["id"]
        order["update_time"] = now
        for line in order.get("line_items") or []:
            line["tracking_number"] = tracking
            line["shipping_provider_id"] = provider["id"]
            line["shipping_provider_name"] = provider["name"]
            line["display_status"] = "AWAITING_COLLECTION"
        self._touch()


# --- helpers shared by the routes ----------------------------------------------------


def expected_sign(app_secret: str, request: SimRequest) -> str:
    """The signature TikTok would compute for this request (our own implementation)."""
    params = "".join(
        name + value
        for name, value in sorted(request.query.items())
        if name not in ("sign", "access_token")
    )
    secret = app_secret.encode()
    message = secret + request.path.encode() + params.encode() + request.body + secret
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


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


def _new_package(order: Json, package: Json) -> Json:
    return {
        "id": str(package["id"]),
        "order_id": str(order["id"]),
        "package_status": "TO_FULFILL",
        "tracking_number": "",
        "shipping_provider_id": "",
        "shipping_provider_name": "",
        "order_line_item_ids": [
            str(line["id"]) for line in order.get("line_items") or []
        ],
        "update_time": int(order.get("update_time") or 0),
        "_shipped_at": 0.0,
    }


_TIME_FILTERS: Final[tuple[tuple[str, str, Callable[[int, int], bool]], ...]] = (
    ("create_time_ge", "create_time", operator.ge),
    ("create_time_lt", "create_time", operator.lt),
    ("update_time_ge", "update_time", operator.ge),
    ("update_time_lt", "update_time", operator.lt),
)


def _matches(order: Json, body: Json) -> bool:
    for name, field_name, test in _TIME_FILTERS:
        if name in body and not test(int(order[field_name]), int(body[name])):
            return False
    status = body.get("order_status")
    return not status or order.get("status") == status


def _sort_key(order: Json, sort_field: str) -> tuple[int, str]:
    return int(order[sort_field]), str(order["id"])


def _page_token(last: Json, sort_field: str, fingerprint: str) -> str:
    payload = json.dumps([int(last[sort_field]), str(last["id"]), fingerprint]).encode()
    return base64.b64encode(_TOKEN_PREFIX + payload).decode()


def _read_page_token(token: str, fingerprint: str) -> tuple[int, str]:
    try:
        raw = base64.b64decode(token.encode(), validate=True)
        value, last_id, made_for = json.loads(raw[len(_TOKEN_PREFIX) :])
    except (ValueError, TypeError):
        raise SimRefusal(36009004, "Invalid page_token.") from None
    if made_for != fingerprint:
        raise SimRefusal(36009004, "The page_token belongs to another query.")
    return int(value), str(last_id)
