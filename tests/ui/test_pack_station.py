"""The pack station driven by synthetic key events, as a wedge scanner types.

Time comes from a fake clock the helpers advance between keys: 8 ms apart is
scanner speed, 140 ms is a person typing. Writes run on the real database lane,
so each scan is awaited through the page's ``step_shown`` signal.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import zxingcpp
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontInfo, QFontMetrics
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot
from sqlmodel import Session, select

from app.domain.scanning.detector import StationSettings
from app.domain.shipments import ShipmentState
from app.services.bench import Bench
from app.services.packing import Outcome, PackingService, Phase
from app.storage.models import AuditEntry, ShipmentLine
from app.ui import tasks
from app.ui.application import create_application
from app.ui.pack_station import (
    ERROR_BEEPS,
    QUESTION_BEEPS,
    SUCCESS_BEEPS,
    PackStationWindow,
    install_pack_station,
    shared_scan_filter,
    start_csv_import,
)
from app.ui.packing_slip import slip_image
from app.ui.scanner import ScanEventFilter
from tests.services.test_packing import with_lines
from tests.ui.conftest import save_screenshot
from tests.utils.bench_orders import giveaway, open_bench, sample

UPS = "1Z999AA10123456784"
GS30_UPC_A = "860000000017"
GS50_GTIN = "00860000000024"
ORDER = "579300000000000777"


@dataclass
class FakeClock:
    now: float = 10_000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Station:
    bench: Bench
    service: PackingService
    window: PackStationWindow
    scan_filter: ScanEventFilter
    clock: FakeClock
    beeps: list[int] = field(default_factory=list)

    @property
    def page(self):
        return self.window.page


@pytest.fixture
def station(qtbot: QtBot, tmp_path: Path) -> Iterator[Station]:
    create_application()
    bench = open_bench(tmp_path / "bench")
    bench.import_orders([with_lines(sample(order_id=ORDER), "GS-30", "GS-30")], "test")
    clock = FakeClock()
    scan_filter = ScanEventFilter(StationSettings.usb(), clock=clock)
    scan_filter.install()
    service = PackingService(bench)
    beeps: list[int] = []
    window = PackStationWindow(service, scan_filter, beep=beeps.append)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitActive(window):
        window.activateWindow()
    state = Station(bench, service, window, scan_filter, clock, beeps)
    yield state
    scan_filter.uninstall()
    tasks.wait_for_all()
    bench.close()


def focus(qtbot: QtBot, widget: QWidget) -> None:
    widget.setFocus()
    qtbot.waitUntil(widget.hasFocus)


def keys(station: Station, widget: QWidget, text: str, gap_ms: float) -> None:
    for char in text:
        QTest.keyClick(widget, char)
        station.clock.now += gap_ms


def scan(qtbot: QtBot, station: Station, code: str, widget: QWidget | None = None):
    """A scanner burst (8 ms apart, then Enter); returns the step it produced."""
    target = widget or QApplication.focusWidget() or station.window
    with qtbot.waitSignal(station.page.step_shown, timeout=5000) as shown:
        keys(station, target, code, 8)
        QTest.keyClick(target, Qt.Key.Key_Return)
        station.clock.now += 8
    station.clock.now += 1000  # the clerk reaches for the next item
    return shown.args[0]


def packed(bench: Bench, order_id: str = ORDER) -> list[bool]:
    with Session(bench.engine) as session:
        shipment_id = bench.find_shipment(order_id)
        rows = session.exec(
            select(ShipmentLine)
            .where(ShipmentLine.shipment_id == shipment_id)
            .order_by(ShipmentLine.id)
        )
        return [row.packed for row in rows]


def ticks(station: Station) -> list[bool]:
    return [label.text().startswith("✓") for label in station.page.item_labels]


def test_whole_pack_flow_by_scanner_with_focus_on_a_button(
    qtbot: QtBot, station: Station
) -> None:
    page = station.page
    assert page.prompt.text() == "Scan a packing slip or an order number"

    opened = scan(qtbot, station, ORDER)
    assert opened.outcome is Outcome.OPENED
    assert page.entry.text() == "", "a scan's characters never reach the entry"
    assert page.prompt.text() == "Scan each item"
    assert ORDER in page.order_label.text()
    assert ticks(station) == [False, False, False]

    # Focus on a button: the scan's Enter must not press it.
    focus(qtbot, page.override_button)
    first = scan(qtbot, station, GS30_UPC_A, page.override_button)
    assert first.outcome is Outcome.PACKED_ITEM
    assert page.active_dialog is None, "Enter of a scan pressed the button"
    assert page.feedback.property("tone") == "ok"
    assert ticks(station) == [False, True, False]

    # Typing the same code at 140 ms a key is typing, not a scan.
    keys(station, page.override_button, "GS-30", 140)
    station.scan_filter.flush_idle()
    tasks.wait_for_all()
    qtbot.wait(20)
    assert packed(station.bench) == [False, True, False]
    assert page.last_step is first

    wrong = scan(qtbot, station, GS50_GTIN, page.override_button)
    assert (wrong.outcome, page.feedback.property("tone")) == (
        Outcome.WRONG_ITEM,
        "error",
    )
    assert "WRONG ITEM: GS-50" in page.feedback.text()
    assert packed(station.bench) == [False, True, False]

    # The trigger bounces: the same code again 60 ms after the last one ended.
    scan(qtbot, station, GS30_UPC_A, page.override_button)
    station.clock.now -= 1000 - 60
    bounce = scan(qtbot, station, GS30_UPC_A, page.override_button)
    assert bounce.outcome is Outcome.BOUNCE
    assert packed(station.bench) == [False, True, True]

    done = scan(qtbot, station, "cndl-lav-08", page.override_button)
    assert done.outcome is Outcome.ORDER_PACKED
    assert page.prompt.text() == "Scan the tracking label"
    assert ticks(station) == [True, True, True]

    # The override button is disabled now; the scan goes wherever focus went.
    assert not page.override_button.isEnabled()
    over = scan(qtbot, station, GS30_UPC_A)
    assert over.outcome is Outcome.OVER_SCAN
    assert page.feedback.property("tone") == "error"

    shipped = scan(qtbot, station, UPS)
    assert shipped.outcome is Outcome.SHIPPED
    assert page.prompt.text() == "Shipped. Scan the next packing slip"
    row = station.bench.detail(station.bench.find_shipment(ORDER)).row
    assert (row.state, row.tracking_number) == (ShipmentState.SHIPPED, UPS)

    # One beep per good scan, three per refusal; the bounce made no sound.
    assert station.beeps == [
        SUCCESS_BEEPS,  # opened
        SUCCESS_BEEPS,  # first GS-30
        ERROR_BEEPS,  # wrong item
        SUCCESS_BEEPS,  # second GS-30
        SUCCESS_BEEPS,  # candle, all packed
        ERROR_BEEPS,  # over-scan
        SUCCESS_BEEPS,  # shipped
    ]


def test_typed_order_number_opens_the_order(qtbot: QtBot, station: Station) -> None:
    page = station.page
    focus(qtbot, page.entry)

    with qtbot.waitSignal(page.step_shown, timeout=5000) as shown:
        keys(station, page.entry, ORDER, 140)
        QTest.keyClick(page.entry, Qt.Key.Key_Return)

    assert shown.args[0].outcome is Outcome.OPENED
    assert page.view is not None and page.view.order_id == ORDER


def pack_giveaway(station: Station, order_id: str, postal_code: str = "62704") -> int:
    bench = station.bench
    bench.import_orders([giveaway(order_id=order_id, postal_code=postal_code)], "t")
    shipment_id = bench.find_shipment(order_id)
    bench.match(shipment_id, "GS-30")
    assert station.service.scan(shipment_id, GS30_UPC_A, repeat=False).ok
    return shipment_id


def test_c14_reused_tracking_asks_and_only_ctrl_enter_saves_same_parcel(
    qtbot: QtBot, station: Station
) -> None:
    first = pack_giveaway(station, "G-A")
    assert station.service.scan(first, UPS).outcome is Outcome.SHIPPED
    pack_giveaway(station, "G-B")
    page = station.page
    scan(qtbot, station, "G-B")

    asked = scan(qtbot, station, UPS)

    assert asked.outcome is Outcome.CONFIRM
    assert page.feedback.property("tone") == "question"
    assert "already used on order G-A" in page.feedback.text()
    assert page.confirm_button.isEnabled()
    assert station.beeps[-1] == QUESTION_BEEPS
    b_row = station.bench.detail(station.bench.find_shipment("G-B")).row
    assert b_row.state is ShipmentState.PACKED

    with qtbot.waitSignal(page.step_shown, timeout=5000) as shown:
        QTest.keyClick(
            page.entry, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier
        )
    assert shown.args[0].outcome is Outcome.SHIPPED
    with Session(station.bench.engine) as session:
        entry = session.exec(
            select(AuditEntry)
            .where(AuditEntry.entity_id == "G-B")
            .where(AuditEntry.action == "fulfilled")
        ).one()
    assert entry.detail == "same parcel as another order"


def test_c07_zip_mismatch_warns_and_escape_saves_nothing(
    qtbot: QtBot, station: Station
) -> None:
    pack_giveaway(station, "G-ZIP", postal_code="54321")
    page = station.page
    scan(qtbot, station, "G-ZIP")

    asked = scan(qtbot, station, "420123459400100000000000123453")

    assert asked.outcome is Outcome.CONFIRM
    assert "label ZIP does not match order" in page.feedback.text()
    QTest.keyClick(page.entry, Qt.Key.Key_Escape)
    assert page.pending is None
    assert page.feedback.text().startswith("Cancelled")
    tasks.wait_for_all()
    row = station.bench.detail(station.bench.find_shipment("G-ZIP")).row
    assert (row.state, row.tracking_number) == (ShipmentState.PACKED, None)


def test_supervisor_override_dialog_from_f8(qtbot: QtBot, station: Station) -> None:
    page = station.page
    scan(qtbot, station, ORDER)

    QTest.keyClick(page.entry, Qt.Key.Key_F8)
    dialog = page.active_dialog
    assert dialog is not None and not dialog.ok_button.isEnabled()
    focus(qtbot, dialog.supervisor)
    keys(station, dialog.supervisor, "Sam", 140)
    station.scan_filter.flush_idle()
    dialog.reason.setText("label torn off")
    assert dialog.ok_button.isEnabled()

    with qtbot.waitSignal(page.step_shown, timeout=5000) as shown:
        dialog.accept()
    assert shown.args[0].outcome is Outcome.PACKED_ITEM
    assert packed(station.bench) == [True, False, False]
    with Session(station.bench.engine) as session:
        entry = session.exec(
            select(AuditEntry).where(AuditEntry.action == "pack_override")
        ).one()
    assert "supervisor Sam: label torn off" in entry.detail


def test_screenshot_is_readable_and_nothing_is_cut_off(
    qtbot: QtBot, station: Station, tmp_path: Path
) -> None:
    page = station.page
    scan(qtbot, station, ORDER)
    scan(qtbot, station, GS30_UPC_A)
    scan(qtbot, station, GS50_GTIN)
    station.window.resize(1280, 800)
    qtbot.wait(20)

    assert save_screenshot(station.window, "pack_station", tmp_path).exists()

    assert page.view is not None and page.view.phase is Phase.ITEMS
    assert page.progress_label.text() == "Items: 1 of 3 packed"
    # Readable from a metre: big type for the prompt, the items and the verdict.
    assert QFontInfo(page.prompt.font()).pointSize() >= 30
    for label in (page.feedback, *page.item_labels):
        assert QFontInfo(label.font()).pointSize() >= 20, label.text()
    # Nothing cut off: every label fits its text and lies inside the window.
    window_rect = station.window.rect()
    labels = (page.prompt, page.order_label, page.recipient_label, page.feedback)
    for label in (*labels, *page.item_labels):
        assert label.height() >= label.heightForWidth(label.width()), label.text()
        corner = label.mapTo(station.window, label.rect().bottomRight())
        assert window_rect.contains(corner), label.text()
        width = QFontMetrics(label.font()).horizontalAdvance(label.text())
        assert label.wordWrap() or width <= label.width(), label.text()


def test_install_adds_pack_slip_and_csv_actions_to_the_order_menu(
    qtbot: QtBot, station: Station, tmp_path: Path
) -> None:
    from app.ui.main_window import MainWindow

    window = MainWindow(station.bench)
    qtbot.addWidget(window)
    install = install_pack_station(window, station.scan_filter)

    order_menu = next(
        a.menu() for a in window.menuBar().actions() if a.text() == "&Order"
    )
    texts = [a.text() for a in order_menu.actions() if a.text()]
    wanted = {
        "&Pack",
        "Print packing &slip…",
        "Save packing slip as P&DF…",
        "&Import tracking CSV…",
    }
    assert wanted <= set(texts)
    assert install.pack_action.shortcut().toString() == "F2"

    csv_file = tmp_path / "labels.csv"
    csv_file.write_text(f"Order Number,Tracking\n{ORDER},{UPS}\n", encoding="utf-8")
    start_csv_import(window, install, csv_file)
    qtbot.waitUntil(lambda: install.last_import is not None, timeout=5000)
    assert install.last_import.ok
    assert (
        station.bench.detail(station.bench.find_shipment(ORDER)).row.tracking_number
        == UPS
    )


def test_scanning_the_printed_slip_opens_its_order(
    qtbot: QtBot, station: Station
) -> None:
    view = station.service.view(station.bench.find_shipment(ORDER))
    [barcode] = zxingcpp.read_barcodes(slip_image(view))

    step = scan(qtbot, station, barcode.text)

    assert step.outcome is Outcome.OPENED
    assert station.page.view is not None and station.page.view.order_id == ORDER


def test_c23c_two_fast_keys_are_typing_not_a_scan(
    qtbot: QtBot, station: Station
) -> None:
    page = station.page
    focus(qtbot, page.entry)

    keys(station, page.entry, "ab", 10)
    station.scan_filter.flush_idle()

    assert page.entry.text() == "ab"
    assert page.last_step is None


def test_f2_in_the_main_window_opens_the_station_on_the_selected_order(
    qtbot: QtBot, station: Station
) -> None:
    from app.ui.main_window import MainWindow

    window = MainWindow(station.bench)
    qtbot.addWidget(window)
    install = install_pack_station(window, station.scan_filter)
    window.show()
    assert window.select_shipment(station.bench.find_shipment(ORDER))

    install.pack_action.trigger()
    opened = install.station
    assert opened is not None and opened.isVisible()
    qtbot.waitUntil(lambda: opened.page.view is not None, timeout=5000)
    assert opened.page.view.order_id == ORDER
    assert opened.page.prompt.text() == "Scan each item"
    opened.close()


def test_a_sku_typed_in_the_entry_does_not_pack(qtbot: QtBot, station: Station) -> None:
    page = station.page
    scan(qtbot, station, ORDER)
    focus(qtbot, page.entry)

    with qtbot.waitSignal(page.step_shown, timeout=5000) as shown:
        keys(station, page.entry, "GS-30", 140)
        QTest.keyClick(page.entry, Qt.Key.Key_Return)

    assert shown.args[0].outcome is Outcome.UNREADABLE
    assert "Items must be scanned, not typed" in page.feedback.text()
    assert packed(station.bench) == [False, False, False]


def test_install_uses_the_filter_the_application_already_has(qapp) -> None:
    app_filter = ScanEventFilter(parent=qapp)
    app_filter.install(qapp)
    try:
        before = qapp.findChildren(ScanEventFilter)
        found = shared_scan_filter()
        assert found in before
        assert qapp.findChildren(ScanEventFilter) == before, "a second filter"
    finally:
        app_filter.uninstall(qapp)
        app_filter.setParent(None)
        app_filter.deleteLater()
