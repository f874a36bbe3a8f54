"""The Match dialog: tie a giveaway's duplicate listing to the real SKU.

The clerk sees what TikTok sent and a ranked list of catalog candidates; typing
filters the whole catalog. Nothing is applied until the clerk confirms, and an
existing match is only replaced with "Remap" ticked.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.matching import CatalogEntry, Suggestion
from app.services.dto import LineView
from app.ui import theme
from app.ui.list_model import ListTableModel

SkuRole = Qt.ItemDataRole.UserRole + 1
"""The SKU of a candidate row (``str``)."""


class CandidateModel(ListTableModel[Suggestion]):
    """Candidate SKUs: the suggestions first, or the catalog filtered by text."""

    HEADERS = ("SKU", "Title", "Why")

    def set_candidates(self, rows: list[Suggestion]) -> None:
        """Replace the listed candidates."""
        self.set_rows(rows)

    def candidate(self, row: int) -> Suggestion | None:
        """The candidate on ``row``."""
        return self.row_value(row)

    def cell(self, value: Suggestion, column: int, role: int) -> Any:
        if role == SkuRole:
            return value.sku
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        return (value.sku, value.title, _why(value))[column]


def _why(candidate: Suggestion) -> str:
    if candidate.reason == "catalog":
        return ""
    return f"{candidate.reason} ({candidate.score:.0f}%)"


class MatchDialog(QDialog):
    """Pick the catalog SKU for one line; ``chosen_sku()`` and ``remap()`` after OK."""

    def __init__(
        self,
        *,
        order_id: str,
        line: LineView,
        suggestions: list[Suggestion],
        catalog: list[CatalogEntry],
        current_sku: str | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Match order {order_id}")
        self.resize(860, 560)
        self._suggestions = suggestions
        self._catalog = catalog
        self._can_remap = current_sku is not None

        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        title = QLabel("Which real product is this?")
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        layout.addWidget(_line_summary(line))

        self.filter = QLineEdit()
        self.filter.setPlaceholderText(
            "Type to search the whole catalog by SKU or title"
        )
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._on_filter_text_changed)
        layout.addWidget(self.filter)

        self.model = CandidateModel(self)
        self.table = _candidate_table(self.model)
        self.table.doubleClicked.connect(self.accept)
        layout.addWidget(self.table, 1)

        self.remap_box = QCheckBox()
        self.remap_box.setVisible(current_sku is not None)
        if current_sku:
            self.remap_box.setText(
                f"Remap: this product is matched to {current_sku} today; replace it "
                "(logged)"
            )
        layout.addWidget(self.remap_box)

        self.hint = QLabel(
            "↑/↓ choose · Enter confirms · Esc cancels · a suggestion is never applied "
            "without you"
        )
        self.hint.setStyleSheet(f"color: {theme.MUTED_COLOUR};")
        layout.addWidget(self.hint)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Match (Enter)")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

        # Arrow keys move the list even while the clerk types in the filter.
        for key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
            shortcut = QShortcut(QKeySequence(key), self.filter)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(lambda key=key: self._move_selection(key))

        self._show(suggestions)
        self.filter.setFocus()

    def chosen_sku(self) -> str | None:
        """The SKU selected in the list."""
        index = self.table.currentIndex()
        return self.model.data(index, SkuRole) if index.isValid() else None

    def remap(self) -> bool:
        """True when the clerk ticked "Remap"."""
        # Not isVisible(): the dialog is already hidden when accepted() fires.
        return self._can_remap and self.remap_box.isChecked()

    def _on_filter_text_changed(self, text: str) -> None:
        wanted = text.strip().casefold()
        if not wanted:
            self._show(self._suggestions)
            return
        matches = [
            Suggestion(sku=entry.sku, title=entry.title, score=0.0, reason="catalog")
            for entry in self._catalog
            if wanted in entry.sku.casefold() or wanted in entry.title.casefold()
        ]
        self._show(matches)

    def _show(self, rows: list[Suggestion]) -> None:
        self.model.set_candidates(rows)
        self.ok_button.setEnabled(bool(rows))
        if rows:
            self.table.setCurrentIndex(self.model.index(0, 0))

    def _move_selection(self, key: Qt.Key) -> None:
        current = self.table.currentIndex().row()
        step = 1 if key == Qt.Key.Key_Down else -1
        row = max(0, min(self.model.rowCount() - 1, current + step))
        self.table.setCurrentIndex(self.model.index(row, 0))


def _line_summary(line: LineView) -> QLabel:
    seller_sku = f" · seller SKU {line.seller_sku}" if line.seller_sku else ""
    label = QLabel(
        f"<b>{line.product_name or '(no title)'}</b> {line.sku_name}<br>"
        f"<span style='color:{theme.MUTED_COLOUR}'>TikTok product {line.product_id} · "
        f"SKU {line.sku_id}{seller_sku}</span>"
    )
    label.setWordWrap(True)
    return label


def _candidate_table(model: CandidateModel) -> QTableView:
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(theme.ROW_HEIGHT)
    table.setAlternatingRowColors(True)
    header = table.horizontalHeader()
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
    header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
    return table
