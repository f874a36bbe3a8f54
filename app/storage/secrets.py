"""Secrets in the operating system's keyring.

This is the only module of the app that imports ``keyring``. It offers:

- :class:`KeyringCredentialStore`, the :class:`~app.domain.credentials.CredentialStore`
  the connectors read through, one keyring "service" per store profile;
- :func:`check_backend`, run at start and before any secret is typed, which says in
  plain words whether secrets can be kept and what to do when they cannot;
- :func:`call_with_timeout`, because a keyring call can hang (an unlock window nobody
  answers, a D-Bus daemon that went away) and the UI must not hang with it.

There is never a plain-text fallback: the "fail", "null" and keyrings.alt backends are
refused, and so is keyring's chainer when it has nothing to chain.

Windows Credential Manager refuses values over 2,560 bytes (1,280 UTF-16 characters,
see https://github.com/jaraco/keyring/issues/355). Longer values, such as some access
tokens, are split into numbered entries (``NAME.part1``, ``NAME.part2``...) and joined
again on read; the entry ``NAME`` then holds a small manifest with the number of parts,
the length and a checksum, so a half-written value is reported, never returned.
"""

from __future__ import annotations

import enum
import hashlib
import logging
import re
import secrets
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Final, Generic, TypeVar, cast

import keyring
import keyring.backend
import keyring.errors
from keyring.backends import chainer, fail

from app.domain.credentials import MASK, Secret

logger = logging.getLogger(__name__)

T = TypeVar("T")

SERVICE_PREFIX: Final = "GiveawayDesk"
DEFAULT_TIMEOUT: Final = 20.0

# The secrets the app knows, per connector. Token expiry times are kept here too,
# so a connector can write a token and its expiry together with set_many().
CONNECTOR_SECRETS: Final[Mapping[str, tuple[str, ...]]] = {
    "tiktok": (
        "tiktok.app_key",
        "tiktok.app_secret",
        "tiktok.access_token",
        "tiktok.access_token_expires_at",
        "tiktok.refresh_token",
        "tiktok.refresh_token_expires_at",
        "tiktok.shop_cipher",
    ),
    "shopify": (
        "shopify.client_id",
        "shopify.client_secret",
        "shopify.admin_token",
        "shopify.access_token",
        "shopify.access_token_expires_at",
    ),
}
KNOWN_SECRET_NAMES: Final = tuple(
    name for names in CONNECTOR_SECRETS.values() for name in names
)

# Backends that cap the length of one value, by class path. Windows counts UTF-16
# code units: CRED_MAX_CREDENTIAL_BLOB_SIZE is 5 * 512 bytes.
MAX_VALUE_LENGTH_BY_BACKEND: Final[Mapping[str, int]] = {
    "keyring.backends.Windows.WinVaultKeyring": 1280,
}
# Part length used when a backend without a configured cap refuses a long value.
FALLBACK_PART_LENGTH: Final = 1000

FRIENDLY_BACKEND_NAMES: Final[Mapping[str, str]] = {
    "keyring.backends.SecretService.Keyring": "GNOME Keyring (Secret Service)",
    "keyring.backends.libsecret.Keyring": "GNOME Keyring (libsecret)",
    "keyring.backends.kwallet.DBusKeyring": "KDE Wallet",
    "keyring.backends.kwallet.DBusKeyringKWallet4": "KDE Wallet 4",
    "keyring.backends.macOS.Keyring": "macOS Keychain",
    "keyring.backends.Windows.WinVaultKeyring": "Windows Credential Manager",
}

# Backends that keep secrets in plain files or nowhere at all.
_NOWHERE_BACKENDS: Final = (
    "keyring.backends.fail.Keyring",
    "keyring.backends.null.Keyring",
)
_INSECURE_MODULE_PREFIX: Final = "keyrings.alt"

