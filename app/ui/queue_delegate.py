"""Painting queue cells straight from the model's ready-made presentation.

Qt's standard delegate asks the model for seven or eight roles per cell on
every paint, each a call from C++ into Python. This delegate makes one call per
cell and draws the same thing: state colours, the late deadline in bold, the
selection, alternating rows and text elided at the cell's edge.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont, QPainter
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from app.ui.queue_model import QueueModel

_AnyIndex = QModelIndex | QPersistentModelIndex

PADDING = 8

_DISPLAY = Qt.ItemDataRole.DisplayRole
_FOREGROUND = Qt.ItemDataRole.ForegroundRole
_BACKGROUND = Qt.ItemDataRole.BackgroundRole
_FONT = Qt.ItemDataRole.FontRole
_ALIGN = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft


class QueueDelegate(QStyledItemDelegate):
    """Draws one queue cell per call, from :meth:`QueueModel.presentation`."""

    def __init__(self, model: QueueModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._model = model

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: _AnyIndex
    ) -> None:
        cells = self._model.presentation(index.row())
        if cells is None:
            return
        column = index.column()
        rect = option.rect
        palette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)

        background = cells[_BACKGROUND][column]
        if selected:
            painter.fillRect(rect, palette.highlight())
        elif background is not None:
            painter.fillRect(rect, background)
        elif index.row() % 2:
            painter.fillRect(rect, palette.alternateBase())

        font: QFont | None = cells[_FONT][column]
        painter.save()
        if font is not None:
            painter.setFont(font)
        if selected:
            painter.setPen(palette.highlightedText().color())
        else:
            brush = cells[_FOREGROUND][column]
            painter.setPen(
                brush.color() if brush is not None else palette.text().color()
            )
        text_rect = rect.adjusted(PADDING, 0, -PADDING, 0)
        text = painter.fontMetrics().elidedText(
            cells[_DISPLAY][column] or "",
            Qt.TextElideMode.ElideRight,
            text_rect.width(),
        )
        painter.drawText(text_rect, _ALIGN, text)
        painter.restore()
