"""Retry policies: transient errors only, bounded jittered backoff, Retry-After."""

from __future__ import annotations

import random

import pytest

from app.net.tiktok.errors import (
    BadSignatureError,
    RateLimitedError,
    ServerError,
    TikTokUnavailableError,
)
from app.net.tiktok.retry import (
    default_policy,
    exponential_backoff,
    first_of,
    honor_retry_after,
    never_retry,
    run_with_retry,
)

SERVER = ServerError("/p", 36009003, "internal")
SIGN = BadSignatureError("/p", 106001, "bad sign")


def test_backoff_grows_is_capped_and_stops_after_the_last_try() -> None:
    policy = exponential_backoff(attempts=8, base=1.0, cap=5.0, rng=random.Random(1))

    delays = [policy(SERVER, attempt) for attempt in range(1, 9)]

    assert delays[-1] is None
    assert all(0 <= d <= min(5.0, 2 ** (i)) for i, d in enumerate(delays[:-1]))
    assert len(set(delays[:-1])) > 1, "jittered, not fixed"


def test_only_transient_errors_are_retried() -> None:
    policy = default_policy()

    assert policy(SIGN, 1) is None
    assert policy(SERVER, 1) is not None
    assert policy(TikTokUnavailableError("/p: connection failed"), 1) is not None


def test_retry_after_wins_over_backoff_and_is_capped() -> None:
    policy = first_of(honor_retry_after(cap=60), exponential_backoff())

    asked = RateLimitedError("/p", 36009002, "slow down", retry_after=7)
    greedy = RateLimitedError("/p", 36009002, "slow down", retry_after=3600)
    unsaid = RateLimitedError("/p", 36009002, "slow down")

    assert policy(asked, 1) == 7
    assert policy(greedy, 1) == 60
    assert 0 <= (policy(unsaid, 1) or 0) <= 0.5


def test_run_with_retry_sleeps_between_tries_and_reraises_at_the_end() -> None:
    sleeps: list[float] = []
    tries: list[int] = []

    def flaky() -> str:
        tries.append(1)
        if len(tries) < 3:
            raise SERVER
        return "ok"

    assert run_with_retry(flaky, default_policy(), sleeps.append) == "ok"
    assert len(sleeps) == 2

    def broken() -> str:
        raise SERVER

    with pytest.raises(ServerError):
        run_with_retry(broken, never_retry, sleeps.append)
    assert len(sleeps) == 2
