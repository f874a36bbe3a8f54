"""Where the app keeps its data, settings and logs.

Folders come from platformdirs, so each OS gets its usual place. Each can be
redirected by an environment variable, which tests, portable installs and
support staff use.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_DIR_NAME = "GiveawayDesk"
APP_AUTHOR = "GiveawayDesk"

DATA_DIR_VARIABLE = "GIVEAWAY_DESK_DATA_DIR"
CONFIG_DIR_VARIABLE = "GIVEAWAY_DESK_CONFIG_DIR"
LOG_DIR_VARIABLE = "GIVEAWAY_DESK_LOG_DIR"

DATABASE_FILE = "giveaway-desk.sqlite3"
DEMO_SUBFOLDER = "demo-store"


@dataclass(frozen=True, slots=True)
class AppFolders:
    """The three folders the app writes to."""

    data: Path
    config: Path
    logs: Path

    @property
    def database(self) -> Path:
        """The SQLite file of this data folder."""
        return self.data / DATABASE_FILE

    def create(self) -> AppFolders:
        """Make sure every folder exists; return self for chaining."""
        for folder in (self.data, self.config, self.logs):
            folder.mkdir(parents=True, exist_ok=True)
        return self


def default_folders() -> AppFolders:
    """The folders from the environment, else the platform's usual places."""
    return AppFolders(
        data=_folder(DATA_DIR_VARIABLE, platformdirs.user_data_path),
        config=_folder(CONFIG_DIR_VARIABLE, platformdirs.user_config_path),
        logs=_folder(LOG_DIR_VARIABLE, platformdirs.user_log_path),
    )


def resolve_folders(data_dir: Path | None = None, *, demo: bool = False) -> AppFolders:
    """The folders for a run, given the command line's ``--data-dir`` and ``--demo``.

    The demo store always lives in a subfolder of its own, so demo orders can
    never mix with a real shop's data.
    """
    folders = default_folders()
    data = data_dir.expanduser().resolve() if data_dir else folders.data
    if demo:
        data = data / DEMO_SUBFOLDER
    return AppFolders(data=data, config=folders.config, logs=folders.logs)


def _folder(variable: str, platform_default: object) -> Path:
    override = os.environ.get(variable, "").strip()
    if override:
        return Path(override).expanduser()
    assert callable(platform_default)
    path = platform_default(APP_DIR_NAME, APP_AUTHOR)
    assert isinstance(path, Path)
    return path
