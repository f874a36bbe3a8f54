"""The "Connect stores" wizard: keyring check, TikTok Shop, Shopify, carriers, summary.

A supervisor runs it once per station. The keyring is checked first, in the
background, before any secret field can take focus; when secrets cannot be kept
the page says why and offers "Retry" and "Use for this run only" (never a
plain-text file). Every keyring and network call goes through
:func:`app.ui.tasks.run_in_background`; failures are shown as the sentences
:class:`~app.services.connections.ConnectionProblem` carries, never a traceback.

Everything is reachable from the keyboard: each field and button has an
Alt-letter, Tab walks the page, Enter presses the page's main button.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QGuiApplication, QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from app.domain.credentials import Secret
from app.services.connections import (
    SHOPIFY_TRACKING_COMPANIES,
    CarrierRow,
    ConnectionProblem,
    ConnectionsService,
    ConnectionStatus,
    LocationChoice,
    ProviderChoice,
    ShopChoice,
    TikTokConnected,
)
from app.services.credentials import BackendStatus
from app.ui import theme
from app.ui.tasks import Lane, run_in_background

logger = logging.getLogger(__name__)

PAGE_POINT_SIZE = theme.BASE_POINT_SIZE + 1
# A widget with a style sheet of its own no longer inherits the wizard's font,
# so the size is given here too.
_MESSAGE_BOX = (
    f"padding: 10px; border-radius: 4px; font-size: {PAGE_POINT_SIZE}pt; "
    "font-weight: bold;"
)
ERROR_STYLE = f"color: {theme.LATE_COLOUR}; background: #fbe9e7; {_MESSAGE_BOX}"
OK_STYLE = f"color: {theme.OK_COLOUR}; background: #e6f4ea; {_MESSAGE_BOX}"
BUSY_STYLE = f"color: #33363b; background: #eceef1; {_MESSAGE_BOX}"


def describe_failure(error: BaseException) -> str:
    """Words for a failed background call; the traceback goes to the log only."""
    if isinstance(error, ConnectionProblem):
        return str(error)
    logger.error("Unexpected failure in the setup wizard", exc_info=error)
    return (
        f"Something unexpected went wrong ({type(error).__name__}). Nothing was "
        "changed. The details are in the log file; please send it to support."
    )


class ReturnKey(QObject):
    """Makes Enter in a field do ``action`` instead of pressing the wizard's Next.

    A wizard's Next is its default button, so Enter in a field would leave the
    page before the supervisor pressed Connect.
    """

    def __init__(self, parent: QWidget, action: Callable[[], object]) -> None:
        super().__init__(parent)
        self._action = action
        parent.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        """Run the action on Enter or Return and swallow the key."""
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        if event.key() not in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            return False
        self._action()
        return True


class Message(QLabel):
    """A word-wrapped line that says what happened, in words and colour."""

    def __init__(self) -> None:
        super().__init__("")
        self.setWordWrap(True)
        self.setVisible(False)
        self.setObjectName("message")

    def busy(self, text: str) -> None:
        """Show that work is under way."""
        self._show(text, BUSY_STYLE)

    def ok(self, text: str) -> None:
        """Show a success."""
        self._show(text, OK_STYLE)

    def note(self, text: str) -> None:
        """Show something worth knowing that is not a failure."""
        self._show(text, BUSY_STYLE)

    def problem(self, text: str) -> None:
        """Show a failure, starting with the word "Problem"."""
        self._show(f"Problem: {text}", ERROR_STYLE)

    def _show(self, text: str, style: str) -> None:
        self.setText(text)
        self.setStyleSheet(style)
        self.setVisible(True)


class _Page(QWizardPage):
    """A page with a title, an explanation and a message line; runs work off-thread."""

    def __init__(self, title: str, explanation: str) -> None:
        super().__init__()
        self.setTitle(title)
        self.layout_ = QVBoxLayout(self)
        self.layout_.setSpacing(12)
        intro = QLabel(explanation)
        intro.setWordWrap(True)
        self.layout_.addWidget(intro)
        self.message = Message()
        self._busy = 0

    def finish_layout(self) -> None:
        """Put the message line under the page's own widgets."""
        self.layout_.addWidget(self.message)
        self.layout_.addStretch(1)

    @property
    def busy(self) -> bool:
        """True while one of this page's background calls runs."""
        return self._busy > 0

    def run(
        self,
        what: str,
        work: Callable[[], Any],
        on_success: Callable[[Any], None],
        on_failure: Callable[[str], None] | None = None,
        *,
        lane: Lane = Lane.NETWORK,
        quiet: bool = False,
    ) -> None:
        """Run ``work`` in the background, saying ``what`` meanwhile.

        The page's buttons wait until it is done, unless ``quiet`` (a quick
        local read nobody needs to wait for).
        """
        self._busy += 1
        if not quiet:
            self.message.busy(what)
            self._set_enabled(False)

        def succeeded(result: Any) -> None:
            if not self._still_open(what):
                return
            self._done(quiet)
            on_success(result)

        def failed(error: BaseException) -> None:
            if not self._still_open(what):
                describe_failure(error)
                return
            self._done(quiet)
            text = describe_failure(error)
            self.message.problem(text)
            if on_failure is not None:
                on_failure(text)

        run_in_background(work, succeeded, failed, lane=lane)

    def _still_open(self, what: str) -> bool:
        # The wizard may have been closed (and deleted) while the call ran;
        # its outcome is then only logged.
        if shiboken6.isValid(self):
            return True
        logger.info("Setup wizard closed before this finished: %s", what)
        return False

    def _done(self, quiet: bool) -> None:
        self._busy -= 1
        if not quiet:
            self._set_enabled(True)
        self.completeChanged.emit()

    def _set_enabled(self, enabled: bool) -> None:
        for button in self.findChildren(QPushButton):
            button.setEnabled(enabled)
        self.completeChanged.emit()


