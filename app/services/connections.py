"""Connecting the stores: what the setup wizard calls to link TikTok Shop and Shopify.

:class:`ConnectionsService` walks a supervisor through both connections:

- TikTok Shop: build the consent link (service id and a random ``state``), take
  back the pasted code or the whole redirect URL, trade the code for tokens,
  list the shops the seller authorized and remember the chosen one;
- Shopify: a shop address and either a client id and secret (client-credentials
  grant) or an admin API token; list the locations and remember the chosen one;
- carriers: how each bench carrier is named in Shopify and TikTok Shop.

Secrets (app key and secret, tokens, the shop cipher, client secret) go only
through :class:`~app.services.credentials.CredentialsService`; ids and names go
to the station settings. Every failure comes out as :class:`ConnectionProblem`,
whose message is a plain sentence saying what went wrong and what to do.

Threading: every method that talks to a store or the keyring blocks; the UI
runs them through its background-task helper. One instance serves one wizard.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import secrets
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, TypeVar
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

from app.domain import carriers as bench_carriers
from app.domain.credentials import CredentialStore, MemoryCredentialStore, Secret
from app.net.shopify import auth as shopify_names
from app.net.shopify.client import ShopifyClient, open_client
from app.net.shopify.config import SHOP_URL_ENV, ShopifyConfig
from app.net.shopify.errors import (
    ShopifyAuthError,
    ShopifyCredentialsMissingError,
    ShopifyError,
    ShopifyForbiddenError,
    ShopifyNotFoundError,
    ShopifyUnavailableError,
)
from app.net.shopify.locations import list_locations
from app.net.shopify.models import ShopifyLocation
from app.net.tiktok import credentials as tiktok_names
from app.net.tiktok.client import Shop, TikTokShopClient
from app.net.tiktok.config import TikTokConfig
from app.net.tiktok.errors import (
    CODE_BAD_SIGNATURE,
    CODE_INVALID_AUTH_CODE,
    BadSignatureError,
    InvalidCredentialsError,
    MissingScopeError,
    NotConfiguredError,
    RateLimitedError,
    ReauthorizationNeededError,
    ServerError,
    TikTokError,
    TikTokRejectedError,
    TikTokUnavailableError,
)
from app.net.tiktok.retry import default_policy
from app.services.credentials import CredentialsService, CredentialStoreError
from app.storage.settings import (
    CarrierMapping,
    Settings,
    SettingsError,
    load_settings,
    save_settings,
)

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: TikTok's seller consent page; shops in the United States have their own.
DEFAULT_CONSENT_URL: Final = "https://services.tiktokshop.com/open/authorize"
US_CONSENT_URL: Final = "https://services.us.tiktokshop.com/open/authorize"
CONSENT_URL_ENV: Final = "GIVEAWAY_DESK_TIKTOK_CONSENT_URL"
SHOPIFY_SUFFIX: Final = ".myshopify.com"
#: Interactive calls try twice at most: a supervisor is waiting for the answer.
WIZARD_ATTEMPTS: Final = 2

#: Bench carrier -> the tracking company name in Shopify's list (exact spelling).
DEFAULT_SHOPIFY_COMPANIES: Final[Mapping[str, str]] = {
    bench_carriers.UPS: "UPS",
    bench_carriers.USPS: "USPS",
    bench_carriers.FEDEX: "FedEx",
    bench_carriers.DHL_EXPRESS: "DHL Express",
    bench_carriers.AMAZON: "Amazon",
    bench_carriers.ONTRAC: "OnTrac",
    bench_carriers.OTHER: "Other",
}

#: A short list of Shopify tracking companies offered in the carriers table;
#: any other name from Shopify's list may be typed.
SHOPIFY_TRACKING_COMPANIES: Final = (
    "4PX",
    "Amazon",
    "Amazon Logistics UK",
    "Australia Post",
    "Canada Post",
    "DHL eCommerce",
    "DHL Express",
    "DPD",
    "Evri",
    "FedEx",
    "GLS",
    "LSO",
    "OnTrac",
    "Other",
    "Purolator",
    "Royal Mail",
    "UPS",
    "USPS",
    "YunExpress",
)

_TIKTOK_SECRETS: Final = (tiktok_names.APP_KEY, tiktok_names.APP_SECRET)


class ConnectionProblem(Exception):  # noqa: N818 - shown to people as is
    """Something kept a connection from working; the message says what to do."""


@dataclass(frozen=True, slots=True)
class AuthorizationLink:
    """The consent page to open, and the ``state`` it carries."""

    url: str
    state: str


@dataclass(frozen=True, slots=True)
class ShopChoice:
    """A TikTok shop the seller authorized (its cipher stays in the service)."""

    shop_id: str
    name: str
    region: str

    @property
    def label(self) -> str:
        """What a picker shows."""
        return f"{self.name} ({self.region}, id {self.shop_id})"


@dataclass(frozen=True, slots=True)
class TikTokConnected:
    """The outcome of trading an authorization code for tokens."""

    shops: tuple[ShopChoice, ...]
    access_expires_at: int


@dataclass(frozen=True, slots=True)
class LocationChoice:
    """A Shopify location stock can be taken from."""

    location_id: str
    name: str
    detail: str
    is_primary: bool

    @property
    def label(self) -> str:
        """What a picker shows."""
        return f"{self.name} — {self.detail}" if self.detail else self.name


@dataclass(frozen=True, slots=True)
class CarrierRow:
    """How one bench carrier is named in Shopify and TikTok Shop."""

    carrier: str
    shopify_tracking_company: str
    tiktok_shipping_provider_id: str = ""


@dataclass(frozen=True, slots=True)
class ProviderChoice:
    """A carrier TikTok Shop offers, with its shipping provider id."""

    provider_id: str
    name: str


@dataclass(frozen=True, slots=True)
class ConnectionStatus:
    """What the summary page shows about the saved connections."""

    tiktok_shop: str
    shopify_shop: str
    shopify_location: str
    carriers: tuple[CarrierRow, ...]
    for_this_run_only: bool


class ConnectionsService:
    """The facade the setup wizard calls; see the module docstring."""

    def __init__(
        self,
        credentials: CredentialsService,
        *,
        config_folder: Path | None = None,
        environ: Mapping[str, str] | None = None,
        tiktok_transport: httpx.BaseTransport | None = None,
        shopify_transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.credentials = credentials
        self._folder = config_folder
        self._environ = os.environ if environ is None else environ
        self._tiktok_transport = tiktok_transport
        self._shopify_transport = shopify_transport
        self._lock = threading.Lock()
        self._state: str | None = None
        self._ciphers: dict[str, str] = {}
        self._locations: dict[str, LocationChoice] = {}

    @classmethod
    def from_settings(cls, config_folder: Path | None = None) -> ConnectionsService:
        """The service for the store profile named in the station's settings."""
        return cls(
            CredentialsService.from_settings(config_folder), config_folder=config_folder
        )

    # --- settings ---------------------------------------------------------------

    def settings(self) -> Settings:
        """The settings in effect (environment overrides applied)."""
        return load_settings(self._folder, self._environ).effective

    def saved_shop_domain(self) -> str:
        """The Shopify address saved in the settings (not an override)."""
        return load_settings(self._folder, self._environ).stored.shopify_shop_domain

    def _update_settings(self, **changes: Any) -> None:
        # The stored settings, not the effective ones: an override from the
        # environment must never be written into the file.
        with self._lock:
            stored = load_settings(self._folder, self._environ).stored
            try:
                save_settings(dataclasses.replace(stored, **changes), self._folder)
            except (SettingsError, OSError) as exc:
                raise ConnectionProblem(
                    f"The settings could not be saved: {exc}"
                ) from None

    # --- TikTok Shop: authorization -------------------------------------------

    def authorization_link(
        self, service_id: str, *, us_shop: bool = False
    ) -> AuthorizationLink:
        """The seller consent page for ``service_id``, with a fresh ``state``.

        ``us_shop`` picks the consent page of shops in the United States.

        The ``state`` is remembered until a code is exchanged, so a redirect URL
        from another (older, or someone else's) request is recognised and refused.
        """
        service_id = service_id.strip()
        if not service_id:
            raise ConnectionProblem(
                "Enter the app's service id first. It is on the app's page in "
                "TikTok Shop Partner Center."
            )
        state = secrets.token_urlsafe(16)
        self._state = state
        page = US_CONSENT_URL if us_shop else DEFAULT_CONSENT_URL
        base = self._environ.get(CONSENT_URL_ENV) or page
        url = f"{base}?{urlencode({'service_id': service_id, 'state': state})}"
        self._update_settings(tiktok_service_id=service_id)
        return AuthorizationLink(url, state)

    def code_from(self, pasted: str) -> Secret:
        """The authorization code in what was pasted: a bare code or a redirect URL.

        A URL must carry the ``state`` of the link this service made last.
        """
        text = pasted.strip()
        if not text:
            raise ConnectionProblem(
                "Paste the authorization code, or the whole address the browser "
                "showed after the seller agreed."
            )
        if "://" not in text and "?" not in text and "=" not in text:
            return Secret(text)

        query = parse_qs(urlsplit(text).query or text.lstrip("?"))
        codes = query.get("code") or query.get("auth_code") or []
        if not codes or not codes[0].strip():
            raise ConnectionProblem(
                "That address has no authorization code in it. Copy the address "
                "from the browser after the seller pressed Authorize."
            )
        states = query.get("state") or []
        if self._state is None or not states or states[0] != self._state:
            raise ConnectionProblem(
                "That address belongs to a different authorization request "
                "(its 'state' does not match the link opened from this wizard). "
                "Open the authorization link again and paste the new address."
            )
        return Secret(codes[0].strip())

    def connect_tiktok(
        self, app_key: Secret, app_secret: Secret, pasted: str
    ) -> TikTokConnected:
        """Trade the code for tokens, save them with the app keys, list the shops."""
        if not app_key or not app_secret:
            raise ConnectionProblem("Enter both the app key and the app secret.")
        code = self.code_from(pasted)
        staged = MemoryCredentialStore(
            {tiktok_names.APP_KEY: app_key, tiktok_names.APP_SECRET: app_secret}
        )
        with self._tiktok(staged) as client:
            tokens = _tiktok_call(client.exchange_code, code)
            # The code works once: keep the tokens before anything else can fail.
            self._save_tiktok(staged)
            self._state = None
            shops = _tiktok_call(client.authorized_shops)
        choices = self._remember_shops(shops)
        logger.info(
            "TikTok authorized; %d shop(s), access token valid until %d",
            len(choices),
            tokens.access_expires_at,
        )
        return TikTokConnected(choices, tokens.access_expires_at)

    def _save_tiktok(self, staged: MemoryCredentialStore) -> None:
        names = (*_TIKTOK_SECRETS, *_TOKEN_NAMES)
        values = {name: value for name in names if (value := staged.get(name))}
        # A new authorization may cover other shops: the old cipher must go.
        self._save_secrets(values)
        self._delete_secrets([tiktok_names.SHOP_CIPHER])

    def tiktok_shops(self) -> tuple[ShopChoice, ...]:
        """The shops the saved authorization covers."""
        with self._tiktok(self.credentials.store) as client:
            shops = _tiktok_call(client.authorized_shops)
        return self._remember_shops(shops)

    def _remember_shops(self, shops: Sequence[Shop]) -> tuple[ShopChoice, ...]:
        # The ciphers stay here: the wizard shows names and ids only.
        self._ciphers.update({shop.id: shop.cipher for shop in shops})
        return tuple(ShopChoice(shop.id, shop.name, shop.region) for shop in shops)

    def choose_tiktok_shop(self, shop: ShopChoice) -> None:
        """Keep the shop's cipher (keyring) and its id and name (settings)."""
        cipher = self._ciphers.get(shop.shop_id)
        if not cipher:
            raise ConnectionProblem(
                "That shop is not in the list TikTok gave; list the shops again."
            )
        self._save_secrets({tiktok_names.SHOP_CIPHER: Secret(cipher)})
        self._update_settings(tiktok_shop_id=shop.shop_id, tiktok_shop_name=shop.name)
        logger.info("TikTok shop chosen: %s", shop.shop_id)

    def test_tiktok(self) -> str:
        """One cheap signed call with the saved credentials; a sentence on success."""
        with self._tiktok(self.credentials.store) as client:
            missing = _tiktok_call(client.missing_credentials)
            if missing:
                raise ConnectionProblem(
                    "TikTok Shop is not connected yet: enter the app key and "
                    "secret and authorize the app."
                )
            shops = _tiktok_call(client.authorized_shops)
        chosen = self.settings().tiktok_shop_name
        names = ", ".join(shop.name for shop in shops)
        return (
            f"TikTok Shop answered: the authorization covers {len(shops)} "
            f"shop(s): {names or 'none'}."
            + (f" Orders come from {chosen}." if chosen else "")
        )

    def tiktok_shipping_providers(self) -> tuple[ProviderChoice, ...]:
        """The carriers TikTok offers for the delivery option of a recent order.

        TikTok lists carriers per delivery option only; an empty answer (no
        order yet) means ids are looked up by carrier name at shipping time.
        """
        with self._tiktok(self.credentials.store) as client:
            page = _tiktok_call(lambda: client.search_orders(page_size=1))
            option = next(
                (
                    str(order.get("delivery_option_id") or "")
                    for order in page.orders
                    if order.get("delivery_option_id")
                ),
                "",
            )
            if not option:
                return ()
            providers = _tiktok_call(client.shipping_providers, option)
        return tuple(ProviderChoice(p.id, p.name) for p in providers)

    @contextmanager
    def _tiktok(self, store: CredentialStore) -> Iterator[TikTokShopClient]:
        settings = self.settings()
        config = TikTokConfig(
            api_base_url=settings.tiktok_api_base_url,
            auth_base_url=settings.tiktok_auth_base_url,
            transport=self._tiktok_transport,
        )
        client = TikTokShopClient(config, store, policy=default_policy(WIZARD_ATTEMPTS))
        try:
            yield client
        finally:
            client.close()

    # --- Shopify ----------------------------------------------------------------

    def connect_shopify(
        self,
        shop_domain: str,
        *,
        client_id: Secret | None = None,
        client_secret: Secret | None = None,
        admin_token: Secret | None = None,
    ) -> tuple[LocationChoice, ...]:
        """Try the credentials; when Shopify answers, save them and list locations.

        Give a client id and secret (an app from the Dev Dashboard), or an admin
        API token (an older custom app). Nothing is saved when Shopify refuses.
        """
        domain = shop_domain_from(shop_domain)
        staged = MemoryCredentialStore()
        if client_id and client_secret:
            staged.set(shopify_names.CLIENT_ID, client_id)
            staged.set(shopify_names.CLIENT_SECRET, client_secret)
        elif admin_token:
            staged.set(shopify_names.ADMIN_TOKEN, admin_token)
        else:
            raise ConnectionProblem(
                "Enter the app's client id and client secret, or an admin API "
                "access token."
            )
        with self._shopify(staged, domain) as client:
            locations = _shopify_call(lambda: list_locations(client))
        self._replace_shopify_secrets(staged)
        self._update_settings(shopify_shop_domain=domain)
        return self._remember_locations(locations)

    def _replace_shopify_secrets(self, staged: MemoryCredentialStore) -> None:
        names = (
            shopify_names.CLIENT_ID,
            shopify_names.CLIENT_SECRET,
            shopify_names.ADMIN_TOKEN,
            shopify_names.ACCESS_TOKEN,
            shopify_names.ACCESS_TOKEN_EXPIRES_AT,
        )
        values = {name: value for name in names if (value := staged.get(name))}
        self._save_secrets(values)
        # A client id and secret win over an admin token: drop the other kind.
        self._delete_secrets([name for name in names if name not in values])

    def shopify_locations(self) -> tuple[LocationChoice, ...]:
        """The locations of the saved shop, with the saved credentials."""
        with self._shopify(self.credentials.store, self._shop_domain()) as client:
            locations = _shopify_call(lambda: list_locations(client))
        return self._remember_locations(locations)

    def test_shopify(self) -> str:
        """A cheap call with the saved credentials; a sentence on success."""
        locations = self.shopify_locations()
        chosen = self.settings().shopify_location_id
        where = next((loc.name for loc in locations if loc.location_id == chosen), "")
        return f"Shopify answered: {len(locations)} location(s)." + (
            f" Stock is taken from {where}." if where else ""
        )

    def choose_shopify_location(self, location: LocationChoice) -> None:
        """Take stock from ``location`` from now on (saved in the settings)."""
        self._update_settings(shopify_location_id=location.location_id)
        logger.info("Shopify location chosen: %s", location.location_id)

    def _remember_locations(
        self, locations: Sequence[ShopifyLocation]
    ) -> tuple[LocationChoice, ...]:
        choices = []
        for location in locations:
            if location.app_managed:
                continue  # stock there belongs to a fulfilment app
            place = ", ".join(p for p in (location.city, location.country_code) if p)
            if location.is_primary:
                place = f"{place} (primary)" if place else "primary"
            choice = LocationChoice(
                location.location_id, location.name, place, location.is_primary
            )
            self._locations[choice.location_id] = choice
            choices.append(choice)
        return tuple(choices)

    def _shop_domain(self) -> str:
        domain = self.settings().shopify_shop_domain
        if not domain:
            raise ConnectionProblem("Enter the Shopify shop address first.")
        return domain

    @contextmanager
    def _shopify(self, store: CredentialStore, domain: str) -> Iterator[ShopifyClient]:
        # The simulator (or a support proxy) stands in through the environment.
        url = self._environ.get(SHOP_URL_ENV) or domain
        config = ShopifyConfig(url, max_attempts=WIZARD_ATTEMPTS)
        client = open_client(config, store, transport=self._shopify_transport)
        try:
            yield client
        finally:
            client.close()

    # --- carriers ---------------------------------------------------------------

    def carrier_rows(self) -> tuple[CarrierRow, ...]:
        """Every bench carrier with its saved (or suggested) names elsewhere."""
        saved = {row.carrier: row for row in self.settings().carrier_mappings}
        rows = []
        for carrier in (*bench_carriers.KNOWN_CARRIERS, bench_carriers.OTHER):
            mapping = saved.get(carrier)
            rows.append(
                CarrierRow(
                    carrier,
                    (mapping.shopify_tracking_company if mapping else "")
                    or DEFAULT_SHOPIFY_COMPANIES.get(carrier, carrier),
                    mapping.tiktok_shipping_provider_id if mapping else "",
                )
            )
        return tuple(rows)

    def save_carrier_rows(self, rows: Sequence[CarrierRow]) -> None:
        """Keep the carriers table in the settings."""
        mappings = tuple(
            CarrierMapping(
                row.carrier,
                row.tiktok_shipping_provider_id.strip(),
                row.shopify_tracking_company.strip(),
            )
            for row in rows
        )
        self._update_settings(carrier_mappings=mappings)

    # --- status and disconnecting -------------------------------------------

    def status(self) -> ConnectionStatus:
        """What is connected now, in words for the summary page."""
        settings = self.settings()
        return ConnectionStatus(
            tiktok_shop=settings.tiktok_shop_name or "not connected",
            shopify_shop=self.saved_shop_domain() or "not connected",
            shopify_location=(
                self._locations[settings.shopify_location_id].name
                if settings.shopify_location_id in self._locations
                else settings.shopify_location_id or "none chosen"
            ),
            carriers=self.carrier_rows(),
            for_this_run_only=self.credentials.for_this_run_only,
        )

    def disconnect(self, connector: str) -> None:
        """Forget every secret of ``connector`` and the ids that went with them."""
        _keyring_call(lambda: self.credentials.disconnect(connector))
        if connector == "tiktok":
            self._update_settings(tiktok_shop_id="", tiktok_shop_name="")
        elif connector == "shopify":
            self._update_settings(shopify_location_id="")

    def _save_secrets(self, values: Mapping[str, Secret]) -> None:
        _keyring_call(lambda: self.credentials.set_secrets(values))

    def _delete_secrets(self, names: Sequence[str]) -> None:
        def delete() -> None:
            for name in names:
                self.credentials.delete_secret(name)

        _keyring_call(delete)


