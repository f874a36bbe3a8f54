"""Creator samples in the real windows, offscreen, on the demo store."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from app.net.tiktok.affiliate import AffiliateClient
from app.services.bench import Bench
from app.services.samples import SamplesService, ensure_demo_samples
from app.services.samples_csv import SampleField
from app.sim.demo_samples import build_demo_samples
from app.sim.demo_store import DemoStore
from app.sim.tiktok.affiliate import AffiliateSim, install_affiliate
from app.ui.main_window import MainWindow
from app.ui.samples_view import (
    COLUMNS,
    ColumnMappingDialog,
    ReviewDialog,
    SamplesInstall,
    install_samples_view,
    open_samples_window,
)
from tests.ui.conftest import DEMO_NOW, save_screenshot
from tests.utils.tiktok_sim import authorized_store, connect, make_sim


@pytest.fixture
def affiliate(demo_store: DemoStore) -> tuple[AffiliateClient, AffiliateSim]:
    """The demo store's sample requests, served by the simulated affiliate API."""
    sim = make_sim()
    served = install_affiliate(sim)
    for application in build_demo_samples(demo_store, DEMO_NOW):
        served.add_application(
            application.record,
            address=application.address,
            seller_sku=application.seller_sku,
        )
    return AffiliateClient(connect(sim, authorized_store(sim))), served


@pytest.fixture
def window(qtbot, demo_bench: Bench, demo_store: DemoStore) -> tuple[MainWindow, Bench]:
    ensure_demo_samples(demo_bench, demo_store, DEMO_NOW)
    window = MainWindow(demo_bench, clock=lambda: DEMO_NOW)
    qtbot.addWidget(window)
    window.show()
    return window, demo_bench


def settle() -> None:
    QApplication.sendPostedEvents()
    QApplication.processEvents()


def page_cells(install: SamplesInstall) -> list[dict[str, str]]:
    assert install.window is not None
    model = install.window.page.proxy
    return [
        {
            COLUMNS[column]: model.index(row, column).data() or ""
            for column in range(len(COLUMNS))
        }
        for row in range(model.rowCount())
    ]


def test_the_queue_shows_samples_with_creators_and_deadlines_linked_to_orders(
    qtbot,
    window: tuple[MainWindow, Bench],
    affiliate: tuple[AffiliateClient, AffiliateSim],
    tmp_path: Path,
) -> None:
    main, bench = window
    client, _served = affiliate
    install = install_samples_view(main, reviewer=client)

    # A sample order in the main queue: the panel names the creator and links
    # the order to its request.
    sample = next(
        row
        for row in SamplesService(bench).rows()
        if row.order_id and row.shipment_state and row.is_open
    )
    qtbot.keyClicks(main.search, sample.order_id)
    qtbot.waitUntil(lambda: main.selected_shipment_id() == sample.shipment_id)
    settle()
    panel = install.dock.label.text()
    assert f"@{sample.creator_handle}" in panel
    assert f"Application {sample.application_id} → sample order {sample.order_id}" in (
        panel.replace("&gt;", ">")
    )
    assert "Ship by" in panel
    shot = save_screenshot(main, "samples-main-window", tmp_path)
    shutil.copy(shot, "/tmp/samples-main-window.png")

    # The samples page lists requests of every kind, each with its creator and
    # the deadline that matters now (approve-by while pending, else ship-by).
    main.search.clear()
    install.open_action.trigger()
    assert install.window is not None and install.window.isVisible()
    page = install.window.page
    assert page.selected_application_id() == sample.application_id
    cells = page_cells(install)
    statuses = {c["Status"] for c in cells}
    assert {"Waiting for approval", "Approved, to ship", "Shipped"} <= statuses
    assert all(c["Creator"].startswith("@") for c in cells)
    pending = [c for c in cells if c["Status"] == "Waiting for approval"]
    assert pending and all(c["Deadline"].startswith("approve · ") for c in pending)
    to_ship = [c for c in cells if c["Status"] == "Approved, to ship"]
    assert all(c["Deadline"].startswith("ship · ") for c in to_ship)
    assert any(c["Sample order"] == "entered by hand" for c in to_ship)
    assert sample.order_id in page.detail.text()

    shot = save_screenshot(install.window, "samples-page", tmp_path)
    shutil.copy(shot, "/tmp/samples-page.png")


