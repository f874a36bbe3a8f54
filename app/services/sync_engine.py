"""The sync engine: drains the outbox to TikTok Shop and Shopify, and pulls orders.

Threading contract: every public method blocks and may be called from a worker
thread (never the GUI thread). ``drain_once`` and ``pull_once`` each hold their
own lock, so two workers never drain at once in one process; between stations
sharing one database the claim on each entry (a compare-and-set update) keeps
an effect from being sent twice. Each database write is one short transaction
of its own; no transaction is open while a remote call is waiting.

For each entry the engine commits "in flight, attempt n" *before* the remote
call, so a crash in the middle of a call leaves a visible trace. An entry found
in flight after a restart is resumed by reading the remote state first: TikTok
is asked whether the parcel already left (and with which tracking number);
Shopify is given back the stock attempt stored before the crash, which it
answers from its idempotency record. Nothing is ever blindly repeated.

Known shortcomings:

* On Windows the engine cannot tell that another process on the same
  computer died (probing a process there needs the Win32 API, which is not
  wired in), so an entry a crashed worker held in flight waits until its
  claim's lease runs out (``SyncSettings.lease_s``, 10 minutes) before it is
  read back and finished. On macOS and Linux it is taken over at once.
* One engine sends one effect at a time. A long queue drains at the pace of
  the slower rate limit: each Shopify effect costs about 100 cost points,
  mostly for the two order searches that look for Shopify's copy of the order
  (``benchmarks/outbox_drain.py`` prints the figures).
"""

from __future__ import annotations

import json
import logging
import os
import random
import sys
import threading
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import col, select

from app.domain.carriers import channel_carrier_names
from app.domain.tiktok_orders import REMOTELY_SHIPPED_STATUSES
from app.net.shopify import (
    ShipmentItem,
    ShopifyClient,
    ShopifyShipment,
    StockAttempt,
    TrackingInfo,
    refresh_catalog,
    ship_in_shopify,
)
from app.net.shopify import errors as shopify_errors
from app.net.shopify.models import ShopifyVariant
from app.net.tiktok import TikTokShopClient, pull_orders
from app.net.tiktok import errors as tiktok_errors
from app.services import audit, campaign_effects, outbox
from app.services.bench import Bench
from app.services.dto import CatalogItem, ImportReport
from app.services.outbox import OutboxView
from app.storage.db import session_scope
from app.storage.models import CatalogVariant

logger = logging.getLogger(__name__)

#: The ``sync_state`` key of the TikTok order cursor (shared with ``sync --once``).
TIKTOK_CURSOR_KEY: Final = "tiktok.orders.update_cursor"
#: When the Shopify catalog was last read (ISO time), in ``sync_state``.
CATALOG_REFRESHED_KEY: Final = "shopify.catalog.refreshed_at"
#: The last time a remote service answered (ISO time), in ``sync_state``.
LAST_CONTACT_KEY: Final = "sync.last_contact"
PULL_SOURCE: Final = "TikTok Shop API"

TIKTOK_SHIP = "tiktok.ship_package"
SHOPIFY_FULFIL = "shopify.fulfil_or_adjust"

TikTokSource = TikTokShopClient | Callable[[], TikTokShopClient] | None
ShopifySource = ShopifyClient | Callable[[], ShopifyClient] | None
Clock = Callable[[], datetime]
Sleep = Callable[[float], None]

_NO_LOCATION = (
    "No Shopify location is chosen; choose the warehouse in Settings > Shopify."
)

# Engines alive in this process: an in-flight claim made by this process under
# a token not listed here belongs to an engine that is gone (a restart).
_LIVE_TOKENS: set[str] = set()
_LIVE_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class SyncSettings:
    """How patient the engine is, and how often it looks for new work."""

    #: An in-flight claim older than this is taken over (its worker is presumed
    #: dead); claims of dead processes on this computer are taken over at once.
    lease_s: float = 600.0
    #: The first retry waits about this long, doubling per attempt, up to the cap.
    backoff_base_s: float = 10.0
    backoff_cap_s: float = 900.0
    #: Wait after a problem with the connection itself (credentials, scopes).
    setup_backoff_s: float = 300.0
    #: How often ``run_forever`` pulls TikTok orders and reads the catalog.
    pull_interval_s: float = 120.0
    catalog_interval_s: float = 3600.0
    #: Longest and shortest pause of ``run_forever`` between rounds.
    idle_poll_s: float = 15.0
    min_poll_s: float = 1.0
    #: Make a $0 Shopify order when Shopify has no copy (instead of adjusting).
    create_shopify_order_when_missing: bool = False
    #: Shopify location to take stock from (default: the client's config).
    shopify_location_id: str | None = None


