"""The canary test: secrets typed into the app end up in the keyring and nowhere else.

A full session runs on a demo bench: the main window opens, an order is matched
and fulfilled, the supervisor connects TikTok Shop and Shopify through the
wizard (from the Stores menu, against both simulators over loopback), and
everything closes. Then every byte of every file under the data, config and
log folders, and Qt's settings file, is searched for each secret: the app
secret, the Shopify client secret, and the tokens the simulators issued.

The test also checks that the canaries did reach the (test) keyring and that
the files it searched exist, so it cannot pass by searching nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QSettings, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QWizard

from app.services.bench import Bench, Identity
from app.services.demo import ensure_demo_store
from app.services.logging_setup import LOG_FILE, configure_logging
from app.sim.demo_store import build_demo_store
from app.sim.tiktok import SimServer
from app.ui import tasks
from app.ui.application import create_application
from app.ui.fulfil_dialog import FulfilDialog
from app.ui.main_window import MainWindow
from app.ui.match_dialog import MatchDialog
from app.ui.setup_wizard import SetupWizard, install_setup_wizard
from tests.ui.conftest import DEMO_NOW, busiest_open_giveaway
from tests.utils.memory_keyring import MemoryKeyring
from tests.utils.shopify_sim import CANARY_CLIENT_ID, CANARY_CLIENT_SECRET
from tests.utils.shopify_sim import make_shop as make_shopify
from tests.utils.tiktok_sim import CANARY_APP_KEY, CANARY_SECRET, make_sim

WAIT_MS = 15_000
UPS = "1Z999AA10123456784"
CONSENT_URL = "https://consent.sim.invalid/open/authorize"
SHOP_DOMAIN = "giveaway-test.myshopify.com"
KEYRING_SERVICE = "GiveawayDesk/default"


class BrowserStandIn(QObject):
    """Takes the URLs QDesktopServices would hand to the web browser."""

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        """Remember ``url`` instead of starting a browser."""
        self.opened.append(url.toString())


@pytest.fixture
def qt_settings_folder(tmp_path: Path) -> Iterator[Path]:
    """QSettings written as an INI file inside the test's own folder."""
    folder = tmp_path / "qsettings"
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
        QSettings.setPath(QSettings.Format.IniFormat, scope, str(folder))
    yield folder
    QSettings.setDefaultFormat(QSettings.Format.NativeFormat)


@pytest.fixture
def app_log(isolated_folders: Path) -> Iterator[Path]:
    """The app's own log file, as the desktop app configures it, at DEBUG."""
    root = logging.getLogger()
    level = root.level
    path = configure_logging(
        isolated_folders / "logs", console=False, level=logging.DEBUG
    )
    # Stricter than the app: support staff may turn the HTTP libraries up too.
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    yield path
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)
    for handler in list(root.handlers):
        if getattr(handler, "_giveaway_desk", False):
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


def every_file(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file())


def leaks(folders: list[Path], canaries: dict[str, str]) -> list[str]:
    """Each (canary, file) where a canary's bytes appear, in UTF-8 or UTF-16."""
    found = []
    for folder in folders:
        for path in every_file(folder):
            data = path.read_bytes()
            for name, value in canaries.items():
                forms = (value.encode(), value.encode("utf-16-le"))
                if any(form in data for form in forms):
                    found.append(f"{name} in {path}")
    return found


def match_and_fulfil(qtbot, window: MainWindow) -> None:
    """A clerk's turn: find a giveaway order, match it, fulfil it with UPS."""
    store = build_demo_store(now=DEMO_NOW)
    _listing, order_ids = busiest_open_giveaway(store)
    window.search.clear()
    qtbot.keyClicks(window.search, order_ids[0])
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=WAIT_MS)
    window.open_match_dialog()
    assert isinstance(window.active_dialog, MatchDialog)
    with qtbot.waitSignal(window.saved, timeout=WAIT_MS):
        qtbot.keyClick(window.active_dialog.filter, Qt.Key.Key_Return)
    window.search.clear()
    qtbot.keyClicks(window.search, order_ids[0])
    qtbot.waitUntil(lambda: window.fulfil_button.isEnabled(), timeout=WAIT_MS)
    window.open_fulfil_dialog()
    form = window.active_dialog
    assert isinstance(form, FulfilDialog)
    qtbot.keyClicks(form.tracking, UPS)
    with qtbot.waitSignal(window.saved, timeout=WAIT_MS):
        qtbot.keyClick(form.tracking, Qt.Key.Key_Return)


def wait_for(qtbot, page, text: str) -> None:
    qtbot.waitUntil(lambda: text in page.message.text(), timeout=WAIT_MS)


def next_page(qtbot, wizard: SetupWizard) -> None:
    before = wizard.currentId()
    wizard.button(QWizard.WizardButton.NextButton).click()
    qtbot.waitUntil(lambda: wizard.currentId() != before, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not wizard.currentPage().busy, timeout=WAIT_MS)


