"""Keyboard-wedge scanners in the Qt app: one application-wide event filter.

How it works
------------
A wedge scanner types like a keyboard, so the first characters of a scan reach
Qt before anyone can know it is a scan. :class:`ScanEventFilter` therefore
*holds back* every printable key press aimed at the focused widget and feeds it
to the pure :class:`~app.domain.scanning.detector.ScanDetector`:

- if the burst turns out to be typing (a slow gap, a short burst, another key),
  the held key events are replayed, in order, to the widget they were aimed at,
  so typed text arrives untouched, at most ``idle_timeout_ms`` (50 ms) late;
- if it is a scan, its characters and its Enter/Tab are swallowed, so Enter
  never presses the focused button, and :attr:`ScanEventFilter.scanned` fires
  with the raw characters.

The filter only acts on the delivery of a key event to its *primary target* (the
focus widget, or the window when nothing has focus). Qt also shows the same event
to the filter when it is delivered to the window first and again when it
propagates to parents; acting once keeps characters from being counted twice.
Key releases of held presses are held too and replayed after their press, so a
button never sees a release before its press (a Space release would otherwise
leave it stuck down).

Time comes from an injectable clock (tests use a fake one and never sleep);
by default it is the event's own timestamp, taken when the OS produced the key,
so a busy GUI thread does not make queued typing look like a fast burst.

Shortcuts: Qt offers every key to shortcuts before delivering it. For printable
keys the filter claims the key (``ShortcutOverride`` accepted) so a scanned
letter can never fire a one-key shortcut.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain.scanning.detector import (
    Decision,
    DetectedScan,
    KeyInput,
    KeyKind,
    ScanDetector,
    StationSettings,
)
from app.domain.scanning.normalise import normalise_scan
from app.domain.scanning.recognise import ScanContext, ScanField, ScanResult, recognise

logger = logging.getLogger(__name__)

_MODIFIER_KEYS = frozenset(
    {
        Qt.Key.Key_Shift,
        Qt.Key.Key_Control,
        Qt.Key.Key_Alt,
        Qt.Key.Key_Meta,
        Qt.Key.Key_AltGr,
        Qt.Key.Key_CapsLock,
        Qt.Key.Key_NumLock,
    }
)
# With NumLock off, a scanner in "emulate keypad" mode types digits as keypad
# navigation keys with no text. Inside a fast burst they are read as the digits
# they stand for; as typing they are replayed as the arrow keys they are.
_KEYPAD_DIGITS = {
    Qt.Key.Key_Insert: "0",
    Qt.Key.Key_End: "1",
    Qt.Key.Key_Down: "2",
    Qt.Key.Key_PageDown: "3",
    Qt.Key.Key_Left: "4",
    Qt.Key.Key_Clear: "5",
    Qt.Key.Key_Right: "6",
    Qt.Key.Key_Home: "7",
    Qt.Key.Key_Up: "8",
    Qt.Key.Key_PageUp: "9",
}
NUMLOCK_NOTE = "Keypad digits arrived with NumLock off; turn NumLock on."

#: Set this dynamic property to True on a QLineEdit that should receive whole
#: scans as its text (a scan replaces the text; no Enter is delivered). Other
#: widgets never see a scan's characters; connect to ``scanned`` instead.
SCAN_TARGET_PROPERTY = "acceptsScans"

_COMMAND_MODIFIERS = (
    Qt.KeyboardModifier.ControlModifier
    | Qt.KeyboardModifier.AltModifier
    | Qt.KeyboardModifier.MetaModifier
)


@dataclass(frozen=True, slots=True)
class _HeldKey:
    """A held key press: where it was going and a copy of the event."""

    receiver: QObject
    event: QKeyEvent


def key_kind(event: QKeyEvent) -> KeyKind:
    """What the detector should make of a Qt key press."""
    key = event.key()
    if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
        return KeyKind.ENTER
    if key == Qt.Key.Key_Tab:
        return KeyKind.TAB
    if key in _MODIFIER_KEYS:
        return KeyKind.MODIFIER
    text = event.text()
    if text == "\x1d":
        # Scanners send the GS1 group separator as Ctrl+]; it is data.
        return KeyKind.CHAR
    if event.modifiers() & _COMMAND_MODIFIERS:
        # Ctrl+C and friends are commands, never scanned characters.
        return KeyKind.OTHER
    return KeyKind.CHAR if text and text.isprintable() else KeyKind.OTHER


class ScanEventFilter(QObject):
    """Application-wide filter telling scans from typing (see the module doc).

    Install once with :meth:`install`. Connect to :attr:`scanned` (or mark a
    line edit with :data:`SCAN_TARGET_PROPERTY`); the filter never changes what
    typed keys do.
    """

    #: Fires when a burst was a scan: the raw characters (no suffix), the
    #: :class:`~app.domain.scanning.detector.DetectedScan` with their timing, and
    #: the widget that had focus (``None`` if it is gone), for routing by field.
    scanned = Signal(str, object, object)

    def __init__(
        self,
        settings: StationSettings | None = None,
        *,
        clock: Callable[[], float] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.detector = ScanDetector(settings)
        self._clock = clock
        self._replaying = False
        self._held_releases: dict[int, list[_HeldKey]] = {}
        self._swallow_release: int | None = None
        self._target: QObject | None = None
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.timeout.connect(self.flush_idle)

    # --- public -------------------------------------------------------------------

    @property
    def settings(self) -> StationSettings:
        """The station's scanner settings in use."""
        return self.detector.settings

    def set_settings(self, settings: StationSettings) -> None:
        """Use new settings; a burst in progress is handed back as typing first."""
        self.flush_idle()
        self.detector = ScanDetector(settings)

    def install(self, app: QCoreApplication | None = None) -> None:
        """Filter every key event of the application."""
        target = app or QCoreApplication.instance()
        if target is not None:
            target.installEventFilter(self)

    def uninstall(self, app: QCoreApplication | None = None) -> None:
        """Stop filtering; held keys are handed back first."""
        self.flush_idle()
        target = app or QCoreApplication.instance()
        if target is not None:
            target.removeEventFilter(self)

    def flush_idle(self) -> None:
        """Decide the burst in progress now, as if the idle pause had passed."""
        self._idle.stop()
        self._apply(self.detector.flush())

    # --- Qt override --------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Hold, swallow or pass key events aimed at the focused widget."""
        if self._replaying:
            return False
        event_type = event.type()
        if event_type not in (
            QEvent.Type.KeyPress,
            QEvent.Type.KeyRelease,
            QEvent.Type.ShortcutOverride,
        ):
            return False
        if not isinstance(event, QKeyEvent) or not _is_primary_target(watched):
            return False

        if event_type == QEvent.Type.ShortcutOverride:
            return self._on_shortcut_override(event)
        if event_type == QEvent.Type.KeyRelease:
            return self._on_key_release(watched, event)
        return self._on_key_press(watched, event)

    # --- the steps ----------------------------------------------------------------

    def _on_shortcut_override(self, event: QKeyEvent) -> bool:
        kind = key_kind(event)
        if kind is KeyKind.CHAR or (
            kind is not KeyKind.OTHER and self.detector.pending
        ):
            # Accepting the override tells Qt the key is text for the widget, so
            # the key press reaches us instead of firing a shortcut.
            event.accept()
            return True
        return False

    def _on_key_press(self, watched: QObject, event: QKeyEvent) -> bool:
        if event.isAutoRepeat():
            return False
        self._target = watched
        held = _HeldKey(watched, _copy(event))
        key = KeyInput(event.text(), self._now(event), key_kind(event), held)
        keypad_digit = _keypad_digit(event)
        if keypad_digit is not None:
            key = replace(key, text=keypad_digit, kind=KeyKind.CHAR, note=NUMLOCK_NOTE)
        decision = self.detector.feed(key)
        self._apply(decision)

        if self.detector.pending:
            self._idle.start(max(1, round(self.settings.idle_timeout_ms)))
        else:
            self._idle.stop()
        if decision.swallow:
            self._swallow_release = event.key()
        return decision.hold or decision.swallow

    def _on_key_release(self, watched: QObject, event: QKeyEvent) -> bool:
        if event.isAutoRepeat():
            return False
        key = event.key()
        if self._swallow_release == key:
            self._swallow_release = None
            return True
        if self.detector.pending and self._is_held_key(key):
            held = _HeldKey(watched, _copy(event))
            self._held_releases.setdefault(key, []).append(held)
            return True
        return False

    def _is_held_key(self, key: int) -> bool:
        return any(
            isinstance(k.token, _HeldKey) and k.token.event.key() == key
            for k in self.detector.held
        )

    def _apply(self, decision: Decision) -> None:
        """Replay typed keys, then report a scan."""
        for key in decision.typed:
            if isinstance(key.token, _HeldKey):
                self._replay(key.token)
        if decision.scan is not None:
            self._held_releases.clear()
            self._emit_scan(decision.scan)

    def _replay(self, held: _HeldKey) -> None:
        """Deliver a held press (and its held release) to where it was aimed."""
        releases = self._held_releases.get(held.event.key(), [])
        release = releases.pop(0) if releases else None
        self._replaying = True
        try:
            for item in (held, release):
                if item is not None and shiboken6.isValid(item.receiver):
                    QCoreApplication.sendEvent(item.receiver, item.event)
        finally:
            self._replaying = False

    def _emit_scan(self, scan: DetectedScan) -> None:
        target = self._target if shiboken6.isValid(self._target) else None
        self._target = None
        logger.debug("Scan detected (%d characters)", len(scan.raw))
        if isinstance(target, QLineEdit) and target.property(SCAN_TARGET_PROPERTY):
            target.setText(scan.raw)
        self.scanned.emit(scan.raw, scan, target)

    def _now(self, event: QKeyEvent) -> float:
        if self._clock is not None:
            return self._clock()
        stamp = event.timestamp()
        return float(stamp) if stamp else time.monotonic() * 1000.0


