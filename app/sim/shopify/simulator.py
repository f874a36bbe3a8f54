"""The simulated Shopify Admin API: one implementation, two ways in.

``ShopifySimulator.transport()`` serves it in-process as an httpx transport;
``ShopifySimulator.serve()`` serves the same object over loopback HTTP. Every
GraphQL document is parsed and validated against Shopify's real 2026-04 schema
before anything runs, then charged against a leaky cost bucket.
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from graphql import OperationDefinitionNode, execute_sync, get_operation_ast

from app.sim.shopify.bucket import LeakyBucket
from app.sim.shopify.cost import query_cost
from app.sim.shopify.orders import LineRequest, place_order
from app.sim.shopify.resolvers import Resolvers
from app.sim.shopify.schema import admin_schema, check_document
from app.sim.shopify.state import ShopState, SimOrder

if TYPE_CHECKING:
    from app.sim.shopify.transport import LoopbackServer, SimTransport

logger = logging.getLogger(__name__)

SUPPORTED_VERSIONS = ("2026-01", "2026-04", "2026-07", "2026-10")
#: Shopify refuses any single query above this cost, whatever the bucket holds.
MAX_SINGLE_QUERY_COST = 1000
TOKEN_LIFETIME_SECONDS = 86399
#: The access scope each served root field needs (a write scope grants read).
REQUIRED_SCOPES = {
    "productVariants": "read_products",
    "locations": "read_locations",
    "inventoryItem": "read_inventory",
    "orders": "read_orders",
    "order": "read_orders",
    "inventoryAdjustQuantities": "write_inventory",
    "inventoryMoveQuantities": "write_inventory",
    "fulfillmentCreate": "write_merchant_managed_fulfillment_orders",
    "orderCreate": "write_orders",
}
_INVALID_TOKEN = (
    "[API] Invalid API key or access token (unrecognized login or wrong password)"
)


@dataclass
class Fault:
    """Something to go wrong on the next matching GraphQL request(s).

    ``kind``: ``"lose_response"`` runs the request, then the answer never
    arrives; ``"status"`` answers ``status`` without running it; ``"latency"``
    waits ``delay`` seconds, then runs it normally. ``operation`` limits the
    fault to requests whose root field (e.g. ``inventoryAdjustQuantities``) or
    operation name matches.
    """

    kind: str
    operation: str | None = None
    times: int = 1
    status: int = 503
    delay: float = 0.0
    retry_after: str | None = None


class LostResponse(Exception):  # noqa: N818 - a signal, not an error
    """The request ran but its answer must not reach the client."""


@dataclass(frozen=True)
class SimResponse:
    """An HTTP answer of the simulator."""

    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class SimSettings:
    """How the simulated shop behaves."""

    bucket_size: float = 1000.0
    restore_rate: float = 100.0
    #: HTTP status of a THROTTLED answer (Shopify's is uncertain: 200 or 429).
    throttle_status: int = 200
    #: Seconds before an order made through the API shows up in order search.
    search_lag_seconds: float = 0.0
    #: Whether free-text order search looks into order attributes (unverified
    #: for real Shopify; tests run both ways).
    search_finds_attributes: bool = True
    client_id: str = "sim-client-id"
    client_secret: str = "sim-client-secret"
    admin_tokens: tuple[str, ...] = ("shpat_sim_admin_token",)
    scope: str = (
        "read_products,write_inventory,read_locations,write_orders,"
        "write_merchant_managed_fulfillment_orders"
    )


class ShopifySimulator:
    """A small Shopify shop behind the Admin GraphQL API and the token endpoint."""

    def __init__(
        self,
        settings: SimSettings | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.settings = settings or SimSettings()
        self.state = ShopState()
        self.faults: deque[Fault] = deque()
        self._clock = clock
        self._sleep = sleep
        self._epoch = datetime(2026, 12, 3, 12, 0, tzinfo=UTC) - timedelta(
            seconds=clock()
        )
        self.bucket = LeakyBucket(
            self.settings.bucket_size, self.settings.restore_rate, clock
        )
        self._tokens: dict[str, float] = {}
        self._idempotency: dict[str, tuple[str, Any]] = {}
        self._lock = threading.RLock()
        #: Root fields added by simulator modules beside this one (add_mutation).
        self._extra_mutations: dict[str, Callable[..., Any]] = {}
        self._resolvers = Resolvers(
            self.state,
            self.now,
            self._idempotency,
            self.settings.search_lag_seconds,
            self.settings.search_finds_attributes,
        )
        admin_schema()
        # Served from a module of its own through add_mutation (imported here,
        # not at the top, because that module imports this one).
        from app.sim.shopify.moves import install_move_quantities

        self.moves = install_move_quantities(self)

    # --- set-up helpers for tests and demos ------------------------------------

    def now(self) -> datetime:
        """The simulator's idea of the time (follows its clock)."""
        return self._epoch + timedelta(seconds=self._clock())

    def add_channel_order(
        self,
        variant_id: str | None,
        *,
        quantity: int = 1,
        title: str | None = None,
        tags: list[str] | None = None,
        attributes: list[tuple[str, str]] | None = None,
        note: str | None = None,
        total_price: str = "0.00",
        location_id: str | None = None,
    ) -> SimOrder:
        """An order some other app (e.g. TikTok's channel) put in the shop.

        Its stock is committed as Shopify does for any order; this is not
        counted as an effect of the client under test. ``variant_id=None``
        makes a custom line with only a ``title``, as a LIVE giveaway item may
        arrive from a connector that could not match it.
        """
        with self._lock:
            return place_order(
                self.state,
                [LineRequest(quantity, variant_id, title=title, price=total_price)],
                created_at=self.now().isoformat(),
                tags=tags,
                note=note,
                attributes=attributes,
                source_name="tiktok",
                location_id=location_id,
            )

    def add_mutation(self, name: str, resolver: Callable[..., Any]) -> None:
        """Serve one more mutation root field; ``resolver(info, **arguments)``."""
        with self._lock:
            self._extra_mutations[name] = resolver

    def run_idempotent(
        self, info: Any, arguments: dict[str, Any], run: Callable[[], Any]
    ) -> Any:
        """Run an added mutation under the shop's ``@idempotent`` key record."""
        return self._resolvers._idempotent(info, arguments, run)

    def expire_tokens(self) -> None:
        """Invalidate every token issued so far (as after a revocation)."""
        with self._lock:
            self._tokens.clear()

    # --- the HTTP surface -------------------------------------------------------

    def handle(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> SimResponse:
        """Answer one HTTP request; raises :class:`LostResponse` for that fault."""
        headers = {k.lower(): v for k, v in headers.items()}
        if method == "POST" and path.rstrip("/") == "/admin/oauth/access_token":
            return self._token(headers, body)
        parts = path.strip("/").split("/")
        if (
            method != "POST"
            or len(parts) != 4
            or parts[:2] != ["admin", "api"]
            or parts[3] != "graphql.json"
        ):
            return _json(404, {"errors": "Not Found"})
        version = parts[2] if parts[2] in SUPPORTED_VERSIONS else SUPPORTED_VERSIONS[0]
        if not self._authorised(headers.get("x-shopify-access-token")):
            return _json(401, {"errors": _INVALID_TOKEN}, version)
        try:
            request = json.loads(body or b"{}")
        except ValueError:
            return _json(400, {"errors": "Bad Request: the body is not JSON"}, version)
        return self._graphql(request, version)

    def transport(self) -> SimTransport:
        """This simulator as an in-process httpx transport."""
        from app.sim.shopify.transport import SimTransport

        return SimTransport(self)

    def serve(self) -> LoopbackServer:
        """Start serving over loopback HTTP; returns the started server."""
        from app.sim.shopify.transport import LoopbackServer

        server = LoopbackServer(self)
        server.start()
        return server

    # --- internals --------------------------------------------------------------

    def _token(self, headers: dict[str, str], body: bytes) -> SimResponse:
        if headers.get("content-type", "").startswith("application/json"):
            form = {k: str(v) for k, v in json.loads(body or b"{}").items()}
        else:
            form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
        valid = (
            form.get("grant_type") == "client_credentials"
            and form.get("client_id") == self.settings.client_id
            and form.get("client_secret") == self.settings.client_secret
        )
        if not valid:
            return _json(
                400,
                {
                    "error": "invalid_client",
                    "error_description": "Client authentication failed.",
                },
            )
        token = "shpca_" + secrets.token_hex(16)
        with self._lock:
            self._tokens[token] = self._clock() + TOKEN_LIFETIME_SECONDS
        return _json(
            200,
            {
                "access_token": token,
                "scope": self.settings.scope,
                "expires_in": TOKEN_LIFETIME_SECONDS,
            },
        )

    def _authorised(self, token: str | None) -> bool:
        if not token:
            return False
        if token in self.settings.admin_tokens:
            return True
        with self._lock:
            expires = self._tokens.get(token)
        return expires is not None and expires > self._clock()

    def _graphql(self, request: dict[str, Any], version: str) -> SimResponse:
        document, errors = check_document(str(request.get("query") or ""))
        if document is None:
            return _json(200, {"errors": errors}, version)
        variables = request.get("variables") or {}
        operation = get_operation_ast(document, request.get("operationName"))
        if operation is None:
            return _json(
                200, {"errors": [{"message": "No operation to run."}]}, version
            )

        fault = self._take_fault(operation)
        if fault is not None and fault.kind == "latency":
            self._sleep(fault.delay)
        elif fault is not None and fault.kind == "status":
            extra = {"Retry-After": fault.retry_after} if fault.retry_after else {}
            return _json(
                fault.status,
                {"errors": f"simulated HTTP {fault.status}"},
                version,
                extra,
            )

        with self._lock:
            self.state.counters.requests[_root_name(operation)] += 1
            cost = query_cost(admin_schema(), document, operation, variables)
            if cost > min(MAX_SINGLE_QUERY_COST, self.bucket.maximum):
                return _json(200, _max_cost(cost, self.bucket.maximum), version)
            if not self.bucket.try_take(cost):
                self.state.counters.throttled += 1
                body = {
                    "errors": [
                        {
                            "message": "Throttled",
                            "extensions": {
                                "code": "THROTTLED",
                                "documentation": "https://shopify.dev/api/usage/rate-limits",
                            },
                        }
                    ],
                    "extensions": {"cost": self._cost(cost, None)},
                }
                return _json(self.settings.throttle_status, body, version)
            self.state.counters.points_charged += cost
            denied = self._denied(operation)
            if denied is not None:
                return _json(
                    200,
                    {**denied, "extensions": {"cost": self._cost(cost, cost)}},
                    version,
                )
            result = self._execute(document, operation, variables)
            result["extensions"] = {"cost": self._cost(cost, cost)}

        if fault is not None and fault.kind == "lose_response":
            logger.debug("Simulated lost response for %s", _root_name(operation))
            raise LostResponse(_root_name(operation))
        return _json(200, result, version)

    def _execute(
        self,
        document: Any,
        operation: OperationDefinitionNode,
        variables: dict[str, Any],
    ) -> dict[str, Any]:
        is_mutation = operation.operation.value == "mutation"
        root = (
            {**self._resolvers.mutation_root(), **self._extra_mutations}
            if is_mutation
            else self._resolvers.query_root()
        )
        outcome = execute_sync(
            admin_schema(),
            document,
            root_value=root,
            variable_values=variables,
            operation_name=operation.name.value if operation.name else None,
        )
        result: dict[str, Any] = {"data": outcome.data}
        if outcome.errors:
            result["errors"] = [dict(e.formatted) for e in outcome.errors]
        return result

    def _denied(self, operation: OperationDefinitionNode) -> dict[str, Any] | None:
        # Shopify answers a missing scope with ACCESS_DENIED and a null field.
        granted = {s.strip() for s in self.settings.scope.split(",")}
        granted |= {
            "read_" + s.removeprefix("write_")
            for s in granted
            if s.startswith("write_")
        }
        for selection in operation.selection_set.selections:
            name = getattr(getattr(selection, "name", None), "value", "")
            needed = REQUIRED_SCOPES.get(name)
            if needed is None or needed in granted:
                continue
            return {
                "data": {name: None},
                "errors": [
                    {
                        "message": f"Access denied for {name} field. Required access: "
                        f"`{needed}` access scope.",
                        "path": [name],
                        "extensions": {
                            "code": "ACCESS_DENIED",
                            "documentation": "https://shopify.dev/api/usage/access-scopes",
                            "requiredAccess": f"`{needed}` access scope.",
                        },
                    }
                ],
            }
        return None

    def _cost(self, requested: int, actual: int | None) -> dict[str, Any]:
        return {
            "requestedQueryCost": requested,
            "actualQueryCost": actual,
            "throttleStatus": {
                "maximumAvailable": self.bucket.maximum,
                "currentlyAvailable": int(self.bucket.available()),
                "restoreRate": self.bucket.restore_rate,
            },
        }

    def _take_fault(self, operation: OperationDefinitionNode) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                names = {
                    _root_name(operation),
                    operation.name.value if operation.name else "",
                }
                if fault.operation is None or fault.operation in names:
                    fault.times -= 1
                    if fault.times <= 0:
                        self.faults.remove(fault)
                    return fault
        return None


def _root_name(operation: OperationDefinitionNode) -> str:
    first = operation.selection_set.selections[0]
    return getattr(getattr(first, "name", None), "value", "") or ""


def _max_cost(cost: int, bucket: float) -> dict[str, Any]:
    limit = int(min(MAX_SINGLE_QUERY_COST, bucket))
    return {
        "errors": [
            {
                "message": f"Query cost is {cost}, which exceeds the single query "
                f"max cost limit ({limit}).",
                "extensions": {
                    "code": "MAX_COST_EXCEEDED",
                    "cost": cost,
                    "maxCost": limit,
                },
            }
        ]
    }


def _json(
    status: int,
    payload: Any,
    version: str | None = None,
    extra: dict[str, str] | None = None,
) -> SimResponse:
    headers = {"Content-Type": "application/json", "X-Request-Id": secrets.token_hex(8)}
    if version:
        headers["X-Shopify-API-Version"] = version
    headers.update(extra or {})
    return SimResponse(status, json.dumps(payload).encode(), headers)
