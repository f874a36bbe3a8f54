"""The connector's GraphQL documents, one ``.graphql`` file each, loaded by name."""

from __future__ import annotations

import functools
import logging
from importlib import resources

logger = logging.getLogger(__name__)

_PACKAGE = "app.net.shopify.graphql"


@functools.cache
def load_document(name: str) -> str:
    """The text of ``graphql/<name>.graphql``."""
    resource = resources.files(_PACKAGE).joinpath(f"{name}.graphql")
    if not resource.is_file():
        raise KeyError(f"no GraphQL document named {name!r}")
    return resource.read_text(encoding="utf-8")


def document_names() -> list[str]:
    """Every document shipped with the connector, sorted."""
    return sorted(
        entry.name.removesuffix(".graphql")
        for entry in resources.files(_PACKAGE).iterdir()
        if entry.name.endswith(".graphql")
    )