@dataclass(slots=True)
class DrainReport:
    """What one pass over the outbox did."""

    done: int = 0
    retry_later: int = 0
    failed: int = 0
    #: Due entries left for the next pass because their service is unreachable.
    deferred: int = 0
    synced_shipments: int = 0
    offline: bool = False
    errors: list[str] = field(default_factory=list)

    @property
    def worked(self) -> int:
        """How many entries were tried."""
        return self.done + self.retry_later + self.failed

    def summary(self) -> str:
        """One sentence for a status bar or a terminal."""
        text = (
            f"{self.done} sent, {self.retry_later} to retry, {self.failed} failed, "
            f"{self.synced_shipments} shipments synced"
        )
        if self.deferred:
            text += f", {self.deferred} waiting for the network"
        return text


@dataclass(slots=True)
class PullReport:
    """What one pull did: TikTok orders and, when due, the Shopify catalog."""

    orders: ImportReport | None = None
    pages: int = 0
    catalog_variants: int | None = None
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One sentence for a status bar or a terminal."""
        parts = []
        if self.orders is not None:
            parts.append(f"TikTok: {self.pages} page(s), {self.orders.summary()}")
        if self.catalog_variants is not None:
            parts.append(f"Shopify catalog: {self.catalog_variants} variants")
        parts.extend(self.errors)
        return "; ".join(parts) or "nothing to pull"


@dataclass(frozen=True, slots=True)
class SyncStatus:
    """The sync at a glance, for the status bar."""

    #: ``None`` until a remote service was tried; False while unreachable.
    online: bool | None
    pending: int
    in_flight: int
    failed: int
    last_contact: datetime | None
    last_error: str
    #: When ``last_error`` happened (``None`` if nothing failed since start).
    last_error_at: datetime | None = None

    @property
    def waiting(self) -> int:
        """Effects not yet confirmed and not stopped (what "N pending" shows)."""
        return self.pending + self.in_flight


@dataclass(slots=True)
class _Pass:
    """The state of one drain pass."""

    stale: datetime
    abandoned: frozenset[int]
    budget: int | None
    seen: set[int] = field(default_factory=set)
    offline: set[str] = field(default_factory=set)
    report: DrainReport = field(default_factory=DrainReport)

    def has_budget(self) -> bool:
        """True while ``max_entries`` allows another entry."""
        return self.budget is None or len(self.seen) < self.budget


class _Retry(Exception):  # noqa: N818 - an outcome, not a bug
    """Try the entry again later."""

    def __init__(
        self, reason: str, *, offline: bool = False, retry_after: float | None = None
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.offline = offline
        self.retry_after = retry_after


class _Setup(_Retry):
    """The connection itself needs a person (credentials, scopes); retry slowly."""


class _Fail(Exception):  # noqa: N818 - an outcome, not a bug
    """This shipment's effect needs a person; stop it and say why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class SyncEngine:
    """Drains the outbox and pulls orders for one bench (see the module docstring).

    ``tiktok`` and ``shopify`` are a client, a factory making one on first use
    (so a missing credential is reported, not raised at start), or ``None`` for
    a service this station does not use; its effects then wait.
    """

    def __init__(
        self,
        bench: Bench,
        *,
        tiktok: TikTokSource = None,
        shopify: ShopifySource = None,
        clock: Clock | None = None,
        sleep: Sleep | None = None,
        rng: random.Random | None = None,
        settings: SyncSettings | None = None,
    ) -> None:
        self.bench = bench
        self.settings = settings or SyncSettings()
        self._tiktok_source = tiktok
        self._shopify_source = shopify
        self._tiktok: TikTokShopClient | None = None
        self._shopify: ShopifyClient | None = None
        self._clock = clock or _utc_now
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._actor = audit.Actor(user="sync", station=bench.identity.station)
        self._token = uuid.uuid4().hex[:12]
        self._owner = f"{bench.identity.station}|{os.getpid()}|{self._token}"
        self._drain_lock = threading.Lock()
        self._pull_lock = threading.Lock()
        self._status_lock = threading.Lock()
        self._client_lock = threading.Lock()
        self._online: bool | None = None
        self._last_contact: datetime | None = None
        self._kept_contact: datetime | None = None
        self._last_error = ""
        self._last_error_at: datetime | None = None
        self._last_pull: datetime | None = None
        with _LIVE_LOCK:
            _LIVE_TOKENS.add(self._token)

    def close(self) -> None:
        """Forget this engine; clients it made itself are closed."""
        with _LIVE_LOCK:
            _LIVE_TOKENS.discard(self._token)
        if self._tiktok is not None and self._tiktok is not self._tiktok_source:
            self._tiktok.close()
        if self._shopify is not None and self._shopify is not self._shopify_source:
            self._shopify.close()

    def __enter__(self) -> SyncEngine:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- the outbox -----------------------------------------------------------

    def drain_once(self, max_entries: int | None = None) -> DrainReport:
        """Work every due entry once (or ``max_entries`` of them), in order.

        A shipment is finished before the next one starts where it can be: once
        an entry is done, the next entry of the same shipment goes right after.
        """
        with self._drain_lock:
            now = self._clock()
            work = _Pass(
                stale=outbox.stale_before(now, self.settings.lease_s),
                abandoned=self._abandoned_claims(),
                budget=max_entries,
            )
            # Finishing an entry can make later ones due, so look again until
            # a round brings nothing new.
            while work.has_budget():
                due = outbox.due_entries(
                    self.bench.engine, now, work.stale, None, abandoned=work.abandoned
                )
                fresh = [(i, action) for i, action in due if i not in work.seen]
                if not fresh:
                    break
                for entry_id, action in fresh:
                    if not work.has_budget():
                        break
                    if entry_id not in work.seen:
                        self._work_chain(entry_id, action, work)
            self._drain_campaign_effects(work)
            work.report.offline = bool(work.offline)
            self._keep_last_contact()
            if work.report.worked or work.report.deferred:
                logger.info("Outbox drained: %s", work.report.summary())
            return work.report

    def _drain_campaign_effects(self, work: _Pass) -> None:
        """Send the campaigns' stock moves (their own outbox, same rules)."""
        if self._shopify_source is None or "shopify" in work.offline:
            return
        try:
            client = self._shopify_client()
        except _Retry:
            return
        done = campaign_effects.drain_once(
            self.bench.engine, client, clock=self._clock, rng=self._rng
        )
        work.report.done += done.done
        work.report.retry_later += done.retry_later
        work.report.failed += done.failed
        work.report.errors.extend(done.errors)

    def _work_chain(self, entry_id: int, action: str, work: _Pass) -> None:
        """Work one entry and, while they succeed, the next ones of its shipment."""
        current: tuple[int, str] | None = (entry_id, action)
        while current is not None and work.has_budget():
            entry_id, action = current
            work.seen.add(entry_id)
            if _service(action) in work.offline:
                # Its service just proved unreachable: leave the entry for the
                # next pass instead of waiting for another timeout.
                work.report.deferred += 1
                return
            shipment_id = self._work_one(entry_id, work)
            if shipment_id is None:
                return
            now = self._clock()
            following = outbox.due_entries(
                self.bench.engine,
                now,
                work.stale,
                1,
                shipment_id=shipment_id,
                abandoned=work.abandoned,
            )
            current = following[0] if following else None

    def _work_one(self, entry_id: int, work: _Pass) -> int | None:
        """Claim and run one entry; the shipment id if it is now done."""
        engine = self.bench.engine
        now = self._clock()
        stale = outbox.stale_before(now, self.settings.lease_s)
        claimed = outbox.claim(
            engine, entry_id, self._owner, now, stale, abandoned=work.abandoned
        )
        if claimed is None:
            return None
        if self._run_claimed(claimed, work.offline, work.report):
            return claimed.shipment_id
        return None

    def _run_claimed(
        self, claimed: outbox.Claimed, offline: set[str], report: DrainReport
    ) -> bool:
        engine = self.bench.engine
        try:
            shopify_order = self._perform(claimed)
        except _Fail as fail:
            outbox.mark_failed(
                engine, self._actor, claimed.entry_id, self._clock(), fail.reason
            )
            self._note_error(f"Order {claimed.order_id}: {fail.reason}")
            report.failed += 1
            report.errors.append(f"Order {claimed.order_id}: {fail.reason}")
            return False
        except _Retry as retry:
            self._schedule_retry(claimed, retry)
            if retry.offline:
                offline.add(_service(claimed.action))
            report.retry_later += 1
            return False
        synced = outbox.mark_done(
            engine,
            self._actor,
            claimed.entry_id,
            self._clock(),
            shopify_order_id=shopify_order,
        )
        report.done += 1
        report.synced_shipments += int(synced)
        return True

    def _schedule_retry(self, claimed: outbox.Claimed, retry: _Retry) -> None:
        now = self._clock()
        if isinstance(retry, _Setup):
            delay = self.settings.setup_backoff_s
        else:
            delay = self._backoff(claimed.attempts, retry.retry_after)
        due = now + timedelta(seconds=delay)
        outbox.mark_retry(self.bench.engine, claimed.entry_id, now, due, retry.reason)
        self._note_error(retry.reason, offline=retry.offline)
        logger.warning(
            "Order %s, %s: %s; trying again in %.0f s",
            claimed.order_id,
            claimed.action,
            retry.reason,
            delay,
        )

    def _backoff(self, attempts: int, retry_after: float | None) -> float:
        """Exponential backoff with jitter; never sooner than ``Retry-After``."""
        exponent = min(max(attempts - 1, 0), 20)
        ceiling = min(
            self.settings.backoff_cap_s, self.settings.backoff_base_s * 2**exponent
        )
        # Jitter keeps the stations of one warehouse from retrying in step.
        delay = float(ceiling * self._rng.uniform(0.5, 1.0))
        if retry_after is not None:
            delay = max(delay, retry_after * self._rng.uniform(1.0, 1.2))
        return delay

    def _abandoned_claims(self) -> frozenset[int]:
        """In-flight entries whose worker is known to be gone (this computer only)."""
        station = self.bench.identity.station
        with _LIVE_LOCK:
            live = set(_LIVE_TOKENS)
        gone = set()
        for entry_id, owner in outbox.in_flight_claims(self.bench.engine):
            owner_station, _, rest = owner.partition("|")
            pid_text, _, token = rest.partition("|")
            if owner_station != station or not pid_text.isdigit():
                continue
            pid = int(pid_text)
            if pid == os.getpid():
                if token not in live:
                    gone.add(entry_id)
            elif not _process_alive(pid):
                gone.add(entry_id)
        return frozenset(gone)

    # --- one effect -----------------------------------------------------------

    def _perform(self, claimed: outbox.Claimed) -> str | None:
        """Do one entry's effect; returns the Shopify order id where one was used."""
        payload = json.loads(claimed.payload_json)
        try:
            if claimed.action == TIKTOK_SHIP:
                self._ship_in_tiktok(claimed, payload)
                return None
            if claimed.action == SHOPIFY_FULFIL:
                return self._ship_in_shopify(claimed, payload)
        except (_Retry, _Fail):
            raise
        except tiktok_errors.TikTokError as error:
            raise _tiktok_outcome(error) from error
        except shopify_errors.ShopifyError as error:
            raise _shopify_outcome(error) from error
        except Exception as error:
            # A bug, or an answer nobody foresaw: keep the entry and the loop.
            logger.exception("Unexpected failure on outbox entry %d", claimed.entry_id)
            raise _Retry(
                f"unexpected error ({type(error).__name__}: {error})"
            ) from error
        raise _Fail(
            f"this version of the app does not know the effect {claimed.action!r}"
        )

    # --- TikTok ---------------------------------------------------------------

    def _ship_in_tiktok(self, claimed: outbox.Claimed, payload: dict[str, Any]) -> None:
        client = self._tiktok_client()
        order_id = str(payload["order_id"])
        ours = str(payload["tracking_number"])
        # Read first, always: the answer to an earlier send may have been lost,
        # someone may have shipped it in TikTok, or the buyer may have cancelled.
        orders = client.order_details([order_id])
        self._contact()
        if not orders:
            raise _Fail(
                f"TikTok Shop does not know order {order_id} "
                "(or it belongs to another shop)."
            )
        order = orders[0]
        if _check_tiktok_order(order, ours):
            logger.info(
                "Order %s already shows our tracking number in TikTok", order_id
            )
            return

        package_id = str(((order.get("packages") or [{}])[0]).get("id") or "")
        names = channel_carrier_names(str(payload.get("carrier") or "") or None)
        option = str(order.get("delivery_option_id") or "")
        provider = client.provider_id_for(option, names.tiktok)
        client.ship(
            order_id,
            package_id,
            ours,
            provider,
            list(payload.get("line_item_ids") or ()),
        )
        self._contact()

    def _tiktok_client(self) -> TikTokShopClient:
        # A drain and a pull on two worker threads must not make two clients.
        with self._client_lock:
            return self._make_tiktok_client()

    def _make_tiktok_client(self) -> TikTokShopClient:
        if self._tiktok is None:
            source = self._tiktok_source
            if source is None:
                raise _Setup(
                    "TikTok Shop is not connected on this station; "
                    "connect it in Settings."
                )
            self._tiktok = source if isinstance(source, TikTokShopClient) else source()
        return self._tiktok

    # --- Shopify --------------------------------------------------------------

    def _ship_in_shopify(
        self, claimed: outbox.Claimed, payload: dict[str, Any]
    ) -> str | None:
        client = self._shopify_client()
        location = self.settings.shopify_location_id or client.config.location_id
        if not location:
            raise _Setup(_NO_LOCATION)
        items = self._shipment_items(client, location, payload)
        names = channel_carrier_names(str(payload.get("carrier") or "") or None)
        shipment = ShopifyShipment(
            tiktok_order_id=str(payload["order_id"]),
            kind=str(payload.get("kind") or ""),
            items=items,
            location_id=location,
            tracking=TrackingInfo(
                company=names.shopify, number=str(payload["tracking_number"])
            ),
            idempotency_key=claimed.idempotency_key,
            create_order_when_missing=self.settings.create_shopify_order_when_missing,
        )

        def record(attempt: StockAttempt) -> None:
            outbox.store_attempt(
                self.bench.engine, claimed.entry_id, _attempt_json(attempt)
            )

        outcome = ship_in_shopify(
            client,
            shipment,
            resume=_attempt_from(claimed.attempt_json),
            record_attempt=record,
        )
        self._contact()
        logger.info("Order %s done in Shopify (%s)", claimed.order_id, outcome.path)
        return outcome.order_id

    def _shipment_items(
        self, client: ShopifyClient, location: str, payload: dict[str, Any]
    ) -> tuple[ShipmentItem, ...]:
        skus = [str(sku) for sku in payload.get("skus") or [] if sku]
        if not skus:
            raise _Fail("The shipment has no matched SKU to take from Shopify's stock.")
        ids = outbox.shopify_ids(self.bench.engine, skus)
        if any(not _linked(ids.get(sku.casefold())) for sku in skus):
            # The local catalog may predate the Shopify link; read it once.
            self._refresh_catalog(client, location)
            ids = outbox.shopify_ids(self.bench.engine, skus)
        missing = sorted({sku for sku in skus if not _linked(ids.get(sku.casefold()))})
        if missing:
            raise _Fail(
                f"Shopify has no variant with SKU {', '.join(missing)}. Give the "
                "variant that SKU in Shopify (or fix the match here), then send it "
                "again."
            )
        counted = Counter(sku.casefold() for sku in skus)
        return tuple(
            ShipmentItem(
                variant_id=ids[sku].variant_id or "",
                inventory_item_id=ids[sku].inventory_item_id or "",
                quantity=quantity,
            )
            for sku, quantity in counted.items()
        )

    def _shopify_client(self) -> ShopifyClient:
        with self._client_lock:
            return self._make_shopify_client()

    def _make_shopify_client(self) -> ShopifyClient:
        if self._shopify is None:
            source = self._shopify_source
            if source is None:
                raise _Setup(
                    "Shopify is not connected on this station; connect it in Settings."
                )
            self._shopify = source if isinstance(source, ShopifyClient) else source()
        return self._shopify

    def _refresh_catalog(self, client: ShopifyClient, location: str) -> int:
        """Read Shopify's variants into the local catalog; returns how many."""
        seen = [0]

        def save(page: Any) -> None:
            seen[0] += len(page)
            _link_variants(self.bench, list(page))

        refresh_catalog(client, location, save)
        self._contact()
        self.bench.set_state(CATALOG_REFRESHED_KEY, self._clock().isoformat())
        return seen[0]

    # --- pulling --------------------------------------------------------------

    def pull_once(self, *, catalog: bool | None = None) -> PullReport:
        """Pull TikTok orders updated since the last pull; read the catalog when due.

        ``catalog`` forces (True) or skips (False) the Shopify catalog read;
        by default it runs when ``catalog_interval_s`` has passed.
        """
        with self._pull_lock:
            report = PullReport()
            self._pull_tiktok(report)
            if catalog or (catalog is None and self._catalog_due()):
                self._pull_catalog(report)
            self._last_pull = self._clock()
            self._keep_last_contact()
            return report

    def _pull_tiktok(self, report: PullReport) -> None:
        if self._tiktok_source is None:
            return
        report.orders = ImportReport()
        try:
            client = self._tiktok_client()
            cursor = self.bench.get_state(TIKTOK_CURSOR_KEY)
            for page in pull_orders(client, cursor):
                _add(report.orders, self.bench.import_orders(page.orders, PULL_SOURCE))
                # Stored only once the page is imported: a pull that breaks off
                # resumes from here instead of starting over.
                self.bench.set_state(TIKTOK_CURSOR_KEY, page.cursor)
                report.pages += 1
            self._contact()
        except (tiktok_errors.TikTokError, _Retry) as error:
            outcome = error if isinstance(error, _Retry) else _tiktok_outcome(error)
            reason = (
                outcome.reason if isinstance(outcome, (_Retry, _Fail)) else str(error)
            )
            offline = isinstance(outcome, _Retry) and outcome.offline
            self._note_error(f"TikTok pull: {reason}", offline=offline)
            report.errors.append(f"TikTok pull failed: {reason}")

    def _pull_catalog(self, report: PullReport) -> None:
        if self._shopify_source is None:
            return
        try:
            client = self._shopify_client()
            location = self.settings.shopify_location_id or client.config.location_id
            if not location:
                raise _Setup(_NO_LOCATION)
            report.catalog_variants = self._refresh_catalog(client, location)
        except (shopify_errors.ShopifyError, _Retry) as error:
            outcome = error if isinstance(error, _Retry) else _shopify_outcome(error)
            offline = isinstance(outcome, _Retry) and outcome.offline
            self._note_error(f"Shopify catalog: {outcome.reason}", offline=offline)
            report.errors.append(f"Shopify catalog failed: {outcome.reason}")

    def _catalog_due(self) -> bool:
        stamp = self.bench.get_state(CATALOG_REFRESHED_KEY)
        if not stamp:
            return True
        try:
            last = datetime.fromisoformat(stamp)
        except ValueError:
            return True
        return (
            self._clock() - last
        ).total_seconds() >= self.settings.catalog_interval_s

    # --- what the UI shows and does -------------------------------------------

    def entries(
        self, status: str | None = None, limit: int | None = 500
    ) -> list[OutboxView]:
        """Outbox entries as plain values (one status, or all), newest change first."""
        return outbox.views(self.bench.engine, [status] if status else None, limit)

    def retry(self, entry_id: int) -> None:
        """Send a failed entry again at the next drain (audited)."""
        outbox.retry(self.bench.engine, self._person(), entry_id, self._clock())

    def cancel(
        self, entry_id: int, reason: str, *, include_later: bool = True
    ) -> list[int]:
        """Give up an effect and the later ones of its shipment (audited)."""
        return outbox.cancel(
            self.bench.engine,
            self._person(),
            entry_id,
            reason,
            self._clock(),
            include_later=include_later,
        )

    def status(self) -> SyncStatus:
        """Connectivity, counts and the last error, for the status bar."""
        counts = outbox.counts(self.bench.engine)
        with self._status_lock:
            last_contact = self._last_contact
            online, error = self._online, self._last_error
            error_at = self._last_error_at
        if last_contact is None:
            stored = self.bench.get_state(LAST_CONTACT_KEY)
            last_contact = datetime.fromisoformat(stored) if stored else None
        return SyncStatus(
            online=online,
            pending=counts.get(outbox.PENDING, 0),
            in_flight=counts.get(outbox.IN_FLIGHT, 0),
            failed=counts.get(outbox.FAILED, 0),
            last_contact=last_contact,
            last_error=error,
            last_error_at=error_at,
        )

    def _person(self) -> audit.Actor:
        identity = self.bench.identity
        return audit.Actor(user=identity.user, station=identity.station)

    # --- the loop ---------------------------------------------------------------

    def run_forever(self, stop_event: threading.Event, *, pull: bool = True) -> None:
        """Pull and drain until ``stop_event`` is set (the headless ``sync``)."""
        logger.info("Sync running")
        while not stop_event.is_set():
            delay = self._one_round(pull)
            if stop_event.is_set():
                break
            if self._sleep is None:
                stop_event.wait(delay)
            else:
                self._sleep(delay)
        logger.info("Sync stopped")

    def _one_round(self, pull: bool) -> float:
        """Pull (when due) and drain once; the pause before the next round."""
        try:
            if pull and self._pull_due():
                self.pull_once()
            return self._pause_after(self.drain_once())
        except SQLAlchemyError as error:
            # A database kept locked too long by another writer, a full disk:
            # the loop must outlive it; the next round tries again.
            logger.exception("Sync round failed on the database")
            self._note_error(f"The local database refused a write ({error})")
            return self.settings.idle_poll_s

    def _pull_due(self) -> bool:
        if self._last_pull is None:
            return True
        elapsed = (self._clock() - self._last_pull).total_seconds()
        return elapsed >= self.settings.pull_interval_s

    def _pause_after(self, report: DrainReport) -> float:
        """Until the next entry falls due, within the poll bounds."""
        if report.offline:
            return self.settings.idle_poll_s
        due = outbox.next_due(self.bench.engine)
        if due is None:
            return self.settings.idle_poll_s
        wait = (due - self._clock()).total_seconds()
        return min(self.settings.idle_poll_s, max(self.settings.min_poll_s, wait))

    # --- connectivity -----------------------------------------------------------

    def _contact(self) -> None:
        """Note that a remote service answered (memory only: it is on the hot path)."""
        now = self._clock()
        with self._status_lock:
            was_online = self._online
            self._online = True
            self._last_contact = now
        if was_online is False:
            logger.info("Network is back; syncing")

    def _keep_last_contact(self) -> None:
        """Store the last contact time now and then, for the next start's status."""
        with self._status_lock:
            last, kept = self._last_contact, self._kept_contact
        if last is None or (kept is not None and (last - kept).total_seconds() < 60):
            return
        try:
            self.bench.set_state(LAST_CONTACT_KEY, last.isoformat())
        except SQLAlchemyError:
            # Another worker wrote it at the same moment; its time is as good.
            logger.debug("Last contact time not stored this round", exc_info=True)
            return
        with self._status_lock:
            self._kept_contact = last

    def _note_error(self, message: str, *, offline: bool = False) -> None:
        with self._status_lock:
            self._last_error = message
            self._last_error_at = self._clock()
            if offline:
                self._online = False


