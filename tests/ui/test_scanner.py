"""The app-wide scan filter with real widgets and synthetic keys (C22, C23).

Time comes from a fake clock that the helpers advance between keys, so the
tests run at "scanner speed" (8-9 ms) and "typing speed" (140 ms) without
sleeping. Idle pauses are ended with ``flush_idle()``, which is what the
filter's idle timer calls.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit, QPushButton, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from app.domain.scanning.detector import DetectedScan, StationSettings, Suffix
from app.domain.scanning.recognise import ScanContext, ScanField
from app.ui.scanner import (
    NUMLOCK_NOTE,
    SCAN_TARGET_PROPERTY,
    ScanCheckPage,
    ScanEventFilter,
)


@dataclass
class FakeClock:
    """Milliseconds that move only when a test says so."""

    now: float = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Bench:
    """A window with a search box and an auto-default "Fulfil" button."""

    window: QWidget
    search: QLineEdit
    button: QPushButton
    scan_filter: ScanEventFilter
    clock: FakeClock
    clicks: list[bool] = field(default_factory=list)
    scans: list[tuple[str, DetectedScan]] = field(default_factory=list)
    searches: list[str] = field(default_factory=list)


@pytest.fixture
def bench(qtbot: QtBot) -> Iterator[Bench]:
    window = QWidget()
    search = QLineEdit()
    button = QPushButton("Fulfil")
    button.setAutoDefault(True)  # Enter on a focused auto-default button clicks it
    layout = QVBoxLayout(window)
    layout.addWidget(search)
    layout.addWidget(button)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitExposed(window)

    clock = FakeClock()
    scan_filter = ScanEventFilter(StationSettings.usb(), clock=clock)
    scan_filter.install()
    state = Bench(window, search, button, scan_filter, clock)
    button.clicked.connect(lambda *_: state.clicks.append(True))
    scan_filter.scanned.connect(lambda raw, scan, _: state.scans.append((raw, scan)))
    search.returnPressed.connect(lambda: state.searches.append(search.text()))
    yield state
    scan_filter.uninstall()


def focus(qtbot: QtBot, widget: QWidget) -> None:
    widget.setFocus()
    qtbot.waitUntil(widget.hasFocus)


GS = "\x1d"


def press_gs(widget: QWidget) -> None:
    """GS the way a wedge scanner types it: Ctrl+] with text 0x1D."""
    for action in (QTest.KeyAction.Press, QTest.KeyAction.Release):
        QTest.sendKeyEvent(
            action,
            widget,
            Qt.Key.Key_BracketRight,
            GS,
            Qt.KeyboardModifier.ControlModifier,
        )


def send(
    bench: Bench, widget: QWidget, text: str, gap_ms: float, *, enter: bool
) -> None:
    """Key presses and releases ``gap_ms`` apart on the fake clock."""
    for char in text:
        if char == GS:
            press_gs(widget)
        else:
            QTest.keyClick(widget, char)
        bench.clock.now += gap_ms
    if enter:
        QTest.keyClick(widget, Qt.Key.Key_Return)
        bench.clock.now += gap_ms


def test_control_enter_typed_on_the_button_does_press_it(
    qtbot: QtBot, bench: Bench
) -> None:
    focus(qtbot, bench.button)
    send(bench, bench.button, "", 140, enter=True)

    assert bench.clicks == [True]


@pytest.mark.parametrize("gap_ms", [8, 9])
def test_c23b_scan_on_focused_button_is_recognised_and_enter_swallowed(
    qtbot: QtBot, bench: Bench, gap_ms: float
) -> None:
    focus(qtbot, bench.button)
    send(bench, bench.button, "0036000291452", gap_ms, enter=True)

    assert [raw for raw, _ in bench.scans] == ["0036000291452"]
    assert bench.clicks == []
    assert bench.scans[0][1].gaps_ms == (float(gap_ms),) * 12


def test_scan_reports_the_focused_widget_and_fills_opted_in_line_edit(
    qtbot: QtBot, bench: Bench
) -> None:
    targets: list[object] = []
    bench.scan_filter.scanned.connect(
        lambda _raw, _scan, target: targets.append(target)
    )
    bench.search.setProperty(SCAN_TARGET_PROPERTY, True)
    focus(qtbot, bench.search)
    bench.search.setText("old")

    send(bench, bench.search, "1z999aa10123456784", 8, enter=True)

    assert targets == [bench.search]
    assert bench.search.text() == "1z999aa10123456784"
    assert bench.searches == []  # the scan's Enter is still swallowed


def test_c22_scan_at_8ms_in_a_text_box_is_one_scan_and_leaves_the_box_alone(
    qtbot: QtBot, bench: Bench
) -> None:
    focus(qtbot, bench.search)
    send(bench, bench.search, "6427015058088", 8, enter=True)
    bench.scan_filter.flush_idle()

    assert [raw for raw, _ in bench.scans] == ["6427015058088"]
    assert bench.search.text() == ""
    assert bench.searches == []


def test_c23a_typing_reaches_the_box_untouched_and_enter_searches(
    qtbot: QtBot, bench: Bench
) -> None:
    focus(qtbot, bench.search)
    send(bench, bench.search, "GS-30", 140, enter=True)

    assert bench.search.text() == "GS-30"
    assert bench.searches == ["GS-30"]
    assert bench.scans == []


def test_c23c_two_fast_characters_are_typing(qtbot: QtBot, bench: Bench) -> None:
    focus(qtbot, bench.search)
    send(bench, bench.search, "ab", 10, enter=False)
    assert bench.search.text() == ""  # held until the burst is decided

    bench.scan_filter.flush_idle()

    assert bench.search.text() == "ab"
    assert bench.scans == []


def test_typed_text_is_released_by_the_idle_timer(qtbot: QtBot, bench: Bench) -> None:
    focus(qtbot, bench.search)
    send(bench, bench.search, "x", 10, enter=False)

    # The real idle timer (50 ms) ends the burst; no test-side sleep.
    qtbot.waitUntil(lambda: bench.search.text() == "x", timeout=2000)


def test_typing_on_the_button_then_enter_still_presses_it(
    qtbot: QtBot, bench: Bench
) -> None:
    focus(qtbot, bench.button)
    send(bench, bench.button, "ok", 140, enter=True)

    assert bench.clicks == [True]
    assert bench.scans == []


def test_scan_after_typing_keeps_both_apart(qtbot: QtBot, bench: Bench) -> None:
    focus(qtbot, bench.search)
    send(bench, bench.search, "ab", 140, enter=False)
    bench.clock.now += 500
    send(bench, bench.search, "1Z999AA10123456784", 8, enter=True)

    assert bench.search.text() == "ab"
    assert [raw for raw, _ in bench.scans] == ["1Z999AA10123456784"]
    assert bench.searches == []


def test_tab_suffix_scan_does_not_move_focus(qtbot: QtBot, bench: Bench) -> None:
    bench.scan_filter.set_settings(StationSettings.usb(suffix=Suffix.TAB))
    focus(qtbot, bench.search)
    for char in "0036000291452":
        QTest.keyClick(bench.search, char)
        bench.clock.now += 8
    QTest.keyClick(bench.search, Qt.Key.Key_Tab)

    assert [raw for raw, _ in bench.scans] == ["0036000291452"]
    assert bench.search.hasFocus()


def test_scan_check_page_shows_reading_and_timing(qtbot: QtBot, bench: Bench) -> None:
    page = ScanCheckPage(ScanContext(field=ScanField.TRACKING, order_zip="54321"))
    qtbot.addWidget(page)
    page.connect_filter(bench.scan_filter)

    focus(qtbot, bench.button)
    send(bench, bench.button, "42012345\x1d9400100000000000123453", 8, enter=True)

    assert page.raw_label.text() == "42012345<GS>9400100000000000123453"
    assert page.value_label.text() == "9400100000000000123453"
    assert "USPS" in page.recognised_label.text()
    assert "31 characters in 240 ms" in page.timing_label.text()
    assert "label ZIP does not match order" in page.warnings_view.toPlainText()
    assert page.cleaned_label.text() == "42012345<GS>9400100000000000123453"
    lines = page.characters_view.toPlainText().splitlines()
    assert lines[0].split() == ["1", "4"]
    assert lines[8].split() == ["9", "<GS>", "+8", "ms"]
    assert bench.clicks == []


def test_scan_check_page_field_picker_changes_the_reading(qtbot: QtBot) -> None:
    page = ScanCheckPage()
    qtbot.addWidget(page)

    page.field_picker.setCurrentText("product")
    result = page.show_scan("HA&&é")

    assert result.field is ScanField.PRODUCT
    assert result.suggestion == "HA112"
    assert "Suggested value: HA112" in page.warnings_view.toPlainText()
    assert "(typed or pasted)" in page.timing_label.text()


KEYPAD = {
    "0": Qt.Key.Key_Insert,
    "1": Qt.Key.Key_End,
    "2": Qt.Key.Key_Down,
    "3": Qt.Key.Key_PageDown,
    "4": Qt.Key.Key_Left,
    "5": Qt.Key.Key_Clear,
    "6": Qt.Key.Key_Right,
    "7": Qt.Key.Key_Home,
    "8": Qt.Key.Key_Up,
    "9": Qt.Key.Key_PageUp,
}


def test_keypad_scan_with_numlock_off_is_read_as_digits(
    qtbot: QtBot, bench: Bench
) -> None:
    focus(qtbot, bench.button)
    for digit in "0036000291452":
        QTest.keyClick(bench.button, KEYPAD[digit], Qt.KeyboardModifier.KeypadModifier)
        bench.clock.now += 8
    QTest.keyClick(bench.button, Qt.Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier)

    assert [raw for raw, _ in bench.scans] == ["0036000291452"]
    assert bench.scans[0][1].notes == (NUMLOCK_NOTE,)
    assert bench.clicks == []


def test_slow_keypad_arrows_stay_arrows(qtbot: QtBot, bench: Bench) -> None:
    focus(qtbot, bench.search)
    bench.search.setText("abc")
    bench.search.end(False)

    QTest.keyClick(bench.search, Qt.Key.Key_Left, Qt.KeyboardModifier.KeypadModifier)
    bench.scan_filter.flush_idle()

    assert bench.search.cursorPosition() == 2
    assert bench.scans == []
