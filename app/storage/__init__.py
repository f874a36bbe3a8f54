"""The local cache: SQLModel tables, Alembic migrations, folders, secrets."""
