"""No secret, token or signature reaches a log line, even with httpx at DEBUG."""

from __future__ import annotations

import logging
import re

import pytest

from app.domain.credentials import MemoryCredentialStore, Secret
from app.net.tiktok import credentials as names
from app.net.tiktok.log_redaction import HTTP_LOGGERS, install_log_redaction, redact
from app.net.tiktok.pull import pull_orders
from app.sim.tiktok import Fault, SimServer
from tests.utils.tiktok_orders import make_orders
from tests.utils.tiktok_sim import CANARY_SECRET, TOKEN_PREFIX, connect, make_sim

USPS = "6617675021119438849"


@pytest.fixture
def debug_everything(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG)
    for name in HTTP_LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    return caplog


def test_a_whole_session_logs_no_secret_token_or_signature(debug_everything) -> None:
    sim = make_sim(make_orders(250, 1_767_000_000))
    sim.faults.at_call(2, Fault.SERVER_ERROR)
    sim.faults.at_call(4, Fault.DROP)
    sim.faults.at_call(5, Fault.EXPIRE_TOKEN)
    sim.faults.next_on("/orders/579200000000000001/packages", Fault.LOSE_RESPONSE)
    store = MemoryCredentialStore(
        {names.APP_KEY: Secret(sim.app_key), names.APP_SECRET: Secret(CANARY_SECRET)}
    )
    secrets_seen: set[str] = {CANARY_SECRET}

    with (
        SimServer(sim) as server,
        connect(sim, store, base_url=server.base_url) as tiktok,
    ):
        tiktok.exchange_code(Secret(sim.issue_auth_code()))
        secrets_seen.add(store.get(names.ACCESS_TOKEN).reveal())
        for _page in pull_orders(tiktok, "1767000000"):
            secrets_seen.add(store.get(names.ACCESS_TOKEN).reveal())
        tiktok.ship("579200000000000001", "1154000000000000001", "T1", USPS)
        tiktok.refresh_tokens()
        secrets_seen.add(store.get(names.REFRESH_TOKEN).reveal())

    text = debug_everything.text
    assert "HTTP Request" in text, "httpx really logged at DEBUG/INFO"
    assert "api/v2/token/refresh" in text, "the token URL was logged, masked"
    assert sim.refreshes == 2
    for secret in secrets_seen:
        assert secret not in text
    assert TOKEN_PREFIX not in text
    assert not re.search(r"sign=[0-9a-f]{16}", text)
    assert not re.search(r"app_secret=(?!\*\*\*)", text)


def test_http_loggers_are_quiet_by_default() -> None:
    for name in HTTP_LOGGERS:
        logging.getLogger(name).setLevel(logging.NOTSET)

    install_log_redaction()

    assert logging.getLogger("httpx").level == logging.WARNING
    assert logging.getLogger("httpcore.http11").level == logging.WARNING


def test_redact_masks_query_values_and_the_token_header() -> None:
    line = (
        "GET http://h/api/v2/token/get?app_key=k&app_secret=S3CR3T&auth_code=C0DE"
        "&grant_type=authorized_code [(b'x-tts-access-token', b'TOKEN')] sign=abc"
    )

    cleaned = redact(line)

    for value in ("S3CR3T", "C0DE", "TOKEN", "abc"):
        assert value not in cleaned
    assert "app_key=k" in cleaned and "grant_type=authorized_code" in cleaned