# --- 1. keyring -------------------------------------------------------------------


class KeyringPage(_Page):
    """Checks the OS keyring before anyone types a secret."""

    checked = Signal(bool)
    """Emitted after each check, with whether secrets can now be kept."""

    def __init__(self, service: ConnectionsService) -> None:
        super().__init__(
            "Where secrets are kept",
            "App secrets and access tokens are kept only in this computer's "
            "secure credential store (the keyring), never in a file. It is "
            "checked before any secret is typed.",
        )
        self.service = service
        self.status: BackendStatus | None = None
        self.way_forward = QLabel("")
        self.way_forward.setWordWrap(True)
        buttons = QHBoxLayout()
        self.retry_button = QPushButton("&Retry")
        self.retry_button.clicked.connect(self.check)
        self.run_only_button = QPushButton("&Use for this run only")
        self.run_only_button.clicked.connect(self.use_for_this_run)
        for button in (self.retry_button, self.run_only_button):
            button.setVisible(False)
            buttons.addWidget(button)
        buttons.addStretch(1)
        # Here the verdict comes first, then what to do about it.
        self.layout_.addWidget(self.message)
        self.layout_.addWidget(self.way_forward)
        self.layout_.addLayout(buttons)
        self.layout_.addStretch(1)
        self._started = False

    def initializePage(self) -> None:  # noqa: N802 - Qt's name
        """Start the check the first time the page is shown."""
        if not self._started:
            self._started = True
            self.check()

    def check(self) -> None:
        """Ask the keyring, in the background, whether it can keep secrets."""
        self.run(
            "Checking the keyring…",
            self.service.credentials.check_backend,
            self._on_checked,
            lambda _text: self._offer_remedies(True),
        )

    def _on_checked(self, status: BackendStatus) -> None:
        self.status = status
        if not status.usable and self.service.credentials.for_this_run_only:
            self.use_for_this_run()
            return
        if status.usable:
            self.message.ok(status.message)
            self.way_forward.setText("")
            self._offer_remedies(False)
        else:
            self.message.problem(status.message)
            self.way_forward.setText(status.way_forward)
            self._offer_remedies(True)
        self.completeChanged.emit()
        self.checked.emit(self.isComplete())

    def _offer_remedies(self, show: bool) -> None:
        self.retry_button.setVisible(show)
        self.run_only_button.setVisible(show)
        if show:
            self.retry_button.setFocus()

    def use_for_this_run(self) -> None:
        """Keep secrets in memory until the app closes (the user's explicit choice)."""
        self.service.credentials.use_for_this_run()
        self.message.ok(
            "Secrets will be kept in memory for this run only: they are "
            "forgotten when Giveaway Desk closes, and must be entered again."
        )
        self.way_forward.setText("")
        self._offer_remedies(False)
        self.completeChanged.emit()
        self.checked.emit(True)

    def isComplete(self) -> bool:  # noqa: N802 - Qt's name
        """Only when secrets can be kept (keyring, or memory by choice)."""
        if self.busy:
            return False
        usable = self.status is not None and self.status.usable
        return usable or self.service.credentials.for_this_run_only


