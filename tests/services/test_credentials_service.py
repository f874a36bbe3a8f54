"""The credentials facade the setup wizard, settings page and CLI call."""

from __future__ import annotations

import pytest
from keyring.backends import fail

from app.domain.credentials import Secret
from app.services.credentials import (
    BackendState,
    CredentialsService,
    KeyringUnavailable,
    Remedy,
    UnknownSecretNameError,
)
from app.storage.secrets import KeyringCredentialStore
from app.storage.settings import Settings, save_settings
from tests.utils.memory_keyring import LengthLimitedKeyring, MemoryKeyring


def headless_service() -> CredentialsService:
    store = KeyringCredentialStore("main-shop", backend=fail.Keyring(), timeout=5)
    return CredentialsService("main-shop", keyring_store=store)


def test_the_overview_names_the_set_secrets_and_never_their_values(
    memory_keyring: MemoryKeyring,
) -> None:
    service = CredentialsService("main-shop")
    service.set_secrets(
        {
            "tiktok.app_key": Secret("key-9f1e"),
            "tiktok.app_secret": Secret("secret-9f1e"),
        }
    )

    overview = service.overview()

    assert overview.backend.usable
    assert {e.name for e in overview.secrets if e.is_set} == {
        "tiktok.app_key",
        "tiktok.app_secret",
    }
    assert "9f1e" not in repr(overview)


def test_without_a_keyring_nothing_is_saved_until_the_user_chooses_this_run_only() -> (
    None
):
    service = headless_service()
    status = service.check_backend()
    assert status.state is BackendState.NO_BACKEND
    assert Remedy.USE_FOR_THIS_RUN in status.remedies
    with pytest.raises(KeyringUnavailable):
        service.set_secret("tiktok.app_secret", Secret("s"))
    assert {entry.is_set for entry in service.overview().secrets} == {None}

    service.use_for_this_run()
    service.set_secret("tiktok.app_secret", Secret("s"))

    assert service.store.get("tiktok.app_secret") == Secret("s")
    overview = service.overview()
    assert overview.for_this_run_only
    assert [e.name for e in overview.secrets if e.is_set] == ["tiktok.app_secret"]


def test_a_failed_save_of_several_secrets_keeps_the_old_ones() -> None:
    backend = LengthLimitedKeyring()
    store = KeyringCredentialStore("main-shop", backend=backend, timeout=5)
    service = CredentialsService("main-shop", keyring_store=store)
    service.set_secrets({"shopify.client_id": Secret("old-id")})
    backend.fail_on_write = backend.writes + 2

    with pytest.raises(KeyringUnavailable):
        service.set_secrets(
            {
                "shopify.client_id": Secret("new-id"),
                "shopify.client_secret": Secret("x"),
            }
        )

    assert store.get("shopify.client_id") == Secret("old-id")
    assert store.get("shopify.client_secret") is None


def test_disconnect_forgets_one_connector_only(memory_keyring: MemoryKeyring) -> None:
    service = CredentialsService("main-shop")
    service.set_secret("tiktok.access_token", Secret("t"))
    service.set_secret("shopify.admin_token", Secret("a"))

    service.disconnect("tiktok")

    assert list(memory_keyring.entries("GiveawayDesk/main-shop")) == [
        "shopify.admin_token"
    ]


def test_names_the_app_does_not_use_are_refused() -> None:
    service = CredentialsService("main-shop")

    with pytest.raises(UnknownSecretNameError, match="Known names"):
        service.set_secret("tiktok.acces_token", Secret("t"))
    with pytest.raises(UnknownSecretNameError):
        service.disconnect("etsy")


def test_the_store_profile_comes_from_the_settings() -> None:
    save_settings(Settings(store_profile="second-shop"))

    assert CredentialsService.from_settings().profile == "second-shop"