def connect_both_stores(qtbot, wizard: SetupWizard, browser: BrowserStandIn, sim):
    """Run the wizard through, typing the canary secrets."""
    qtbot.waitUntil(wizard.keyring_page.isComplete, timeout=WAIT_MS)
    next_page(qtbot, wizard)

    tiktok = wizard.tiktok_page
    qtbot.keyClicks(tiktok.app_key, CANARY_APP_KEY)
    qtbot.keyClicks(tiktok.app_secret, CANARY_SECRET)
    qtbot.keyClicks(tiktok.service_id, "7123456789")
    tiktok.open_button.click()
    qtbot.waitUntil(lambda: bool(browser.opened), timeout=WAIT_MS)
    state = QUrl(browser.opened[-1]).query().split("state=")[1]
    code = sim.issue_auth_code()
    qtbot.keyClicks(
        tiktok.pasted, f"https://seller.example/cb?code={code}&state={state}"
    )
    qtbot.keyClick(tiktok.pasted, Qt.Key.Key_Return)
    wait_for(qtbot, tiktok, "Connected to TikTok Shop")
    next_page(qtbot, wizard)

    shopify = wizard.shopify_page
    qtbot.keyClicks(shopify.domain, SHOP_DOMAIN)
    qtbot.keyClicks(shopify.client_id, CANARY_CLIENT_ID)
    qtbot.keyClicks(shopify.client_secret, CANARY_CLIENT_SECRET)
    qtbot.keyClick(shopify.client_secret, Qt.Key.Key_Return)
    wait_for(qtbot, shopify, "Connected to Shopify")
    shopify.test_button.click()
    wait_for(qtbot, shopify, "Shopify answered")
    next_page(qtbot, wizard)
    next_page(qtbot, wizard)
    qtbot.waitUntil(lambda: "Demo Candle Co" in wizard.summary_page.summary.text())
    wizard.button(QWizard.WizardButton.FinishButton).click()
    return code


def test_no_secret_reaches_any_file_after_a_full_session(
    qtbot,
    isolated_folders: Path,
    qt_settings_folder: Path,
    app_log: Path,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    create_application()
    sim = make_sim()
    shop = make_shopify()
    browser = BrowserStandIn()
    QDesktopServices.setUrlHandler("https", browser, "open")
    tiktok_server = SimServer(sim)
    tiktok_url = tiktok_server.start()
    shopify_server = shop.sim.serve()
    for variable, value in (
        ("GIVEAWAY_DESK_TIKTOK_API_URL", tiktok_url),
        ("GIVEAWAY_DESK_TIKTOK_AUTH_URL", tiktok_url),
        ("GIVEAWAY_DESK_TIKTOK_CONSENT_URL", CONSENT_URL),
        ("GIVEAWAY_DESK_SHOPIFY_URL", shopify_server.url),
    ):
        monkeypatch.setenv(variable, value)
    bench = Bench.open_path(
        isolated_folders / "data", Identity(user="alex", station="bench-1")
    )
    try:
        ensure_demo_store(bench, build_demo_store(now=DEMO_NOW))
        window = MainWindow(bench, clock=lambda: DEMO_NOW)
        qtbot.addWidget(window)
        action = install_setup_wizard(window)
        window.show()
        match_and_fulfil(qtbot, window)

        # The supervisor opens Stores > Connect stores… from the menu bar.
        menus = [a.text() for a in window.menuBar().actions()]
        assert "&Stores" in menus
        action.trigger()
        wizard = action.wizard
        assert isinstance(wizard, SetupWizard)
        code = connect_both_stores(qtbot, wizard, browser, sim)
        QSettings().setValue("main_window/geometry", window.saveGeometry())
        QSettings().sync()
        window.close()
        tasks.wait_for_all()

        entries = memory_keyring.entries(KEYRING_SERVICE)
        canaries = {
            "TikTok app secret": CANARY_SECRET,
            "TikTok access token": entries["tiktok.access_token"],
            "TikTok refresh token": entries["tiktok.refresh_token"],
            "TikTok shop cipher": entries["tiktok.shop_cipher"],
            "TikTok authorization code": code,
            "Shopify client secret": CANARY_CLIENT_SECRET,
            "Shopify access token": entries["shopify.access_token"],
        }
        # Proof the canaries went in: they are all in the (test) keyring.
        assert entries["tiktok.app_secret"] == CANARY_SECRET
        assert entries["shopify.client_secret"] == CANARY_CLIENT_SECRET
        assert entries["tiktok.access_token"].startswith("TTP_sim")
        assert entries["shopify.access_token"].startswith("shpca_")

        searched = [isolated_folders, qt_settings_folder]
        # Once with the database open (its -wal file included) ...
        assert leaks(searched, canaries) == []
    finally:
        bench.close()
        QDesktopServices.unsetUrlHandler("https")
        shopify_server.stop()
        tiktok_server.stop()

    # ... and once after everything closed.
    for handler in logging.getLogger().handlers:
        handler.flush()
    assert leaks(searched, canaries) == []

    # The search was not vacuous: the files that could leak exist and were read.
    names = {path.name for folder in searched for path in every_file(folder)}
    assert {"giveaway-desk.sqlite3", "settings.json", LOG_FILE} <= names
    assert any(path.suffix == ".ini" for path in every_file(qt_settings_folder))
    assert (
        "Demo Candle Co" in (isolated_folders / "config" / "settings.json").read_text()
    )
    assert "TikTok" in app_log.read_text()
