"""The one error path: an unexpected exception becomes one friendly dialog."""

from __future__ import annotations

import logging
import sys

from PySide6.QtWidgets import QApplication, QMessageBox

from app.ui import errors


def _raise_and_report(reporter: errors.ErrorReporter, message: str) -> None:
    try:
        raise RuntimeError(message)
    except RuntimeError:
        reporter.report(*sys.exc_info())


def test_a_burst_of_errors_becomes_one_dialog_with_copyable_details(
    qtbot, monkeypatch, caplog
) -> None:
    shown: list[QMessageBox] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box) or 0)
    reporter = errors.ErrorReporter()

    with caplog.at_level(logging.ERROR, logger="app.ui.errors"):
        with qtbot.waitSignals([reporter.error_reported] * 2, timeout=2000):
            _raise_and_report(reporter, "first failure")
            _raise_and_report(reporter, "second failure")
        qtbot.waitUntil(lambda: len(shown) == 1, timeout=2000)

    box = shown[0]
    assert "Your saved work is safe" in box.text()
    details = box.detailedText()
    assert "first failure" in details and "second failure" in details
    assert "Giveaway Desk" in details and "Traceback" in details
    assert len(caplog.records) == 2, "each error is in the log"

    copy = next(b for b in box.buttons() if b.text() == "Copy details")
    copy.click()
    assert "second failure" in QApplication.clipboard().text()


def test_exit_on_error_switch_leaves_the_hooks_alone(monkeypatch) -> None:
    monkeypatch.setenv(errors.EXIT_ON_ERROR_VARIABLE, "1")
    before = sys.excepthook
    errors.install(errors.ErrorReporter())
    assert sys.excepthook is before
