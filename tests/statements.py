"""Recording the SQL a piece of code sends, for tests that count or order statements."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, event

_TRANSACTION_CONTROL = ("SAVEPOINT", "RELEASE", "ROLLBACK")


@contextmanager
def recorded_statements(
    target: Engine | Connection, *, savepoints: bool = True
) -> Iterator[list[str]]:
    """The statements sent through `target` while the block runs, in order; without the
    tests' own savepoint bookkeeping when `savepoints` is false."""
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if savepoints or not statement.lstrip().upper().startswith(_TRANSACTION_CONTROL):
            statements.append(statement)

    event.listen(target, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(target, "before_cursor_execute", record)
