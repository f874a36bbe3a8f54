"""The main window: the queue, the selected shipment, and the clerk's two acts.

Reads (the queue, a shipment's detail) are small indexed queries and run on the
GUI thread; writes (match, fulfil) run on the database lane of
:mod:`app.ui.tasks` and refresh the view when they are saved.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import QItemSelection, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QFont, QFontMetrics, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import APP_NAME
from app.domain.matching import MappingConflictError
from app.domain.scanning.recognise import ScanContext, ScanField, recognise
from app.domain.shipments import (
    FULFILLABLE_STATES,
    MATCHABLE_STATES,
    OPEN_STATES,
    STATE_LABELS,
    STATE_SHORT_LABELS,
    ShipmentKind,
    ShipmentState,
)
from app.services.bench import (
    Bench,
    BenchError,
    TrackingInUseError,
    ZipMismatchError,
)
from app.services.dto import FulfilResult, MatchResult, QueueColumn, QueueQuery
from app.ui import tasks, theme
from app.ui.detail_pane import DetailPane
from app.ui.fulfil_dialog import FulfilDialog
from app.ui.match_dialog import MatchDialog
from app.ui.queue_delegate import QueueDelegate
from app.ui.queue_model import COLUMNS, QueueModel
from app.ui.scanner import SCAN_TARGET_PROPERTY

logger = logging.getLogger(__name__)

COUNTS_INTERVAL_MS = 60_000

# (label, states) for the filter box; None means the open queue.
STATE_FILTERS: tuple[tuple[str, frozenset[ShipmentState] | None], ...] = (
    ("Open (to do and waiting to sync)", None),
    ("Unmatched", frozenset({ShipmentState.UNMATCHED})),
    ("Ready to pack", frozenset({ShipmentState.READY})),
    ("Packed", frozenset({ShipmentState.PACKED})),
    ("Shipped, waiting to sync", frozenset({ShipmentState.SHIPPED})),
    ("Problems", frozenset({ShipmentState.PROBLEM})),
    ("Synced", frozenset({ShipmentState.SYNCED})),
    ("Cancelled", frozenset({ShipmentState.CANCELLED})),
    ("Everything", frozenset(ShipmentState)),
)
KIND_FILTERS: tuple[tuple[str, ShipmentKind | None], ...] = (
    ("Giveaways and samples", None),
    ("Giveaways", ShipmentKind.GIVEAWAY),
    ("Samples", ShipmentKind.SAMPLE),
)


# The widest text each column usually shows; widths come from the font so the
# table fits the text at any size, without measuring a hundred thousand rows.
COLUMN_SAMPLES: dict[QueueColumn, str] = {
    QueueColumn.SHIP_BY: "LATE 6 d 23 h",
    QueueColumn.ORDER_ID: "579100000000000000",
    QueueColumn.KIND: "Giveaway",
    QueueColumn.STATE: "Waiting to sync · on hold",
    QueueColumn.RECIPIENT: "Morgan Placeholder",
    QueueColumn.ITEM: "Lavender Soy Candle 12oz (Giveaway)",
    QueueColumn.SKU: "ROLL-JAD-GRN0",
    QueueColumn.TRACKING: "9400100000000000123453",
}


def _size_columns(table: QTableView) -> None:
    # Only the ship-by cell of a late row is bold; measure that one in bold.
    bold = QFont(table.font())
    bold.setBold(True)
    header = table.horizontalHeader()
    for section, (column, _title) in enumerate(COLUMNS):
        font = bold if column is QueueColumn.SHIP_BY else table.font()
        width = QFontMetrics(font).horizontalAdvance(COLUMN_SAMPLES[column])
        header.resizeSection(section, width + 24)
    header.setStretchLastSection(True)


class MainWindow(QMainWindow):
    """The bench's one window."""

    saved = Signal(str)
    """Emitted after a match or fulfilment was saved, with the message shown."""

    refused = Signal(str)
    """Emitted when the bench refused an action, with the reason shown."""

    def __init__(
        self, bench: Bench, *, clock: Callable[[], datetime] | None = None
    ) -> None:
        super().__init__()
        self.bench = bench
        self._clock = clock or (lambda: datetime.now(UTC))
        self.active_dialog: MatchDialog | FulfilDialog | QMessageBox | None = None
        self.setWindowTitle(f"{APP_NAME} — packing bench")
        self._fit_to_screen(1600, 900)

        self.model = QueueModel(bench, clock=self._clock, parent=self)
        self._build_actions()
        self._build_layout()
        self._build_status_bar()
        # The detail pane follows the selection one event-loop turn later, so
        # a keystroke repaints the queue first and a burst of keystrokes loads
        # only the last selection's detail.
        self._detail_timer = QTimer(self)
        self._detail_timer.setSingleShot(True)
        self._detail_timer.setInterval(0)
        self._detail_timer.timeout.connect(self._show_selected_detail)
        self.model.query_changed.connect(self._on_model_query_changed)
        if self.model.loaded:
            self._on_model_query_changed()  # setting up the sorted view loaded it
        else:
            self.model.refresh()
        self.search.setFocus()

        # Counting every state scans the whole table; do it after the first
        # paint, after each save, and once a minute for deadlines that pass.
        self._counts_timer = QTimer(self)
        self._counts_timer.setInterval(COUNTS_INTERVAL_MS)
        self._counts_timer.timeout.connect(self.update_counts)
        self._counts_timer.start()
        QTimer.singleShot(0, self.update_counts)

    # --- building -------------------------------------------------------------

    def _fit_to_screen(self, width: int, height: int) -> None:
        """Start at ``width`` x ``height``, or smaller on a smaller screen."""
        screen = QApplication.primaryScreen()
        if screen is not None:
            room = screen.availableGeometry()
            width, height = min(width, room.width()), min(height, room.height())
        self.resize(width, height)

    def _build_actions(self) -> None:
        self.match_action = self._action("&Match…", "Ctrl+M", self.open_match_dialog)
        self.fulfil_action = self._action(
            "&Fulfil…", "Ctrl+Return", self.open_fulfil_dialog
        )
        self.search_action = self._action("&Search", "Ctrl+F", self._focus_search)
        self.queue_action = self._action("&Queue", "Ctrl+L", self._focus_queue)
        self.refresh_action = self._action("&Refresh", "F5", self.refresh)
        self.quit_action = self._action("&Quit", "Ctrl+Q", self.close)

        self.bench_menu = menu = self.menuBar().addMenu("&Bench")
        for action in (self.search_action, self.queue_action, self.refresh_action):
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.quit_action)
        order_menu = self.menuBar().addMenu("&Order")
        order_menu.addAction(self.match_action)
        order_menu.addAction(self.fulfil_action)

    def _action(self, text: str, shortcut: str, slot: Callable[[], object]) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_layout(self) -> None:
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(12, 10, 12, 6)
        layout.setSpacing(8)
        layout.addLayout(self._build_filter_bar())

        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setVisible(False)
        layout.addWidget(self.banner)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self._build_table())
        splitter.addWidget(self._build_detail_side())
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([1200, 380])
        layout.addWidget(splitter, 1)
        self.setCentralWidget(central)

    def _build_filter_bar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText(
            "Search order, recipient, item or SKU   (Ctrl+F)"
        )
        self.search.setClearButtonEnabled(True)
        # A scan into the search box replaces its text: scanning a packing
        # slip or an order number finds the order.
        self.search.setProperty(SCAN_TARGET_PROPERTY, True)
        self.search.textChanged.connect(self._on_filters_changed)
        self.search.returnPressed.connect(self._focus_queue)
        self.state_filter = QComboBox()
        for label, _states in STATE_FILTERS:
            self.state_filter.addItem(label)
        self.state_filter.currentIndexChanged.connect(self._on_filters_changed)
        self.kind_filter = QComboBox()
        for label, _kind in KIND_FILTERS:
            self.kind_filter.addItem(label)
        self.kind_filter.currentIndexChanged.connect(self._on_filters_changed)
        bar.addWidget(self.search, 3)
        bar.addWidget(self.state_filter, 1)
        bar.addWidget(self.kind_filter, 1)
        return bar

    def _build_table(self) -> QTableView:
        table = QTableView()
        table.setModel(self.model)
        table.setItemDelegate(QueueDelegate(self.model, table, table))
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAlternatingRowColors(True)
        # Indicator first: enabling sorting sorts by it, once, as the queue is.
        table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        table.setSortingEnabled(True)
        table.setWordWrap(False)
        table.verticalHeader().setVisible(False)
        table.verticalHeader().setDefaultSectionSize(theme.ROW_HEIGHT)
        _size_columns(table)
        table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        table.activated.connect(self._on_row_activated)
        self.table = table
        return table

    def _build_detail_side(self) -> QWidget:
        side = QWidget()
        layout = QVBoxLayout(side)
        layout.setContentsMargins(0, 0, 0, 0)
        self.detail = DetailPane()
        layout.addWidget(self.detail, 1)
        buttons = QHBoxLayout()
        self.match_button = QPushButton("Match…  (Ctrl+M)")
        self.match_button.clicked.connect(self.open_match_dialog)
        self.fulfil_button = QPushButton("Fulfil…  (Ctrl+Enter)")
        self.fulfil_button.clicked.connect(self.open_fulfil_dialog)
        buttons.addWidget(self.match_button)
        buttons.addWidget(self.fulfil_button)
        layout.addLayout(buttons)
        self._detail_side = layout
        return side

    def add_detail_section(self, widget: QWidget) -> None:
        """Show ``widget`` under the order's detail (other features' panels)."""
        self._detail_side.insertWidget(self._detail_side.count() - 1, widget)

    def _build_status_bar(self) -> None:
        self.counts_label = QLabel()
        self.listed_label = QLabel()
        self.statusBar().addWidget(self.counts_label, 1)
        self.statusBar().addPermanentWidget(self.listed_label)
        self.statusBar().setSizeGripEnabled(False)

    # --- queue ----------------------------------------------------------------

    def refresh(self) -> None:
        """Re-read the queue, keeping the selected shipment selected."""
        selected = self.selected_shipment_id()
        self.model.refresh()
        if selected is not None:
            self.select_shipment(selected)
        self._update_actions()
        self._show_selected_detail()
        self.update_counts()

    def selected_shipment_id(self) -> int | None:
        """The shipment selected in the queue, if any."""
        index = self.table.currentIndex()
        return self.model.shipment_id(index.row()) if index.isValid() else None

    def select_shipment(self, shipment_id: int) -> bool:
        """Select ``shipment_id`` in the queue if it is listed."""
        row = self.model.row_of(shipment_id)
        if row is None:
            return False
        self.table.setCurrentIndex(self.model.index(row, 0))
        self.table.scrollTo(self.model.index(row, 0))
        return True

    def _on_filters_changed(self) -> None:
        current = self.model.query
        self.model.set_query(
            QueueQuery(
                text=self.search.text(),
                states=STATE_FILTERS[self.state_filter.currentIndex()][1],
                kind=KIND_FILTERS[self.kind_filter.currentIndex()][1],
                sort=current.sort,
                descending=current.descending,
            )
        )

    def _on_model_query_changed(self) -> None:
        if self.model.rowCount() and not self.table.currentIndex().isValid():
            # The selection handler shows the detail of the new current row.
            self.table.setCurrentIndex(self.model.index(0, 0))
        else:
            self._on_current_changed()
        listed = self.model.rowCount()
        limit = self.model.query.limit
        if limit is not None and listed >= limit:
            self.listed_label.setText(f"First {listed:,} matches: type more to narrow")
        else:
            self.listed_label.setText(f"Listed: {listed:,}")

    def _on_selection_changed(
        self, _selected: QItemSelection, _old: QItemSelection
    ) -> None:
        self._on_current_changed()

    def _on_row_activated(self) -> None:
        row = self.model.queue_row(self.table.currentIndex().row())
        if row is None:
            return
        if row.state is ShipmentState.UNMATCHED:
            self.open_match_dialog()
        elif row.state in FULFILLABLE_STATES:
            self.open_fulfil_dialog()

    def _on_current_changed(self) -> None:
        self._update_actions()
        self._detail_timer.start()

    def _show_selected_detail(self) -> None:
        self._detail_timer.stop()
        shipment_id = self.selected_shipment_id()
        detail = self.bench.detail(shipment_id) if shipment_id is not None else None
        self.detail.show_detail(detail, self._clock())

    def _update_actions(self) -> None:
        """Enable what the selected row allows (from the row the queue holds)."""
        row = self.model.queue_row(self.table.currentIndex().row())
        state = row.state if row else None
        self.match_action.setEnabled(state in MATCHABLE_STATES)
        self.match_button.setEnabled(state in MATCHABLE_STATES)
        can_fulfil = state in FULFILLABLE_STATES
        self.fulfil_action.setEnabled(can_fulfil)
        self.fulfil_button.setEnabled(can_fulfil)

    def update_counts(self) -> None:
        """Show how many shipments are in each state, and how many are late."""
        self.model.forget_presentation()
        counts = self.bench.counts()
        late = self.bench.late_count(self._clock())
        parts = [
            f"{STATE_SHORT_LABELS[state]} {counts[state]}"
            for state in ShipmentState
            if state in OPEN_STATES
        ]
        parts.append(f"LATE {late}" if late else "Nothing late")
        self.counts_label.setText("  ·  ".join(parts))

    # --- scans ----------------------------------------------------------------

    def on_scanned(self, raw: str, _scan: object, target: object) -> None:
        """Open the order a scan names when no form is waiting for the scan.

        The search box takes scans as its text by itself (it is marked as a
        scan target); a scan anywhere else in the window is read as an order
        id or packing-slip barcode and searched for.
        """
        if isinstance(target, QWidget) and target.window() is not self:
            return  # aimed at another window (the pack station), which handles it
        if self.active_dialog is not None or target is self.search:
            if target is self.search:
                self._focus_queue()
            return
        result = recognise(raw, ScanContext(field=ScanField.ORDER))
        if not result.valid or result.value is None:
            self._refuse(result.message or f"'{raw}' is not an order number.")
            return
        self.search.setText(result.value)
        self._focus_queue()

    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _focus_queue(self) -> None:
        self.table.setFocus()
        if not self.table.currentIndex().isValid() and self.model.rowCount():
            self.table.setCurrentIndex(self.model.index(0, 0))

    # --- matching -------------------------------------------------------------

    def open_match_dialog(self) -> None:
        """Open the Match dialog for the selected shipment's first unmatched line."""
        shipment_id = self.selected_shipment_id()
        if shipment_id is None:
            return
        detail = self.bench.detail(shipment_id)
        if detail.row.state not in MATCHABLE_STATES:
            self._refuse(f"Order {detail.row.order_id} can no longer be matched.")
            return
        line = (detail.unmatched_lines or detail.lines)[0]
        dialog = MatchDialog(
            order_id=detail.row.order_id,
            line=line,
            suggestions=self.bench.suggestions(shipment_id, line.line_id),
            catalog=self.bench.catalog(),
            current_sku=line.matched_sku,
            parent=self,
        )
        dialog.accepted.connect(
            lambda: self._on_match_accepted(dialog, shipment_id, line.line_id)
        )
        self._open(dialog)

    def _on_match_accepted(
        self, dialog: MatchDialog, shipment_id: int, line_id: str
    ) -> None:
        sku = dialog.chosen_sku()
        if sku is None:
            return
        remap = dialog.remap()
        tasks.run_in_background(
            lambda: self.bench.match(shipment_id, sku, line_id=line_id, remap=remap),
            self._on_match_saved,
            self._on_action_failed,
        )

    def _on_match_saved(self, result: MatchResult) -> None:
        verb = (
            f"Remapped from {result.remapped_from} to"
            if result.remapped_from
            else "Matched to"
        )
        others = result.shipments_updated - 1
        tail = (
            f" ({others} more open orders of this giveaway too)" if others > 0 else ""
        )
        self._announce(f"{verb} {result.sku}{tail}.")

    # --- fulfilment -----------------------------------------------------------

    def open_fulfil_dialog(self) -> None:
        """Open the Fulfil form for the selected shipment."""
        shipment_id = self.selected_shipment_id()
        if shipment_id is None:
            return
        detail = self.bench.detail(shipment_id)
        if detail.row.state not in FULFILLABLE_STATES:
            state = STATE_LABELS[detail.row.state].lower()
            self._refuse(
                f"Order {detail.row.order_id} is {state}; it cannot be fulfilled now."
            )
            return
        dialog = FulfilDialog(detail.row, postal_code=detail.postal_code, parent=self)
        dialog.accepted.connect(lambda: self._on_fulfil_accepted(dialog, shipment_id))
        self._open(dialog)

    def _on_fulfil_accepted(self, dialog: FulfilDialog, shipment_id: int) -> None:
        self._save_fulfilment(
            shipment_id, dialog.tracking_number(), dialog.carrier_name()
        )

    def _save_fulfilment(
        self,
        shipment_id: int,
        tracking: str,
        carrier: str | None,
        same_parcel_as: int | None = None,
        zip_confirmed: bool = False,
    ) -> None:
        def on_failure(error: BaseException) -> None:
            if isinstance(error, TrackingInUseError) and same_parcel_as is None:
                self._ask_same_parcel(shipment_id, tracking, carrier, error)
            elif isinstance(error, ZipMismatchError) and not zip_confirmed:
                self._ask_zip(shipment_id, tracking, carrier, same_parcel_as, error)
            else:
                self._on_action_failed(error)

        tasks.run_in_background(
            lambda: self.bench.fulfil(
                shipment_id,
                tracking,
                carrier,
                same_parcel_as=same_parcel_as,
                zip_confirmed=zip_confirmed,
            ),
            self._on_fulfil_saved,
            on_failure,
        )

    def _ask_zip(
        self,
        shipment_id: int,
        tracking: str,
        carrier: str | None,
        same_parcel_as: int | None,
        error: ZipMismatchError,
    ) -> None:
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Label ZIP is not the order's")
        box.setText(f"{error}\n\nIs this the right label for this parcel?")
        save = box.addButton("Save anyway (logged)", QMessageBox.ButtonRole.AcceptRole)
        again = box.addButton("No, check the label", QMessageBox.ButtonRole.RejectRole)
        # Enter must not save by accident: the safe answer is the default.
        box.setDefaultButton(again)

        def on_finished() -> None:
            if box.clickedButton() is save:
                self._save_fulfilment(
                    shipment_id, tracking, carrier, same_parcel_as, zip_confirmed=True
                )
            else:
                self._refuse(str(error))

        box.finished.connect(on_finished)
        self._open(box)

    def _ask_same_parcel(
        self,
        shipment_id: int,
        tracking: str,
        carrier: str | None,
        error: TrackingInUseError,
    ) -> None:
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Tracking number already used")
        box.setText(
            f"{error.tracking} is already on order {error.other_order_id}.\n\n"
            "Are both orders packed in the same box?"
        )
        same = box.addButton("Same parcel", QMessageBox.ButtonRole.AcceptRole)
        again = box.addButton("No, scan again", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(again)

        def on_finished() -> None:
            if box.clickedButton() is same:
                self._save_fulfilment(
                    shipment_id, tracking, carrier, error.other_shipment_id
                )
            else:
                self._refuse(str(error))

        box.finished.connect(on_finished)
        self._open(box)

    def _on_fulfil_saved(self, result: FulfilResult) -> None:
        warnings = (" Note: " + " ".join(result.warnings)) if result.warnings else ""
        self._announce(
            f"Order {result.order_id} saved with {result.carrier} "
            f"{result.tracking_number}; it will sync in the background.{warnings}"
        )

    # --- feedback -------------------------------------------------------------

    def _open(self, dialog: MatchDialog | FulfilDialog | QMessageBox) -> None:
        self.active_dialog = dialog
        dialog.finished.connect(lambda _result: self._forget_dialog(dialog))
        dialog.open()

    def _forget_dialog(self, dialog: MatchDialog | FulfilDialog | QMessageBox) -> None:
        if self.active_dialog is dialog:
            self.active_dialog = None
        # Handlers of accepted() run before this deferred delete; nothing may
        # keep the dialog after them.
        dialog.deleteLater()

    def _announce(self, message: str) -> None:
        self.refresh()
        self._banner(message, theme.OK_COLOUR, "#e6f4ea")
        self.saved.emit(message)

    def _on_action_failed(self, error: BaseException) -> None:
        if isinstance(error, BenchError | MappingConflictError):
            self.refresh()
            self._refuse(str(error))
            return
        raise error

    def _refuse(self, message: str) -> None:
        self._banner(message, theme.LATE_COLOUR, "#fbe9e7")
        self.refused.emit(message)

    def _banner(self, message: str, colour: str, background: str) -> None:
        self.banner.setText(message)
        self.banner.setStyleSheet(
            f"color: {colour}; background: {background}; padding: 10px; "
            f"font-weight: bold; border-radius: 4px;"
        )
        self.banner.setVisible(True)

    def closeEvent(self, event: QCloseEvent) -> None:
        # Saves already dispatched must reach the disk before the window goes.
        tasks.wait_for_all()
        super().closeEvent(event)
