"""The TikTok Shop Open API connector: signed calls, tokens, orders and shipping.

Threading: a :class:`TikTokShopClient` may be shared by the HTTP worker threads;
httpx clients are thread-safe and token refreshes are serialised by a lock.
Every call blocks, so the UI runs it through its background-task helper.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import httpx

from app.domain.credentials import CredentialStore, Secret
from app.net.tiktok import credentials as names
from app.net.tiktok.config import TikTokConfig, build_client
from app.net.tiktok.credentials import TokenSet, save_tokens, stored_time
from app.net.tiktok.errors import (
    BadSignatureError,
    InvalidCredentialsError,
    MissingScopeError,
    NotConfiguredError,
    NotOwnedError,
    ReauthorizationNeededError,
    RegionNotSupportedError,
    ServerError,
    ShippedWithOtherTrackingError,
    TikTokError,
    TikTokRejectedError,
    TikTokTimeoutError,
    TikTokUnavailableError,
    TokenExpiredError,
    UnknownShippingProviderError,
    error_for,
)
from app.net.tiktok.log_redaction import install_log_redaction
from app.net.tiktok.retry import (
    RetryPolicy,
    Sleep,
    default_policy,
    honor_retry_after,
    run_with_retry,
)
from app.net.tiktok.signing import QueryValue, TikTokSigner, flatten_query

logger = logging.getLogger(__name__)

Json = dict[str, Any]

MAX_PAGE_SIZE: Final = 100
MAX_DETAIL_IDS: Final = 50
# 2001-09-09; any real expiry time is later than this.
_PLAUSIBLE_UNIX_TIME: Final = 1_000_000_000
#: How many times :meth:`TikTokShopClient.ship` sends a ship request at most.
MAX_SHIP_SENDS: Final = 3

# Errors after which sending the same ship request again cannot help.
_FINAL_SHIP_ERRORS = (
    BadSignatureError,
    InvalidCredentialsError,
    MissingScopeError,
    NotOwnedError,
    ReauthorizationNeededError,
)


@dataclass(frozen=True, slots=True)
class Shop:
    """One shop the seller authorized the app for."""

    id: str
    name: str
    region: str
    cipher: str


@dataclass(frozen=True, slots=True)
class OrderPage:
    """One page of an order search."""

    orders: list[Json]
    next_page_token: str
    total_count: int


@dataclass(frozen=True, slots=True)
class ShippingProvider:
    """A carrier TikTok accepts for one delivery option."""

    id: str
    name: str


@dataclass(frozen=True, slots=True)
class ShipOutcome:
    """What :meth:`TikTokShopClient.ship` found when it read the package back."""

    order_id: str
    package_id: str
    tracking_number: str
    #: True when the package had already left with our tracking number before
    #: this call's own request was confirmed (an earlier, lost answer).
    was_already_shipped: bool


@dataclass(frozen=True, slots=True)
class _Shipment:
    package_id: str
    tracking_number: str


class TikTokShopClient:
    """Signed calls to TikTok Shop for one authorization (credentials from a store)."""

    def __init__(
        self,
        config: TikTokConfig,
        store: CredentialStore,
        *,
        policy: RetryPolicy | None = None,
        sleep: Sleep = time.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        install_log_redaction()
        self.config = config
        self._store = store
        self._policy = policy or default_policy()
        self._sleep = sleep
        self._clock = clock
        self._api = build_client(config, config.api_base_url)
        # One client per base URL: a simulator may serve both hosts at one URL.
        same_host = config.auth_base_url == config.api_base_url
        self._auth = (
            self._api if same_host else build_client(config, config.auth_base_url)
        )
        self._token_lock = threading.Lock()
        # Learnt once per run: the shop's region refuses "mark package as shipped".
        self._mark_shipped_refused = False
        # Carrier lists per delivery option; they change rarely, and a ship
        # button should not wait for the same list twice.
        self._providers: dict[str, list[ShippingProvider]] = {}

    def close(self) -> None:
        """Close the HTTP clients; the app calls this at shutdown."""
        self._api.close()
        if self._auth is not self._api:
            self._auth.close()

    def __enter__(self) -> TikTokShopClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- tokens ---------------------------------------------------------------

    def exchange_code(self, auth_code: Secret) -> TokenSet:
        """Trade the code from the seller's consent page for tokens, and store them."""
        return self._token_call(
            "api/v2/token/get",
            {"auth_code": auth_code.reveal(), "grant_type": "authorized_code"},
        )

    def refresh_tokens(self) -> TokenSet:
        """Get a new token pair with the stored refresh token, and store both."""
        refresh = self._store.get(names.REFRESH_TOKEN)
        if not refresh:
            raise NotConfiguredError(
                "no TikTok refresh token is stored; authorize again"
            )
        return self._token_call(
            "api/v2/token/refresh",
            {"refresh_token": refresh.reveal(), "grant_type": "refresh_token"},
        )

    def _token_call(self, path: str, params: Mapping[str, str]) -> TokenSet:
        query = {
            "app_key": self._required(names.APP_KEY).reveal(),
            "app_secret": self._required(names.APP_SECRET).reveal(),
            **params,
        }

        def send() -> Json:
            return self._exchange(self._auth, "GET", "/" + path, query, None, {})

        data = run_with_retry(send, self._policy, self._sleep, "TikTok token call")
        tokens = TokenSet(
            access_token=Secret(str(data["access_token"])),
            refresh_token=Secret(str(data["refresh_token"])),
            access_expires_at=self._expiry(data["access_token_expire_in"]),
            refresh_expires_at=self._expiry(data["refresh_token_expire_in"]),
        )
        save_tokens(self._store, tokens)
        logger.info(
            "TikTok tokens renewed; access token valid until %d",
            tokens.access_expires_at,
        )
        return tokens

    def missing_credentials(self) -> list[str]:
        """Names of the credentials signed calls need that the store lacks."""
        missing = [
            name
            for name in (names.APP_KEY, names.APP_SECRET)
            if not self._store.get(name)
        ]
        if not self._store.get(names.ACCESS_TOKEN) and not self._store.get(
            names.REFRESH_TOKEN
        ):
            missing.append(names.ACCESS_TOKEN)
        return missing

    def _expiry(self, value: object) -> int:
        """An absolute expiry time from a ``*_expire_in`` field.

        TikTok documents these as absolute Unix times despite the name. Should
        one ever arrive as a duration (far below any plausible date), it is
        read as seconds from now rather than as a moment in 1970.
        """
        seconds = int(str(value))
        if seconds < _PLAUSIBLE_UNIX_TIME:
            logger.warning("TikTok sent a token lifetime, not an expiry time")
            return int(self._clock()) + seconds
        return seconds

    def _access_token(self) -> Secret:
        """The stored access token, refreshed first when missing or about to expire."""
        if self._needs_refresh():
            with self._token_lock:
                # Another thread may have refreshed while we waited for the lock.
                if self._needs_refresh():
                    logger.info("TikTok access token missing or expiring; refreshing")
                    self.refresh_tokens()
        return self._required(names.ACCESS_TOKEN)

    def _needs_refresh(self) -> bool:
        if not self._store.get(names.ACCESS_TOKEN):
            # Headless runs may bring only a refresh token.
            return bool(self._store.get(names.REFRESH_TOKEN))
        expires_at = stored_time(self._store, names.ACCESS_EXPIRES_AT)
        margin = self.config.refresh_margin_s
        return expires_at is not None and expires_at - self._clock() < margin

    def _refresh_after_rejection(self, rejected: Secret) -> None:
        """Refresh once after ``rejected`` was refused as expired, if still current."""
        with self._token_lock:
            if self._store.get(names.ACCESS_TOKEN) == rejected:
                logger.info("TikTok says the access token expired; refreshing")
                self.refresh_tokens()

    def _required(self, name: str) -> Secret:
        value = self._store.get(name)
        if not value:
            raise NotConfiguredError(f"the credential {name} is not set")
        return value

    # --- signed calls ---------------------------------------------------------

    def call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, QueryValue | None] | None = None,
        body: Mapping[str, Any] | None = None,
        shop_scoped: bool = True,
        policy: RetryPolicy | None = None,
    ) -> Json:
        """One signed API call with retries for transient failures; returns ``data``.

        An expired access token is refreshed once and the call sent again.
        """

        # Looked up (with retries of its own) once, not inside every attempt.
        cipher = self._shop_cipher() if shop_scoped else None

        def attempt() -> Json:
            token = self._access_token()
            try:
                return self._signed(method, path, params, body, cipher, token)
            except TokenExpiredError:
                self._refresh_after_rejection(token)
                return self._signed(
                    method, path, params, body, cipher, self._access_token()
                )

        chosen = self._policy if policy is None else policy
        return run_with_retry(attempt, chosen, self._sleep, f"TikTok {path}")

    def _signed(
        self,
        method: str,
        path: str,
        params: Mapping[str, QueryValue | None] | None,
        body: Mapping[str, Any] | None,
        cipher: str | None,
        token: Secret,
    ) -> Json:
        query = flatten_query({**(params or {}), "shop_cipher": cipher})
        # Serialised once; the signer signs these very bytes.
        content = b"" if body is None else _json_bytes(body)
        signer = TikTokSigner(self._store, token, self._clock)
        headers = {"content-type": "application/json"}
        return self._exchange(self._api, method, path, query, content, headers, signer)

    def _exchange(
        self,
        client: httpx.Client,
        method: str,
        path: str,
        query: Mapping[str, str],
        content: bytes | None,
        headers: Mapping[str, str],
        auth: httpx.Auth | None = None,
    ) -> Json:
        """Send one request and return the envelope's ``data``, or raise ours."""
        try:
            response = client.request(
                method,
                path.lstrip("/"),
                params=query,
                content=content or None,
                headers=headers,
                auth=auth or httpx.USE_CLIENT_DEFAULT,
            )
        except httpx.TimeoutException as error:
            # "from None": the chained httpx error would add nothing but noise.
            raise TikTokTimeoutError(f"{path}: no answer in time ({error})") from None
        except httpx.TransportError as error:
            kind = type(error).__name__
            raise TikTokUnavailableError(
                f"{path}: connection failed ({kind})"
            ) from None
        return _envelope_data(path, response)

    def _shop_cipher(self) -> str:
        cipher = self._store.get(names.SHOP_CIPHER)
        if cipher:
            return cipher.reveal()
        shops = self.authorized_shops()
        if not shops:
            raise NotConfiguredError("the TikTok authorization covers no shop")
        if len(shops) > 1:
            logger.warning(
                "TikTok authorization covers %d shops; using %s",
                len(shops),
                shops[0].name,
            )
        self._store.set(names.SHOP_CIPHER, Secret(shops[0].cipher))
        return shops[0].cipher

    # --- shops, orders, products ----------------------------------------------

    def authorized_shops(self) -> list[Shop]:
        """The shops this authorization covers, with the cipher each call needs."""
        data = self.call("GET", "/authorization/202309/shops", shop_scoped=False)
        return [
            Shop(
                id=str(shop.get("id", "")),
                name=str(shop.get("name", "")),
                region=str(shop.get("region", "")),
                cipher=str(shop.get("cipher", "")),
            )
            for shop in data.get("shops") or []
        ]

    def search_orders(
        self,
        filters: Mapping[str, Any] | None = None,
        *,
        page_size: int = MAX_PAGE_SIZE,
        page_token: str | None = None,
        sort_field: str = "update_time",
        sort_order: str = "ASC",
    ) -> OrderPage:
        """One page of orders; paging goes in the query, filters in the body."""
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page_size must be 1 to {MAX_PAGE_SIZE}, not {page_size}")
        data = self.call(
            "POST",
            "/order/202309/orders/search",
            params={
                "page_size": page_size,
                "page_token": page_token,
                "sort_field": sort_field,
                "sort_order": sort_order,
            },
            body=dict(filters or {}),
        )
        return OrderPage(
            orders=list(data.get("orders") or []),
            next_page_token=str(data.get("next_page_token") or ""),
            total_count=int(data.get("total_count") or 0),
        )

    def order_details(self, order_ids: Iterable[str]) -> list[Json]:
        """Full order objects, fetched 50 ids per call."""
        wanted = list(dict.fromkeys(order_ids))
        orders: list[Json] = []
        for start in range(0, len(wanted), MAX_DETAIL_IDS):
            chunk = wanted[start : start + MAX_DETAIL_IDS]
            data = self.call("GET", "/order/202309/orders", params={"ids": chunk})
            orders.extend(data.get("orders") or [])
        return orders

    def product_detail(self, product_id: str) -> Json:
        """One product with its SKUs, as TikTok describes it."""
        return self.call("GET", f"/product/202309/products/{product_id}")

    def shipping_providers(self, delivery_option_id: str) -> list[ShippingProvider]:
        """The carriers TikTok accepts for one delivery option."""
        data = self.call(
            "GET",
            f"/logistics/202309/delivery_options/{delivery_option_id}/shipping_providers",
        )
        return [
            ShippingProvider(id=str(item.get("id", "")), name=str(item.get("name", "")))
            for item in data.get("shipping_providers") or []
        ]

    def provider_id_for(self, delivery_option_id: str, name: str) -> str:
        """The ``shipping_provider_id`` of carrier ``name`` (case ignored).

        Provider ids differ per region and delivery option, so they are looked
        up by the carrier's TikTok name in the option's list (fetched once).
        """
        providers = self._providers.get(delivery_option_id)
        if providers is None:
            providers = self.shipping_providers(delivery_option_id)
            self._providers[delivery_option_id] = providers
        wanted = name.strip().casefold()
        for provider in providers:
            if provider.name.strip().casefold() == wanted:
                return provider.id
        raise UnknownShippingProviderError(
            name, delivery_option_id, [p.name for p in providers]
        )

    def package_detail(self, package_id: str) -> Json:
        """One package as TikTok has it now: status, tracking number, carrier."""
        return self.call("GET", f"/fulfillment/202309/packages/{package_id}")

    # --- shipping -------------------------------------------------------------

    def mark_package_shipped(
        self,
        order_id: str,
        tracking_number: str,
        shipping_provider_id: str,
        line_item_ids: Sequence[str] = (),
    ) -> Json:
        """Send "mark package as shipped" once (US/UK/EU/JP only); no blind retries."""
        body: dict[str, Any] = {
            "tracking_number": tracking_number,
            "shipping_provider_id": shipping_provider_id,
        }
        if line_item_ids:
            body["order_line_item_ids"] = list(line_item_ids)
        return self.call(
            "POST",
            f"/fulfillment/202309/orders/{order_id}/packages",
            body=body,
            policy=honor_retry_after(),
        )

    def ship_package(
        self, package_id: str, tracking_number: str, shipping_provider_id: str
    ) -> None:
        """Send "ship package" with our own tracking number once; no blind retries."""
        self.call(
            "POST",
            f"/fulfillment/202309/packages/{package_id}/ship",
            body={
                "self_shipment": {
                    "tracking_number": tracking_number,
                    "shipping_provider_id": shipping_provider_id,
                }
            },
            policy=honor_retry_after(),
        )

    def update_tracking(
        self, order_id: str, tracking_number: str, shipping_provider_id: str
    ) -> None:
        """Correct the tracking number of a shipped order (allowed for 72 hours)."""
        self.call(
            "POST",
            f"/fulfillment/202309/orders/{order_id}/shipping_info/update",
            body={
                "tracking_number": tracking_number,
                "shipping_provider_id": shipping_provider_id,
            },
            policy=honor_retry_after(),
        )

    def ship(
        self,
        order_id: str,
        package_id: str,
        tracking_number: str,
        shipping_provider_id: str,
        line_item_ids: Sequence[str] = (),
    ) -> ShipOutcome:
        """Ship one package with our tracking number, exactly once, and confirm it.

        Before any repeat the package is read back: if it already left with our
        tracking number (the earlier answer was lost) that counts as done; with a
        different one, :class:`ShippedWithOtherTrackingError` is raised.
        """
        last_error: TikTokError | None = None
        for send in range(1, MAX_SHIP_SENDS + 1):
            try:
                self._send_ship(
                    order_id,
                    package_id,
                    tracking_number,
                    shipping_provider_id,
                    line_item_ids,
                )
            except _FINAL_SHIP_ERRORS:
                raise
            except TikTokError as error:
                last_error = error
                earlier = self._shipped_despite(error, order_id, package_id, send)
                if earlier is not None:
                    return self._outcome(order_id, earlier, tracking_number, True)
                continue
            found = self._read_shipment(order_id, package_id)
            return self._outcome(order_id, found, tracking_number, False)
        assert last_error is not None
        raise last_error

    def _shipped_despite(
        self, error: TikTokError, order_id: str, package_id: str, send: int
    ) -> _Shipment | None:
        """After a failed send: the shipment if it left anyway, ``None`` to resend.

        The request may have shipped the package even though we saw an error (a
        lost answer, a timeout), so we look before sending again. A refusal that
        did not ship it is raised: sending it again would be refused again.
        """
        logger.warning(
            "Shipping order %s: request %d failed; reading it back",
            order_id,
            send,
            exc_info=True,
        )
        found = self._read_shipment(order_id, package_id)
        if found.tracking_number:
            return found
        if not error.transient:
            raise error
        return None

    def _send_ship(
        self,
        order_id: str,
        package_id: str,
        tracking_number: str,
        provider_id: str,
        line_item_ids: Sequence[str],
    ) -> None:
        if not self._mark_shipped_refused:
            try:
                self.mark_package_shipped(
                    order_id, tracking_number, provider_id, line_item_ids
                )
                return
            except RegionNotSupportedError:
                # Refused before anything happened, so the other endpoint is safe.
                logger.info("Mark-as-shipped is not offered here; using ship package")
                self._mark_shipped_refused = True
        if not package_id:
            package_id = self._read_shipment(order_id, "").package_id
        self.ship_package(package_id, tracking_number, provider_id)

    def _read_shipment(self, order_id: str, package_id: str) -> _Shipment:
        """Where the package stands now, from package detail (or order detail)."""
        if package_id:
            package = self.package_detail(package_id)
            return _Shipment(package_id, str(package.get("tracking_number") or ""))
        orders = self.order_details([order_id])
        if not orders:
            raise NotOwnedError(
                f"/order/202309/orders ({order_id})", 0, "order not found"
            )
        order = orders[0]
        packages = order.get("packages") or [{}]
        return _Shipment(
            str(packages[0].get("id") or ""), str(order.get("tracking_number") or "")
        )

    @staticmethod
    def _outcome(
        order_id: str, found: _Shipment, tracking_number: str, earlier: bool
    ) -> ShipOutcome:
        if found.tracking_number != tracking_number:
            if not found.tracking_number:
                raise ServerError(
                    "ship read-back", 0, "TikTok accepted the shipment but shows none"
                )
            raise ShippedWithOtherTrackingError(found.package_id, found.tracking_number)
        return ShipOutcome(order_id, found.package_id, tracking_number, earlier)