# --- helpers ------------------------------------------------------------------


def _service(action: str) -> str:
    """``"tiktok"`` of ``"tiktok.ship_package"``."""
    return action.split(".", 1)[0]


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _process_alive(pid: int) -> bool:
    """True unless the process is known to be gone (POSIX only)."""
    if sys.platform == "win32":
        # os.kill on Windows would terminate the process, not probe it; there
        # the lease alone decides when a dead worker's claim is taken over.
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _check_tiktok_order(order: dict[str, Any], ours: str) -> bool:
    """True if TikTok already has our tracking; raises when it must not be shipped."""
    theirs = _tiktok_tracking(order)
    status = str(order.get("status") or "")
    if theirs and theirs.casefold() == ours.casefold():
        return True
    if theirs:
        raise _Fail(
            f"Shipped in TikTok Shop by someone else with tracking number {theirs}; "
            f"ours ({ours}) was not sent. Check which parcel really went out."
        )
    if status == "CANCELLED":
        raise _Fail(
            "Cancelled in TikTok Shop before it shipped; the tracking number was not "
            "sent. Do not send the parcel; put the item back on the shelf."
        )
    if status in REMOTELY_SHIPPED_STATUSES:
        raise _Fail(
            f"TikTok Shop already shows the order as "
            f"{status.replace('_', ' ').lower()} without our tracking number; someone "
            "shipped it elsewhere. Check the shelf."
        )
    if status in ("ON_HOLD", "UNPAID"):
        raise _Retry(
            f"TikTok Shop holds the order ({status.replace('_', ' ').lower()}); it can "
            "ship once TikTok releases it."
        )
    return False


