"""``giveaway-desk self-test``: the keyring line, and where the options may go."""

from __future__ import annotations

import sys
from pathlib import Path

import keyring.core
import pytest
from keyring.backends import fail

from app.cli import main
from tests.utils.memory_keyring import LockedKeyring, MemoryKeyring


def _self_test(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["self-test", "--demo", "--data-dir", str(tmp_path / "data")])
    return code, capsys.readouterr().out


def test_reports_the_keyring_backend_it_resolved(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    memory_keyring: MemoryKeyring,
) -> None:
    code, out = _self_test(tmp_path, capsys)

    assert code == 0, out
    assert "ok   Keyring: Secrets are kept in tests.utils.memory_keyring" in out
    assert "ok   Database: opened sqlite" in out
    assert "demo-store" in out  # --demo and --data-dir after the subcommand count
    assert "Self-test passed." in out
    # The probe entry was written, read back and removed again.
    assert memory_keyring.writes == 1
    assert memory_keyring.values == {}


@pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the Linux rule is under test"
)
def test_linux_without_a_secret_service_is_reported_not_failed(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(keyring.core, "_keyring_backend", fail.Keyring())

    code, out = _self_test(tmp_path, capsys)

    assert code == 0, out
    assert "note Keyring: no_backend: No secure credential store" in out
    assert "(not a failure on Linux)" in out
    assert "Self-test passed." in out


@pytest.mark.parametrize("platform", ["win32", "darwin"])
def test_windows_and_macos_fail_without_a_usable_keyring(
    platform: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.cli import selftest

    monkeypatch.setattr(keyring.core, "_keyring_backend", fail.Keyring())
    monkeypatch.setattr(selftest.sys, "platform", platform)

    with pytest.raises(RuntimeError, match="No secure credential store"):
        selftest._check_keyring()


def test_a_locked_keyring_is_named_in_the_report(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(keyring.core, "_keyring_backend", LockedKeyring())

    code, out = _self_test(tmp_path, capsys)

    expected = 1 if sys.platform in ("win32", "darwin") else 0
    assert code == expected, out
    assert "Keyring: locked: The keyring" in out
