"""A loose imitation of Shopify's search syntax, near misses included.

Shopify matches tokens and prefixes, not whole values, so a search for one SKU or
barcode can return others. The simulator does the same on purpose: values match
when, case and leading zeros aside, one starts with the other.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

logger = logging.getLogger(__name__)

_TERM = re.compile(
    r"""(?:(?P<field>[a-z_]+):)?(?:"(?P<dq>(?:[^"\\]|\\.)*)"|'(?P<sq>(?:[^'\\]|\\.)*)'|(?P<bare>\S+))"""
)


@dataclass(frozen=True)
class Term:
    """One ``field:value`` (or bare ``value``) of a search."""

    field: str | None
    value: str


def parse_query(query: str | None) -> list[Term]:
    """The terms of ``query``; ``AND`` is implied and dropped."""
    terms: list[Term] = []
    for match in _TERM.finditer(query or ""):
        raw = match["dq"] if match["dq"] is not None else match["sq"]
        value = raw if raw is not None else match["bare"] or ""
        if raw is not None:
            value = re.sub(r"\\(.)", r"\1", value)
        if match["field"] is None and value.upper() in ("AND", "OR"):
            continue
        terms.append(Term(match["field"], value))
    return terms


def loose_match(wanted: str, actual: str | None) -> bool:
    """Whether Shopify-like fuzzy search would return ``actual`` for ``wanted``."""
    if not actual:
        return False
    a, b = _fold(wanted), _fold(actual)
    if not a:
        return False
    return b.startswith(a) or a.startswith(b)


def _fold(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.lower()).lstrip("0")
