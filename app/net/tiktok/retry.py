"""Small, composable retry policies for transient TikTok failures.

A policy is a callable ``(error, attempt) -> delay | None``: given the error of
attempt number ``attempt`` (1 for the first try), it returns how many seconds to
wait before the next try, or ``None`` to give up. Policies combine with
:func:`first_of`; :func:`run_with_retry` drives one and uses an injectable
``sleep`` so tests never really wait.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import TypeVar

from app.net.tiktok.errors import RateLimitedError, TikTokError

logger = logging.getLogger(__name__)

T = TypeVar("T")
RetryPolicy = Callable[[TikTokError, int], float | None]
Sleep = Callable[[float], None]


def exponential_backoff(
    attempts: int = 5,
    base: float = 0.5,
    cap: float = 30.0,
    rng: random.Random | None = None,
) -> RetryPolicy:
    """Retry transient errors up to ``attempts`` tries, with full-jitter backoff."""
    chooser = rng or random.Random()

    def policy(error: TikTokError, attempt: int) -> float | None:
        if not error.transient or attempt >= attempts:
            return None
        # Full jitter spreads the retries of many benches over the window so a
        # recovering TikTok is not hit by all of them at the same moment.
        return chooser.uniform(0, min(cap, base * 2 ** (attempt - 1)))

    return policy


def honor_retry_after(attempts: int = 5, cap: float = 120.0) -> RetryPolicy:
    """Wait exactly as long as a rate-limit answer asks, when it says."""

    def policy(error: TikTokError, attempt: int) -> float | None:
        if not isinstance(error, RateLimitedError) or error.retry_after is None:
            return None
        if attempt >= attempts:
            return None
        return min(cap, max(0.0, error.retry_after))

    return policy


def first_of(*policies: RetryPolicy) -> RetryPolicy:
    """The delay of the first policy that has an opinion."""

    def policy(error: TikTokError, attempt: int) -> float | None:
        for candidate in policies:
            delay = candidate(error, attempt)
            if delay is not None:
                return delay
        return None

    return policy


def default_policy(attempts: int = 5) -> RetryPolicy:
    """Honor ``Retry-After`` when given, otherwise back off exponentially."""
    return first_of(honor_retry_after(attempts), exponential_backoff(attempts))


def never_retry(error: TikTokError, attempt: int) -> float | None:
    """A policy that always gives up (for calls that must not be repeated)."""
    return None


def run_with_retry(
    call: Callable[[], T],
    policy: RetryPolicy,
    sleep: Sleep = time.sleep,
    what: str = "call",
) -> T:
    """Run ``call`` until it succeeds or ``policy`` gives up, then re-raise."""
    attempt = 1
    while True:
        try:
            return call()
        except TikTokError as error:
            delay = policy(error, attempt)
            if delay is None:
                raise
            logger.warning(
                "%s failed (try %d), retrying in %.1f s",
                what,
                attempt,
                delay,
                exc_info=True,
            )
            sleep(delay)
            attempt += 1
