"""Shopify's real Admin GraphQL schema (2026-04) and validation against it.

The schema file is Shopify's public SDL, shipped gzipped beside this module and
loaded once per process (a few seconds). Validation errors are reported the way
Shopify reports them, e.g. ``Field 'foo' doesn't exist on type 'ProductVariant'``
with ``extensions.code == "undefinedField"``.
"""

from __future__ import annotations

import functools
import gzip
import logging
import re
from importlib import resources
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    build_ast_schema,
    parse,
    validate,
)

logger = logging.getLogger(__name__)

SCHEMA_VERSION = "2026-04"
_SCHEMA_FILE = f"admin_{SCHEMA_VERSION}.graphql.gz"

_UNKNOWN_FIELD = re.compile(
    r"Cannot query field '(?P<field>\w+)' on type '(?P<type>\w+)'"
)
_UNKNOWN_ARGUMENT = re.compile(
    r"Unknown argument '(?P<arg>\w+)' on field '(?P<type>\w+)\.(?P<field>\w+)'"
)


@functools.cache
def admin_schema() -> GraphQLSchema:
    """The Admin API schema, parsed once per process."""
    packed = resources.files(__package__).joinpath(_SCHEMA_FILE).read_bytes()
    document = parse(gzip.decompress(packed).decode("utf-8"), no_location=True)
    # Shopify's SDL breaks one rule newer graphql-core versions check on the
    # schema itself (deprecated fields implementing non-deprecated interface
    # fields). We take the schema as Shopify serves it; documents are still
    # validated in full.
    schema = build_ast_schema(document, assume_valid=True)
    logger.debug("Loaded Shopify Admin schema %s", SCHEMA_VERSION)
    return schema


def check_document(text: str) -> tuple[DocumentNode | None, list[dict[str, Any]]]:
    """Parse and validate ``text``; the document, or Shopify-shaped errors."""
    document, errors = _checked(text)
    return document, [dict(error) for error in errors]


@functools.lru_cache(maxsize=512)
def _checked(text: str) -> tuple[DocumentNode | None, list[dict[str, Any]]]:
    # A client sends the same few documents over and over; validating each
    # text once keeps the simulator fast without weakening the check.
    try:
        document = parse(text)
    except GraphQLError as error:
        return None, [_syntax_error(error)]
    errors = validate(admin_schema(), document)
    if errors:
        return None, [_shopify_error(document, e) for e in errors]
    return document, []


def _syntax_error(error: GraphQLError) -> dict[str, Any]:
    formatted = dict(error.formatted)
    formatted["message"] = f"Parse error: {error.message}"
    formatted["extensions"] = {"code": "parseError"}
    return formatted


def _shopify_error(document: DocumentNode, error: GraphQLError) -> dict[str, Any]:
    formatted: dict[str, Any] = {"message": error.message}
    if error.locations:
        formatted["locations"] = [
            {"line": loc.line, "column": loc.column} for loc in error.locations
        ]
    node = error.nodes[0] if error.nodes else None
    path = _path_to(document, node) if node is not None else None
    if path:
        formatted["path"] = path

    unknown = _UNKNOWN_FIELD.search(error.message)
    if unknown:
        field, type_name = unknown["field"], unknown["type"]
        formatted["message"] = f"Field '{field}' doesn't exist on type '{type_name}'"
        formatted["extensions"] = {
            "code": "undefinedField",
            "typeName": type_name,
            "fieldName": field,
        }
        return formatted
    argument = _UNKNOWN_ARGUMENT.search(error.message)
    if argument:
        formatted["message"] = (
            f"Field '{argument['field']}' doesn't accept argument '{argument['arg']}'"
        )
        formatted["extensions"] = {
            "code": "argumentNotAccepted",
            "name": argument["field"],
            "typeName": "Field",
            "argumentName": argument["arg"],
        }
        return formatted
    formatted["extensions"] = {"code": "validationFailed"}
    return formatted


def _path_to(document: DocumentNode, target: object) -> list[str] | None:
    """Where ``target`` sits, as Shopify writes it: ``["query Name", "a", "b"]``."""
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            name = definition.name.value if definition.name else ""
            head = f"{definition.operation.value} {name}".strip()
        elif isinstance(definition, FragmentDefinitionNode):
            head = f"fragment {definition.name.value}"
        else:
            continue
        if definition is target:
            return [head]
        found = _search(definition.selection_set, target)
        if found is not None:
            return [head, *found]
    return None


def _search(selection_set: SelectionSetNode | None, target: object) -> list[str] | None:
    if selection_set is None:
        return None
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            name = selection.alias.value if selection.alias else selection.name.value
            if selection is target or target in (selection.arguments or ()):
                return [name]
            found = _search(selection.selection_set, target)
            if found is not None:
                return [name, *found]
        elif isinstance(selection, InlineFragmentNode):
            found = _search(selection.selection_set, target)
            if found is not None:
                on = (
                    selection.type_condition.name.value
                    if selection.type_condition
                    else ""
                )
                return [f"... on {on}", *found]
    return None
