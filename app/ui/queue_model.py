"""The queue table: a list of shipment ids with rows loaded as they come into view.

The model never holds the whole queue's data. It keeps the ordered ids from one
query and loads rows in small batches the first time a view asks for them.
Sorting and searching re-run the query in SQL, so a hundred thousand shipments
feel the same as a hundred.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, NamedTuple, Protocol

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont

from app.domain.shipments import STATE_LABELS, STATE_SHORT_LABELS
from app.services.dto import QueueColumn, QueueQuery, QueueRow
from app.ui import theme

logger = logging.getLogger(__name__)

ShipmentIdRole = Qt.ItemDataRole.UserRole + 1
"""The shipment id behind a row (an ``int``)."""

StateRole = Qt.ItemDataRole.UserRole + 2
"""The row's :class:`ShipmentState`."""

# Rows loaded per database round trip; about two screens of rows.
BATCH = 50

_AnyIndex = QModelIndex | QPersistentModelIndex

COLUMNS: tuple[tuple[QueueColumn, str], ...] = (
    (QueueColumn.SHIP_BY, "Ship by"),
    (QueueColumn.ORDER_ID, "Order"),
    (QueueColumn.KIND, "Kind"),
    (QueueColumn.STATE, "State"),
    (QueueColumn.SKU, "SKU"),
    (QueueColumn.ITEM, "Item"),
    (QueueColumn.RECIPIENT, "Recipient"),
    (QueueColumn.TRACKING, "Tracking"),
)


_ANSWERED_ROLES = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.ForegroundRole,
        Qt.ItemDataRole.BackgroundRole,
        Qt.ItemDataRole.FontRole,
        ShipmentIdRole,
        StateRole,
    }
)


# Where presentation() keeps the delegate's ready-to-draw cells.
_PAINT_KEY = -1


class PaintCell(NamedTuple):
    """One cell as the delegate draws it."""

    text: str
    colour: QColor | None
    background: QBrush | None
    bold: bool


class QueueSource(Protocol):
    """What the model needs from the bench."""

    def queue_ids(self, query: QueueQuery) -> list[int]: ...

    def queue_rows(self, ids: Sequence[int]) -> dict[int, QueueRow]: ...


