"""A notice in the main window's status bar when secrets cannot be kept.

At start the keyring is checked in the background (it may wait on an unlock
prompt); when it cannot keep secrets, the status bar says so in words, with the
keyring backend found, and points to Stores > Connect stores…, where the
supervisor can retry or choose to keep secrets for this run only.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtWidgets import QLabel, QMainWindow

from app.services.credentials import BackendStatus, CredentialsService
from app.ui import theme
from app.ui.tasks import Lane, run_in_background

logger = logging.getLogger(__name__)


class KeyringNotice(QLabel):
    """The status-bar label; hidden while the keyring works."""

    def __init__(self) -> None:
        super().__init__("")
        self.setObjectName("keyringNotice")
        self.setWordWrap(False)
        self.setStyleSheet(
            f"color: {theme.LATE_COLOUR}; font-weight: bold; padding: 0 10px;"
        )
        self.setVisible(False)

    def show_status(self, status: BackendStatus) -> None:
        """Say what is wrong, or hide when nothing is."""
        if status.usable:
            self.setVisible(False)
            return
        # Short: the status bar is shared; the tooltip says the rest.
        self.setText("⚠ No keyring: secrets not saved")
        self.setToolTip(f"{status.message}\n\n{status.way_forward}")
        self.setVisible(True)

    def show_failure(self, error: BaseException) -> None:
        """The check itself failed: say so, and log why."""
        logger.warning("Keyring check failed at start", exc_info=error)
        self.setText("⚠ Keyring not checked")
        self.setToolTip(
            "The keyring could not be checked. See Stores > Connect stores…"
        )
        self.setVisible(True)


def install_keyring_notice(
    window: QMainWindow,
    credentials_factory: Callable[[], CredentialsService] = (
        CredentialsService.from_settings
    ),
) -> KeyringNotice:
    """Add the notice to ``window``'s status bar and start the check."""
    notice = KeyringNotice()
    window.statusBar().addPermanentWidget(notice)

    def check() -> BackendStatus:
        return credentials_factory().check_backend()

    run_in_background(check, notice.show_status, notice.show_failure, lane=Lane.NETWORK)
    return notice
