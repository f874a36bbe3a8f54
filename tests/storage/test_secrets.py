"""The keyring-backed credential store and the backend check."""

from __future__ import annotations

import ast
import logging
import os
import traceback
import uuid
from pathlib import Path

import keyring.core
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from keyring.backends import chainer, fail, null

import app
from app.domain.credentials import Secret
from app.storage.secrets import (
    KNOWN_SECRET_NAMES,
    BackendState,
    KeyringCredentialStore,
    KeyringTimeout,
    KeyringUnavailable,
    Remedy,
    StoredValueDamagedError,
    UnknownSecretNameError,
    call_with_timeout,
    check_backend,
)
from tests.utils.memory_keyring import (
    DeniedKeychain,
    HangingKeyring,
    LeakyKeyring,
    LengthLimitedKeyring,
    LockedKeyring,
    MemoryKeyring,
    PlaintextKeyring,
    WinVaultKeyring,
)
from tests.utils.os_services import service_missing
from tests.utils.secret_service import (
    default_collection_locked,
    lock_default_collection,
    unlock_default_collection,
)

CANARY = "canary-8f3a1c-do-not-leak"
TEST_KEYRING_PASSWORD = "GIVEAWAY_DESK_TEST_KEYRING_PASSWORD"
LONG_TOKEN = "".join(chr(ord("a") + i % 26) for i in range(3000))


def store_on(
    backend: MemoryKeyring, profile: str = "main-shop"
) -> KeyringCredentialStore:
    return KeyringCredentialStore(profile, backend=backend, timeout=5)


# --- saving, reading, updating, deleting --------------------------------------


def test_a_secret_is_saved_read_updated_and_deleted(
    memory_keyring: MemoryKeyring,
) -> None:
    store = KeyringCredentialStore("main-shop")

    store.set("tiktok.app_secret", Secret("first"))
    assert store.get("tiktok.app_secret") == Secret("first")

    store.set("tiktok.app_secret", Secret("second"))
    assert store.get("tiktok.app_secret") == Secret("second")

    store.delete("tiktok.app_secret")
    assert store.get("tiktok.app_secret") is None
    assert memory_keyring.values == {}


def test_profiles_keep_their_secrets_apart() -> None:
    backend = MemoryKeyring()
    store_on(backend, "shop-a").set("shopify.admin_token", Secret("a-token"))

    assert store_on(backend, "shop-b").get("shopify.admin_token") is None
    assert store_on(backend, "shop-a").get("shopify.admin_token") == Secret("a-token")


def test_deleting_a_secret_that_was_never_set_is_fine() -> None:
    store_on(MemoryKeyring()).delete("tiktok.refresh_token")


def test_names_set_lists_names_only() -> None:
    store = store_on(MemoryKeyring())
    store.set("tiktok.app_key", Secret("key"))
    store.set("shopify.client_id", Secret("id"))

    assert store.names_set() == ("tiktok.app_key", "shopify.client_id")
    assert set(store.names_set()) <= set(KNOWN_SECRET_NAMES)


@pytest.mark.parametrize(
    "name", ["", "token", "Tiktok.App", "tiktok.access_token.part2"]
)
def test_malformed_names_are_refused(name: str) -> None:
    with pytest.raises(UnknownSecretNameError):
        store_on(MemoryKeyring()).set(name, Secret("x"))


# --- long values (Windows Credential Manager's 1,280-character limit) ---------


def test_a_3000_character_token_survives_a_backend_that_refuses_long_values() -> None:
    backend = LengthLimitedKeyring(limit=1280)
    store = store_on(backend)

    store.set("tiktok.access_token", Secret(LONG_TOKEN))

    assert store.get("tiktok.access_token") == Secret(LONG_TOKEN)
    assert backend.longest_accepted <= 1280
    assert len(backend.entries(store.service)) > 3  # the manifest and its parts


def test_a_configured_limit_splits_before_the_backend_has_to_refuse() -> None:
    backend = LengthLimitedKeyring(limit=1280)
    store = KeyringCredentialStore("main-shop", backend=backend, max_value_length=1280)

    store.set("tiktok.access_token", Secret(LONG_TOKEN))

    assert backend.writes == 4  # three parts and the manifest, nothing refused
    assert store.get("tiktok.access_token") == Secret(LONG_TOKEN)