# --- 2. TikTok Shop -------------------------------------------------------------


def _form() -> QFormLayout:
    form = QFormLayout()
    form.setSpacing(10)
    # Labels level with the text in their fields, not with the fields' tops.
    form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    return form


def _secret_field(placeholder: str) -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setPlaceholderText(placeholder)
    return field


class TikTokPage(_Page):
    """App key and secret, the consent link, the code, and the shop."""

    def __init__(self, service: ConnectionsService) -> None:
        super().__init__(
            "TikTok Shop",
            "1. Enter the app's key, secret and service id from TikTok Shop "
            "Partner Center.  2. Open the authorization link and have the seller "
            "agree.  3. Paste the code, or the whole address the browser shows "
            "afterwards, and press Connect.",
        )
        self.service = service
        form = _form()
        self.app_key = QLineEdit()
        self.app_secret = _secret_field("typing is hidden")
        self.service_id = QLineEdit()
        self.region = QComboBox()
        self.region.addItems(["United States", "Any other country"])
        self.link = QLineEdit()
        self.link.setReadOnly(True)
        self.link.setPlaceholderText("press Open authorization link")
        self.pasted = QLineEdit()
        self.pasted.setPlaceholderText("code, or https://…?code=…&state=…")
        self.shop = QComboBox()
        self.shop.setEnabled(False)
        form.addRow("App &key:", self.app_key)
        form.addRow("App &secret:", self.app_secret)
        form.addRow("Ser&vice id:", self.service_id)
        form.addRow("Shop's &region:", self.region)
        form.addRow("Authorization link:", self.link)
        form.addRow("&Code or address:", self.pasted)
        form.addRow("S&hop:", self.shop)
        self.layout_.addLayout(form)

        row = QHBoxLayout()
        self.open_button = QPushButton("&Open authorization link")
        self.copy_button = QPushButton("Cop&y link")
        self.connect_button = QPushButton("Conn&ect")
        self.test_button = QPushButton("&Test connection")
        self.disconnect_button = QPushButton("&Disconnect")
        for button in (
            self.open_button,
            self.copy_button,
            self.connect_button,
            self.test_button,
            self.disconnect_button,
        ):
            button.setAutoDefault(False)
            row.addWidget(button)
        row.addStretch(1)
        self.layout_.addLayout(row)
        self.finish_layout()

        self.open_button.clicked.connect(self.open_link)
        self.copy_button.clicked.connect(self.copy_link)
        self.connect_button.clicked.connect(self.connect_shop)
        self.test_button.clicked.connect(self.test_connection)
        self.disconnect_button.clicked.connect(self.disconnect_store)
        self.shop.activated.connect(lambda _index: self.choose_shop())
        ReturnKey(self.pasted, self.connect_shop)
        for field in (self.app_key, self.app_secret, self.service_id):
            ReturnKey(field, self.focusNextChild)
        self._shops: tuple[ShopChoice, ...] = ()

    def initializePage(self) -> None:  # noqa: N802 - Qt's name
        """Start with the app key field."""
        self.app_key.setFocus()

    def open_link(self) -> None:
        """Make a fresh consent link, show it and open it in the browser."""
        service_id = self.service_id.text()
        us_shop = self.region.currentIndex() == 0

        def opened(link: Any) -> None:
            self.link.setText(link.url)
            QDesktopServices.openUrl(QUrl(link.url))
            self.message.ok(
                "The authorization page was opened in the browser (the link is "
                "also above, to copy). When the seller has agreed, paste the code "
                "or the address here."
            )
            self.pasted.setFocus()

        self.run(
            "Making the authorization link…",
            lambda: self.service.authorization_link(service_id, us_shop=us_shop),
            opened,
            lane=Lane.DATABASE,
        )

    def copy_link(self) -> None:
        """Put the authorization link on the clipboard."""
        if not self.link.text():
            self.message.problem("Press Open authorization link first.")
            return
        QGuiApplication.clipboard().setText(self.link.text())
        self.message.ok("The authorization link is on the clipboard.")

    def connect_shop(self) -> None:
        """Trade the pasted code for tokens and list the shops."""
        key, secret = (
            Secret(self.app_key.text().strip()),
            Secret(self.app_secret.text()),
        )
        pasted = self.pasted.text()
        self.run(
            "Connecting to TikTok Shop…",
            lambda: self.service.connect_tiktok(key, secret, pasted),
            self._on_connected,
        )

    def _on_connected(self, connected: TikTokConnected) -> None:
        self.app_secret.clear()
        self.app_secret.setPlaceholderText("saved in the keyring")
        self.pasted.clear()
        self._show_shops(connected.shops)
        if connected.shops:
            self.choose_shop()
        else:
            self.message.problem(
                "TikTok Shop accepted the authorization, but it covers no shop."
            )

    def _show_shops(self, shops: tuple[ShopChoice, ...]) -> None:
        self._shops = shops
        self.shop.clear()
        self.shop.addItems([shop.label for shop in shops])
        self.shop.setEnabled(bool(shops))
        self.shop.setFocus()

    def choose_shop(self) -> None:
        """Remember the shop picked in the list."""
        index = self.shop.currentIndex()
        if not 0 <= index < len(self._shops):
            return
        shop = self._shops[index]
        self.run(
            "Saving the shop…",
            lambda: self.service.choose_tiktok_shop(shop),
            lambda _none: self.message.ok(
                f"Connected to TikTok Shop: orders come from {shop.name}."
            ),
        )

    def test_connection(self) -> None:
        """One cheap signed call with what is saved."""
        self.run("Asking TikTok Shop…", self.service.test_tiktok, self.message.ok)

    def disconnect_store(self) -> None:
        """Forget the TikTok secrets and the chosen shop."""
        self.run(
            "Disconnecting TikTok Shop…",
            lambda: self.service.disconnect("tiktok"),
            lambda _none: self._on_disconnected(),
        )

    def _on_disconnected(self) -> None:
        self._show_shops(())
        self.message.ok("TikTok Shop is disconnected: its secrets were deleted.")

    def isComplete(self) -> bool:  # noqa: N802 - Qt's name
        """Skipping is allowed; only not while a call runs."""
        return not self.busy


