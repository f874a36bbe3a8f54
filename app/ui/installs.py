"""Every feature's part of the main window, installed in one place."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QDialog, QVBoxLayout

from app.domain.scanning.detector import StationSettings
from app.services.connections import ConnectionsService
from app.services.runtime import Runtime
from app.ui.keyring_notice import install_keyring_notice
from app.ui.main_window import MainWindow
from app.ui.pack_station import install_pack_station
from app.ui.reports_view import install_reports_view
from app.ui.samples_view import install_samples_view
from app.ui.scanner import ScanCheckPage, ScanEventFilter
from app.ui.setup_wizard import install_setup_wizard
from app.ui.sync_panel import SyncInstall, install_sync


@dataclass(frozen=True, slots=True)
class Installed:
    """What :func:`install_everything` set up that lives beyond the window."""

    scanner: ScanEventFilter
    sync: SyncInstall

    def remove(self) -> None:
        """Stop the sync rounds and take the scanner filter off the application."""
        self.sync.controller.stop()
        self.scanner.uninstall()


def install_everything(
    window: MainWindow, runtime: Runtime, *, sync_interval_ms: int | None = None
) -> Installed:
    """The scanner, the pack station, samples, reports, store set-up and sync."""
    app = QApplication.instance()
    scanner = ScanEventFilter(StationSettings.usb(), parent=app)
    scanner.scanned.connect(window.on_scanned)
    scanner.install(app)
    install_pack_station(window, scanner)
    install_scanner_check(window, scanner)
    install_samples_view(window, reviewer=runtime.reviewer)
    install_reports_view(window)
    install_setup_wizard(window, lambda: ConnectionsService(runtime.credentials))
    install_keyring_notice(window, lambda: runtime.credentials)
    outage = runtime.demo.set_outage if runtime.demo is not None else None
    sync = install_sync(
        window,
        runtime.engine,
        set_outage=outage,
        **({"interval_ms": sync_interval_ms} if sync_interval_ms else {}),
    )
    return Installed(scanner, sync)


def install_scanner_check(window: MainWindow, scanner: ScanEventFilter) -> QAction:
    """Add Bench > Scanner check…: scan anything and see what the bench reads."""
    holder: list[QDialog] = []

    def open_check() -> None:
        if not holder:
            dialog = QDialog(window)
            dialog.setWindowTitle("Scanner check")
            dialog.resize(760, 640)
            page = ScanCheckPage(parent=dialog)
            page.connect_filter(scanner)
            QVBoxLayout(dialog).addWidget(page)
            holder.append(dialog)
        holder[0].show()
        holder[0].raise_()

    action = QAction("Scanner &check…", window)
    action.setShortcut(QKeySequence("Ctrl+Shift+K"))
    action.triggered.connect(open_check)
    window.addAction(action)
    window.bench_menu.insertAction(window.quit_action, action)
    return action