def test_going_from_a_long_value_to_a_short_one_leaves_no_stale_parts() -> None:
    backend = LengthLimitedKeyring(limit=1280)
    store = store_on(backend)
    store.set("tiktok.access_token", Secret(LONG_TOKEN))

    store.set("tiktok.access_token", Secret("short"))

    assert backend.entries(store.service) == {"tiktok.access_token": "short"}
    assert store.get("tiktok.access_token") == Secret("short")


def test_a_shorter_long_value_removes_the_parts_it_no_longer_needs() -> None:
    backend = LengthLimitedKeyring(limit=1280)
    store = store_on(backend)
    store.set("tiktok.access_token", Secret(LONG_TOKEN * 2))

    store.set("tiktok.access_token", Secret(LONG_TOKEN[:1500]))

    assert len(backend.entries(store.service)) == 3
    assert store.get("tiktok.access_token") == Secret(LONG_TOKEN[:1500])


def test_deleting_a_long_value_removes_every_part() -> None:
    backend = LengthLimitedKeyring(limit=1280)
    store = store_on(backend)
    store.set("tiktok.access_token", Secret(LONG_TOKEN))

    store.delete("tiktok.access_token")

    assert backend.entries(store.service) == {}


def test_a_missing_part_is_reported_never_returned_truncated() -> None:
    backend = LengthLimitedKeyring(limit=1280)
    store = store_on(backend)
    store.set("tiktok.access_token", Secret(LONG_TOKEN))
    del backend.values[(store.service, "tiktok.access_token.part2")]

    with pytest.raises(StoredValueDamagedError, match="set it again"):
        store.get("tiktok.access_token")


@settings(max_examples=60, deadline=None)
@given(value=st.text(min_size=1, max_size=400), limit=st.integers(60, 150))
def test_any_text_round_trips_through_a_length_limited_backend(
    value: str, limit: int
) -> None:
    backend = LengthLimitedKeyring(limit=limit)
    store = KeyringCredentialStore("main-shop", backend=backend, max_value_length=limit)

    store.set("tiktok.access_token", Secret(value))

    assert store.get("tiktok.access_token") == Secret(value)
    store.delete("tiktok.access_token")
    assert backend.values == {}


def test_a_value_that_looks_like_our_manifest_still_round_trips() -> None:
    store = store_on(MemoryKeyring())
    odd = "giveaway-desk-split-value:v1:2:10:abc"

    store.set("tiktok.shop_cipher", Secret(odd))

    assert store.get("tiktok.shop_cipher") == Secret(odd)


# --- writing tokens together ---------------------------------------------------


def test_both_tokens_are_saved_together() -> None:
    store = store_on(MemoryKeyring())

    store.set_many(
        {
            "tiktok.access_token": Secret("access"),
            "tiktok.refresh_token": Secret("refresh"),
        }
    )

    assert store.get("tiktok.access_token") == Secret("access")
    assert store.get("tiktok.refresh_token") == Secret("refresh")


def test_a_failed_token_pair_write_puts_the_old_values_back() -> None:
    backend = LengthLimitedKeyring(limit=1280)
    store = store_on(backend)
    store.set_many(
        {
            "tiktok.access_token": Secret("old-access"),
            "tiktok.refresh_token": Secret(LONG_TOKEN),
        }
    )
    backend.fail_on_write = backend.writes + 2  # the new refresh token's write

    with pytest.raises(KeyringUnavailable, match="earlier values were kept"):
        store.set_many(
            {
                "tiktok.access_token": Secret("new-access"),
                "tiktok.refresh_token": Secret("r"),
            }
        )

    assert store.get("tiktok.access_token") == Secret("old-access")
    assert store.get("tiktok.refresh_token") == Secret(LONG_TOKEN)


def test_a_failed_first_save_leaves_nothing_behind() -> None:
    backend = LengthLimitedKeyring(limit=1280)
    backend.fail_on_write = 2
    store = store_on(backend)

    with pytest.raises(KeyringUnavailable):
        store.set_many(
            {"shopify.client_id": Secret("id"), "shopify.client_secret": Secret("s")}
        )

    assert backend.entries(store.service) == {}