# --- 3. Shopify -------------------------------------------------------------------


class ShopifyPage(_Page):
    """The shop address, its credentials, and the location stock comes from."""

    def __init__(self, service: ConnectionsService) -> None:
        super().__init__(
            "Shopify",
            "Enter the shop address and the credentials of the app installed on "
            "it: a client id and secret for an app from the Dev Dashboard, or an "
            "admin API token for an older custom app. Then pick the location "
            "the bench takes stock from.",
        )
        self.service = service
        form = _form()
        self.domain = QLineEdit()
        self.domain.setPlaceholderText("your-shop.myshopify.com")
        self.use_client = QRadioButton("Client id and secret (Dev Dashboard app)")
        self.use_token = QRadioButton("Admin API token (older custom app)")
        self.use_client.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.use_client)
        group.addButton(self.use_token)
        kinds = QHBoxLayout()
        kinds.addWidget(self.use_client)
        kinds.addWidget(self.use_token)
        kinds.addStretch(1)
        self.client_id = QLineEdit()
        self.client_secret = _secret_field("typing is hidden")
        self.admin_token = _secret_field("shpat_…  (typing is hidden)")
        self.location = QComboBox()
        self.location.setEnabled(False)
        form.addRow("Shop &address:", self.domain)
        form.addRow("Credentials:", kinds)
        form.addRow("Client &id:", self.client_id)
        form.addRow("Client s&ecret:", self.client_secret)
        form.addRow("Admin API t&oken:", self.admin_token)
        form.addRow("&Location:", self.location)
        self.layout_.addLayout(form)

        row = QHBoxLayout()
        self.connect_button = QPushButton("Connect and list location&s")
        self.test_button = QPushButton("&Test connection")
        self.disconnect_button = QPushButton("&Disconnect")
        for button in (self.connect_button, self.test_button, self.disconnect_button):
            button.setAutoDefault(False)
            row.addWidget(button)
        row.addStretch(1)
        self.layout_.addLayout(row)
        self.finish_layout()

        self.use_client.toggled.connect(self._show_kind)
        for field in (
            self.domain,
            self.client_id,
            self.client_secret,
            self.admin_token,
        ):
            ReturnKey(field, self.connect_shop)
        self.connect_button.clicked.connect(self.connect_shop)
        self.test_button.clicked.connect(self.test_connection)
        self.disconnect_button.clicked.connect(self.disconnect_store)
        self.location.activated.connect(lambda _index: self.choose_location())
        self._locations: tuple[LocationChoice, ...] = ()
        self._show_kind()

    def initializePage(self) -> None:  # noqa: N802 - Qt's name
        """Start with the shop address, filled in when already saved."""
        self.run(
            "Reading the settings…",
            self.service.saved_shop_domain,
            self._show_domain,
            lane=Lane.DATABASE,
            quiet=True,
        )
        self.domain.setFocus()

    def _show_domain(self, domain: str) -> None:
        if not self.domain.text():
            self.domain.setText(domain)

    def _show_kind(self) -> None:
        client = self.use_client.isChecked()
        self.client_id.setEnabled(client)
        self.client_secret.setEnabled(client)
        self.admin_token.setEnabled(not client)

    def connect_shop(self) -> None:
        """Try the credentials; on success save them and list the locations."""
        domain = self.domain.text()
        if self.use_client.isChecked():
            client_id = Secret(self.client_id.text().strip())
            secret = Secret(self.client_secret.text().strip())

            def work() -> tuple[LocationChoice, ...]:
                return self.service.connect_shopify(
                    domain, client_id=client_id, client_secret=secret
                )

        else:
            token = Secret(self.admin_token.text().strip())

            def work() -> tuple[LocationChoice, ...]:
                return self.service.connect_shopify(domain, admin_token=token)

        self.run("Connecting to Shopify…", work, self._on_connected)

    def _on_connected(self, locations: tuple[LocationChoice, ...]) -> None:
        for field in (self.client_secret, self.admin_token):
            field.clear()
            field.setPlaceholderText("saved in the keyring")
        self._locations = locations
        self.location.clear()
        self.location.addItems([location.label for location in locations])
        self.location.setEnabled(bool(locations))
        if not locations:
            self.message.problem(
                "Shopify accepted the credentials, but the shop has no location "
                "the bench could take stock from. Add one in Shopify."
            )
            return
        primary = next((i for i, loc in enumerate(locations) if loc.is_primary), 0)
        self.location.setCurrentIndex(primary)
        self.location.setFocus()
        self.choose_location()

    def choose_location(self) -> None:
        """Remember the location picked in the list."""
        index = self.location.currentIndex()
        if not 0 <= index < len(self._locations):
            return
        location = self._locations[index]
        self.run(
            "Saving the location…",
            lambda: self.service.choose_shopify_location(location),
            lambda _none: self.message.ok(
                f"Connected to Shopify: stock is taken from {location.name}."
            ),
            lane=Lane.DATABASE,
        )

    def test_connection(self) -> None:
        """A cheap call with what is saved."""
        self.run("Asking Shopify…", self.service.test_shopify, self.message.ok)

    def disconnect_store(self) -> None:
        """Forget the Shopify secrets and the chosen location."""
        self.run(
            "Disconnecting Shopify…",
            lambda: self.service.disconnect("shopify"),
            lambda _none: self._on_disconnected(),
        )

    def _on_disconnected(self) -> None:
        self._locations = ()
        self.location.clear()
        self.location.setEnabled(False)
        self.message.ok("Shopify is disconnected: its secrets were deleted.")

    def isComplete(self) -> bool:  # noqa: N802 - Qt's name
        """Skipping is allowed; only not while a call runs."""
        return not self.busy


