"""Code 128 barcodes (code sets B and C), for the packing slip's order barcode.

A Code 128 symbol is a start character, the data characters, a checksum and a
stop character. Every character is 11 modules wide, drawn as three bars and
three spaces whose widths (1 to 4 modules) are listed in :data:`PATTERNS`; the
stop character has a final 2-module bar (13 modules).

- Code set B holds printable ASCII (space to ``~``): value = code point - 32.
- Code set C holds two digits per character (values 0-99), so long digit runs
  such as TikTok's 18-digit order ids print half as wide.
- The checksum is the start value plus each data value times its position
  (1-based), modulo 103.

:func:`encode` picks B or C per run of digits; :func:`modules` turns the values
into a string of ``1`` (bar) and ``0`` (space) modules for drawing.
"""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)

#: Widths of bar, space, bar, space, bar, space for values 0-105; 106 is stop.
PATTERNS: tuple[str, ...] = (
    "212222", "222122", "222221", "121223", "121322", "131222", "122213",
    "122312", "132212", "221213", "221312", "231212", "112232", "122132",
    "122231", "113222", "123122", "123221", "223211", "221132", "221231",
    "213212", "223112", "312131", "311222", "321122", "321221", "312212",
    "322112", "322211", "212123", "212321", "232121", "111323", "131123",
    "131321", "112313", "132113", "132311", "211313", "231113", "231311",
    "112133", "112331", "132131", "113123", "113321", "133121", "313121",
    "211331", "231131", "213113", "213311", "213131", "311123", "311321",
    "331121", "312113", "312311", "332111", "314111", "221411", "431111",
    "111224", "111422", "121124", "121421", "141122", "141221", "112214",
    "112412", "122114", "122411", "142112", "142211", "241211", "221114",
    "413111", "241112", "134111", "111242", "121142", "121241", "114212",
    "124112", "124211", "411212", "421112", "421211", "212141", "214121",
    "412121", "111143", "111341", "131141", "114113", "114311", "411113",
    "411311", "113141", "114131", "311141", "411131", "211412", "211214",
    "211232", "2331112",
)  # fmt: skip

CODE_C = 99
CODE_B = 100
START_B = 104
START_C = 105
STOP = 106

#: Blank modules a reader needs on each side of the symbol.
QUIET_ZONE = 10


class Code128Error(ValueError):
    """The text cannot be drawn in code sets B and C."""


def encode(text: str) -> tuple[int, ...]:
    """The symbol values for ``text``: start, data, checksum, stop."""
    if not text:
        raise Code128Error("Nothing to encode.")
    bad = sorted({ch for ch in text if not " " <= ch <= "~"})
    if bad:
        raise Code128Error(f"Code 128 B/C cannot hold {bad!r}.")

    values = _data_values(text)
    checksum = (values[0] + sum(i * v for i, v in enumerate(values[1:], 1))) % 103
    return (*values, checksum, STOP)


def _digit_run(text: str, start: int) -> int:
    end = start
    while end < len(text) and text[end].isdigit():
        end += 1
    return end - start


def _worth_code_c(text: str, index: int, run: int) -> bool:
    """Switching to C pays off for 4+ digits at an edge, 6+ in the middle."""
    at_edge = index == 0 or index + run == len(text)
    return run >= (4 if at_edge else 6)


def _data_values(text: str) -> list[int]:
    """Start character and data values, switching between B and C."""
    values: list[int] = []
    current: int | None = None
    index = 0
    while index < len(text):
        run = _digit_run(text, index)
        if current == START_C and run >= 2:
            values.append(int(text[index : index + 2]))
            index += 2
            continue
        if current != START_C and run >= 2 and _worth_code_c(text, index, run):
            if run % 2 == 1:
                # An odd run: one digit in B, the even rest in C.
                values.extend(_switch(current, START_B))
                values.append(ord(text[index]) - 32)
                current, index = START_B, index + 1
            values.extend(_switch(current, START_C))
            current = START_C
            continue
        values.extend(_switch(current, START_B))
        current = START_B
        values.append(ord(text[index]) - 32)
        index += 1
    return values


def _switch(current: int | None, wanted: int) -> tuple[int, ...]:
    """The start or code-change character to get from ``current`` to ``wanted``."""
    if current == wanted:
        return ()
    if current is None:
        return (wanted,)
    return (CODE_C,) if wanted == START_C else (CODE_B,)


def modules(text: str, *, quiet_zone: int = QUIET_ZONE) -> str:
    """The symbol as ``1`` (bar) and ``0`` (space) modules, with quiet zones."""
    bits = []
    for value in encode(text):
        for position, width in enumerate(PATTERNS[value]):
            bits.append(("1" if position % 2 == 0 else "0") * int(width))
    blank = "0" * quiet_zone
    return blank + "".join(bits) + blank


def decode_values(values: tuple[int, ...]) -> str:
    """The text behind symbol values (the reverse of :func:`encode`, for checks)."""
    if len(values) < 3 or values[-1] != STOP or values[0] not in (START_B, START_C):
        raise Code128Error("Not a Code 128 B/C symbol.")
    *body, checksum, _stop = values
    expected = (body[0] + sum(i * v for i, v in enumerate(body[1:], 1))) % 103
    if checksum != expected:
        raise Code128Error("Checksum does not match.")

    text, current = [], body[0]
    for value in body[1:]:
        if current == START_B and value == CODE_C:
            current = START_C
        elif current == START_C and value == CODE_B:
            current = START_B
        elif current == START_C:
            text.append(f"{value:02d}")
        else:
            text.append(chr(value + 32))
    return "".join(text)
