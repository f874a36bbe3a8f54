"""Creator samples: the requests page, review, sheet import and tracking export.

:func:`install_samples_view` adds a "Samples" menu to the main window (the
requests page, sheet import, tracking export) and a "Creator sample" panel
that follows the queue's selection, linking a sample order to its request.
Reads are small and run on the GUI thread; the review (a TikTok call) and the
import (database writes) run in the background helper.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QBrush, QColor, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDockWidget,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.samples import (
    REJECT_REASON_LABELS,
    RejectReason,
    ReviewResult,
)
from app.domain.shipments import STATE_SHORT_LABELS
from app.services.bench import BenchError
from app.services.samples import (
    CsvImportResult,
    Reviewer,
    SampleDetail,
    SampleRow,
    SamplesService,
    ensure_demo_samples_if_demo,
)
from app.services.samples_csv import (
    FIELD_LABELS,
    REQUIRED_FIELDS,
    CsvTable,
    SampleCsvError,
    SampleField,
    guess_mapping,
    read_table,
)
from app.ui import tasks, theme
from app.ui.list_model import ListTableModel

logger = logging.getLogger(__name__)

ApplicationIdRole = Qt.ItemDataRole.UserRole + 21
"""The application id behind a row (``str``, or ``None`` for an order alone)."""

_AnyIndex = QModelIndex | QPersistentModelIndex
COLUMNS = (
    "Deadline",
    "Status",
    "Creator",
    "Product",
    "Sample order",
    "Parcel",
    "Recipient",
    "Tracking",
)
PREVIEW_ROWS = 5
NO_COLUMN = "(not in the file)"


class SamplesModel(ListTableModel[SampleRow]):
    """Every sample request and sample order; a short list, loaded whole."""

    HEADERS = COLUMNS

    def __init__(
        self, clock: Callable[[], datetime], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._clock = clock

    def sample(self, row: int) -> SampleRow | None:
        """The sample on ``row`` (source-model row), if there is one."""
        return self.row_value(row)

    def cell(self, value: SampleRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(value, column)
        if role == ApplicationIdRole:
            return value.application_id
        if role == Qt.ItemDataRole.ForegroundRole and column == 0:
            if value.is_open and _is_late(value, self._clock()):
                return QBrush(QColor(theme.LATE_COLOUR))
            return None
        if role == Qt.ItemDataRole.ToolTipRole and column == 0:
            return _deadline_tooltip(value)
        return None

    def _text(self, sample: SampleRow, column: int) -> str:
        if column == 0:
            return _deadline_cell(sample, self._clock())
        values = (
            "",
            sample.status_text,
            sample.creator_text,
            _product_text(sample),
            sample.order_id or ("entered by hand" if sample.shipment_id else "—"),
            STATE_SHORT_LABELS[sample.shipment_state] if sample.shipment_state else "",
            sample.recipient,
            sample.tracking_number or "",
        )
        return values[column]


class SamplesPage(QWidget):
    """The sample requests: list, detail, review, import and export."""

    changed = Signal(str)
    """Emitted after a review, import or export, with the message shown."""

    failed = Signal(str)
    """Emitted when an action was refused, with the reason shown."""

    def __init__(
        self,
        service: SamplesService,
        *,
        clock: Callable[[], datetime] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self._clock = clock or (lambda: datetime.now(UTC))
        self.active_dialog: QDialog | None = None
        self.model = SamplesModel(self._clock, self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)
        self._build()
        self.refresh()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search creator, product, order or status")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        layout.addWidget(self.search)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        layout.addWidget(self.message)

        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        for column, width in enumerate((190, 170, 260, 300, 205, 130, 170)):
            self.table.setColumnWidth(column, width)
        self.table.selectionModel().currentRowChanged.connect(self._show_detail)

        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.RichText)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.detail.setContentsMargins(8, 8, 8, 8)
        self.detail.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
        )
        # The table needs the width (creators, products, order ids); the
        # detail reads fine as a band below it.
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setSizes([520, 180])
        layout.addWidget(splitter, 1)

        buttons = QHBoxLayout()
        self.review_button = QPushButton("Approve or reject…")
        self.review_button.clicked.connect(self.open_review_dialog)
        self.import_button = QPushButton("Import sheet…")
        self.import_button.clicked.connect(self.choose_sheet)
        self.export_button = QPushButton("Export tracking CSV…")
        self.export_button.clicked.connect(self.choose_export)
        for button in (self.review_button, self.import_button, self.export_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        if self.service.reviewer is None:
            self.review_button.setToolTip(
                "Connect TikTok Shop to approve or reject sample requests here."
            )

    # --- list and detail --------------------------------------------------------

    def refresh(self) -> None:
        """Re-read the samples, keeping the selected request selected."""
        selected = self.selected_application_id()
        self.model.set_rows(self.service.rows())
        kept = selected is not None and self.select_application(selected)
        if not kept and self.proxy.rowCount():
            self.table.setCurrentIndex(self.proxy.index(0, 0))
        self._show_detail()

    def selected_sample(self) -> SampleRow | None:
        """The sample on the selected row, if any."""
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.model.sample(self.proxy.mapToSource(index).row())

    def selected_application_id(self) -> str | None:
        """The request on the selected row, if it is one."""
        sample = self.selected_sample()
        return sample.application_id if sample else None

    def select_application(self, application_id: str) -> bool:
        """Select ``application_id`` if it is listed."""
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, 0)
            if index.data(ApplicationIdRole) == application_id:
                self.table.setCurrentIndex(index)
                return True
        return False

    def _show_detail(self, *_args: object) -> None:
        sample = self.selected_sample()
        can_review = bool(
            sample and sample.status == "PENDING" and self.service.reviewer is not None
        )
        self.review_button.setEnabled(can_review)
        if sample is None:
            self.detail.setText("<i>Select a sample request.</i>")
            return
        if sample.application_id is None:
            detail = (
                self.service.for_shipment(sample.shipment_id)
                if sample.shipment_id
                else None
            )
        else:
            detail = self.service.detail(sample.application_id)
        self.detail.setText(detail_html(detail, self._clock()) if detail else "")

    # --- review -----------------------------------------------------------------

    def open_review_dialog(self) -> None:
        """Ask a supervisor to approve or reject the selected pending request."""
        sample = self.selected_sample()
        if sample is None or sample.application_id is None:
            return
        application_id = sample.application_id
        dialog = ReviewDialog(sample, self)
        dialog.accepted.connect(lambda: self._review(dialog, application_id))
        self._open(dialog)

    def _review(self, dialog: ReviewDialog, application_id: str) -> None:
        result, reason, supervisor = dialog.values()
        verb = "approved" if result is ReviewResult.APPROVE else "rejected"
        tasks.run_in_background(
            lambda: self.service.review(
                application_id, result, reason, supervisor=supervisor
            ),
            lambda _none: self._done(f"Sample request {application_id} {verb}."),
            self._refused,
            lane=tasks.Lane.NETWORK,
        )

    # --- import -----------------------------------------------------------------

    def choose_sheet(self) -> None:
        """Ask for a sample sheet, then for its columns."""
        path, _filter = QFileDialog.getOpenFileName(
            self, "Import sample requests", "", "CSV files (*.csv *.txt);;All (*)"
        )
        if path:
            self.start_import(Path(path))

    def start_import(self, path: Path) -> None:
        """Read ``path`` and open the column-mapping dialog for it."""
        try:
            data = path.read_bytes()
            table = read_table(data)
        except (OSError, SampleCsvError) as error:
            self._refused(error)
            return
        dialog = ColumnMappingDialog(table, path.name, self)
        dialog.accepted.connect(lambda: self._import(data, dialog, path))
        self._open(dialog)

    def _import(self, data: bytes, dialog: ColumnMappingDialog, path: Path) -> None:
        mapping = dialog.mapping()
        tasks.run_in_background(
            lambda: self.service.import_csv(data, mapping=mapping, source=path.name),
            self._imported,
            self._refused,
        )

    def _imported(self, result: CsvImportResult) -> None:
        lines = result.report_lines()
        text = result.summary()
        if lines:
            text += "\nNot imported: " + "; ".join(lines[:10])
            if len(lines) > 10:
                text += f"; and {len(lines) - 10} more"
        self._done(text, ok=result.ok)

    # --- export -----------------------------------------------------------------

    def choose_export(self) -> None:
        """Ask where to save the tracking CSV, then write it."""
        path, _filter = QFileDialog.getSaveFileName(
            self, "Export sample tracking numbers", "sample-tracking.csv", "CSV (*.csv)"
        )
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        """Write the Affiliate Center tracking CSV to ``path``."""
        try:
            written = self.service.export_tracking_file(path)
        except OSError as error:
            self._refused(error)
            return
        self._done(f"{written} tracking numbers written to {path.name}.")

    # --- feedback ---------------------------------------------------------------

    def _open(self, dialog: QDialog) -> None:
        self.active_dialog = dialog
        dialog.finished.connect(lambda _result: self._forget(dialog))
        dialog.open()

    def _forget(self, dialog: QDialog) -> None:
        if self.active_dialog is dialog:
            self.active_dialog = None
        dialog.deleteLater()

    def _done(self, text: str, *, ok: bool = True) -> None:
        self.refresh()
        colour = theme.OK_COLOUR if ok else theme.LATE_COLOUR
        self._show_message(text, colour)
        self.changed.emit(text)

    def _refused(self, error: BaseException) -> None:
        if not isinstance(error, BenchError | SampleCsvError | OSError | ValueError):
            # Anything else is a bug or a connection failure: the global path.
            raise error
        self._show_message(str(error), theme.LATE_COLOUR)
        self.failed.emit(str(error))

    def _show_message(self, text: str, colour: str) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(f"color: {colour}; font-weight: bold;")
        self.message.setVisible(True)


class SamplesWindow(QMainWindow):
    """The samples page in a window of its own."""

    def __init__(
        self,
        service: SamplesService,
        *,
        clock: Callable[[], datetime] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Creator samples")
        self.resize(1400, 700)
        self.page = SamplesPage(service, clock=clock, parent=self)
        self.setCentralWidget(self.page)


class ReviewDialog(QDialog):
    """A supervisor approves a request, or rejects it with a reason."""

    def __init__(self, sample: SampleRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Approve or reject sample request")
        self.decision = QComboBox()
        self.decision.addItem("Approve: send the sample", ReviewResult.APPROVE)
        self.decision.addItem("Reject", ReviewResult.REJECT)
        self.reason = QComboBox()
        for reason, label in REJECT_REASON_LABELS.items():
            self.reason.addItem(label, reason)
        self.supervisor = QLineEdit()
        self.supervisor.setPlaceholderText("Supervisor's name")

        form = QFormLayout(self)
        form.addRow(
            QLabel(
                f"<b>{escape(sample.creator_text)}</b> asks for "
                f"<b>{escape(sample.product)}</b>"
            )
        )
        form.addRow("Decision:", self.decision)
        form.addRow("Reason:", self.reason)
        form.addRow("Supervisor:", self.supervisor)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        self.decision.currentIndexChanged.connect(self._update)
        self.supervisor.textChanged.connect(self._update)
        self._update()
        self.supervisor.setFocus()

    def _update(self) -> None:
        rejecting = self.decision.currentData() is ReviewResult.REJECT
        self.reason.setEnabled(rejecting)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self.supervisor.text().strip()))

    def values(self) -> tuple[ReviewResult, RejectReason | None, str]:
        """The decision, the reason (on a reject) and who decided."""
        result = ReviewResult(self.decision.currentData())
        reason = (
            RejectReason(self.reason.currentData())
            if result is ReviewResult.REJECT
            else None
        )
        return result, reason, self.supervisor.text().strip()


class ColumnMappingDialog(QDialog):
    """Which column holds which field: guessed from the header, changed by hand."""

    def __init__(
        self, table: CsvTable, name: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.table = table
        self.setWindowTitle(f"Columns of {name}")
        self.resize(900, 600)
        guessed = guess_mapping(table.header)
        layout = QVBoxLayout(self)
        separator = {",": "commas", ";": "semicolons", "\t": "tabs"}.get(
            table.delimiter, repr(table.delimiter)
        )
        layout.addWidget(
            QLabel(
                f"{len(table.rows)} rows, {table.encoding}, separated by "
                f"{separator}. Fields marked * are required."
            )
        )
        form = QFormLayout()
        self.choosers: dict[SampleField, QComboBox] = {}
        for sample_field, label in FIELD_LABELS.items():
            chooser = QComboBox()
            chooser.addItem(NO_COLUMN, -1)
            for column, header in enumerate(table.header):
                chooser.addItem(header or f"(column {column + 1})", column)
            chooser.setCurrentIndex(guessed.get(sample_field, -1) + 1)
            chooser.currentIndexChanged.connect(self._update)
            star = " *" if sample_field in REQUIRED_FIELDS else ""
            form.addRow(f"{label}{star}:", chooser)
            self.choosers[sample_field] = chooser
        layout.addLayout(form)
        layout.addWidget(self._preview())
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Import")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._update()

    def _preview(self) -> QTableWidget:
        rows = self.table.rows[:PREVIEW_ROWS]
        preview = QTableWidget(len(rows), len(self.table.header))
        preview.setHorizontalHeaderLabels(list(self.table.header))
        preview.setVerticalHeaderLabels([f"line {line}" for line, _ in rows])
        for row, (_line, cells) in enumerate(rows):
            for column, cell in enumerate(cells[: len(self.table.header)]):
                preview.setItem(row, column, QTableWidgetItem(cell))
        preview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        return preview

    def _update(self) -> None:
        mapping = self.mapping()
        ok = all(required in mapping for required in REQUIRED_FIELDS)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)

    def choose(self, sample_field: SampleField, header: str | None) -> None:
        """Map ``sample_field`` to the column named ``header`` (None: no column)."""
        chooser = self.choosers[sample_field]
        index = 0 if header is None else chooser.findText(header)
        if index < 0:
            raise ValueError(f"no column named {header}")
        chooser.setCurrentIndex(index)

    def mapping(self) -> dict[SampleField, int]:
        """The chosen column index of every mapped field."""
        chosen: dict[SampleField, int] = {}
        for sample_field, chooser in self.choosers.items():
            column = int(chooser.currentData())
            if column >= 0:
                chosen[sample_field] = column
        return chosen


class SampleDock(QDockWidget):
    """The selected queue shipment's sample request: creator, deadlines, link."""

    def __init__(
        self,
        service: SamplesService,
        clock: Callable[[], datetime],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Creator sample", parent)
        self.setObjectName("creatorSampleDock")
        self.service = service
        self._clock = clock
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.label.setContentsMargins(12, 8, 12, 8)
        self.setWidget(self.label)
        # Follows the queue's selection one event-loop turn later, so a burst
        # of keystrokes in the search box reads only the last selection.
        self._pending: int | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(lambda: self.show_shipment(self._pending))
        #: True once the label was moved into the main window's detail pane.
        self.embedded = False
        self.show_shipment(None)

    def follow(self, shipment_id: int | None) -> None:
        """Show ``shipment_id`` once the event loop is idle."""
        self._pending = shipment_id
        self._timer.start()

    def show_shipment(self, shipment_id: int | None) -> None:
        """Show the sample behind ``shipment_id``, or a hint for anything else."""
        self._timer.stop()
        detail = self.service.for_shipment(shipment_id) if shipment_id else None
        if detail is None:
            self.label.setText("<i>Not a creator sample.</i>")
            # In the detail pane the hint would only take room; hide it there.
            self.label.setVisible(not self.embedded)
            return
        self.label.setText(detail_html(detail, self._clock()))
        self.label.setVisible(True)


@dataclass(slots=True)
class SamplesInstall:
    """What :func:`install_samples_view` added, for tests and later wiring."""

    service: SamplesService
    open_action: QAction
    import_action: QAction
    export_action: QAction
    dock: SampleDock
    window: SamplesWindow | None = field(default=None)


def install_samples_view(
    window: QMainWindow,
    *,
    reviewer: Reviewer | None = None,
    clock: Callable[[], datetime] | None = None,
) -> SamplesInstall:
    """Add the Samples menu and the "Creator sample" panel to the main window.

    ``window`` is the main window (it has ``bench``, ``selected_shipment_id``
    and its queue ``table``). ``reviewer`` answers TikTok for approvals; without
    one, requests are reviewed in the Affiliate Center.
    """
    bench = getattr(window, "bench")  # noqa: B009 - any window with a bench
    now = clock or getattr(window, "_clock", None) or (lambda: datetime.now(UTC))
    service = SamplesService(bench, reviewer=reviewer)
    dock = SampleDock(service, now, window)
    add_section = getattr(window, "add_detail_section", None)
    if callable(add_section):
        # Beside the order's own detail, where the clerk already looks.
        dock.embedded = True
        add_section(dock.label)
        dock.hide()
    else:
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    install = SamplesInstall(
        service=service,
        open_action=_action(window, "Sample &requests…", "Ctrl+Shift+S"),
        import_action=_action(window, "&Import sample sheet…", ""),
        export_action=_action(window, "&Export sample tracking CSV…", ""),
        dock=dock,
    )
    install.open_action.triggered.connect(lambda: open_samples_window(window, install))
    install.import_action.triggered.connect(
        lambda: open_samples_window(window, install).page.choose_sheet()
    )
    install.export_action.triggered.connect(
        lambda: open_samples_window(window, install).page.choose_export()
    )
    menu = window.menuBar().addMenu("&Samples")
    for action in (install.open_action, install.import_action, install.export_action):
        menu.addAction(action)
    _follow_selection(window, dock)
    # The demo store gets its sample requests the first time this runs on it.
    tasks.run_in_background(
        lambda: ensure_demo_samples_if_demo(bench),
        lambda report: _refresh(window) if report is not None else None,
    )
    return install


def open_samples_window(window: QMainWindow, install: SamplesInstall) -> SamplesWindow:
    """Show (creating once) the samples window, selecting the queue's sample."""
    if install.window is None:
        now = install.dock._clock  # noqa: SLF001 - one clock for both views
        install.window = SamplesWindow(install.service, clock=now, parent=window)
        install.window.setWindowFlag(Qt.WindowType.Window, True)
        install.window.page.changed.connect(lambda _text: _refresh(window))
    samples = install.window
    samples.page.refresh()
    samples.show()
    samples.raise_()
    samples.activateWindow()
    selected = _selected(window)
    detail = install.service.for_shipment(selected) if selected else None
    if detail is not None and detail.row.application_id:
        samples.page.select_application(detail.row.application_id)
    return samples


def _follow_selection(window: QMainWindow, dock: SampleDock) -> None:
    table = getattr(window, "table", None)
    if not isinstance(table, QTableView):
        return

    def follow(*_args: object) -> None:
        dock.follow(_selected(window))

    table.selectionModel().currentChanged.connect(follow)
    model = table.model()
    model.modelReset.connect(follow)
    follow()


def _action(window: QMainWindow, text: str, keys: str) -> QAction:
    action = QAction(text, window)
    if keys:
        action.setShortcut(QKeySequence(keys))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    window.addAction(action)
    return action


def _selected(window: QMainWindow) -> int | None:
    chooser: Callable[[], int | None] | None = getattr(
        window, "selected_shipment_id", None
    )
    return chooser() if chooser is not None else None


def _refresh(window: QMainWindow) -> None:
    refresh = getattr(window, "refresh", None)
    if callable(refresh):
        refresh()


# --- text ---------------------------------------------------------------------------


def _is_late(sample: SampleRow, now: datetime) -> bool:
    return sample.deadline is not None and sample.deadline < now


def _deadline_cell(sample: SampleRow, now: datetime) -> str:
    if not sample.is_open or sample.deadline is None:
        return ""
    verb = "approve" if sample.status == "PENDING" else "ship"
    return f"{verb} · {theme.deadline_text(sample.deadline, now)}"


def _product_text(sample: SampleRow) -> str:
    """The product title, with the SKU name unless the title already says it."""
    if sample.sku_name and sample.sku_name not in sample.product:
        return f"{sample.product} · {sample.sku_name}"
    return sample.product


def _deadline_tooltip(sample: SampleRow) -> str:
    parts = []
    if sample.approve_by:
        parts.append(f"Approve by {sample.approve_by.astimezone():%a %d %b %H:%M}")
    if sample.ship_by:
        parts.append(f"Ship by {sample.ship_by.astimezone():%a %d %b %H:%M}")
    return "\n".join(parts)


def detail_html(detail: SampleDetail, now: datetime) -> str:
    """The detail of one sample as rich text (shared by the page and the panel)."""
    row = detail.row
    lines = [
        f"<b>Free sample for {escape(row.creator_text)}</b>",
        escape(detail.link_text),
    ]
    if row.application_id:
        lines.append(f"Request status: <b>{escape(row.status_text)}</b>")
    if row.shipment_state is not None:
        lines.append(f"Parcel: {escape(STATE_SHORT_LABELS[row.shipment_state])}")
    product = _product_text(row)
    if product:
        lines.append(f"Product: {escape(product)}")
    pending = row.status == "PENDING"
    for label, moment in (("Approve by", row.approve_by), ("Ship by", row.ship_by)):
        if moment is None or (label == "Approve by" and not pending):
            continue
        late = row.is_open and moment < now and moment == row.deadline
        text = f"{label} {moment.astimezone():%a %d %b %H:%M}"
        if row.is_open and moment == row.deadline:
            text += f" ({theme.deadline_text(moment, now)})"
        lines.append(
            f"<span style='color:{theme.LATE_COLOUR}'><b>{escape(text)}</b></span>"
            if late
            else escape(text)
        )
    if detail.address:
        lines.append(f"Ship to: {escape(row.recipient)}, {escape(detail.address)}")
    if row.tracking_number:
        lines.append(f"Tracking: {escape(row.tracking_number)}")
    if detail.combinable_with:
        others = ", ".join(escape(order) for order in detail.combinable_with)
        lines.append(
            f"<span style='color:{theme.OK_COLOUR}'><b>Same creator and address: "
            f"can go in one parcel with {others}.</b></span>"
        )
    return "<br>".join(lines)


__all__ = [
    "ColumnMappingDialog",
    "ReviewDialog",
    "SampleDock",
    "SamplesInstall",
    "SamplesPage",
    "SamplesWindow",
    "detail_html",
    "install_samples_view",
    "open_samples_window",
]
