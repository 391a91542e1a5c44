"""Bulk rows for SQLite: only the columns that need it are converted, to the same values."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from app.ingest.bulk import _sqlite_rows, _sqlite_value
from app.ingest.records import SourceFormat


def test_converted_rows_are_what_converting_every_value_gives() -> None:
    rows: list[tuple[Any, ...]] = [
        (1, "a", None, None, 1.5, True, None),
        (
            2,
            "b",
            datetime(2020, 1, 2, 3, 4, 5, 6, tzinfo=UTC),
            date(2020, 1, 2),
            None,
            False,
            ["x"],
        ),
        (3, SourceFormat.SNAPSHOT, None, None, 2, None, {"k": [1, 2]}),
    ]
    expected = [[_sqlite_value(v) for v in row] for row in rows]
    assert [list(row) for row in _sqlite_rows(rows, 7)] == expected


def test_native_rows_are_passed_as_they_are() -> None:
    rows = [(1, "a", None, 1.5, True, b"x")]
    assert _sqlite_rows(rows, 6) is rows
