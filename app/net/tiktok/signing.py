"""Request signing for the TikTok Shop Open API (202309 and later), as an httpx.Auth.

The signature covers the path, every query parameter except ``sign`` and
``access_token`` (sorted by name, each written as name then value with no
separator) and the exact body bytes, wrapped in the app secret on both sides and
hashed with HMAC-SHA256 keyed by the same secret. The digest goes into the
``sign`` query parameter as lowercase hex.

Values are signed in their decoded form: a page token containing ``+`` or ``/``
is signed as is and percent-encoded only on the wire, and a list value is signed
and sent once, comma-joined.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from collections.abc import Callable, Generator, Iterable, Mapping

import httpx

from app.domain.credentials import CredentialStore, Secret
from app.net.tiktok.credentials import APP_KEY, APP_SECRET
from app.net.tiktok.errors import NotConfiguredError

logger = logging.getLogger(__name__)

#: Query parameters that are never part of the signed string.
UNSIGNED_PARAMS = frozenset({"sign", "access_token", "x-tts-access-token"})

QueryValue = str | int | Iterable[str]


def query_value(value: QueryValue) -> str:
    """The one string a query value is signed and sent as (lists comma-joined)."""
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    return ",".join(value)


def flatten_query(query: Mapping[str, QueryValue | None]) -> dict[str, str]:
    """Query parameters as strings, dropping the ones that have no value."""
    flat: dict[str, str] = {}
    for name, value in query.items():
        if value is None:
            continue
        text = query_value(value)
        # An empty value would be sent as "name=" and signed as "name"; TikTok's
        # own SDKs leave such parameters out altogether, so we do too.
        if text != "":
            flat[name] = text
    return flat


def string_to_sign(path: str, query: Mapping[str, str], body: bytes = b"") -> bytes:
    """The bytes that get wrapped and hashed: path, sorted params, then body."""
    names = sorted(name for name in query if name not in UNSIGNED_PARAMS)
    params = "".join(name + query[name] for name in names)
    return path.encode() + params.encode() + body


def sign(
    app_secret: str, path: str, query: Mapping[str, str], body: bytes = b""
) -> str:
    """The ``sign`` parameter for one request, as lowercase hex."""
    secret = app_secret.encode()
    message = secret + string_to_sign(path, query, body) + secret
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


class TikTokSigner(httpx.Auth):
    """Adds ``app_key``, ``timestamp``, ``sign`` and the token header to a request.

    The app key and secret are read from the credential store when the request
    is sent; the access token is the one the caller chose, so that the caller
    knows which token an "expired" answer was about.
    """

    requires_request_body = True

    def __init__(
        self,
        store: CredentialStore,
        access_token: Secret,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._store = store
        self._token = access_token
        self._clock = clock

    def auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        """Sign ``request`` in place and send it once."""
        app_key, app_secret = self._app_credentials()
        query = dict(request.url.params.multi_items())
        query.pop("sign", None)
        query["app_key"] = app_key
        query["timestamp"] = str(int(self._clock()))
        # request.content is exactly what goes on the wire, so the body signed
        # here cannot differ from the body sent.
        query["sign"] = sign(app_secret, request.url.path, query, request.content)
        request.url = request.url.copy_with(params=query)
        request.headers["x-tts-access-token"] = self._token.reveal()
        yield request

    def _app_credentials(self) -> tuple[str, str]:
        app_key = self._store.get(APP_KEY)
        app_secret = self._store.get(APP_SECRET)
        if not app_key or not app_secret:
            raise NotConfiguredError("the TikTok app key or app secret is not set")
        return app_key.reveal(), app_secret.reveal()