def test_a_supervisor_approves_a_pending_request(
    qtbot,
    window: tuple[MainWindow, Bench],
    affiliate: tuple[AffiliateClient, AffiliateSim],
) -> None:
    main, _bench = window
    client, served = affiliate
    install = install_samples_view(main, reviewer=client)
    page = open_samples_window(main, install).page
    pending = next(row for row in install.service.rows() if row.status == "PENDING")
    assert pending.application_id is not None
    assert page.select_application(pending.application_id)
    assert page.review_button.isEnabled()

    page.open_review_dialog()
    dialog = page.active_dialog
    assert isinstance(dialog, ReviewDialog)
    assert not dialog.buttons.buttons()[0].isEnabled(), "a supervisor must sign"
    qtbot.keyClicks(dialog.supervisor, "Sam Supervisor")
    with qtbot.waitSignal(page.changed, timeout=10_000) as done:
        dialog.accept()

    assert "approved" in done.args[0]
    assert served.applications[pending.application_id]["status"] == (
        "AWAITING_SHIPMENT"
    )
    assert install.service.detail(pending.application_id).row.status == (
        "AWAITING_SHIPMENT"
    )


def test_import_asks_for_columns_and_export_writes_safe_cells(
    qtbot, window: tuple[MainWindow, Bench], tmp_path: Path
) -> None:
    main, bench = window
    install = install_samples_view(main)
    page = open_samples_window(main, install).page
    assert not page.review_button.isEnabled(), "no TikTok connection here"
    sheet = tmp_path / "sheet.csv"
    sheet.write_bytes(
        "\ufeffReq;Who;Item;SKU;Name;Street;Postcode\r\n"
        "7450000000000000991;@lena;Glow Serum;GS-30;=Lena;1 Demo St;02134\r\n"
        "7450000000000000992;;Glow Serum;GS-30;Bo;2 Demo St;02135\r\n".encode()
    )

    page.start_import(sheet)
    dialog = page.active_dialog
    assert isinstance(dialog, ColumnMappingDialog)
    ok = dialog.buttons.buttons()[0]
    assert not ok.isEnabled(), "application id and creator are not guessed"
    dialog.choose(SampleField.APPLICATION_ID, "Req")
    dialog.choose(SampleField.CREATOR_HANDLE, "Who")
    dialog.choose(SampleField.CREATOR_NICKNAME, "Name")
    dialog.choose(SampleField.RECIPIENT_NAME, "Name")
    dialog.choose(SampleField.ADDRESS, "Street")
    assert ok.isEnabled()
    assert dialog.mapping()[SampleField.POSTAL_CODE] == 6, "guessed from 'Postcode'"
    with qtbot.waitSignal(page.changed, timeout=10_000) as done:
        dialog.accept()
    assert "1 sample rows imported" in done.args[0]
    assert "line 3" in done.args[0]

    detail = install.service.detail("7450000000000000991")
    assert detail.postal_code == "02134"
    assert detail.row.shipment_id is not None
    bench.fulfil(detail.row.shipment_id, "1Z999AA10123456784", "UPS")

    out = tmp_path / "tracking.csv"
    with qtbot.waitSignal(page.changed, timeout=5000):
        page.export_to(out)
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    [row] = [r for r in rows if r["Application ID"] == "7450000000000000991"]
    assert row["Creator name"] == "'=Lena"
    assert row["Tracking number"] == "1Z999AA10123456784"


def test_the_demo_store_gets_its_sample_requests_when_the_view_is_installed(
    qtbot, demo_bench: Bench
) -> None:
    window = MainWindow(demo_bench, clock=lambda: DEMO_NOW)
    qtbot.addWidget(window)
    service = SamplesService(demo_bench)
    assert not any(row.application_id for row in service.rows())

    install_samples_view(window)

    qtbot.waitUntil(
        lambda: any(row.status == "PENDING" for row in service.rows()), timeout=10_000
    )
