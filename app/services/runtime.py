"""Everything the desktop app runs on, started and stopped in one place.

The bench, the credentials service (one for the whole run, so secrets kept
"for this run only" reach the connectors too), the sync engine and, for the
demo store, the two simulated shops served over loopback HTTP so the whole
stack is used.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.domain.samples import RejectReason, ReviewResult
from app.net.tiktok import TikTokShopClient
from app.net.tiktok.affiliate import AffiliateClient
from app.services.bench import Bench
from app.services.credentials import CredentialsService
from app.services.samples import Reviewer
from app.services.startup import Startup
from app.services.sync_engine import SyncEngine
from app.services.sync_setup import station_engine, tiktok_factory

if TYPE_CHECKING:
    from app.services.demo_sync import DemoServices
    from app.sim.demo_store import DemoStore

logger = logging.getLogger(__name__)

# Parsing Shopify's schema for the simulated shop takes seconds; the window
# does not wait for it, only the first sync round does, at most this long.
DEMO_START_TIMEOUT_S = 60.0


@dataclass
class Runtime:
    """One run of the desktop app."""

    startup: Startup
    credentials: CredentialsService
    engine: SyncEngine
    reviewer: Reviewer | None = None
    demo: DemoShops | None = None

    @property
    def bench(self) -> Bench:
        """The bench of this run."""
        return self.startup.bench

    def close(self) -> None:
        """Stop the sync, the simulated shops and the database, in that order."""
        self.engine.close()
        if self.demo is not None:
            self.demo.close()
        self.bench.close()


def start_runtime(startup: Startup) -> Runtime:
    """Start what the open bench syncs with: the shops, or the demo's simulated ones."""
    credentials = CredentialsService.from_settings()
    if not startup.demo:
        engine = station_engine(startup.bench, credentials.store)
        reviewer = LazyReviewer(tiktok_factory(credentials.store))
        return Runtime(startup, credentials, engine, reviewer)

    # The simulated shops (and Shopify's schema they parse) are for the demo
    # only; a real station never loads them.
    from app.services.demo import demo_store_of

    shops = DemoShops(demo_store_of(startup.bench))
    engine = SyncEngine(
        startup.bench,
        tiktok=lambda: shops.services().tiktok_client(),
        shopify=lambda: shops.services().shopify_client(),
    )
    reviewer = LazyReviewer(lambda: shops.services().tiktok_client())
    return Runtime(startup, credentials, engine, reviewer, shops)


class DemoShops:
    """The demo's simulated shops, started on a thread of their own."""

    def __init__(self, store: DemoStore) -> None:
        self._ready = threading.Event()
        self._services: DemoServices | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(
            target=self._start, args=(store,), name="demo-shops", daemon=True
        )
        self._thread.start()

    def _start(self, store: DemoStore) -> None:
        from app.services.demo_sync import start_demo_simulators

        try:
            self._services = start_demo_simulators(store)
            logger.info("Demo shops running on loopback")
        except BaseException as error:  # noqa: BLE001 - reported to the sync
            logger.exception("The demo shops could not start")
            self._error = error
        finally:
            self._ready.set()

    def services(self) -> DemoServices:
        """The running shops (waits for them to start)."""
        if not self._ready.wait(DEMO_START_TIMEOUT_S):
            raise TimeoutError("the simulated demo shops are still starting")
        if self._services is None:
            raise RuntimeError(
                "the simulated demo shops did not start"
            ) from self._error
        return self._services

    def set_outage(self, down: bool) -> None:
        """Make both simulated shops unreachable (True) or reachable (False)."""
        self.services().set_outage(down)

    def close(self) -> None:
        """Stop the shops (after they finished starting)."""
        self._thread.join(DEMO_START_TIMEOUT_S)
        if self._services is not None:
            self._services.close()


class LazyReviewer:
    """Answers sample requests in TikTok, connecting on the first review.

    The connection is made on the worker thread that runs the review, so
    starting the app never waits for the keyring or the network.
    """

    def __init__(self, client_factory: Callable[[], TikTokShopClient]) -> None:
        self._factory = client_factory
        self._client: AffiliateClient | None = None

    def review(
        self,
        application_id: str,
        result: ReviewResult,
        reason: RejectReason | None = None,
    ) -> None:
        """Approve or reject one application in TikTok Shop."""
        if self._client is None:
            self._client = AffiliateClient(self._factory())
        self._client.review(application_id, result, reason)
