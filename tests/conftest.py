"""Test-wide fixtures: every test runs in its own folders, offscreen, keyring-free.

No test ever sees the developer's real data folder, settings, log folder or
keyring: the autouse fixture below redirects all of them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Qt must know before the first QApplication exists.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# An unexpected exception in the UI fails the test instead of opening a dialog.
os.environ.setdefault("GIVEAWAY_DESK_EXIT_ON_ERROR", "1")

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED = REPO_ROOT.parent / "shared"


@pytest.fixture(autouse=True)
def isolated_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point data, config and log folders at a fresh temporary folder."""
    home = tmp_path / "giveaway-desk-home"
    for name, variable in (
        ("data", "GIVEAWAY_DESK_DATA_DIR"),
        ("config", "GIVEAWAY_DESK_CONFIG_DIR"),
        ("logs", "GIVEAWAY_DESK_LOG_DIR"),
    ):
        folder = home / name
        folder.mkdir(parents=True)
        monkeypatch.setenv(variable, str(folder))
    return home


@pytest.fixture
def shared_dir() -> Path:
    """The shared reference folder beside the checkout (fixtures, schemas, cases)."""
    if not SHARED.is_dir():
        pytest.skip(f"shared reference folder not found at {SHARED}")
    return SHARED