def _tiktok_tracking(order: dict[str, Any]) -> str:
    value = order.get("tracking_number")
    if isinstance(value, str) and value:
        return value
    for line in order.get("line_items") or []:
        number = line.get("tracking_number") if isinstance(line, dict) else None
        if isinstance(number, str) and number:
            return number
    return ""


_TIKTOK_SETUP = (
    tiktok_errors.NotConfiguredError,
    tiktok_errors.ReauthorizationNeededError,
    tiktok_errors.InvalidCredentialsError,
    tiktok_errors.MissingScopeError,
    tiktok_errors.BadSignatureError,
)


def _tiktok_outcome(error: tiktok_errors.TikTokError) -> _Retry | _Fail:
    """What a TikTok failure means for the entry, in plain words."""
    if isinstance(error, tiktok_errors.ShippedWithOtherTrackingError):
        return _Fail(
            f"Shipped in TikTok Shop with another tracking number "
            f"({error.tracking_number}); ours was not sent. Check which parcel went "
            "out."
        )
    if isinstance(error, tiktok_errors.UnknownShippingProviderError):
        return _Fail(
            f"TikTok Shop does not accept the carrier {error.name!r} for this order; "
            f"it offers {', '.join(error.offered) or 'none'}. Fix the carrier, then "
            "retry."
        )
    if isinstance(error, _TIKTOK_SETUP):
        return _Setup(f"TikTok Shop connection needs attention: {error}")
    if isinstance(error, tiktok_errors.TikTokUnavailableError):
        return _Retry("TikTok Shop cannot be reached (network down?)", offline=True)
    if isinstance(error, tiktok_errors.RateLimitedError):
        return _Retry(
            "TikTok Shop asked us to slow down", retry_after=error.retry_after
        )
    if error.transient:
        return _Retry(f"TikTok Shop had a temporary failure: {error}")
    if isinstance(error, tiktok_errors.NotOwnedError):
        return _Fail(
            "TikTok Shop says this order does not belong to the connected shop."
        )
    return _Fail(f"TikTok Shop refused it: {error}")


