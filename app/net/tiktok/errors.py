"""The exceptions the TikTok Shop connector raises, and how envelopes map to them.

Callers (services, the UI via services) catch these types only, never httpx's.
None of the messages carries a URL, a token, a secret or a signature: they name
the API path, TikTok's code and message, and the request id TikTok support asks for.
"""

from __future__ import annotations

import logging
from typing import Final

logger = logging.getLogger(__name__)

# Codes from TikTok's "common errors" page, quoted in the reference notes.
CODE_OK: Final = 0
CODE_TOKEN_EXPIRED: Final = 105002
CODE_BAD_TOKEN_HEADER: Final = 101000
CODE_MISSING_SCOPE: Final = 105005
CODE_BAD_SIGNATURE: Final = 106001
CODE_MISSING_CIPHER: Final = 106013
CODE_BAD_CREDENTIALS: Final = 36009004
CODE_RATE_LIMITED: Final = 36009002
CODE_INTERNAL: Final = 36009003
CODE_TIMEOUT: Final = 36009007
CODE_REGION_NOT_SUPPORTED: Final = 21008106
CODE_NOT_OWNED: Final = 21008111
CODE_INVALID_AUTH_CODE: Final = 36004004
CODE_REFRESH_EXPIRED: Final = 36004001
CODE_NO_AUTH_RECORD: Final = 36004005


class TikTokError(Exception):
    """Anything that went wrong talking to TikTok Shop."""

    #: True when the same request may succeed if simply sent again later.
    transient: bool = False


class NotConfiguredError(TikTokError):
    """A credential the call needs (app key, secret, token) is not stored."""


class TikTokUnavailableError(TikTokError):
    """TikTok could not be reached, or the connection broke before an answer."""

    transient = True


class TikTokTimeoutError(TikTokUnavailableError):
    """TikTok did not answer in time."""


class TikTokRejectedError(TikTokError):
    """TikTok answered with a non-zero code; ``code`` and ``message`` say why."""

    def __init__(
        self, path: str, code: int, message: str, request_id: str = "", status: int = 0
    ) -> None:
        self.path = path
        self.code = code
        self.api_message = message
        self.request_id = request_id
        self.status = status
        super().__init__(
            f"TikTok refused {path}: code {code} ({message})"
            + (f", request id {request_id}" if request_id else "")
        )


class TokenExpiredError(TikTokRejectedError):
    """The access token has expired (105002); a refresh fixes it."""


class ReauthorizationNeededError(TikTokRejectedError):
    """The seller must authorize the app again (refresh token or auth code no good)."""


class BadSignatureError(TikTokRejectedError):
    """TikTok says our ``sign`` parameter is wrong (106001); not retryable."""


class InvalidCredentialsError(TikTokRejectedError):
    """App key, token header, timestamp window or shop cipher was refused."""


class MissingScopeError(TikTokRejectedError):
    """The authorization lacks the scope this call needs (105005)."""


class RateLimitedError(TikTokRejectedError):
    """Too many requests (36009002 or HTTP 429); wait ``retry_after`` seconds."""

    transient = True

    def __init__(
        self,
        path: str,
        code: int,
        message: str,
        request_id: str = "",
        status: int = 0,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(path, code, message, request_id, status)
        self.retry_after = retry_after


class ServerError(TikTokRejectedError):
    """TikTok failed internally (5xx, 36009003, 36009007, or an unreadable body)."""

    transient = True


class RegionNotSupportedError(TikTokRejectedError):
    """This endpoint is not offered in the shop's region (21008106)."""


class NotOwnedError(TikTokRejectedError):
    """The order or package does not belong to this seller (21008111)."""


class UnknownShippingProviderError(TikTokError):
    """No carrier of that name is offered for the order's delivery option."""

    def __init__(self, name: str, delivery_option_id: str, offered: list[str]) -> None:
        self.name = name
        self.offered = offered
        super().__init__(
            f"TikTok offers no carrier named {name!r} for delivery option "
            f"{delivery_option_id}; it offers: {', '.join(offered) or 'none'}"
        )


class ShippedWithOtherTrackingError(TikTokError):
    """The package already left with a different tracking number than ours."""

    def __init__(self, package_id: str, tracking_number: str) -> None:
        self.package_id = package_id
        self.tracking_number = tracking_number
        super().__init__(
            f"package {package_id} was already shipped with tracking number "
            f"{tracking_number}"
        )


_BY_CODE: dict[int, type[TikTokRejectedError]] = {
    CODE_TOKEN_EXPIRED: TokenExpiredError,
    CODE_BAD_TOKEN_HEADER: InvalidCredentialsError,
    CODE_MISSING_SCOPE: MissingScopeError,
    CODE_BAD_SIGNATURE: BadSignatureError,
    CODE_MISSING_CIPHER: InvalidCredentialsError,
    CODE_BAD_CREDENTIALS: InvalidCredentialsError,
    CODE_INTERNAL: ServerError,
    CODE_TIMEOUT: ServerError,
    CODE_REGION_NOT_SUPPORTED: RegionNotSupportedError,
    CODE_NOT_OWNED: NotOwnedError,
    CODE_INVALID_AUTH_CODE: ReauthorizationNeededError,
    CODE_REFRESH_EXPIRED: ReauthorizationNeededError,
    # Also what a refresh token that was already used gets.
    CODE_NO_AUTH_RECORD: ReauthorizationNeededError,
}


def error_for(
    path: str,
    code: int,
    message: str,
    request_id: str = "",
    status: int = 0,
    retry_after: float | None = None,
) -> TikTokRejectedError:
    """The exception for one refused call, chosen by TikTok's code, then HTTP status."""
    if code == CODE_RATE_LIMITED or status == 429:
        return RateLimitedError(path, code, message, request_id, status, retry_after)
    kind = _BY_CODE.get(code)
    if kind is None:
        kind = ServerError if status >= 500 else TikTokRejectedError
    return kind(path, code, message, request_id, status)
