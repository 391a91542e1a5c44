"""Bulk row writes: COPY on PostgreSQL, executemany on the raw SQLite connection.

The ORM unit of work costs tens of microseconds per row; ingestion writes millions of rows,
so the pipeline hands plain tuples to the driver inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import orjson
from sqlalchemy import Connection, text


def _sqlite_value(value: Any) -> Any:
    # The same text forms SQLAlchemy's SQLite types read back (no driver adapters, which
    # are deprecated since Python 3.12).
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, dict)):
        return orjson.dumps(value).decode()
    return value


def _postgres_value(value: Any) -> Any:
    if isinstance(value, (list, dict)):
        return orjson.dumps(value).decode()
    return value


def insert_rows(
    connection: Connection, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Insert `rows` (tuples in `columns` order) into `table` within the open transaction."""
    if not rows:
        return
    raw: Any = connection.connection.driver_connection
    column_list = ", ".join(columns)
    if connection.dialect.name == "postgresql":
        with (
            raw.cursor() as cursor,
            cursor.copy(f"COPY {table} ({column_list}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row([_postgres_value(v) for v in row])
        return
    placeholders = ", ".join("?" for _ in columns)
    cursor = raw.cursor()
    try:
        cursor.executemany(
            f"INSERT INTO {table} ({column_list}) VALUES ({placeholders})",
            _sqlite_rows(rows, len(columns)),
        )
    finally:
        cursor.close()


# Types the driver stores as they are (`_sqlite_value` returns them unchanged).
_SQLITE_NATIVE: frozenset[type] = frozenset({type(None), bool, int, float, str, bytes})


def _sqlite_rows(rows: Sequence[Sequence[Any]], width: int) -> Sequence[Sequence[Any]]:
    """`rows` with `_sqlite_value` applied to the columns that hold anything else than
    native values: most columns hold none, and a call per value was a second per 100k rows."""
    converted = [i for i in range(width) if not {type(row[i]) for row in rows} <= _SQLITE_NATIVE]
    if not converted:
        return rows
    out = [list(row) for row in rows]
    for i in converted:
        for row in out:
            row[i] = _sqlite_value(row[i])
    return out


def execute_many(connection: Connection, sql: str, params: Sequence[dict[str, Any]]) -> None:
    """Run one parameterised statement for many parameter sets."""
    if params:
        connection.execute(text(sql), list(params))


def advance_sequence(connection: Connection, table: str) -> None:
    """After explicit ids were written, move PostgreSQL's sequence past them."""
    if connection.dialect.name == "postgresql":
        connection.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
            )
        )
