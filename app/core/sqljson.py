"""JSON built by the database, on SQLite and PostgreSQL alike.

Handing each nested row (an authorship, a name variant) to Python and shaping it there cost
more than the SQL that found it; these builders let one statement return a record together
with its lists, as JSON text that orjson embeds (`orjson.Fragment`) or reads in one call.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    JSON,
    ColumnElement,
    FromClause,
    Subquery,
    Text,
    case,
    cast,
    func,
    literal_column,
    select,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by


def json_object(dialect: str, **fields: Any) -> ColumnElement[Any]:
    """A JSON object of `fields` in their order (keys are literal: names of ours)."""
    build = func.json_object if dialect == "sqlite" else func.json_build_object
    args: list[Any] = []
    for key, value in fields.items():
        args += [literal_column(f"'{key}'"), value]
    return build(*args)


def json_row(dialect: str, *values: Any) -> ColumnElement[Any]:
    """A JSON array of `values`: a row, for Python to read by position."""
    build = func.json_array if dialect == "sqlite" else func.json_build_array
    return build(*values)


def embedded_json(dialect: str, text: Any) -> ColumnElement[Any]:
    """JSON held as text (a JSON column on SQLite, a `json_array`) as a value that
    `json_object` and `json_row` nest as JSON instead of quoting it as a string."""
    if dialect == "sqlite":
        return func.json(text)
    return cast(text, JSON)


def json_list_or_empty(dialect: str, value: Any) -> ColumnElement[Any]:
    """A JSON list column, `[]` when NULL or JSON null (what `value or []` does in Python)."""
    if dialect == "sqlite":
        return func.json(case((func.json_type(value) == "array", value), else_="[]"))
    return case((func.json_typeof(value) == "array", value), else_=literal_column("'[]'::json"))


def json_scalar(dialect: str, value: Any) -> ColumnElement[Any]:
    """A text or number column as a JSON value, for `json_array` (which on SQLite joins
    items that must be JSON texts already; PostgreSQL's json_agg() converts them)."""
    return func.json_quote(value) if dialect == "sqlite" else value


def json_array(
    dialect: str,
    item: ColumnElement[Any],
    source: FromClause,
    where: Sequence[ColumnElement[bool]],
    order: Sequence[Any],
    correlate: Any,
    *,
    limit: int | None = None,
    as_text: bool = True,
) -> ColumnElement[str]:
    """`item` (a `json_object` or `json_scalar`) of the rows of `source` that meet `where`
    (correlated with the outer query's `correlate`), as the text of one JSON array in
    `order`, at most `limit` of them; '[]' for no rows. Not `as_text`, PostgreSQL leaves it
    a json value, for another JSON value to nest (`embedded_json`) without parsing it
    again; SQLite's is text either way."""

    def first_rows(*columns: Any) -> Subquery:
        return (
            select(*columns)
            .select_from(source)
            .where(*where)
            .order_by(*order)
            .limit(limit)
            .correlate(correlate)
            .subquery()
        )

    if dialect == "sqlite":
        # SQLite keeps a FROM subquery's ORDER BY when the outer query aggregates with
        # anything but count/min/max (sqlite's select.c), and group_concat() takes rows in
        # the order they come; ORDER BY inside an aggregate came in SQLite 3.44. The items
        # are JSON texts already: joined, not parsed again as json_group_array() would.
        rows = first_rows(item.label("item"))
        joined = func.coalesce(func.group_concat(rows.c.item, literal_column("','")), "")
        return select(literal_column("'['").op("||")(joined).op("||")("]")).scalar_subquery()
    empty: ColumnElement[Any] = literal_column("'[]'::json")

    def returned(array: ColumnElement[Any]) -> ColumnElement[Any]:
        # As text: psycopg would parse json into Python objects, which is what this avoids.
        return cast(array, Text) if as_text else array

    if limit is None:
        array = func.coalesce(func.json_agg(aggregate_order_by(item, *order)), empty)
        selected = select(returned(array)).select_from(source).where(*where)
    else:
        # The first `limit` rows, then aggregated in their rank: an aggregate takes no LIMIT.
        ranked = first_rows(
            item.label("item"), func.row_number().over(order_by=order).label("rank")
        )
        array = func.coalesce(
            func.json_agg(aggregate_order_by(ranked.c.item, ranked.c.rank)), empty
        )
        selected = select(returned(array))
    return selected.correlate(correlate).scalar_subquery()
