"""Starting the desktop app: logging, the error path, the bench, the window."""

from __future__ import annotations

import gc
import logging
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QSettings, QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QMessageBox

from app import APP_NAME, __version__
from app.services.errors import StartupError
from app.services.startup import Startup, start_bench
from app.ui import errors, tasks, theme
from app.ui.main_window import MainWindow

if TYPE_CHECKING:
    from app.services.runtime import Runtime

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
    """Run the desktop app until its window closes; returns the exit code.

    The queue is shown first; the rest (sync, connectors, scanner, menus of
    the other features) is started right after its first paint, so a clerk
    sees the work before the app has finished loading its parts.
    """
    app = create_application()
    reporter = errors.ErrorReporter()
    errors.install(reporter)

    try:
        startup = start_bench(data_dir, demo=demo)
    except StartupError as error:
        # Started from a menu there is no terminal to read the message in.
        QMessageBox.critical(None, f"{APP_NAME} cannot start", str(error).capitalize())
        raise
    window = MainWindow(startup.bench)
    reporter.set_parent_widget(window)
    _restore_geometry(window)
    if demo:
        window.setWindowTitle(window.windowTitle() + " — DEMO STORE")
    started: list[Runtime] = []
    painted = _AfterFirstPaint(window)
    if os.environ.get(EXIT_AFTER_FIRST_PAINT_VARIABLE) == "1":
        painted.callbacks.append(_log_first_paint_and_quit)
    else:
        painted.callbacks.append(lambda: started.append(finish_start(window, startup)))
    window.table.viewport().installEventFilter(painted)
    window.show()
    logger.info("Window shown; log file %s", startup.log_file)

    code = app.exec()
    _save_geometry(window)
    tasks.wait_for_all()
    if started:
        started[0].close()
    else:
        startup.bench.close()
    return code


def finish_start(window: MainWindow, startup: Startup) -> Runtime:
    """Start the sync and install every other part of the app on ``window``."""
    # Imported here, after the first paint: the connectors, the sync engine and
    # the other features' windows take a good part of a second to load.
    from app.services.runtime import start_runtime
    from app.ui.installs import install_everything

    runtime = start_runtime(startup)
    install_everything(window, runtime)
    settle_memory()
    return runtime


def settle_memory() -> None:
    """Move everything made at start-up out of the garbage collector's way.

    A full collection walks every object; with Qt, SQLAlchemy and the app
    loaded that takes over 100 ms and stops every thread, the GUI's included.
    Objects made at start live for the whole run, so they are frozen out of
    collection (see the ``gc.freeze`` documentation).
    """
    gc.collect()
    gc.freeze()


class _AfterFirstPaint(QObject):
    """Runs its callbacks once, right after the watched widget first paints."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.callbacks: list[Callable[[], object]] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            for callback in self.callbacks:
                QTimer.singleShot(0, callback)
        return False


def _log_first_paint_and_quit() -> None:
    logger.info("First paint at %.6f", time.time())
    QApplication.quit()


def _restore_geometry(window: MainWindow) -> None:
    geometry = QSettings().value("main_window/geometry")
    if geometry is not None:
        window.restoreGeometry(geometry)


def _save_geometry(window: MainWindow) -> None:
    QSettings().setValue("main_window/geometry", window.saveGeometry())
