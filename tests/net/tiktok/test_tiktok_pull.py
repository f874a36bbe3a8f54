"""Incremental order pulls over loopback HTTP, with and without faults."""

from __future__ import annotations

import time
from collections import Counter

import pytest

from app.net.tiktok.pull import pull_orders
from app.sim.tiktok import Fault, SimServer, TikTokShopSim
from tests.utils.tiktok_orders import make_orders
from tests.utils.tiktok_sim import RecordedSleeps, authorized_store, connect, make_sim

NOW = int(time.time())
USPS = "6617675021119438849"


class FakeClock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def sim() -> TikTokShopSim:
    return make_sim(make_orders(600, NOW - 3000, step_s=2))


@pytest.fixture
def server(sim: TikTokShopSim):
    with SimServer(sim) as running:
        yield running


def test_a_pull_yields_every_order_once_in_update_order(sim, server) -> None:
    with connect(sim, authorized_store(sim), base_url=server.base_url) as tiktok:
        pages = list(pull_orders(tiktok, None))

    orders = [order for page in pages for order in page.orders]
    times = [order["update_time"] for order in orders]
    assert len(pages) == 6
    assert len({order["id"] for order in orders}) == len(orders) == 600
    assert times == sorted(times)
    assert all(len(page.orders) == 100 for page in pages)


def test_with_faults_the_pull_still_ends_with_every_order_exactly_once(
    sim, server
) -> None:
    sim.faults.server_error_every = 5
    sim.faults.retry_after_s = 2
    sim.faults.at_call(3, Fault.RATE_LIMIT)
    sim.faults.at_call(7, Fault.DROP)
    sim.faults.at_call(9, Fault.EXPIRE_TOKEN)
    sim.faults.at_call(12, Fault.MALFORMED)
    sleeps = RecordedSleeps()

    store = authorized_store(sim)
    with connect(sim, store, base_url=server.base_url, sleep=sleeps) as tiktok:
        pages = list(pull_orders(tiktok, None, page_size=50))

    counts = Counter(order["id"] for page in pages for order in page.orders)
    assert len(counts) == 600
    assert set(counts.values()) == {1}
    assert sim.refreshes == 1, "the token expired mid-pull and was refreshed"
    assert 2.0 in sleeps, "Retry-After was honoured"
    assert len(sleeps) >= 5
    assert sim.calls_by_route["order_search"] >= 13, "failed pages were asked again"


def test_the_cursor_resumes_a_pull_that_stopped_halfway(sim, server) -> None:
    store = authorized_store(sim)
    with connect(sim, store, base_url=server.base_url) as tiktok:
        first_run = pull_orders(tiktok, None)
        done = [next(first_run), next(first_run)]
        first_run.close()
        cursor = done[-1].cursor
        rest = list(pull_orders(tiktok, cursor, overlap_s=10))

    before = {order["id"] for page in done for order in page.orders}
    after = {order["id"] for page in rest for order in page.orders}
    assert len(before) == 200
    assert before | after == set(sim.orders)
    assert len(before & after) <= 10, "only the overlap is pulled twice"
    assert int(rest[-1].cursor) >= NOW


def test_an_order_updated_after_a_pull_comes_back_in_the_next() -> None:
    clock = FakeClock(NOW)
    sim = make_sim(make_orders(300, NOW - 3000, step_s=2), clock=clock)
    with (
        SimServer(sim) as server,
        connect(sim, authorized_store(sim), base_url=server.base_url) as tiktok,
    ):
        pages = list(pull_orders(tiktok, None, clock=clock))
        clock.now += 5
        tiktok.ship("579200000000000005", "1154000000000000005", "TRK5", USPS)
        clock.now += 5
        again = list(pull_orders(tiktok, pages[-1].cursor, overlap_s=0, clock=clock))

    ids = [order["id"] for page in again for order in page.orders]
    assert ids == ["579200000000000005"]
    assert again[0].orders[0]["tracking_number"] == "TRK5"


def test_ten_thousand_orders_come_over_loopback_in_one_hundred_pages() -> None:
    big = make_sim(make_orders(10_000, NOW - 20_000, step_s=1))
    with (
        SimServer(big) as server,
        connect(big, authorized_store(big), base_url=server.base_url) as tiktok,
    ):
        pages = list(pull_orders(tiktok, None))

    ids = [order["id"] for page in pages for order in page.orders]
    assert len(pages) == 100
    assert len(ids) == len(set(ids)) == 10_000
    assert big.calls_by_route["order_search"] == 100
