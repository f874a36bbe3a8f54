"""Station settings: one typed, versioned JSON file in the config folder.

Every option is a field of :class:`Settings` with its type and default. The file
carries a ``schema_version``; when an option is renamed or reshaped, bump
:data:`SCHEMA_VERSION` and add a small function to :data:`UPGRADES` that turns
the previous version's data into the next one.

Secrets never go here: :func:`save_settings` refuses any value that is a
:class:`~app.domain.credentials.Secret`. They live in the keyring
(:mod:`app.storage.secrets`).

Some options can be overridden by environment variables (for the simulators,
tests and support staff); overrides apply to :attr:`LoadedSettings.effective`
and are never written back to the file.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from app.domain.credentials import Secret
from app.storage.paths import default_folders

logger = logging.getLogger(__name__)

SCHEMA_VERSION: Final = 1
SETTINGS_FILE: Final = "settings.json"

DEFAULT_TIKTOK_API_URL: Final = "https://open-api.tiktokglobalshop.com/"
DEFAULT_TIKTOK_AUTH_URL: Final = "https://auth.tiktok-shops.com/"
DEFAULT_STORE_PROFILE: Final = "default"

# Environment variables that override a setting for this run only.
ENVIRONMENT_OVERRIDES: Final[Mapping[str, str]] = {
    "tiktok_api_base_url": "GIVEAWAY_DESK_TIKTOK_API_URL",
    "tiktok_auth_base_url": "GIVEAWAY_DESK_TIKTOK_AUTH_URL",
    "shopify_shop_domain": "GIVEAWAY_DESK_SHOPIFY_URL",
}

Data = dict[str, Any]


class SettingsError(Exception):
    """The settings could not be saved; the message says why in plain words."""


@dataclass(frozen=True, slots=True)
class CarrierMapping:
    """How one carrier, as the bench names it, is known to TikTok Shop and Shopify."""

    carrier: str
    tiktok_shipping_provider_id: str = ""
    shopify_tracking_company: str = ""


@dataclass(frozen=True, slots=True)
class Settings:
    """Every option of a station, with its default."""

    station_name: str = ""
    user_name: str = ""
    store_profile: str = DEFAULT_STORE_PROFILE
    tiktok_api_base_url: str = DEFAULT_TIKTOK_API_URL
    tiktok_auth_base_url: str = DEFAULT_TIKTOK_AUTH_URL
    tiktok_service_id: str = ""
    tiktok_shop_id: str = ""
    tiktok_shop_name: str = ""
    shopify_shop_domain: str = ""
    shopify_location_id: str = ""
    notify_customer: bool = False
    carrier_mappings: tuple[CarrierMapping, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class LoadedSettings:
    """What :func:`load_settings` found.

    ``stored`` is what the file holds (edit and save this one); ``effective`` is
    what the app should use, with environment overrides applied. ``problem`` is
    a sentence for the user when the file could not be read as it was, and
    ``backup`` is where a damaged file was kept.
    """

    stored: Settings
    effective: Settings
    overridden: tuple[str, ...] = ()
    problem: str | None = None
    backup: Path | None = None


# --- upgrades -------------------------------------------------------------------


def _upgrade_0_to_1(data: Data) -> Data:
    # Version 0 is a file without a schema version (hand-written, or from a
    # pre-release build); its options already have version 1's names.
    return dict(data)


UPGRADES: Final[Mapping[int, Callable[[Data], Data]]] = {0: _upgrade_0_to_1}


def upgrade_data(
    data: Data,
    upgrades: Mapping[int, Callable[[Data], Data]] = UPGRADES,
    target: int = SCHEMA_VERSION,
) -> Data:
    """Run the upgrade functions from the data's version up to ``target``."""
    version = data.get("schema_version", 0)
    if not isinstance(version, int) or isinstance(version, bool):
        raise ValueError(f"schema_version is {version!r}, not a number")
    while version < target:
        if version not in upgrades:
            raise ValueError(f"no upgrade from settings version {version}")
        data = upgrades[version](data)
        version += 1
        data["schema_version"] = version
        logger.info("Upgraded the settings to version %d", version)
    return data


# --- loading --------------------------------------------------------------------


def settings_path(folder: Path | None = None) -> Path:
    """The settings file in ``folder``, by default the config folder."""
    return (folder or default_folders().config) / SETTINGS_FILE


def load_settings(
    folder: Path | None = None, environ: Mapping[str, str] | None = None
) -> LoadedSettings:
    """Read the settings; a missing file gives defaults, a damaged one a backup.

    A damaged file is renamed (``settings.json.damaged-<time>``) so the user's
    values can still be recovered by hand, and defaults are used meanwhile.
    """
    path = settings_path(folder)
    if not path.exists():
        return _loaded(Settings(), environ)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError("the file does not hold a JSON object")
        data = upgrade_data(data)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        return _damaged(path, exc, environ)

    settings, notes = _from_data(data)
    if data["schema_version"] > SCHEMA_VERSION:
        notes.append(
            "The settings were saved by a newer version of Giveaway Desk; "
            "options this version does not know were left out."
        )
    return _loaded(settings, environ, " ".join(notes) or None)


