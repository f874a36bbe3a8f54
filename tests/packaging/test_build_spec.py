"""build.spec, run with stand-ins for PyInstaller's classes: what it would build.

PyInstaller is a build-only dependency, so these tests execute the spec the way
PyInstaller does (with SPECPATH, workpath and the build classes as globals) but
record what the spec hands to Analysis, EXE, COLLECT and BUNDLE instead of
building. The real build and its self-test run in .ci/run.
"""

from __future__ import annotations

import plistlib
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from app import __version__

REPO = Path(__file__).resolve().parents[2]
SPEC = REPO / "build.spec"

# Alembic reads these Python files by path at run time, so they must ship as files.
MIGRATION_SOURCES = ("app/storage/migrations/env.py",)


class _Recorded:
    """One call to a PyInstaller build class: its arguments, and TOC lists."""

    calls: list[_Recorded]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.args = args
        self.kwargs = kwargs
        self.pure: list[Any] = []
        self.scripts: list[Any] = []
        self.binaries: list[Any] = []
        self.datas: list[Any] = []
        type(self).calls.append(self)


def _stand_in(name: str) -> type[_Recorded]:
    return type(name, (_Recorded,), {"calls": []})


def run_spec(
    workpath: Path, monkeypatch: pytest.MonkeyPatch, platform: str | None = None
) -> dict[str, Any]:
    """Execute build.spec as PyInstaller would on ``platform``; returns its globals."""
    if platform is not None:
        monkeypatch.setattr(sys, "platform", platform)
    monkeypatch.setattr(sys, "path", list(sys.path))
    namespace: dict[str, Any] = {
        "SPECPATH": str(REPO),
        "SPEC": str(SPEC),
        "workpath": str(workpath),
        "DISTPATH": str(workpath / "dist"),
        **{
            name: _stand_in(name)
            for name in ("Analysis", "PYZ", "EXE", "COLLECT", "BUNDLE")
        },
    }
    exec(compile(SPEC.read_bytes(), str(SPEC), "exec"), namespace)
    return namespace


def _only(namespace: dict[str, Any], name: str) -> _Recorded:
    calls = namespace[name].calls
    assert len(calls) == 1, f"{name} called {len(calls)} times"
    return calls[0]


def runtime_data_files() -> set[Path]:
    """Every file under app/ that is not a Python module, plus Alembic's sources."""
    found = {
        path
        for path in (REPO / "app").rglob("*")
        if path.is_file()
        and "__pycache__" not in path.parts
        and path.suffix not in (".py", ".pyc", ".pyi")
        and path.name != "py.typed"
    }
    found |= {REPO / name for name in MIGRATION_SOURCES}
    found |= {
        path
        for path in (REPO / "app/storage/migrations/versions").glob("*.py")
        if path.name != "__init__.py"
    }
    return found


def test_every_runtime_data_file_is_bundled_where_the_code_looks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    namespace = run_spec(tmp_path, monkeypatch)
    datas = _only(namespace, "Analysis").kwargs["datas"]
    bundled = {Path(source).resolve(): target for source, target in datas}

    missing = sorted(
        str(path.relative_to(REPO)) for path in runtime_data_files() - set(bundled)
    )
    assert not missing, f"build.spec DATA_FILES lacks {missing}"
    for path in runtime_data_files():
        # The file lands beside the module that loads it, as in the source tree.
        expected = path.parent.relative_to(REPO).as_posix()
        assert bundled[path.resolve()] == expected, path