# --- 4. carriers ------------------------------------------------------------------


class CarriersPage(_Page):
    """Each bench carrier's name in Shopify and its TikTok shipping provider."""

    def __init__(self, service: ConnectionsService) -> None:
        super().__init__(
            "Carriers",
            "How each carrier is named in Shopify (exact spelling from Shopify's "
            "list) and which TikTok Shop shipping provider it is. Leave the "
            "TikTok column empty to look the carrier up by name when shipping.",
        )
        self.service = service
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(16)
        self.grid.setVerticalSpacing(8)
        for column, text in enumerate(
            ("Carrier", "Shopify tracking company", "TikTok shipping provider")
        ):
            header = QLabel(f"<b>{text}</b>")
            self.grid.addWidget(header, 0, column)
        self.layout_.addLayout(self.grid)
        row = QHBoxLayout()
        self.load_button = QPushButton("&Load TikTok carriers")
        self.load_button.setAutoDefault(False)
        self.load_button.clicked.connect(self.load_providers)
        row.addWidget(self.load_button)
        row.addStretch(1)
        self.layout_.addLayout(row)
        self.finish_layout()
        self.rows: list[tuple[str, QComboBox, QComboBox]] = []
        self._saved = False
        self._providers: tuple[ProviderChoice, ...] = ()

    def initializePage(self) -> None:  # noqa: N802 - Qt's name
        """Fill the table from the settings (or the suggested names)."""
        self._saved = False
        self.run(
            "Reading the carriers…",
            self.service.carrier_rows,
            self._show_rows,
            lane=Lane.DATABASE,
        )

    def _show_rows(self, rows: tuple[CarrierRow, ...]) -> None:
        self.message.setVisible(False)
        for _name, shopify, tiktok in self.rows:
            shopify.deleteLater()
            tiktok.deleteLater()
        self.rows = []
        for index, row in enumerate(rows, start=1):
            label = QLabel(row.carrier)
            shopify = QComboBox()
            shopify.setEditable(True)
            shopify.addItems(SHOPIFY_TRACKING_COMPANIES)
            shopify.setCurrentText(row.shopify_tracking_company)
            tiktok = QComboBox()
            tiktok.setEditable(True)
            tiktok.setCurrentText(row.tiktok_shipping_provider_id)
            editor = tiktok.lineEdit()
            if editor is not None:
                editor.setPlaceholderText("by name when shipping")
            label.setBuddy(shopify)
            self.grid.addWidget(label, index, 0)
            self.grid.addWidget(shopify, index, 1)
            self.grid.addWidget(tiktok, index, 2)
            self.rows.append((row.carrier, shopify, tiktok))
        if self.rows:
            self.rows[0][1].setFocus()

    def load_providers(self) -> None:
        """Offer the carriers TikTok lists for a recent order's delivery option."""
        self.run(
            "Asking TikTok Shop for its carriers…",
            self.service.tiktok_shipping_providers,
            self._show_providers,
        )

    def _show_providers(self, providers: tuple[ProviderChoice, ...]) -> None:
        if not providers:
            self.message.note(
                "TikTok Shop lists carriers per order, and there is no order yet. "
                "Leave the column empty: carriers are then looked up by name."
            )
            return
        self._providers = providers
        labels = [_provider_label(p) for p in providers]
        by_name = {p.name.casefold(): _provider_label(p) for p in providers}
        for carrier, _shopify, tiktok in self.rows:
            current = _provider_id(tiktok.currentText())
            tiktok.clear()
            tiktok.addItems(labels)
            known = {p.provider_id: _provider_label(p) for p in providers}
            tiktok.setCurrentText(
                known.get(current, current) or by_name.get(carrier.casefold(), "")
            )
        names = ", ".join(f"{p.name} = {p.provider_id}" for p in providers)
        self.message.ok(f"TikTok Shop offers: {names}.")

    def current_rows(self) -> list[CarrierRow]:
        """The table as the supervisor left it."""
        return [
            CarrierRow(
                carrier, shopify.currentText(), _provider_id(tiktok.currentText())
            )
            for carrier, shopify, tiktok in self.rows
        ]

    def validatePage(self) -> bool:  # noqa: N802 - Qt's name
        """Save the table in the background, then move on."""
        if self._saved:
            return True
        rows = self.current_rows()

        def saved(_none: object) -> None:
            self._saved = True
            self.wizard().next()

        self.run(
            "Saving the carriers…",
            lambda: self.service.save_carrier_rows(rows),
            saved,
            lane=Lane.DATABASE,
        )
        return False

    def isComplete(self) -> bool:  # noqa: N802 - Qt's name
        """Not while a call runs."""
        return not self.busy


