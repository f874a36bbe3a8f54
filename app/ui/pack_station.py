"""The packing station: scan the slip, scan each item, scan the tracking label.

Driven by the scanner and the keyboard alone. Scans come from the app-wide
:class:`~app.ui.scanner.ScanEventFilter` (its ``scanned`` signal), so a scan's
Enter never presses a button here; typed codes go in the entry line and count
once Enter is pressed. Every scan is handed to
:meth:`~app.services.packing.PackingService.scan` on the database lane of
:mod:`app.ui.tasks`, one at a time in the order scanned, and the answer is shown
big enough to read from a metre away: green for a good scan, red with the reason
in words for a refusal, amber for a question (label ZIP not the order's, tracking
number already on another parcel) that only Ctrl+Enter confirms.

Sound: Qt's sound classes live in QtMultimedia, which the PySide6-Essentials
wheel does not ship, so feedback uses the system beep: one beep for a good
scan, two for a question, three for a refusal. Stations that need distinct tones
would add the PySide6-Addons wheel and play sounds through ``QSoundEffect``.

:func:`install_pack_station` adds "Pack" (F2), "Print packing slip…" and
"Import tracking CSV…" to an existing main window's Order menu.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.scanning.detector import DetectedScan
from app.services.bench import BenchError
from app.services.packing import (
    Outcome,
    PackingService,
    PackLine,
    PackView,
    PendingTracking,
    Phase,
    StationStep,
)
from app.services.tracking_import import ImportResult, import_tracking_csv
from app.ui import tasks, theme
from app.ui.packing_slip import print_slip, write_slip_pdf
from app.ui.scanner import ScanEventFilter

logger = logging.getLogger(__name__)

PROMPTS: dict[Phase | None, str] = {
    None: "Scan a packing slip or an order number",
    Phase.ITEMS: "Scan each item",
    Phase.TRACKING: "Scan the tracking label",
    Phase.DONE: "Shipped. Scan the next packing slip",
    Phase.BLOCKED: "This order cannot be packed. Scan another slip",
}

SUCCESS_BEEPS = 1
QUESTION_BEEPS = 2
ERROR_BEEPS = 3
_BEEP_SPACING_MS = 180


@dataclass(frozen=True, slots=True)
class Tone:
    """Text and background of the feedback banner."""

    foreground: str
    background: str


TONES = {
    "ok": Tone("#ffffff", theme.OK_COLOUR),
    "error": Tone("#ffffff", theme.LATE_COLOUR),
    "question": Tone("#3d2600", "#ffd88a"),
    "info": Tone("#1b1d21", "#e6e8eb"),
}


def system_beep(count: int) -> None:
    """Beep ``count`` times, a little apart so they can be counted."""
    for index in range(count):
        QTimer.singleShot(index * _BEEP_SPACING_MS, QApplication.beep)


class PackStationPage(QWidget):
    """The pack station's one page (see the module doc)."""

    step_shown = Signal(object)
    """Emitted with each :class:`StationStep` once it is on screen."""

    def __init__(
        self,
        service: PackingService,
        scan_filter: ScanEventFilter | None = None,
        *,
        beep: Callable[[int], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.view: PackView | None = None
        self.pending: PendingTracking | None = None
        self.last_step: StationStep | None = None
        self.active_dialog: OverrideDialog | None = None
        self._beep = beep or system_beep
        self._queue: deque[tuple[str, bool, bool]] = deque()
        self._busy = False
        self._build()
        self.show_idle()
        if scan_filter is not None:
            self.connect_filter(scan_filter)

    # --- building -------------------------------------------------------------

    def _build(self) -> None:
        self.prompt = _label("packPrompt", theme.BASE_POINT_SIZE + 22, bold=True)
        self.order_label = _label("packOrder", theme.BASE_POINT_SIZE + 8, bold=True)
        self.recipient_label = _label("packRecipient", theme.BASE_POINT_SIZE + 6)
        self.progress_label = _label("packProgress", theme.BASE_POINT_SIZE + 4)
        self.items_box = QFrame()
        self.items_box.setObjectName("packItems")
        self.items_layout = QVBoxLayout(self.items_box)
        self.items_layout.setSpacing(6)
        self.item_labels: list[QLabel] = []
        self.feedback = _label("packFeedback", theme.BASE_POINT_SIZE + 10, bold=True)
        self.feedback.setMinimumHeight(90)
        self.feedback.setMargin(14)

        self.entry = QLineEdit()
        self.entry.setPlaceholderText("Or type an order number or code, then Enter")
        self.entry.returnPressed.connect(self._on_entry)
        self.confirm_button = QPushButton("Confirm  (Ctrl+Enter)")
        self.confirm_button.clicked.connect(self.confirm_pending)
        self.cancel_button = QPushButton("Cancel  (Esc)")
        self.cancel_button.clicked.connect(self.cancel_pending)
        self.override_button = QPushButton("Item without barcode…  (F8)")
        self.override_button.clicked.connect(self.open_override_dialog)
        self.slip_button = QPushButton("Print slip…  (Ctrl+P)")
        self.slip_button.clicked.connect(self.print_slip)
        for button in (self.confirm_button, self.cancel_button):
            button.setAutoDefault(False)

        self._add_shortcut("Ctrl+Return", self.confirm_pending)
        self._add_shortcut("Ctrl+Enter", self.confirm_pending)
        self._add_shortcut("Escape", self.cancel_pending)
        self._add_shortcut("F8", self.open_override_dialog)
        self._add_shortcut("Ctrl+P", self.print_slip)

        buttons = QHBoxLayout()
        for button in (
            self.confirm_button,
            self.cancel_button,
            self.override_button,
            self.slip_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.setSpacing(12)
        layout.addWidget(self.prompt)
        layout.addWidget(self.order_label)
        layout.addWidget(self.recipient_label)
        layout.addWidget(self.progress_label)
        layout.addWidget(self.items_box, 1)
        layout.addWidget(self.feedback)
        layout.addLayout(buttons)
        layout.addWidget(self.entry)
        self.setStyleSheet(
            "QFrame#packItems { background: #ffffff; border: 1px solid #d0d4da; "
            "border-radius: 6px; }"
        )

    def _add_shortcut(self, keys: str, slot: Callable[[], object]) -> None:
        action = QAction(self)
        action.setShortcut(QKeySequence(keys))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        self.addAction(action)

    # --- scans in -------------------------------------------------------------

    def connect_filter(self, scan_filter: ScanEventFilter) -> None:
        """Take scans from the app-wide filter while this page is on screen."""
        scan_filter.scanned.connect(self._on_filter_scanned)

    def _on_filter_scanned(self, raw: str, scan: object, target: object) -> None:
        if not self.isVisible():
            return
        if isinstance(target, QWidget) and target.window() is not self.window():
            return
        repeat = isinstance(scan, DetectedScan) and scan.repeat
        self.handle_scan(raw, repeat=repeat)

    def _on_entry(self) -> None:
        text = self.entry.text().strip()
        self.entry.clear()
        if text:
            self.handle_scan(text, typed=True)

    def handle_scan(
        self, raw: str, *, repeat: bool = False, typed: bool = False
    ) -> None:
        """Act on a scan (or a typed code); scans are handled one at a time."""
        self._queue.append((raw, repeat, typed))
        self._run_next()

    def _run_next(self) -> None:
        if self._busy or not self._queue:
            return
        raw, repeat, typed = self._queue.popleft()
        shipment_id = self.view.shipment_id if self.view else None
        if self.view is not None and self.view.phase is Phase.DONE:
            shipment_id = None
        self._run(
            lambda: self.service.scan(shipment_id, raw, repeat=repeat, typed=typed)
        )

    def _run(self, work: Callable[[], StationStep]) -> None:
        self._busy = True
        tasks.run_in_background(work, self._on_step, self._on_failure)

    # --- answers out ----------------------------------------------------------

    def _on_step(self, step: StationStep) -> None:
        self._busy = False
        self.show_step(step)
        self._run_next()

    def _on_failure(self, error: BaseException) -> None:
        self._busy = False
        if not isinstance(error, BenchError):
            logger.error("Pack station step failed", exc_info=error)
        self.show_feedback(f"Not saved: {error}", "error")
        self._beep(ERROR_BEEPS)
        self._run_next()

    def show_step(self, step: StationStep) -> None:
        """Show what a scan did: the order as it is now and the verdict."""
        self.last_step = step
        if step.view is not None:
            self.show_view(step.view)
        self.pending = step.pending
        tone = _tone_of(step)
        message = step.message
        if step.suggestion:
            message += f"  Suggested: {step.suggestion}"
        if step.pending is not None:
            message += "\n" + _confirm_hint(step.pending)
        if step.outcome is Outcome.BOUNCE:
            # A bounce changes nothing; say so quietly and keep the last verdict.
            self.feedback.setToolTip(message)
        else:
            self.show_feedback(message, tone)
            self._beep(_beeps_of(tone))
        self._update_buttons()
        self.step_shown.emit(step)

    def show_idle(self) -> None:
        """No order open: ask for a packing slip."""
        self.view = None
        self.pending = None
        self.prompt.setText(PROMPTS[None])
        self.order_label.setText("")
        self.recipient_label.setText("")
        self._set_items(())
        self.show_feedback("Ready.", "info")
        self._update_buttons()

    def show_view(self, view: PackView) -> None:
        """Show an order: who it goes to and each item, ticked once scanned."""
        self.view = view
        self.prompt.setText(PROMPTS[view.phase])
        kind = view.kind.value.capitalize()
        self.order_label.setText(f"Order {view.order_id}  ·  {kind}")
        self.recipient_label.setText(
            f"To {view.recipient}  ·  ZIP {view.postal_code or '?'}"
        )
        self._set_items(view.lines)
        self._update_buttons()

    def _set_items(self, lines: tuple[PackLine, ...]) -> None:
        while self.items_layout.count():
            item = self.items_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.item_labels = []
        if lines:
            done = sum(1 for line in lines if line.packed)
            self.progress_label.setText(f"Items: {done} of {len(lines)} packed")
        else:
            self.progress_label.setText("")
        for line in lines:
            packed = line.packed
            sku = line.sku or "(not matched)"
            mark = "✓" if packed else "☐"
            label = _label("packItem", theme.BASE_POINT_SIZE + 10, bold=packed)
            label.setText(f"{mark}  {sku}   {line.title}")
            colour = theme.OK_COLOUR if packed else "#1b1d21"
            label.setStyleSheet(label.styleSheet() + f"color: {colour};")
            label.setProperty("packed", packed)
            self.items_layout.addWidget(label)
            self.item_labels.append(label)
        self.items_layout.addStretch(1)

    def show_feedback(self, message: str, tone: str) -> None:
        """The big banner: green, red, amber or grey, always with words."""
        colours = TONES[tone]
        self.feedback.setText(message)
        self.feedback.setProperty("tone", tone)
        self.feedback.setStyleSheet(
            f"font-size: {theme.BASE_POINT_SIZE + 10}pt; font-weight: bold; "
            f"color: {colours.foreground}; background: {colours.background}; "
            "border-radius: 6px;"
        )

    def _update_buttons(self) -> None:
        has_pending = self.pending is not None
        self.confirm_button.setEnabled(has_pending)
        self.cancel_button.setEnabled(has_pending)
        items = self.view is not None and self.view.phase is Phase.ITEMS
        self.override_button.setEnabled(items)
        self.slip_button.setEnabled(self.view is not None)

    # --- questions ------------------------------------------------------------

    def confirm_pending(self) -> None:
        """Save the tracking label the clerk was asked about."""
        pending, view = self.pending, self.view
        if pending is None or view is None:
            return
        self.pending = None
        self._run(
            lambda: self.service.ship(
                view.shipment_id,
                pending.raw,
                confirmed=True,
                same_parcel_as=pending.in_use_shipment_id,
            )
        )

    def cancel_pending(self) -> None:
        """Drop the question; the clerk scans another label."""
        if self.pending is None:
            return
        self.pending = None
        self.show_feedback("Cancelled. Scan the tracking label.", "info")
        self._update_buttons()

    # --- supervisor override ---------------------------------------------------

    def open_override_dialog(self) -> None:
        """Ask a supervisor to pack an item that has no barcode."""
        view = self.view
        if view is None or view.phase is not Phase.ITEMS:
            return
        dialog = OverrideDialog(view, self)
        self.active_dialog = dialog
        dialog.accepted.connect(lambda: self._on_override_accepted(dialog, view))
        dialog.finished.connect(lambda _r: setattr(self, "active_dialog", None))
        dialog.open()

    def _on_override_accepted(self, dialog: OverrideDialog, view: PackView) -> None:
        line_id, supervisor, reason = dialog.values()
        self._run(
            lambda: self.service.override_item(
                view.shipment_id, line_id, supervisor=supervisor, reason=reason
            )
        )

    # --- packing slip ---------------------------------------------------------

    def print_slip(self) -> None:
        """Print the open order's packing slip."""
        if self.view is not None:
            print_slip(self.view, self)


def _confirm_hint(pending: PendingTracking) -> str:
    """What the keys do while the bench waits for the clerk's answer."""
    if pending.in_use_order_id is not None:
        action = f"same parcel as {pending.in_use_order_id}"
    else:
        action = "save anyway"
    return f"Ctrl+Enter: {action}   ·   Esc: cancel   ·   or scan the right label"


def _tone_of(step: StationStep) -> str:
    if step.outcome is Outcome.CONFIRM:
        return "question"
    return "ok" if step.ok else "error"


def _beeps_of(tone: str) -> int:
    return {"ok": SUCCESS_BEEPS, "question": QUESTION_BEEPS}.get(tone, ERROR_BEEPS)


def _label(name: str, point_size: int, *, bold: bool = False) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    weight = "bold" if bold else "normal"
    label.setStyleSheet(f"font-size: {point_size}pt; font-weight: {weight};")
    return label


class OverrideDialog(QDialog):
    """A supervisor packs one unscannable item: which line, who, and why."""

    def __init__(self, view: PackView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Item without barcode")
        self.line_picker = QComboBox()
        for line in view.unpacked:
            self.line_picker.addItem(f"{line.sku}  {line.title}", line.line_id)
        self.supervisor = QLineEdit()
        self.supervisor.setPlaceholderText("Supervisor's name")
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("Why it cannot be scanned")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Pack it")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        for field in (self.supervisor, self.reason):
            field.textChanged.connect(self._update_ok)

        intro = QLabel(
            "A supervisor confirms the item in the box is the one ordered. "
            "This is written to the order's history with your name."
        )
        intro.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Item:", self.line_picker)
        form.addRow("Supervisor:", self.supervisor)
        form.addRow("Reason:", self.reason)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.supervisor.setFocus()
        self._update_ok()

    def _update_ok(self) -> None:
        filled = bool(self.supervisor.text().strip() and self.reason.text().strip())
        self.ok_button.setEnabled(filled)

    def values(self) -> tuple[str, str, str]:
        """The chosen line id, the supervisor's name and the reason."""
        return (
            str(self.line_picker.currentData()),
            self.supervisor.text().strip(),
            self.reason.text().strip(),
        )


class PackStationWindow(QMainWindow):
    """The pack station in a window of its own (F2 from the queue)."""

    closed = Signal()

    def __init__(
        self,
        service: PackingService,
        scan_filter: ScanEventFilter | None,
        parent: QWidget | None = None,
        *,
        beep: Callable[[int], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Pack — Giveaway Desk")
        self.page = PackStationPage(service, scan_filter, beep=beep, parent=self)
        self.setCentralWidget(self.page)
        self.resize(1280, 860)
        close = QAction("Close", self)
        close.setShortcut(QKeySequence("Ctrl+W"))
        close.triggered.connect(self.close)
        self.addAction(close)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Tell the main window to show what was packed."""
        self.closed.emit()
        super().closeEvent(event)


# --- wiring into the main window ------------------------------------------------


def shared_scan_filter() -> ScanEventFilter:
    """The application's scan filter, installed on first use if nobody did."""
    app = QCoreApplication.instance()
    if app is None:
        raise RuntimeError("Create the QApplication first.")
    existing = app.findChild(ScanEventFilter)
    if isinstance(existing, ScanEventFilter):
        return existing
    scan_filter = ScanEventFilter(parent=app)
    scan_filter.install(app)
    return scan_filter


@dataclass(slots=True)
class PackStationInstall:
    """The actions added to the main window, and the station window once open."""

    pack_action: QAction
    slip_action: QAction
    pdf_action: QAction
    import_action: QAction
    service: PackingService
    scan_filter: ScanEventFilter
    station: PackStationWindow | None = None
    last_import: ImportResult | None = None


def install_pack_station(
    window: QMainWindow, scan_filter: ScanEventFilter | None = None
) -> PackStationInstall:
    """Add Pack (F2), packing slip (print, PDF) and Import tracking CSV…

    ``window`` is the main window (it has ``bench``, ``selected_shipment_id`` and
    ``refresh``); the actions go into its "Order" menu. Pass the application's
    one ``scan_filter``; without it, the filter parented to the QApplication is
    used, or one is made and installed. Never install two filters: each would
    hold the keys the other one replays.
    """
    bench = getattr(window, "bench")  # noqa: B009 - any window with a bench
    scan_filter = scan_filter or shared_scan_filter()
    # The service cleans labels with the same scanner options the filter uses.
    service = PackingService(bench, scan_filter.settings)
    pack = _window_action(window, "&Pack", "F2")
    slip = _window_action(window, "Print packing &slip…", "Ctrl+P")
    pdf = _window_action(window, "Save packing slip as P&DF…", "Ctrl+Shift+P")
    import_csv = _window_action(window, "&Import tracking CSV…", "Ctrl+Shift+I")
    install = PackStationInstall(pack, slip, pdf, import_csv, service, scan_filter)
    pack.triggered.connect(lambda: open_pack_station(window, install))
    slip.triggered.connect(lambda: _print_selected_slip(window, service))
    pdf.triggered.connect(lambda: _save_selected_slip(window, service))
    import_csv.triggered.connect(lambda: _import_csv(window, install))

    menu = _order_menu(window)
    menu.addSeparator()
    for action in (pack, slip, pdf, import_csv):
        menu.addAction(action)
    return install


def _window_action(window: QMainWindow, text: str, keys: str) -> QAction:
    action = QAction(text, window)
    action.setShortcut(QKeySequence(keys))
    action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    window.addAction(action)
    return action


def _order_menu(window: QMainWindow) -> QMenu:
    for action in window.menuBar().actions():
        menu = action.menu()
        if isinstance(menu, QMenu) and action.text().replace("&", "") == "Order":
            return menu
    return window.menuBar().addMenu("&Order")


def open_pack_station(window: QMainWindow, install: PackStationInstall) -> None:
    """Show the pack station, opening the selected order if it can be packed."""
    if install.station is None:
        station = PackStationWindow(install.service, install.scan_filter, window)
        station.setWindowFlag(Qt.WindowType.Window, True)
        station.closed.connect(lambda: _refresh(window))
        install.station = station
    station = install.station
    station.show()
    station.raise_()
    station.activateWindow()

    selected = _selected(window)
    if selected is not None and station.page.view is None:
        order_id = install.service.view(selected).order_id
        station.page.handle_scan(order_id)


def _selected(window: QMainWindow) -> int | None:
    chooser: Callable[[], int | None] | None = getattr(
        window, "selected_shipment_id", None
    )
    return chooser() if chooser is not None else None


def _refresh(window: QObject) -> None:
    refresh = getattr(window, "refresh", None)
    if callable(refresh):
        refresh()


def _print_selected_slip(window: QMainWindow, service: PackingService) -> None:
    selected = _selected(window)
    if selected is None:
        return
    print_slip(service.view(selected), window)


def _save_selected_slip(window: QMainWindow, service: PackingService) -> None:
    selected = _selected(window)
    if selected is None:
        return
    view = service.view(selected)
    path, _filter = QFileDialog.getSaveFileName(
        window, "Save packing slip", f"slip-{view.order_id}.pdf", "PDF (*.pdf)"
    )
    if path:
        write_slip_pdf(view, Path(path))


def _import_csv(window: QMainWindow, install: PackStationInstall) -> None:
    """Ask for a CSV file, apply it on the database lane, show the report."""
    path, _filter = QFileDialog.getOpenFileName(
        window, "Import tracking numbers", "", "CSV files (*.csv *.txt);;All (*)"
    )
    if path:
        start_csv_import(window, install, Path(path))


def start_csv_import(
    window: QMainWindow, install: PackStationInstall, path: Path
) -> None:
    """Import ``path`` in the background and report applied and refused rows."""
    bench = install.service.bench

    def done(result: ImportResult) -> None:
        install.last_import = result
        _refresh(window)
        box = QMessageBox(window)
        box.setWindowTitle("Tracking CSV imported")
        box.setText(result.summary())
        box.setDetailedText("\n".join(result.report_lines()))
        box.open()

    def failed(error: BaseException) -> None:
        box = QMessageBox(window)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Tracking CSV not imported")
        box.setText(str(error))
        box.open()

    tasks.run_in_background(lambda: import_tracking_csv(bench, path), done, failed)


__all__ = [
    "OverrideDialog",
    "PackStationInstall",
    "PackStationPage",
    "PackStationWindow",
    "install_pack_station",
    "open_pack_station",
    "shared_scan_filter",
    "start_csv_import",
    "write_slip_pdf",
]
