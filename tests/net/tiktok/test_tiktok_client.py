"""The TikTok connector against the simulated shop: tokens, calls, errors, shipping."""

from __future__ import annotations

import threading

import httpx
import pytest

from app.domain.credentials import MemoryCredentialStore, Secret
from app.net.tiktok import credentials as names
from app.net.tiktok.client import NotConfiguredError, TikTokShopClient
from app.net.tiktok.config import TikTokConfig
from app.net.tiktok.credentials import EnvCredentialStore
from app.net.tiktok.errors import (
    BadSignatureError,
    InvalidCredentialsError,
    MissingScopeError,
    NotOwnedError,
    RateLimitedError,
    ServerError,
    ShippedWithOtherTrackingError,
    TikTokRejectedError,
    TikTokUnavailableError,
    UnknownShippingProviderError,
)
from app.sim.tiktok import Fault, SimServer, SimShop, TikTokShopSim
from tests.utils.tiktok_orders import make_orders
from tests.utils.tiktok_sim import RecordedSleeps, authorized_store, connect, make_sim

USPS = "6617675021119438849"
ORDER_ID = "579200000000000001"
PACKAGE_ID = "1154000000000000001"


class FakeClock:
    def __init__(self, now: float = 1_767_700_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sim(clock: FakeClock) -> TikTokShopSim:
    return make_sim(make_orders(120, int(clock.now) - 7200), clock=clock)


@pytest.fixture
def store(sim: TikTokShopSim) -> MemoryCredentialStore:
    return authorized_store(sim)


@pytest.fixture
def sleeps() -> RecordedSleeps:
    return RecordedSleeps()


@pytest.fixture
def client(sim, store, sleeps) -> TikTokShopClient:
    with connect(sim, store, sleep=sleeps) as tiktok:
        yield tiktok


# --- tokens ---------------------------------------------------------------------


def test_an_expired_token_is_refreshed_once_and_both_new_tokens_stored(
    sim, store, client, clock
) -> None:
    old_access = store.get(names.ACCESS_TOKEN)
    old_refresh = store.get(names.REFRESH_TOKEN)
    sim.expire_access_tokens()

    shops = client.authorized_shops()

    assert [shop.cipher for shop in shops] == [sim.shop.cipher]
    assert sim.refreshes == 1
    assert store.get(names.ACCESS_TOKEN) not in (None, old_access)
    assert store.get(names.REFRESH_TOKEN) not in (None, old_refresh)
    expires = int(store.get(names.ACCESS_EXPIRES_AT).reveal())
    assert expires == int(clock.now) + sim.access_ttl_s
    assert int(store.get(names.REFRESH_EXPIRES_AT).reveal()) > expires


def test_a_token_near_its_expiry_is_refreshed_before_the_call(
    sim, store, client, clock
) -> None:
    clock.now += sim.access_ttl_s - 60

    client.authorized_shops()

    assert sim.refreshes == 1
    assert sim.calls_by_route["shops"] == 1, "no refused call was needed"


def test_the_consent_code_is_exchanged_for_stored_tokens(sim, client) -> None:
    store = MemoryCredentialStore(
        {names.APP_KEY: Secret(sim.app_key), names.APP_SECRET: Secret(sim.app_secret)}
    )
    with connect(sim, store) as fresh:
        tokens = fresh.exchange_code(Secret(sim.issue_auth_code()))
        shops = fresh.authorized_shops()

    assert store.get(names.ACCESS_TOKEN) == tokens.access_token
    assert store.get(names.REFRESH_TOKEN) == tokens.refresh_token
    assert len(shops) == 1


def test_a_wrong_app_secret_surfaces_as_bad_signature(sim, store, client) -> None:
    store.set(names.APP_SECRET, Secret("wrong-secret"))

    with pytest.raises(BadSignatureError) as caught:
        client.authorized_shops()

    assert caught.value.code == 106001


def test_a_skewed_clock_surfaces_as_invalid_credentials(sim, store, clock) -> None:
    with connect(sim, store) as skewed:
        skewed._clock = lambda: clock.now - 400

        with pytest.raises(InvalidCredentialsError) as caught:
            skewed.authorized_shops()

    assert caught.value.code == 36009004


def test_missing_credentials_say_what_is_missing(sim) -> None:
    with (
        connect(sim, MemoryCredentialStore()) as empty,
        pytest.raises(NotConfiguredError, match="tiktok.access_token"),
    ):
        empty.authorized_shops()


def test_env_values_are_used_but_never_written(sim) -> None:
    tokens = sim.issue_tokens()
    environ = {
        "GIVEAWAY_DESK_TIKTOK_APP_KEY": sim.app_key,
        "GIVEAWAY_DESK_TIKTOK_APP_SECRET": sim.app_secret,
        "GIVEAWAY_DESK_TIKTOK_ACCESS_TOKEN": tokens["access_token"],
        "GIVEAWAY_DESK_TIKTOK_REFRESH_TOKEN": tokens["refresh_token"],
    }
    inner = MemoryCredentialStore()
    layered = EnvCredentialStore(inner, dict(environ))
    sim.expire_access_tokens()

    with connect(sim, inner) as plain, connect(sim, layered) as tiktok:
        shops = tiktok.authorized_shops()
        tiktok.search_orders({}, page_size=1)
        with pytest.raises(NotConfiguredError):
            plain.authorized_shops()

    assert shops[0].cipher == sim.shop.cipher
    # The refreshed pair went to the inner store and now wins over the env.
    assert inner.get(names.ACCESS_TOKEN) == layered.get(names.ACCESS_TOKEN)
    assert layered.get(names.ACCESS_TOKEN).reveal() != tokens["access_token"]
    assert inner.get(names.APP_SECRET) is None, "env secrets are never copied"
    # The cipher was looked up once and kept for the next shop-scoped call.
    assert inner.get(names.SHOP_CIPHER) == Secret(sim.shop.cipher)


def test_config_reads_hosts_from_the_environment() -> None:
    config = TikTokConfig.from_env(
        {
            "GIVEAWAY_DESK_TIKTOK_API_URL": "http://127.0.0.1:9",
            "GIVEAWAY_DESK_TIKTOK_AUTH_URL": "http://127.0.0.1:10/",
        }
    )
    default = TikTokConfig.from_env({})

    assert config.api_base_url == "http://127.0.0.1:9/"
    assert config.auth_base_url == "http://127.0.0.1:10/"
    assert default.api_base_url == "https://open-api.tiktokglobalshop.com/"
    assert default.user_agent.startswith("GiveawayDesk/")


# --- calls ----------------------------------------------------------------------


def test_orders_are_searched_page_by_page_and_details_fetched_fifty_at_a_time(
    sim, client
) -> None:
    ids: list[str] = []
    token = None
    while True:
        page = client.search_orders({}, page_size=50, page_token=token)
        ids += [order["id"] for order in page.orders]
        token = page.next_page_token or None
        if token is None:
            break

    details = client.order_details(ids)

    assert len(ids) == len(set(ids)) == 120 == page.total_count
    assert [order["id"] for order in details] == ids
    assert sim.calls_by_route["order_detail"] == 3


def test_page_size_above_one_hundred_is_refused_before_sending(client) -> None:
    with pytest.raises(ValueError, match="page_size"):
        client.search_orders({}, page_size=101)


def test_carriers_products_and_packages_are_read(client) -> None:
    providers = client.shipping_providers("7200000000000000011")
    product = client.product_detail("1729500000000000201")
    package = client.package_detail(PACKAGE_ID)

    assert "USPS" in [p.name for p in providers]
    assert product["skus"][0]["seller_sku"] == "CNDL-LAV-08"
    assert package["package_status"] == "TO_FULFILL"


def test_refusals_map_to_our_exception_types(sim, client) -> None:
    sim.missing_scopes.add("product_detail")

    with pytest.raises(MissingScopeError):
        client.product_detail("1729500000000000201")
    with pytest.raises(NotOwnedError):
        client.package_detail("999")


def test_transient_failures_are_retried_with_backoff(sim, client, sleeps) -> None:
    sim.faults.at_call(1, Fault.SERVER_ERROR)
    sim.faults.at_call(2, Fault.MALFORMED)
    sim.faults.at_call(3, Fault.DROP)
    sim.faults.at_call(4, Fault.RATE_LIMIT)

    shops = client.authorized_shops()

    assert len(shops) == 1
    assert len(sleeps) == 4
    assert sleeps[3] == 1.0, "the Retry-After value is honoured"
    assert all(0 <= delay <= 30 for delay in sleeps)


def test_retries_stop_after_the_policy_gives_up(sim, store, sleeps) -> None:
    sim.faults.server_error_every = 1

    with (
        connect(sim, store, sleep=sleeps, attempts=3) as tiktok,
        pytest.raises(ServerError),
    ):
        tiktok.authorized_shops()

    assert len(sleeps) == 2


def test_rate_limit_errors_carry_the_retry_time(sim, store) -> None:
    sim.faults.retry_after_s = 7
    sim.faults.at_call(1, Fault.RATE_LIMIT)

    with (
        connect(sim, store, attempts=1) as tiktok,
        pytest.raises(RateLimitedError) as caught,
    ):
        tiktok.authorized_shops()

    assert caught.value.retry_after == 7
    assert caught.value.status == 429


# --- shipping -------------------------------------------------------------------


def test_shipping_is_confirmed_by_reading_the_package_back(sim, client) -> None:
    outcome = client.ship(ORDER_ID, PACKAGE_ID, "9400100000000000000001", USPS)

    assert outcome.tracking_number == "9400100000000000000001"
    assert not outcome.was_already_shipped
    assert sim.calls_by_route["package_detail"] == 1
    assert sim.ship_calls_effective[ORDER_ID] == 1
    assert sim.orders[ORDER_ID]["status"] == "AWAITING_COLLECTION"


def test_a_lost_ship_answer_is_read_back_and_not_shipped_twice(sim, client) -> None:
    sim.faults.next_on("/packages", Fault.LOSE_RESPONSE)

    outcome = client.ship(ORDER_ID, PACKAGE_ID, "9400100000000000000001", USPS)

    assert outcome.was_already_shipped
    assert sim.ship_calls_received[ORDER_ID] == 1
    assert sim.ship_calls_effective[ORDER_ID] == 1


def test_a_cut_ship_answer_before_the_effect_is_sent_again_after_reading(
    sim, client
) -> None:
    sim.faults.next_on("/packages", Fault.SERVER_ERROR)

    outcome = client.ship(ORDER_ID, PACKAGE_ID, "9400100000000000000001", USPS)

    assert not outcome.was_already_shipped
    assert sim.ship_calls_effective[ORDER_ID] == 1
    assert sim.calls_by_route["package_detail"] == 2


def test_shipping_again_with_the_same_tracking_number_is_done(sim, client) -> None:
    client.ship(ORDER_ID, PACKAGE_ID, "9400100000000000000001", USPS)

    again = client.ship(ORDER_ID, PACKAGE_ID, "9400100000000000000001", USPS)

    assert again.was_already_shipped
    assert sim.ship_calls_effective[ORDER_ID] == 1


def test_a_package_shipped_with_another_number_is_reported(sim, client) -> None:
    client.ship(ORDER_ID, PACKAGE_ID, "9400100000000000000001", USPS)

    with pytest.raises(ShippedWithOtherTrackingError) as caught:
        client.ship(ORDER_ID, PACKAGE_ID, "9400100000000000000999", USPS)

    assert caught.value.tracking_number == "9400100000000000000001"


def test_regions_without_mark_as_shipped_use_ship_package(clock) -> None:
    sim = make_sim(
        make_orders(3, int(clock.now) - 60), clock=clock, shop=SimShop(region="ID")
    )
    with connect(sim, authorized_store(sim)) as tiktok:
        first = tiktok.ship(ORDER_ID, PACKAGE_ID, "JX100", USPS)
        second = tiktok.ship("579200000000000002", "1154000000000000002", "JX101", USPS)

    assert first.tracking_number == "JX100" and second.tracking_number == "JX101"
    assert sim.calls_by_route["ship_package"] == 2
    assert sim.calls_by_route["mark_shipped"] == 1, "the refusal is remembered"


def test_ship_gives_up_when_tikTok_stays_unreachable(sim, store) -> None:
    sim.faults.server_error_every = 1

    with (
        connect(sim, store, attempts=2) as tiktok,
        pytest.raises((ServerError, TikTokUnavailableError)),
    ):
        tiktok.ship(ORDER_ID, PACKAGE_ID, "9400100000000000000001", USPS)

    assert sim.ship_calls_effective[ORDER_ID] == 0


def test_tracking_can_be_corrected_within_72_hours(sim, client, clock) -> None:
    client.ship(ORDER_ID, PACKAGE_ID, "9400100000000000000001", USPS)
    clock.now += 3600

    client.update_tracking(ORDER_ID, "9400100000000000000002", USPS)

    assert sim.packages[PACKAGE_ID]["tracking_number"] == "9400100000000000000002"


def test_without_a_package_id_the_order_is_shipped_and_read_back(sim, client) -> None:
    outcome = client.ship(ORDER_ID, "", "9400100000000000000001", USPS)

    assert outcome.package_id == PACKAGE_ID
    assert sim.calls_by_route["order_detail"] == 1
    assert sim.ship_calls_effective[ORDER_ID] == 1


def test_without_a_package_id_other_regions_look_the_package_up(clock) -> None:
    sim = make_sim(
        make_orders(2, int(clock.now) - 60), clock=clock, shop=SimShop(region="ID")
    )
    with connect(sim, authorized_store(sim)) as tiktok:
        outcome = tiktok.ship(ORDER_ID, "", "JX100", USPS)

    assert outcome.package_id == PACKAGE_ID
    assert sim.calls_by_route["ship_package"] == 1


def test_a_lost_ship_answer_over_loopback_ships_once(sim, store) -> None:
    sim.faults.next_on("/packages", Fault.LOSE_RESPONSE)

    with (
        SimServer(sim) as server,
        connect(sim, store, base_url=server.base_url) as tiktok,
    ):
        outcome = tiktok.ship(ORDER_ID, PACKAGE_ID, "9400100000000000000001", USPS)

    assert outcome.was_already_shipped
    assert sim.ship_calls_effective[ORDER_ID] == 1


def test_a_non_json_client_error_is_not_retried(store, sleeps, clock) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/authorization/202309/shops", request.url.path
        return httpx.Response(404, text="<html>Not Found</html>")

    config = TikTokConfig(
        api_base_url="https://proxy.invalid/",
        auth_base_url="https://proxy.invalid/",
        transport=httpx.MockTransport(handler),
    )
    with (
        TikTokShopClient(config, store, sleep=sleeps, clock=clock) as tiktok,
        pytest.raises(TikTokRejectedError, match="HTTP 404"),
    ):
        tiktok.authorized_shops()

    assert sleeps == []


def test_threads_sharing_a_client_refresh_an_expired_token_once(sim, client) -> None:
    client.authorized_shops()
    sim.expire_access_tokens()
    sim.faults.latency_s = 0.02
    results: list[int] = []

    def work() -> None:
        results.append(len(client.authorized_shops()))

    threads = [threading.Thread(target=work) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)

    assert results == [1] * 6
    assert sim.refreshes == 1


def test_a_refresh_token_alone_is_enough_to_start(sim, store) -> None:
    store.delete(names.ACCESS_TOKEN)
    store.delete(names.ACCESS_EXPIRES_AT)

    with connect(sim, store) as tiktok:
        missing = tiktok.missing_credentials()
        shops = tiktok.authorized_shops()

    assert missing == []
    assert len(shops) == 1 and sim.refreshes == 1
    assert store.get(names.ACCESS_TOKEN)


def test_missing_credentials_are_listed_together(sim) -> None:
    store = MemoryCredentialStore({names.APP_KEY: Secret("k")})

    with connect(sim, store) as tiktok:
        assert tiktok.missing_credentials() == [names.APP_SECRET, names.ACCESS_TOKEN]


def test_carrier_names_are_turned_into_provider_ids_once_per_option(
    sim, client
) -> None:
    fedex = client.provider_id_for("7200000000000000011", "fedex")
    ups = client.provider_id_for("7200000000000000011", " UPS ")

    with pytest.raises(UnknownShippingProviderError, match="USPS"):
        client.provider_id_for("7200000000000000011", "Pigeon Post")
    assert (fedex, ups) == ("6617675021119438851", "6617675021119438850")
    assert sim.calls_by_route["shipping_providers"] == 1


def test_a_refused_ship_request_is_not_sent_again(sim, client) -> None:
    with pytest.raises(TikTokRejectedError) as caught:
        client.ship(ORDER_ID, PACKAGE_ID, "9400100000000000000001", "no-such-carrier")

    assert caught.value.code == 21009006
    assert sim.calls_by_route["mark_shipped"] == 1
    assert sim.calls_by_route["package_detail"] == 1, "it looked before giving up"
    assert sim.ship_calls_effective[ORDER_ID] == 0


def test_token_expiry_times_are_absolute_and_a_lifetime_is_tolerated(clock) -> None:
    answers = iter([1_767_900_000, 604_800])

    def token_host(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/api/v2/token/refresh", request.url.path
        expiry = next(answers)
        data = {
            "access_token": "a",
            "refresh_token": "r",
            "access_token_expire_in": expiry,
            "refresh_token_expire_in": expiry,
        }
        return httpx.Response(200, json={"code": 0, "data": data})

    store = MemoryCredentialStore(
        {
            names.APP_KEY: Secret("k"),
            names.APP_SECRET: Secret("s"),
            names.REFRESH_TOKEN: Secret("r0"),
        }
    )
    config = TikTokConfig(transport=httpx.MockTransport(token_host))
    with TikTokShopClient(config, store, clock=clock) as tiktok:
        absolute = tiktok.refresh_tokens()
        lifetime = tiktok.refresh_tokens()

    assert absolute.access_expires_at == 1_767_900_000
    assert lifetime.access_expires_at == int(clock.now) + 604_800
