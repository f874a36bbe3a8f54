"""Starting the desktop app: logging, the error path, the bench, the window."""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QSettings, QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from app import APP_NAME, __version__
from app.domain.scanning.detector import StationSettings
from app.services.startup import start_bench
from app.ui import errors, tasks, theme
from app.ui.main_window import MainWindow
from app.ui.pack_station import install_pack_station
from app.ui.scanner import ScanEventFilter

logger = logging.getLogger(__name__)

# Set to 1 by benchmarks/frozen_app.py: the app logs the moment the queue first
# paints and quits, so a frozen build's start time can be measured from outside.
EXIT_AFTER_FIRST_PAINT_VARIABLE = "GIVEAWAY_DESK_EXIT_AFTER_FIRST_PAINT"


def create_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication with our names, font size and style sheet."""
    existing = QApplication.instance()
    app = (
        existing
        if isinstance(existing, QApplication)
        else QApplication(argv or sys.argv)
    )
    app.setApplicationName(APP_NAME)
    app.setOrganizationName("GiveawayDesk")
    app.setApplicationVersion(__version__)
    font = QFont(app.font())
    font.setPointSize(theme.BASE_POINT_SIZE)
    app.setFont(font)
    app.setStyleSheet(theme.STYLESHEET)
    return app


def run_desktop(*, data_dir: Path | None, demo: bool) -> int:
    """Run the desktop app until its window closes; returns the exit code."""
    app = create_application()
    reporter = errors.ErrorReporter()
    errors.install(reporter)

    startup = start_bench(data_dir, demo=demo)
    bench = startup.bench
    window = MainWindow(bench)
    scanner = ScanEventFilter(StationSettings.usb(), parent=app)
    scanner.scanned.connect(window.on_scanned)
    scanner.install(app)
    install_pack_station(window, scanner)
    reporter.set_parent_widget(window)
    _restore_geometry(window)
    if demo:
        window.setWindowTitle(window.windowTitle() + " — DEMO STORE")
    if os.environ.get(EXIT_AFTER_FIRST_PAINT_VARIABLE) == "1":
        window.table.viewport().installEventFilter(_QuitAfterFirstPaint(window))
    window.show()
    logger.info("Window shown; log file %s", startup.log_file)

    code = app.exec()
    _save_geometry(window)
    tasks.wait_for_all()
    bench.close()
    return code


class _QuitAfterFirstPaint(QObject):
    """Logs "First paint at <epoch seconds>" once the queue paints, then quits."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            logger.info("First paint at %.6f", time.time())
            watched.removeEventFilter(self)
            QTimer.singleShot(0, QApplication.quit)
        return False


def _restore_geometry(window: MainWindow) -> None:
    geometry = QSettings().value("main_window/geometry")
    if geometry is not None:
        window.restoreGeometry(geometry)


def _save_geometry(window: MainWindow) -> None:
    QSettings().setValue("main_window/geometry", window.saveGeometry())