# --- unusable backends ---------------------------------------------------------


def test_the_fail_backend_is_reported_in_plain_words_and_nothing_is_written() -> None:
    status = check_backend(fail.Keyring())

    assert status.state is BackendState.NO_BACKEND
    assert not status.usable
    assert "No secure credential store is available" in status.message
    assert "keyring.backends.fail.Keyring" in status.message
    assert Remedy.USE_FOR_THIS_RUN in status.remedies
    with pytest.raises(KeyringUnavailable) as caught:
        KeyringCredentialStore("main-shop", backend=fail.Keyring()).set(
            "tiktok.app_secret", Secret("s")
        )
    assert caught.value.state is BackendState.NO_BACKEND


def test_a_misconfigured_keyring_is_reported_not_raised(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(keyring.core, "_keyring_backend", None)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "no_such_module.Keyring")

    status = check_backend()

    assert status.state is BackendState.NO_BACKEND
    assert "no_such_module" in status.message
    assert "PYTHON_KEYRING_BACKEND" in status.message
    with pytest.raises(KeyringUnavailable):
        KeyringCredentialStore("main-shop").get("tiktok.app_key")


def test_the_null_backend_is_no_place_for_secrets_either() -> None:
    status = check_backend(null.Keyring())

    assert status.state is BackendState.NO_BACKEND
    assert "keyring.backends.null.Keyring" in status.message


def test_a_chainer_with_nothing_to_chain_is_not_a_silent_sink() -> None:
    class EmptyChainer(chainer.ChainerBackend):
        backends: list[object] = []  # noqa: RUF012

    status = check_backend(EmptyChainer())

    assert status.state is BackendState.NO_BACKEND
    with pytest.raises(KeyringUnavailable):
        KeyringCredentialStore("main-shop", backend=EmptyChainer()).set(
            "tiktok.app_key", Secret("k")
        )


def test_a_plain_text_backend_is_refused_as_not_secure() -> None:
    backend = PlaintextKeyring()

    status = check_backend(backend)

    assert status.state is BackendState.INSECURE
    assert "not secure" in status.message
    with pytest.raises(KeyringUnavailable):
        store_on(backend).set("tiktok.app_secret", Secret("s"))
    assert backend.values == {}


def test_a_locked_collection_says_unlock_and_retry() -> None:
    status = check_backend(LockedKeyring())

    assert status.state is BackendState.LOCKED
    assert "locked" in status.message
    assert "Unlock" in status.way_forward
    assert status.remedies == (Remedy.RETRY_AFTER_UNLOCK, Remedy.USE_FOR_THIS_RUN)
    with pytest.raises(KeyringUnavailable) as caught:
        store_on(LockedKeyring()).get("tiktok.app_key")
    assert caught.value.state is BackendState.LOCKED


def test_macos_keychain_refusing_access_says_always_allow() -> None:
    status = check_backend(DeniedKeychain())

    assert status.state is BackendState.ACCESS_DENIED
    assert "macOS Keychain refused" in status.message
    assert "Always Allow" in status.way_forward


def test_the_windows_length_limit_is_named_when_the_backend_is_ready() -> None:
    status = check_backend(WinVaultKeyring())

    assert status.usable
    assert status.max_value_length == 1280
    assert "split into numbered entries" in status.message
    assert "Windows Credential Manager" in status.message


def test_a_ready_backend_keeps_nothing_from_the_check() -> None:
    backend = MemoryKeyring()

    status = check_backend(backend)

    assert status.usable
    assert backend.values == {}


# --- timeouts -------------------------------------------------------------------


def test_a_keyring_that_never_answers_times_out_with_a_clear_error() -> None:
    backend = HangingKeyring()
    store = KeyringCredentialStore("main-shop", backend=backend, timeout=0.2)
    try:
        with pytest.raises(KeyringTimeout, match="did not answer within 0.2 seconds"):
            store.get("tiktok.app_key")
        status = check_backend(backend, timeout=0.2)
    finally:
        backend.release.set()

    assert status.state is BackendState.TIMED_OUT
    assert "unlock it" in status.way_forward


