"""``giveaway-desk credentials``: status, set from standard input, delete."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import main
from tests.utils.memory_keyring import MemoryKeyring

CANARY = "canary-c11-7e2b94-never-stored"
SERVICE = "GiveawayDesk/default"


class FakeTerminal(io.StringIO):
    """A standard input that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def run_cli(args: list[str], stdin: str, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return main(["credentials", *args])


# --- with no usable keyring (a headless machine) ----------------------------------


def run_headless(
    args: list[str], stdin: str, tmp_path: Path
) -> subprocess.CompletedProcess[str]:
    """Run the real command in a child process using keyring's fail backend."""
    env = dict(os.environ)
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    for variable in ("HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        folder = tmp_path / "user-home" / variable.lower()
        folder.mkdir(parents=True, exist_ok=True)
        env[variable] = str(folder)
    return subprocess.run(
        [sys.executable, "-m", "app", "credentials", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def files_containing(root: Path, text: str) -> list[Path]:
    needle = text.encode()
    return [p for p in root.rglob("*") if p.is_file() and needle in p.read_bytes()]


def test_without_a_keyring_status_and_set_say_so_and_nothing_is_written(
    tmp_path: Path, isolated_folders: Path
) -> None:
    status = run_headless(["status"], "", tmp_path)
    saved = run_headless(["set", "tiktok.app_secret"], CANARY + "\n", tmp_path)

    for result in (status, saved):
        output = result.stdout + result.stderr
        assert "No secure credential store is available" in output
        assert "keyring.backends.fail.Keyring" in output
        assert CANARY not in output
    assert status.returncode != 0
    assert saved.returncode != 0
    assert "Nothing was saved." in saved.stderr
    assert files_containing(isolated_folders, CANARY) == []
    assert files_containing(tmp_path, CANARY) == []


# --- with a keyring (the in-memory test backend) ------------------------------------


def test_set_reads_standard_input_and_status_shows_names_only(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    memory_keyring: MemoryKeyring,
) -> None:
    assert run_cli(["set", "tiktok.app_secret"], CANARY + "\n", monkeypatch) == 0
    assert run_cli(["status"], "", monkeypatch) == 0

    output = capsys.readouterr()
    assert memory_keyring.entries(SERVICE) == {"tiktok.app_secret": CANARY}
    assert CANARY not in output.out + output.err
    assert "Saved tiktok.app_secret" in output.out
    lines = output.out.splitlines()
    assert any(line.split() == ["tiktok.app_secret", "set"] for line in lines)
    assert any(line.split() == ["tiktok.app_key", "not", "set"] for line in lines)


def test_on_a_terminal_the_value_is_typed_without_echo(
    monkeypatch: pytest.MonkeyPatch, memory_keyring: MemoryKeyring
) -> None:
    prompts: list[str] = []

    def no_echo_prompt(prompt: str = "") -> str:
        prompts.append(prompt)
        return "typed-secret"

    monkeypatch.setattr(sys, "stdin", FakeTerminal())
    monkeypatch.setattr("getpass.getpass", no_echo_prompt)

    assert main(["credentials", "set", "shopify.admin_token"]) == 0
    assert prompts == ["shopify.admin_token (typing is not shown): "]
    assert memory_keyring.entries(SERVICE) == {"shopify.admin_token": "typed-secret"}


def test_an_empty_value_saves_nothing(
    monkeypatch: pytest.MonkeyPatch, memory_keyring: MemoryKeyring
) -> None:
    assert run_cli(["set", "tiktok.app_key"], "\n", monkeypatch) == 1
    assert memory_keyring.values == {}


def test_an_unknown_name_is_refused_before_anything_is_read(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    memory_keyring: MemoryKeyring,
) -> None:
    assert run_cli(["set", "tiktok.app_secrt"], CANARY, monkeypatch) == 2

    assert "Known names" in capsys.readouterr().err
    assert sys.stdin.read() == CANARY  # still unread
    assert memory_keyring.values == {}


def test_delete_and_disconnect_forget_secrets(
    monkeypatch: pytest.MonkeyPatch, memory_keyring: MemoryKeyring
) -> None:
    for name in ("tiktok.app_key", "tiktok.app_secret", "shopify.admin_token"):
        assert run_cli(["set", name], "value", monkeypatch) == 0

    assert run_cli(["delete", "shopify.admin_token"], "", monkeypatch) == 0
    assert run_cli(["disconnect", "tiktok"], "", monkeypatch) == 0

    assert memory_keyring.values == {}


def test_profile_option_picks_the_keyring_service(
    monkeypatch: pytest.MonkeyPatch, memory_keyring: MemoryKeyring
) -> None:
    assert (
        run_cli(["--profile", "second-shop", "set", "tiktok.app_key"], "k", monkeypatch)
        == 0
    )

    assert memory_keyring.entries("GiveawayDesk/second-shop") == {"tiktok.app_key": "k"}
