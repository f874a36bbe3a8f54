"""Station settings: typed, versioned, atomic, redirectable, and never secret."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from app.domain.credentials import Secret
from app.storage.settings import (
    DEFAULT_TIKTOK_API_URL,
    SCHEMA_VERSION,
    CarrierMapping,
    Settings,
    SettingsError,
    load_settings,
    save_settings,
    settings_path,
    upgrade_data,
)

CANARY = "canary-51d0-settings"


def config_folder(isolated_folders: Path) -> Path:
    return isolated_folders / "config"


def test_a_fresh_station_gets_defaults() -> None:
    loaded = load_settings()

    assert loaded.stored == Settings()
    assert loaded.problem is None
    assert loaded.stored.tiktok_api_base_url == DEFAULT_TIKTOK_API_URL


def test_settings_are_saved_in_the_redirected_config_folder_and_read_back(
    isolated_folders: Path,
) -> None:
    settings = Settings(
        station_name="Bench 3",
        user_name="Ana",
        store_profile="main-shop",
        tiktok_shop_id="7495",
        shopify_shop_domain="example.myshopify.com",
        notify_customer=True,
        carrier_mappings=(CarrierMapping("USPS", "6617675021119438597", "USPS"),),
    )

    path = save_settings(settings)

    assert path == config_folder(isolated_folders) / "settings.json"
    assert json.loads(path.read_text())["schema_version"] == SCHEMA_VERSION
    assert load_settings().stored == settings


def test_environment_overrides_apply_for_this_run_and_are_not_saved(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    save_settings(Settings(shopify_shop_domain="real.myshopify.com"))
    monkeypatch.setenv("GIVEAWAY_DESK_TIKTOK_API_URL", "http://127.0.0.1:8001/")
    monkeypatch.setenv("GIVEAWAY_DESK_TIKTOK_AUTH_URL", "http://127.0.0.1:8002/")
    monkeypatch.setenv("GIVEAWAY_DESK_SHOPIFY_URL", "http://127.0.0.1:8003")

    loaded = load_settings()
    save_settings(loaded.stored)

    assert loaded.effective.tiktok_api_base_url == "http://127.0.0.1:8001/"
    assert loaded.effective.tiktok_auth_base_url == "http://127.0.0.1:8002/"
    assert loaded.effective.shopify_shop_domain == "http://127.0.0.1:8003"
    assert set(loaded.overridden) == {
        "tiktok_api_base_url",
        "tiktok_auth_base_url",
        "shopify_shop_domain",
    }
    assert "127.0.0.1" not in settings_path().read_text()


def test_saving_a_secret_is_refused_and_nothing_is_written() -> None:
    leaky = Settings(tiktok_shop_id=Secret(CANARY))  # type: ignore[arg-type]

    with pytest.raises(SettingsError, match="holds a secret"):
        save_settings(leaky)

    assert not settings_path().exists()
    assert not list(settings_path().parent.iterdir())


def test_a_secret_hidden_in_a_carrier_mapping_is_refused_too() -> None:
    save_settings(Settings(station_name="Bench 1"))
    mapping = CarrierMapping("UPS", shopify_tracking_company=Secret(CANARY))  # type: ignore[arg-type]

    with pytest.raises(SettingsError, match="carrier_mappings"):
        save_settings(Settings(carrier_mappings=(mapping,)))

    assert CANARY not in settings_path().read_text()
    assert load_settings().stored.station_name == "Bench 1"


@pytest.mark.parametrize("profile", ["", "  ", "shop/a"])
def test_a_store_profile_that_cannot_name_keyring_entries_is_refused(
    profile: str,
) -> None:
    with pytest.raises(SettingsError, match="store profile"):
        save_settings(Settings(store_profile=profile))


def test_a_damaged_file_is_kept_aside_and_defaults_are_used() -> None:
    path = settings_path()
    path.write_text('{"station_name": "Bench 2",', encoding="utf-8")

    loaded = load_settings()

    assert loaded.stored == Settings()
    assert loaded.problem is not None
    assert "could not be read" in loaded.problem
    assert loaded.backup is not None
    assert loaded.backup.read_text(encoding="utf-8") == '{"station_name": "Bench 2",'
    assert str(loaded.backup) in loaded.problem
    assert not path.exists()


def test_a_file_holding_something_other_than_an_object_counts_as_damaged() -> None:
    settings_path().write_text("[1, 2]", encoding="utf-8")

    loaded = load_settings()

    assert loaded.problem is not None
    assert loaded.backup is not None


def test_a_value_of_the_wrong_kind_is_reset_and_named() -> None:
    data = {
        "schema_version": 1,
        "station_name": "Bench 4",
        "notify_customer": "yes",
        "store_profile": "a/b",
    }
    settings_path().write_text(json.dumps(data), encoding="utf-8")

    loaded = load_settings()

    assert loaded.stored.station_name == "Bench 4"
    assert loaded.stored.notify_customer is False
    assert loaded.stored.store_profile == "default"
    assert loaded.problem is not None and "notify_customer" in loaded.problem
    assert "store_profile" in loaded.problem


def test_a_file_without_a_version_is_upgraded() -> None:
    settings_path().write_text('{"station_name": "Old bench"}', encoding="utf-8")

    loaded = load_settings()

    assert loaded.stored.station_name == "Old bench"
    assert loaded.problem is None


def test_upgrades_run_one_version_after_another() -> None:
    upgrades = {
        1: lambda data: {"schema_version": 1, "shop": data["shop_name"]},
        2: lambda data: {**data, "shop": data["shop"].upper()},
    }

    data = upgrade_data({"schema_version": 1, "shop_name": "mine"}, upgrades, target=3)

    assert data == {"schema_version": 3, "shop": "MINE"}


def test_a_file_from_a_newer_version_still_loads_with_a_note() -> None:
    data = {"schema_version": SCHEMA_VERSION + 1, "station_name": "Bench 5", "new": 1}
    settings_path().write_text(json.dumps(data), encoding="utf-8")

    loaded = load_settings()

    assert loaded.stored.station_name == "Bench 5"
    assert loaded.problem is not None and "newer version" in loaded.problem


def test_saving_replaces_the_file_whole_and_leaves_no_temporary_files() -> None:
    save_settings(Settings(station_name="A" * 5000))
    save_settings(Settings(station_name="B"))

    assert load_settings().stored.station_name == "B"
    assert [p.name for p in settings_path().parent.iterdir()] == ["settings.json"]


def test_a_write_that_fails_midway_leaves_the_old_file_whole(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    save_settings(Settings(station_name="Before"))

    def disk_full(source: str, target: str) -> None:
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patch, pytest.raises(OSError, match="No space"):
        patch.setattr(os, "replace", disk_full)
        save_settings(Settings(station_name="After"))

    assert load_settings().stored.station_name == "Before"
    assert [p.name for p in settings_path().parent.iterdir()] == ["settings.json"]
