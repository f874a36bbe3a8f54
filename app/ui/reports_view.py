"""Reports: shipped per day, giveaway campaigns and creators, with charts and CSV.

Charts are drawn with QPainter (QtCharts is not part of PySide6-Essentials).
Each chart paints what a table model holds, so the figures on screen and in
the table are the same values: :class:`ReportTableModel` feeds the bar chart
of units shipped per day, :class:`BurnDownModel` the budget burn-down lines.

Threading contract: the service is called only inside
:func:`app.ui.tasks.run_in_background` work; the models and widgets are
touched only on the GUI thread, in the success callbacks.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPointF,
    QRectF,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QColor,
    QFont,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.campaigns import MAX_BUDGET, CampaignError, CampaignWarning, WarningKind
from app.services.campaigns import BurnDown, CampaignService, CampaignView, Report
from app.ui import tasks
from app.ui.theme import LATE_COLOUR, MUTED_COLOUR, OK_COLOUR, WARNING_COLOUR

logger = logging.getLogger(__name__)

#: The plain number behind a cell (int or float), for charts and sorting.
VALUE_ROLE: Final = int(Qt.ItemDataRole.UserRole) + 1

_BAR_COLOUR = QColor("#2f5d9e")
_GRID_COLOUR = QColor("#d9dce1")
_LINE_COLOURS = (
    QColor("#2f5d9e"),
    QColor(OK_COLOUR),
    QColor("#8a3ffc"),
    QColor(LATE_COLOUR),
    QColor("#b26b00"),
    QColor("#00796b"),
)
_Index = QModelIndex | QPersistentModelIndex
_NO_INDEX: Final = QModelIndex()


# --- models -------------------------------------------------------------------


class ReportTableModel(QAbstractTableModel):
    """One report's rows and its total row (last), as a read-only table."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._report: Report | None = None

    def set_report(self, report: Report | None) -> None:
        """Show ``report`` (or nothing)."""
        self.beginResetModel()
        self._report = report
        self.endResetModel()

    @property
    def report(self) -> Report | None:
        """The report shown, if any."""
        return self._report

    def columns(self) -> list[str]:
        """Column titles, in order."""
        extra = list(self._report.extra_columns) if self._report else []
        return ["", *extra, "Shipments", "Units", "Cost", "Units without cost"]

    def rowCount(self, parent: _Index = _NO_INDEX) -> int:  # noqa: N802
        """Rows plus the total row; no children."""
        if parent.isValid() or self._report is None:
            return 0
        return len(self._report.rows) + 1

    def columnCount(self, parent: _Index = _NO_INDEX) -> int:  # noqa: N802
        """Label, the report's own columns, then the four figures."""
        return 0 if parent.isValid() else len(self.columns())

    def headerData(  # noqa: N802
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        """Column titles; row headers are not shown."""
        columns = self.columns()
        horizontal = orientation == Qt.Orientation.Horizontal
        if role == Qt.ItemDataRole.DisplayRole and horizontal:
            return columns[section] if 0 <= section < len(columns) else None
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Text, alignment, bold totals and the plain value of each cell."""
        if not index.isValid() or self._report is None:
            return None
        cells = self._cells(index.row())
        value = cells[index.column()] if index.column() < len(cells) else None
        if role == Qt.ItemDataRole.DisplayRole:
            return _text(value)
        if role == VALUE_ROLE:
            return float(value) if isinstance(value, Decimal) else value
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and self._is_total(index.row()):
            font = QFont()
            font.setBold(True)
            return font
        return None

    def bar_series(self) -> list[tuple[str, int]]:
        """``(label, units)`` of every row but the total (what the bar chart draws)."""
        if self._report is None:
            return []
        return [(row.label, row.units) for row in self._report.rows]

    def _is_total(self, row: int) -> bool:
        return self._report is not None and row == len(self._report.rows)

    def _cells(self, row: int) -> list[object]:
        assert self._report is not None
        line = self._report.total if self._is_total(row) else self._report.rows[row]
        extra = dict(line.extra)
        return [
            line.label,
            *(extra.get(column, "") for column in self._report.extra_columns),
            line.shipments,
            line.units,
            line.cost,
            line.units_without_cost,
        ]


class BurnDownModel(QAbstractTableModel):
    """Budget units left per day (rows) and campaign (columns)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._charts: list[BurnDown] = []
        self._days: list[date] = []
        self._left: list[dict[date, int]] = []

    def set_charts(self, charts: Sequence[BurnDown]) -> None:
        """Show these campaigns' burn-downs."""
        self.beginResetModel()
        self._charts = list(charts)
        self._left = [dict(chart.points) for chart in self._charts]
        self._days = sorted({day for left in self._left for day in left})
        self.endResetModel()

    def rowCount(self, parent: _Index = _NO_INDEX) -> int:  # noqa: N802
        """One row per day any campaign ran."""
        return 0 if parent.isValid() else len(self._days)

    def columnCount(self, parent: _Index = _NO_INDEX) -> int:  # noqa: N802
        """One column per campaign."""
        return 0 if parent.isValid() else len(self._charts)

    def headerData(  # noqa: N802
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        """Campaign names across, days down."""
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            ok = 0 <= section < len(self._charts)
            return self._charts[section].campaign if ok else None
        return (
            self._days[section].isoformat() if 0 <= section < len(self._days) else None
        )

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Units left that day, or nothing when the campaign did not run then."""
        if not index.isValid():
            return None
        left = self._left[index.column()].get(self._days[index.row()])
        if role == Qt.ItemDataRole.DisplayRole:
            return "" if left is None else str(left)
        if role == VALUE_ROLE:
            return left
        return None

    def lines(self) -> list[tuple[str, int, list[tuple[int, int]]]]:
        """``(campaign, budget, [(day index, units left)])`` for each campaign."""
        position = {day: number for number, day in enumerate(self._days)}
        return [
            (
                chart.campaign,
                chart.budget,
                [(position[day], left) for day, left in chart.points],
            )
            for chart in self._charts
        ]

    def day_labels(self) -> list[str]:
        """The days as ``MM-DD``."""
        return [day.strftime("%m-%d") for day in self._days]


# --- charts -------------------------------------------------------------------


class _Chart(QWidget):
    """Shared frame of the charts: title, plot area and a value axis."""

    _MARGINS = (56.0, 36.0, 36.0, 44.0)  # left, top, right, bottom

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._title = title
        self.setMinimumSize(360, 220)

    def _plot_area(self) -> QRectF:
        left, top, right, bottom = self._MARGINS
        return QRectF(
            left, top, self.width() - left - right, self.height() - top - bottom
        )

    def _begin(self, painter: QPainter) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("white"))
        font = painter.font()
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor("black"))
        painter.drawText(QRectF(12, 6, self.width() - 24, 24), self._title)
        font.setBold(False)
        painter.setFont(font)

    def _value_axis(self, painter: QPainter, area: QRectF, top_value: int) -> None:
        # Whole units only: 1, 2 or 5 steps up to 5, else five steps.
        steps = top_value if top_value <= 5 else 5
        for step in range(steps + 1):
            value = top_value * step / steps
            y = area.bottom() - area.height() * step / steps
            painter.setPen(QPen(_GRID_COLOUR, 1))
            painter.drawLine(QPointF(area.left(), y), QPointF(area.right(), y))
            painter.setPen(QColor(MUTED_COLOUR))
            label = QRectF(0, y - 9, area.left() - 8, 18)
            painter.drawText(
                label,
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                f"{value:g}",
            )

    def _empty(self, painter: QPainter, text: str) -> None:
        painter.setPen(QColor(MUTED_COLOUR))
        painter.drawText(self._plot_area(), int(Qt.AlignmentFlag.AlignCenter), text)


class BarChart(_Chart):
    """Units shipped per day, as bars, from a :class:`ReportTableModel`."""

    def __init__(self, model: ReportTableModel, parent: QWidget | None = None) -> None:
        super().__init__("Units shipped per day", parent)
        self._model = model
        model.modelReset.connect(self.update)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        """Draw the bars with their value above and their day below."""
        painter = QPainter(self)
        try:
            self._begin(painter)
            series = self._model.bar_series()
            if not series:
                self._empty(painter, "Nothing shipped in this period")
                return
            area = self._plot_area()
            top_value = _nice_ceiling(max(units for _, units in series))
            self._value_axis(painter, area, top_value)
            self._bars(painter, area, series, top_value)
        finally:
            painter.end()

    def _bars(
        self,
        painter: QPainter,
        area: QRectF,
        series: list[tuple[str, int]],
        top_value: int,
    ) -> None:
        slot = area.width() / len(series)
        width = max(2.0, slot * 0.7)
        for number, (label, units) in enumerate(series):
            height = area.height() * units / top_value
            x = area.left() + slot * number + (slot - width) / 2
            bar = QRectF(x, area.bottom() - height, width, height)
            painter.fillRect(bar, _BAR_COLOUR)
            painter.setPen(QColor("black"))
            centre = int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom)
            painter.drawText(
                QRectF(x - 10, bar.top() - 18, width + 20, 16), centre, str(units)
            )
            painter.setPen(QColor(MUTED_COLOUR))
            below = QRectF(x - 14, area.bottom() + 4, width + 28, 16)
            painter.drawText(
                below, int(Qt.AlignmentFlag.AlignHCenter), _short_day(label)
            )


class BurnDownChart(_Chart):
    """Budget left per campaign and day, as lines, from a :class:`BurnDownModel`."""

    def __init__(self, model: BurnDownModel, parent: QWidget | None = None) -> None:
        super().__init__("Campaign budget left", parent)
        self._model = model
        model.modelReset.connect(self.update)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        """Draw a line per campaign, a legend and the days below."""
        painter = QPainter(self)
        try:
            self._begin(painter)
            lines = self._model.lines()
            days = self._model.day_labels()
            if not lines or not days:
                self._empty(painter, "No campaign has been opened yet")
                return
            area = self._plot_area()
            top_value = _nice_ceiling(max(budget for _, budget, _ in lines))
            self._value_axis(painter, area, top_value)
            self._days(painter, area, days)
            for number, (name, _budget, points) in enumerate(lines):
                colour = _LINE_COLOURS[number % len(_LINE_COLOURS)]
                self._line(painter, area, points, len(days), top_value, colour)
                self._legend(painter, area, number, name, colour)
        finally:
            painter.end()

    def _x(self, area: QRectF, position: int, count: int) -> float:
        if count == 1:
            return area.center().x()
        return area.left() + area.width() * position / (count - 1)

    def _days(self, painter: QPainter, area: QRectF, days: list[str]) -> None:
        painter.setPen(QColor(MUTED_COLOUR))
        every = max(1, len(days) // 10)  # at most about ten labels
        for position in range(0, len(days), every):
            x = self._x(area, position, len(days))
            box = QRectF(x - 24, area.bottom() + 4, 48, 16)
            painter.drawText(box, int(Qt.AlignmentFlag.AlignHCenter), days[position])

    def _line(
        self,
        painter: QPainter,
        area: QRectF,
        points: list[tuple[int, int]],
        count: int,
        top_value: int,
        colour: QColor,
    ) -> None:
        drawn = [
            QPointF(
                self._x(area, position, count),
                area.bottom() - area.height() * left / top_value,
            )
            for position, left in points
        ]
        painter.setPen(QPen(colour, 2.5))
        for start, end in zip(drawn, drawn[1:], strict=False):
            painter.drawLine(start, end)
        painter.setBrush(colour)
        for point in drawn:
            painter.drawEllipse(point, 3.5, 3.5)
        painter.setBrush(Qt.BrushStyle.NoBrush)

    def _legend(
        self, painter: QPainter, area: QRectF, number: int, name: str, colour: QColor
    ) -> None:
        y = area.top() + 4 + number * 18
        painter.fillRect(QRectF(area.right() - 170, y + 4, 12, 8), colour)
        painter.setPen(QColor("black"))
        painter.drawText(QRectF(area.right() - 152, y, 150, 16), name)


def _nice_ceiling(value: int) -> int:
    """A round axis maximum at or above ``value`` (1, 2, 5 times a power of ten)."""
    value = max(value, 1)
    magnitude = 1
    while magnitude * 10 <= value:
        magnitude *= 10
    for factor in (1, 2, 5, 10):
        if factor * magnitude >= value:
            return factor * magnitude
    return 10 * magnitude


def _short_day(label: str) -> str:
    """``2026-12-01`` as ``12-01``; other labels as they are."""
    return label[5:] if len(label) == 10 and label[4] == "-" else label


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)


# --- the view -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReportsData:
    """Everything the reports view shows, loaded in one background call."""

    daily: Report
    campaigns: Report
    creators: Report
    burn_downs: tuple[BurnDown, ...]
    #: What a supervisor must look at now (over budget first).
    warnings: tuple[CampaignWarning, ...] = ()
    campaigns_list: tuple[CampaignView, ...] = ()


def load_reports(service: CampaignService) -> ReportsData:
    """Read every report (runs off the GUI thread)."""
    units = service.shipped_units()
    views = service.campaigns()
    return ReportsData(
        daily=service.report("daily", units=units),
        campaigns=service.report("campaigns", units=units, views=views),
        creators=service.report("creators", units=units),
        burn_downs=tuple(service.burn_downs(units=units, views=views)),
        warnings=tuple(service.warnings(views=views)),
        campaigns_list=tuple(views),
    )


class ReportsView(QWidget):
    """Per day (bars), campaigns (burn-down) and creators, each with its table."""

    loaded = Signal()
    """Emitted on the GUI thread once fresh figures are shown."""

    exported = Signal(str)
    """Emitted with the file's path after a report was written as CSV."""

    failed = Signal(str)
    """Emitted with a plain message when loading or exporting failed."""

    def __init__(self, service: CampaignService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.setWindowTitle("Reports")
        self.daily_model = ReportTableModel(self)
        self.campaign_model = ReportTableModel(self)
        self.creator_model = ReportTableModel(self)
        self.burn_model = BurnDownModel(self)
        self.bar_chart = BarChart(self.daily_model)
        self.burn_chart = BurnDownChart(self.burn_model)
        self.tabs = QTabWidget()
        self.tabs.addTab(_pane(self.bar_chart, self.daily_model), "Per &day")
        self._note = ""
        self.campaign_panel = CampaignPanel(service)
        self.campaign_panel.acted.connect(self._on_campaign_acted)
        campaigns = QWidget()
        campaign_layout = QVBoxLayout(campaigns)
        campaign_layout.addWidget(self.campaign_panel)
        campaign_layout.addWidget(_pane(self.burn_chart, self.campaign_model), 1)
        self.tabs.addTab(campaigns, "&Campaigns")
        self.tabs.addTab(_pane(None, self.creator_model), "C&reators")
        self.warnings = QListWidget()
        self.warnings.setMaximumHeight(120)
        self.warnings.setVisible(False)
        self.status = QLabel("")
        self.export_button = QPushButton("&Export CSV…")
        self.export_button.clicked.connect(self.choose_export)
        refresh = QPushButton("Re&fresh")
        refresh.clicked.connect(self.refresh)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(refresh)
        buttons.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.warnings)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(buttons)
        self.resize(1000, 700)

    def refresh(self) -> None:
        """Load the figures again in the background."""
        self.status.setText("Loading…")
        service = self.service
        tasks.run_in_background(
            lambda: load_reports(service), self._on_loaded, self._on_failed
        )

    def current_model(self) -> ReportTableModel:
        """The table model of the tab shown."""
        models = (self.daily_model, self.campaign_model, self.creator_model)
        return models[max(self.tabs.currentIndex(), 0)]

    def choose_export(self) -> None:
        """Ask where to save the shown report as CSV, then write it."""
        report = self.current_model().report
        if report is None:
            return
        path, _ = QFileDialog.getSaveFileName(
            self, "Export report", f"{report.name}.csv", "CSV files (*.csv)"
        )
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        """Write the shown report to ``path`` as CSV, in the background."""
        report = self.current_model().report
        if report is None:
            return
        service = self.service

        def work() -> Path:
            with path.open("w", encoding="utf-8", newline="") as handle:
                service.export_csv(report, handle)
            return path

        tasks.run_in_background(work, self._on_exported, self._on_failed)

    def _on_loaded(self, data: ReportsData) -> None:
        self.daily_model.set_report(data.daily)
        self.campaign_model.set_report(data.campaigns)
        self.creator_model.set_report(data.creators)
        self.burn_model.set_charts(data.burn_downs)
        self._show_warnings(data.warnings)
        self.campaign_panel.set_campaigns(data.campaigns_list)
        self.status.setText(
            self._note
            or f"{data.daily.total.units} units shipped, "
            f"{data.daily.total.cost:.2f} in known cost"
        )
        self._note = ""
        self.loaded.emit()

    def _on_campaign_acted(self, message: str) -> None:
        # Shown once the figures reloaded, so the reload does not hide it.
        self._note = message
        self.refresh()

    def _show_warnings(self, warnings: Sequence[CampaignWarning]) -> None:
        self.warnings.clear()
        for warning in warnings:
            item = QListWidgetItem(warning.message)
            urgent = warning.kind is WarningKind.OVER_BUDGET
            item.setForeground(QColor(LATE_COLOUR if urgent else WARNING_COLOUR))
            self.warnings.addItem(item)
        self.warnings.setVisible(bool(warnings))

    def _on_exported(self, path: Path) -> None:
        self.status.setText(f"Saved {path.name}")
        self.exported.emit(str(path))

    def _on_failed(self, error: BaseException) -> None:
        logger.warning("Reports failed", exc_info=error)
        message = f"The reports could not be made: {error}"
        self.status.setText(message)
        self.failed.emit(message)


def _pane(chart: QWidget | None, model: ReportTableModel) -> QWidget:
    table = QTableView()
    table.setModel(model)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setStretchLastSection(True)
    if chart is None:
        return table
    splitter = QSplitter(Qt.Orientation.Vertical)
    splitter.addWidget(chart)
    splitter.addWidget(table)
    splitter.setStretchFactor(0, 3)
    splitter.setStretchFactor(1, 2)
    return splitter


# --- running campaigns ----------------------------------------------------------


class CampaignPanel(QWidget):
    """Create a campaign, link a giveaway product id, open and close campaigns.

    Every action runs in the background on the service; ``acted`` then fires
    and the view reloads its figures. Refusals are shown in plain words.
    """

    acted = Signal(str)
    """Emitted on the GUI thread with what was done (or why it was refused)."""

    def __init__(self, service: CampaignService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.name = QLineEdit()
        self.name.setPlaceholderText("Campaign name")
        self.sku = QLineEdit()
        self.sku.setPlaceholderText("Real SKU")
        self.budget = QSpinBox()
        self.budget.setRange(1, MAX_BUDGET)
        self.budget.setValue(20)
        self.budget.setSuffix(" units")
        self.products = QLineEdit()
        self.products.setPlaceholderText("TikTok giveaway product ids")
        self.create_button = QPushButton("Create ca&mpaign")
        self.chosen = QComboBox()
        self.open_button = QPushButton("&Open (set units aside)")
        self.close_button = QPushButton("C&lose (give back the rest)")
        self.ended_button = QPushButton("LIVE e&nded")
        self.link_button = QPushButton("Lin&k product ids")
        self._build()
        self.create_button.clicked.connect(self._on_create_clicked)
        self.open_button.clicked.connect(lambda: self._act_on_chosen("open"))
        self.close_button.clicked.connect(lambda: self._act_on_chosen("close"))
        self.ended_button.clicked.connect(lambda: self._act_on_chosen("end"))
        self.link_button.clicked.connect(lambda: self._act_on_chosen("link"))

    def _build(self) -> None:
        new = QHBoxLayout()
        for widget in (self.name, self.sku, self.budget, self.products):
            new.addWidget(widget)
        new.addWidget(self.create_button)
        chosen = QHBoxLayout()
        chosen.addWidget(QLabel("Campaign:"))
        chosen.addWidget(self.chosen, 1)
        for button in (
            self.link_button,
            self.open_button,
            self.ended_button,
            self.close_button,
        ):
            chosen.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(new)
        layout.addLayout(chosen)

    def set_campaigns(self, views: Sequence[CampaignView]) -> None:
        """List the campaigns to act on, keeping the one chosen."""
        current = self.chosen.currentText()
        self.chosen.clear()
        for view in views:
            self.chosen.addItem(view.name)
        found = self.chosen.findText(current)
        self.chosen.setCurrentIndex(max(found, 0))

    def _product_ids(self) -> list[str]:
        return [part for part in self.products.text().replace(",", " ").split() if part]

    def _on_create_clicked(self) -> None:
        # Read the form here, on the GUI thread; the work gets plain values.
        name, sku = self.name.text(), self.sku.text().strip()
        budget, products = self.budget.value(), self._product_ids()
        service = self.service

        def work() -> str:
            view = service.create(name, sku, budget, product_ids=products)
            return f"Campaign {view.name} created: {view.budget} x {view.sku}."

        self._run(work)

    def _act_on_chosen(self, verb: str) -> None:
        name, products = self.chosen.currentText(), self._product_ids()
        if not name:
            self.acted.emit("Create a campaign first.")
            return
        service = self.service

        def work() -> str:
            if verb == "open":
                view = service.open(name)
                return f"Campaign {name} opened: {view.budget} units set aside."
            if verb == "close":
                view = service.close(name)
                return f"Campaign {name} closed; unused units go back."
            if verb == "end":
                service.end_live(name)
                return f"LIVE of {name} marked as ended."
            for product_id in products:
                service.link_product(name, product_id)
            return f"{len(products)} product id(s) linked to {name}."

        self._run(work)

    def _run(self, work: Callable[[], str]) -> None:
        tasks.run_in_background(work, self.acted.emit, self._on_refused)

    def _on_refused(self, error: BaseException) -> None:
        if not isinstance(error, CampaignError):
            raise error
        self.acted.emit(str(error))


# --- installing into the main window ------------------------------------------


@dataclass
class ReportsInstall:
    """The actions added to the main window, and the view once opened."""

    service: CampaignService
    open_action: QAction
    export_action: QAction
    view: ReportsView | None = field(default=None)


def install_reports_view(
    window: QMainWindow,
    *,
    service_factory: Callable[[Any], CampaignService] | None = None,
) -> ReportsInstall:
    """Add a Reports menu (open with Ctrl+Shift+R, export CSV) to the main window.

    ``window`` is the main window; it has ``bench``.
    """
    bench = getattr(window, "bench")  # noqa: B009 - any window with a bench
    service = (service_factory or CampaignService)(bench)
    install = ReportsInstall(
        service=service,
        open_action=_action(window, "&Reports…", "Ctrl+Shift+R"),
        export_action=_action(window, "&Export report CSV…", ""),
    )
    install.open_action.triggered.connect(lambda: open_reports(window, install))
    install.export_action.triggered.connect(
        lambda: open_reports(window, install).choose_export()
    )
    menu = window.menuBar().addMenu("Re&ports")
    menu.addAction(install.open_action)
    menu.addAction(install.export_action)
    return install


def open_reports(window: QMainWindow, install: ReportsInstall) -> ReportsView:
    """Show (creating once) the reports view and load fresh figures."""
    if install.view is None:
        install.view = ReportsView(install.service, parent=window)
        install.view.setWindowFlag(Qt.WindowType.Window, True)
    install.view.refresh()
    install.view.show()
    install.view.raise_()
    return install.view


def _action(window: QMainWindow, text: str, keys: str) -> QAction:
    action = QAction(text, window)
    if keys:
        action.setShortcut(QKeySequence(keys))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    window.addAction(action)
    return action
