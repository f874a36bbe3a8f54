"""Secrets and the one interface every part of the app reads them through.

A :class:`Secret` never shows its value in ``repr``, ``str``, f-strings, logs or
exception messages; code that truly needs the value calls :meth:`Secret.reveal`.
The keyring-backed store lives in ``app.storage``; :class:`MemoryCredentialStore`
serves headless runs and tests.
"""

from __future__ import annotations

import threading
from typing import Final, Protocol

MASK: Final = "********"


class Secret:
    """A credential value that masks itself everywhere it could leak."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The real value, for the one place that must send it."""
        return self._value

    def __repr__(self) -> str:
        return f"Secret({MASK})"

    def __str__(self) -> str:
        return MASK

    def __format__(self, format_spec: str) -> str:
        return MASK

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __bool__(self) -> bool:
        return bool(self._value)

    def __reduce__(self) -> str:
        # Pickling would write the value to disk or a pipe; refuse it.
        raise TypeError("a Secret cannot be pickled")


class CredentialStore(Protocol):
    """Where the app keeps secrets, one value per name, per store profile."""

    def get(self, name: str) -> Secret | None:
        """The secret stored under ``name``, or ``None``."""
        ...

    def set(self, name: str, secret: Secret) -> None:
        """Store ``secret`` under ``name``, replacing any earlier value."""
        ...

    def delete(self, name: str) -> None:
        """Forget ``name``; no error if it was not set."""
        ...


class MemoryCredentialStore:
    """Secrets held for this run only, never written anywhere."""

    def __init__(self, initial: dict[str, Secret] | None = None) -> None:
        self._values: dict[str, Secret] = dict(initial or {})
        self._lock = threading.Lock()

    def get(self, name: str) -> Secret | None:
        """The secret stored under ``name``, or ``None``."""
        with self._lock:
            return self._values.get(name)

    def set(self, name: str, secret: Secret) -> None:
        """Store ``secret`` under ``name`` for the rest of this run."""
        with self._lock:
            self._values[name] = secret

    def delete(self, name: str) -> None:
        """Forget ``name``."""
        with self._lock:
            self._values.pop(name, None)
