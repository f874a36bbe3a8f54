"""Admin API access tokens: a legacy admin token or the client-credentials grant.

Where a value comes from, in order: the headless environment variables (read and
used, never written anywhere), then the :class:`CredentialStore`; a client id and
secret, when set, win over a legacy admin token. A token fetched
with the client-credentials grant lives 24 hours; it is renewed a few minutes
before it runs out, and once more when Shopify answers 401.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Generator, Mapping
from datetime import UTC, datetime

import httpx

from app.domain.credentials import CredentialStore, Secret
from app.net.shopify.config import ShopifyConfig
from app.net.shopify.errors import (
    ShopifyAuthError,
    ShopifyCredentialsMissingError,
    ShopifyUnavailableError,
)

logger = logging.getLogger(__name__)

CLIENT_ID = "shopify.client_id"
CLIENT_SECRET = "shopify.client_secret"
ADMIN_TOKEN = "shopify.admin_token"
ACCESS_TOKEN = "shopify.access_token"
ACCESS_TOKEN_EXPIRES_AT = "shopify.access_token_expires_at"

CLIENT_ID_ENV = "GIVEAWAY_DESK_SHOPIFY_CLIENT_ID"
CLIENT_SECRET_ENV = "GIVEAWAY_DESK_SHOPIFY_CLIENT_SECRET"
ACCESS_TOKEN_ENV = "GIVEAWAY_DESK_SHOPIFY_ACCESS_TOKEN"

TOKEN_HEADER = "X-Shopify-Access-Token"

#: Renew this long before expiry, so a token never runs out mid-batch.
REFRESH_MARGIN_SECONDS = 10 * 60


class ShopifyTokens:
    """Hands out a valid access token, fetching a new one when needed."""

    def __init__(
        self,
        config: ShopifyConfig,
        store: CredentialStore,
        *,
        transport: httpx.BaseTransport | None = None,
        clock: Callable[[], float] = time.time,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self._config = config
        self._store = store
        self._clock = clock
        self._env = os.environ if environ is None else environ
        self._lock = threading.Lock()
        self._memory: tuple[Secret, float] | None = None
        self._http = httpx.Client(
            base_url=config.shop_url,
            transport=transport,
            timeout=config.timeout,
            headers={"User-Agent": config.user_agent},
        )

    def close(self) -> None:
        """Close the token endpoint's HTTP client."""
        self._http.close()

    @property
    def can_refresh(self) -> bool:
        """Whether a fresh token can be fetched (client id and secret known)."""
        return self._client_credentials() is not None

    def token(self) -> Secret:
        """A token that is valid now."""
        with self._lock:
            fixed = self._fixed_token()
            if fixed is not None:
                return fixed
            cached = self._cached_token()
            if cached is not None:
                return cached
            return self._fetch()

    def refresh(self) -> Secret:
        """Forget the current token and fetch a new one (after a 401)."""
        with self._lock:
            if self._client_credentials() is None:
                raise ShopifyAuthError(
                    "Shopify refused the admin access token; paste a valid token "
                    "in Settings > Shopify (or set up client id and secret)"
                )
            return self._fetch()

    def _fixed_token(self) -> Secret | None:
        # A token given outright (environment or legacy admin token) never
        # expires from our side; Shopify says 401 if it is wrong.
        from_env = self._env.get(ACCESS_TOKEN_ENV)
        if from_env:
            return Secret(from_env)
        if self._client_credentials() is not None:
            return None
        return self._store.get(ADMIN_TOKEN)

    def _client_credentials(self) -> tuple[Secret, Secret, bool] | None:
        env_id = self._env.get(CLIENT_ID_ENV)
        env_secret = self._env.get(CLIENT_SECRET_ENV)
        if env_id and env_secret:
            return Secret(env_id), Secret(env_secret), True
        stored_id = self._store.get(CLIENT_ID)
        stored_secret = self._store.get(CLIENT_SECRET)
        if stored_id and stored_secret:
            return stored_id, stored_secret, False
        return None

    def _cached_token(self) -> Secret | None:
        deadline = self._clock() + REFRESH_MARGIN_SECONDS
        if self._memory is not None and self._memory[1] > deadline:
            return self._memory[0]
        credentials = self._client_credentials()
        if credentials is None or credentials[2]:
            return None
        token = self._store.get(ACCESS_TOKEN)
        expires = self._store.get(ACCESS_TOKEN_EXPIRES_AT)
        if token and expires and _parse_expiry(expires.reveal()) > deadline:
            return token
        return None

    def _fetch(self) -> Secret:
        credentials = self._client_credentials()
        if credentials is None:
            raise ShopifyCredentialsMissingError(
                "no Shopify credentials: enter the app's client id and secret "
                "(or an admin API token) in Settings > Shopify"
            )
        client_id, client_secret, from_env = credentials

        response = self._post_grant(client_id, client_secret)
        body = response.json()
        token = Secret(str(body["access_token"]))
        expires_at = self._clock() + float(body.get("expires_in", 86399))
        logger.info(
            "Fetched a new Shopify access token (scopes: %s)", body.get("scope")
        )

        self._memory = (token, expires_at)
        if not from_env:
            # Values from the environment stay out of the keyring; so does
            # anything derived from them.
            self._store.set(ACCESS_TOKEN, token)
            self._store.set(ACCESS_TOKEN_EXPIRES_AT, Secret(_format_expiry(expires_at)))
        return token

    def _post_grant(self, client_id: Secret, client_secret: Secret) -> httpx.Response:
        form = {
            "grant_type": "client_credentials",
            "client_id": client_id.reveal(),
            "client_secret": client_secret.reveal(),
        }
        try:
            response = self._http.post(self._config.token_path, data=form)
        except httpx.HTTPError as error:
            raise ShopifyUnavailableError(
                "could not reach Shopify to renew the access token "
                f"({type(error).__name__})"
            ) from error
        if response.status_code in (400, 401, 403):
            raise ShopifyAuthError(
                "Shopify refused the app's client id or secret; check them in "
                "Settings > Shopify and that the app is installed on this store"
            )
        if response.status_code >= 300:
            raise ShopifyUnavailableError(
                f"Shopify's token endpoint answered HTTP {response.status_code}"
            )
        return response


class ShopifyTokenAuth(httpx.Auth):
    """Puts the access token on each request and renews it once on HTTP 401."""

    def __init__(self, tokens: ShopifyTokens) -> None:
        self._tokens = tokens

    def auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        """Send with the current token; on 401 renew it and send once more."""
        request.headers[TOKEN_HEADER] = self._tokens.token().reveal()
        response = yield request
        if response.status_code != 401 or not self._tokens.can_refresh:
            return
        logger.warning("Shopify answered 401; renewing the access token once")
        request.headers[TOKEN_HEADER] = self._tokens.refresh().reveal()
        yield request


def _format_expiry(epoch_seconds: float) -> str:
    return datetime.fromtimestamp(epoch_seconds, tz=UTC).isoformat()


def _parse_expiry(text: str) -> float:
    try:
        return datetime.fromisoformat(text).timestamp()
    except ValueError:
        return 0.0