def _json_bytes(body: Mapping[str, Any]) -> bytes:
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "")
    try:
        return float(value) if value else None
    except ValueError:
        return None


def _envelope_data(path: str, response: httpx.Response) -> Json:
    """The ``data`` of a TikTok envelope, or the exception its ``code`` stands for."""
    status = response.status_code
    try:
        envelope = response.json()
    except ValueError:
        # A cut or garbled body on a 2xx/5xx is worth another try; a 4xx page
        # that is not JSON (a proxy, a wrong base URL) will not get better.
        message = f"unreadable answer (HTTP {status})"
        if status == 429 or 400 <= status < 500:
            raise error_for(
                path, 0, message, "", status, _retry_after(response)
            ) from None
        raise ServerError(path, 0, message, "", status) from None
    if not isinstance(envelope, dict) or "code" not in envelope:
        raise ServerError(path, 0, f"not a TikTok envelope (HTTP {status})", "", status)

    code = int(envelope.get("code") or 0)
    request_id = str(envelope.get("request_id") or "")
    if code != 0 or status >= 400:
        raise error_for(
            path,
            code,
            str(envelope.get("message") or ""),
            request_id,
            status,
            _retry_after(response),
        )
    logger.debug("TikTok %s answered, request id %s", path, request_id)
    data = envelope.get("data")
    return data if isinstance(data, dict) else {}


__all__ = [
    "NotConfiguredError",
    "OrderPage",
    "ShipOutcome",
    "Shop",
    "ShippingProvider",
    "TikTokRejectedError",
    "TikTokShopClient",
]
