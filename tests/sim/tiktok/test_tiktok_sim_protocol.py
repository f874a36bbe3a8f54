"""The simulated TikTok Shop answers like TikTok: codes, envelopes, tokens, pages."""

from __future__ import annotations

import json
import logging
import socket
import time
from typing import Any

import httpx
import pytest

from app.net.tiktok.signing import flatten_query, sign
from app.sim.tiktok import Fault, SimServer, SimShop, SimTransport, TokenBucket
from app.sim.tiktok.simulator import TikTokShopSim
from tests.utils.tiktok_orders import make_orders
from tests.utils.tiktok_sim import CANARY_SECRET, make_sim


class FakeClock:
    """A settable clock shared by the simulator and the raw requests."""

    def __init__(self, now: float = 1_767_700_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def raw_call(
    sim: TikTokShopSim,
    method: str,
    path: str,
    *,
    token: str,
    params: dict[str, Any] | None = None,
    body: dict[str, Any] | None = None,
    timestamp: float | None = None,
    secret: str = CANARY_SECRET,
    cipher: bool = True,
    client: httpx.Client | None = None,
) -> httpx.Response:
    """One hand-signed request, so each check can break exactly one thing."""
    query = flatten_query(
        {
            **(params or {}),
            "app_key": sim.app_key,
            "timestamp": int(sim.clock() if timestamp is None else timestamp),
            "shop_cipher": sim.shop.cipher if cipher else None,
        }
    )
    content = json.dumps(body).encode() if body is not None else b""
    query["sign"] = sign(secret, path, query, content)
    http = client or httpx.Client(transport=SimTransport(sim), base_url="http://sim/")
    return http.request(
        method,
        path.lstrip("/"),
        params=query,
        content=content or None,
        headers={"x-tts-access-token": token, "content-type": "application/json"},
    )


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sim(clock: FakeClock) -> TikTokShopSim:
    return make_sim(make_orders(30, int(clock.now) - 3600), clock=clock)


@pytest.fixture
def token(sim: TikTokShopSim) -> str:
    return str(sim.issue_tokens()["access_token"])


def test_a_correct_request_gets_the_success_envelope(sim, token) -> None:
    response = raw_call(
        sim, "GET", "/authorization/202309/shops", token=token, cipher=False
    )

    envelope = response.json()
    assert response.status_code == 200
    assert envelope["code"] == 0 and envelope["message"] == "Success"
    assert envelope["request_id"]
    assert envelope["data"]["shops"][0]["cipher"] == sim.shop.cipher


def test_a_wrong_signature_is_refused_with_106001(sim, token) -> None:
    response = raw_call(
        sim,
        "GET",
        "/authorization/202309/shops",
        token=token,
        cipher=False,
        secret="not-the-secret",
    )

    assert response.status_code == 401
    assert response.json()["code"] == 106001


def test_a_body_changed_after_signing_breaks_the_signature(sim, token) -> None:
    query = flatten_query(
        {
            "app_key": sim.app_key,
            "timestamp": int(sim.clock()),
            "page_size": 10,
            "shop_cipher": sim.shop.cipher,
        }
    )
    query["sign"] = sign(CANARY_SECRET, "/order/202309/orders/search", query, b"{}")
    client = httpx.Client(transport=SimTransport(sim), base_url="http://sim/")

    response = client.post(
        "order/202309/orders/search",
        params=query,
        content=b'{"order_status":"X"}',
        headers={"x-tts-access-token": token},
    )

    assert response.json()["code"] == 106001


@pytest.mark.parametrize(
    ("offset", "accepted"), [(-301, False), (-290, True), (25, True), (31, False)]
)
def test_timestamps_outside_the_window_get_36009004(
    sim, token, clock, offset, accepted
) -> None:
    response = raw_call(
        sim,
        "GET",
        "/authorization/202309/shops",
        token=token,
        cipher=False,
        timestamp=clock.now + offset,
    )

    assert response.json()["code"] == (0 if accepted else 36009004)


def test_an_expired_token_gets_105002_and_a_refresh_gets_a_new_pair(sim, clock) -> None:
    tokens = sim.issue_tokens()
    clock.now += sim.access_ttl_s + 1

    refused = raw_call(
        sim,
        "GET",
        "/authorization/202309/shops",
        token=tokens["access_token"],
        cipher=False,
    )
    http = httpx.Client(transport=SimTransport(sim), base_url="http://auth/")
    renewed = http.get(
        "api/v2/token/refresh",
        params={
            "app_key": sim.app_key,
            "app_secret": CANARY_SECRET,
            "refresh_token": tokens["refresh_token"],
            "grant_type": "refresh_token",
        },
    ).json()
    again = http.get(
        "api/v2/token/refresh",
        params={
            "app_key": sim.app_key,
            "app_secret": CANARY_SECRET,
            "refresh_token": tokens["refresh_token"],
            "grant_type": "refresh_token",
        },
    ).json()

    assert refused.json()["code"] == 105002
    assert renewed["code"] == 0
    assert renewed["data"]["refresh_token"] != tokens["refresh_token"]
    assert renewed["data"]["access_token_expire_in"] > clock.now
    assert again["code"] != 0, "a used refresh token must not work twice"


def test_shop_cipher_is_refused_on_authorization_and_required_elsewhere(
    sim, token
) -> None:
    with_cipher = raw_call(sim, "GET", "/authorization/202309/shops", token=token)
    without = raw_call(
        sim,
        "GET",
        "/order/202309/orders",
        token=token,
        cipher=False,
        params={"ids": ["579200000000000001"]},
    )

    assert with_cipher.json()["code"] == 36009004
    assert without.json()["code"] == 106013


def test_pages_carry_opaque_tokens_with_plus_and_slash(sim, token) -> None:
    seen: list[str] = []
    page_token = None
    while True:
        envelope = raw_call(
            sim,
            "POST",
            "/order/202309/orders/search",
            token=token,
            params={
                "page_size": 7,
                "page_token": page_token,
                "sort_field": "update_time",
                "sort_order": "ASC",
            },
            body={},
        ).json()
        assert envelope["code"] == 0, envelope
        seen += [order["id"] for order in envelope["data"]["orders"]]
        page_token = envelope["data"]["next_page_token"]
        if not page_token:
            break
        assert "+" in page_token and "/" in page_token

    assert len(seen) == len(set(seen)) == 30


def test_the_token_bucket_answers_429_with_retry_after(sim, token, clock) -> None:
    sim.rate_limit = TokenBucket(rate=0.5, burst=2, clock=clock)

    answers = [
        raw_call(sim, "GET", "/authorization/202309/shops", token=token, cipher=False)
        for _ in range(3)
    ]
    clock.now += 2
    later = raw_call(
        sim, "GET", "/authorization/202309/shops", token=token, cipher=False
    )

    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[2].json()["code"] == 36009002
    assert answers[2].headers["retry-after"] == "2"
    assert later.status_code == 200


def ship(sim: TikTokShopSim, token: str, package_id: str, tracking: str) -> int:
    body = {
        "self_shipment": {
            "tracking_number": tracking,
            "shipping_provider_id": "6617675021119438849",
        }
    }
    response = raw_call(
        sim,
        "POST",
        f"/fulfillment/202309/packages/{package_id}/ship",
        token=token,
        body=body,
    )
    return int(response.json()["code"])


def test_a_package_ships_once_and_tracking_changes_only_within_72_hours(
    sim, token, clock
) -> None:
    order = sim.orders["579200000000000001"]
    package_id = order["packages"][0]["id"]

    first = ship(sim, token, package_id, "9400100000000000000001")
    second = ship(sim, token, package_id, "9400100000000000000002")
    clock.now += 71 * 3600
    token = str(sim.issue_tokens()["access_token"])
    update = {
        "tracking_number": "9400100000000000000003",
        "shipping_provider_id": "6617675021119438850",
    }
    changed = raw_call(
        sim,
        "POST",
        f"/fulfillment/202309/orders/{order['id']}/shipping_info/update",
        token=token,
        body=update,
    ).json()["code"]
    clock.now += 2 * 3600
    token = str(sim.issue_tokens()["access_token"])
    too_late = raw_call(
        sim,
        "POST",
        f"/fulfillment/202309/orders/{order['id']}/shipping_info/update",
        token=token,
        body=update,
    ).json()["code"]

    assert (first, second, changed) == (0, 21009001, 0)
    assert too_late == 21009002
    assert sim.ship_calls_effective[order["id"]] == 1
    assert sim.packages[package_id]["tracking_number"] == "9400100000000000000003"
    assert sim.orders[order["id"]]["status"] == "AWAITING_COLLECTION"


def test_mark_as_shipped_is_refused_outside_its_regions(clock) -> None:
    sim = make_sim(
        make_orders(2, int(clock.now) - 60), clock=clock, shop=SimShop(region="ID")
    )
    token = str(sim.issue_tokens()["access_token"])

    answer = raw_call(
        sim,
        "POST",
        "/fulfillment/202309/orders/579200000000000001/packages",
        token=token,
        body={"tracking_number": "X1", "shipping_provider_id": "6617675021119438849"},
    )

    assert answer.json()["code"] == 21008106
    assert sim.ship_calls_effective["579200000000000001"] == 0


def test_unknown_products_and_foreign_packages_get_their_codes(sim, token) -> None:
    product = raw_call(sim, "GET", "/product/202309/products/1", token=token).json()
    package = raw_call(
        sim, "GET", "/fulfillment/202309/packages/42", token=token
    ).json()

    assert product["code"] == 12019150
    assert package["code"] == 21008111


def test_a_missing_scope_gets_105005(sim, token) -> None:
    sim.missing_scopes.add("product_detail")

    answer = raw_call(
        sim, "GET", "/product/202309/products/1729500000000000201", token=token
    )

    assert answer.json()["code"] == 105005


# --- faults, in-process and over loopback ----------------------------------------


def test_in_process_faults_raise_what_httpx_raises_on_a_socket(sim, token) -> None:
    sim.faults.at_call(1, Fault.DROP)
    sim.faults.at_call(2, Fault.LOSE_RESPONSE)
    sim.faults.at_call(3, Fault.MALFORMED)
    sim.faults.at_call(4, Fault.SERVER_ERROR)

    with pytest.raises(httpx.RemoteProtocolError):
        raw_call(sim, "GET", "/authorization/202309/shops", token=token, cipher=False)
    with pytest.raises(httpx.ReadError):
        raw_call(sim, "GET", "/authorization/202309/shops", token=token, cipher=False)
    malformed = raw_call(
        sim, "GET", "/authorization/202309/shops", token=token, cipher=False
    )
    failed = raw_call(
        sim, "GET", "/authorization/202309/shops", token=token, cipher=False
    )

    with pytest.raises(ValueError):
        malformed.json()
    assert failed.status_code == 500 and failed.json()["code"] == 36009003


def test_over_loopback_a_dropped_connection_cuts_the_body(sim, token) -> None:
    sim.faults.at_call(2, Fault.DROP)
    with SimServer(sim) as server, httpx.Client(base_url=server.base_url) as http:
        whole = raw_call(
            sim,
            "GET",
            "/authorization/202309/shops",
            token=token,
            cipher=False,
            client=http,
        )
        with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
            raw_call(
                sim,
                "GET",
                "/authorization/202309/shops",
                token=token,
                cipher=False,
                client=http,
            )
        after = raw_call(
            sim,
            "GET",
            "/authorization/202309/shops",
            token=token,
            cipher=False,
            client=http,
        )

    assert whole.json()["code"] == 0
    assert after.json()["code"] == 0


def test_over_loopback_latency_is_applied(sim, token) -> None:
    sim.faults.latency_s = 0.05
    with SimServer(sim) as server, httpx.Client(base_url=server.base_url) as http:
        started = time.monotonic()
        raw_call(
            sim,
            "GET",
            "/authorization/202309/shops",
            token=token,
            cipher=False,
            client=http,
        )

    assert time.monotonic() - started >= 0.05


def test_an_order_the_simulator_cannot_read_gets_an_internal_error(
    sim, token, caplog
) -> None:
    broken = dict(sim.orders["579200000000000001"])
    del broken["update_time"]
    sim.orders["579200000000000001"] = broken
    sim.seed_orders([])

    answer = raw_call(
        sim,
        "POST",
        "/order/202309/orders/search",
        token=token,
        params={"page_size": 10, "sort_field": "update_time"},
        body={},
    )

    assert answer.status_code == 500
    assert answer.json()["code"] == 36009003
    assert "simulator failed" in caplog.text


def test_the_loopback_server_logs_paths_never_query_strings(sim, token, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    with SimServer(sim) as server:
        host, port = httpx.URL(server.base_url).host, httpx.URL(server.base_url).port
        with socket.create_connection((host, port), timeout=5) as raw:
            raw.sendall(b"BREW /api/v2/token/get?app_secret=" + CANARY_SECRET.encode())
            raw.sendall(b" HTTP/1.1\r\nHost: x\r\n\r\n")
            answer = raw.recv(200)
        with httpx.Client(base_url=server.base_url) as http:
            fine = raw_call(
                sim,
                "GET",
                "/authorization/202309/shops",
                token=token,
                cipher=False,
                client=http,
            )

    assert answer.startswith(b"HTTP/1.1 501")
    assert fine.json()["code"] == 0
    assert "/api/v2/token/get" in caplog.text
    assert CANARY_SECRET not in caplog.text and token not in caplog.text