_NAME_PATTERN: Final = re.compile(r"[a-z0-9_]+(\.[a-z0-9_]+)+")
_PART_SUFFIX: Final = re.compile(r"\.part[0-9]+$")
_MANIFEST_PREFIX: Final = "giveaway-desk-split-value:v1:"
_PROBE_SERVICE: Final = f"{SERVICE_PREFIX}/backend-check"
_PROBE_ENTRY: Final = "probe"
_UNKNOWN: Final = "unknown"
_MAX_DETAIL_LENGTH: Final = 200


# --- errors and status --------------------------------------------------------


class BackendState(enum.Enum):
    """What the backend check found."""

    READY = "ready"
    NO_BACKEND = "no_backend"
    INSECURE = "insecure"
    LOCKED = "locked"
    ACCESS_DENIED = "access_denied"
    TIMED_OUT = "timed_out"
    FAILED = "failed"


class Remedy(enum.Enum):
    """A way forward the UI can offer as a button when secrets cannot be kept."""

    RETRY_AFTER_UNLOCK = "retry_after_unlock"
    USE_FOR_THIS_RUN = "use_for_this_run"
    CHOOSE_SECURE_BACKEND = "choose_secure_backend"


class CredentialStoreError(Exception):
    """Base of this module's errors; messages never contain a secret value."""


class KeyringUnavailable(CredentialStoreError):  # noqa: N818 (named like ApiTimeout)
    """The keyring could not do what was asked; ``state`` says why."""

    def __init__(self, message: str, state: BackendState = BackendState.FAILED):
        super().__init__(message)
        self.state = state


class KeyringTimeout(KeyringUnavailable):
    """The keyring did not answer in time."""

    def __init__(self, message: str) -> None:
        super().__init__(message, BackendState.TIMED_OUT)


class StoredValueDamagedError(CredentialStoreError):
    """A split value is missing parts or does not match its checksum."""


class UnknownSecretNameError(CredentialStoreError, ValueError):
    """A secret name the app does not use (most often a typo)."""


@dataclass(frozen=True, slots=True)
class BackendStatus:
    """The result of :func:`check_backend`, in words a supervisor can act on."""

    state: BackendState
    backend_name: str
    message: str
    way_forward: str
    remedies: tuple[Remedy, ...] = ()
    max_value_length: int | None = None

    @property
    def usable(self) -> bool:
        """True when secrets can be saved in the keyring."""
        return self.state is BackendState.READY


# --- running keyring calls with a deadline ------------------------------------


class _Outcome(Generic[T]):
    """What a background call returned or raised."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.value: T | None = None
        self.error: BaseException | None = None


def call_with_timeout(fn: Callable[[], T], timeout: float, what: str = "call") -> T:
    """Run ``fn`` on a helper thread; raise :class:`KeyringTimeout` after ``timeout``.

    A call that times out keeps running on its daemon thread until the keyring
    answers (keyring calls cannot be cancelled); its result is then dropped.
    """
    outcome: _Outcome[T] = _Outcome()

    def run() -> None:
        try:
            outcome.value = fn()
        except BaseException as exc:  # handed to the caller below
            outcome.error = exc
        finally:
            outcome.done.set()

    threading.Thread(target=run, name="keyring-call", daemon=True).start()
    if not outcome.done.wait(timeout):
        logger.warning("Keyring %s gave no answer within %.1f s", what, timeout)
        raise KeyringTimeout(
            f"The keyring did not answer within {timeout:g} seconds ({what})."
        )
    if outcome.error is not None:
        raise outcome.error
    return cast(T, outcome.value)


# --- backends -----------------------------------------------------------------


def backend_path(backend: keyring.backend.KeyringBackend) -> str:
    """The backend's class path, e.g. ``keyring.backends.SecretService.Keyring``."""
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def friendly_backend_name(backend: keyring.backend.KeyringBackend) -> str:
    """A name a supervisor recognises, with the class path for support staff."""
    path = backend_path(backend)
    friendly = FRIENDLY_BACKEND_NAMES.get(path)
    return f"{friendly} ({path})" if friendly else path


