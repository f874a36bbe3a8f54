"""Connecting the stores through the wizard's service, against the simulators."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from app.domain.credentials import Secret
from app.services.connections import (
    CarrierRow,
    ConnectionProblem,
    ConnectionsService,
    shop_domain_from,
)
from app.services.credentials import CredentialsService
from app.sim.tiktok import SimTransport, TikTokShopSim
from app.storage.settings import load_settings
from tests.utils.memory_keyring import MemoryKeyring
from tests.utils.shopify_sim import (
    CANARY_CLIENT_ID,
    CANARY_CLIENT_SECRET,
    Shop,
    make_shop,
)
from tests.utils.tiktok_orders import make_order
from tests.utils.tiktok_sim import CANARY_APP_KEY, CANARY_SECRET, make_sim

SHOP_DOMAIN = "giveaway-test.myshopify.com"


@pytest.fixture
def sim() -> TikTokShopSim:
    return make_sim()


@pytest.fixture
def shop() -> Shop:
    return make_shop()


@pytest.fixture
def service(sim: TikTokShopSim, shop: Shop) -> ConnectionsService:
    return ConnectionsService(
        CredentialsService("wizard-test"),
        environ={},
        tiktok_transport=SimTransport(sim),
        shopify_transport=shop.sim.transport(),
    )


def redirect_for(service: ConnectionsService, code: str) -> str:
    link = service.authorization_link("7123456789")
    return f"https://seller.example/callback?code={code}&state={link.state}"


def stored(service: ConnectionsService, name: str) -> str | None:
    value = service.credentials.store.get(name)
    return value.reveal() if value else None


# --- TikTok Shop ------------------------------------------------------------------


def test_the_authorization_link_names_the_service_and_a_fresh_state(
    service: ConnectionsService,
) -> None:
    first = service.authorization_link(" 7123456789 ")
    second = service.authorization_link("7123456789")

    query = parse_qs(urlsplit(first.url).query)
    assert first.url.startswith("https://services.tiktokshop.com/open/authorize?")
    assert query == {"service_id": ["7123456789"], "state": [first.state]}
    assert first.state != second.state
    assert load_settings().stored.tiktok_service_id == "7123456789"
    us = service.authorization_link("7123456789", us_shop=True)
    assert us.url.startswith("https://services.us.tiktokshop.com/open/authorize?")


def test_a_pasted_redirect_url_gives_its_code_only_with_our_state(
    service: ConnectionsService,
) -> None:
    url = redirect_for(service, "abc123")
    assert service.code_from(url).reveal() == "abc123"
    assert service.code_from("  plain-code  ").reveal() == "plain-code"

    with pytest.raises(ConnectionProblem, match="different authorization request"):
        service.code_from("https://seller.example/cb?code=abc&state=someone-else")
    with pytest.raises(ConnectionProblem, match="no authorization code"):
        service.code_from("https://seller.example/cb?state=x")


def test_a_code_is_exchanged_and_tokens_are_saved_with_the_app_keys(
    service: ConnectionsService, sim: TikTokShopSim, memory_keyring: MemoryKeyring
) -> None:
    url = redirect_for(service, sim.issue_auth_code())

    connected = service.connect_tiktok(
        Secret(CANARY_APP_KEY), Secret(CANARY_SECRET), url
    )

    assert [shop.name for shop in connected.shops] == [sim.shop.name]
    assert stored(service, "tiktok.app_secret") == CANARY_SECRET
    assert (stored(service, "tiktok.access_token") or "").startswith("TTP_sim")
    assert (stored(service, "tiktok.refresh_token") or "").startswith("TTP_simr")
    assert int(stored(service, "tiktok.access_token_expires_at") or 0) > 0
    # They are in the (test) OS keyring, under this profile.
    entries = memory_keyring.entries("GiveawayDesk/wizard-test")
    assert entries["tiktok.app_secret"] == CANARY_SECRET

    service.choose_tiktok_shop(connected.shops[0])
    assert stored(service, "tiktok.shop_cipher") == sim.shop.cipher
    settings = load_settings().stored
    assert (settings.tiktok_shop_id, settings.tiktok_shop_name) == (
        sim.shop.id,
        sim.shop.name,
    )
    assert "covers 1 shop(s): Demo Candle Co" in service.test_tiktok()


def test_a_wrong_app_secret_is_explained_and_nothing_is_saved(
    service: ConnectionsService, sim: TikTokShopSim
) -> None:
    url = redirect_for(service, sim.issue_auth_code())

    with pytest.raises(ConnectionProblem) as problem:
        service.connect_tiktok(Secret(CANARY_APP_KEY), Secret("wrong-secret"), url)

    assert "did not accept the credentials" in str(problem.value)
    assert "app secret" in str(problem.value)
    assert stored(service, "tiktok.app_secret") is None


def test_a_used_code_is_explained_as_expired_or_invalid(
    service: ConnectionsService, sim: TikTokShopSim
) -> None:
    code = sim.issue_auth_code()
    service.connect_tiktok(Secret(CANARY_APP_KEY), Secret(CANARY_SECRET), code)

    with pytest.raises(ConnectionProblem) as problem:
        service.connect_tiktok(Secret(CANARY_APP_KEY), Secret(CANARY_SECRET), code)

    assert "36004004" in str(problem.value)
    assert "expire after about 30 minutes" in str(problem.value)


def test_test_connection_names_a_bad_signature_as_a_wrong_app_secret(
    service: ConnectionsService, sim: TikTokShopSim
) -> None:
    service.connect_tiktok(
        Secret(CANARY_APP_KEY), Secret(CANARY_SECRET), sim.issue_auth_code()
    )
    service.credentials.set_secret("tiktok.app_secret", Secret("typo-secret"))

    with pytest.raises(ConnectionProblem) as problem:
        service.test_tiktok()

    assert "106001" in str(problem.value)
    assert "the app secret is wrong" in str(problem.value)


def test_test_connection_before_connecting_says_what_to_do(
    service: ConnectionsService,
) -> None:
    with pytest.raises(ConnectionProblem, match="not connected yet"):
        service.test_tiktok()


def test_network_down_is_explained(sim: TikTokShopSim) -> None:
    # Nothing listens on port 9 of the loopback interface.
    down = "http://127.0.0.1:9/"
    service = ConnectionsService(
        CredentialsService("offline"),
        environ={
            "GIVEAWAY_DESK_TIKTOK_API_URL": down,
            "GIVEAWAY_DESK_TIKTOK_AUTH_URL": down,
        },
    )

    with pytest.raises(ConnectionProblem, match="could not be reached"):
        service.connect_tiktok(Secret("k"), Secret("s"), "some-code")


def test_shipping_providers_come_from_a_recent_orders_delivery_option(
    sim: TikTokShopSim, shop: Shop
) -> None:
    sim.seed_orders([make_order(1, int(sim.clock()))])
    service = ConnectionsService(
        CredentialsService("providers"),
        environ={},
        tiktok_transport=SimTransport(sim),
    )
    connected = service.connect_tiktok(
        Secret(CANARY_APP_KEY), Secret(CANARY_SECRET), sim.issue_auth_code()
    )
    service.choose_tiktok_shop(connected.shops[0])

    providers = service.tiktok_shipping_providers()

    assert "USPS" in [p.name for p in providers]


# --- Shopify ------------------------------------------------------------------


def test_shop_addresses_are_read_the_way_people_type_them() -> None:
    assert shop_domain_from("giveaway-test") == SHOP_DOMAIN
    assert shop_domain_from(" Giveaway-Test.myshopify.com ") == SHOP_DOMAIN
    assert shop_domain_from("https://giveaway-test.myshopify.com/admin") == SHOP_DOMAIN
    with pytest.raises(ConnectionProblem, match="not a Shopify shop address"):
        shop_domain_from("www.example.com")


def test_shopify_client_credentials_are_saved_and_a_location_is_chosen(
    service: ConnectionsService, shop: Shop
) -> None:
    locations = service.connect_shopify(
        SHOP_DOMAIN,
        client_id=Secret(CANARY_CLIENT_ID),
        client_secret=Secret(CANARY_CLIENT_SECRET),
    )

    assert [loc.name for loc in locations] == ["Main warehouse"]
    assert stored(service, "shopify.client_secret") == CANARY_CLIENT_SECRET
    assert (stored(service, "shopify.access_token") or "").startswith("shpca_")
    service.choose_shopify_location(locations[0])
    settings = load_settings().stored
    assert settings.shopify_location_id == shop.location_id
    assert settings.shopify_shop_domain == SHOP_DOMAIN
    assert "Stock is taken from Main warehouse" in service.test_shopify()


def test_a_wrong_shopify_secret_is_explained_and_nothing_is_saved(
    service: ConnectionsService,
) -> None:
    with pytest.raises(ConnectionProblem, match="did not accept the credentials"):
        service.connect_shopify(
            SHOP_DOMAIN, client_id=Secret(CANARY_CLIENT_ID), client_secret=Secret("no")
        )

    assert stored(service, "shopify.client_id") is None
    assert load_settings().stored.shopify_shop_domain == ""


def test_an_admin_token_replaces_client_credentials(
    service: ConnectionsService,
) -> None:
    service.connect_shopify(
        SHOP_DOMAIN,
        client_id=Secret(CANARY_CLIENT_ID),
        client_secret=Secret(CANARY_CLIENT_SECRET),
    )

    service.connect_shopify(SHOP_DOMAIN, admin_token=Secret("shpat_sim_admin_token"))

    assert stored(service, "shopify.admin_token") == "shpat_sim_admin_token"
    assert stored(service, "shopify.client_id") is None
    assert stored(service, "shopify.access_token") is None


# --- carriers and disconnecting ---------------------------------------------------


def test_carriers_start_with_shopify_names_and_keep_edits(
    service: ConnectionsService,
) -> None:
    rows = {row.carrier: row for row in service.carrier_rows()}
    assert rows["Amazon Logistics"].shopify_tracking_company == "Amazon"
    assert rows["Other"].shopify_tracking_company == "Other"

    service.save_carrier_rows(
        [CarrierRow("UPS", "UPS", "6617675021119438850"), CarrierRow("USPS", "USPS")]
    )

    again = {row.carrier: row for row in service.carrier_rows()}
    assert again["UPS"].tiktok_shipping_provider_id == "6617675021119438850"
    assert again["FedEx"].shopify_tracking_company == "FedEx"


def test_disconnect_deletes_the_secrets_and_the_chosen_shop(
    service: ConnectionsService, sim: TikTokShopSim
) -> None:
    connected = service.connect_tiktok(
        Secret(CANARY_APP_KEY), Secret(CANARY_SECRET), sim.issue_auth_code()
    )
    service.choose_tiktok_shop(connected.shops[0])

    service.disconnect("tiktok")

    assert stored(service, "tiktok.app_secret") is None
    assert stored(service, "tiktok.shop_cipher") is None
    assert service.status().tiktok_shop == "not connected"
