"""Scan vs typing from timed key streams: bench cases C22 and C23."""

from __future__ import annotations

from app.domain.scanning.detector import (
    Decision,
    KeyInput,
    KeyKind,
    ScanDetector,
    StationSettings,
    Suffix,
)


def stream(
    text: str, gap_ms: float, *, start: float = 0.0, end: KeyKind | None = None
) -> list[KeyInput]:
    """Characters ``gap_ms`` apart, optionally ended by Enter/Tab at that pace."""
    keys = [KeyInput(ch, start + i * gap_ms) for i, ch in enumerate(text)]
    if end is not None:
        keys.append(KeyInput("", start + len(text) * gap_ms, end))
    return keys


def run(detector: ScanDetector, keys: list[KeyInput]) -> list[Decision]:
    return [detector.feed(key) for key in keys]


def scans(decisions: list[Decision]) -> list[str]:
    return [d.scan.raw for d in decisions if d.scan is not None]


def typed(decisions: list[Decision]) -> str:
    """What reached the widget: released keys plus keys delivered directly."""
    return "".join(key.text for d in decisions for key in d.typed)


def test_c22_clean_stream_is_exactly_one_scan() -> None:
    detector = ScanDetector()
    decisions = run(detector, stream("6427015058088", 8, end=KeyKind.ENTER))

    assert scans(decisions) == ["6427015058088"]
    assert typed(decisions) == ""
    assert all(d.hold for d in decisions[:-1])
    assert decisions[-1].swallow
    assert not detector.pending


def test_c22_scan_keeps_character_order_even_with_equal_timestamps() -> None:
    # A busy event loop delivers queued keys with the same time.
    keys = [KeyInput(ch, 100.0) for ch in "6427015058088"]
    decisions = run(ScanDetector(), [*keys, KeyInput("", 100.0, KeyKind.ENTER)])

    assert scans(decisions) == ["6427015058088"]


def test_c23a_typing_at_140ms_is_typing_and_enter_passes() -> None:
    detector = ScanDetector()
    decisions = run(detector, stream("GS-30", 140, end=KeyKind.ENTER))

    assert scans(decisions) == []
    assert typed(decisions) == "GS-30"
    assert not decisions[-1].swallow and not decisions[-1].hold


def test_c23a_typing_is_handed_back_in_order_one_key_at_a_time() -> None:
    detector = ScanDetector()
    decisions = run(detector, stream("GS-30", 140))

    assert [key.text for d in decisions for key in d.typed] == ["G", "S", "-", "3"]
    assert detector.flush(now_ms=4 * 140 + 49).typed == ()
    assert [k.text for k in detector.flush(now_ms=4 * 140 + 50).typed] == ["0"]


def test_c23b_scan_at_9ms_swallows_enter() -> None:
    decisions = run(ScanDetector(), stream("0036000291452", 9, end=KeyKind.ENTER))

    assert scans(decisions) == ["0036000291452"]
    assert decisions[-1].swallow


def test_c23c_two_fast_characters_are_typing() -> None:
    detector = ScanDetector()
    decisions = run(detector, stream("ab", 10, end=KeyKind.ENTER))

    assert scans(decisions) == []
    assert typed(decisions) == "ab"
    assert not decisions[-1].swallow


def test_c23c_two_fast_characters_without_enter_are_typing_after_idle() -> None:
    detector = ScanDetector()
    run(detector, stream("ab", 10))

    assert "".join(k.text for k in detector.flush().typed) == "ab"


def test_fast_typist_burst_slower_than_mean_gap_is_typing() -> None:
    # 45 ms gaps stay inside one burst (< 50 ms) but average above 35 ms.
    decisions = run(ScanDetector(), stream("ABCDEFGH", 45, end=KeyKind.ENTER))

    assert scans(decisions) == []
    assert typed(decisions) == "ABCDEFGH"


def test_late_enter_is_a_person_pressing_enter() -> None:
    detector = ScanDetector()
    decisions = run(detector, stream("0036000291452", 8))
    late_enter = detector.feed(KeyInput("", 12 * 8 + 200, KeyKind.ENTER))

    assert scans([*decisions, late_enter]) == []
    assert not late_enter.swallow