_SHOPIFY_SETUP = (
    shopify_errors.ShopifyCredentialsMissingError,
    shopify_errors.ShopifyAuthError,
    shopify_errors.ShopifyForbiddenError,
    shopify_errors.ShopifyPaymentRequiredError,
    shopify_errors.ShopifyLockedError,
    shopify_errors.ShopifyNotFoundError,
)


def _shopify_outcome(error: shopify_errors.ShopifyError) -> _Retry | _Fail:
    """What a Shopify failure means for the entry, in plain words."""
    if isinstance(error, shopify_errors.ShopifyUnavailableError):
        return _Retry(f"Shopify cannot be reached right now: {error}", offline=True)
    if isinstance(error, shopify_errors.ShopifyThrottledError):
        return _Retry("Shopify asked us to slow down")
    if isinstance(error, _SHOPIFY_SETUP):
        return _Setup(f"Shopify connection needs attention: {error}")
    return _Fail(f"Shopify refused it: {error}")


def _linked(ids: outbox.VariantIds | None) -> bool:
    return ids is not None and bool(ids.inventory_item_id)


def _attempt_json(attempt: StockAttempt) -> str:
    return json.dumps(
        {
            "idempotency_key": attempt.idempotency_key,
            "change_from_quantities": list(attempt.change_from_quantities),
            "number": attempt.number,
        }
    )


