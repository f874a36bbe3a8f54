"""The whole app as a clerk starts it: every part installed on the main window."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from app.services.runtime import start_runtime
from app.services.startup import start_bench
from app.ui import tasks
from app.ui.installs import install_everything
from app.ui.main_window import MainWindow
from app.ui.scanner import ScanCheckPage


def test_the_demo_app_has_every_menu_and_the_scanner_check_reads_a_scan(
    qtbot, tmp_path: Path
) -> None:
    startup = start_bench(tmp_path / "data", demo=True)
    runtime = start_runtime(startup)
    window = MainWindow(runtime.bench)
    qtbot.addWidget(window)
    installed = install_everything(window, runtime, sync_interval_ms=60_000)
    try:
        menus = [a.text().replace("&", "") for a in window.menuBar().actions()]
        assert menus == ["Bench", "Order", "Samples", "Reports", "Stores", "Sync"]

        check = next(a for a in window.bench_menu.actions() if "check" in a.text())
        check.trigger()
        page = window.findChild(ScanCheckPage)
        assert page is not None and page.isVisible()
        page.field_picker.setFocus()
        qtbot.waitUntil(page.field_picker.hasFocus)

        # A wedge scanner types a USPS label barcode and Enter, all at once.
        for char in "420123459400100000000000123453":
            QTest.keyClick(page.field_picker, char)
        QTest.keyClick(page.field_picker, Qt.Key.Key_Return)

        qtbot.waitUntil(lambda: page.last_result is not None, timeout=2000)
        assert page.last_result.value == "9400100000000000123453"
        assert page.last_result.carrier == "USPS"
        assert page.field_picker.currentText() == "tracking", "no key reached the box"
    finally:
        installed.remove()  # the filter is application-wide: later tests type too
        tasks.wait_for_all()
        runtime.close()
