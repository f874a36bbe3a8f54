"""The right-hand pane: one shipment's recipient, items, deadline and history."""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from app.domain.shipments import STATE_LABELS
from app.services.dto import ShipmentDetail
from app.ui import theme


class DetailPane(QScrollArea):
    """Shows a :class:`ShipmentDetail`, or a hint when nothing is selected."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setMinimumWidth(340)
        # Everything wraps; a sideways scroll bar would only hide text.
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(10)

        self.title = QLabel("Select an order")
        self.title.setObjectName("pageTitle")
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.badge = QLabel()
        self.badge.setObjectName("stateBadge")
        self.deadline = QLabel()
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(f"color: {theme.LATE_COLOUR}; font-weight: bold;")
        self.recipient = _section_label()
        self.items = _section_label()
        self.history = _section_label()

        for widget in (self.title, self.badge, self.deadline, self.problem):
            layout.addWidget(widget)
        layout.addWidget(_heading("Ship to"))
        layout.addWidget(self.recipient)
        layout.addWidget(_heading("Items"))
        layout.addWidget(self.items)
        layout.addWidget(_heading("History"))
        layout.addWidget(self.history)
        layout.addStretch(1)
        self.setWidget(body)
        self.show_detail(None)

    def show_detail(
        self, detail: ShipmentDetail | None, now: datetime | None = None
    ) -> None:
        """Fill the pane with ``detail``; ``None`` shows the empty hint."""
        for widget in (self.badge, self.deadline, self.problem):
            widget.setVisible(detail is not None)
        if detail is None:
            self.title.setText("Select an order")
            self.recipient.setText("Use ↑ and ↓ in the queue, or scan an order.")
            self.items.clear()
            self.history.clear()
            return

        row = detail.row
        kind = "Giveaway" if row.kind.value == "giveaway" else "Free sample"
        self.title.setText(f"{kind}<br>{row.order_id}")
        colours = theme.STATE_COLOURS[row.state]
        self.badge.setText(
            STATE_LABELS[row.state] + ("  ·  ON HOLD" if row.on_hold else "")
        )
        self.badge.setStyleSheet(
            f"color: {colours.foreground}; background: {colours.background};"
        )
        self.deadline.setText(_deadline(detail, now or datetime.now(UTC)))
        self.problem.setText(row.problem)
        self.problem.setVisible(bool(row.problem))
        self.recipient.setText(_recipient_html(detail))
        self.items.setText(_items_html(detail))
        self.history.setText(_history_html(detail))


def _heading(text: str) -> QLabel:
    label = QLabel(text.upper())
    label.setStyleSheet(
        f"color: {theme.MUTED_COLOUR}; font-weight: bold; margin-top: 8px;"
    )
    return label


def _section_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
    return label


def _deadline(detail: ShipmentDetail, now: datetime) -> str:
    ship_by = detail.row.ship_by
    if ship_by is None:
        return "No ship-by deadline from TikTok."
    local = ship_by.astimezone()
    return f"Ship by {local:%a %d %b %H:%M} ({theme.deadline_text(ship_by, now)})"


def _recipient_html(detail: ShipmentDetail) -> str:
    if not detail.row.recipient and not detail.address:
        return "<i>The winner has not given an address yet.</i>"
    parts = [f"<b>{escape(detail.row.recipient)}</b>", escape(detail.address)]
    if detail.buyer_message:
        parts.append(f"<i>“{escape(detail.buyer_message)}”</i>")
    return "<br>".join(part for part in parts if part)


def _items_html(detail: ShipmentDetail) -> str:
    rows = []
    for line in detail.lines:
        if line.matched_sku:
            target = (
                f"<b>{escape(line.matched_sku)}</b> {escape(line.matched_title or '')}"
            )
        else:
            target = (
                f"<span style='color:{theme.LATE_COLOUR}'><b>not matched</b></span>"
            )
        rows.append(
            f"{escape(line.product_name or '(no title)')}<br>"
            f"<span style='color:{theme.MUTED_COLOUR}'>TikTok product "
            f"{escape(line.product_id)} · SKU {escape(line.sku_id)}</span>"
            f"<br>→ {target}"
        )
    return "<br><br>".join(rows)


def _history_html(detail: ShipmentDetail) -> str:
    if not detail.history:
        return "<i>No history yet.</i>"
    rows = []
    for entry in detail.history[:30]:
        change = ""
        if entry.old_value or entry.new_value:
            change = (
                f": {escape(entry.old_value or '—')} → {escape(entry.new_value or '—')}"
            )
        note = f" ({escape(entry.detail)})" if entry.detail else ""
        rows.append(
            f"{entry.at.astimezone():%d %b %H:%M} · {escape(entry.user)}@"
            f"{escape(entry.station)} · <b>{escape(entry.action)}</b>{change}{note}"
        )
    return "<br>".join(rows)