def resolve_backend(
    backend: keyring.backend.KeyringBackend | None = None,
) -> keyring.backend.KeyringBackend:
    """The one backend secrets are written to, or :class:`KeyringUnavailable`.

    Keyring's chainer is replaced by the backend it would write to first: the
    chainer silently does nothing when it has no backends, and falls through to
    lower ones (possibly a plain-text file) when the first refuses.
    """
    chosen = backend if backend is not None else _configured_backend()
    if isinstance(chosen, chainer.ChainerBackend):
        chained = list(chosen.backends)
        if not chained:
            raise KeyringUnavailable(
                "No secure credential store is available on this computer "
                "(keyring found only its chainer, with no backend to chain).",
                BackendState.NO_BACKEND,
            )
        chosen = chained[0]
    _refuse_unsafe(chosen)
    return chosen


def _configured_backend() -> keyring.backend.KeyringBackend:
    """keyring's choice (``PYTHON_KEYRING_BACKEND``, keyringrc.cfg, or priority)."""
    try:
        return keyring.get_keyring()
    except Exception as exc:  # e.g. PYTHON_KEYRING_BACKEND names a missing module
        failure = KeyringUnavailable(
            "keyring could not load the backend it is configured to use "
            f"({_detail(exc, ())}); check PYTHON_KEYRING_BACKEND and "
            "keyringrc.cfg.",
            BackendState.NO_BACKEND,
        )
    raise failure


def _refuse_unsafe(backend: keyring.backend.KeyringBackend) -> None:
    path = backend_path(backend)
    if isinstance(backend, fail.Keyring) or path in _NOWHERE_BACKENDS:
        raise KeyringUnavailable(
            "No secure credential store is available on this computer "
            f"(keyring found only {path}).",
            BackendState.NO_BACKEND,
        )
    if path.startswith(_INSECURE_MODULE_PREFIX):
        raise KeyringUnavailable(
            f"The keyring backend {path} is not secure: it keeps secrets in a "
            "file on disk, so Giveaway Desk will not use it.",
            BackendState.INSECURE,
        )


def _state_of(exc: BaseException, backend_name: str) -> BackendState:
    if isinstance(exc, keyring.errors.NoKeyringError):
        return BackendState.NO_BACKEND
    locked = isinstance(exc, keyring.errors.KeyringLocked) or (
        "Locked" in type(exc).__name__
    )
    if locked and ".macOS." in backend_name:
        # keyring reports the Keychain's "access denied" as KeyringLocked.
        return BackendState.ACCESS_DENIED
    if locked:
        return BackendState.LOCKED
    return BackendState.FAILED


def _detail(exc: BaseException, texts: Iterable[str]) -> str:
    """The backend's own words, with anything we handed it blanked out."""
    message = str(exc)
    for text in texts:
        if text:
            message = message.replace(text, MASK)
    message = message[:_MAX_DETAIL_LENGTH]
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


# --- the store ----------------------------------------------------------------


