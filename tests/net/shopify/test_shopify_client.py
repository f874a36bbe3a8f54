"""The client: tokens, API version, HTTP failures mapped to plain, typed errors."""

from __future__ import annotations

import logging

import httpx
import pytest

from app.domain.credentials import MemoryCredentialStore, Secret
from app.net.shopify import auth, list_locations
from app.net.shopify.config import ShopifyConfig
from app.net.shopify.errors import (
    ShopifyAuthError,
    ShopifyCredentialsMissingError,
    ShopifyError,
    ShopifyForbiddenError,
    ShopifyLockedError,
    ShopifyNotFoundError,
    ShopifyOutcomeUnknownError,
    ShopifyPaymentRequiredError,
    ShopifyRequestError,
    ShopifyUnavailableError,
)
from app.sim.shopify import Fault
from tests.utils.shopify_sim import (
    CANARY_CLIENT_ID,
    CANARY_CLIENT_SECRET,
    Shop,
    app_store,
    connect,
    make_shop,
)


@pytest.fixture
def shop() -> Shop:
    return make_shop()


def test_client_credentials_token_is_fetched_kept_and_renewed_before_expiry(
    shop: Shop,
) -> None:
    store = app_store()

    with connect(shop, store) as client:
        list_locations(client)
        first = store.get(auth.ACCESS_TOKEN)
        shop.clock.sleep(23 * 3600)  # still valid for an hour: kept
        list_locations(client)
        kept = store.get(auth.ACCESS_TOKEN)
        shop.clock.sleep(3600 - 5 * 60)  # five minutes left: renewed first
        list_locations(client)
        renewed = store.get(auth.ACCESS_TOKEN)

    assert first is not None and first.reveal().startswith("shpca_")
    assert kept == first
    assert renewed is not None and renewed != first
    assert store.get(auth.ACCESS_TOKEN_EXPIRES_AT) is not None


def test_a_revoked_token_is_renewed_once_on_401(shop: Shop) -> None:
    store = app_store()
    with connect(shop, store) as client:
        list_locations(client)
        shop.sim.expire_tokens()

        assert len(list_locations(client)) == 1


def test_a_bad_legacy_token_stops_with_a_plain_message(shop: Shop) -> None:
    store = MemoryCredentialStore({auth.ADMIN_TOKEN: Secret("shpat_revoked")})

    with connect(shop, store) as client, pytest.raises(ShopifyAuthError) as refused:
        list_locations(client)

    assert "Settings > Shopify" in str(refused.value)


def test_wrong_client_secret_is_reported_as_such(shop: Shop) -> None:
    store = MemoryCredentialStore(
        {auth.CLIENT_ID: Secret(CANARY_CLIENT_ID), auth.CLIENT_SECRET: Secret("nope")}
    )

    with (
        connect(shop, store) as client,
        pytest.raises(ShopifyAuthError, match="secret"),
    ):
        list_locations(client)


def test_no_credentials_at_all(shop: Shop) -> None:
    with (
        connect(shop, MemoryCredentialStore()) as client,
        pytest.raises(ShopifyCredentialsMissingError, match="client id and secret"),
    ):
        list_locations(client)


def test_environment_credentials_are_used_but_never_stored(
    shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(auth.CLIENT_ID_ENV, CANARY_CLIENT_ID)
    monkeypatch.setenv(auth.CLIENT_SECRET_ENV, CANARY_CLIENT_SECRET)
    store = MemoryCredentialStore()

    with connect(shop, store) as client:
        list_locations(client)

    assert store.get(auth.ACCESS_TOKEN) is None
    assert store.get(auth.CLIENT_ID) is None


def test_environment_overrides_shop_url_and_location() -> None:
    environ = {
        "GIVEAWAY_DESK_SHOPIFY_URL": "other-shop.myshopify.com",
        "GIVEAWAY_DESK_SHOPIFY_LOCATION_ID": "gid://shopify/Location/9",
    }

    config = ShopifyConfig.from_env("settings-shop.myshopify.com", None, environ)

    assert config.shop_url == "https://other-shop.myshopify.com/"
    assert config.location_id == "gid://shopify/Location/9"
    assert config.graphql_path == "admin/api/2026-10/graphql.json"


@pytest.mark.parametrize(
    ("status", "kind", "words"),
    [
        (402, ShopifyPaymentRequiredError, "unpaid bill"),
        (403, ShopifyForbiddenError, "scope"),
        (404, ShopifyNotFoundError, "shop address"),
        (423, ShopifyLockedError, "locked"),
    ],
)
def test_http_refusals_become_plain_typed_errors(
    shop: Shop, status: int, kind: type[ShopifyError], words: str
) -> None:
    shop.sim.faults.append(Fault("status", status=status))

    with connect(shop) as client, pytest.raises(kind, match=words):
        list_locations(client)


def test_server_errors_are_retried_then_succeed(shop: Shop) -> None:
    shop.sim.faults.append(Fault("status", status=503, times=2))

    with connect(shop) as client:
        assert len(list_locations(client)) == 1


def test_server_errors_that_persist_become_unavailable(shop: Shop) -> None:
    shop.sim.faults.append(Fault("status", status=502, times=10))

    with (
        connect(shop) as client,
        pytest.raises(ShopifyUnavailableError, match="queued"),
    ):
        list_locations(client)


def test_a_lost_answer_is_not_resent_when_the_caller_says_so(shop: Shop) -> None:
    shop.sim.faults.append(Fault("lose_response", "locations"))

    with connect(shop) as client, pytest.raises(ShopifyOutcomeUnknownError):
        client.run("Locations", {"first": 5}, resend_if_lost=False)

    assert shop.sim.state.counters.requests["locations"] == 1


def test_top_level_errors_are_not_user_errors(shop: Shop) -> None:
    with connect(shop) as client, pytest.raises(ShopifyRequestError) as rejected:
        client.run("Locations", {"first": "many"})

    assert rejected.value.problems


def test_answering_version_is_logged_and_no_secret_is(
    shop: Shop, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    store = app_store()

    with connect(shop, store) as client:
        list_locations(client)
        token = store.get(auth.ACCESS_TOKEN)

    assert client.answered_version == "2026-10"
    assert "Shopify answers with API version 2026-10" in caplog.text
    assert token is not None
    for secret in (CANARY_CLIENT_SECRET, CANARY_CLIENT_ID, token.reveal()):
        assert secret not in caplog.text


def test_an_unreachable_shop_is_reported_as_unavailable(shop: Shop) -> None:
    # Nothing listens on port 9 of the loopback interface.
    with (
        connect(
            shop,
            MemoryCredentialStore({auth.ADMIN_TOKEN: Secret("shpat_sim_admin_token")}),
            transport=httpx.HTTPTransport(),
            shop_url="http://127.0.0.1:9",
            max_attempts=2,
        ) as client,
        pytest.raises(ShopifyUnavailableError, match="could not be reached"),
    ):
        client.run("Locations", {"first": 5}, resend_if_lost=False)


def test_a_missing_scope_names_the_scope_to_grant() -> None:
    shop = make_shop(scope="read_products,write_inventory")

    with connect(shop) as client, pytest.raises(ShopifyForbiddenError) as denied:
        list_locations(client)

    assert "read_locations" in str(denied.value)
    assert "Reinstall the app" in str(denied.value)


def test_a_malformed_request_is_not_retried(shop: Shop) -> None:
    shop.sim.faults.append(Fault("status", status=400, times=5))

    with connect(shop) as client, pytest.raises(ShopifyRequestError, match="HTTP 400"):
        list_locations(client)

    assert shop.sim.faults[0].times == 4
