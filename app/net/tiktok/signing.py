"""Request signing for the TikTok Shop Open API (202309 and later).

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
from collections.abc import Iterable, Mapping

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
