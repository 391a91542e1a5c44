"""Works: lookup by public id, arXiv id or DOI; lists with filters, search and sorting."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import orjson
from pydantic import TypeAdapter
from sqlalchemy import ColumnElement, Row, Select, bindparam, exists, func, select
from sqlalchemy.orm import Session, aliased

from app.core.database import planned_for_values
from app.core.errors import BadRequest, NotFound
from app.core.ids import Kind, parse_public_id, public_id
from app.core.pagination import (
    Meta,
    Page,
    PageParams,
    SortKey,
    decode_offset,
    encode_cursor,
    keyset,
    next_cursor,
    offset_cursor,
    order_by,
    parse_sort,
)
from app.core.search import content_words, count_works, ranked_work_ids, work_search
from app.models import Author, Authorship, Topic, Work, WorkTopic
from app.topics.service import category_ids_under, resolve_topic
from app.works.encoding import (
    WORK_COLUMNS,
    encode_page,
    nested_item,
    work_fields,
    work_items,
    work_row_item,
    work_rows_json,
    works_with_nested,
)
from app.works.schemas import WorkOut

WORK_SORTS = {
    "publication_date": Work.publication_date,
    "year": Work.year,
    "authors_count": Work.authors_count,
    "id": Work.id,
}
WorkType = Literal[
    "article",
    "conference-paper",
    "preprint",
    "book-chapter",
    "thesis",
    "erratum",
    "book",
    "report",
    "review",
]


def resolve_work_id(session: Session, ident: str) -> int:
    """Row id from "W12", "arxiv:0704.0001" (version suffix allowed) or "doi:10.1/x"."""
    lowered = ident.lower()
    if lowered.startswith("arxiv:"):
        arxiv_id = ident[6:].strip()
        base = arxiv_id.rsplit("v", 1)[0] if _has_version(arxiv_id) else arxiv_id
        found = session.scalar(select(Work.id).where(Work.arxiv_id == base))
        if found is None:
            raise NotFound(f"No work with arXiv id {arxiv_id[:60]}.")
        return found
    if lowered.startswith("doi:"):
        doi = lowered[4:].strip().removeprefix("https://doi.org/")
        found = session.scalar(select(Work.id).where(Work.doi == doi).order_by(Work.id).limit(1))
        if found is None:
            raise NotFound(f"No work with DOI {doi[:100]}.")
        return found
    row_id = parse_public_id(ident, Kind.WORK)
    if session.scalar(select(Work.id).where(Work.id == row_id)) is None:
        raise NotFound(f"No work '{ident[:60]}'.")
    return row_id


def _has_version(arxiv_id: str) -> bool:
    head, sep, tail = arxiv_id.rpartition("v")
    return bool(sep and head and tail.isdigit())


@dataclass(frozen=True)
class WorkFilters:
    q: str | None = None
    author_id: int | None = None
    topic: str | None = None
    category: str | None = None
    year_from: int | None = None
    year_to: int | None = None
    type: str | None = None
    has_doi: bool | None = None


def _works_of(author_id: Any) -> Select[int]:
    # IN this, not EXISTS: planners then start from the author's few authorships instead of
    # walking every work in date order and probing each one (seconds at 1M works).
    return select(Authorship.work_id).where(Authorship.author_id == author_id)


def _conditions(session: Session, filters: WorkFilters) -> list[ColumnElement[bool]]:
    """The filters other than `q` and liveness (the search index holds live works only)."""
    conditions: list[ColumnElement[bool]] = []
    if filters.author_id is not None:
        conditions.append(Work.id.in_(_works_of(filters.author_id)))
    if filters.topic:
        topic = resolve_topic(session, filters.topic, field="topic")
        conditions.append(
            exists().where(
                WorkTopic.work_id == Work.id,
                WorkTopic.topic_id.in_(select(Topic.id).where(category_ids_under(topic))),
            )
        )
    if filters.category:
        conditions.append(
            exists().where(
                WorkTopic.work_id == Work.id,
                WorkTopic.topic_id
                == select(Topic.id).where(Topic.code == filters.category).scalar_subquery(),
            )
        )
    if filters.year_from is not None:
        conditions.append(Work.year >= filters.year_from)
    if filters.year_to is not None:
        conditions.append(Work.year <= filters.year_to)
    if (
        filters.year_from is not None
        and filters.year_to is not None
        and filters.year_from > filters.year_to
    ):
        raise BadRequest.for_field("year_from", "year_from is after year_to.")
    if filters.type:
        conditions.append(Work.type == filters.type)
    if filters.has_doi is not None:
        conditions.append(Work.doi.is_not(None) if filters.has_doi else Work.doi.is_(None))
    return conditions


DEFAULT_WORK_SORT = "publication_date:desc"
_DEFAULT_SORT_NAME, _DEFAULT_KEY = parse_sort(None, WORK_SORTS, DEFAULT_WORK_SORT)


def _author_newest(works: Any, author_id: Any, *columns: Any) -> Select[Any]:
    """`columns` of the live works of `author_id` (a value, or `Author.id` to correlate
    with a statement on `authors`), newest first: the order of an author's first page,
    for `works` (`Work` or an alias of it)."""
    newest_first = SortKey(getattr(works, _DEFAULT_KEY.column.key), _DEFAULT_KEY.descending)
    return (
        select(*columns)
        .where(works.is_deleted.is_(False), works.id.in_(_works_of(author_id).correlate(Author)))
        .order_by(*order_by(newest_first, works.id))
    )


# The most requested page of all: an author's newest works, first page (the overview and
# `GET /v1/authors/{id}/works`). Built once; constructing it per request cost more CPU
# than running it. The same order and look-ahead row as `keyset`, so its cursor pages on.
_AUTHOR_NEWEST_WORKS = _author_newest(Work, bindparam("author"), *WORK_COLUMNS).limit(
    bindparam("limit")
)


# A relevance page's works, in one statement built once (see _AUTHOR_NEWEST_WORKS).
_WORKS_BY_ID = select(*WORK_COLUMNS).where(Work.id.in_(bindparam("ids", expanding=True)))


def _is_author_first_page(filters: WorkFilters, page: PageParams, sort: str | None) -> bool:
    only_author = filters == WorkFilters(author_id=filters.author_id)
    return (
        filters.author_id is not None
        and only_author
        and page.cursor is None
        and sort in (None, DEFAULT_WORK_SORT)
    )


RELEVANCE_SORTS = (None, "relevance", "relevance:desc")


def is_plain_search_first_page(filters: WorkFilters, page: PageParams, sort: str | None) -> bool:
    """A `?q=` with words to search for, no other filter, first page, relevance order: the
    search shape whose cost does not grow with the corpus (it ranks the `RANK_WINDOW`
    newest matches and counts a bounded sample), so SQLite may answer it on the event loop.
    A filter, a cursor or another sort can walk every match."""
    return (
        filters == WorkFilters(q=filters.q)
        and bool(content_words(filters.q or ""))
        and page.cursor is None
        and sort in RELEVANCE_SORTS
    )


def list_works(
    session: Session,
    filters: WorkFilters,
    page: PageParams,
    sort: str | None,
    *,
    count: int | None = None,
    max_authorships: int | None = None,
) -> Page[WorkOut]:
    """A page of works; `count` may be passed when the caller already knows the total.

    Each work carries its first `max_authorships` authorships (LIST_AUTHORSHIPS by default).
    """
    meta, rows, _ = _page_rows(session, filters, page, sort, count)
    return Page(
        meta=meta,
        results=works_out(session, rows, max_authorships=max_authorships or LIST_AUTHORSHIPS),
    )


def list_works_json(
    session: Session,
    filters: WorkFilters,
    page: PageParams,
    sort: str | None,
    fields: list[str] | None,
) -> bytes:
    """`list_works`'s page as JSON (only `fields` of each work, when given), shaped by the
    database instead of pydantic models (app/works/encoding.py): `GET /v1/works`."""
    meta, items = list_work_items(session, filters, page, sort)
    return encode_page(meta, items, fields)


def list_work_items(
    session: Session,
    filters: WorkFilters,
    page: PageParams,
    sort: str | None,
    *,
    count: int | None = None,
    max_authorships: int | None = None,
) -> tuple[Meta, list[dict[str, Any]]]:
    """`list_works`'s page as its meta and the works as `encode_page` takes them (their
    authorships and topics as JSON written by the database, app/works/encoding.py); the
    same `count` and `max_authorships` as `list_works`."""
    shown = max_authorships or LIST_AUTHORSHIPS
    meta, rows, nested = _page_rows(session, filters, page, sort, count, nested=shown)
    if nested:
        return meta, [nested_item(row) for row in rows]
    return meta, work_items(session, rows, max_authorships=shown)


def author_newest_works(
    dialect: str, author_id: Any, limit: int, *, max_authorships: int
) -> ColumnElement[str]:
    """An author's newest `limit` works, in the order of the author's first page, as the
    JSON rows of `work_rows_json` (a column for a statement on `authors`, correlated with
    it): what `author_first_page_items` takes."""
    # The page is chosen by id first and only its works are written as JSON: SQLite would
    # write every work of the author before sorting them (a prolific author has hundreds).
    newest = aliased(Work)
    page = _author_newest(newest, author_id, newest.id).limit(limit).correlate(Author)
    return work_rows_json(
        dialect,
        Work.id.in_(page),
        order_by(_DEFAULT_KEY, Work.id),
        Author,
        max_authorships=max_authorships,
    )


def author_first_page_items(
    rows_json: str, page: PageParams, count: int
) -> tuple[Meta, list[dict[str, Any]]]:
    """An author's first page of works (newest first) as `list_work_items` gives it, from
    what `author_newest_works` wrote for `page.per_page` and one more."""
    rows = orjson.loads(rows_json)
    kept = rows[: page.per_page]
    cursor = None
    # The look-ahead row only tells whether a next page exists.
    if len(rows) > page.per_page and kept:
        last = kept[-1]
        cursor = encode_cursor(_DEFAULT_SORT_NAME, last[_SORT_POSITION], last[0])
    meta = Meta(count=count, count_is_exact=True, per_page=page.per_page, next_cursor=cursor)
    return meta, [work_row_item(row) for row in kept]


_SORT_POSITION = [column.key for column in WORK_COLUMNS].index(_DEFAULT_KEY.column.key)


def _page_rows(
    session: Session,
    filters: WorkFilters,
    page: PageParams,
    sort: str | None,
    count: int | None,
    *,
    nested: int | None = None,
) -> tuple[Meta, list[Row[*tuple[Any, ...]]], bool]:
    """The page's meta, its works as rows of `WORK_COLUMNS`, and whether the rows carry
    their nested JSON too (`works_with_nested`, its first `nested` authorships): a ranked
    page, read by id, does when asked, one statement fewer."""
    narrowing = _conditions(session, filters)
    search = work_search(session.get_bind().dialect.name, filters.q) if filters.q else None
    live = [Work.is_deleted.is_(False), *narrowing]
    exact = True
    has_nested = False
    if count is None:
        if search is not None:
            count, exact = count_works(session, search, narrowing)
        else:
            count = session.scalar(select(func.count()).select_from(Work).where(*live)) or 0
    if _is_author_first_page(filters, page, sort):
        rows = (
            session.connection()
            .execute(
                _AUTHOR_NEWEST_WORKS, {"author": filters.author_id, "limit": page.per_page + 1}
            )
            .all()
        )
        kept, cursor = next_cursor(rows, page, _DEFAULT_SORT_NAME, _DEFAULT_KEY.column.key)
    elif search is not None and (sort is None or sort.startswith("relevance")):
        if sort not in RELEVANCE_SORTS:
            raise BadRequest.for_field("sort", "relevance sorts best first only.")
        offset = decode_offset(page)
        ids = ranked_work_ids(session, search, narrowing, offset, page.per_page + 1, matches=count)
        cursor = offset_cursor(offset + page.per_page) if len(ids) > page.per_page else None
        ids = ids[: page.per_page]
        if nested is not None:
            kept, has_nested = works_with_nested(session, ids, max_authorships=nested), True
        else:
            found = session.connection().execute(_WORKS_BY_ID, {"ids": ids}) if ids else ()
            by_id = {w.id: w for w in found}
            kept = [by_id[i] for i in ids if i in by_id]
    else:
        sort_name, key = parse_sort(sort, WORK_SORTS, DEFAULT_WORK_SORT)
        conditions = live if search is None else [*live, Work.id.in_(search.work_ids())]
        stmt = keyset(select(*WORK_COLUMNS).where(*conditions), page, sort_name, key, Work.id)
        if search is not None:
            # Whether to walk the sort's index or the word's matches depends on the words.
            stmt = planned_for_values(stmt)
        kept, cursor = next_cursor(session.execute(stmt).all(), page, sort_name, key.column.key)
    meta = Meta(count=count, count_is_exact=exact, per_page=page.per_page, next_cursor=cursor)
    return meta, kept, has_nested


# Authorships per work in lists and previews, as OpenAlex does: a collaboration paper has
# hundreds, and shaping them all for every work on a page was most of an author page's time.
LIST_AUTHORSHIPS = 100
_WORKS = TypeAdapter(list[WorkOut])
ALL_AUTHORSHIPS = 1_000_000
# Built once (see _AUTHOR_NEWEST_WORKS): every list of works runs these two.
_AUTHORSHIPS_OF_WORKS = (
    select(
        Authorship.work_id,
        Authorship.position,
        Authorship.raw_name,
        Authorship.display_name,
        Authorship.affiliations,
        Authorship.author_id,
        Author.display_name.label("author_name"),
    )
    .outerjoin(Author, Author.id == Authorship.author_id)
    .where(
        Authorship.work_id.in_(bindparam("ids", expanding=True)),
        Authorship.position <= bindparam("max_position"),
    )
    .order_by(Authorship.work_id, Authorship.position)
)
_TOPICS_OF_WORKS = (
    select(WorkTopic.work_id, Topic.id, Topic.code, Topic.name)
    .join(Topic, Topic.id == WorkTopic.topic_id)
    .where(WorkTopic.work_id.in_(bindparam("ids", expanding=True)))
    .order_by(WorkTopic.work_id, WorkTopic.is_primary.desc(), Topic.code)
)


def get_work(session: Session, ident: str) -> WorkOut:
    work = session.get(Work, resolve_work_id(session, ident))
    assert work is not None
    return works_out(session, [work], max_authorships=None)[0]


def works_out(
    session: Session,
    works: Sequence[Work | Row[*tuple[Any, ...]]],
    *,
    max_authorships: int | None = LIST_AUTHORSHIPS,
) -> list[WorkOut]:
    """Shape a page of works with two more queries in all (authorships, topics): no N+1.

    Authorships beyond `max_authorships` per work are left out (`is_authors_truncated`).
    """
    ids = [w.id for w in works]
    if not ids:
        return []
    limit = {"ids": ids, "max_position": max_authorships or ALL_AUTHORSHIPS}
    # Plain dicts validated in one call at the end: pydantic's core does the per-item work,
    # where one model constructor call per authorship was most of the cost of a page.
    rows: dict[int, list[dict[str, Any]]] = defaultdict(list)
    # Plain rows: on the connection, these skip the ORM's per-statement bookkeeping.
    connection = session.connection()
    for row in connection.execute(_AUTHORSHIPS_OF_WORKS, limit):
        author_id = row.author_id
        rows[row.work_id].append(
            {
                "position": row.position,
                "raw_name": row.raw_name,
                "display_name": row.display_name,
                "author": {"id": public_id(Kind.AUTHOR, author_id), "display_name": row.author_name}
                if author_id
                else None,
                "affiliations": row.affiliations or [],
            }
        )
    topics: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for topic_row in connection.execute(_TOPICS_OF_WORKS, {"ids": ids}):
        topics[topic_row.work_id].append(
            {
                "id": public_id(Kind.TOPIC, topic_row.id),
                "code": topic_row.code,
                "display_name": topic_row.name,
            }
        )
    shaped = []
    for work in works:
        values = (
            work if isinstance(work, Row) else tuple(getattr(work, c.key) for c in WORK_COLUMNS)
        )
        authorships = rows.get(work.id, [])
        shaped.append(work_fields(values, authorships, len(authorships), topics[work.id]))
    return _WORKS.validate_python(shaped)