class QueueModel(QAbstractTableModel):
    """Shipments in queue order, loaded lazily from the bench."""

    query_changed = Signal()
    """Emitted after the ids were re-read (new search, filter, sort or refresh)."""

    def __init__(
        self,
        source: QueueSource,
        *,
        clock: Callable[[], datetime] | None = None,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self._source = source
        self._clock = clock or (lambda: datetime.now(UTC))
        self._query = QueueQuery()
        self._ids: list[int] = []
        self._rows: dict[int, QueueRow] = {}
        self._loaded = False
        self._cells: dict[int, dict[int, list[Any]]] = {}

    # --- queries --------------------------------------------------------------

    @property
    def loaded(self) -> bool:
        """True once the ids of a query were read."""
        return self._loaded

    @property
    def query(self) -> QueueQuery:
        """The query the model currently shows."""
        return self._query

    def set_query(self, query: QueueQuery) -> None:
        """Show another search, filter or sort order."""
        self._query = query
        self.refresh()

    def refresh(self) -> None:
        """Re-read the ids and forget loaded rows (after any write)."""
        ids = self._source.queue_ids(self._query)
        self._loaded = True
        self.beginResetModel()
        self._ids = ids
        self._rows = {}
        self._cells = {}
        self.endResetModel()
        self.query_changed.emit()

    def shipment_id(self, row: int) -> int | None:
        """The shipment id shown on ``row``, if any."""
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, shipment_id: int) -> int | None:
        """The row showing ``shipment_id``, if it is listed."""
        try:
            return self._ids.index(shipment_id)
        except ValueError:
            return None

    def queue_row(self, row: int) -> QueueRow | None:
        """The loaded data of ``row``, loading its batch if needed."""
        shipment_id = self.shipment_id(row)
        if shipment_id is None:
            return None
        if shipment_id not in self._rows:
            self._load_batch_around(row)
        return self._rows.get(shipment_id)

    def _load_batch_around(self, row: int) -> None:
        start = row - row % BATCH
        batch = self._ids[start : start + BATCH]
        self._rows.update(self._source.queue_rows(batch))

    # --- Qt model API ---------------------------------------------------------

    def rowCount(self, parent: _AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: _AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section][1]
        return None

    def flags(self, index: _AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: _AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # A view asks for a dozen roles per cell on every paint; most of them we
        # never answer, so turn those away before looking the row up.
        if role not in _ANSWERED_ROLES or not index.isValid():
            return None
        if not 0 <= index.column() < len(COLUMNS):
            return None
        cells = self.presentation(index.row())
        return None if cells is None else cells[role][index.column()]

    def presentation(self, row: int) -> dict[int, list[Any]] | None:
        """Every answered role of every column of ``row`` (what a paint needs)."""
        shipment_id = self.shipment_id(row)
        if shipment_id is None:
            return None
        cells = self._cells.get(shipment_id)
        if cells is None:
            queue_row = self.queue_row(row)
            if queue_row is None:
                return None
            cells = self._cells[shipment_id] = self._present(queue_row)
        return cells

    def forget_presentation(self) -> None:
        """Re-render every row (deadline texts age even when no data changes)."""
        self._cells = {}
        if self._ids:
            last = self.index(len(self._ids) - 1, len(COLUMNS) - 1)
            self.dataChanged.emit(self.index(0, 0), last)

    def sort(
        self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder
    ) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        descending = order == Qt.SortOrder.DescendingOrder
        query = self._query
        same = query.sort is COLUMNS[column][0] and query.descending == descending
        if same and self._loaded:
            # A view repeats the current order when it is set up; the ids are
            # already in that order.
            return
        self.set_query(
            QueueQuery(
                text=query.text,
                states=query.states,
                kind=query.kind,
                sort=COLUMNS[column][0],
                descending=descending,
            )
        )

    # --- presentation ---------------------------------------------------------

    def _present(self, row: QueueRow) -> dict[int, list[Any]]:
        """Every answered role of every column of a row, worked out once.

        A paint asks for each role of each visible cell, and does so again on
        every repaint; answering from this table keeps a keystroke's repaint
        short.
        """
        columns = [column for column, _title in COLUMNS]
        state_background = QBrush(QColor(theme.STATE_COLOURS[row.state].background))
        bold = QFont()
        bold.setBold(True)
        late = self._is_late(row)
        return {
            Qt.ItemDataRole.DisplayRole: [self._display(row, c) for c in columns],
            Qt.ItemDataRole.ToolTipRole: [self._tooltip(row, c) for c in columns],
            Qt.ItemDataRole.ForegroundRole: [self._foreground(row, c) for c in columns],
            Qt.ItemDataRole.BackgroundRole: [
                state_background if c is QueueColumn.STATE else None for c in columns
            ],
            Qt.ItemDataRole.FontRole: [
                bold if late and c is QueueColumn.SHIP_BY else None for c in columns
            ],
            ShipmentIdRole: [row.shipment_id] * len(columns),
            StateRole: [row.state] * len(columns),
        }

    def paint_cells(self, row: int) -> list[PaintCell] | None:
        """What the delegate draws for each column of ``row``."""
        cells = self.presentation(row)
        if cells is None:
            return None
        painted = cells.get(_PAINT_KEY)
        if painted is None:
            painted = cells[_PAINT_KEY] = [
                PaintCell(
                    text=text or "",
                    colour=foreground.color() if foreground is not None else None,
                    background=background,
                    bold=font is not None,
                )
                for text, foreground, background, font in zip(
                    cells[Qt.ItemDataRole.DisplayRole],
                    cells[Qt.ItemDataRole.ForegroundRole],
                    cells[Qt.ItemDataRole.BackgroundRole],
                    cells[Qt.ItemDataRole.FontRole],
                    strict=True,
                )
            ]
        return painted

    def _display(self, row: QueueRow, column: QueueColumn) -> str:
        if column is QueueColumn.SHIP_BY:
            return theme.deadline_text(row.ship_by, self._clock())
        if column is QueueColumn.ORDER_ID:
            return row.order_id
        if column is QueueColumn.KIND:
            return "Giveaway" if row.kind.value == "giveaway" else "Sample"
        if column is QueueColumn.STATE:
            label = STATE_SHORT_LABELS[row.state]
            return f"{label} · on hold" if row.on_hold else label
        if column is QueueColumn.RECIPIENT:
            return row.recipient or "(no address yet)"
        if column is QueueColumn.ITEM:
            return row.item
        if column is QueueColumn.SKU:
            return row.sku or "—"
        return row.tracking_number or ""

    def _tooltip(self, row: QueueRow, column: QueueColumn) -> str | None:
        if column is QueueColumn.SHIP_BY and row.ship_by:
            local = row.ship_by.astimezone()
            return f"Must ship by {local:%A %d %B, %H:%M}"
        if column is not QueueColumn.STATE:
            return None
        if row.problem:
            return row.problem
        if row.on_hold:
            return (
                "On hold in TikTok Shop: the buyer may still cancel. Do not pack yet."
            )
        return STATE_LABELS[row.state]

    def _foreground(self, row: QueueRow, column: QueueColumn) -> QBrush | None:
        if column is QueueColumn.STATE:
            return QBrush(QColor(theme.STATE_COLOURS[row.state].foreground))
        if column is QueueColumn.SHIP_BY and self._is_late(row):
            return QBrush(QColor(theme.LATE_COLOUR))
        if column is QueueColumn.SKU and not row.sku:
            return QBrush(QColor(theme.MUTED_COLOUR))
        return None

    def _is_late(self, row: QueueRow) -> bool:
        return (
            row.ship_by is not None
            and row.state in theme.DEADLINE_STATES
            and row.ship_by < self._clock()
        )
