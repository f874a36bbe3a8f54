"""Tests that need an OS service: skip on a bare machine, fail in CI.

CI (env ``CI=true``) starts every service the tests need, so a missing one there
is a broken CI setup, not a reason to skip.
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def running_in_ci() -> bool:
    """True when the environment says this is a CI run."""
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def service_missing(reason: str) -> NoReturn:
    """Skip the test with ``reason``, or fail it when running in CI."""
    if running_in_ci():
        pytest.fail(f"CI must provide this service: {reason}", pytrace=False)
    pytest.skip(reason)
