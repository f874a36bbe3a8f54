"""The one error path: an unexpected exception ends in one friendly dialog.

``sys.excepthook`` and ``threading.excepthook`` lead here. A burst of errors is
collected for a moment and shown as one dialog, with the details ready to copy
for support. With ``GIVEAWAY_DESK_EXIT_ON_ERROR=1`` (tests, development) the
error is re-raised instead of shown.
"""

from __future__ import annotations

import logging
import os
import platform
import sys
import threading
import traceback
from types import TracebackType

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from app import APP_NAME, __version__

logger = logging.getLogger(__name__)

EXIT_ON_ERROR_VARIABLE = "GIVEAWAY_DESK_EXIT_ON_ERROR"

# Errors arriving within this many milliseconds end up in the same dialog.
DEBOUNCE_MS = 150

FRIENDLY_MESSAGE = (
    "Something went wrong that Giveaway Desk did not expect. Your saved work is "
    "safe: every save is written to disk before it is confirmed.\n\n"
    "If it happens again, press 'Show Details...', copy the text and send it to "
    "your supervisor or support."
)


class ErrorReporter(QObject):
    """Collects unexpected exceptions and shows them in one dialog."""

    error_reported = Signal(str)
    """Emitted (on the GUI thread) with the details text of each error."""

    _arrived = Signal(str)

    def __init__(self, parent_widget: QWidget | None = None) -> None:
        super().__init__()
        self._parent_widget = parent_widget
        self._pending: list[str] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._show)
        self._arrived.connect(self._collect)

    def set_parent_widget(self, widget: QWidget | None) -> None:
        """The window the dialog should sit on."""
        self._parent_widget = widget

    def report(
        self,
        kind: type[BaseException],
        error: BaseException,
        trace: TracebackType | None,
    ) -> None:
        """Log an exception and queue it for the dialog (any thread)."""
        logger.error("Unexpected error", exc_info=(kind, error, trace))
        details = details_text(kind, error, trace)
        self._arrived.emit(details)

    def _collect(self, details: str) -> None:
        self._pending.append(details)
        self.error_reported.emit(details)
        self._timer.start()

    def _show(self) -> None:
        details = "\n\n".join(self._pending)
        self._pending.clear()
        box = QMessageBox(self._parent_widget)
        box.setIcon(QMessageBox.Icon.Critical)
        box.setWindowTitle(f"{APP_NAME}: unexpected error")
        box.setText(FRIENDLY_MESSAGE)
        box.setDetailedText(details)
        copy = box.addButton("Copy details", QMessageBox.ButtonRole.ActionRole)
        box.addButton(QMessageBox.StandardButton.Close)
        copy.clicked.disconnect()
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(details))
        box.exec()


def details_text(
    kind: type[BaseException], error: BaseException, trace: TracebackType | None
) -> str:
    """The text support needs: version, platform and the traceback."""
    lines = traceback.format_exception(kind, error, trace)
    return (
        f"{APP_NAME} {__version__} on {platform.platform()}, "
        f"Python {platform.python_version()}\n" + "".join(lines)
    )


def install(reporter: ErrorReporter) -> None:
    """Route uncaught exceptions of every thread to ``reporter``."""
    if os.environ.get(EXIT_ON_ERROR_VARIABLE) == "1":
        return

    def on_exception(
        kind: type[BaseException], error: BaseException, trace: TracebackType | None
    ) -> None:
        if issubclass(kind, KeyboardInterrupt):
            QApplication.quit()
            return
        reporter.report(kind, error, trace)

    def on_thread_exception(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            reporter.report(args.exc_type, args.exc_value, args.exc_traceback)

    sys.excepthook = on_exception
    threading.excepthook = on_thread_exception