_TOKEN_NAMES: Final = (
    tiktok_names.ACCESS_TOKEN,
    tiktok_names.ACCESS_EXPIRES_AT,
    tiktok_names.REFRESH_TOKEN,
    tiktok_names.REFRESH_EXPIRES_AT,
)


def shop_domain_from(text: str) -> str:
    """``name.myshopify.com`` from a bare name, a domain or an admin address."""
    raw = text.strip().lower()
    if not raw:
        raise ConnectionProblem(
            "Enter the shop's address, for example your-shop.myshopify.com."
        )
    host = urlsplit(raw if "://" in raw else "https://" + raw).hostname or ""
    if "." not in host:
        host += SHOPIFY_SUFFIX
    name = host.removesuffix(SHOPIFY_SUFFIX)
    if not host.endswith(SHOPIFY_SUFFIX) or not name or not _is_shop_name(name):
        raise ConnectionProblem(
            f"{text.strip()!r} is not a Shopify shop address. Use the "
            "name.myshopify.com address shown in Shopify under Settings > Domains."
        )
    return host


def _is_shop_name(name: str) -> bool:
    return all(ch.isalnum() or ch == "-" for ch in name) and not name.startswith("-")


# --- turning errors into sentences -----------------------------------------------


def _keyring_call(work: Callable[[], T]) -> T:
    try:
        return work()
    except CredentialStoreError as exc:
        raise ConnectionProblem(
            f"The secrets could not be saved in the keyring: {exc} Nothing else "
            "was changed; fix the keyring and try again."
        ) from None


