"""Every feature's part of the main window, installed in one place."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from app.domain.scanning.detector import StationSettings
from app.services.connections import ConnectionsService
from app.services.runtime import Runtime
from app.ui.keyring_notice import install_keyring_notice
from app.ui.main_window import MainWindow
from app.ui.pack_station import install_pack_station
from app.ui.reports_view import install_reports_view
from app.ui.samples_view import install_samples_view
from app.ui.scanner import ScanEventFilter
from app.ui.setup_wizard import install_setup_wizard
from app.ui.sync_panel import SyncInstall, install_sync


def install_everything(
    window: MainWindow, runtime: Runtime, *, sync_interval_ms: int | None = None
) -> SyncInstall:
    """The scanner, the pack station, samples, reports, store set-up and sync."""
    app = QApplication.instance()
    scanner = ScanEventFilter(StationSettings.usb(), parent=app)
    scanner.scanned.connect(window.on_scanned)
    scanner.install(app)
    install_pack_station(window, scanner)
    install_samples_view(window, reviewer=runtime.reviewer)
    install_reports_view(window)
    install_setup_wizard(window, lambda: ConnectionsService(runtime.credentials))
    install_keyring_notice(window, lambda: runtime.credentials)
    outage = runtime.demo.set_outage if runtime.demo is not None else None
    return install_sync(
        window,
        runtime.engine,
        set_outage=outage,
        **({"interval_ms": sync_interval_ms} if sync_interval_ms else {}),
    )
