"""Faults the simulated TikTok Shop can inject, by call number or by path.

Call numbers count API calls (not token-host calls) from 1, including retries,
so a test that knows its call sequence can place a fault exactly.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

logger = logging.getLogger(__name__)


class Fault(StrEnum):
    """One kind of misbehaviour."""

    SERVER_ERROR = "server_error"  # HTTP 500 with code 36009003, nothing done
    RATE_LIMIT = "rate_limit"  # HTTP 429 with code 36009002 and Retry-After
    DROP = "drop"  # the answer is cut off halfway through its body
    MALFORMED = "malformed"  # HTTP 200 whose body is not valid JSON
    EXPIRE_TOKEN = "expire_token"  # the access token expires just before this call
    LOSE_RESPONSE = "lose_response"  # the effect happens, the answer never arrives


@dataclass
class FaultPlan:
    """What goes wrong, and when. Change it at any time; the simulator locks it."""

    latency_s: float = 0.0
    #: Every Nth API call fails with a 5xx (0 = never).
    server_error_every: int = 0
    retry_after_s: int = 1
    scheduled: dict[int, Fault] = field(default_factory=dict)
    #: One-shot faults for the next call whose path contains the given text.
    on_path: list[tuple[str, Fault]] = field(default_factory=list)

    def at_call(self, call_number: int, fault: Fault) -> None:
        """Inject ``fault`` on API call number ``call_number``."""
        self.scheduled[call_number] = fault

    def next_on(self, path_contains: str, fault: Fault) -> None:
        """Inject ``fault`` once, on the next call whose path contains the text."""
        self.on_path.append((path_contains, fault))

    def pick(self, call_number: int, path: str) -> Fault | None:
        """The fault for this call, if any (consumes one-shot faults)."""
        if call_number in self.scheduled:
            return self.scheduled.pop(call_number)
        for position, (text, fault) in enumerate(self.on_path):
            if text in path:
                del self.on_path[position]
                return fault
        every = self.server_error_every
        if every and call_number % every == 0:
            return Fault.SERVER_ERROR
        return None


class TokenBucket:
    """A rate limit: ``rate`` calls per second on average, bursts up to ``burst``."""

    def __init__(self, rate: float, burst: int, clock: Callable[[], float]) -> None:
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._tokens = float(burst)
        self._last = clock()
        self._lock = threading.Lock()

    def take(self) -> int | None:
        """``None`` if a call may go ahead now, else whole seconds to wait."""
        with self._lock:
            now = self._clock()
            elapsed = max(0.0, now - self._last)
            self._tokens = min(float(self.burst), self._tokens + elapsed * self.rate)
            self._last = now
            if self._tokens >= 1:
                self._tokens -= 1
                return None
            return max(1, math.ceil((1 - self._tokens) / self.rate))
