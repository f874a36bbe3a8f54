"""The clerk's whole job, driven through the real main window offscreen."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QWidget

from app.domain.shipments import ShipmentState
from app.services.bench import Bench, Identity
from app.sim.demo_store import DemoStore
from app.ui.fulfil_dialog import FulfilDialog
from app.ui.main_window import MainWindow
from app.ui.match_dialog import MatchDialog
from app.ui.queue_model import StateRole
from tests.ui.conftest import DEMO_NOW, busiest_open_giveaway, save_screenshot

UPS = "1Z999AA10123456784"


def open_window(qtbot, bench: Bench) -> MainWindow:
    window = MainWindow(bench, clock=lambda: DEMO_NOW)
    qtbot.addWidget(window)
    # A bench monitor's size; the offscreen screen is smaller than any of them.
    window.resize(1600, 900)
    window.show()
    activate(qtbot, window)
    return window


def activate(qtbot, window: MainWindow) -> None:
    """Make the window active again, as the desktop does when a dialog closes.

    The offscreen platform leaves a closed dialog as the active window, which
    would keep the main window's shortcuts from firing.
    """
    with qtbot.waitActive(window):
        window.activateWindow()


def settle(qtbot, window: MainWindow) -> None:
    """Let the detail pane and the layouts catch up, as between two key presses."""
    qtbot.waitUntil(lambda: not window._detail_timer.isActive(), timeout=2000)
    QApplication.sendPostedEvents()
    QApplication.processEvents()


def search_for(qtbot, window: MainWindow, text: str) -> None:
    """Type a search, then wait for the detail pane to follow the selection."""
    activate(qtbot, window)
    window.search.clear()
    qtbot.keyClicks(window.search, text)
    qtbot.waitUntil(lambda: not window._detail_timer.isActive(), timeout=2000)


def listed_states(window: MainWindow) -> list[ShipmentState]:
    model = window.model
    return [
        model.data(model.index(row, 0), StateRole) for row in range(model.rowCount())
    ]


def test_search_match_fulfil_and_find_it_all_after_a_restart(
    qtbot, demo_bench: Bench, demo_store: DemoStore, demo_folder: Path
) -> None:
    listing, order_ids = busiest_open_giveaway(demo_store)
    assert len(order_ids) >= 2, "the demo store has giveaways with several winners"
    window = open_window(qtbot, demo_bench)

    # Search by order id: one row, selected, detail shown.
    search_for(qtbot, window, order_ids[0])
    assert window.model.rowCount() == 1
    assert order_ids[0] in window.detail.title.text()

    # Match from the keyboard; the original SKU is the first suggestion.
    qtbot.keyClick(window.search, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    dialog = window.active_dialog
    assert isinstance(dialog, MatchDialog)
    assert dialog.chosen_sku() == listing.original_sku
    with qtbot.waitSignal(window.saved, timeout=5000) as saved:
        qtbot.keyClick(dialog.filter, Qt.Key.Key_Return)
    assert listing.original_sku in saved.args[0]

    # Every open order of that giveaway is matched now, without a restart.
    search_for(qtbot, window, listing.title)
    assert window.model.rowCount() == len(order_ids)
    assert set(listed_states(window)) == {ShipmentState.READY}

    # Fulfil the first one with a tracking number.
    search_for(qtbot, window, order_ids[0])
    qtbot.keyClick(
        window.search, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier
    )
    form = window.active_dialog
    assert isinstance(form, FulfilDialog)
    qtbot.keyClicks(form.tracking, UPS)
    assert form.save_button.isEnabled()
    with qtbot.waitSignal(window.saved, timeout=5000):
        qtbot.keyClick(form.tracking, Qt.Key.Key_Return)
    assert listed_states(window) == [ShipmentState.SHIPPED]
    assert UPS in window.detail.title.text() or UPS in window.model.index(0, 7).data()

    # Close, reopen the same data folder: everything is still there.
    window.close()
    demo_bench.close()
    again = Bench.open_path(demo_folder, Identity(user="sam", station="bench-2"))
    reopened = open_window(qtbot, again)
    search_for(qtbot, reopened, order_ids[0])
    assert listed_states(reopened) == [ShipmentState.SHIPPED]
    assert reopened.model.index(0, 7).data() == UPS
    history = reopened.detail.history.text()
    assert "fulfilled" in history and "matched" in history and "alex@bench-1" in history
    search_for(qtbot, reopened, listing.title)
    assert sorted(listed_states(reopened)) == sorted(
        [ShipmentState.SHIPPED] + [ShipmentState.READY] * (len(order_ids) - 1)
    )
    again.close()


def test_a_refused_action_is_explained_in_the_window(qtbot, demo_bench: Bench) -> None:
    window = open_window(qtbot, demo_bench)
    window.state_filter.setCurrentIndex(1)  # Unmatched
    assert set(listed_states(window)) == {ShipmentState.UNMATCHED}
    assert not window.fulfil_button.isEnabled()

    window.open_fulfil_dialog()

    assert window.active_dialog is None
    assert "cannot be fulfilled now" in window.banner.text()
    assert window.banner.isVisible()


def test_a_giveaway_key_already_matched_needs_an_explicit_remap(
    qtbot, demo_bench: Bench, demo_store: DemoStore
) -> None:
    listing, order_ids = busiest_open_giveaway(demo_store)
    first = demo_bench.find_shipment(order_ids[0])
    demo_bench.match(first, listing.original_sku)
    other = next(v.sku for v in demo_store.catalog if v.sku != listing.original_sku)
    window = open_window(qtbot, demo_bench)
    search_for(qtbot, window, order_ids[1])

    window.open_match_dialog()
    dialog = window.active_dialog
    assert isinstance(dialog, MatchDialog)
    assert dialog.remap_box.isVisible()
    qtbot.keyClicks(dialog.filter, other)
    with qtbot.waitSignal(window.refused, timeout=5000) as refused:
        qtbot.keyClick(dialog.filter, Qt.Key.Key_Return)
    assert f"already matched to {listing.original_sku}" in refused.args[0]

    window.open_match_dialog()
    dialog = window.active_dialog
    qtbot.keyClicks(dialog.filter, other)
    dialog.remap_box.setChecked(True)
    with qtbot.waitSignal(window.saved, timeout=5000) as saved:
        qtbot.keyClick(dialog.filter, Qt.Key.Key_Return)
    assert f"Remapped from {listing.original_sku} to {other}" in saved.args[0]


def test_the_queue_model_passes_the_model_tester(
    qtmodeltester, demo_bench: Bench
) -> None:
    from app.ui.queue_model import QueueModel

    model = QueueModel(demo_bench, clock=lambda: DEMO_NOW)
    model.refresh()
    assert model.rowCount() > 20
    qtmodeltester.check(model)


def test_the_candidate_model_passes_the_model_tester(
    qtmodeltester, demo_bench: Bench
) -> None:
    from app.ui.match_dialog import CandidateModel

    model = CandidateModel()
    shipment_id = demo_bench.queue()[0].shipment_id
    model.set_candidates(demo_bench.suggestions(shipment_id))
    qtmodeltester.check(model)


def _cramped(window: QWidget) -> list[str]:
    """Visible labels and buttons narrower or lower than their text needs."""
    problems = []
    for widget in window.findChildren(QPushButton) + window.findChildren(QLabel):
        if not widget.isVisible() or not widget.text():
            continue
        if isinstance(widget, QLabel) and widget.wordWrap():
            if widget.height() < widget.heightForWidth(widget.width()):
                problems.append(f"wrapped QLabel {widget.text()[:40]!r}")
            continue
        hint = widget.minimumSizeHint()
        if widget.width() < hint.width() or widget.height() < hint.height():
            problems.append(f"{type(widget).__name__} {widget.text()!r}")
    return problems


def test_screenshots_show_nothing_cut_off(
    qtbot, demo_bench: Bench, demo_store: DemoStore, tmp_path: Path
) -> None:
    listing, order_ids = busiest_open_giveaway(demo_store)
    window = open_window(qtbot, demo_bench)
    window.table.setFocus()
    settle(qtbot, window)
    assert window.model.rowCount() > 10
    assert _cramped(window) == []
    assert save_screenshot(window, "main-window", tmp_path).stat().st_size > 10_000

    search_for(qtbot, window, order_ids[0])
    window.open_match_dialog()
    match = window.active_dialog
    qtbot.waitExposed(match)
    assert _cramped(match) == []
    save_screenshot(match, "match-dialog", tmp_path)
    match.reject()

    sample_row = next(
        row for row in demo_bench.queue() if row.state is ShipmentState.READY
    )
    search_for(qtbot, window, sample_row.order_id)
    window.open_fulfil_dialog()
    form = window.active_dialog
    assert isinstance(form, FulfilDialog)
    qtbot.waitExposed(form)
    qtbot.keyClicks(form.tracking, "1Z99-9")
    assert not form.save_button.isEnabled()
    assert _cramped(form) == []
    save_screenshot(form, "fulfil-form", tmp_path)
    form.reject()


def test_scanning_an_order_number_finds_it_wherever_the_focus_is(
    qtbot, demo_bench: Bench, demo_store: DemoStore
) -> None:
    from PySide6.QtTest import QTest

    from app.domain.scanning.detector import StationSettings
    from app.ui.scanner import ScanEventFilter

    _listing, order_ids = busiest_open_giveaway(demo_store)
    window = open_window(qtbot, demo_bench)
    clock = [1000.0]
    scanner = ScanEventFilter(StationSettings.usb(), clock=lambda: clock[0])
    scanner.scanned.connect(window.on_scanned)
    scanner.install()
    try:
        for target in (window.table, window.search):
            window.search.clear()
            target.setFocus()
            qtbot.waitUntil(target.hasFocus)
            for char in order_ids[1]:  # a scanner types 8 ms apart
                QTest.keyClick(target, char)
                clock[0] += 8
            QTest.keyClick(target, Qt.Key.Key_Return)
            clock[0] += 1000

            assert window.search.text() == order_ids[1]
            assert window.model.rowCount() == 1
            assert window.active_dialog is None, "the scan's Enter opened nothing"
    finally:
        scanner.uninstall()
