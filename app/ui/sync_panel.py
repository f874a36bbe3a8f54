"""The sync in the desktop app: background rounds, the status bar, the panel.

:class:`SyncController` runs the sync engine's rounds on the network lane of
:mod:`app.ui.tasks`, one at a time, every few seconds and on "Sync now"; the
GUI thread never waits on the network or on a database write. The status bar
says online or offline and how many effects are waiting; the Sync panel lists
pending and failed effects with their reason and lets a supervisor retry or
cancel one (cancelling is audited by the engine).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMainWindow,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.services.outbox import OutboxView
from app.services.sync_engine import DrainReport, PullReport, SyncStatus
from app.ui import tasks, theme
from app.ui.list_model import ListTableModel

logger = logging.getLogger(__name__)

#: How often the controller looks for due effects, in milliseconds.
ROUND_INTERVAL_MS = 5_000

_AnyIndex = QModelIndex | QPersistentModelIndex


class SyncSource(Protocol):
    """What the UI needs from the sync engine."""

    def drain_once(self, max_entries: int | None = None) -> DrainReport: ...

    def pull_once(self, *, catalog: bool | None = None) -> PullReport: ...

    def status(self) -> SyncStatus: ...

    def entries(
        self, status: str | None = None, limit: int | None = 500
    ) -> list[OutboxView]: ...

    def retry(self, entry_id: int) -> None: ...

    def cancel(
        self, entry_id: int, reason: str, *, include_later: bool = True
    ) -> list[int]: ...


@dataclass(frozen=True, slots=True)
class RoundResult:
    """What one background round brings back to the GUI thread."""

    drain: DrainReport
    pull: PullReport | None
    status: SyncStatus


class SyncController(QObject):
    """Runs sync rounds in the background and reports on the GUI thread."""

    status_changed = Signal(object)
    """Emitted with the :class:`SyncStatus` after every round."""

    shipments_changed = Signal()
    """Emitted after a round that changed shipments (synced or pulled orders)."""

    round_finished = Signal(object)
    """Emitted with the :class:`RoundResult` of every round."""

    def __init__(
        self,
        engine: SyncSource,
        *,
        interval_ms: int = ROUND_INTERVAL_MS,
        pull_every_rounds: int = 24,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.engine = engine
        self._busy = False
        self._rounds = 0
        self._pull_every = pull_every_rounds
        self._wanted_pull = True
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.run_round)

    def start(self) -> None:
        """Start the rounds (the first one at once)."""
        self._timer.start()
        QTimer.singleShot(0, self.run_round)

    def stop(self) -> None:
        """No more rounds; one already running finishes on its own."""
        self._timer.stop()

    @property
    def busy(self) -> bool:
        """True while a round runs in the background."""
        return self._busy

    def sync_now(self) -> None:
        """Pull new orders and send waiting effects now."""
        self._wanted_pull = True
        self.run_round()

    def run_round(self) -> None:
        """Start one round unless one is running already."""
        if self._busy:
            return
        self._busy = True
        self._rounds += 1
        pull = self._wanted_pull or self._rounds % self._pull_every == 0
        self._wanted_pull = False
        engine = self.engine

        def work() -> RoundResult:
            pulled = engine.pull_once() if pull else None
            drained = engine.drain_once()
            return RoundResult(drained, pulled, engine.status())

        tasks.run_in_background(
            work, self._on_round_done, self._on_round_failed, lane=tasks.Lane.NETWORK
        )

    def _on_round_done(self, result: RoundResult) -> None:
        self._busy = False
        pulled = result.pull is not None and result.pull.orders is not None
        changed = pulled and bool(
            result.pull.orders.imported or result.pull.orders.updated  # type: ignore[union-attr]
        )
        if result.drain.worked or changed:
            self.shipments_changed.emit()
        self.status_changed.emit(result.status)
        self.round_finished.emit(result)

    def _on_round_failed(self, error: BaseException) -> None:
        self._busy = False
        # The engine turns remote failures into reports; anything else is a bug
        # for the one error path, but the rounds go on.
        logger.error("Sync round failed", exc_info=error)
        raise error


# --- the status bar -------------------------------------------------------------


def status_text(status: SyncStatus, now: datetime) -> tuple[str, str]:
    """The status bar's words and colour for a sync status."""
    # Each parcel has an update for TikTok Shop and one for Shopify.
    plural = "s" if status.waiting != 1 else ""
    waiting = (
        f"{status.waiting} update{plural} waiting to sync"
        if status.waiting
        else "all synced"
    )
    failed = f" · {status.failed} FAILED" if status.failed else ""
    if status.online is False:
        since = ""
        if status.last_contact is not None:
            minutes = int((now - status.last_contact).total_seconds() // 60)
            since = f" (last contact {minutes} min ago)" if minutes else ""
        return f"○ Offline{since} · {waiting}{failed}", theme.LATE_COLOUR
    if status.online is None:
        return f"◌ Connecting · {waiting}{failed}", theme.MUTED_COLOUR
    colour = theme.LATE_COLOUR if status.failed else theme.OK_COLOUR
    return f"● Online · {waiting}{failed}", colour


class SyncStatusLabel(QLabel):
    """The status bar's sync word: online or offline, and what is waiting."""

    def __init__(self, clock: Callable[[], datetime] | None = None) -> None:
        super().__init__("◌ Connecting")
        self._clock = clock or (lambda: datetime.now(UTC))
        self.setToolTip("Effects waiting for TikTok Shop and Shopify (F9: sync now)")

    def show_status(self, status: SyncStatus) -> None:
        """Show a new status."""
        text, colour = status_text(status, self._clock())
        self.setText(text)
        self.setStyleSheet(f"color: {colour}; font-weight: bold;")
        if status.last_error:
            self.setToolTip(f"Last problem: {status.last_error}")


# --- the panel ------------------------------------------------------------------


class OutboxModel(ListTableModel[OutboxView]):
    """Outbox entries as a table (a small, fully loaded list)."""

    HEADERS = ("Order", "Effect", "Status", "Tries", "Next try", "Reason")

    def set_entries(self, rows: list[OutboxView]) -> None:
        """Replace the listed entries."""
        self.set_rows(rows)

    def entry(self, row: int) -> OutboxView | None:
        """The entry on ``row``."""
        return self.row_value(row)

    def cell(self, value: OutboxView, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return _cell(value, column)
        if role == Qt.ItemDataRole.ToolTipRole and column == 5:
            return value.last_error or None
        return None


def _cell(entry: OutboxView, column: int) -> str:
    if column == 0:
        return entry.order_id
    if column == 1:
        return entry.action_label
    if column == 2:
        return entry.status.replace("_", " ")
    if column == 3:
        return str(entry.attempts)
    if column == 4:
        if entry.status != "pending":
            return ""
        return f"{entry.next_attempt_at.astimezone():%d %b %H:%M:%S}"
    return entry.last_error


STATUS_FILTERS: tuple[tuple[str, str | None], ...] = (
    ("Waiting", "pending"),
    ("Failed", "failed"),
    ("Being sent", "in_flight"),
    ("Done", "done"),
    ("Cancelled", "cancelled"),
    ("Everything", None),
)


class SyncPanel(QDialog):
    """Pending and failed effects, with Retry and Cancel, for a supervisor."""

    def __init__(
        self, controller: SyncController, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.controller = controller
        self.setWindowTitle("Sync: effects waiting for TikTok Shop and Shopify")
        self.resize(1100, 560)

        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.filter = QComboBox()
        for label, _status in STATUS_FILTERS:
            self.filter.addItem(label)
        self.filter.currentIndexChanged.connect(self.reload)
        self.status_label = SyncStatusLabel()
        top.addWidget(QLabel("&Show:"))
        top.itemAt(0).widget().setBuddy(self.filter)  # type: ignore[union-attr]
        top.addWidget(self.filter)
        top.addStretch(1)
        top.addWidget(self.status_label)
        layout.addLayout(top)

        self.model = OutboxModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(theme.ROW_HEIGHT)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        for column in range(5):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        layout.addWidget(self.table, 1)

        buttons = QHBoxLayout()
        self.sync_button = QPushButton("Sync &now  (F9)")
        self.sync_button.clicked.connect(controller.sync_now)
        self.retry_button = QPushButton("&Retry")
        self.retry_button.clicked.connect(self.retry_selected)
        self.cancel_button = QPushButton("&Cancel effect…")
        self.cancel_button.clicked.connect(self.cancel_selected)
        close = QPushButton("Close")
        close.clicked.connect(self.accept)
        for button in (self.sync_button, self.retry_button, self.cancel_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout.addLayout(buttons)

        controller.status_changed.connect(self.status_label.show_status)
        controller.round_finished.connect(lambda _result: self.reload())
        self.reload()

    def reload(self) -> None:
        """Re-read the entries of the chosen status (in the background)."""
        status = STATUS_FILTERS[self.filter.currentIndex()][1]
        engine = self.controller.engine
        tasks.run_in_background(
            lambda: engine.entries(status), self._show_entries, lane=tasks.Lane.DATABASE
        )

    def _show_entries(self, rows: list[OutboxView]) -> None:
        self.model.set_entries(rows)
        if rows:
            self.table.selectRow(0)

    def selected_entry(self) -> OutboxView | None:
        """The entry selected in the list."""
        index = self.table.currentIndex()
        return self.model.entry(index.row()) if index.isValid() else None

    def retry_selected(self) -> None:
        """Send the selected failed effect again at the next round."""
        entry = self.selected_entry()
        if entry is None:
            return
        engine = self.controller.engine
        tasks.run_in_background(
            lambda: engine.retry(entry.entry_id), lambda _none: self._after_change()
        )

    def cancel_selected(self, reason: str | None = None) -> None:
        """Give up the selected effect (and the later ones of its shipment)."""
        entry = self.selected_entry()
        if entry is None:
            return
        if reason is None:
            reason, ok = QInputDialog.getText(
                self,
                "Cancel an effect",
                f"Why will '{entry.action_label}' for order {entry.order_id} never "
                "be sent? (logged)",
            )
            if not ok or not reason.strip():
                return
        engine = self.controller.engine
        tasks.run_in_background(
            lambda: engine.cancel(entry.entry_id, reason.strip()),
            lambda _ids: self._after_change(),
        )

    def _after_change(self) -> None:
        self.reload()
        self.controller.run_round()


# --- wiring into the main window ------------------------------------------------


@dataclass
class SyncInstall:
    """What :func:`install_sync` added, for the app and tests."""

    controller: SyncController
    label: SyncStatusLabel
    sync_now: QAction
    open_panel: QAction
    outage: QAction | None


class _Window(Protocol):
    def refresh(self) -> None: ...


def install_sync(
    window: QMainWindow,
    engine: SyncSource,
    *,
    set_outage: Callable[[bool], None] | None = None,
    interval_ms: int = ROUND_INTERVAL_MS,
) -> SyncInstall:
    """Add the Sync menu, the status-bar word and the background rounds.

    ``set_outage`` (the demo store's switch) adds "Simulate outage".
    """
    controller = SyncController(engine, interval_ms=interval_ms, parent=window)
    label = SyncStatusLabel()
    window.statusBar().addPermanentWidget(label)
    controller.status_changed.connect(label.show_status)
    refresh = getattr(window, "refresh", None)
    if callable(refresh):
        controller.shipments_changed.connect(refresh)

    menu = window.menuBar().addMenu("S&ync")
    sync_now = _action(window, "Sync &now", "F9", controller.sync_now)
    panel_holder: list[SyncPanel] = []

    def open_panel() -> None:
        if not panel_holder:
            panel_holder.append(SyncPanel(controller, window))
        panel_holder[0].reload()
        panel_holder[0].show()
        panel_holder[0].raise_()

    open_panel_action = _action(window, "Sync &panel…", "Ctrl+Shift+Y", open_panel)
    menu.addAction(sync_now)
    menu.addAction(open_panel_action)
    outage = None
    if set_outage is not None:
        outage = QAction("Simulate &outage (demo)", window)
        outage.setCheckable(True)

        def switch(down: bool) -> None:
            # The shops may still be starting; never wait for them here.
            tasks.run_in_background(
                lambda: set_outage(down),
                lambda _none: controller.run_round(),
                lane=tasks.Lane.NETWORK,
            )

        outage.toggled.connect(switch)
        menu.addSeparator()
        menu.addAction(outage)
    controller.start()
    return SyncInstall(controller, label, sync_now, open_panel_action, outage)


def _action(
    window: QMainWindow, text: str, shortcut: str, slot: Callable[[], object]
) -> QAction:
    action = QAction(text, window)
    action.setShortcut(QKeySequence(shortcut))
    action.triggered.connect(slot)
    window.addAction(action)
    return action