def _tiktok_call(work: Callable[..., T], *args: object) -> T:
    try:
        return work(*args)
    except TikTokError as exc:
        raise ConnectionProblem(explain_tiktok(exc)) from None
    except CredentialStoreError as exc:
        raise ConnectionProblem(f"The keyring failed: {exc}") from None


def _shopify_call(work: Callable[[], T]) -> T:
    try:
        return work()
    except ShopifyError as exc:
        raise ConnectionProblem(explain_shopify(exc)) from None
    except CredentialStoreError as exc:
        raise ConnectionProblem(f"The keyring failed: {exc}") from None


def explain_tiktok(error: TikTokError) -> str:
    """A sentence a supervisor can act on, for one TikTok failure."""
    request = _request_id(error)
    if isinstance(error, BadSignatureError) or _code(error) == CODE_BAD_SIGNATURE:
        return (
            "TikTok Shop refused the request's signature (error 106001): the app "
            "secret is wrong. Copy it again from Partner Center > App > "
            "App secret, then authorize again." + request
        )
    if _code(error) == CODE_INVALID_AUTH_CODE:
        return (
            "TikTok Shop says the authorization code is not valid (error "
            "36004004): codes work once and expire after about 30 minutes. Open "
            "the authorization link again and paste the new code." + request
        )
    if isinstance(error, ReauthorizationNeededError):
        return (
            "TikTok Shop no longer accepts this authorization: the seller must "
            "authorize the app again (open the authorization link)." + request
        )
    if isinstance(error, InvalidCredentialsError):
        detail = error.api_message or "invalid credentials"
        return (
            f"TikTok Shop did not accept the credentials ({detail}). Check the app "
            "key and app secret in Partner Center, and that this computer's clock "
            "is right." + request
        )
    if isinstance(error, MissingScopeError):
        return (
            "The app lacks a permission TikTok Shop needs for this (error 105005). "
            "Add the scope in Partner Center and have the seller authorize again."
            + request
        )
    if isinstance(error, RateLimitedError):
        return "TikTok Shop is busy (too many requests). Wait a minute and try again."
    if isinstance(error, TikTokUnavailableError):
        return (
            "TikTok Shop could not be reached. Check this computer's internet "
            "connection, then try again."
        )
    if isinstance(error, ServerError):
        return (
            "TikTok Shop had an internal problem. Try again in a few minutes." + request
        )
    if isinstance(error, NotConfiguredError):
        return (
            "TikTok Shop is not connected yet: enter the app key and secret and "
            "authorize the app."
        )
    if isinstance(error, TikTokRejectedError):
        return (
            f"TikTok Shop refused the request: {error.api_message} "
            f"(error {error.code})." + request
        )
    return f"TikTok Shop: {error}"