def test_alembic_revisions_and_template_are_included(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    namespace = run_spec(tmp_path, monkeypatch)
    names = {
        Path(source).name for source, _ in _only(namespace, "Analysis").kwargs["datas"]
    }

    assert {"env.py", "script.py.mako", "0001_first_tables.py"} <= names
    assert "admin_2026-04.graphql.gz" in names
    assert "FindOrders.graphql" in names


def test_no_qt_module_the_app_imports_is_excluded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    namespace = run_spec(tmp_path, monkeypatch)
    excludes = set(_only(namespace, "Analysis").kwargs["excludes"])
    pattern = re.compile(r"PySide6\.(Qt\w+)")
    used = {
        f"PySide6.{match}"
        for path in (REPO / "app").rglob("*.py")
        for match in pattern.findall(path.read_text("utf-8"))
    }

    assert used, "the app imports no Qt module?"
    assert not used & excludes, (
        f"build.spec excludes Qt modules the app uses: {used & excludes}"
    )
    assert {"PySide6.QtQml", "PySide6.QtQuick", "PySide6.QtWebEngineCore"} <= excludes


def test_every_subcommand_and_the_migration_imports_are_hidden_imports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.cli import COMMAND_MODULES

    namespace = run_spec(tmp_path, monkeypatch)
    hidden = set(_only(namespace, "Analysis").kwargs["hiddenimports"])

    assert set(COMMAND_MODULES) <= hidden
    assert {"alembic.context", "alembic.op", "app.storage.models"} <= hidden
    assert "keyring.backends.SecretService" in hidden


def test_linux_build_is_one_folder_without_upx(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    namespace = run_spec(tmp_path, monkeypatch, "linux")
    exe = _only(namespace, "EXE")
    collect = _only(namespace, "COLLECT")

    assert exe.kwargs["exclude_binaries"] is True  # one folder, not one file
    assert exe.kwargs["upx"] is False
    assert collect.kwargs["upx"] is False
    assert collect.kwargs["name"] == "giveaway-desk"
    assert namespace["BUNDLE"].calls == []


def test_windows_build_has_a_windowed_exe_and_a_version_resource(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    namespace = run_spec(tmp_path, monkeypatch, "win32")
    exes = {call.kwargs["name"]: call.kwargs for call in namespace["EXE"].calls}

    assert exes["giveaway-desk"]["console"] is True
    assert exes["GiveawayDesk"]["console"] is False
    for kwargs in exes.values():
        assert kwargs["icon"].endswith("giveaway-desk.ico")
        assert Path(kwargs["icon"]).is_file()
        text = Path(kwargs["version"]).read_text("utf-8")
        numbers = tuple(int(part) for part in re.findall(r"\d+", __version__)[:3])
        assert f"filevers={(*numbers, 0)!r}," in text
        assert f"StringStruct('ProductVersion', '{__version__}')" in text
        assert "{" not in text  # every field of the template was filled


def test_macos_bundle_carries_the_plist_values_and_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    namespace = run_spec(tmp_path, monkeypatch, "darwin")
    bundle = _only(namespace, "BUNDLE")
    plist = bundle.kwargs["info_plist"]

    assert bundle.kwargs["name"] == "Giveaway Desk.app"
    assert bundle.kwargs["bundle_identifier"] == plist["CFBundleIdentifier"]
    assert bundle.kwargs["icon"].endswith("giveaway-desk.icns")
    assert plist["CFBundleShortVersionString"] == __version__
    assert plist["CFBundleVersion"] == __version__
    assert plist["NSHighResolutionCapable"] is True
    assert plist["LSMinimumSystemVersion"] == "13.0"
    # The file on disk stays valid XML that plistlib (and macOS) can read.
    with (REPO / "installers/macos/Info.plist").open("rb") as handle:
        assert (
            plistlib.load(handle)["CFBundleIdentifier"] == plist["CFBundleIdentifier"]
        )


def test_lean_drops_unused_qt_files_but_keeps_what_the_app_needs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    namespace = run_spec(tmp_path, monkeypatch, "linux")
    entries = [
        ("PySide6/Qt/translations/qtbase_de.qm", "x", "DATA"),
        ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", "x", "BINARY"),
        ("PySide6/Qt/plugins/platforms/libqeglfs.so", "x", "BINARY"),
        ("libgtk-3.so.0", "x", "BINARY"),
        ("rapidfuzz/fuzz_cpp_avx2.cpython-311-x86_64-linux-gnu.so", "x", "EXTENSION"),
        ("stdnum/cn/loc.dat", "x", "DATA"),
        ("PySide6\\plugins\\imageformats\\qjpeg.dll", "x", "BINARY"),
        # kept:
        ("PySide6/Qt/plugins/platforms/libqxcb.so", "x", "BINARY"),
        ("PySide6/Qt/plugins/platforms/libqoffscreen.so", "x", "BINARY"),
        ("PySide6/Qt/plugins/printsupport/libcupsprintersupport.so", "x", "BINARY"),
        ("PySide6/Qt/lib/libQt6PrintSupport.so.6", "x", "BINARY"),
        ("rapidfuzz/fuzz_cpp.cpython-311-x86_64-linux-gnu.so", "x", "EXTENSION"),
        ("stdnum/gs1_ai.dat", "x", "DATA"),
        ("libsqlite3.so.0", "x", "BINARY"),
        ("libpython3.11.so.1.0", "x", "BINARY"),
        ("PySide6\\plugins\\platforms\\qwindows.dll", "x", "BINARY"),
    ]

    kept = [name for name, _, _ in namespace["lean"](entries)]

    assert kept == [name for name, _, _ in entries[7:]]
