"""Entry script of the frozen app: a library check on Linux, then ``giveaway-desk``.

PyInstaller starts this file inside the built bundle; it does what
``python -m app`` does. On Linux it first checks for the X11 libraries that Qt's
"xcb" platform plugin loads. Without them Qt aborts with "Could not load the Qt
platform plugin xcb even though it was found", which names no library (see
https://github.com/mozman/ezdxf/issues/884: the missing one was libxcb-cursor0).
The check names the Debian/Ubuntu package to install instead.
"""

from __future__ import annotations

import ctypes
import os
import sys

# The shared libraries Qt 6's xcb plugin needs beyond a bare X11 client, with the
# Debian/Ubuntu package of each. Debian 12 and Ubuntu 22.04 lack the first one
# unless a desktop pulled it in.
XCB_LIBRARIES: tuple[tuple[str, str], ...] = (
    ("libxcb-cursor.so.0", "libxcb-cursor0"),
    ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),
    ("libxcb-icccm.so.4", "libxcb-icccm4"),
    ("libxcb-keysyms.so.1", "libxcb-keysyms1"),
    ("libxcb-shape.so.0", "libxcb-shape0"),
    ("libEGL.so.1", "libegl1"),
    ("libfontconfig.so.1", "libfontconfig1"),
    ("libdbus-1.so.3", "libdbus-1-3"),
)

# Qt platforms that need no X11 libraries: headless runs and Wayland sessions.
_NON_X11_PLATFORMS = ("offscreen", "minimal", "wayland", "eglfs", "linuxfb", "vnc")


def missing_x11_packages() -> list[str]:
    """Debian package names of the xcb plugin's libraries that cannot be loaded."""
    missing = []
    for soname, package in XCB_LIBRARIES:
        try:
            ctypes.CDLL(soname)
        except OSError:
            missing.append(package)
    return missing


def _will_use_xcb() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    chosen = os.environ.get("QT_QPA_PLATFORM", "").strip().lower()
    if chosen:
        return chosen.startswith("xcb")
    # Unset: Qt picks Wayland in a Wayland session, else xcb.
    return not os.environ.get("WAYLAND_DISPLAY")


def warn_about_missing_libraries() -> None:
    """Name the packages to install when Qt's xcb plugin would fail to load."""
    if not _will_use_xcb():
        return
    missing = missing_x11_packages()
    if missing:
        sys.stderr.write(
            "Giveaway Desk: Qt's X11 plugin needs libraries this computer lacks.\n"
            f"Install them with: sudo apt install {' '.join(missing)}\n"
            "(QT_DEBUG_PLUGINS=1 shows Qt's own report.)\n"
        )


def main() -> int:
    """Check the libraries, then run the ``giveaway-desk`` command line."""
    from app.cli import build_parser
    from app.cli import main as cli_main

    # Only the desktop app (no subcommand) opens a window; subcommands such as
    # self-test run headless and need no X11 libraries.
    args, _unknown = build_parser().parse_known_args()
    if getattr(args, "handler", None) is None:
        warn_about_missing_libraries()
    return cli_main()


if __name__ == "__main__":
    sys.exit(main())
