"""Alembic environment: runs on the connection that ``app.storage.db`` hands in."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import app.storage.models  # noqa: F401  (registers the tables on SQLModel.metadata)

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("Run migrations through app.storage.db.migrate().")

context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