class KeyringCredentialStore:
    """Secrets of one store profile in the OS keyring.

    Each method runs its keyring calls on a helper thread and raises
    :class:`KeyringTimeout` when they take longer than ``timeout`` seconds, so
    it may be called from any thread; the UI still calls it from its
    background-task helper. Errors are this module's own types and their
    messages never contain a secret value.
    """

    def __init__(
        self,
        profile: str,
        *,
        backend: keyring.backend.KeyringBackend | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        max_value_length: int | None = None,
    ) -> None:
        if not profile.strip() or "/" in profile:
            raise ValueError("a store profile name must be non-empty, without '/'")
        self.profile = profile
        self.service = f"{SERVICE_PREFIX}/{profile}"
        self.timeout = timeout
        self._backend = backend
        self._max_value_length = max_value_length
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"KeyringCredentialStore(profile={self.profile!r})"

    # --- the CredentialStore protocol

    def get(self, name: str) -> Secret | None:
        """The secret stored under ``name``, or ``None``."""
        _check_name(name)
        return self._run(f"read of {name}", lambda: self._get(name))

    def set(self, name: str, secret: Secret) -> None:
        """Store ``secret`` under ``name``, replacing any earlier value."""
        self.set_many({name: secret})

    def delete(self, name: str) -> None:
        """Forget ``name`` and all its parts; no error if it was not set."""
        self.delete_many([name])

    # --- more than the protocol

    def set_many(self, values: Mapping[str, Secret]) -> None:
        """Store several secrets together: all of them, or none.

        When one write fails, the values written so far are put back to what
        they were before, then :class:`KeyringUnavailable` is raised.
        """
        for name, secret in values.items():
            _check_name(name)
            if not isinstance(secret, Secret):
                raise TypeError(f"{name} must be given as a Secret")
        names = ", ".join(values)
        self._run(f"write of {names}", lambda: self._set_many(dict(values)))

    def delete_many(self, names: Iterable[str]) -> None:
        """Forget every name in ``names``, with all their parts."""
        chosen = list(names)
        for name in chosen:
            _check_name(name)
        self._run("delete", lambda: self._delete_many(chosen))

    def names_set(self, names: Iterable[str] = KNOWN_SECRET_NAMES) -> tuple[str, ...]:
        """Which of ``names`` hold a value (values are read but never returned)."""
        chosen = list(names)
        for name in chosen:
            _check_name(name)
        return self._run("status read", lambda: self._names_set(chosen))

    def check(self) -> BackendStatus:
        """:func:`check_backend` for this store's backend."""
        return check_backend(self._backend, timeout=self.timeout)

    # --- steps, run on the helper thread

    def _run(self, what: str, step: Callable[[], T]) -> T:
        def locked_step() -> T:
            with self._lock:
                return step()

        return call_with_timeout(locked_step, self.timeout, what)

    def _get(self, name: str) -> Secret | None:
        raw = self._read(name)
        if raw is None:
            return None
        if raw.startswith(_MANIFEST_PREFIX):
            return Secret(self._join_parts(name, raw))
        return Secret(raw)

    def _names_set(self, names: list[str]) -> tuple[str, ...]:
        return tuple(name for name in names if self._read(name) is not None)

    def _set_many(self, values: dict[str, Secret]) -> None:
        before = {name: self._get_for_restore(name) for name in values}
        touched: list[str] = []
        try:
            for name, secret in values.items():
                touched.append(name)
                self._store(name, secret.reveal())
        except CredentialStoreError as exc:
            failure = self._restore(before, touched, exc)
        else:
            logger.info("Saved %s in the keyring", ", ".join(values))
            return
        raise failure

    def _delete_many(self, names: list[str]) -> None:
        for name in names:
            self._remove(name)
        logger.info("Removed %s from the keyring", ", ".join(names))

    # --- writing and reading one value

    def _store(self, name: str, value: str) -> None:
        old_parts = self._part_count(name)
        limit = self._limit()
        must_split = value.startswith(_MANIFEST_PREFIX)
        if must_split or (limit is not None and _units(value) > limit):
            new_parts = self._write_parts(name, value, limit or FALLBACK_PART_LENGTH)
        else:
            new_parts = self._write_whole_or_parts(name, value)
        for index in range(new_parts + 1, old_parts + 1):
            self._delete_entry(_part_name(name, index))

    def _write_whole_or_parts(self, name: str, value: str) -> int:
        try:
            self._write(name, value)
        except KeyringUnavailable as exc:
            refused_long = exc.state is BackendState.FAILED
            if not (refused_long and len(value) > FALLBACK_PART_LENGTH):
                raise
            logger.warning(
                "The keyring refused %s (%d characters); splitting it into parts",
                name,
                len(value),
            )
            return self._write_parts(name, value, FALLBACK_PART_LENGTH)
        return 0

    def _write_parts(self, name: str, value: str, limit: int) -> int:
        parts = _split(value, limit)
        for index, part in enumerate(parts, start=1):
            self._write(_part_name(name, index), part)

        # The manifest goes last: until it is written, readers see the old value.
        self._write(name, _manifest(value, len(parts)))
        logger.debug("Stored %s in %d parts", name, len(parts))
        return len(parts)

    def _join_parts(self, name: str, manifest: str) -> str:
        count, length, digest = _parse_manifest(name, manifest)
        parts = [self._read(_part_name(name, i)) for i in range(1, count + 1)]
        if any(part is None for part in parts):
            raise StoredValueDamagedError(
                f"Parts of {name} are missing from the keyring; set it again."
            )
        value = "".join(part for part in parts if part is not None)
        if len(value) != length or _digest(value) != digest:
            raise StoredValueDamagedError(
                f"The parts of {name} in the keyring do not fit together; set it again."
            )
        return value

    def _part_count(self, name: str) -> int:
        raw = self._read(name)
        if raw is None or not raw.startswith(_MANIFEST_PREFIX):
            return 0
        try:
            return _parse_manifest(name, raw)[0]
        except StoredValueDamagedError:
            return 0

    def _remove(self, name: str) -> None:
        old_parts = self._part_count(name)
        self._delete_entry(name)
        for index in range(1, old_parts + 1):
            self._delete_entry(_part_name(name, index))

    def _get_for_restore(self, name: str) -> Secret | None:
        try:
            return self._get(name)
        except StoredValueDamagedError:
            # A damaged value cannot be put back; failing leaves it removed.
            return None

    def _restore(
        self,
        before: Mapping[str, Secret | None],
        touched: list[str],
        cause: CredentialStoreError,
    ) -> KeyringUnavailable:
        state = getattr(cause, "state", BackendState.FAILED)
        try:
            for name in touched:
                old = before[name]
                if old is None:
                    self._remove(name)
                else:
                    self._store(name, old.reveal())
        except CredentialStoreError:
            logger.warning("Could not put back %s after a failed write", touched)
            return KeyringUnavailable(
                f"{cause} The earlier values of {', '.join(touched)} could not be "
                "put back either; set them again (or disconnect and reconnect).",
                state,
            )
        return KeyringUnavailable(
            f"{cause} Nothing was changed: the earlier values were kept.", state
        )

    # --- single keyring entries

    def _backend_now(self) -> keyring.backend.KeyringBackend:
        return resolve_backend(self._backend)

    def _limit(self) -> int | None:
        if self._max_value_length is not None:
            return self._max_value_length
        return MAX_VALUE_LENGTH_BY_BACKEND.get(backend_path(self._backend_now()))

    def _read(self, entry: str) -> str | None:
        backend = self._backend_now()
        try:
            value = backend.get_password(self.service, entry)
        except Exception as exc:
            failure = _failure(backend, "read", entry, exc, ())
        else:
            return value if isinstance(value, str) else None
        raise failure

    def _write(self, entry: str, text: str) -> None:
        backend = self._backend_now()
        try:
            backend.set_password(self.service, entry, text)
        except Exception as exc:
            failure = _failure(backend, "save", entry, exc, (text,))
        else:
            return
        raise failure

    def _delete_entry(self, entry: str) -> None:
        backend = self._backend_now()
        try:
            backend.delete_password(self.service, entry)
        except keyring.errors.PasswordDeleteError as exc:
            # Most backends raise this for "not found": check that it is gone.
            if self._read(entry) is None:
                return
            failure = _failure(backend, "delete", entry, exc, ())
        except Exception as exc:
            failure = _failure(backend, "delete", entry, exc, ())
        else:
            return
        raise failure


