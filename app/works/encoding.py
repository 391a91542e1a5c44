"""Pages of works as JSON, without a pydantic model per work and authorship.

A search page holds 25 works and about 200 authorships. Handing each authorship to Python
as a row, shaping it as a dict and validating it against `AuthorshipOut` cost more than
all of the search's SQL (4 of 10 ms of CPU per search at 100,000 works). Here the database
writes each work's authorships and topics as JSON arrays, and the page is assembled with
orjson around them (`orjson.Fragment`). `WorkOut` stays the contract: the response model
on the route, the OpenAPI schema, and what tests/api/test_works_encoding.py compares this
output with, field by field, on both databases.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import (
    ColumnElement,
    Row,
    Select,
    bindparam,
    case,
    func,
    literal_column,
    select,
)
from sqlalchemy.orm import Session

from app.core.ids import Kind, public_id
from app.core.pagination import Meta
from app.core.sqljson import (
    embedded_json,
    json_array,
    json_list_or_empty,
    json_object,
    json_row,
)
from app.models import Author, Authorship, Topic, Work, WorkTopic

# Dates and datetimes as pydantic writes them: ISO 8601, "Z" for UTC.
ORJSON_OPTIONS = orjson.OPT_UTC_Z
_EMPTY = orjson.Fragment(b"[]")


# What a page of works shows, as plain rows: loading ORM entities was a tenth of an overview.
WORK_COLUMNS = (
    Work.id,
    Work.arxiv_id,
    Work.arxiv_version,
    Work.doi,
    Work.dois,
    Work.title,
    Work.abstract,
    Work.type,
    Work.publication_date,
    Work.year,
    Work.venue,
    Work.journal_ref,
    Work.comments,
    Work.report_no,
    Work.license,
    Work.primary_category,
    Work.categories,
    Work.authors_count,
    Work.versions,
    Work.is_withdrawn,
    Work.source_updated,
)
_WIDTH = len(WORK_COLUMNS)


def work_fields(work: Sequence[Any], authorships: Any, shown: int, topics: Any) -> dict[str, Any]:
    """`WorkOut`'s fields, in its order, from the values of `WORK_COLUMNS`; `shown` is how
    many authorships `authorships` holds. The pydantic path (plain lists) and this one
    (JSON fragments) both shape a work here."""
    # Unpacked once: a Row's attribute look-up by name cost more than the rest of this.
    (
        work_id,
        arxiv_id,
        arxiv_version,
        doi,
        dois,
        title,
        abstract,
        type_,
        publication_date,
        year,
        venue,
        journal_ref,
        comments,
        report_no,
        license_,
        primary_category,
        categories,
        authors_count,
        versions,
        is_withdrawn,
        source_updated,
    ) = work
    versioned = f"{arxiv_id}v{arxiv_version}" if arxiv_version else None
    return {
        "id": public_id(Kind.WORK, work_id),
        "ids": {
            "arxiv": arxiv_id,
            "arxiv_versioned": versioned,
            "doi": doi,
            "dois": dois or [],
        },
        "title": title,
        "abstract": abstract,
        "type": type_,
        "publication_date": publication_date,
        "year": year,
        "venue": venue,
        "journal_ref": journal_ref,
        "comments": comments,
        "report_no": report_no,
        "license": license_,
        "primary_category": primary_category,
        "categories": categories.split() if categories else [],
        "topics": topics,
        "authorships": authorships,
        "authors_count": authors_count,
        "is_authors_truncated": shown < authors_count,
        # Stored as ISO 8601 strings; parsed, orjson writes them exactly as pydantic does.
        "versions": [
            {"version": f"v{v['version']}", "created": datetime.fromisoformat(v["created"])}
            for v in versions or []
        ],
        "is_withdrawn": is_withdrawn,
        "updated_date": source_updated,
        "abs_url": f"https://arxiv.org/abs/{versioned or arxiv_id}",
        "pdf_url": f"https://arxiv.org/pdf/{versioned or arxiv_id}",
    }


def _nested_columns(
    dialect: str, max_position: ColumnElement[int] | None = None, *, as_text: bool = True
) -> tuple[Any, Any, Any]:
    """A work's first `max_position` authorships (the `max_position` parameter when not
    given) and its topics as JSON (text, or values to nest: `json_array`'s `as_text`), and
    how many authorships that is: `authorships`, `shown`, `topics`, correlated with
    `works`."""
    author = case(
        (
            Authorship.author_id.is_not(None),
            json_object(
                dialect,
                id=literal_column(f"'{Kind.AUTHOR.value}'").op("||")(Authorship.author_id),
                display_name=Author.display_name,
            ),
        )
    )
    authorship = json_object(
        dialect,
        position=Authorship.position,
        raw_name=Authorship.raw_name,
        display_name=Authorship.display_name,
        # json_object() nests a json_object() passed through CASE (its subtype stays with
        # the value); tests/api/test_works_encoding.py would see it turn into a string.
        author=author,
        affiliations=json_list_or_empty(dialect, Authorship.affiliations),
    )
    if max_position is None:
        max_position = bindparam("max_position")
    shown = (Authorship.work_id == Work.id, Authorship.position <= max_position)
    with_author = Authorship.__table__.outerjoin(
        Author.__table__, Author.id == Authorship.author_id
    )
    # Each topic by its primary key, as scalar subqueries: joined instead, PostgreSQL hashed
    # the whole topics table once per work (its cost model prefers that for a small table);
    # this statement for 25 works went from 3.4-3.6 to 2.6-2.9 ms (100k, docs/benchmarks.md).
    code, name = (
        select(column).where(Topic.id == WorkTopic.topic_id).scalar_subquery()
        for column in (Topic.code, Topic.name)
    )
    topic = json_object(
        dialect,
        id=literal_column(f"'{Kind.TOPIC.value}'").op("||")(WorkTopic.topic_id),
        code=code,
        display_name=name,
    )
    return (
        json_array(
            dialect, authorship, with_author, shown, (Authorship.position,), Work, as_text=as_text
        ).label("authorships"),
        select(func.count())
        .select_from(Authorship)
        .where(*shown)
        .correlate(Work)
        .scalar_subquery()
        .label("shown"),
        json_array(
            dialect,
            topic,
            WorkTopic.__table__,
            (WorkTopic.work_id == Work.id,),
            (WorkTopic.is_primary.desc(), code),
            Work,
            as_text=as_text,
        ).label("topics"),
    )


_OF_IDS = Work.id.in_(bindparam("ids", expanding=True))


@functools.cache
def _nested_of_works(dialect: str) -> Select[*tuple[Any, ...]]:
    """For each work of `ids`: its id and `_nested_columns`. Built once per dialect."""
    return select(Work.id, *_nested_columns(dialect)).where(_OF_IDS)


@functools.cache
def _works_with_nested(dialect: str) -> Select[*tuple[Any, ...]]:
    """For each work of `ids`: `WORK_COLUMNS`, then `_nested_columns`."""
    return select(*WORK_COLUMNS, *_nested_columns(dialect)).where(_OF_IDS)


def work_rows_json(
    dialect: str,
    which: ColumnElement[bool],
    order: Sequence[Any],
    correlate: Any,
    *,
    max_authorships: int,
) -> ColumnElement[str]:
    """The works that `which` picks (correlated with the outer query's `correlate`; a page
    of them, it has no limit), in `order`, as the text of one JSON array of rows:
    `WORK_COLUMNS`, then the work's first `max_authorships` authorships, how many that is,
    and its topics. A column for a statement on another table, so that a record and its
    works come back in one round trip; `work_row_item` writes each row as a work."""
    authorships, shown, topics = (
        column.element
        for column in _nested_columns(
            dialect, literal_column(str(int(max_authorships))), as_text=False
        )
    )
    values = [
        embedded_json(dialect, column) if column.key in _JSON_COLUMNS else column
        for column in WORK_COLUMNS
    ]
    row = json_row(
        dialect,
        *values,
        embedded_json(dialect, authorships),
        shown,
        embedded_json(dialect, topics),
    )
    return json_array(dialect, row, Work.__table__, (which,), order, correlate)


_JSON_COLUMNS = {"dois", "versions"}
_WITHDRAWN = [column.key for column in WORK_COLUMNS].index("is_withdrawn")


def work_row_item(row: list[Any]) -> dict[str, Any]:
    """A row of `work_rows_json`, decoded, as `work_items` writes a work: JSON's values are
    the columns' own (dates as ISO 8601 text, which is how they are written anyway), but
    for SQLite's booleans, which are 0 or 1."""
    work = row[:_WIDTH]
    work[_WITHDRAWN] = bool(work[_WITHDRAWN])
    authorships, shown, topics = row[_WIDTH:]
    return work_fields(work, authorships, shown, topics)


def work_items(
    session: Session, works: Sequence[Row[*tuple[Any, ...]]], *, max_authorships: int
) -> list[dict[str, Any]]:
    """The page's works as `WorkOut` would write them (see `work_fields`), each with its
    first `max_authorships` authorships; for `encode_page`."""
    if not works:
        return []
    params = {"ids": [w.id for w in works], "max_position": max_authorships}
    nested = {
        row.id: row
        for row in session.connection().execute(
            _nested_of_works(session.get_bind().dialect.name), params
        )
    }
    items = []
    for work in works:
        found = nested.get(work.id)
        if found is None:
            items.append(work_fields(work, _EMPTY, 0, _EMPTY))
            continue
        authorships = orjson.Fragment(found.authorships)
        items.append(work_fields(work, authorships, found.shown, orjson.Fragment(found.topics)))
    return items


def works_with_nested(
    session: Session, ids: Sequence[int], *, max_authorships: int
) -> list[Row[*tuple[Any, ...]]]:
    """The works of `ids`, in that order (any gone since left out), each row `WORK_COLUMNS`
    and its nested JSON: a page in one statement where `work_items` needs two once the
    page's rows are read. For pages whose ids are known first (a ranked search, the
    overview's newest works)."""
    if not ids:
        return []
    params = {"ids": list(ids), "max_position": max_authorships}
    statement = _works_with_nested(session.get_bind().dialect.name)
    found = {row.id: row for row in session.connection().execute(statement, params)}
    return [found[i] for i in ids if i in found]


def nested_item(row: Row[*tuple[Any, ...]]) -> dict[str, Any]:
    """A `works_with_nested` row as `work_items` writes a work."""
    return work_fields(
        row[:_WIDTH],
        orjson.Fragment(row.authorships),
        row.shown,
        orjson.Fragment(row.topics),
    )


def encode_page(meta: Meta, items: list[dict[str, Any]], fields: list[str] | None) -> bytes:
    """`Page[WorkOut]`'s JSON; with `fields`, only those (as `page_response` picks them)."""
    if fields is not None:
        wanted = set(fields)
        items = [{k: v for k, v in item.items() if k in wanted} for item in items]
    return orjson.dumps({"meta": meta.model_dump(), "results": items}, option=ORJSON_OPTIONS)
