"""The installer sources: complete (no placeholders), valid, and consistent."""

from __future__ import annotations

import importlib.util
import plistlib
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
INSTALLERS = REPO / "installers"
WORKFLOW = REPO / ".github" / "workflows" / "release.yml"

# Words and shapes that mark unfinished text: TODO, FIXME, XXX, CHANGEME, and
# "<something>" stand-ins such as <version> or <TEAM ID>.
_MARKERS = re.compile(r"\b(TODO|FIXME|XXX|CHANGEME)\b|<[^<>\n]{1,40}>")


def _text_of(path: Path) -> str:
    """A file's text to scan; for plists, only the values (XML tags are fine)."""
    if path.suffix == ".plist":
        with path.open("rb") as handle:
            return "\n".join(_plist_strings(plistlib.load(handle)))
    return path.read_text("utf-8")


def _plist_strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [
            text for key, item in value.items() for text in [key, *_plist_strings(item)]
        ]
    if isinstance(value, list):
        return [text for item in value for text in _plist_strings(item)]
    return [str(value)]


@pytest.mark.parametrize(
    "path",
    [
        *sorted(
            p
            for p in INSTALLERS.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts
        ),
        REPO / "build.spec",
        WORKFLOW,
    ],
    ids=lambda path: str(path.relative_to(REPO)),
)
def test_no_placeholder_is_left(path: Path) -> None:
    found = [
        f"line {number}: {line.strip()}"
        for number, line in enumerate(_text_of(path).splitlines(), start=1)
        if _MARKERS.search(line)
    ]
    assert not found, found


def test_the_marker_check_catches_placeholders() -> None:
    assert _MARKERS.search("codesign --sign <YOUR IDENTITY>")
    assert _MARKERS.search("AppVersion=<version>")
    assert _MARKERS.search("# TODO: sign")
    assert not _MARKERS.search('if [ -n "$x" ] 2>/dev/null; then')


def test_shell_scripts_are_executable() -> None:
    scripts = sorted(INSTALLERS.rglob("*.sh"))
    assert scripts
    for script in scripts:
        assert script.stat().st_mode & 0o111, f"{script} is not executable"


def _workflow() -> dict[str, Any]:
    loaded = yaml.safe_load(WORKFLOW.read_text("utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def test_release_workflow_builds_and_self_tests_on_three_systems() -> None:
    workflow = _workflow()
    # YAML 1.1 reads the key "on" as the boolean True.
    triggers = workflow.get("on", workflow.get(True))
    assert "workflow_dispatch" in triggers

    job = workflow["jobs"]["build"]
    systems = {entry["os"] for entry in job["strategy"]["matrix"]["include"]}
    assert {"windows-latest", "macos-latest"} <= systems
    assert any(system.startswith("ubuntu-") for system in systems)

    runs = "\n".join(step.get("run", "") for step in job["steps"])
    assert "PyInstaller --noconfirm --clean build.spec" in runs
    assert "self-test --demo" in runs
    assert "installers\\windows\\giveaway-desk.iss" in runs
    assert "installers/macos/sign-and-notarize.sh" in runs
    assert "installers/linux/make-tarball.sh" in runs
    uses = [step["uses"] for step in job["steps"] if "uses" in step]
    assert any(action.startswith("actions/upload-artifact@") for action in uses)


def test_release_workflow_steps_are_well_formed() -> None:
    for step in _workflow()["jobs"]["build"]["steps"]:
        assert "name" in step
        assert ("run" in step) != ("uses" in step), step["name"]
        if "if" in step:
            assert re.fullmatch(r"runner\.os == '(Windows|macOS|Linux)'", step["if"])


def test_macos_signing_reads_the_secrets_the_workflow_passes() -> None:
    script = (INSTALLERS / "macos" / "sign-and-notarize.sh").read_text("utf-8")
    step = next(
        step
        for step in _workflow()["jobs"]["build"]["steps"]
        if step.get("run") == "installers/macos/sign-and-notarize.sh"
    )
    for name in step["env"]:
        assert name in script
        assert step["env"][name] == f"${{{{ secrets.{name} }}}}"
    for required in (
        "APPLE_SIGNING_IDENTITY",
        "APPLE_ID",
        "APPLE_TEAM_ID",
        "APPLE_APP_PASSWORD",
    ):
        assert required in step["env"]


def test_windows_uninstaller_keeps_data_by_default() -> None:
    script = (INSTALLERS / "windows" / "giveaway-desk.iss").read_text("utf-8")

    assert "PrivilegesRequired=lowest" in script
    assert "MB_DEFBUTTON2" in script  # "No" (keep the data) is the default button
    assert "{param:DELETEUSERDATA|no}" in script  # silent: keep unless asked
    assert "{localappdata}\\GiveawayDesk" in script


def _launcher() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "launcher", INSTALLERS / "launcher.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_linux_readme_lists_every_library_the_launcher_checks() -> None:
    readme = (INSTALLERS / "linux" / "README.txt").read_text("utf-8")

    for _soname, package in _launcher().XCB_LIBRARIES:
        assert re.search(rf"\b{re.escape(package)}\b", readme), package


def test_launcher_names_the_package_of_a_missing_library(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    launcher = _launcher()
    monkeypatch.setattr(
        launcher,
        "XCB_LIBRARIES",
        (("libgiveaway-missing.so.9", "libgiveaway-missing9"),),
    )
    monkeypatch.setattr(launcher.sys, "platform", "linux")
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")

    launcher.warn_about_missing_libraries()

    assert "sudo apt install libgiveaway-missing9" in capsys.readouterr().err


def test_launcher_stays_quiet_offscreen(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    launcher = _launcher()
    monkeypatch.setattr(
        launcher,
        "XCB_LIBRARIES",
        (("libgiveaway-missing.so.9", "libgiveaway-missing9"),),
    )
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")

    launcher.warn_about_missing_libraries()

    assert capsys.readouterr().err == ""
