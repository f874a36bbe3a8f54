"""Test-wide fixtures: every test runs in its own folders, offscreen, keyring-free.

No test ever sees the developer's real data folder, settings, log folder or
keyring: the autouse fixture below redirects all of them.
"""

from __future__ import annotations

import os
from pathlib import Path

import keyring.core
import pytest

from tests.utils.memory_keyring import MemoryKeyring

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


@pytest.fixture(autouse=True)
def memory_keyring(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> MemoryKeyring | None:
    """Swap the OS keyring for an in-memory one, unless marked ``real_keyring``."""
    if request.node.get_closest_marker("real_keyring"):
        return None
    backend = MemoryKeyring()
    # keyring.set_keyring() has no undo; patching its module global restores
    # whatever was there (usually nothing yet) after the test.
    monkeypatch.setattr(keyring.core, "_keyring_backend", backend)
    return backend
