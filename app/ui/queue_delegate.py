"""Painting queue cells straight from the model's ready-made cells.

Qt's standard delegate asks the model for seven or eight roles per cell on
every paint, each a call from C++ into Python. This delegate makes one call per
cell and draws the same thing: state colours, the late deadline in bold, the
selection, alternating rows and text elided at the cell's edge. Colours, fonts
and elided texts are worked out once and reused.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QStaticText
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from app.ui.queue_model import QueueModel

_AnyIndex = QModelIndex | QPersistentModelIndex

PADDING = 8

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
        self._text = palette.text().color()
        self._fonts = (QFont(view.font()), QFont(view.font()))
        self._fonts[1].setBold(True)
        self._metrics = tuple(QFontMetrics(font) for font in self._fonts)
        self._heights = tuple(metrics.height() for metrics in self._metrics)
        self._laid_out: dict[tuple[str, int, bool], QStaticText] = {}

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
            # The view has already drawn the alternating row colour.
            if cell.background is not None:
                painter.fillRect(rect, cell.background)
            colour = cell.colour or self._text
        if not cell.text:
            return

        painter.setFont(self._fonts[cell.bold])
        painter.setPen(colour)
        static = self._static(cell.text, rect.width() - 2 * PADDING, cell.bold)
        top = rect.y() + (rect.height() - self._heights[cell.bold]) // 2
        painter.drawStaticText(rect.x() + PADDING, top, static)

    def _static(self, text: str, width: int, bold: bool) -> QStaticText:
        """``text`` cut to ``width`` pixels, laid out once and remembered.

        Laying text out is most of what drawing a cell costs; a queue shows
        the same few hundred texts again and again.
        """
        key = (text, width, bold)
        static = self._laid_out.get(key)
        if static is None:
            if len(self._laid_out) > 20_000:
                self._laid_out.clear()
            metrics = self._metrics[bold]
            fitted = metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)
            static = QStaticText(fitted)
            static.setTextFormat(Qt.TextFormat.PlainText)
            static.prepare(font=self._fonts[bold])
            self._laid_out[key] = static
        return static
