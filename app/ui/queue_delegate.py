"""Painting queue cells straight from the model's ready-made cells.

Qt's standard delegate asks the model for seven or eight roles per cell on
every paint, each a call from C++ into Python. This delegate makes one call per
cell and draws the same thing: state colours, the late deadline in bold, the
selection, alternating rows and text elided at the cell's edge. Colours, fonts
and elided texts are worked out once and reused.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from app.ui.queue_model import QueueModel

_AnyIndex = QModelIndex | QPersistentModelIndex

PADDING = 8

_ALIGN = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft
_SELECTED = QStyle.StateFlag.State_Selected


class QueueDelegate(QStyledItemDelegate):
    """Draws one queue cell per call, from :meth:`QueueModel.paint_cells`."""

    def __init__(
        self, model: QueueModel, view: QWidget, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._model = model
        palette = view.palette()
        self._highlight = palette.highlight()
        self._highlighted_text = palette.highlightedText().color()
        self._alternate = palette.alternateBase()
        self._text = palette.text().color()
        self._fonts = (QFont(view.font()), QFont(view.font()))
        self._fonts[1].setBold(True)
        self._metrics = tuple(QFontMetrics(font) for font in self._fonts)
        self._elided: dict[tuple[str, int, bool], str] = {}

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: _AnyIndex
    ) -> None:
        cells = self._model.paint_cells(index.row())
        if cells is None:
            return
        cell = cells[index.column()]
        rect = option.rect

        if option.state & _SELECTED:
            painter.fillRect(rect, self._highlight)
            colour = self._highlighted_text
        else:
            if cell.background is not None:
                painter.fillRect(rect, cell.background)
            elif index.row() % 2:
                painter.fillRect(rect, self._alternate)
            colour = cell.colour or self._text
        if not cell.text:
            return

        text_rect = rect.adjusted(PADDING, 0, -PADDING, 0)
        painter.setFont(self._fonts[cell.bold])
        painter.setPen(colour)
        painter.drawText(
            text_rect, _ALIGN, self._fit(cell.text, text_rect.width(), cell.bold)
        )

    def _fit(self, text: str, width: int, bold: bool) -> str:
        """``text`` cut with an ellipsis to ``width`` pixels (remembered)."""
        key = (text, width, bold)
        fitted = self._elided.get(key)
        if fitted is None:
            if len(self._elided) > 20_000:
                self._elided.clear()
            metrics = self._metrics[bold]
            fitted = metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)
            self._elided[key] = fitted
        return fitted
