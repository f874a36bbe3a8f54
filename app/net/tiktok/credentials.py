"""The credential names the TikTok connector uses, and the headless env layer.

Everything is read through :class:`app.domain.credentials.CredentialStore`. For
headless runs :class:`EnvCredentialStore` lets environment variables supply
values on top of another store: they are read and used, never written anywhere.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, Protocol, runtime_checkable

from app.domain.credentials import CredentialStore, Secret

logger = logging.getLogger(__name__)

APP_KEY: Final = "tiktok.app_key"
APP_SECRET: Final = "tiktok.app_secret"
ACCESS_TOKEN: Final = "tiktok.access_token"
REFRESH_TOKEN: Final = "tiktok.refresh_token"
ACCESS_EXPIRES_AT: Final = "tiktok.access_token_expires_at"
REFRESH_EXPIRES_AT: Final = "tiktok.refresh_token_expires_at"
SHOP_CIPHER: Final = "tiktok.shop_cipher"

#: Which environment variable may supply which credential.
ENV_NAMES: Final[Mapping[str, str]] = {
    APP_KEY: "GIVEAWAY_DESK_TIKTOK_APP_KEY",
    APP_SECRET: "GIVEAWAY_DESK_TIKTOK_APP_SECRET",
    ACCESS_TOKEN: "GIVEAWAY_DESK_TIKTOK_ACCESS_TOKEN",
    REFRESH_TOKEN: "GIVEAWAY_DESK_TIKTOK_REFRESH_TOKEN",
    SHOP_CIPHER: "GIVEAWAY_DESK_TIKTOK_SHOP_CIPHER",
}


@dataclass(frozen=True, slots=True)
class TokenSet:
    """An access token and its refresh token, with absolute expiry times."""

    access_token: Secret
    refresh_token: Secret
    access_expires_at: int
    refresh_expires_at: int


@runtime_checkable
class BatchCredentialStore(Protocol):
    """A store that can write several values as one all-or-nothing step."""

    def set_many(self, values: Mapping[str, Secret]) -> None:
        """Store every value in ``values``, or none of them."""
        ...


def save_tokens(store: CredentialStore, tokens: TokenSet) -> None:
    """Store both tokens and their expiry times together.

    TikTok hands out a new refresh token with every refresh and the old one stops
    working, so the pair is written in one step where the store can do that (the
    keyring store can), else refresh token first: a crash in between then
    leaves a usable refresh token behind.
    """
    values = {
        REFRESH_TOKEN: tokens.refresh_token,
        REFRESH_EXPIRES_AT: Secret(str(tokens.refresh_expires_at)),
        ACCESS_TOKEN: tokens.access_token,
        ACCESS_EXPIRES_AT: Secret(str(tokens.access_expires_at)),
    }
    if isinstance(store, BatchCredentialStore):
        store.set_many(values)
        return
    for name, secret in values.items():
        store.set(name, secret)


def stored_time(store: CredentialStore, name: str) -> int | None:
    """An expiry time kept in the store, or ``None`` when unknown."""
    value = store.get(name)
    if value is None or not value.reveal().strip().isdigit():
        return None
    return int(value.reveal())


class EnvCredentialStore:
    """Credentials from environment variables, layered over another store.

    A value set during this run (for instance a refreshed token) goes to the
    inner store and wins over the environment from then on; the environment is
    never modified.
    """

    def __init__(
        self, inner: CredentialStore, environ: Mapping[str, str] | None = None
    ) -> None:
        self._inner = inner
        self._environ = os.environ if environ is None else environ
        self._replaced: set[str] = set()

    def get(self, name: str) -> Secret | None:
        """The value set this run, else the environment's, else the inner store's."""
        variable = ENV_NAMES.get(name)
        if name not in self._replaced and variable:
            value = self._environ.get(variable, "")
            if value:
                return Secret(value)
        return self._inner.get(name)

    def set(self, name: str, secret: Secret) -> None:
        """Store ``secret`` in the inner store; the environment stays as it was."""
        self._inner.set(name, secret)
        self._replaced.add(name)

    def set_many(self, values: Mapping[str, Secret]) -> None:
        """Store several values in the inner store, together where it can."""
        if isinstance(self._inner, BatchCredentialStore):
            self._inner.set_many(values)
        else:
            for name, secret in values.items():
                self._inner.set(name, secret)
        self._replaced.update(values)

    def delete(self, name: str) -> None:
        """Forget ``name`` in the inner store and stop reading it from the env."""
        self._inner.delete(name)
        self._replaced.add(name)