def explain_shopify(error: ShopifyError) -> str:
    """A sentence a supervisor can act on, for one Shopify failure."""
    if isinstance(error, ShopifyAuthError):
        return (
            "Shopify did not accept the credentials. Check the client id and "
            "client secret (or the admin API token) in the app's settings in "
            "Shopify, and that the app is installed on this shop."
        )
    if isinstance(error, ShopifyCredentialsMissingError):
        return "Enter the client id and secret, or an admin API token."
    if isinstance(error, ShopifyNotFoundError):
        return (
            "Shopify knows no shop at that address. Check the name.myshopify.com "
            "address under Settings > Domains in Shopify."
        )
    if isinstance(error, ShopifyForbiddenError):
        return (
            "Shopify answered, but the app lacks a permission (read_locations and "
            "the inventory and order scopes). Add the scopes in the app's "
            "settings and install the app again."
        )
    if isinstance(error, ShopifyUnavailableError):
        return (
            "Shopify could not be reached. Check this computer's internet "
            "connection and the shop address, then try again."
        )
    return f"Shopify refused the request: {error}"


def _code(error: TikTokError) -> int | None:
    return error.code if isinstance(error, TikTokRejectedError) else None


def _request_id(error: TikTokError) -> str:
    if isinstance(error, TikTokRejectedError) and error.request_id:
        return f" (TikTok request id {error.request_id}, for TikTok support.)"
    return ""
