"""Cursor pagination, sorting from an allow-list, field selection and the list envelope.

Lists follow the OpenAlex contract clients already know: `{meta: {count, per_page,
next_cursor}, results}`. Cursors are opaque (base64url JSON of the last row's sort key and
id), so deep pages cost the same as the first: the query seeks, it never offsets.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, TypeVar

import orjson
from fastapi import Query
from pydantic import BaseModel, Field
from sqlalchemy import ColumnElement, and_, func, or_, select, true
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.sql import Select

from app.core.errors import BadRequest

MAX_PER_PAGE = 200
DEFAULT_PER_PAGE = 25

T = TypeVar("T")
SelectT = TypeVar("SelectT", bound="Select[*tuple[Any, ...]]")
RowT = TypeVar("RowT")


class Meta(BaseModel):
    count: int = Field(description="Number of results matching the query, over all pages.")
    count_is_exact: bool = Field(
        default=True,
        description=(
            "False when `count` is an estimate: a full-text search (`q`) counts its matches "
            "exactly up to 1,000 and estimates larger totals (never below 1,001, typically "
            "within a few percent)."
        ),
    )
    per_page: int
    next_cursor: str | None = Field(
        description="Pass as `cursor` to get the next page; null on the last page."
    )


class Page(BaseModel, Generic[T]):
    meta: Meta
    results: list[T]


@dataclass(frozen=True)
class PageParams:
    per_page: int
    cursor: str | None


def page_params(
    per_page: int = Query(
        DEFAULT_PER_PAGE, ge=1, le=MAX_PER_PAGE, description="Results per page (1-200)."
    ),
    cursor: str | None = Query(
        None,
        max_length=512,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="Opaque cursor from `meta.next_cursor`.",
    ),
) -> PageParams:
    return PageParams(per_page=per_page, cursor=cursor)


@dataclass(frozen=True)
class SortKey:
    column: InstrumentedAttribute[Any]
    descending: bool


def parse_sort(
    value: str | None, allowed: Mapping[str, InstrumentedAttribute[Any]], default: str
) -> tuple[str, SortKey]:
    """`works_count:desc` -> a sort key, or 400 naming the allowed fields."""
    raw = value or default
    name, _, direction = raw.partition(":")
    direction = direction or ("desc" if name != "display_name" else "asc")
    if name not in allowed or direction not in ("asc", "desc"):
        choices = ", ".join(f"{k}[:asc|:desc]" for k in allowed)
        raise BadRequest.for_field("sort", f"Unknown sort '{raw[:60]}'; allowed: {choices}.")
    return f"{name}:{direction}", SortKey(allowed[name], direction == "desc")


def _encode_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def encode_cursor(sort: str, last_value: Any, last_id: int) -> str:
    payload = orjson.dumps([sort, _encode_value(last_value), last_id])
    return base64.urlsafe_b64encode(payload).decode().rstrip("=")


def decode_cursor(cursor: str, sort: str) -> tuple[Any, int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        sort_name, value, last_id = orjson.loads(base64.urlsafe_b64decode(padded))
    except (ValueError, TypeError, binascii.Error, orjson.JSONDecodeError):
        raise BadRequest.for_field("cursor", "Malformed cursor.") from None
    if sort_name != sort or not isinstance(last_id, int):
        raise BadRequest.for_field("cursor", "This cursor belongs to another sort order.")
    if not (value is None or isinstance(value, (int, float, str))):
        raise BadRequest.for_field("cursor", "Malformed cursor.")
    return value, last_id


def _coerce(column: InstrumentedAttribute[Any], value: Any) -> Any:
    if value is None:
        return None
    python_type = column.type.python_type
    try:
        if python_type is date:
            return date.fromisoformat(str(value))
        if python_type is int and isinstance(value, float):
            raise ValueError
        return python_type(value)
    except (ValueError, TypeError):
        raise BadRequest.for_field("cursor", "Malformed cursor.") from None


def after(
    key: SortKey, id_column: InstrumentedAttribute[int], value: Any, last_id: int
) -> ColumnElement[bool]:
    """Rows strictly after (value, last_id) in `ORDER BY key NULLS LAST, id` order."""
    col = key.column
    value = _coerce(col, value)
    same_value_later = id_column < last_id if key.descending else id_column > last_id
    if value is None:
        return and_(col.is_(None), same_value_later)
    beyond = col < value if key.descending else col > value
    return or_(beyond, and_(col == value, same_value_later), col.is_(None))


def order_by(key: SortKey, id_column: InstrumentedAttribute[int]) -> list[Any]:
    col = key.column.desc() if key.descending else key.column.asc()
    tie = id_column.desc() if key.descending else id_column.asc()
    return [col.nulls_last(), tie]


def keyset(
    stmt: SelectT,
    params: PageParams,
    sort_name: str,
    key: SortKey,
    id_column: InstrumentedAttribute[int],
) -> SelectT:
    """Apply cursor, order and limit (one extra row tells whether a next page exists)."""
    if params.cursor:
        value, last_id = decode_cursor(params.cursor, sort_name)
        stmt = stmt.where(after(key, id_column, value, last_id))
    return stmt.order_by(*order_by(key, id_column)).limit(params.per_page + 1)


def next_cursor(
    rows: Sequence[Any], params: PageParams, sort_name: str, key_name: str
) -> tuple[list[Any], str | None]:
    """Trim the look-ahead row and build the cursor from the last row kept."""
    if len(rows) <= params.per_page:
        return list(rows), None
    kept = list(rows[: params.per_page])
    last = kept[-1]
    return kept, encode_cursor(sort_name, getattr(last, key_name), last.id)


def page_by_id(
    session: Session,
    model: type[RowT],
    id_column: InstrumentedAttribute[int],
    conditions: Sequence[ColumnElement[bool]],
    page: PageParams,
    *,
    newest_first: bool,
) -> tuple[int, list[RowT], str | None]:
    """The total, one page of `model` rows in id (creation) order, and the next cursor: the
    shape of every list that pages by when things happened (claims, invitations, messages,
    corrections)."""
    count = session.scalar(select(func.count()).select_from(model).where(*conditions)) or 0
    sort = "id:desc" if newest_first else "id:asc"
    stmt = keyset(
        select(model).where(*conditions), page, sort, SortKey(id_column, newest_first), id_column
    )
    kept, cursor = next_cursor(session.scalars(stmt).all(), page, sort, "id")
    return count, kept, cursor


def offset_cursor(offset: int) -> str:
    return encode_cursor("relevance", None, offset)


def decode_offset(params: PageParams) -> int:
    if not params.cursor:
        return 0
    _, offset = decode_cursor(params.cursor, "relevance")
    if not 0 <= offset <= 10_000:
        raise BadRequest.for_field("cursor", "Relevance-ranked results go 10,000 deep at most.")
    return offset


def parse_select(value: str | None, allowed: Sequence[str]) -> list[str] | None:
    """`select=id,display_name` -> the field names, or 400 naming the unknown ones."""
    if value is None:
        return None
    fields = [f.strip() for f in value.split(",") if f.strip()]
    unknown = [f for f in fields if f not in allowed]
    if unknown or not fields:
        raise BadRequest.for_field(
            "select",
            f"Unknown field(s) {', '.join(unknown)[:100] or '(none)'}; "
            f"allowed: {', '.join(allowed)}.",
        )
    if "id" not in fields:
        fields.insert(0, "id")
    return fields


def bool_filter(flag: bool | None, condition: ColumnElement[bool]) -> ColumnElement[bool]:
    if flag is None:
        return true()
    return condition if flag else ~condition


def sort_pattern(allowed: Sequence[str], *extra: str) -> str:
    """A regex for the `sort` parameter, so the OpenAPI spec itself lists the choices."""
    names = "|".join([*allowed, *extra])
    return rf"^({names})(:(asc|desc))?$"


def select_pattern(allowed: Sequence[str]) -> str:
    names = "|".join(allowed)
    return rf"^({names})(,({names}))*$"
