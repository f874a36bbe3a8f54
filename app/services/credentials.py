"""Credentials for the UI and the command line: where secrets are kept, which are set.

The setup wizard, the settings page and ``giveaway-desk credentials`` all go through
:class:`CredentialsService`. It never hands out a secret's value: it tells whether
the keyring can be used (and what to do when it cannot), which secrets are set,
and saves or deletes them by name. Connectors get :attr:`CredentialsService.store`.

Threading: every method may wait on the keyring (an unlock prompt, a slow D-Bus
daemon) for up to ``timeout`` seconds, then raises :class:`KeyringTimeout`. The
UI calls them through its background-task helper, never on the GUI thread.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from app.domain.credentials import CredentialStore, MemoryCredentialStore, Secret
from app.storage.secrets import (
    CONNECTOR_SECRETS,
    DEFAULT_TIMEOUT,
    KNOWN_SECRET_NAMES,
    BackendState,
    BackendStatus,
    CredentialStoreError,
    KeyringCredentialStore,
    KeyringTimeout,
    KeyringUnavailable,
    Remedy,
    UnknownSecretNameError,
)
from app.storage.settings import load_settings

logger = logging.getLogger(__name__)

__all__ = [
    "CONNECTOR_SECRETS",
    "KNOWN_SECRET_NAMES",
    "BackendState",
    "BackendStatus",
    "CredentialStoreError",
    "CredentialsOverview",
    "CredentialsService",
    "KeyringTimeout",
    "KeyringUnavailable",
    "Remedy",
    "SecretEntry",
    "UnknownSecretNameError",
]


@dataclass(frozen=True, slots=True)
class SecretEntry:
    """One secret the app uses, and whether it holds a value (never the value).

    ``is_set`` is ``None`` when that cannot be known: the keyring is unusable.
    """

    name: str
    connector: str
    is_set: bool | None


@dataclass(frozen=True, slots=True)
class CredentialsOverview:
    """What a settings page or ``credentials status`` shows."""

    profile: str
    backend: BackendStatus
    for_this_run_only: bool
    secrets: tuple[SecretEntry, ...]
    problem: str | None = None


class CredentialsService:
    """Secrets of one store profile, for the wizard, the settings page and the CLI.

    Secrets go to the OS keyring. Only when the user explicitly chooses "use for
    this run only" (:meth:`use_for_this_run`) are they held in memory instead;
    there is no silent fallback.
    """

    def __init__(
        self,
        profile: str,
        *,
        keyring_store: KeyringCredentialStore | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        self.profile = profile
        self._keyring = keyring_store or KeyringCredentialStore(
            profile, timeout=timeout
        )
        self._memory: MemoryCredentialStore | None = None

    @classmethod
    def from_settings(cls, config_folder: Path | None = None) -> CredentialsService:
        """The service for the store profile named in the station's settings."""
        profile = load_settings(config_folder).effective.store_profile
        return cls(profile)

    # --- where secrets are kept

    @property
    def store(self) -> CredentialStore:
        """The store connectors read through: the keyring, or memory if chosen."""
        return self._memory if self._memory is not None else self._keyring

    @property
    def for_this_run_only(self) -> bool:
        """True after :meth:`use_for_this_run`."""
        return self._memory is not None

    def check_backend(self) -> BackendStatus:
        """Can secrets be kept in the keyring? Call before the user types one."""
        status = self._keyring.check()
        log = logger.info if status.usable else logger.warning
        log("Keyring check: %s (%s)", status.state.value, status.backend_name)
        return status

    def use_for_this_run(self) -> None:
        """Keep secrets in memory until the app closes (the user's explicit choice)."""
        if self._memory is None:
            logger.warning("Secrets are kept for this run only, in memory")
            self._memory = MemoryCredentialStore()

    # --- which secrets are set

    def overview(self) -> CredentialsOverview:
        """The backend's status and which known secrets are set."""
        status = self.check_backend()
        problem = None
        set_names: tuple[str, ...] | None = None
        if self.for_this_run_only or status.usable:
            try:
                set_names = self._names_set()
            except CredentialStoreError as exc:
                problem = str(exc)
        entries = tuple(
            SecretEntry(
                name, connector, None if set_names is None else name in set_names
            )
            for connector, names in CONNECTOR_SECRETS.items()
            for name in names
        )
        return CredentialsOverview(
            self.profile, status, self.for_this_run_only, entries, problem
        )

    def _names_set(self) -> tuple[str, ...]:
        if self._memory is None:
            return self._keyring.names_set()
        memory = self._memory
        return tuple(name for name in KNOWN_SECRET_NAMES if memory.get(name))

    # --- changing secrets

    def set_secret(self, name: str, secret: Secret) -> None:
        """Save one secret under a known name."""
        self.set_secrets({name: secret})

    def set_secrets(self, secrets: Mapping[str, Secret]) -> None:
        """Save several secrets together: all of them or, on failure, none."""
        for name in secrets:
            _check_known(name)
        if self._memory is None:
            self._keyring.set_many(secrets)
            return
        for name, secret in secrets.items():
            self._memory.set(name, secret)

    def delete_secret(self, name: str) -> None:
        """Forget one secret; no error if it was not set."""
        _check_known(name)
        self.store.delete(name)

    def disconnect(self, connector: str) -> None:
        """Forget every secret of ``connector`` (``"tiktok"`` or ``"shopify"``)."""
        names = CONNECTOR_SECRETS.get(connector)
        if names is None:
            known = ", ".join(CONNECTOR_SECRETS)
            raise UnknownSecretNameError(
                f"No connector named {connector!r} (known: {known})."
            )
        if self._memory is None:
            self._keyring.delete_many(names)
        else:
            for name in names:
                self._memory.delete(name)
        logger.info("Disconnected %s for store profile %s", connector, self.profile)


def _check_known(name: str) -> None:
    if name not in KNOWN_SECRET_NAMES:
        raise UnknownSecretNameError(
            f"{name!r} is not a secret Giveaway Desk uses. Known names: "
            f"{', '.join(KNOWN_SECRET_NAMES)}."
        )
