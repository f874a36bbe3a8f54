"""The Qt half of ``giveaway-desk self-test``: can Qt start and draw a window?"""

from __future__ import annotations

import os

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import qVersion
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QLabel


def check_qt() -> list[str]:
    """Start Qt offscreen (unless a platform was chosen), draw a label, report."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QApplication.instance() or QApplication([])
    label = QLabel("Giveaway Desk self-test")
    label.resize(320, 40)
    picture = label.grab()
    if picture.isNull() or picture.width() < 1:
        raise RuntimeError("Qt could not draw a widget")
    platform_name = QGuiApplication.platformName()
    label.deleteLater()
    assert app is not None
    return [
        f"Qt {qVersion()} (PySide6 {pyside_version}) on platform '{platform_name}'",
        f"drew a {picture.width()}x{picture.height()} test widget",
    ]
