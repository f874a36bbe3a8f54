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

# The system libraries the bundle leaves to the desktop (build.spec says why)
# that Qt needs to open a window on X11, with the Debian/Ubuntu package of each;
# installers/linux/README.txt lists the same. Debian 12 and Ubuntu 22.04 lack
# libxcb-cursor0 unless a desktop pulled it in.
XCB_LIBRARIES: tuple[tuple[str, str], ...] = (
    ("libxcb-cursor.so.0", "libxcb-cursor0"),
    ("libxcb-icccm.so.4", "libxcb-icccm4"),
    ("libxcb-image.so.0", "libxcb-image0"),
    ("libxcb-keysyms.so.1", "libxcb-keysyms1"),
    ("libxcb-randr.so.0", "libxcb-randr0"),
    ("libxcb-render-util.so.0", "libxcb-render-util0"),
    ("libxcb-shape.so.0", "libxcb-shape0"),
    ("libxcb-shm.so.0", "libxcb-shm0"),
    ("libxcb-sync.so.1", "libxcb-sync1"),
    ("libxcb-util.so.1", "libxcb-util1"),
    ("libxcb-xfixes.so.0", "libxcb-xfixes0"),
    ("libxcb-xkb.so.1", "libxcb-xkb1"),
    ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),
    ("libxkbcommon.so.0", "libxkbcommon0"),
    ("libX11-xcb.so.1", "libx11-xcb1"),
    ("libX11.so.6", "libx11-6"),
    ("libEGL.so.1", "libegl1"),
    ("libGL.so.1", "libgl1"),
    ("libfontconfig.so.1", "libfontconfig1"),
    ("libfreetype.so.6", "libfreetype6"),
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
