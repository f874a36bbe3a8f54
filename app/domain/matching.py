"""Tying a giveaway's duplicate product to a real catalog SKU.

The rule is strict: a key (platform, product id, SKU id) maps to exactly one
catalog SKU. Title similarity only ever *suggests*; a human confirms. A giveaway
must ship exactly what was promised, so a guess is never applied on its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process, utils

#: Below this title score a candidate is not worth showing.
MIN_TITLE_SCORE = 55.0


@dataclass(frozen=True, slots=True, order=True)
class MappingKey:
    """What a marketplace line points at: its own product and SKU ids."""

    platform: str
    product_id: str
    sku_id: str

    def __str__(self) -> str:
        return f"{self.platform} product {self.product_id} / SKU {self.sku_id}"


class MappingConflictError(ValueError):
    """A key is already mapped to another SKU and the clerk did not ask to remap."""

    def __init__(self, key: MappingKey, existing_sku: str, wanted_sku: str) -> None:
        super().__init__(
            f"{key} is already matched to {existing_sku}. Remap it to replace it "
            f"with {wanted_sku} ('Remap' in the Match dialog, --remap on the "
            "command line); the change is logged."
        )
        self.key = key
        self.existing_sku = existing_sku
        self.wanted_sku = wanted_sku


def check_mapping_change(
    key: MappingKey, existing_sku: str | None, wanted_sku: str, *, remap: bool
) -> bool:
    """Decide whether storing ``key -> wanted_sku`` changes anything.

    Returns ``False`` when the same mapping already exists (nothing to do), ``True``
    when it must be written, and raises :class:`MappingConflictError` when it
    would silently replace another SKU.
    """
    if existing_sku is None:
        return True
    if existing_sku.casefold() == wanted_sku.casefold():
        return False
    if not remap:
        raise MappingConflictError(key, existing_sku, wanted_sku)
    return True


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    """The part of a catalog variant that matching looks at."""

    sku: str
    title: str
    gtin: str | None = None


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A candidate SKU for a line, with a score from 0 to 100 and why."""

    sku: str
    title: str
    score: float
    reason: str


def suggest_by_title(
    title: str, catalog: Sequence[CatalogEntry], *, limit: int = 8
) -> list[Suggestion]:
    """Rank catalog entries by how closely their titles resemble ``title``.

    TikTok's duplicate listing usually keeps the original title with small
    changes ("LIVE", a size moved, a word dropped), so a token-set ratio over
    normalised text ranks the original first far more often than plain edit
    distance does.
    """
    if not title.strip() or not catalog:
        return []

    titles = [entry.title for entry in catalog]
    ranked = process.extract(
        title,
        titles,
        scorer=fuzz.token_set_ratio,
        processor=utils.default_process,
        limit=limit * 2,
        score_cutoff=MIN_TITLE_SCORE,
    )

    # token_set_ratio gives 100 to any title whose words are a subset of the
    # other's; break such ties with the plain ratio so the closest title wins.
    def closeness(match: tuple[str, float, int]) -> tuple[float, float]:
        text, score, _ = match
        return score, fuzz.ratio(title, text, processor=utils.default_process)

    ranked.sort(key=closeness, reverse=True)
    return [
        Suggestion(
            sku=catalog[index].sku,
            title=catalog[index].title,
            score=round(score, 1),
            reason="similar title",
        )
        for _, score, index in ranked[:limit]
    ]


def suggest_by_seller_sku(
    seller_sku: str, catalog: Iterable[CatalogEntry]
) -> list[Suggestion]:
    """The catalog entry whose SKU equals the line's seller SKU, ignoring case."""
    wanted = seller_sku.strip().casefold()
    if not wanted:
        return []
    return [
        Suggestion(sku=entry.sku, title=entry.title, score=100.0, reason="same SKU")
        for entry in catalog
        if entry.sku.casefold() == wanted
    ]


def merge_suggestions(
    *groups: Iterable[Suggestion], limit: int = 8
) -> list[Suggestion]:
    """Join suggestion lists, keeping each SKU once at its best rank."""
    seen: set[str] = set()
    merged: list[Suggestion] = []
    for group in groups:
        for suggestion in group:
            key = suggestion.sku.casefold()
            if key not in seen:
                seen.add(key)
                merged.append(suggestion)
    return merged[:limit]
