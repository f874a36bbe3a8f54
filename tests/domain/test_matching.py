"""Matching rules: one key, one SKU; titles only suggest."""

from __future__ import annotations

import pytest

from app.domain.matching import (
    CatalogEntry,
    MappingConflictError,
    MappingKey,
    check_mapping_change,
    suggest_by_seller_sku,
    suggest_by_title,
)

KEY = MappingKey("tiktok", "1729000000000000001", "1729000000000000101")
CATALOG = [
    CatalogEntry("GS-15", "Glow Serum 15ml"),
    CatalogEntry("GS-30", "Glow Serum 30ml"),
    CatalogEntry("GS-50", "Glow Serum 50ml"),
    CatalogEntry("CNDL-LAV-08", "Lavender Soy Candle 8oz"),
    CatalogEntry("MIST-50", "Hydrating Face Mist 50ml"),
]


def test_first_mapping_is_written() -> None:
    assert check_mapping_change(KEY, None, "GS-30", remap=False) is True


def test_same_mapping_again_changes_nothing() -> None:
    assert check_mapping_change(KEY, "GS-30", "gs-30", remap=False) is False


def test_second_sku_for_a_key_is_refused_naming_the_existing_one() -> None:
    with pytest.raises(MappingConflictError) as raised:
        check_mapping_change(KEY, "GS-30", "GS-50", remap=False)
    assert "already matched to GS-30" in str(raised.value)


def test_explicit_remap_is_allowed() -> None:
    assert check_mapping_change(KEY, "GS-30", "GS-50", remap=True) is True


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Glow Serum 30ml", "GS-30"),
        ("LIVE Giveaway - Glow Serum 30ml", "GS-30"),
        ("Glow Serum - 50ml - FREE LIVE PRIZE", "GS-50"),
        ("🎁 Hydrating Face Mist 50ml LIVE", "MIST-50"),
        ("lavender soy candle 8 oz (Giveaway)", "CNDL-LAV-08"),
    ],
)
def test_the_original_title_ranks_first(title: str, expected: str) -> None:
    suggestions = suggest_by_title(title, CATALOG)
    assert suggestions[0].sku == expected
    assert suggestions[0].reason == "similar title"


def test_unrelated_title_suggests_nothing() -> None:
    assert suggest_by_title("Wireless Earbuds Pro", CATALOG) == []


def test_seller_sku_suggestion_ignores_case() -> None:
    assert [s.sku for s in suggest_by_seller_sku(" cndl-lav-08 ", CATALOG)] == [
        "CNDL-LAV-08"
    ]
    assert suggest_by_seller_sku("", CATALOG) == []
