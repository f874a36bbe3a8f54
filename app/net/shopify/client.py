"""The Admin GraphQL client: one long-lived ``httpx.Client`` per shop.

It sends a named document with variables and returns ``data``; it waits for
Shopify's cost bucket, retries throttling and server failures, and turns every
failure into one of the exceptions in :mod:`app.net.shopify.errors`.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from app.domain.credentials import CredentialStore
from app.net.shopify.auth import ShopifyTokenAuth, ShopifyTokens
from app.net.shopify.config import ShopifyConfig
from app.net.shopify.documents import load_document
from app.net.shopify.errors import (
    GraphQLProblem,
    ShopifyAuthError,
    ShopifyError,
    ShopifyForbiddenError,
    ShopifyLockedError,
    ShopifyNotFoundError,
    ShopifyOutcomeUnknownError,
    ShopifyPaymentRequiredError,
    ShopifyQueryTooExpensiveError,
    ShopifyRequestError,
    ShopifyThrottledError,
    ShopifyUnavailableError,
)
from app.net.shopify.throttle import CostThrottle

logger = logging.getLogger(__name__)

_STATUS_ERRORS: dict[int, tuple[type[ShopifyError], str]] = {
    401: (
        ShopifyAuthError,
        "Shopify refused the access token; check the app's credentials in "
        "Settings > Shopify",
    ),
    402: (
        ShopifyPaymentRequiredError,
        "Shopify froze this shop for an unpaid bill; the store owner must settle "
        "it in the Shopify admin",
    ),
    403: (
        ShopifyForbiddenError,
        "Shopify forbids this call; the app lacks a permission (scope) or the "
        "merchant's approval — reinstall the app with the scopes listed in the manual",
    ),
    404: (
        ShopifyNotFoundError,
        "Shopify found no such shop or API address; check the shop address in "
        "Settings > Shopify",
    ),
    423: (
        ShopifyLockedError,
        "Shopify locked this shop; the store owner must contact Shopify support",
    ),
}

_RETRYABLE_STATUS = frozenset({500, 502, 503, 504})
_REQUEST_ID_HEADER = "X-Request-Id"
_VERSION_HEADER = "X-Shopify-API-Version"


class ShopifyClient:
    """Runs the connector's GraphQL documents against one shop."""

    def __init__(
        self,
        config: ShopifyConfig,
        tokens: ShopifyTokens,
        *,
        transport: httpx.BaseTransport | None = None,
        throttle: CostThrottle | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.config = config
        self.throttle = throttle or CostThrottle(sleep=sleep)
        self._sleep = sleep
        self._tokens = tokens
        self._answered_version: str | None = None
        self._http = httpx.Client(
            base_url=config.shop_url,
            transport=transport,
            timeout=config.timeout,
            auth=ShopifyTokenAuth(tokens),
            headers={"User-Agent": config.user_agent, "Accept": "application/json"},
        )

    def close(self) -> None:
        """Close the HTTP connections (at shutdown)."""
        self._http.close()
        self._tokens.close()

    def __enter__(self) -> ShopifyClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def answered_version(self) -> str | None:
        """The API version Shopify said it answered with, once known."""
        return self._answered_version

    def run(
        self,
        document: str,
        variables: Mapping[str, Any] | None = None,
        *,
        resend_if_lost: bool = True,
    ) -> dict[str, Any]:
        """Run the document named ``document`` and return its ``data``.

        ``resend_if_lost`` says whether a request whose answer got lost may be
        sent again as is: true for reads and for mutations with an idempotency
        key; false for the others, which then raise
        :class:`ShopifyOutcomeUnknownError` so the caller can look before retrying.
        """
        body = {"query": load_document(document), "variables": dict(variables or {})}
        failures = 0
        throttled = 0
        while True:
            self.throttle.before_call(document)
            try:
                response = self._http.post(self.config.graphql_path, json=body)
            except httpx.HTTPError as error:
                # A request that never got connected cannot have run anywhere.
                unsent = isinstance(error, httpx.ConnectError | httpx.ConnectTimeout)
                failures += 1
                self._after_lost(document, error, failures, resend_if_lost or unsent)
                continue

            self._note_version(response)
            outcome = self._interpret(document, response)
            if outcome is _THROTTLED:
                throttled += 1
                self._after_throttled(document, response, throttled)
                continue
            if outcome is _SERVER_FAILED:
                failures += 1
                self._after_server_failure(document, response, failures, resend_if_lost)
                continue
            assert isinstance(outcome, dict)
            return outcome

    def _interpret(self, document: str, response: httpx.Response) -> object:
        status = response.status_code
        if status == 429:
            return _THROTTLED
        if status in _RETRYABLE_STATUS:
            return _SERVER_FAILED
        if status in _STATUS_ERRORS:
            kind, message = _STATUS_ERRORS[status]
            logger.warning(
                "Shopify answered HTTP %s to %s (request id %s)",
                status,
                document,
                response.headers.get(_REQUEST_ID_HEADER),
            )
            raise kind(message)
        if 400 <= status < 500:
            # A malformed request stays malformed; retrying cannot help.
            message = f"Shopify refused {document} as malformed (HTTP {status})"
            raise ShopifyRequestError(message, [GraphQLProblem(response.text[:200])])
        if status >= 300:
            raise ShopifyUnavailableError(
                f"Shopify answered HTTP {status} to {document}"
            )

        payload = _json(response)
        extensions = payload.get("extensions")
        errors = payload.get("errors")
        if errors:
            problems = _problems(errors)
            codes = {p.code for p in problems}
            if "THROTTLED" in codes:
                return _THROTTLED
            self.throttle.record(document, extensions)
            _raise_request_error(document, problems, codes)
        self.throttle.record(document, extensions)
        data = payload.get("data")
        if not isinstance(data, dict):
            raise ShopifyUnavailableError(f"Shopify's answer to {document} had no data")
        return data

    def _after_lost(
        self, document: str, error: httpx.HTTPError, failures: int, resend: bool
    ) -> None:
        logger.warning(
            "No answer from Shopify to %s (attempt %d)",
            document,
            failures,
            exc_info=error,
        )
        if not resend:
            raise ShopifyOutcomeUnknownError(
                f"the connection broke while sending {document}; it may have run"
            ) from error
        if failures >= self.config.max_attempts:
            raise ShopifyUnavailableError(
                f"Shopify could not be reached ({type(error).__name__}); the work "
                "stays queued and is sent when the network is back"
            ) from error
        self.throttle.pause(_backoff(failures))

    def _after_server_failure(
        self, document: str, response: httpx.Response, failures: int, resend: bool
    ) -> None:
        logger.warning(
            "Shopify answered HTTP %s to %s (attempt %d, request id %s)",
            response.status_code,
            document,
            failures,
            response.headers.get(_REQUEST_ID_HEADER),
        )
        if not resend:
            raise ShopifyOutcomeUnknownError(
                f"Shopify failed with HTTP {response.status_code} on {document}; "
                "it may have run"
            )
        if failures >= self.config.max_attempts:
            raise ShopifyUnavailableError(
                f"Shopify kept failing (HTTP {response.status_code}); the work stays "
                "queued and is retried later"
            )
        self.throttle.pause(_retry_after(response) or _backoff(failures))

    def _after_throttled(
        self, document: str, response: httpx.Response, count: int
    ) -> None:
        if count > self.config.throttle_attempts:
            raise ShopifyThrottledError(
                "Shopify kept asking us to slow down; the work stays queued and is "
                "retried later"
            )
        extensions = None
        if response.headers.get("content-type", "").startswith("application/json"):
            extensions = _json(response).get("extensions")
        wait = _retry_after(response) or self.throttle.wait_after_throttled(
            document, extensions
        )
        logger.info("Shopify throttled %s; waiting %.2f s", document, wait)
        self.throttle.pause(wait)

    def _note_version(self, response: httpx.Response) -> None:
        version = response.headers.get(_VERSION_HEADER)
        if version and version != self._answered_version:
            self._answered_version = version
            if version != self.config.api_version:
                logger.warning(
                    "Asked Shopify for API %s but it answered with %s; the pinned "
                    "version may be retired, update the connector",
                    self.config.api_version,
                    version,
                )
            else:
                logger.info("Shopify answers with API version %s", version)


_THROTTLED = object()
_SERVER_FAILED = object()


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        payload = response.json()
    except ValueError as error:
        raise ShopifyUnavailableError(
            f"Shopify's answer was not JSON (HTTP {response.status_code})"
        ) from error
    if not isinstance(payload, dict):
        raise ShopifyUnavailableError("Shopify's answer had an unexpected shape")
    return payload


def _problems(errors: object) -> list[GraphQLProblem]:
    if isinstance(errors, str):
        return [GraphQLProblem(message=errors)]
    problems = []
    for entry in errors if isinstance(errors, list) else []:
        if not isinstance(entry, dict):
            continue
        extensions = entry.get("extensions") or {}
        path = entry.get("path") or ()
        problems.append(
            GraphQLProblem(
                message=str(entry.get("message", "")),
                code=extensions.get("code") if isinstance(extensions, dict) else None,
                field=tuple(str(p) for p in path),
            )
        )
    return problems


def _raise_request_error(
    document: str, problems: list[GraphQLProblem], codes: set[str | None]
) -> None:
    text = "; ".join(p.message for p in problems)
    if "MAX_COST_EXCEEDED" in codes:
        raise ShopifyQueryTooExpensiveError(
            f"{document} asks for too much at once: {text}"
        )
    if "ACCESS_DENIED" in codes:
        raise ShopifyForbiddenError(
            f"Shopify denied {document}: {text} Reinstall the app with that scope."
        )
    if "INTERNAL_SERVER_ERROR" in codes:
        raise ShopifyUnavailableError(
            f"Shopify failed internally on {document}: {text}"
        )
    raise ShopifyRequestError(f"Shopify rejected {document}: {text}", problems)


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def _backoff(failures: int) -> float:
    # Exponential with jitter; several stations must not retry in step.
    return float(min(30.0, 0.5 * 2 ** (failures - 1)) * (0.5 + random.random() / 2))


def open_client(
    config: ShopifyConfig,
    store: CredentialStore,
    *,
    transport: httpx.BaseTransport | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    wall_clock: Callable[[], float] = time.time,
) -> ShopifyClient:
    """The one client for ``config``'s shop, reading credentials from ``store``."""
    tokens = ShopifyTokens(config, store, transport=transport, clock=wall_clock)
    throttle = CostThrottle(clock=clock, sleep=sleep)
    return ShopifyClient(
        config, tokens, transport=transport, throttle=throttle, sleep=sleep
    )
