"""The leaky bucket Shopify charges query cost against."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

logger = logging.getLogger(__name__)


class LeakyBucket:
    """``maximum`` points, refilling at ``restore_rate`` points per second."""

    def __init__(
        self, maximum: float, restore_rate: float, clock: Callable[[], float]
    ) -> None:
        self.maximum = float(maximum)
        self.restore_rate = float(restore_rate)
        self._clock = clock
        self._level = float(maximum)
        self._at = clock()
        self._lock = threading.Lock()

    def available(self) -> float:
        """Points available now."""
        with self._lock:
            return self._refill()

    def try_take(self, cost: float) -> bool:
        """Take ``cost`` points if they are there; say whether it did."""
        with self._lock:
            if self._refill() < cost:
                return False
            self._level -= cost
            return True

    def give_back(self, points: float) -> None:
        """Refund points charged up front but not used."""
        with self._lock:
            self._level = min(self.maximum, self._refill() + points)

    def _refill(self) -> float:
        now = self._clock()
        self._level = min(
            self.maximum, self._level + (now - self._at) * self.restore_rate
        )
        self._at = now
        return self._level