def _failure(
    backend: keyring.backend.KeyringBackend,
    action: str,
    entry: str,
    exc: BaseException,
    texts: Iterable[str],
) -> KeyringUnavailable:
    """Our error for a backend exception; raised outside ``except`` so the
    backend's exception (which might quote what it was given) is not chained."""
    name = friendly_backend_name(backend)
    state = _state_of(exc, backend_path(backend))
    logger.warning(
        "Keyring %s of %s failed in %s: %s", action, entry, name, state.value
    )
    return KeyringUnavailable(
        f"Could not {action} {entry} in {name} ({_detail(exc, texts)}).", state
    )


# --- helpers ------------------------------------------------------------------


def _check_name(name: str) -> None:
    if not _NAME_PATTERN.fullmatch(name) or _PART_SUFFIX.search(name):
        raise UnknownSecretNameError(
            f"{name!r} is not a valid secret name (expected e.g. tiktok.app_secret)."
        )


def _part_name(name: str, index: int) -> str:
    return f"{name}.part{index}"


def _units(text: str) -> int:
    """Length in UTF-16 code units, which is what Windows counts."""
    return len(text.encode("utf-16-le")) // 2


def _split(value: str, limit: int) -> list[str]:
    """Cut ``value`` into parts of at most ``limit`` UTF-16 code units each."""
    parts: list[str] = []
    current: list[str] = []
    size = 0
    for char in value:
        width = 2 if ord(char) > 0xFFFF else 1
        if size + width > limit:
            parts.append("".join(current))
            current, size = [], 0
        current.append(char)
        size += width
    parts.append("".join(current))
    return parts


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()[:16]