def _provider_label(provider: ProviderChoice) -> str:
    return f"{provider.provider_id}  ({provider.name})"


def _provider_id(text: str) -> str:
    """The id in a picked label ("id  (name)") or in what was typed."""
    return text.split("  (", 1)[0].strip()


# --- 5. summary -------------------------------------------------------------------


class SummaryPage(_Page):
    """What is connected now."""

    def __init__(self, service: ConnectionsService) -> None:
        super().__init__(
            "Summary",
            "This is what the station will use. Run this wizard again from "
            "Stores > Connect stores… to change anything.",
        )
        self.service = service
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        self.layout_.addWidget(self.summary)
        self.finish_layout()
        self.setFinalPage(True)

    def initializePage(self) -> None:  # noqa: N802 - Qt's name
        """Read the saved connections."""
        self.run(
            "Reading what is connected…",
            self.service.status,
            self._show,
            lane=Lane.DATABASE,
        )

    def _show(self, status: ConnectionStatus) -> None:
        self.message.setVisible(False)
        carriers = "".join(
            f"<li>{row.carrier} → Shopify “{row.shopify_tracking_company}”, "
            f"TikTok {row.tiktok_shipping_provider_id or 'by name'}</li>"
            for row in status.carriers
        )
        where = (
            "in memory, for this run only"
            if status.for_this_run_only
            else "in the keyring"
        )
        self.summary.setText(
            f"<p><b>TikTok Shop:</b> {status.tiktok_shop}</p>"
            f"<p><b>Shopify:</b> {status.shopify_shop}, stock from "
            f"{status.shopify_location}</p>"
            f"<p><b>Secrets:</b> kept {where}</p>"
            f"<p><b>Carriers:</b></p><ul>{carriers}</ul>"
        )


