"""A table model over a short list held in memory, for the app's small lists.

The queue is the one big table and has its own model; match candidates, sync
entries and sample requests are lists of at most a few hundred plain values.
Subclasses name their column headers and answer :meth:`cell` for the roles
they use; everything else a Qt model needs is here, once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

Row = TypeVar("Row")

AnyIndex = QModelIndex | QPersistentModelIndex


class ListTableModel(QAbstractTableModel, Generic[Row]):
    """Rows of plain values under fixed headers; read-only and selectable."""

    #: The column headers, left to right.
    HEADERS: tuple[str, ...] = ()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Row] = []

    def set_rows(self, rows: Sequence[Row]) -> None:
        """Replace every listed row."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_value(self, row: int) -> Row | None:
        """The value shown on ``row``, if there is one."""
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def cell(self, value: Row, column: int, role: int) -> Any:
        """What ``role`` shows for ``value`` in ``column`` (``None``: nothing)."""
        raise NotImplementedError

    # --- Qt model API ---------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self.HEADERS)
        ):
            return self.HEADERS[section]
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.column() < len(self.HEADERS):
            return None
        value = self.row_value(index.row())
        return None if value is None else self.cell(value, index.column(), role)
