"""Client-side view of Shopify's cost bucket, so calls wait instead of being throttled.

Shopify charges each GraphQL call its calculated cost against a leaky bucket and
reports the bucket in ``extensions.cost.throttleStatus``. We remember the last
report and how much each document cost, estimate what has refilled since, and
wait for the difference before sending. Clock and sleep are injectable so tests
run on simulated time.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

logger = logging.getLogger(__name__)

#: What an unseen document is assumed to cost: a mutation's flat price.
DEFAULT_COST = 10.0


@dataclass(frozen=True)
class BucketStatus:
    """One ``throttleStatus`` report and when we saw it."""

    maximum: float
    available: float
    restore_rate: float
    seen_at: float


class CostThrottle:
    """Waits before a call until the bucket should hold enough points for it."""

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._status: BucketStatus | None = None
        self._costs: dict[str, float] = {}
        self.waited_seconds = 0.0

    @property
    def status(self) -> BucketStatus | None:
        """The last bucket report, if any call has returned one."""
        return self._status

    def before_call(self, operation: str) -> None:
        """Sleep until ``operation``'s expected cost should be available."""
        wait = self._wait_needed(operation)
        if wait > 0:
            logger.debug(
                "Waiting %.2f s for Shopify's cost bucket (%s)", wait, operation
            )
            self.pause(wait)

    def pause(self, seconds: float) -> None:
        """Sleep ``seconds`` and count it as time spent waiting for Shopify."""
        self.waited_seconds += seconds
        self._sleep(seconds)

    def record(self, operation: str, extensions: Mapping[str, Any] | None) -> None:
        """Learn from a response's ``extensions.cost``."""
        cost = (extensions or {}).get("cost")
        if not isinstance(cost, Mapping):
            return
        requested = cost.get("requestedQueryCost")
        status = cost.get("throttleStatus")
        with self._lock:
            if isinstance(requested, int | float):
                self._costs[operation] = float(requested)
            if isinstance(status, Mapping):
                self._status = BucketStatus(
                    maximum=float(status["maximumAvailable"]),
                    available=float(status["currentlyAvailable"]),
                    restore_rate=float(status["restoreRate"]),
                    seen_at=self._clock(),
                )

    def wait_after_throttled(
        self, operation: str, extensions: Mapping[str, Any] | None
    ) -> float:
        """Seconds to wait after a THROTTLED answer, from its cost report."""
        self.record(operation, extensions)
        with self._lock:
            status = self._status
            needed = self._costs.get(operation, DEFAULT_COST)
        if status is None or status.restore_rate <= 0:
            return 1.0
        # A little extra so rounding on either side cannot throttle us again.
        return max(needed - status.available, 1.0) / status.restore_rate + 0.05

    def _wait_needed(self, operation: str) -> float:
        # Reserve the points as we go, so that threads sharing this client do
        # not all spend the same refill.
        with self._lock:
            status = self._status
            needed = self._costs.get(operation, DEFAULT_COST)
            if status is None or status.restore_rate <= 0:
                return 0.0
            now = self._clock()
            elapsed = now - status.seen_at
            rate = status.restore_rate
            available = min(status.maximum, status.available + elapsed * rate)
            needed = min(needed, status.maximum)
            wait = max(0.0, (needed - available) / rate)
            self._status = BucketStatus(
                maximum=status.maximum,
                available=available + wait * rate - needed,
                restore_rate=rate,
                seen_at=now + wait,
            )
            return wait