# --- the wizard -------------------------------------------------------------------


class SetupWizard(QWizard):
    """Connect the stores: keyring, TikTok Shop, Shopify, carriers, summary."""

    def __init__(self, service: ConnectionsService, parent: QWidget | None = None):
        super().__init__(parent)
        self.service = service
        self.setWindowTitle("Connect stores")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        # Fits a 1366 x 768 laptop screen with room for the title bar.
        self.setMinimumSize(960, 680)
        self.resize(1100, 720)
        font = self.font()
        font.setPointSize(PAGE_POINT_SIZE)
        self.setFont(font)

        self.keyring_page = KeyringPage(service)
        self.tiktok_page = TikTokPage(service)
        self.shopify_page = ShopifyPage(service)
        self.carriers_page = CarriersPage(service)
        self.summary_page = SummaryPage(service)
        for page in (
            self.keyring_page,
            self.tiktok_page,
            self.shopify_page,
            self.carriers_page,
            self.summary_page,
        ):
            self.addPage(page)


class ConnectStoresAction(QAction):
    """The "Connect stores…" menu action; it knows the wizard it opened.

    One service serves every opening, so secrets kept "for this run only" (in
    that service's memory) are still there the next time the wizard opens.
    """

    def __init__(
        self, window: QMainWindow, service_factory: Callable[[], ConnectionsService]
    ) -> None:
        super().__init__("&Connect stores…", window)
        self._window = window
        self._factory = service_factory
        self._service: ConnectionsService | None = None
        self.wizard: SetupWizard | None = None
        self.triggered.connect(self.open_wizard)

    @property
    def service(self) -> ConnectionsService:
        """The service the wizard uses (made on first use)."""
        if self._service is None:
            self._service = self._factory()
        return self._service

    def open_wizard(self) -> SetupWizard:
        """Show the wizard (the one already open, if any)."""
        if self.wizard is not None:
            self.wizard.raise_()
            self.wizard.activateWindow()
            return self.wizard
        wizard = SetupWizard(self.service, self._window)
        self.wizard = wizard
        wizard.finished.connect(lambda _result: self._forget(wizard))
        wizard.open()
        return wizard

    def _forget(self, wizard: SetupWizard) -> None:
        if self.wizard is wizard:
            self.wizard = None
        wizard.deleteLater()


def install_setup_wizard(
    window: QMainWindow,
    service_factory: Callable[
        [], ConnectionsService
    ] = ConnectionsService.from_settings,
) -> ConnectStoresAction:
    """Add "Stores > Connect stores…" to ``window``'s menu bar; returns the action.

    ``service_factory`` is called once, on first opening. The app should give
    a factory returning the service whose ``credentials`` its connectors read,
    so that secrets kept for this run only reach them too.
    """
    action = ConnectStoresAction(window, service_factory)
    menu = window.menuBar().addMenu("&Stores")
    menu.addAction(action)
    return action