def _keypad_digit(event: QKeyEvent) -> str | None:
    """The digit a text-less keypad navigation key stands for, if it is one."""
    if event.text() or not event.modifiers() & Qt.KeyboardModifier.KeypadModifier:
        return None
    return _KEYPAD_DIGITS.get(Qt.Key(event.key()))


def _is_primary_target(watched: QObject) -> bool:
    """Whether this delivery is the first one to a widget (see the module doc)."""
    if not isinstance(watched, QWidget):
        return False
    focus = QApplication.focusWidget()
    if focus is None:
        return watched.isWindow()
    return watched is focus


def _copy(event: QKeyEvent) -> QKeyEvent:
    """A copy that outlives the event: Qt deletes or reuses the original."""
    return QKeyEvent(
        event.type(),
        event.key(),
        event.modifiers(),
        event.nativeScanCode(),
        event.nativeVirtualKey(),
        event.nativeModifiers(),
        event.text(),
        event.isAutoRepeat(),
        event.count(),
    )


# --- the scan check page ------------------------------------------------------------


class ScanCheckPage(QWidget):
    """A page for setting up a bench: scan something and see what the bench reads.

    Shows the raw characters with their timing, the cleaned value, what it was
    recognised as, and the warnings. Feed it from :attr:`ScanEventFilter.scanned`
    (connect with :meth:`connect_filter`) or call :meth:`show_scan` directly.
    The field picker chooses how scans are read (tracking, product or order).
    """

    def __init__(
        self,
        context: ScanContext | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._context = context or ScanContext(field=ScanField.TRACKING)
        self.field_picker = QComboBox()
        self.field_picker.addItems([f.value for f in ScanField])
        self.field_picker.setCurrentText(self._context.field.value)
        self.field_picker.currentTextChanged.connect(self._on_field_picker_changed)
        self.raw_label = QLabel()
        self.timing_label = QLabel()
        self.characters_view = QPlainTextEdit()
        self.cleaned_label = QLabel()
        self.value_label = QLabel()
        self.recognised_label = QLabel()
        self.warnings_view = QPlainTextEdit()
        self.last_result: ScanResult | None = None
        self._build()

    def _build(self) -> None:
        intro = QLabel("Scan a label or product. The bench shows what it reads.")
        intro.setWordWrap(True)
        for view in (self.characters_view, self.warnings_view):
            view.setReadOnly(True)
        for label in (self.raw_label, self.cleaned_label, self.value_label):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        form = QFormLayout()
        form.addRow("Read scans as:", self.field_picker)
        form.addRow("Raw characters:", self.raw_label)
        form.addRow("Timing:", self.timing_label)
        form.addRow("Each character:", self.characters_view)
        form.addRow("Cleaned:", self.cleaned_label)
        form.addRow("Value:", self.value_label)
        form.addRow("Recognised as:", self.recognised_label)
        form.addRow("Warnings:", self.warnings_view)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)

    def set_context(self, context: ScanContext) -> None:
        """Use another context (field, order ZIP, catalog) for the next scans."""
        self._context = context
        self.field_picker.setCurrentText(context.field.value)

    def connect_filter(self, scan_filter: ScanEventFilter) -> None:
        """Show every scan the filter detects."""
        scan_filter.scanned.connect(self._on_filter_scanned)

    def _on_filter_scanned(self, raw: str, scan: object, _target: object) -> None:
        self.show_scan(raw, scan if isinstance(scan, DetectedScan) else None)

    def _on_field_picker_changed(self, text: str) -> None:
        self._context = replace(self._context, field=ScanField(text))

    def show_scan(self, raw: str, scan: DetectedScan | None = None) -> ScanResult:
        """Read ``raw`` in the page's context and show everything about it."""
        result = recognise(raw, self._context)
        self.last_result = result
        self.raw_label.setText(_visible(raw))
        self.timing_label.setText(_timing(scan))
        self.characters_view.setPlainText(_characters(raw, scan))
        cleaned = normalise_scan(raw, self._context.options).text
        self.cleaned_label.setText(_visible(cleaned))
        self.value_label.setText(result.value or "(none)")
        self.recognised_label.setText(_recognised(result))

        notes = scan.notes if scan is not None else ()
        lines = [result.message, *result.warnings, *notes]
        if result.suggestion:
            lines.append(f"Suggested value: {result.suggestion}")
        self.warnings_view.setPlainText("\n".join(line for line in lines if line))
        return result


