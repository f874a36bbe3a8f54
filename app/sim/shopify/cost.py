"""Shopify's calculated query cost, close enough to plan and throttle against.

Rules (after shopify.dev's rate-limit page): scalars and enums cost 0, an object
1, a connection 2 plus ``first`` (or ``last``) times the cost of one node, and a
mutation 10 whatever it selects.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    is_leaf_type,
)

logger = logging.getLogger(__name__)

MUTATION_COST = 10


def query_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: Mapping[str, Any],
) -> int:
    """The requested cost of ``operation``."""
    if operation.operation.value == "mutation":
        return MUTATION_COST * len(operation.selection_set.selections)
    fragments = {
        d.name.value: d
        for d in document.definitions
        if isinstance(d, FragmentDefinitionNode)
    }
    walker = _Walker(schema, fragments, variables)
    assert schema.query_type is not None
    return walker.selection_cost(schema.query_type, operation.selection_set)


class _Walker:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
    ) -> None:
        self._schema = schema
        self._fragments = fragments
        self._variables = variables

    def selection_cost(
        self, parent: Any, selection_set: SelectionSetNode | None
    ) -> int:
        """Cost of everything selected on an object of type ``parent``."""
        if selection_set is None:
            return 0
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self.field_cost(parent, selection)
            elif isinstance(selection, InlineFragmentNode):
                inner = parent
                if selection.type_condition is not None:
                    inner = self._schema.get_type(selection.type_condition.name.value)
                total += self.selection_cost(inner, selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self._fragments[selection.name.value]
                inner = self._schema.get_type(fragment.type_condition.name.value)
                total += self.selection_cost(inner, fragment.selection_set)
        return total

    def field_cost(self, parent: Any, node: FieldNode) -> int:
        """Cost of one field of ``parent``, with what it selects."""
        fields = getattr(parent, "fields", None)
        if not fields or node.name.value not in fields:
            return 0
        field_type = fields[node.name.value].type
        named = get_named_type(field_type)
        if is_leaf_type(named):
            return 0
        if named.name.endswith("Connection") and isinstance(named, GraphQLObjectType):
            return self._connection_cost(named, node)
        # A plain list of objects is charged like one object.
        return 1 + self.selection_cost(named, node.selection_set)

    def _connection_cost(self, connection: GraphQLObjectType, node: FieldNode) -> int:
        size = self._size(node)
        per_node = 0
        fixed = 2
        for selection in node.selection_set.selections if node.selection_set else ():
            if isinstance(selection, FieldNode) and selection.name.value in (
                "nodes",
                "edges",
            ):
                per_node += self.field_cost(connection, selection)
            elif isinstance(selection, FieldNode):
                fixed += self.field_cost(connection, selection)
        return fixed + size * per_node

    def _size(self, node: FieldNode) -> int:
        for argument in node.arguments or ():
            if argument.name.value not in ("first", "last"):
                continue
            value = argument.value
            if isinstance(value, IntValueNode):
                return int(value.value)
            if isinstance(value, VariableNode):
                given = self._variables.get(value.name.value)
                if isinstance(given, int):
                    return given
        return 1
