"""The reports view in the real main window: charts, tables and CSV, offscreen."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from sqlmodel import Session, select

from app.domain.carriers import ups_check_digit
from app.services.bench import Bench
from app.services.campaigns import CampaignService
from app.services.dto import CatalogItem
from app.storage.models import Fulfilment
from app.storage.settings import Settings, save_settings
from app.ui import tasks
from app.ui.main_window import MainWindow
from app.ui.reports_view import (
    VALUE_ROLE,
    BarChart,
    BurnDownModel,
    ReportsView,
    ReportTableModel,
    install_reports_view,
)
from tests.ui.conftest import save_screenshot
from tests.utils.bench_orders import giveaway, open_bench, sample

PRODUCT = "1729000000000000321"
OPENED = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
#: Units shipped per day in the test data (day, giveaways, samples).
SHIPPED = [
    (date(2026, 12, 1), 3, 1),
    (date(2026, 12, 2), 1, 0),
    (date(2026, 12, 3), 2, 2),
]


def ups(number: int) -> str:
    body = f"999AA10{number:08d}"
    return f"1Z{body}{ups_check_digit(body)}"


@pytest.fixture
def bench(qapp, tmp_path: Path) -> Iterator[Bench]:
    bench = open_bench(tmp_path / "data")
    bench.upsert_catalog([CatalogItem(sku="GS-30", title="Serum", unit_cost="4.00")])
    giveaways = sum(g for _, g, _ in SHIPPED)
    samples = sum(s for _, _, s in SHIPPED)
    orders = [
        giveaway(PRODUCT, "1729000000000000322", order_id=f"G{n}")
        for n in range(giveaways)
    ]
    orders += [sample(order_id=f"S{n}") for n in range(samples)]
    bench.import_orders(orders, "test")
    service = CampaignService(bench, clock=lambda: OPENED)
    service.create("Friday LIVE", "GS-30", 10, location_id="loc", product_ids=[PRODUCT])
    service.open("Friday LIVE")
    g = iter(o["id"] for o in orders if o["id"].startswith("G"))
    s = iter(o["id"] for o in orders if o["id"].startswith("S"))
    number = 0
    for day, giveaway_count, sample_count in SHIPPED:
        for order_id in [next(g) for _ in range(giveaway_count)] + [
            next(s) for _ in range(sample_count)
        ]:
            shipment_id = bench.find_shipment(order_id)
            bench.fulfil(shipment_id, ups(number), "UPS")
            number += 1
            _ship_on(bench, shipment_id, day)
    yield bench
    tasks.wait_for_all()
    bench.close()


def _ship_on(bench: Bench, shipment_id: int, day: date) -> None:
    with Session(bench.engine) as session:
        row = session.exec(
            select(Fulfilment).where(Fulfilment.shipment_id == shipment_id)
        ).one()
        row.created_at = datetime(day.year, day.month, day.day, 14, tzinfo=UTC)
        session.add(row)
        session.commit()


def open_reports(qtbot, bench: Bench) -> tuple[MainWindow, ReportsView]:
    window = MainWindow(bench)
    qtbot.addWidget(window)
    install = install_reports_view(
        window,
        service_factory=lambda b: CampaignService(
            b, clock=lambda: datetime(2026, 12, 4, 12, tzinfo=UTC)
        ),
    )
    window.show()
    assert "Re&ports" in [a.text() for a in window.menuBar().actions()]
    assert install.open_action.shortcut().toString() == "Ctrl+Shift+R"
    install.open_action.trigger()
    view = install.view
    assert view is not None
    with qtbot.waitSignal(view.loaded, timeout=5000):
        pass
    return window, view


def test_the_bar_chart_model_holds_the_units_shipped_each_day(
    qtbot, bench: Bench
) -> None:
    _, view = open_reports(qtbot, bench)

    series = view.daily_model.bar_series()

    assert series == [(d.isoformat(), g + s) for d, g, s in SHIPPED]
    total_row = view.daily_model.rowCount() - 1
    units_column = view.daily_model.columns().index("Units")
    index = view.daily_model.index(total_row, units_column)
    assert view.daily_model.data(index, VALUE_ROLE) == 9
    cost = view.daily_model.index(total_row, units_column + 1)
    # Giveaways are the serum at 4.00; the sample candles have no cost.
    assert view.daily_model.data(cost) == "24.00"


def test_the_burn_down_model_counts_the_budget_down(qtbot, bench: Bench) -> None:
    _, view = open_reports(qtbot, bench)

    [(name, budget, points)] = view.burn_model.lines()

    assert (name, budget) == ("Friday LIVE", 10)
    # Opened on 30 Nov: 10 left, then 3, 1 and 2 giveaways shipped; 4 Dec is today.
    assert [left for _, left in points] == [10, 7, 6, 4, 4]
    assert view.burn_model.rowCount() == 5
    assert view.burn_model.headerData(0, Qt.Orientation.Horizontal) == "Friday LIVE"


def test_every_custom_model_passes_the_model_tester(
    qtbot, qtmodeltester, bench: Bench
) -> None:
    _, view = open_reports(qtbot, bench)

    for model in (view.daily_model, view.campaign_model, view.creator_model):
        qtmodeltester.check(model)
    qtmodeltester.check(view.burn_model)
    qtmodeltester.check(ReportTableModel())
    qtmodeltester.check(BurnDownModel())


def test_the_charts_render_offscreen(qtbot, bench: Bench, tmp_path: Path) -> None:
    _, view = open_reports(qtbot, bench)
    view.resize(900, 700)

    bars = save_screenshot(view.bar_chart, "reports-bar-chart", tmp_path)
    view.tabs.setCurrentIndex(1)
    lines = save_screenshot(view.burn_chart, "reports-burn-down", tmp_path)

    assert _colour_count(bars, QColor("#2f5d9e")) > 500  # the bars are drawn
    assert _colour_count(lines, QColor("#2f5d9e")) > 50  # so is the line


def test_an_empty_period_draws_a_message_not_a_crash(qtbot, tmp_path: Path) -> None:
    model = ReportTableModel()
    chart = BarChart(model)
    qtbot.addWidget(chart)
    chart.resize(400, 240)

    path = save_screenshot(chart, "reports-empty", tmp_path)

    assert _colour_count(path, QColor("#2f5d9e")) == 0


def test_export_writes_the_shown_report_as_csv(
    qtbot, bench: Bench, tmp_path: Path
) -> None:
    _, view = open_reports(qtbot, bench)
    view.tabs.setCurrentIndex(1)
    target = tmp_path / "campaigns.csv"

    with qtbot.waitSignal(view.exported, timeout=5000):
        view.export_to(target)

    rows = list(csv.reader(target.open(encoding="utf-8", newline="")))
    assert rows[1][:1] == ["Friday LIVE"]
    assert rows[1][4:7] == ["6", "6", "24.00"]


def test_a_winner_beyond_the_budget_is_listed_for_the_supervisor(
    qtbot, bench: Bench
) -> None:
    extra = [
        giveaway(PRODUCT, "1729000000000000322", order_id=f"X{n}") for n in range(5)
    ]
    bench.import_orders(extra, "test")

    _, view = open_reports(qtbot, bench)

    texts = [view.warnings.item(row).text() for row in range(view.warnings.count())]
    assert view.warnings.isVisibleTo(view)
    # 6 shipped plus 5 new winners against a budget of 10: the last one is over.
    assert any(
        "X4" in text and "beyond the campaign's budget" in text for text in texts
    )
    assert not any("X3" in text for text in texts if "budget" in text)


def test_a_supervisor_creates_links_and_opens_a_campaign_from_the_view(
    qtbot, bench: Bench
) -> None:
    bench.import_orders([giveaway("1729000000000000444", "1", order_id="N1")], "test")
    _, view = open_reports(qtbot, bench)
    view.tabs.setCurrentIndex(1)
    panel = view.campaign_panel
    qtbot.keyClicks(panel.name, "Sunday LIVE")
    qtbot.keyClicks(panel.sku, "GS-30")
    panel.budget.setValue(4)
    qtbot.keyClicks(panel.products, "1729000000000000444")

    with qtbot.waitSignal(view.loaded, timeout=5000):
        qtbot.mouseClick(panel.create_button, Qt.MouseButton.LeftButton)

    assert "Sunday LIVE created" in view.status.text()
    labels = [
        view.campaign_model.index(r, 0).data()
        for r in range(view.campaign_model.rowCount())
    ]
    assert "Sunday LIVE" in labels
    panel.chosen.setCurrentIndex(panel.chosen.findText("Sunday LIVE"))
    with qtbot.waitSignal(view.loaded, timeout=5000):
        qtbot.mouseClick(panel.open_button, Qt.MouseButton.LeftButton)
    assert "Choose the Shopify location" in view.status.text()
    # The station's warehouse, as chosen in Settings > Shopify.
    save_settings(Settings(shopify_location_id="gid://shopify/Location/1"))
    with qtbot.waitSignal(view.loaded, timeout=5000):
        qtbot.mouseClick(panel.open_button, Qt.MouseButton.LeftButton)

    state = view.service.campaign("Sunday LIVE")
    assert state.state == "open" and state.winners == 1
    assert "4 units set aside" in view.status.text()


def test_a_refused_campaign_action_says_why(qtbot, bench: Bench) -> None:
    _, view = open_reports(qtbot, bench)
    panel = view.campaign_panel
    qtbot.keyClicks(panel.name, "Bad")
    qtbot.keyClicks(panel.sku, "NO-SUCH-SKU")

    with qtbot.waitSignal(view.loaded, timeout=5000):
        panel.create_button.click()

    assert "not in the catalog" in view.status.text()


def _colour_count(path: Path, colour: QColor) -> int:
    image = QImage(str(path))
    wanted = colour.rgb()
    return sum(
        1
        for y in range(0, image.height(), 2)
        for x in range(0, image.width(), 2)
        if image.pixel(x, y) == wanted
    )


def test_the_whole_view_shows_warnings_chart_and_table(
    qtbot, bench: Bench, tmp_path: Path
) -> None:
    bench.import_orders(
        [giveaway(PRODUCT, "1729000000000000322", order_id=f"X{n}") for n in range(5)],
        "test",
    )
    _, view = open_reports(qtbot, bench)
    view.resize(1000, 760)
    view.tabs.setCurrentIndex(1)

    path = save_screenshot(view, "reports-view", tmp_path)

    assert _colour_count(path, QColor("#2f5d9e")) > 50
