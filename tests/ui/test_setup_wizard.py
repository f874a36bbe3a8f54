"""The Connect stores wizard, driven from the keyboard against both simulators.

The simulators run over loopback HTTP and the wizard finds them through the
same environment overrides a support person would use.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import keyring.core
import pytest
from keyring.backends import fail
from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QPushButton,
    QWizard,
)
from pytestqt.exceptions import TimeoutError

from app.domain.credentials import Secret
from app.services.connections import ConnectionsService
from app.services.credentials import CredentialsService
from app.sim.tiktok import SimServer, TikTokShopSim
from app.storage.settings import load_settings
from app.ui import tasks
from app.ui.application import create_application
from app.ui.keyring_notice import install_keyring_notice
from app.ui.setup_wizard import SetupWizard, install_setup_wizard
from tests.ui.conftest import save_screenshot
from tests.utils.memory_keyring import HangingKeyring, MemoryKeyring
from tests.utils.shopify_sim import CANARY_CLIENT_ID, CANARY_CLIENT_SECRET, Shop
from tests.utils.shopify_sim import make_shop as make_shopify
from tests.utils.tiktok_sim import CANARY_APP_KEY, CANARY_SECRET, make_sim

SHOP_DOMAIN = "giveaway-test.myshopify.com"
CONSENT_URL = "https://consent.sim.invalid/open/authorize"
WAIT_MS = 15_000


class BrowserStandIn(QObject):
    """Takes the URLs QDesktopServices would hand to the web browser."""

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        """Remember ``url`` instead of starting a browser."""
        self.opened.append(url.toString())


@dataclass
class Stores:
    """Both simulators, served over loopback, and the environment naming them."""

    tiktok: TikTokShopSim
    shopify: Shop
    environ: dict[str, str]
    browser: BrowserStandIn


@pytest.fixture
def stores(qapp) -> Iterator[Stores]:
    create_application()  # the real fonts and style sheet, for the screenshots
    sim = make_sim()
    shop = make_shopify()
    browser = BrowserStandIn()
    QDesktopServices.setUrlHandler("https", browser, "open")
    server = SimServer(sim)
    tiktok_url = server.start()
    shopify_server = shop.sim.serve()
    try:
        yield Stores(
            sim,
            shop,
            {
                "GIVEAWAY_DESK_TIKTOK_API_URL": tiktok_url,
                "GIVEAWAY_DESK_TIKTOK_AUTH_URL": tiktok_url,
                "GIVEAWAY_DESK_TIKTOK_CONSENT_URL": CONSENT_URL,
                "GIVEAWAY_DESK_SHOPIFY_URL": shopify_server.url,
            },
            browser,
        )
    finally:
        tasks.wait_for_all()
        QDesktopServices.unsetUrlHandler("https")
        shopify_server.stop()
        server.stop()


def open_wizard(qtbot, stores: Stores) -> SetupWizard:
    service = ConnectionsService(CredentialsService("wizard"), environ=stores.environ)
    wizard = SetupWizard(service)
    qtbot.addWidget(wizard)
    # The smallest size it allows: what a laptop screen shows.
    wizard.resize(wizard.minimumSize())
    wizard.show()
    qtbot.waitUntil(wizard.keyring_page.isComplete, timeout=WAIT_MS)
    return wizard


def press_next(qtbot, wizard: SetupWizard) -> None:
    """Alt+N, as a supervisor at the keyboard would."""
    before = wizard.currentId()
    assert wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    # The mnemonic "animates" the click: the page changes a moment later.
    qtbot.keyClick(wizard, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: wizard.currentId() != before, timeout=WAIT_MS)
    # Clicks on a page still reading its settings would be ignored.
    qtbot.waitUntil(lambda: not wizard.currentPage().busy, timeout=WAIT_MS)


def wait_for_message(qtbot, page, text: str) -> str:
    try:
        qtbot.waitUntil(lambda: text in page.message.text(), timeout=WAIT_MS)
    except TimeoutError:
        pytest.fail(f"waited for {text!r}; the page says {page.message.text()!r}")
    return page.message.text()


def cut_off(wizard: SetupWizard) -> list[str]:
    """Visible texts on the current page that do not fit their widget."""
    problems = []
    page = wizard.currentPage()
    for widget in page.findChildren(QPushButton) + page.findChildren(QLabel):
        if not widget.isVisible() or not widget.text():
            continue
        if isinstance(widget, QLabel) and widget.wordWrap():
            if widget.height() < widget.heightForWidth(widget.width()):
                problems.append(f"wrapped label {widget.text()[:40]!r}")
            continue
        hint = widget.minimumSizeHint()
        if widget.width() < hint.width() or widget.height() < hint.height():
            problems.append(f"{type(widget).__name__} {widget.text()!r}")
    return problems


def screenshot(qtbot, wizard: SetupWizard, number: int, tmp_path: Path) -> None:
    """Save the page as wizard-N.png (in $GIVEAWAY_DESK_SCREENSHOTS if set)."""
    QApplication.processEvents()
    assert cut_off(wizard) == []
    save_screenshot(wizard, f"wizard-{number}", tmp_path)


def authorize_in_browser(stores: Stores) -> str:
    """The address the browser shows after the seller agreed on the consent page."""
    opened = stores.browser.opened[-1]
    state = parse_qs(urlsplit(opened).query)["state"][0]
    code = stores.tiktok.issue_auth_code()
    return f"https://seller.example/callback?code={code}&state={state}"


def connect_tiktok(qtbot, wizard: SetupWizard, stores: Stores, secret: str) -> None:
    page = wizard.tiktok_page
    qtbot.keyClicks(page.app_key, CANARY_APP_KEY)
    qtbot.keyClicks(page.app_secret, secret)
    qtbot.keyClicks(page.service_id, "7123456789")
    qtbot.keyClick(page, Qt.Key.Key_O, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: bool(stores.browser.opened), timeout=WAIT_MS)
    qtbot.keyClicks(page.pasted, authorize_in_browser(stores))
    qtbot.keyClick(page.pasted, Qt.Key.Key_Return)


def test_a_supervisor_connects_both_stores_from_the_keyboard(
    qtbot, stores: Stores, tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    wizard = open_wizard(qtbot, stores)
    assert "Secrets are kept in" in wizard.keyring_page.message.text()
    screenshot(qtbot, wizard, 1, tmp_path)

    press_next(qtbot, wizard)
    assert wizard.currentPage() is wizard.tiktok_page
    assert wizard.tiktok_page.app_key.hasFocus()
    connect_tiktok(qtbot, wizard, stores, CANARY_SECRET)
    wait_for_message(qtbot, wizard.tiktok_page, "Connected to TikTok Shop")
    assert stores.browser.opened[0].startswith(CONSENT_URL + "?service_id=7123456789")
    assert wizard.tiktok_page.shop.currentText().startswith("Demo Candle Co")
    # The tokens are read back through the credentials service (test keyring).
    credentials = CredentialsService("wizard")
    access = credentials.store.get("tiktok.access_token")
    assert access is not None and access.reveal().startswith("TTP_sim")
    assert credentials.store.get("tiktok.app_secret").reveal() == CANARY_SECRET  # type: ignore[union-attr]
    cipher = credentials.store.get("tiktok.shop_cipher")
    assert cipher is not None and cipher.reveal() == stores.tiktok.shop.cipher
    assert wizard.tiktok_page.app_secret.text() == ""
    qtbot.keyClick(wizard, Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)
    wait_for_message(qtbot, wizard.tiktok_page, "TikTok Shop answered")
    screenshot(qtbot, wizard, 2, tmp_path)

    press_next(qtbot, wizard)
    page = wizard.shopify_page
    qtbot.keyClicks(page.domain, SHOP_DOMAIN)
    qtbot.keyClicks(page.client_id, CANARY_CLIENT_ID)
    qtbot.keyClicks(page.client_secret, CANARY_CLIENT_SECRET)
    qtbot.keyClick(page.client_secret, Qt.Key.Key_Return)
    wait_for_message(qtbot, page, "stock is taken from Main warehouse")
    settings = load_settings().stored
    assert settings.shopify_location_id == stores.shopify.location_id
    assert settings.shopify_shop_domain == SHOP_DOMAIN
    screenshot(qtbot, wizard, 3, tmp_path)

    press_next(qtbot, wizard)
    carriers = wizard.carriers_page
    qtbot.waitUntil(lambda: len(carriers.rows) == 7, timeout=WAIT_MS)
    ups = next(row for row in carriers.rows if row[0] == "UPS")
    qtbot.keyClicks(ups[2], "6617675021119438850")
    qtbot.keyClick(wizard, Qt.Key.Key_L, Qt.KeyboardModifier.AltModifier)
    wait_for_message(qtbot, carriers, "there is no order yet")
    screenshot(qtbot, wizard, 4, tmp_path)

    press_next(qtbot, wizard)
    summary = wizard.summary_page
    qtbot.waitUntil(lambda: "Demo Candle Co" in summary.summary.text(), timeout=WAIT_MS)
    assert "Main warehouse" in summary.summary.text()
    assert "kept in the keyring" in summary.summary.text()
    mapping = {row.carrier: row for row in load_settings().stored.carrier_mappings}
    assert mapping["UPS"].tiktok_shipping_provider_id == "6617675021119438850"
    assert mapping["Amazon Logistics"].shopify_tracking_company == "Amazon"
    screenshot(qtbot, wizard, 5, tmp_path)
    wizard.button(QWizard.WizardButton.FinishButton).click()
    assert memory_keyring.entries("GiveawayDesk/wizard")["shopify.client_secret"] == (
        CANARY_CLIENT_SECRET
    )


def test_wrong_credentials_are_explained_in_words(
    qtbot, stores: Stores, tmp_path: Path
) -> None:
    wizard = open_wizard(qtbot, stores)
    press_next(qtbot, wizard)

    connect_tiktok(qtbot, wizard, stores, "not-the-secret")

    text = wait_for_message(qtbot, wizard.tiktok_page, "Problem:")
    assert "did not accept the credentials" in text
    assert "Traceback" not in text
    assert not wizard.tiktok_page.shop.isEnabled()
    screenshot(qtbot, wizard, 6, tmp_path)

    press_next(qtbot, wizard)
    page = wizard.shopify_page
    qtbot.keyClicks(page.domain, SHOP_DOMAIN)
    qtbot.keyClicks(page.client_id, CANARY_CLIENT_ID)
    qtbot.keyClicks(page.client_secret, "wrong")
    qtbot.mouseClick(page.connect_button, Qt.MouseButton.LeftButton)
    text = wait_for_message(qtbot, page, "Problem:")
    assert "Shopify did not accept the credentials" in text
    assert CredentialsService("wizard").store.get("shopify.client_id") is None


def test_without_a_keyring_secrets_wait_for_an_explicit_choice(
    qtbot, stores: Stores, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(keyring.core, "_keyring_backend", fail.Keyring())
    service = ConnectionsService(
        CredentialsService("nokeyring"), environ=stores.environ
    )
    wizard = SetupWizard(service)
    qtbot.addWidget(wizard)
    wizard.show()
    page = wizard.keyring_page

    text = wait_for_message(qtbot, page, "Problem:")

    assert "No secure credential store is available" in text
    assert "keyring.backends.fail.Keyring" in text
    assert page.retry_button.isVisible() and page.run_only_button.isVisible()
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    screenshot(qtbot, wizard, 0, tmp_path)

    qtbot.mouseClick(page.run_only_button, Qt.MouseButton.LeftButton)
    assert "for this run only" in page.message.text()
    press_next(qtbot, wizard)
    connect_tiktok(qtbot, wizard, stores, CANARY_SECRET)
    wait_for_message(qtbot, wizard.tiktok_page, "Connected to TikTok Shop")
    assert service.credentials.store.get("tiktok.app_secret") is not None


def test_secrets_for_this_run_survive_reopening_the_wizard(
    qtbot, stores: Stores, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(keyring.core, "_keyring_backend", fail.Keyring())
    window = QMainWindow()
    qtbot.addWidget(window)
    made: list[ConnectionsService] = []

    def factory() -> ConnectionsService:
        made.append(ConnectionsService(CredentialsService("x"), environ=stores.environ))
        return made[-1]

    action = install_setup_wizard(window, factory)
    first = action.open_wizard()
    qtbot.waitUntil(lambda: first.keyring_page.run_only_button.isVisible())
    qtbot.mouseClick(first.keyring_page.run_only_button, Qt.MouseButton.LeftButton)
    first.service.credentials.set_secret("tiktok.app_key", Secret("kept"))
    first.reject()

    second = action.open_wizard()
    qtbot.waitUntil(second.keyring_page.isComplete, timeout=WAIT_MS)

    assert len(made) == 1
    assert "for this run only" in second.keyring_page.message.text()
    assert second.service.credentials.store.get("tiktok.app_key") == Secret("kept")


def test_no_secret_field_is_reachable_while_the_keyring_does_not_answer(
    qtbot, stores: Stores, monkeypatch: pytest.MonkeyPatch
) -> None:
    hanging = HangingKeyring()
    monkeypatch.setattr(keyring.core, "_keyring_backend", hanging)
    credentials = CredentialsService("slow", timeout=1.0)
    wizard = SetupWizard(ConnectionsService(credentials, environ=stores.environ))
    qtbot.addWidget(wizard)
    wizard.show()
    page = wizard.keyring_page

    # The check runs in the background: the window answers, Next waits.
    assert "Checking the keyring" in page.message.text()
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    text = wait_for_message(qtbot, page, "did not answer within 1 seconds")
    assert wizard.currentPage() is page
    assert not wizard.tiktok_page.app_secret.hasFocus()

    hanging.release.set()
    qtbot.keyClick(wizard, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)
    wait_for_message(qtbot, page, "Secrets are kept in")
    assert "Problem" in text
    assert wizard.button(QWizard.WizardButton.NextButton).isEnabled()


def test_closing_the_wizard_during_a_call_is_harmless(qtbot, stores: Stores) -> None:
    stores.tiktok.faults.latency_s = 0.5
    wizard = open_wizard(qtbot, stores)
    press_next(qtbot, wizard)
    page = wizard.tiktok_page
    qtbot.keyClicks(page.app_key, CANARY_APP_KEY)
    qtbot.keyClicks(page.app_secret, CANARY_SECRET)
    qtbot.keyClicks(page.pasted, stores.tiktok.issue_auth_code())
    qtbot.keyClick(page.pasted, Qt.Key.Key_Return)
    assert page.busy

    wizard.reject()
    wizard.deleteLater()
    qtbot.waitUntil(lambda: not tasks._in_flight, timeout=WAIT_MS)

    # The call still finished: the tokens it got were kept.
    stored = CredentialsService("wizard").store.get("tiktok.access_token")
    assert stored is not None


def test_the_main_window_says_when_secrets_cannot_be_kept(
    qtbot, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    window.show()
    monkeypatch.setattr(keyring.core, "_keyring_backend", fail.Keyring())

    notice = install_keyring_notice(window, lambda: CredentialsService("notice"))

    qtbot.waitUntil(notice.isVisible, timeout=WAIT_MS)
    assert "No keyring: secrets not saved" in notice.text()
    assert "keyring.backends.fail.Keyring" in notice.toolTip()


def test_the_notice_stays_hidden_while_the_keyring_works(
    qtbot, memory_keyring: MemoryKeyring
) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    window.show()

    notice = install_keyring_notice(window, lambda: CredentialsService("notice"))
    qtbot.waitUntil(lambda: not tasks._in_flight, timeout=WAIT_MS)

    assert memory_keyring.writes > 0  # the check did write its test value
    assert not notice.isVisible()