def _manifest(value: str, count: int) -> str:
    return f"{_MANIFEST_PREFIX}{count}:{len(value)}:{_digest(value)}"


def _parse_manifest(name: str, manifest: str) -> tuple[int, int, str]:
    fields = manifest.removeprefix(_MANIFEST_PREFIX).split(":")
    try:
        count, length, digest = int(fields[0]), int(fields[1]), fields[2]
    except (IndexError, ValueError):
        raise StoredValueDamagedError(
            f"The keyring entry of {name} is damaged; set it again."
        ) from None
    return count, length, digest


# --- the backend check ----------------------------------------------------------


def check_backend(
    backend: keyring.backend.KeyringBackend | None = None,
    *,
    timeout: float = DEFAULT_TIMEOUT,
) -> BackendStatus:
    """Can secrets be kept? Run at start and before the user types any secret.

    Writes, reads back and deletes a throw-away probe entry, so a locked or
    refusing keyring shows up now rather than after the user typed a secret.
    """
    try:
        chosen = resolve_backend(backend)
    except KeyringUnavailable as exc:
        name = backend_path(backend) if backend is not None else _configured_name()
        return _status(exc.state, name, str(exc))

    name = friendly_backend_name(chosen)
    try:
        call_with_timeout(lambda: _probe(chosen), timeout, "backend check")
    except KeyringUnavailable as exc:
        return _status(exc.state, name, str(exc), timeout)
    limit = MAX_VALUE_LENGTH_BY_BACKEND.get(backend_path(chosen))
    return _status(BackendState.READY, name, "", timeout, limit)


def _configured_name() -> str:
    try:
        return backend_path(keyring.get_keyring())
    except Exception:  # a broken keyring configuration still gets a status
        return _UNKNOWN


def _probe(backend: keyring.backend.KeyringBackend) -> None:
    token = f"probe-{secrets.token_hex(4)}"
    try:
        backend.set_password(_PROBE_SERVICE, _PROBE_ENTRY, token)
        answer = backend.get_password(_PROBE_SERVICE, _PROBE_ENTRY)
        backend.delete_password(_PROBE_SERVICE, _PROBE_ENTRY)
    except Exception as exc:
        failure = _failure(backend, "test a value", _PROBE_ENTRY, exc, (token,))
    else:
        if answer == token:
            return
        failure = KeyringUnavailable(
            "The keyring accepted a test value but did not give it back."
        )
    raise failure


