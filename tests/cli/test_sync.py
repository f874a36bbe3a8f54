"""``giveaway-desk sync --once`` against the simulated TikTok Shop over loopback."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.cli import main
from app.net.tiktok import credentials as names
from app.services.credentials import CredentialsService
from app.sim.demo_store import build_demo_store
from app.sim.tiktok import Fault, SimServer, TikTokShopSim, seed_demo_store
from tests.utils.sync_world import (
    client_settings,
    make_simulators,
    prepare_bench,
    shopify_units_by_order,
    tracking_for,
)


@pytest.fixture
def demo_orders() -> list[dict]:
    # An hour back, so no demo order is stamped after the moment the pull ends.
    return list(build_demo_store(now=datetime.now(UTC) - timedelta(hours=1)).orders)


@pytest.fixture
def sim(demo_orders) -> TikTokShopSim:
    return seed_demo_store(TikTokShopSim(), demo_orders)


@pytest.fixture
def tiktok_env(sim, monkeypatch):
    """Point the command at the simulator and give it credentials by env."""
    tokens = sim.issue_tokens()
    with SimServer(sim) as server:
        for name, value in {
            "GIVEAWAY_DESK_TIKTOK_API_URL": server.base_url,
            "GIVEAWAY_DESK_TIKTOK_AUTH_URL": server.base_url,
            "GIVEAWAY_DESK_TIKTOK_APP_KEY": sim.app_key,
            "GIVEAWAY_DESK_TIKTOK_APP_SECRET": sim.app_secret,
            "GIVEAWAY_DESK_TIKTOK_ACCESS_TOKEN": tokens["access_token"],
            "GIVEAWAY_DESK_TIKTOK_REFRESH_TOKEN": tokens["refresh_token"],
        }.items():
            monkeypatch.setenv(name, value)
        yield tokens


def queue_ids(data_dir: Path, capsys) -> list[str]:
    capsys.readouterr()
    assert main(["--data-dir", str(data_dir), "queue", "--json"]) == 0
    return sorted(row["order_id"] for row in json.loads(capsys.readouterr().out))


def test_sync_once_queues_the_same_orders_as_importing_the_payloads(
    tiktok_env, demo_orders, tmp_path, capsys
) -> None:
    synced, imported = tmp_path / "synced", tmp_path / "imported"
    payload = tmp_path / "orders.json"
    payload.write_text(json.dumps(demo_orders))

    assert main(["--data-dir", str(synced), "sync", "--once"]) == 0
    summary = capsys.readouterr().out
    assert main(["--data-dir", str(imported), "import-orders", str(payload)]) == 0

    via_api = queue_ids(synced, capsys)
    giveaways = [o for o in demo_orders if o.get("order_type") == "ZERO_LOTTERY"]
    samples = [o for o in demo_orders if o.get("is_sample_order")]
    assert "TikTok sync:" in summary and " new" in summary
    assert via_api == queue_ids(imported, capsys)
    assert set(via_api) & {o["id"] for o in giveaways}
    assert set(via_api) & {o["id"] for o in samples}


def test_a_second_sync_continues_from_the_stored_cursor(
    tiktok_env, sim, tmp_path, capsys
) -> None:
    data_dir = str(tmp_path / "data")
    main(["--data-dir", data_dir, "sync", "--once"])
    searches_first = sim.calls_by_route["order_search"]
    capsys.readouterr()

    assert main(["--data-dir", data_dir, "sync", "--once"]) == 0

    assert "0 new" in capsys.readouterr().out
    assert sim.calls_by_route["order_search"] == searches_first + 1


def test_an_expired_env_token_is_refreshed_and_kept_in_the_keyring(
    tiktok_env, sim, tmp_path, isolated_folders, capsys
) -> None:
    sim.expire_access_tokens()

    assert main(["--data-dir", str(tmp_path / "d"), "sync", "--once"]) == 0

    kept = CredentialsService.from_settings().store.get(names.ACCESS_TOKEN)
    assert sim.refreshes == 1
    assert kept is not None and kept.reveal() != tiktok_env["access_token"]
    assert CredentialsService.from_settings().store.get(names.APP_SECRET) is None
    logs = "".join(
        path.read_text() for path in isolated_folders.rglob("giveaway-desk.log*")
    )
    assert "refreshing" in logs, "the run was logged to the log file"
    for secret in (sim.app_secret, tiktok_env["refresh_token"], kept.reveal()):
        assert secret not in logs


def test_a_sync_that_fails_halfway_keeps_its_pages_and_the_next_continues(
    tiktok_env, sim, demo_orders, monkeypatch, tmp_path, capsys
) -> None:
    synced, imported = tmp_path / "synced", tmp_path / "imported"
    payload = tmp_path / "orders.json"
    payload.write_text(json.dumps(demo_orders))
    sim.revoke_refresh_tokens()
    sim.faults.at_call(4, Fault.EXPIRE_TOKEN)

    first = main(["--data-dir", str(synced), "sync", "--once", "--page-size", "50"])
    out, err = capsys.readouterr()
    fresh = sim.issue_tokens()
    monkeypatch.setenv("GIVEAWAY_DESK_TIKTOK_ACCESS_TOKEN", fresh["access_token"])
    monkeypatch.setenv("GIVEAWAY_DESK_TIKTOK_REFRESH_TOKEN", fresh["refresh_token"])
    second = main(["--data-dir", str(synced), "sync", "--once", "--page-size", "50"])
    main(["--data-dir", str(imported), "import-orders", str(payload)])

    assert first == 1 and "Before the failure: 2 page(s)" in out
    assert "authorize" in err.lower() or "36004005" in err
    assert second == 0
    assert queue_ids(synced, capsys) == queue_ids(imported, capsys)


def test_a_refused_sync_fails_with_a_sentence(
    tiktok_env, sim, monkeypatch, tmp_path, capsys
) -> None:
    monkeypatch.setenv("GIVEAWAY_DESK_TIKTOK_APP_SECRET", "not-the-app-secret")

    code = main(["--data-dir", str(tmp_path / "d"), "sync", "--once"])

    err = capsys.readouterr().err
    assert code == 1
    assert "TikTok sync failed" in err and "106001" in err
    assert "Traceback" not in err and "not-the-app-secret" not in err


def test_a_station_without_credentials_is_told_how_to_add_them(
    tmp_path, capsys
) -> None:
    code = main(["--data-dir", str(tmp_path / "d"), "sync", "--once"])

    err = capsys.readouterr().err
    assert code == 1
    assert "tiktok.app_key" in err and "credentials set" in err


def test_sync_without_once_keeps_pulling_until_it_is_stopped(
    tiktok_env, tmp_path, capsys
) -> None:
    data_dir = tmp_path / "d"

    assert main(["--data-dir", str(data_dir), "sync", "--rounds", "1"]) == 0

    out = capsys.readouterr().out
    assert "Syncing" in out and "Stopped; 0 waiting" in out
    assert queue_ids(data_dir, capsys)  # the round pulled the orders


def test_sync_once_sends_the_outbox_to_both_shops_once(
    tmp_path, capsys, monkeypatch
) -> None:
    data_dir = tmp_path / "d"
    with make_simulators(3) as services:
        bench = prepare_bench(data_dir, services)
        for order_id in sorted(services.tiktok_sim.orders)[:2]:
            bench.fulfil(bench.find_shipment(order_id), tracking_for(order_id))
        bench.close()
        settings = client_settings(services)
        for name, value in {
            "GIVEAWAY_DESK_TIKTOK_API_URL": settings["tiktok_url"],
            "GIVEAWAY_DESK_TIKTOK_AUTH_URL": settings["tiktok_url"],
            "GIVEAWAY_DESK_TIKTOK_APP_KEY": settings["tiktok_app_key"],
            "GIVEAWAY_DESK_TIKTOK_APP_SECRET": settings["tiktok_app_secret"],
            "GIVEAWAY_DESK_TIKTOK_ACCESS_TOKEN": settings["tiktok_access_token"],
            "GIVEAWAY_DESK_TIKTOK_REFRESH_TOKEN": settings["tiktok_refresh_token"],
            "GIVEAWAY_DESK_SHOPIFY_URL": settings["shopify_url"],
            "GIVEAWAY_DESK_SHOPIFY_LOCATION_ID": settings["location_id"],
            "GIVEAWAY_DESK_SHOPIFY_CLIENT_ID": settings["shopify_client_id"],
            "GIVEAWAY_DESK_SHOPIFY_CLIENT_SECRET": settings["shopify_client_secret"],
        }.items():
            monkeypatch.setenv(name, value)

        first = main(["--data-dir", str(data_dir), "sync", "--once"])
        out = capsys.readouterr().out
        second = main(["--data-dir", str(data_dir), "sync", "--once"])

        assert first == 0 and second == 0
        assert "Outbox: 4 sent" in out and "2 shipments synced" in out
        assert "0 waiting" in out
        shipped = services.tiktok_sim.ship_calls_received
        assert sorted(shipped.values()) == [1, 1]
        assert sorted(shopify_units_by_order(services.shopify_sim).values()) == [1, 1]
