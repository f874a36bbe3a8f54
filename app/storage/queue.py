"""The queue's SQL: which shipment ids match a search, in which order.

The table model in the UI holds only the ids this returns and loads rows in
small batches, so the queue stays instant with a hundred thousand shipments.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from app.storage.models import Shipment

# Ids per IN (...) query when rows are loaded; well under SQLite's variable limit.
ROW_BATCH = 200

_table = Shipment.__table__  # type: ignore[attr-defined]
_c = _table.c

SORT_COLUMNS: dict[str, ColumnElement[Any]] = {
    "ship_by": _c.ship_by,
    "order_id": _c.order_id,
    "kind": _c.kind,
    "state": _c.state,
    "recipient": _c.recipient_name,
    "item": _c.item_summary,
    "sku": _c.sku_summary,
    "tracking": _c.tracking_number,
}

ROW_COLUMNS = (
    _c.id,
    _c.order_id,
    _c.kind,
    _c.state,
    _c.ship_by,
    _c.recipient_name,
    _c.item_summary,
    _c.sku_summary,
    _c.tracking_number,
    _c.carrier,
    _c.on_hold,
    _c.platform_status,
    _c.problem,
)


def search_pattern(text: str) -> str | None:
    """The LIKE pattern for a search box's text, or ``None`` for no filter."""
    folded = " ".join(text.casefold().split())
    if not folded:
        return None
    escaped = folded.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def queue_id_statements(
    *,
    text: str,
    states: Collection[str],
    kind: str | None,
    sort: str,
    descending: bool,
) -> list[sa.Select[Any]]:
    """The SELECTs whose results, one after the other, list the queue's ids.

    Shipments with no value in the sort column always come last. For the
    deadline, the usual order, that takes two statements: each walks the
    queue index in order, where one "NULLS LAST" statement would have to sort
    every match first.
    """
    statement = sa.select(_c.id).where(_c.state.in_(sorted(states)))
    if kind is not None:
        statement = statement.where(_c.kind == kind)
    pattern = search_pattern(text)
    if pattern is not None:
        statement = statement.where(_c.search_text.like(pattern, escape="\\"))

    column = SORT_COLUMNS[sort]
    ordered = column.desc() if descending else column.asc()
    if sort != "ship_by":
        return [statement.order_by(ordered.nulls_last(), _c.id)]
    ids = _c.id.desc() if descending else _c.id.asc()
    return [
        statement.where(column.is_not(None)).order_by(ordered, ids),
        statement.where(column.is_(None)).order_by(_c.id),
    ]


def fetch_ids(
    connection: Connection,
    statements: Sequence[sa.Select[Any]],
    limit: int | None = None,
) -> list[int]:
    """Run the queue statements and return their ids, in order, as one list.

    With a ``limit`` the database stops walking the index once it has found
    that many, which keeps a one-letter search as quick as a precise one.
    """
    ids: list[int] = []
    for statement in statements:
        if limit is not None:
            remaining = limit - len(ids)
            if remaining <= 0:
                break
            statement = statement.limit(remaining)
        ids.extend(_plain_ids(connection, statement))
    return ids


def _plain_ids(connection: Connection, statement: sa.Select[Any]) -> list[int]:
    """Run a one-column SELECT on the driver's own cursor.

    A search can list tens of thousands of ids; SQLAlchemy's result objects
    cost more per row than the query itself, and ids need none of their
    processing.
    """
    compiled = statement.compile(
        dialect=connection.dialect, compile_kwargs={"render_postcompile": True}
    )
    if compiled.positiontup is not None:
        parameters: Any = tuple(compiled.params[name] for name in compiled.positiontup)
    else:
        parameters = compiled.params
    cursor = connection.connection.cursor()
    try:
        cursor.execute(str(compiled), parameters)
        return [row[0] for row in cursor.fetchall()]
    finally:
        cursor.close()


def fetch_rows(connection: Connection, ids: Sequence[int]) -> list[sa.Row[Any]]:
    """Load the display columns of the given shipments, in batches."""
    rows: list[sa.Row[Any]] = []
    for start in range(0, len(ids), ROW_BATCH):
        batch = ids[start : start + ROW_BATCH]
        statement = sa.select(*ROW_COLUMNS).where(_c.id.in_(batch))
        rows.extend(connection.execute(statement))
    return rows


def count_by_state(connection: Connection) -> dict[str, int]:
    """How many shipments are in each state."""
    statement = sa.select(_c.state, sa.func.count()).group_by(_c.state)
    return {state: count for state, count in connection.execute(statement)}


def count_late(connection: Connection, states: Collection[str], now: Any) -> int:
    """How many shipments in ``states`` are past their ship-by time."""
    statement = (
        sa.select(sa.func.count())
        .select_from(_table)
        .where(_c.state.in_(sorted(states)))
        .where(_c.ship_by < now)
    )
    return int(connection.execute(statement).scalar_one())
