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


def test_the_revision_the_app_checks_at_start_is_alembics_head(tmp_path: Path) -> None:
    from alembic.script import ScriptDirectory

    from app.storage.db import SCHEMA_REVISION, alembic_config, stored_revision

    engine = open_database(sqlite_url(tmp_path / "db.sqlite3"))
    heads = ScriptDirectory.from_config(alembic_config(engine)).get_heads()
    assert heads == [SCHEMA_REVISION], "update SCHEMA_REVISION with a new migration"
    assert stored_revision(engine) == SCHEMA_REVISION


def test_an_old_database_is_still_migrated_on_open(tmp_path: Path) -> None:
    from alembic import command

    from app.storage.db import SCHEMA_REVISION, alembic_config, create_db_engine

    url = sqlite_url(tmp_path / "db.sqlite3")
    old = create_db_engine(url)
    config = alembic_config(old)
    with old.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
    old.dispose()

    engine = open_database(url)
    assert schema_is_current(engine)
    assert "campaign" in sa.inspect(engine).get_table_names()
    assert SCHEMA_REVISION != "0001"