def _attempt_from(text: str) -> StockAttempt | None:
    if not text:
        return None
    data = json.loads(text)
    return StockAttempt(
        idempotency_key=str(data["idempotency_key"]),
        change_from_quantities=tuple(int(q) for q in data["change_from_quantities"]),
        number=int(data.get("number", 1)),
    )


def _link_variants(bench: Bench, variants: list[ShopifyVariant]) -> None:
    """Store Shopify's ids and stock on the catalog; new SKUs are added.

    Only the Shopify columns of known SKUs change: titles, GTINs and costs the
    supervisor keeps locally stay as they are.
    """
    by_sku = {variant.sku.casefold(): variant for variant in variants if variant.sku}
    with session_scope(bench.engine) as session:
        rows = session.exec(
            select(CatalogVariant).where(col(CatalogVariant.sku_folded).in_(by_sku))
        ).all()
        for row in rows:
            variant = by_sku[row.sku_folded]
            row.shopify_variant_id = variant.variant_id
            row.inventory_item_id = variant.inventory_item_id
            row.available = variant.available
            session.add(row)
        known = {row.sku_folded for row in rows}
    new = [variant for folded, variant in by_sku.items() if folded not in known]
    if new:
        bench.upsert_catalog(
            CatalogItem(
                sku=variant.sku,
                title=variant.display_name or variant.title,
                barcode=variant.barcode or None,
                product_title=variant.product_title,
                variant_title=variant.title,
                shopify_variant_id=variant.variant_id,
                inventory_item_id=variant.inventory_item_id,
                available=variant.available,
            )
            for variant in new
        )


def _add(total: ImportReport, report: ImportReport) -> None:
    total.imported += report.imported
    total.updated += report.updated
    total.unchanged += report.unchanged
    total.not_queued += report.not_queued
    total.errors.extend(report.errors)