def _characters(raw: str, scan: DetectedScan | None) -> str:
    """One line per character with the gap before it, to spot drops and doubles."""
    gaps: tuple[float | None, ...] = (None,)
    if scan is not None and len(scan.times_ms) == len(raw):
        gaps = (None, *scan.gaps_ms)
    lines = []
    for index, char in enumerate(raw):
        gap = gaps[index] if index < len(gaps) else None
        timing = "" if gap is None else f"  +{gap:.0f} ms"
        lines.append(f"{index + 1:>3}  {_visible(char)}{timing}")
    return "\n".join(lines)


def _visible(raw: str) -> str:
    """Control characters made visible (GS as <GS>)."""
    return "".join(
        "<GS>" if ch == "\x1d" else ch if ch.isprintable() else f"<0x{ord(ch):02X}>"
        for ch in raw
    )


def _timing(scan: DetectedScan | None) -> str:
    if scan is None or not scan.times_ms:
        return "(typed or pasted)"
    gaps = scan.gaps_ms
    mean = sum(gaps) / len(gaps) if gaps else 0.0
    ending = scan.terminator.value if scan.terminator else "no suffix"
    return (
        f"{len(scan.raw)} characters in {scan.duration_ms:.0f} ms, "
        f"mean gap {mean:.1f} ms, longest {max(gaps, default=0.0):.0f} ms, "
        f"ended by {ending}"
    )


def _recognised(result: ScanResult) -> str:
    parts = [str(result.recognised_as), "valid" if result.valid else "NOT valid"]
    for label, value in (
        ("carrier", result.carrier),
        ("ZIP", result.destination_zip),
        ("GTIN", result.gtin),
        ("SKU", result.sku),
        ("lot", result.lot),
        ("symbology", result.symbology),
    ):
        if value:
            parts.append(f"{label} {value}")
    return ", ".join(parts)
