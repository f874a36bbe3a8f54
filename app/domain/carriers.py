"""Carrier tracking-number rules: shapes, label-barcode forms and check digits.

Each rule looks at a cleaned number (upper-case letters and digits, no spaces or
hyphens; the USPS rule also sees group separators) and says whether it has the
carrier's *shape*. A shape match carries the number to store and whether its
check digit is right, so a caller can tell "a UPS number with a bad check digit"
from "not a number any carrier uses".

Label barcodes often carry more than the tracking number: USPS prints ``420`` and
the destination ZIP in front, FedEx prints 22-, 32- and 34-digit barcodes around
the 12- or 15-digit number. The rules here cut the tracking number out and keep
the ZIP, so the bench always stores the number a customer can look up.

All algorithms follow the shared reference ``scanning-and-tracking.md`` §B.5.
Carriers and services not listed there are not recognised; a clerk can still
enter such numbers by choosing the carrier "Other".
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

logger = logging.getLogger(__name__)

GS = "\x1d"

UPS = "UPS"
USPS = "USPS"
FEDEX = "FedEx"
DHL_EXPRESS = "DHL Express"
AMAZON = "Amazon Logistics"
ONTRAC = "OnTrac"
OTHER = "Other"

#: Carriers the rules below can recognise, in the order a picker shows them.
KNOWN_CARRIERS: tuple[str, ...] = (UPS, USPS, FEDEX, DHL_EXPRESS, AMAZON, ONTRAC)

# Other spellings clerks, pickers and channels use for the same carriers.
_ALIASES: Mapping[str, str] = {
    "amazon": AMAZON,
    "amazon logistics us": AMAZON,
    "amazon shipping": AMAZON,
    "amzl": AMAZON,
    "dhl": DHL_EXPRESS,
    "fedex express": FEDEX,
    "fedex ground": FEDEX,
    "federal express": FEDEX,
    "united parcel service": UPS,
    "united states postal service": USPS,
}


def carrier_for_name(name: str | None) -> str | None:
    """The carrier (one of :data:`KNOWN_CARRIERS`) a picked name means, if any.

    Case and surrounding spaces do not matter; ``"Amazon"`` and ``"DHL"`` are
    understood. Returns ``None`` for carriers the bench has no rules for.
    """
    wanted = (name or "").strip().casefold()
    for carrier in KNOWN_CARRIERS:
        if carrier.casefold() == wanted:
            return carrier
    return _ALIASES.get(wanted)


@dataclass(frozen=True, slots=True)
class CarrierMatch:
    """A number that has one carrier's shape, with the verdict of its check digit.

    ``number`` is what the bench stores and uploads (never the raw label barcode);
    ``check_digit_ok`` is ``None`` for formats without a check digit (Amazon).
    """

    carrier: str
    service: str
    number: str
    check_digit_ok: bool | None
    destination_zip: str | None = None
    country: str | None = None

    @property
    def valid(self) -> bool:
        """True unless a check digit exists and fails."""
        return self.check_digit_ok is not False


# --- check digits ---------------------------------------------------------------


def _char_value(char: str) -> int:
    """UPS and OnTrac turn letters into digits as ``(code point - 3) mod 10``."""
    return int(char) if char.isdigit() else (ord(char) - 3) % 10


def ups_check_digit(body: str) -> int:
    """UPS 1Z check digit over the 15 characters after ``1Z``.

    Characters at odd 0-based positions count double; the check digit brings the
    sum up to a multiple of ten. Doubling without digit-summing means a change
    between 0 and 5 (or 1 and 6, ...) at a doubled position is not caught.
    """
    total = sum(
        _char_value(char) * (2 if index % 2 else 1) for index, char in enumerate(body)
    )
    return (10 - total % 10) % 10


def gs1_mod10_check_digit(body: str) -> int:
    """GS1 / USPS mod 10: weights 3,1,3,1... from the right of the body."""
    total = sum(
        int(digit) * (3 if index % 2 == 0 else 1)
        for index, digit in enumerate(reversed(body))
    )
    return (10 - total % 10) % 10


_FEDEX12_WEIGHTS = (3, 1, 7)


def fedex12_check_digit(body: str) -> int:
    """FedEx Express 12: weights 3,1,7 from the left over 11 digits, mod 11, mod 10."""
    total = sum(
        int(digit) * _FEDEX12_WEIGHTS[index % 3] for index, digit in enumerate(body)
    )
    return total % 11 % 10


def fedex15_check_digit(body: str) -> int:
    """FedEx Ground 15: odd 0-based positions count triple; mod 10."""
    total = sum(
        int(digit) * (3 if index % 2 else 1) for index, digit in enumerate(body)
    )
    return (10 - total % 10) % 10


def dhl_check_digit(body: str) -> int:
    """DHL Express 10-digit waybill: the first nine digits as a number, mod 7."""
    return int(body) % 7


_S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)


def s10_check_digit(body: str) -> int:
    """UPU S10 check digit over the 8 serial digits."""
    remainder = sum(int(d) * w for d, w in zip(body, _S10_WEIGHTS, strict=True)) % 11
    if remainder == 0:
        return 5
    if remainder == 1:
        return 0
    return 11 - remainder


def ontrac_check_digit(body: str) -> int:
    """OnTrac check digit over ``C``/``D`` plus 13 digits (UPS-style mod 10)."""
    return ups_check_digit(body)


# --- shapes ---------------------------------------------------------------------

_UPS = re.compile(r"1Z[0-9A-Z]{16}")
_USPS_IMPB = re.compile(r"9[1-5](?:\d{20}|\d{24}|\d{28}|\d{32})")
_USPS_20 = re.compile(r"(?!00)\d{20}")
_USPS_420 = re.compile(r"420(\d{5}|\d{9})")
_FEDEX_34 = re.compile(r"(?:1|96)\d{32,33}")
_FEDEX_96_22 = re.compile(r"96\d{20}")
_FEDEX_ASTRA = re.compile(r"3\d{31}")
_DIGITS_12 = re.compile(r"\d{12}")
_DIGITS_15 = re.compile(r"\d{15}")
_DIGITS_10 = re.compile(r"\d{10}")
_S10 = re.compile(r"([A-Z]{2})(\d{8})(\d)([A-Z]{2})")
_AMAZON = re.compile(r"TBA\d{12}")
_ONTRAC = re.compile(r"[CD]\d{14}")


def _digit_ok(check: int, char: str) -> bool:
    return char.isdigit() and int(char) == check


def match_ups(text: str) -> CarrierMatch | None:
    """UPS ``1Z`` + 16 characters."""
    if not _UPS.fullmatch(text):
        return None
    ok = _digit_ok(ups_check_digit(text[2:17]), text[17])
    return CarrierMatch(UPS, "UPS 1Z", text, ok)


def _usps_plain(digits: str) -> CarrierMatch | None:
    """USPS IMpb (22/26/30/34 digits starting 91-95) or the 20-digit form."""
    if _USPS_IMPB.fullmatch(digits):
        service = "USPS IMpb"
    elif _USPS_20.fullmatch(digits):
        service = "USPS 20-digit"
    else:
        return None
    ok = _digit_ok(gs1_mod10_check_digit(digits[:-1]), digits[-1])
    return CarrierMatch(USPS, service, digits, ok)


def _with_zip(match: CarrierMatch | None, zip_digits: str) -> CarrierMatch | None:
    if match is None:
        return None
    zip_code = zip_digits
    if len(zip_digits) == 9:
        zip_code = f"{zip_digits[:5]}-{zip_digits[5:]}"
    return CarrierMatch(
        match.carrier,
        f"{match.service}, label with ZIP",
        match.number,
        match.check_digit_ok,
        destination_zip=zip_code,
    )


def _usps_label_without_gs(digits: str) -> CarrierMatch | None:
    """``420`` + ZIP5 or ZIP9 + tracking, with no separator telling where ZIP ends.

    Both splits are tried; a valid reading wins; of two valid readings the one
    whose tracking part starts like an IMpb number (91-95) wins, and then the
    common 22-digit length. Only a GS after the ZIP removes the doubt entirely.
    """
    readings = []
    for zip_length in (5, 9):
        zip_digits, rest = digits[3 : 3 + zip_length], digits[3 + zip_length :]
        reading = _with_zip(_usps_plain(rest), zip_digits)
        if reading is not None:
            readings.append(reading)

    readings.sort(
        key=lambda m: (
            not m.valid,
            not _USPS_IMPB.fullmatch(m.number),
            len(m.number) != 22,
        )
    )
    return readings[0] if readings else None


def match_usps(text: str) -> CarrierMatch | None:
    """USPS numbers, including the ``420`` + ZIP label barcode (with or without GS)."""
    if GS in text:
        head, _, tail = text.lstrip(GS).partition(GS)
        zip_match = _USPS_420.fullmatch(head)
        if zip_match is not None:
            return _with_zip(_usps_plain(tail.replace(GS, "")), zip_match.group(1))
        text = text.replace(GS, "")

    if not text.isdigit():
        return None
    if text.startswith("420") and len(text) >= 28:
        return _usps_label_without_gs(text)
    return _usps_plain(text)


def _fedex12(number: str, service: str) -> CarrierMatch:
    ok = _digit_ok(fedex12_check_digit(number[:11]), number[11])
    return CarrierMatch(FEDEX, service, number, ok)


def _fedex15(number: str, service: str) -> CarrierMatch:
    ok = _digit_ok(fedex15_check_digit(number[:14]), number[14])
    return CarrierMatch(FEDEX, service, number, ok)


def match_fedex(text: str) -> CarrierMatch | None:
    """FedEx 12 and 15 digits and the 22-, 32- and 34-digit label barcodes."""
    if len(text) == 34 and _FEDEX_34.fullmatch(text):
        return _fedex12(text[-12:], "FedEx Express (34-digit label)")
    if _FEDEX_96_22.fullmatch(text):
        return _fedex15(text[-15:], "FedEx Ground (22-digit label)")
    if _FEDEX_ASTRA.fullmatch(text):
        return _fedex12(text[16:28], "FedEx Express (32-digit label)")
    if _DIGITS_12.fullmatch(text):
        return _fedex12(text, "FedEx Express")
    if _DIGITS_15.fullmatch(text):
        return _fedex15(text, "FedEx Ground")
    return None


def match_dhl(text: str) -> CarrierMatch | None:
    """DHL Express 10-digit waybill."""
    if not _DIGITS_10.fullmatch(text):
        return None
    ok = int(text[9]) == dhl_check_digit(text[:9])
    return CarrierMatch(DHL_EXPRESS, "DHL Express", text, ok)


#: National posts behind UPU S10 numbers, by the last two letters.
S10_POSTS: Mapping[str, str] = {
    "US": USPS,
    "GB": "Royal Mail",
    "CA": "Canada Post",
    "DE": "Deutsche Post",
    "FR": "La Poste Colissimo",
    "AU": "Australia Post",
    "NL": "PostNL",
    "CN": "China Post",
    "JP": "Japan Post (EN)",
    "CH": "Swiss Post",
    "IT": "Poste Italiane",
    "NZ": "New Zealand Post",
}


def match_s10(text: str) -> CarrierMatch | None:
    """UPU S10 international post item: ``RB123456785GB``."""
    found = _S10.fullmatch(text)
    if found is None:
        return None
    country = found.group(4)
    ok = int(found.group(3)) == s10_check_digit(found.group(2))
    carrier = S10_POSTS.get(country, f"Post ({country})")
    return CarrierMatch(carrier, "UPU S10", text, ok, country=country)


def match_amazon(text: str) -> CarrierMatch | None:
    """Amazon Logistics ``TBA`` + 12 digits; the format has no check digit."""
    if not _AMAZON.fullmatch(text):
        return None
    return CarrierMatch(AMAZON, "Amazon Logistics", text, None)


def match_ontrac(text: str) -> CarrierMatch | None:
    """OnTrac ``C`` or ``D`` + 14 digits; the letter counts as 4 or 5."""
    if not _ONTRAC.fullmatch(text):
        return None
    ok = int(text[14]) == ontrac_check_digit(text[:14])
    return CarrierMatch(ONTRAC, "OnTrac", text, ok)


# USPS goes first: it is the only rule that reads group separators, and ``420``
# label barcodes would otherwise never reach it. The shapes of the remaining
# rules do not overlap (length, prefix or letters tell them apart).
RULES: tuple[Callable[[str], CarrierMatch | None], ...] = (
    match_usps,
    match_ups,
    match_fedex,
    match_dhl,
    match_s10,
    match_amazon,
    match_ontrac,
)


def match_carriers(text: str) -> list[CarrierMatch]:
    """Every carrier shape ``text`` has; valid matches first."""
    plain = text.replace(GS, "")
    matches: list[CarrierMatch] = []
    for rule in RULES:
        found = rule(text if rule is match_usps else plain)
        if found is not None:
            matches.append(found)
    matches.sort(key=lambda m: not m.valid)
    return matches


# --- names on the sales channels ------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChannelCarrierNames:
    """How one carrier is spelled on each sales channel.

    ``shopify`` must be a name from Shopify's supported tracking companies (exact
    spelling and case) or ``"Other"``; ``tiktok`` is the shipping-provider name the
    TikTok connector looks up in the provider list of the order's delivery option.
    """

    shopify: str
    tiktok: str


#: Defaults; a station can override any entry through its settings, because both
#: channels rename carriers between API versions.
DEFAULT_CHANNEL_NAMES: Mapping[str, ChannelCarrierNames] = {
    UPS: ChannelCarrierNames("UPS", "UPS"),
    USPS: ChannelCarrierNames("USPS", "USPS"),
    FEDEX: ChannelCarrierNames("FedEx", "FedEx"),
    DHL_EXPRESS: ChannelCarrierNames("DHL Express", "DHL Express"),
    AMAZON: ChannelCarrierNames("Amazon Logistics US", "Amazon Logistics"),
    ONTRAC: ChannelCarrierNames("OnTrac", "OnTrac"),
    "Royal Mail": ChannelCarrierNames("Royal Mail", "Royal Mail"),
    "Canada Post": ChannelCarrierNames("Canada Post", "Canada Post"),
    "Deutsche Post": ChannelCarrierNames("Deutsche Post (EN)", "Deutsche Post"),
    "La Poste Colissimo": ChannelCarrierNames("La Poste Colissimo", "Colissimo"),
    "Australia Post": ChannelCarrierNames("Australia Post", "Australia Post"),
    "PostNL": ChannelCarrierNames("PostNL", "PostNL"),
    "China Post": ChannelCarrierNames("China Post", "China Post"),
    "Japan Post (EN)": ChannelCarrierNames("Japan Post (EN)", "Japan Post"),
    "Swiss Post": ChannelCarrierNames("Swiss Post", "Swiss Post"),
    "Poste Italiane": ChannelCarrierNames("Poste Italiane", "Poste Italiane"),
    "New Zealand Post": ChannelCarrierNames("New Zealand Post", "New Zealand Post"),
}


def channel_carrier_names(
    carrier: str | None,
    overrides: Mapping[str, ChannelCarrierNames] | None = None,
) -> ChannelCarrierNames:
    """Shopify and TikTok names for ``carrier``, settings overrides first.

    A carrier nobody listed goes to Shopify as ``"Other"`` (the caller then sends
    its own tracking URL) and to TikTok under its own name, for the connector to
    look up; no carrier at all is ``"Other"`` on both.
    """
    name = carrier or OTHER
    for table in (overrides or {}, DEFAULT_CHANNEL_NAMES):
        if name in table:
            return table[name]
    return ChannelCarrierNames(OTHER, name)
