"""Exceptions the Shopify connector raises, each with a message a supervisor can act on.

The UI and services map these types to what they show; nobody above this package
needs to know about httpx or HTTP status codes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class ShopifyError(Exception):
    """Any failure talking to Shopify."""


class ShopifyCredentialsMissingError(ShopifyError):
    """No token and no client id/secret are configured."""


class ShopifyAuthError(ShopifyError):
    """Shopify refused the credentials (HTTP 401), also after a fresh token."""


class ShopifyPaymentRequiredError(ShopifyError):
    """The shop is frozen for an unpaid bill (HTTP 402)."""


class ShopifyForbiddenError(ShopifyError):
    """The app lacks a scope or the merchant's approval (HTTP 403 or ACCESS_DENIED)."""


class ShopifyNotFoundError(ShopifyError):
    """Wrong shop address or API path (HTTP 404)."""


class ShopifyLockedError(ShopifyError):
    """Shopify locked the shop (HTTP 423)."""


class ShopifyUnavailableError(ShopifyError):
    """Shopify could not be reached or kept failing (network, HTTP 5xx)."""


class ShopifyOutcomeUnknownError(ShopifyUnavailableError):
    """A request was sent but no answer came back: it may or may not have run."""


class ShopifyThrottledError(ShopifyError):
    """Shopify kept throttling after every wait the client was willing to make."""


class ShopifyQueryTooExpensiveError(ShopifyError):
    """One query costs more than Shopify allows (MAX_COST_EXCEEDED); ask for less."""


@dataclass(frozen=True)
class GraphQLProblem:
    """One entry of a top-level ``errors`` array or of a payload's ``userErrors``."""

    message: str
    code: str | None = None
    field: tuple[str, ...] = ()


class ShopifyRequestError(ShopifyError):
    """Shopify rejected the request as a whole (top-level ``errors``)."""

    def __init__(self, message: str, problems: Sequence[GraphQLProblem]) -> None:
        super().__init__(message)
        self.problems = tuple(problems)

    @property
    def codes(self) -> tuple[str, ...]:
        """The ``extensions.code`` of each problem that has one."""
        return tuple(p.code for p in self.problems if p.code)


class ShopifyUserError(ShopifyError):
    """A mutation ran but Shopify refused it for a business reason (``userErrors``)."""

    def __init__(self, operation: str, problems: Sequence[GraphQLProblem]) -> None:
        text = "; ".join(p.message for p in problems) or "no detail given"
        super().__init__(f"Shopify refused {operation}: {text}")
        self.operation = operation
        self.problems = tuple(problems)

    @property
    def codes(self) -> tuple[str, ...]:
        """The error codes Shopify gave, where it gave any."""
        return tuple(p.code for p in self.problems if p.code)


class DuplicateSkuError(ShopifyError):
    """More than one Shopify variant carries the same SKU or barcode."""

    def __init__(self, kind: str, value: str, variant_ids: Sequence[str]) -> None:
        super().__init__(
            f"{len(variant_ids)} Shopify variants share the {kind} {value!r}; "
            f"give each variant its own {kind} in Shopify before using it here"
        )
        self.kind = kind
        self.value = value
        self.variant_ids = tuple(variant_ids)
