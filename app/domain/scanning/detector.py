"""Telling a keyboard-wedge scan from typing, one key at a time.

A USB or Bluetooth scanner in keyboard mode types its data like a very fast
typist, usually followed by Enter. :class:`ScanDetector` is fed timed key events
and decides, burst by burst:

- a new burst starts when the gap since the previous key exceeds ``max_gap_ms``;
- a burst ends at the configured suffix key (Enter or Tab), or after
  ``idle_timeout_ms`` without keys;
- a burst is a scan when it has at least ``min_length`` characters, a mean gap
  of at most ``max_mean_gap_ms`` and lasts at most ``max_duration_ms`` (or, with
  a required prefix, when it starts with that prefix);
- anything else is typing.

Because the first characters arrive before anyone can know it is a scan, every
character is *held* until its burst is decided. Held keys of a typing burst are
handed back in order (the UI replays them into the focused widget); the keys of
a scan and its terminating Enter are swallowed, so Enter never presses the
focused button. Typing is delayed by at most ``idle_timeout_ms`` (50 ms on the
USB profile), which a person does not notice.

The detector is pure: time comes in with each event, so tests feed
``(character, milliseconds)`` streams without sleeping.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from app.domain.scanning.normalise import NormaliseOptions

logger = logging.getLogger(__name__)


class KeyKind(StrEnum):
    """What a key event is, as far as scan detection cares."""

    CHAR = "char"
    ENTER = "enter"
    TAB = "tab"
    MODIFIER = "modifier"
    OTHER = "other"


class Suffix(StrEnum):
    """The key a scanner sends after each code."""

    ENTER = "enter"
    TAB = "tab"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class StationSettings:
    """How the scanner on this bench is set up; see the module docstring.

    Start from :meth:`usb` or :meth:`bluetooth`: Bluetooth HID is burstier than
    USB, so its gaps may reach 60-120 ms.
    """

    profile: str = "USB"
    max_gap_ms: float = 50.0
    max_mean_gap_ms: float = 35.0
    max_duration_ms: float = 1500.0
    min_length: int = 6
    suffix: Suffix = Suffix.ENTER
    prefix: str = ""
    require_prefix: bool = False
    gs_substitutes: tuple[str, ...] = ()
    check_digit_dropped: bool = False
    duplicate_window_ms: float = 300.0

    @classmethod
    def usb(cls, **changes: Any) -> StationSettings:
        """Defaults for a USB keyboard-wedge scanner."""
        return replace(cls(), **changes)

    @classmethod
    def bluetooth(cls, **changes: Any) -> StationSettings:
        """Defaults for a Bluetooth keyboard-wedge scanner."""
        base = cls(
            profile="Bluetooth",
            max_gap_ms=120.0,
            max_mean_gap_ms=60.0,
            max_duration_ms=2500.0,
        )
        return replace(base, **changes)

    @property
    def idle_timeout_ms(self) -> float:
        """How long a burst may pause before it is decided without a suffix."""
        if self.suffix is Suffix.NONE:
            return self.max_gap_ms * 3
        return self.max_gap_ms

    def normalise_options(self) -> NormaliseOptions:
        """The cleaning options these settings imply."""
        return NormaliseOptions(prefix=self.prefix, gs_substitutes=self.gs_substitutes)


@dataclass(frozen=True, slots=True)
class KeyInput:
    """One key press: its text, its time in ms and its kind.

    ``token`` is carried through untouched; the UI puts the original event there
    so it can replay held keys. ``note`` says something odd about how the key
    arrived (e.g. a keypad digit with NumLock off); a scan reports its notes.
    """

    text: str
    t_ms: float
    kind: KeyKind = KeyKind.CHAR
    token: object = field(default=None, compare=False)
    note: str = ""


@dataclass(frozen=True, slots=True)
class DetectedScan:
    """A burst that was a scan: the raw characters (no suffix) and their times.

    ``repeat`` is True when the same code was scanned within the station's
    ``duplicate_window_ms`` (a trigger bounce or re-read); the screen decides
    whether that counts, because a clerk may scan twice on purpose for two items.
    """

    raw: str
    times_ms: tuple[float, ...]
    terminator: KeyKind | None = None
    repeat: bool = False
    notes: tuple[str, ...] = ()

    @property
    def gaps_ms(self) -> tuple[float, ...]:
        """Time between consecutive characters."""
        return tuple(
            b - a for a, b in zip(self.times_ms, self.times_ms[1:], strict=False)
        )

    @property
    def duration_ms(self) -> float:
        """Time from the first character to the last."""
        return self.times_ms[-1] - self.times_ms[0] if self.times_ms else 0.0


@dataclass(frozen=True, slots=True)
class Decision:
    """What to do after one event.

    First hand ``typed`` back to the focused widget, in order, and report
    ``scan`` if there is one. Then the event itself is held (``hold``), eaten as
    the scan's terminator (``swallow``), or delivered normally (neither).
    """

    typed: tuple[KeyInput, ...] = ()
    scan: DetectedScan | None = None
    hold: bool = False
    swallow: bool = False


class ScanDetector:
    """Feeds on timed key events and decides scan or typing; see the module doc."""

    def __init__(self, settings: StationSettings | None = None) -> None:
        self.settings = settings or StationSettings()
        self._held: list[KeyInput] = []
        self._last_scan: DetectedScan | None = None

    @property
    def pending(self) -> bool:
        """Whether keys are held, waiting for their burst to be decided."""
        return bool(self._held)

    @property
    def held(self) -> tuple[KeyInput, ...]:
        """The keys held in the current burst, oldest first."""
        return tuple(self._held)

    def idle_deadline_ms(self) -> float | None:
        """When :meth:`flush` should be called if no other key arrives."""
        if not self._held:
            return None
        return self._held[-1].t_ms + self.settings.idle_timeout_ms

    def feed(self, key: KeyInput) -> Decision:
        """Take one key press and say what to do with it."""
        if key.kind is KeyKind.MODIFIER:
            # Shift arrives before every upper-case letter a scanner sends.
            return Decision()
        if key.kind is KeyKind.CHAR and key.text:
            return self._feed_char(key)
        if key.kind in (KeyKind.ENTER, KeyKind.TAB):
            return self._feed_terminator(key)
        return Decision(typed=self._release())

    def flush(self, now_ms: float | None = None) -> Decision:
        """End the current burst after an idle pause (or now, if no time given)."""
        deadline = self.idle_deadline_ms()
        if deadline is None or (now_ms is not None and now_ms < deadline):
            return Decision()
        if self.settings.suffix is Suffix.NONE and self._qualifies():
            return Decision(scan=self._take_scan(None))
        return Decision(typed=self._release())

    # --- the steps ------------------------------------------------------------------

    def _feed_char(self, key: KeyInput) -> Decision:
        ended = Decision()
        if self._held and key.t_ms - self._held[-1].t_ms > self.settings.max_gap_ms:
            ended = self.flush()
        elif (
            self._held and key.t_ms - self._held[0].t_ms > self.settings.max_duration_ms
        ):
            ended = Decision(typed=self._release())

        self._held.append(key)
        if not self._could_be_prefixed():
            return Decision(typed=ended.typed + self._release()[:-1], scan=ended.scan)
        return Decision(typed=ended.typed, scan=ended.scan, hold=True)

    def _feed_terminator(self, key: KeyInput) -> Decision:
        if not self._held:
            return Decision()
        expected = self.settings.suffix
        in_time = key.t_ms - self._held[-1].t_ms <= self.settings.max_gap_ms
        if in_time and self._qualifies():
            if expected.value == key.kind.value:
                return Decision(scan=self._take_scan(key.kind), swallow=True)
            if expected is Suffix.NONE:
                # The scanner sends no suffix, so this key came from a person.
                return Decision(scan=self._take_scan(None))
        return Decision(typed=self._release())

    def _qualifies(self) -> bool:
        held, settings = self._held, self.settings
        text = "".join(key.text for key in held)
        if settings.require_prefix and settings.prefix:
            prefix = settings.prefix.casefold()
            return text.casefold().startswith(prefix) and len(text) > len(prefix)
        if len(text) < settings.min_length:
            return False

        duration = held[-1].t_ms - held[0].t_ms
        mean_gap = duration / (len(held) - 1) if len(held) > 1 else 0.0
        return (
            duration <= settings.max_duration_ms
            and mean_gap <= settings.max_mean_gap_ms
        )

    def _could_be_prefixed(self) -> bool:
        """With a required prefix, typing that cannot start it is not held at all."""
        settings = self.settings
        if not (settings.require_prefix and settings.prefix):
            return True
        text = "".join(key.text for key in self._held).casefold()
        prefix = settings.prefix.casefold()
        return text.startswith(prefix) or prefix.startswith(text)

    def _take_scan(self, terminator: KeyKind | None) -> DetectedScan:
        held, self._held = self._held, []
        raw = "".join(key.text for key in held)
        previous = self._last_scan
        repeat = (
            previous is not None
            and previous.raw == raw
            and held[0].t_ms - previous.times_ms[-1]
            <= self.settings.duplicate_window_ms
        )
        scan = DetectedScan(
            raw=raw,
            times_ms=tuple(key.t_ms for key in held),
            terminator=terminator,
            repeat=repeat,
            notes=tuple(dict.fromkeys(key.note for key in held if key.note)),
        )
        self._last_scan = scan
        logger.debug("Scan of %d characters in %.0f ms", len(held), scan.duration_ms)
        return scan

    def _release(self) -> tuple[KeyInput, ...]:
        held, self._held = self._held, []
        return tuple(held)
