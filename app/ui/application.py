"""Starting the desktop app: logging, the error path, the bench, the window."""

from __future__ import annotations

import gc
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
from app.services.connections import ConnectionsService
from app.services.runtime import Runtime, start_runtime
from app.ui import errors, tasks, theme
from app.ui.keyring_notice import install_keyring_notice
from app.ui.main_window import MainWindow
from app.ui.pack_station import install_pack_station
from app.ui.reports_view import install_reports_view
from app.ui.samples_view import install_samples_view
from app.ui.scanner import ScanEventFilter
from app.ui.setup_wizard import install_setup_wizard
from app.ui.sync_panel import install_sync

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

    runtime = start_runtime(data_dir, demo=demo)
    window = build_main_window(runtime)
    reporter.set_parent_widget(window)
    _restore_geometry(window)
    if demo:
        window.setWindowTitle(window.windowTitle() + " — DEMO STORE")
    if os.environ.get(EXIT_AFTER_FIRST_PAINT_VARIABLE) == "1":
        window.table.viewport().installEventFilter(_QuitAfterFirstPaint(window))
    window.show()
    settle_memory()
    logger.info("Window shown; log file %s", runtime.startup.log_file)

    code = app.exec()
    _save_geometry(window)
    tasks.wait_for_all()
    runtime.close()
    return code


def settle_memory() -> None:
    """Move everything made at start-up out of the garbage collector's way.

    A full collection walks every object; with Qt, SQLAlchemy and the app
    loaded that takes over 100 ms and stops every thread, the GUI's included.
    Objects made at start live for the whole run, so they are frozen out of
    collection (see the ``gc.freeze`` documentation).
    """
    gc.collect()
    gc.freeze()


def build_main_window(
    runtime: Runtime, *, sync_interval_ms: int | None = None
) -> MainWindow:
    """The main window with every part of the app installed on it."""
    window = MainWindow(runtime.bench)
    app = QApplication.instance()
    scanner = ScanEventFilter(StationSettings.usb(), parent=app)
    scanner.scanned.connect(window.on_scanned)
    scanner.install(app)
    install_pack_station(window, scanner)
    install_samples_view(window, reviewer=runtime.reviewer)
    install_reports_view(window)
    install_setup_wizard(window, lambda: ConnectionsService(runtime.credentials))
    install_keyring_notice(window, lambda: runtime.credentials)
    outage = runtime.demo.set_outage if runtime.demo is not None else None
    install_sync(
        window,
        runtime.engine,
        set_outage=outage,
        **({"interval_ms": sync_interval_ms} if sync_interval_ms else {}),
    )
    return window


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