def test_call_with_timeout_returns_and_raises_like_the_call() -> None:
    assert call_with_timeout(lambda: 42, 5) == 42
    with pytest.raises(ZeroDivisionError):
        call_with_timeout(lambda: 1 // 0, 5)


# --- secrets never leak ----------------------------------------------------------


def test_a_canary_secret_never_shows_in_repr_logs_or_errors(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    long_canary = CANARY * 100
    store = store_on(LengthLimitedKeyring(limit=1280))
    store.set_many(
        {
            "tiktok.access_token": Secret(long_canary),
            "tiktok.app_secret": Secret(CANARY),
        }
    )
    read = store.get("tiktok.access_token")
    leaky = store_on(LeakyKeyring())
    secret = Secret(CANARY)

    with pytest.raises(KeyringUnavailable) as caught:
        leaky.set("tiktok.app_secret", secret)

    shown = [repr(store), str(store), repr(read), str(read), f"{read}", caplog.text]
    shown += [str(caught.value), repr(caught.value)]
    shown += traceback.format_exception(caught.value)
    assert not [text for text in shown if CANARY in text]
    assert caught.value.__context__ is None and caught.value.__cause__ is None
    assert caplog.records  # the module did log, just not the value


# --- one door to the keyring ------------------------------------------------------


def test_no_other_app_module_imports_keyring() -> None:
    app_folder = Path(app.__file__).parent
    importers = []
    for path in app_folder.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(name.split(".")[0] == "keyring" for name in names):
                importers.append(path.relative_to(app_folder).as_posix())

    assert set(importers) == {"storage/secrets.py"}


# --- the real Secret Service (GNOME Keyring over D-Bus) --------------------------


def secret_service_backend() -> MemoryKeyring:
    """keyring's Secret Service backend, or skip (fail in CI) with the reason."""
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        service_missing("no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set)")
    from keyring.backends import SecretService

    try:
        SecretService.Keyring.priority  # noqa: B018  (raises when unusable)
    except Exception as exc:
        service_missing(f"no Secret Service on the session bus: {exc}")
    return SecretService.Keyring()  # type: ignore[no-any-return]


@pytest.mark.real_keyring
def test_secrets_round_trip_through_the_real_secret_service() -> None:
    backend = secret_service_backend()
    store = KeyringCredentialStore(
        f"test-{uuid.uuid4().hex[:8]}", backend=backend, timeout=30
    )
    status = store.check()
    assert status.usable, status.message
    try:
        store.set_many(
            {
                "tiktok.access_token": Secret(LONG_TOKEN),
                "tiktok.refresh_token": Secret("r1"),
            }
        )
        assert backend.get_password(store.service, "tiktok.refresh_token") == "r1"
        assert store.get("tiktok.access_token") == Secret(LONG_TOKEN)

        store.set("tiktok.refresh_token", Secret("r2"))
        assert store.get("tiktok.refresh_token") == Secret("r2")
        assert store.names_set() == ("tiktok.access_token", "tiktok.refresh_token")

        store.delete_many(["tiktok.access_token", "tiktok.refresh_token"])
        assert store.get("tiktok.refresh_token") is None
        assert backend.get_password(store.service, "tiktok.access_token") is None
    finally:
        store.delete_many(["tiktok.access_token", "tiktok.refresh_token"])


@pytest.mark.real_keyring
def test_a_locked_secret_service_collection_is_reported_and_retry_works() -> None:
    backend = secret_service_backend()
    password = os.environ.get(TEST_KEYRING_PASSWORD, "")
    if not password:
        service_missing(
            f"{TEST_KEYRING_PASSWORD} is not set: this test locks the keyring and "
            "needs a throw-away one (as .ci/run makes) to unlock it again"
        )
    store = KeyringCredentialStore(f"test-{uuid.uuid4().hex[:8]}", backend=backend)

    lock_default_collection()
    try:
        status = store.check()
        with pytest.raises(KeyringUnavailable) as caught:
            store.set("tiktok.app_secret", Secret(CANARY))
    finally:
        unlock_default_collection(password)

    assert not default_collection_locked()
    assert status.state is BackendState.LOCKED
    assert status.remedies[0] is Remedy.RETRY_AFTER_UNLOCK
    assert caught.value.state is BackendState.LOCKED
    assert store.check().usable  # "Retry" after unlocking
    assert store.get("tiktok.app_secret") is None
