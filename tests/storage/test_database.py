"""The database file: migrations, WAL mode, UTC times."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import Session, SQLModel

from app.storage.db import open_database, schema_is_current, sqlite_url
from app.storage.models import SyncState


def test_migrations_build_exactly_the_tables_the_models_declare(tmp_path: Path) -> None:
    engine = open_database(sqlite_url(tmp_path / "db.sqlite3"))
    with engine.connect() as connection:
        context = MigrationContext.configure(connection)
        differences = compare_metadata(context, SQLModel.metadata)
    assert differences == [], "a model changed without an Alembic revision"
    assert schema_is_current(engine)


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    engine = open_database(sqlite_url(tmp_path / "db.sqlite3"))
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_opening_twice_is_harmless(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "db.sqlite3")
    open_database(url).dispose()
    engine = open_database(url)
    tables = sa.inspect(engine).get_table_names()
    assert {"shipment", "outbox_entry", "audit_entry", "sku_mapping"} <= set(tables)


def test_times_come_back_in_utc(tmp_path: Path) -> None:
    engine = open_database(sqlite_url(tmp_path / "db.sqlite3"))
    moment = datetime(2026, 1, 6, 9, 30, tzinfo=UTC)
    with Session(engine) as session:
        session.add(SyncState(key="k", value="v", updated_at=moment))
        session.commit()
    with Session(engine) as session:
        row = session.get(SyncState, "k")
        assert row is not None
        assert row.updated_at == moment
        assert row.updated_at.tzinfo is not None
