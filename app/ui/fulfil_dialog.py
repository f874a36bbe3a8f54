"""The Fulfil form: carrier and tracking number, checked as the clerk types."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain.tracking import TrackingCheck, check_tracking_number
from app.services.dto import QueueRow
from app.ui import theme

DETECT = "Detect from number"
CARRIERS = (DETECT, "USPS", "UPS", "FedEx", "DHL Express", "Amazon", "OnTrac")


class FulfilDialog(QDialog):
    """Ask for the tracking number of one shipment; read the values after OK."""

    def __init__(
        self, row: QueueRow, *, postal_code: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Fulfil order {row.order_id}")
        self.setMinimumWidth(640)
        self._postal_code = postal_code or None
        self._check: TrackingCheck | None = None

        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        title = QLabel("Scan or type the tracking number")
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        summary = QLabel(
            f"<b>{row.recipient or '(no address)'}</b> · {row.item} → {row.sku}"
        )
        summary.setWordWrap(True)
        layout.addWidget(summary)

        form = QFormLayout()
        form.setSpacing(10)
        self.tracking = QLineEdit()
        self.tracking.setPlaceholderText("for example 1Z999AA10123456784")
        self.tracking.textChanged.connect(self._on_input_changed)
        self.carrier = QComboBox()
        self.carrier.addItems(CARRIERS)
        self.carrier.currentIndexChanged.connect(self._on_input_changed)
        form.addRow("&Tracking number:", self.tracking)
        form.addRow("&Carrier:", self.carrier)
        layout.addLayout(form)

        self.message = QLabel(" ")
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save
            | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText("Save and ship (Enter)")
        self.save_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

        self._on_input_changed()
        self.tracking.setFocus()

    def tracking_number(self) -> str:
        """What the clerk entered, as typed (the service normalises it)."""
        return self.tracking.text()

    def carrier_name(self) -> str | None:
        """The chosen carrier, or ``None`` to detect it from the number."""
        name = self.carrier.currentText()
        return None if name == DETECT else name

    def accept(self) -> None:
        if self._check is None or not self._check.valid:
            self.tracking.setFocus()
            return
        super().accept()

    def _on_input_changed(self) -> None:
        text = self.tracking.text()
        if not text.strip():
            self._check = None
            self._say(
                "Scan the label's barcode, or type the number.", theme.MUTED_COLOUR
            )
            self.save_button.setEnabled(False)
            return
        check = check_tracking_number(
            text, carrier_hint=self.carrier_name(), order_zip=self._postal_code
        )
        self._check = check
        self.save_button.setEnabled(check.valid)
        if not check.valid:
            self._say(check.message, theme.LATE_COLOUR)
        elif check.warnings:
            self._say("⚠ " + " ".join(check.warnings), theme.WARNING_COLOUR)
        else:
            carrier = check.carrier or self.carrier_name() or "carrier not recognised"
            self._say(f"✓ {check.value} ({carrier})", theme.OK_COLOUR)

    def _say(self, text: str, colour: str) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(f"color: {colour};")
