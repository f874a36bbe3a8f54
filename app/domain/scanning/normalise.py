"""Cleaning a raw scan before anything reads it.

The steps run in the order the shared reference (§B.4) gives, because each one
depends on the one before:

1. strip the suffix (CR, LF, Tab), a configured prefix and an AIM symbology
   identifier such as ``]C1`` (the symbology is recorded, not thrown away);
2. turn configured group-separator substitutes (e.g. ``~``) into GS (0x1D);
3. look for keyboard-layout damage (a US scanner on a French, German or UK PC)
   and prepare corrected candidates: they are *suggestions* for the clerk, never
   applied here;
4. Unicode NFKC (full-width digits from input methods become ASCII), upper case,
   and drop spaces and hyphens.

Layout damage has to be found before step 4: upper-casing turns ``é`` into
``É`` and dropping hyphens would lose the French ``-`` that stands for ``6``.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)

GS = "\x1d"

_AIM = re.compile(r"\]([A-Za-z])([0-9A-Za-z])")

#: AIM identifiers (ISO/IEC 15424) we name; others are recorded by their code.
AIM_SYMBOLOGIES: Mapping[str, str] = {
    "C0": "Code 128",
    "C1": "GS1-128",
    "E0": "EAN/UPC",
    "E1": "EAN/UPC with 2-digit add-on",
    "E2": "EAN/UPC with 5-digit add-on",
    "E3": "EAN/UPC with add-on",
    "E4": "EAN-8",
    "A0": "Code 39",
    "I0": "Interleaved 2 of 5",
    "I1": "Interleaved 2 of 5",
    "d1": "Data Matrix",
    "d2": "GS1 DataMatrix",
    "Q1": "QR Code",
    "Q3": "GS1 QR Code",
    "e0": "GS1 DataBar",
    "J1": "GS1 DotCode",
}

#: Symbologies whose data is a GS1 element string.
GS1_SYMBOLOGIES = frozenset(
    {"GS1-128", "GS1 DataMatrix", "GS1 QR Code", "GS1 DataBar", "GS1 DotCode"}
)

# Characters dropped in step 4. GS is deliberately absent: it is data for GS1.
_DROP = str.maketrans("", "", " \t\r\n\u00a0-")


@dataclass(frozen=True, slots=True)
class NormaliseOptions:
    """Station options that change how a scan is cleaned."""

    prefix: str = ""
    gs_substitutes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class LayoutGuess:
    """A corrected reading of a scan, assuming a US scanner on another layout.

    ``certain`` is True when the scan holds characters only that layout produces
    (``é`` on French, ``ß`` on German); a guess that is not certain is offered
    only when the scan is invalid as it stands and the guess is valid.
    """

    layout: str
    text: str
    certain: bool

    @property
    def warning(self) -> str:
        """The sentence a clerk sees."""
        return f"keyboard layout mismatch (scanner US, PC {self.layout}?)"


@dataclass(frozen=True, slots=True)
class NormalisedScan:
    """A scan after the four cleaning steps.

    ``text`` is the compact form (no spaces or hyphens, GS kept) that codes are
    read from; ``spaced`` keeps spaces and hyphens for SKU lookups that need them.
    """

    raw: str
    text: str
    spaced: str
    symbology: str | None = None
    aim_id: str | None = None
    layout_guesses: tuple[LayoutGuess, ...] = ()
    warnings: tuple[str, ...] = field(default_factory=tuple)

    @property
    def has_gs(self) -> bool:
        """Whether the scan carried at least one group separator."""
        return GS in self.text

    @property
    def is_gs1_symbology(self) -> bool:
        """Whether the AIM identifier says the data is a GS1 element string."""
        return self.symbology in GS1_SYMBOLOGIES

    @property
    def layout_damaged(self) -> bool:
        """Whether the scan certainly went through the wrong keyboard layout."""
        return any(guess.certain for guess in self.layout_guesses)


# --- step 1 and 2 ---------------------------------------------------------------


def strip_framing(raw: str, options: NormaliseOptions) -> tuple[str, str | None]:
    """Step 1: drop suffix, prefix and AIM identifier; return text and AIM code."""
    text = raw.strip(" \r\n\t")
    prefix = options.prefix
    # Caps Lock flips a letter prefix, so compare without case.
    if prefix and text[: len(prefix)].casefold() == prefix.casefold():
        text = text[len(prefix) :]

    aim = _AIM.match(text)
    if aim is None:
        return text, None
    return text[3:], aim.group(1) + aim.group(2)


def substitute_gs(text: str, options: NormaliseOptions) -> str:
    """Step 2: turn configured stand-ins for the group separator into GS."""
    for substitute in options.gs_substitutes:
        if substitute:
            text = text.replace(substitute, GS)
    return text


# --- step 3: keyboard layouts ----------------------------------------------------

# What a US-layout scanner's keys produce on a French AZERTY PC, reversed: the
# unshifted digit row gives & é " ' ( - è _ ç à, the US "-" key gives ")", and
# A/Q and Z/W trade places. Letters are a second, separate guess because some
# scanners (and apps) translate letters but not digits.
_FR_DIGITS = str.maketrans("&é\"'(-è_çà)", "1234567890-")
_FR_LETTERS = str.maketrans("AQZWaqzw?", "QAWZqawzM")
_FR_MARKERS = frozenset("&é\"'(è_çà)")

# German QWERTZ: Y and Z trade places and the US "-" key gives "ß".
_DE_MARKERS = frozenset("ßÖÄÜöäü")
_DE = str.maketrans("YZyzß", "ZYzy-")

# UK: Shift+2 and Shift+' are swapped against US, Shift+3 gives "£".
_UK_MARKERS = frozenset("£@")
_UK = str.maketrans('@"£', '"@#')


def layout_guesses(text: str) -> tuple[LayoutGuess, ...]:
    """Step 3: corrected readings of ``text`` for layouts that could have damaged it.

    Certain guesses come first. Runs on the text before upper-casing.
    """
    chars = set(text)
    guesses: list[LayoutGuess] = []
    if chars & _FR_MARKERS:
        digits = text.translate(_FR_DIGITS)
        guesses.append(LayoutGuess("French", digits, certain=True))
        guesses.append(LayoutGuess("French", digits.translate(_FR_LETTERS), True))
    if chars & _DE_MARKERS:
        guesses.append(LayoutGuess("German", text.translate(_DE), certain=True))
    if chars & _UK_MARKERS:
        guesses.append(LayoutGuess("UK", text.translate(_UK), certain=True))
    if not guesses and chars & set("YZyz"):
        guesses.append(LayoutGuess("German", text.translate(_DE), certain=False))
    return tuple(guesses)


# --- step 4 ---------------------------------------------------------------------


def fold(text: str) -> str:
    """Step 4 without dropping spaces: NFKC and upper case."""
    return unicodedata.normalize("NFKC", text).upper()


def compact(text: str) -> str:
    """Step 4 in full: NFKC, upper case, no spaces or hyphens."""
    return fold(text).translate(_DROP)


def normalise_scan(raw: str, options: NormaliseOptions | None = None) -> NormalisedScan:
    """Run the four cleaning steps on a raw scan (or typed value)."""
    options = options or NormaliseOptions()
    text, aim_id = strip_framing(raw, options)
    text = substitute_gs(text, options)
    guesses = tuple(
        LayoutGuess(g.layout, compact(g.text), g.certain) for g in layout_guesses(text)
    )

    symbology = None
    if aim_id is not None:
        symbology = AIM_SYMBOLOGIES.get(aim_id, f"AIM ]{aim_id}")
    warnings = tuple(dict.fromkeys(g.warning for g in guesses if g.certain))
    return NormalisedScan(
        raw=raw,
        # A scanner may send FNC1 in first position as a GS; it means nothing.
        text=compact(text).strip(GS),
        spaced=" ".join(fold(text).split()),
        symbology=symbology,
        aim_id=aim_id,
        layout_guesses=guesses,
        warnings=warnings,
    )
