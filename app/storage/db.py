"""The database engine: one per data folder, migrated by Alembic on open.

SQLite runs in WAL mode so the GUI can read while the sync worker writes. The
same code takes a PostgreSQL URL; nothing here is SQLite-only but the pragmas.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

if TYPE_CHECKING:
    from alembic.config import Config

logger = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")

# How long a writer waits for another connection's lock before giving up.
BUSY_TIMEOUT_MS = 10_000


def sqlite_url(path: Path) -> str:
    """The SQLAlchemy URL of a SQLite file."""
    return f"sqlite:///{path}"


def create_db_engine(url: str) -> Engine:
    """Make an engine for ``url`` with the settings the bench relies on."""
    if url.startswith("sqlite"):
        engine = sa.create_engine(
            url,
            connect_args={
                "check_same_thread": False,
                "timeout": BUSY_TIMEOUT_MS / 1000,
            },
        )
        sa.event.listen(engine, "connect", _on_sqlite_connect)
        return engine
    return sa.create_engine(url, pool_pre_ping=True)


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers (the queue) and the writer (a clerk's save, the sync
    # worker) work at once; synchronous=NORMAL is durable in WAL mode except for
    # the last transaction on power loss, which the outbox can replay.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.close()


#: The newest migration's id. A database already there is opened without
#: loading Alembic at all, which shortens every start; a test keeps this equal
#: to Alembic's own head.
SCHEMA_REVISION = "0004"


def stored_revision(engine: Engine) -> str | None:
    """The migration the database is at, read without Alembic (None if new)."""
    with engine.connect() as connection:
        if not sa.inspect(connection).has_table("alembic_version"):
            return None
        value = connection.execute(sa.text("SELECT version_num FROM alembic_version"))
        return value.scalar()


def alembic_config(engine: Engine) -> Config:
    """An Alembic config that needs no ini file (so it works frozen, too)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def migrate(engine: Engine) -> None:
    """Bring the schema up to the newest revision."""
    from alembic import command

    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def schema_is_current(engine: Engine) -> bool:
    """True when the database is at the newest migration."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    return current == head


def open_database(url: str) -> Engine:
    """Open (creating and migrating as needed) the database at ``url``."""
    engine = create_db_engine(url)
    if stored_revision(engine) != SCHEMA_REVISION:
        migrate(engine)
    logger.info("Database ready (%s)", engine.url.render_as_string(hide_password=True))
    return engine


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One unit of work: committed on success, rolled back on any error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
