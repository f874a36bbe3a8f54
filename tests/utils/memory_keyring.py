"""Keyring backends that live in memory, for tests.

:class:`MemoryKeyring` stands in for the OS keyring in every test (see
``tests/conftest.py``). The subclasses model real backends' failures: Windows
refusing long values, a locked collection, a backend that never answers.
"""

from __future__ import annotations

import threading

from keyring.backend import KeyringBackend
from keyring.errors import KeyringLocked, PasswordDeleteError


class MemoryKeyring(KeyringBackend):
    """A keyring backend holding values in a dict; ``writes`` counts set calls."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[tuple[str, str], str] = {}
        self.writes = 0

    def get_password(self, service: str, username: str) -> str | None:
        """The stored value, or ``None``."""
        return self.values.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        """Store a value."""
        self.writes += 1
        self.values[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        """Forget a value; raise like keyring's backends when there is none."""
        if self.values.pop((service, username), None) is None:
            raise PasswordDeleteError("No such password!")

    def entries(self, service: str) -> dict[str, str]:
        """Every entry of ``service``, by username."""
        return {
            user: value for (svc, user), value in self.values.items() if svc == service
        }


class Win32Error(OSError):
    """Shaped like ``pywintypes.error``: (winerror, funcname, strerror)."""

    def __init__(self, winerror: int, funcname: str, strerror: str) -> None:
        super().__init__(winerror, funcname, strerror)
        self.winerror = winerror
        self.funcname = funcname


class LengthLimitedKeyring(MemoryKeyring):
    """Refuses values over ``limit`` UTF-16 units the way Windows' CredWrite does.

    keyring's Windows backend passes ``CredWrite``'s failure through unchanged;
    for a blob over 2,560 bytes it is error 1783, "The stub received bad data".
    """

    def __init__(self, limit: int = 1280, *, fail_on_write: int | None = None) -> None:
        super().__init__()
        self.limit = limit
        self.fail_on_write = fail_on_write
        self.longest_accepted = 0

    def set_password(self, service: str, username: str, password: str) -> None:
        """Store a value unless it is too long (or this is the write set to fail)."""
        # Windows keeps the value as UTF-16, so it counts UTF-16 code units.
        if len(password.encode("utf-16-le")) // 2 > self.limit:
            raise Win32Error(1783, "CredWrite", "The stub received bad data.")
        if self.fail_on_write is not None and self.writes + 1 == self.fail_on_write:
            self.writes += 1
            raise Win32Error(1783, "CredWrite", "The stub received bad data.")
        super().set_password(service, username, password)
        self.longest_accepted = max(self.longest_accepted, len(password))


class LockedKeyring(MemoryKeyring):
    """A Secret Service collection the user did not unlock."""

    def get_password(self, service: str, username: str) -> str | None:
        """Always refuse, as keyring does when the unlock prompt is dismissed."""
        raise KeyringLocked("Failed to unlock the collection!")

    def set_password(self, service: str, username: str, password: str) -> None:
        """Always refuse, like :meth:`get_password`."""
        raise KeyringLocked("Failed to unlock the collection!")

    def delete_password(self, service: str, username: str) -> None:
        """Always refuse, like :meth:`get_password`."""
        raise KeyringLocked("Failed to unlock the collection!")


class HangingKeyring(MemoryKeyring):
    """Never answers until ``release`` is set, like an unlock prompt left open."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()

    def get_password(self, service: str, username: str) -> str | None:
        """Wait for ``release`` (at most 30 s), then answer."""
        self.release.wait(30)
        return super().get_password(service, username)


class LeakyKeyring(MemoryKeyring):
    """Quotes what it was given in its error, as a careless backend might."""

    def set_password(self, service: str, username: str, password: str) -> None:
        """Always fail, repeating the value in the message."""
        raise RuntimeError(f"cannot store {password!r} for {username}")


class PlaintextKeyring(MemoryKeyring):
    """Stands in for keyrings.alt's plain-text file backend (same class path)."""


PlaintextKeyring.__module__ = "keyrings.alt.file"


class DeniedKeychain(LockedKeyring):
    """Stands in for keyring's macOS backend when the Keychain denies access.

    keyring turns the Keychain's "access denied" into ``KeyringLocked``.
    """


DeniedKeychain.__module__ = "keyring.backends.macOS"
DeniedKeychain.__qualname__ = "Keyring"


class WinVaultKeyring(MemoryKeyring):
    """Stands in for keyring's Windows backend (same class path)."""


WinVaultKeyring.__module__ = "keyring.backends.Windows"
