"""The Qt binding itself must not corrupt the interpreter.

PySide6 6.12.0 drops a reference to ``None`` each time Python calls a Qt method
that returns nothing. On Python 3.11, where ``None`` is an ordinary counted
object, a few thousand such calls in a long shift end in "Fatal Python error:
none_dealloc". This test fails on such a binding, so it can't come back with a
version bump.
"""

from __future__ import annotations

import sys

from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QLabel


def test_void_qt_calls_do_not_release_none(qapp) -> None:
    label = QLabel()
    image = QImage(8, 8, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    before = sys.getrefcount(None)

    for _ in range(500):
        label.setText("scan")
        label.setEnabled(True)
        painter.save()
        painter.setPen(QColor("red"))
        painter.restore()

    painter.end()
    lost = before - sys.getrefcount(None)
    assert lost < 100, f"{lost} references to None lost in 2,500 Qt calls"