def _damaged(
    path: Path, exc: Exception, environ: Mapping[str, str] | None
) -> LoadedSettings:
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    backup = path.with_name(f"{path.name}.damaged-{stamp}")
    try:
        os.replace(path, backup)
    except OSError:
        logger.warning("Could not move the damaged settings file aside", exc_info=True)
        backup_note = "it could not be moved aside"
    else:
        backup_note = f"it was kept as {backup}"
    logger.warning("The settings file %s could not be read: %s", path, exc)
    problem = (
        f"The settings file could not be read ({exc}); {backup_note}. "
        "Default settings are used: check them and save."
    )
    return dataclasses.replace(
        _loaded(Settings(), environ, problem),
        backup=backup if backup.exists() else None,
    )


def _from_data(data: Data) -> tuple[Settings, list[str]]:
    """Settings from the file's data; a value of the wrong type keeps its default."""
    values: dict[str, Any] = {}
    wrong: list[str] = []
    for option in dataclasses.fields(Settings):
        if option.name not in data:
            continue
        value = _typed(option.name, data[option.name])
        if value is None:
            wrong.append(option.name)
        else:
            values[option.name] = value
    notes = []
    if wrong:
        notes.append(
            f"These settings had values of the wrong kind and were reset: "
            f"{', '.join(wrong)}."
        )
    return Settings(**values), notes


def _typed(name: str, value: Any) -> Any:
    """``value`` if it has the option's type (converted where needed), else None."""
    if name == "carrier_mappings":
        return _carrier_mappings(value)
    if name == "notify_customer":
        return value if isinstance(value, bool) else None
    if name == "store_profile" and isinstance(value, str):
        return value if value.strip() and "/" not in value else None
    return value if isinstance(value, str) else None


def _carrier_mappings(value: Any) -> tuple[CarrierMapping, ...] | None:
    if not isinstance(value, list):
        return None
    rows = []
    names = {option.name for option in dataclasses.fields(CarrierMapping)}
    for row in value:
        ok = isinstance(row, dict) and set(row) <= names and "carrier" in row
        if not ok or not all(isinstance(text, str) for text in row.values()):
            return None
        rows.append(CarrierMapping(**row))
    return tuple(rows)


def _loaded(
    settings: Settings, environ: Mapping[str, str] | None, problem: str | None = None
) -> LoadedSettings:
    effective, overridden = with_environment(settings, environ)
    return LoadedSettings(settings, effective, overridden, problem)


def with_environment(
    settings: Settings, environ: Mapping[str, str] | None = None
) -> tuple[Settings, tuple[str, ...]]:
    """``settings`` with environment overrides applied, and the names overridden."""
    source = os.environ if environ is None else environ
    changes: dict[str, Any] = {
        option: source[variable].strip()
        for option, variable in ENVIRONMENT_OVERRIDES.items()
        if source.get(variable, "").strip()
    }
    return dataclasses.replace(settings, **changes), tuple(changes)


# --- saving ---------------------------------------------------------------------


def save_settings(settings: Settings, folder: Path | None = None) -> Path:
    """Write ``settings`` atomically; refuse any value that is a secret.

    The file is written to a temporary file beside it and then renamed over
    it, so a crash mid-write leaves the old file, never half a file.
    """
    _refuse_secrets(settings)
    _check_profile(settings.store_profile)
    path = settings_path(folder)
    data = {"schema_version": SCHEMA_VERSION, **_to_data(settings)}
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"

    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".settings-", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    logger.info("Saved the settings to %s", path)
    return path


def _to_data(settings: Settings) -> Data:
    data: Data = {}
    for option in dataclasses.fields(Settings):
        value = getattr(settings, option.name)
        if option.name == "carrier_mappings":
            value = [dataclasses.asdict(row) for row in value]
        data[option.name] = value
    return data


def _refuse_secrets(settings: Settings) -> None:
    for option in dataclasses.fields(Settings):
        value = getattr(settings, option.name)
        rows = value if option.name == "carrier_mappings" else ()
        found = isinstance(value, Secret) or any(
            isinstance(getattr(row, column.name), Secret)
            for row in rows
            for column in dataclasses.fields(CarrierMapping)
        )
        if found:
            raise SettingsError(
                f"The setting {option.name} holds a secret. Secrets are kept in "
                "the keyring, never in the settings file; nothing was saved."
            )


def _check_profile(profile: str) -> None:
    # The profile names the keyring entries ("GiveawayDesk/<profile>").
    if not profile.strip() or "/" in profile:
        raise SettingsError(
            f"The store profile name {profile!r} cannot be used: it must not be "
            "empty or contain '/'; nothing was saved."
        )
