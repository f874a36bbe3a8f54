"""Every GraphQL document of the connector is valid against Shopify's real schema."""

from __future__ import annotations

import gzip
from importlib import resources
from pathlib import Path

import pytest
from graphql import OperationDefinitionNode, parse, validate

from app.net.shopify.documents import document_names, load_document
from app.sim.shopify.schema import admin_schema

EXPECTED = {
    "AdjustAvailable",
    "AvailableAt",
    "FindOrders",
    "FulfillmentCreate",
    "Locations",
    "MoveQuantities",
    "OrderCreate",
    "OrderFulfillmentOrders",
    "QuantitiesAt",
    "VariantsPage",
}


def test_the_connector_ships_the_documents_it_uses() -> None:
    assert set(document_names()) == EXPECTED


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_document_validates_against_shopify_admin_schema(name: str) -> None:
    document = parse(load_document(name))

    errors = validate(admin_schema(), document)

    assert errors == []
    operations = [
        d for d in document.definitions if isinstance(d, OperationDefinitionNode)
    ]
    assert [op.name.value for op in operations if op.name] == [name]


def test_a_wrong_field_would_be_caught() -> None:
    broken = load_document("VariantsPage").replace("barcode", "barcodes")

    errors = validate(admin_schema(), parse(broken))

    assert any("barcodes" in e.message for e in errors)


def test_inventory_mutation_carries_the_idempotency_directive() -> None:
    text = load_document("AdjustAvailable")

    assert "@idempotent(key: $key)" in text


def test_shipped_schema_is_shopifys_file_unchanged(shared_dir: Path) -> None:
    shipped = resources.files("app.sim.shopify").joinpath("admin_2026-04.graphql.gz")
    original = shared_dir / "schemas" / "shopify" / "admin_2026-04.graphql"

    assert gzip.decompress(shipped.read_bytes()) == original.read_bytes()
