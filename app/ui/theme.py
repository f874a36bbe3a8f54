"""Colours, sizes and wording shared by every window.

Read at arm's length on a warehouse monitor: large type, strong contrast, and
never colour alone (every state also has its words).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from app.domain.shipments import ShipmentState

BASE_POINT_SIZE = 12
ROW_HEIGHT = 34

LATE_COLOUR = "#b3261e"
MUTED_COLOUR = "#6b6f76"
OK_COLOUR = "#1e6b34"
WARNING_COLOUR = "#8a5300"


@dataclass(frozen=True, slots=True)
class StateColours:
    """Text and badge colours of one state."""

    foreground: str
    background: str


STATE_COLOURS: dict[ShipmentState, StateColours] = {
    ShipmentState.UNMATCHED: StateColours("#7a4100", "#ffe9c7"),
    ShipmentState.READY: StateColours("#0b4f8a", "#dcebfa"),
    ShipmentState.PACKED: StateColours("#4a2a85", "#ebe1fa"),
    ShipmentState.SHIPPED: StateColours("#1e5a5a", "#d9f1ef"),
    ShipmentState.SYNCED: StateColours("#1e6b34", "#ddf3e2"),
    ShipmentState.PROBLEM: StateColours("#ffffff", "#b3261e"),
    ShipmentState.CANCELLED: StateColours("#55585e", "#e6e7e9"),
}

#: States in which a missed deadline still matters.
DEADLINE_STATES = frozenset(
    {
        ShipmentState.UNMATCHED,
        ShipmentState.READY,
        ShipmentState.PACKED,
        ShipmentState.PROBLEM,
    }
)


def deadline_text(ship_by: datetime | None, now: datetime) -> str:
    """ "in 5 h", "LATE 2 d" ... short enough for a table cell."""
    if ship_by is None:
        return "no deadline"
    remaining = ship_by - now
    if remaining < timedelta(0):
        return f"LATE {_span(-remaining)}"
    return f"in {_span(remaining)}"


def _span(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 60:
        return f"{minutes} min"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} h"
    return f"{hours // 24} d {hours % 24} h"


STYLESHEET = f"""
QMainWindow, QDialog {{ background: #f7f7f8; }}
QTableView {{
    background: #ffffff;
    alternate-background-color: #f5f7fa;
    gridline-color: #e3e5e8;
    selection-background-color: #1f6feb;
    selection-color: #ffffff;
}}
QHeaderView::section {{
    background: #eceef1;
    padding: 6px 8px;
    border: none;
    border-right: 1px solid #d9dce1;
    font-weight: bold;
}}
QLineEdit, QComboBox {{
    padding: 6px 8px;
    border: 1px solid #b9bec6;
    border-radius: 4px;
    background: #ffffff;
    min-height: 24px;
}}
QLineEdit:focus, QComboBox:focus {{ border: 2px solid #1f6feb; }}
QPushButton {{
    padding: 8px 16px;
    border: 1px solid #9aa1ab;
    border-radius: 4px;
    background: #ffffff;
    min-height: 24px;
}}
QPushButton:default {{ background: #1f6feb; color: #ffffff; border-color: #1f6feb; }}
QPushButton:disabled {{ color: #9aa1ab; border-color: #d0d4da; }}
QPushButton:focus {{ border: 2px solid #0b3d91; }}
QLabel#pageTitle {{ font-size: {BASE_POINT_SIZE + 6}pt; font-weight: bold; }}
QLabel#stateBadge {{ padding: 4px 10px; border-radius: 4px; font-weight: bold; }}
QLabel#message {{ font-weight: bold; }}
QStatusBar QLabel {{ padding: 0 10px; }}
"""