def test_scan_after_typing_is_split_by_the_gap() -> None:
    detector = ScanDetector()
    keys = [*stream("x", 0), *stream("0036000291452", 8, start=500, end=KeyKind.ENTER)]
    decisions = run(detector, keys)

    assert typed(decisions) == "x"
    assert scans(decisions) == ["0036000291452"]


def test_tab_suffix() -> None:
    detector = ScanDetector(StationSettings.usb(suffix=Suffix.TAB))

    tab = run(detector, stream("0036000291452", 8, end=KeyKind.TAB))
    enter = run(detector, stream("0036000291452", 8, start=999, end=KeyKind.ENTER))

    assert scans(tab) == ["0036000291452"] and tab[-1].swallow
    assert scans(enter) == [] and not enter[-1].swallow


def test_no_suffix_ends_the_scan_after_idle() -> None:
    detector = ScanDetector(StationSettings.usb(suffix=Suffix.NONE))
    run(detector, stream("0036000291452", 8))

    assert detector.flush(now_ms=12 * 8 + 100).scan is None
    decision = detector.flush(now_ms=12 * 8 + 150)
    assert decision.scan is not None and decision.scan.raw == "0036000291452"


def test_bluetooth_profile_accepts_slower_gaps() -> None:
    keys = stream("0036000291452", 55, end=KeyKind.ENTER)

    assert (
        scans(
            run(
                ScanDetector(
                    StationSettings.usb(),
                ),
                keys,
            )
        )
        == []
    )
    assert scans(run(ScanDetector(StationSettings.bluetooth()), keys)) == [
        "0036000291452"
    ]


def test_shift_between_characters_does_not_break_a_scan() -> None:
    keys: list[KeyInput] = []
    for i, ch in enumerate("1Z999AA10123456784"):
        keys.append(KeyInput("", i * 8 - 1, KeyKind.MODIFIER))
        keys.append(KeyInput(ch, i * 8))
    keys.append(KeyInput("", 18 * 8, KeyKind.ENTER))

    assert scans(run(ScanDetector(), keys)) == ["1Z999AA10123456784"]


def test_other_key_ends_burst_as_typing() -> None:
    detector = ScanDetector()
    run(detector, stream("abc", 8))

    decision = detector.feed(KeyInput("", 30, KeyKind.OTHER))
    assert "".join(k.text for k in decision.typed) == "abc"
    assert not decision.hold and not decision.swallow


def test_required_prefix_drops_timing_and_lets_other_typing_through() -> None:
    settings = StationSettings.usb(prefix="#", require_prefix=True)
    detector = ScanDetector(settings)

    slow = run(detector, stream("#ABC", 40, end=KeyKind.ENTER))
    typing = run(detector, stream("hello", 10, start=1000))

    assert scans(slow) == ["#ABC"]
    assert all(not d.hold for d in typing)


def test_scan_reports_timing() -> None:
    decisions = run(ScanDetector(), stream("0036000291452", 8, end=KeyKind.ENTER))
    scan = decisions[-1].scan

    assert scan is not None
    assert scan.gaps_ms == (8.0,) * 12
    assert scan.duration_ms == 96.0
    assert scan.terminator is KeyKind.ENTER


def test_same_code_again_within_the_window_is_marked_repeat() -> None:
    detector = ScanDetector()
    first = run(detector, stream("0036000291452", 8, end=KeyKind.ENTER))
    bounce = run(detector, stream("0036000291452", 8, start=250, end=KeyKind.ENTER))
    later = run(detector, stream("0036000291452", 8, start=2000, end=KeyKind.ENTER))

    flags = [d[-1].scan.repeat for d in (first, bounce, later) if d[-1].scan]
    assert flags == [False, True, False]


def test_key_notes_are_reported_once_on_the_scan() -> None:
    keys = [KeyInput(ch, i * 8, note="NumLock off") for i, ch in enumerate("123456")]
    decisions = run(ScanDetector(), [*keys, KeyInput("", 48, KeyKind.ENTER)])

    scan = decisions[-1].scan
    assert scan is not None and scan.notes == ("NumLock off",)