_RUN_ONLY: Final = (
    "Or use the secret for this run only: it is kept in memory and forgotten "
    "when the app closes."
)


def _status(
    state: BackendState,
    name: str,
    detail: str,
    timeout: float = DEFAULT_TIMEOUT,
    limit: int | None = None,
) -> BackendStatus:
    message, way_forward, remedies = _WORDS[state](name, detail, timeout, limit)
    return BackendStatus(state, name, message, way_forward, remedies, limit)


_Words = tuple[str, str, tuple[Remedy, ...]]


def _ready(name: str, detail: str, timeout: float, limit: int | None) -> _Words:
    split = (
        f" Values over {limit:,} characters are split into numbered entries."
        if limit
        else ""
    )
    return f"Secrets are kept in {name}.{split}", "", ()


def _no_backend(name: str, detail: str, timeout: float, limit: int | None) -> _Words:
    cause = f" {detail}" if name == _UNKNOWN else ""
    return (
        f"No secure credential store is available on this computer (keyring "
        f"backend: {name}). Secrets cannot be saved.{cause}",
        "On Linux, log in to a desktop session with GNOME Keyring or KDE Wallet "
        "running (both need a D-Bus session bus). " + _RUN_ONLY,
        (Remedy.CHOOSE_SECURE_BACKEND, Remedy.USE_FOR_THIS_RUN),
    )


def _insecure(name: str, detail: str, timeout: float, limit: int | None) -> _Words:
    return (
        f"The keyring backend {name} is not secure (it keeps secrets in a plain "
        "file), so Giveaway Desk will not use it.",
        "Remove the keyrings.alt package or set PYTHON_KEYRING_BACKEND to a "
        "secure backend, then start again. " + _RUN_ONLY,
        (Remedy.CHOOSE_SECURE_BACKEND, Remedy.USE_FOR_THIS_RUN),
    )


def _locked(name: str, detail: str, timeout: float, limit: int | None) -> _Words:
    return (
        f"The keyring ({name}) is locked.",
        "Unlock it (GNOME: the Passwords and Keys app, or log out and in again), "
        "then press Retry. " + _RUN_ONLY,
        (Remedy.RETRY_AFTER_UNLOCK, Remedy.USE_FOR_THIS_RUN),
    )


def _denied(name: str, detail: str, timeout: float, limit: int | None) -> _Words:
    return (
        "macOS Keychain refused Giveaway Desk access to its entries.",
        "When macOS asks, enter your login password and choose Always Allow; if "
        "the login keychain is locked, unlock it in Keychain Access, then press "
        "Retry. " + _RUN_ONLY,
        (Remedy.RETRY_AFTER_UNLOCK, Remedy.USE_FOR_THIS_RUN),
    )


def _timed_out(name: str, detail: str, timeout: float, limit: int | None) -> _Words:
    return (
        f"The keyring ({name}) did not answer within {timeout:g} seconds.",
        "If a window asks to unlock the keyring, unlock it, then press Retry. "
        + _RUN_ONLY,
        (Remedy.RETRY_AFTER_UNLOCK, Remedy.USE_FOR_THIS_RUN),
    )


def _failed(name: str, detail: str, timeout: float, limit: int | None) -> _Words:
    return (
        f"The keyring ({name}) could not keep a test value. {detail}",
        "Press Retry; if it keeps failing, restart the computer's keyring "
        "service. " + _RUN_ONLY,
        (Remedy.RETRY_AFTER_UNLOCK, Remedy.USE_FOR_THIS_RUN),
    )


_WORDS: Final[
    Mapping[BackendState, Callable[[str, str, float, int | None], _Words]]
] = {
    BackendState.READY: _ready,
    BackendState.NO_BACKEND: _no_backend,
    BackendState.INSECURE: _insecure,
    BackendState.LOCKED: _locked,
    BackendState.ACCESS_DENIED: _denied,
    BackendState.TIMED_OUT: _timed_out,
    BackendState.FAILED: _failed,
}
