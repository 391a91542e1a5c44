"""Full-text search behind one interface: FTS5 on SQLite, tsvector + GIN on PostgreSQL.

The search structures live outside `Base.metadata` (FTS5 virtual tables, PostgreSQL side
tables kept by triggers, expression indexes are not ORM objects). `create_search_objects`
builds the ones of the first migration; later migrations change them in their own files
(migrations/versions/20261202_0005_bounded_search.py, ..._0006_author_name_prefixes.py), so
each revision stays as it ran.

Works search indexes live works only (deleted ones leave the index), so a count or a
ranking over the index alone needs no visit to `works`. Relevance is bounded: the
`RANK_WINDOW` newest matches are ranked, older ones follow newest first; counts are exact up
to `COUNT_EXACT_UP_TO` and estimated above it (`count_works`). Both keep a query on a word
that half the corpus contains as cheap as one on a rare word.
"""

from __future__ import annotations

import functools
import operator
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import orjson
from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Connection,
    CursorResult,
    Executable,
    Integer,
    Select,
    Text,
    bindparam,
    column,
    func,
    literal,
    literal_column,
    select,
    table,
    text,
)
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Session

from app.core.database import UNPREPARED, planned_for_values
from app.ingest.names import ascii_fold
from app.models import Author, Work

# Tables and indexes kept here, outside the ORM: migration checks ignore them and their
# FTS5 shadow tables. The indexes are PostgreSQL's at the latest revision.
SEARCH_TABLES = (
    "works_fts",
    "authors_fts",
    "works_search",
    "author_name_prefixes",
    "recent_lexemes",
)
SEARCH_INDEXES = (
    "ix_works_search_vector",
    "ix_works_search_work_id_brin",
    "ix_authors_search",
    "ix_author_name_prefixes",
    "ix_author_name_prefixes_author",
)

_TOKEN = re.compile(r"\w+", re.UNICODE)
# Stemmed, case- and accent-insensitive: what a works search matches on SQLite.
WORKS_TOKENIZER = "porter unicode61 remove_diacritics 2"

_SQLITE_DDL = (
    # External-content FTS5: the text stays in `works`/`authors`, the index is all we add.
    "CREATE VIRTUAL TABLE works_fts USING fts5(title_plain, abstract_plain, content='works', "
    f"content_rowid='id', tokenize='{WORKS_TOKENIZER}')",
    "CREATE TRIGGER works_fts_ai AFTER INSERT ON works BEGIN INSERT INTO works_fts(rowid, "
    "title_plain, abstract_plain) VALUES (new.id, new.title_plain, new.abstract_plain); END",
    "CREATE TRIGGER works_fts_ad AFTER DELETE ON works BEGIN INSERT INTO works_fts(works_fts, "
    "rowid, title_plain, abstract_plain) VALUES ('delete', old.id, old.title_plain, "
    "old.abstract_plain); END",
    "CREATE TRIGGER works_fts_au AFTER UPDATE OF title_plain, abstract_plain ON works BEGIN "
    "INSERT INTO works_fts(works_fts, rowid, title_plain, abstract_plain) VALUES ('delete', "
    "old.id, old.title_plain, old.abstract_plain); INSERT INTO works_fts(rowid, title_plain, "
    "abstract_plain) VALUES (new.id, new.title_plain, new.abstract_plain); END",
    "CREATE VIRTUAL TABLE authors_fts USING fts5(search_names, content='authors', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2', prefix='1 2 3')",
    "CREATE TRIGGER authors_fts_ai AFTER INSERT ON authors BEGIN INSERT INTO authors_fts(rowid, "
    "search_names) VALUES (new.id, new.search_names); END",
    "CREATE TRIGGER authors_fts_ad AFTER DELETE ON authors BEGIN INSERT INTO authors_fts("
    "authors_fts, rowid, search_names) VALUES ('delete', old.id, old.search_names); END",
    "CREATE TRIGGER authors_fts_au AFTER UPDATE OF search_names ON authors BEGIN INSERT INTO "
    "authors_fts(authors_fts, rowid, search_names) VALUES ('delete', old.id, old.search_names); "
    "INSERT INTO authors_fts(rowid, search_names) VALUES (new.id, new.search_names); END",
)

_WORKS_TSV = (
    "to_tsvector('english', coalesce(title_plain, '') || ' ' || coalesce(abstract_plain, ''))"
)
_AUTHORS_TSV = "to_tsvector('simple', coalesce(search_names, ''))"

_POSTGRES_DDL = (
    f"CREATE INDEX ix_works_search ON works USING gin (({_WORKS_TSV}))",
    f"CREATE INDEX ix_authors_search ON authors USING gin (({_AUTHORS_TSV}))",
)


def create_search_objects(connection: Connection) -> None:
    """The search objects of the first migration (0001), exactly as it created them."""
    ddl = _SQLITE_DDL if connection.dialect.name == "sqlite" else _POSTGRES_DDL
    for statement in ddl:
        connection.execute(text(statement))


def drop_search_objects(connection: Connection) -> None:
    if connection.dialect.name == "sqlite":
        for trigger in (
            "works_fts_ai",
            "works_fts_ad",
            "works_fts_au",
            "authors_fts_ai",
            "authors_fts_ad",
            "authors_fts_au",
        ):
            connection.execute(text(f"DROP TRIGGER IF EXISTS {trigger}"))
        for table in SEARCH_TABLES:
            connection.execute(text(f"DROP TABLE IF EXISTS {table}"))
    else:
        for index in ("ix_works_search", "ix_authors_search"):
            connection.execute(text(f"DROP INDEX IF EXISTS {index}"))


def tokens(query: str) -> list[str]:
    """Words of a user query; punctuation and operators are dropped so nothing is injected."""
    return _TOKEN.findall(query.lower())[:16]


# Words PostgreSQL's `english` configuration drops from a tsquery; SQLite drops them too, so
# both backends answer the same question, and a query is not ranked over nearly every work
# because it says "with" or "from".
STOP_WORDS = frozenset(
    "a about above after again against all am an and any are as at be because been before "
    "being below between both but by can did do does doing down during each few for from "
    "further had has have having he her here hers herself him himself his how i if in into is "
    "it its itself just me more most my myself no nor not now of off on once only or other "
    "our ours ourselves out over own same she should so some such than that the their theirs "
    "them themselves then there these they this those through to too under until up very "
    "was we were what when where which while who whom why will with you your yours yourself "
    "yourselves".split()
)


def content_words(query: str) -> list[str]:
    """Query words without stop words; all of them when the query is nothing but."""
    words = tokens(query)
    return [w for w in words if w not in STOP_WORDS] or words


def _fts5_query(words: list[str], *, prefix_last: bool) -> str:
    quoted = [f'"{w}"' for w in words]
    if prefix_last:
        quoted[-1] += "*"
    return " ".join(quoted)


def _tsquery(words: list[str], *, prefix_last: bool) -> str:
    parts = list(words)
    if prefix_last:
        parts[-1] += ":*"
    return " & ".join(parts)


# --- works ---------------------------------------------------------------------------

# How many of the newest matches are ranked by relevance. Ranking reads each candidate's
# term statistics (BM25 on SQLite, the stored tsvector on PostgreSQL), so its cost grows
# with the window, not with the corpus. Matches older than the window follow it, newest
# first.
RANK_WINDOW = 500
# SQLite's bm25() first counts every match of each query word (for its IDF), a cost that
# grows with the matches: above this many, the window is ordered by a static rank instead,
# works with every query word in the title first, each group newest first.
BM25_MAX_MATCHES = 50_000
# Counts are exact up to here and estimated above it (`meta.count_is_exact` is false then),
# as Elasticsearch's `track_total_hits` and Semantic Scholar's `total` do. Counting the
# newest 1,001 matches reads a tenth of the index entries that 10,001 did, which was most
# of a search's database time at a million works.
COUNT_EXACT_UP_TO = 1_000  # at least RANK_WINDOW: see ranked_work_ids
# PostgreSQL: a planner estimate of this many matches is taken as the count without counting
# the first 1,001. The lexemes ANALYZE keeps (about 1,400 at a million works, migration
# 0009) are estimated within 5% of their count; the others at about 500, below this.
# At 1M, 300 sampled words: exact counts 62 -> 26, search mean 13.9 -> 12.0-13.2 ms.
ESTIMATE_TRUSTED_FROM = 2 * COUNT_EXACT_UP_TO
# Matches counted when estimating (SQLite), spread over `_SAMPLE_SLICES` id ranges: about
# 2% error, and no slower than the exact count of a rare word. When a sample would count
# nearly all of the rest, the rest is counted instead and the count is exact.
_SAMPLE_MATCHES = 2000
_SAMPLE_SLICES = 16
# Title words weigh 2.5 times abstract words: ts_rank's default A/B weights on PostgreSQL,
# the same ratio as BM25 column weights on SQLite.
_TITLE_WEIGHT = 2.5

_WORKS_FTS = table("works_fts", column("rowid", Integer))
_WORKS_SEARCH = table(
    "works_search", column("work_id", BigInteger), column("search_vector", TSVECTOR)
)
# Every prefix of every name word up to this length, with the author's works count, keyed
# best first (migrations/versions/20261202_0006_author_name_prefixes.py).
PREFIX_LONGEST = 12
_NAME_PREFIXES = table(
    "author_name_prefixes",
    column("prefix", Text),
    column("works_count", Integer),
    column("author_id", BigInteger),
)
# The best `limit` authors of `prefix` (`autocomplete_prefix`): all of autocomplete's search.
BEST_OF_PREFIX = (
    select(_NAME_PREFIXES.c.author_id)
    .where(_NAME_PREFIXES.c.prefix == bindparam("prefix"))
    .order_by(_NAME_PREFIXES.c.works_count.desc(), _NAME_PREFIXES.c.author_id)
    .limit(bindparam("limit", type_=Integer))
)


def _match_id(dialect: str) -> ColumnElement[int]:
    return _WORKS_FTS.c.rowid if dialect == "sqlite" else _WORKS_SEARCH.c.work_id


def _tsquery_param() -> ColumnElement[Any]:
    return func.to_tsquery("english", bindparam("works_tsq", type_=Text))


def _matches(dialect: str, filters: Sequence[ColumnElement[bool]], *columns: Any) -> _Select:
    """`columns` of the live works matching the query bound as `WorkSearch.params`, joined
    to `works` only when `filters` (conditions on its columns) need it: the index alone
    holds live works only."""
    if dialect == "sqlite":
        stmt = select(*columns).select_from(_WORKS_FTS).where(text("works_fts MATCH :works_q"))
    else:
        vector = _WORKS_SEARCH.c.search_vector
        stmt = select(*columns).select_from(_WORKS_SEARCH).where(vector.op("@@")(_tsquery_param()))
    if filters:
        stmt = stmt.join(Work, Work.id == _match_id(dialect)).where(*filters)
    return stmt


@dataclass(frozen=True)
class WorkSearch:
    """A works query as the index of `dialect` reads it."""

    dialect: str
    words: tuple[str, ...]

    @property
    def params(self) -> dict[str, str]:
        """The query, for the statements' bound parameter: they do not embed it, so the
        ones without filters are built once (`_statement`)."""
        if self.dialect == "sqlite":
            return {"works_q": _fts5_query(list(self.words), prefix_last=False)}
        return {"works_tsq": _tsquery(list(self.words), prefix_last=False)}

    @property
    def _id(self) -> ColumnElement[int]:
        return _match_id(self.dialect)

    def matches(self, filters: Sequence[ColumnElement[bool]], *columns: Any) -> _Select:
        """`columns` of the live works matching, the query bound (see `_matches`)."""
        return _matches(self.dialect, filters, *columns).params(self.params)

    def work_ids(self) -> _Select:
        """The ids of the matching works, for `Work.id.in_()` under another sort order."""
        return self.matches((), self._id)


def work_search(dialect: str, query: str) -> WorkSearch | None:
    words = content_words(query)
    return WorkSearch(dialect, tuple(words)) if words else None


def _fixed(n: int) -> Any:
    # A bound LIMIT together with the OFFSET SQLAlchemy always adds on SQLite makes FTS5
    # queries ten times slower (SQLite 3.40); the value is an int computed here.
    return literal_column(str(int(n)))


_Builder = Callable[..., Executable]
_Select = Select[*tuple[Any, ...]]


def _statement(
    build: _Builder, search: WorkSearch, filters: Sequence[ColumnElement[bool]], *sizes: int
) -> Executable:
    """`build(dialect, filters, *sizes)`, made once per dialect and sizes when there are no
    filters (a plain `?q=`, the common search): constructing the four to six statements of
    a search cost more CPU than the database took to run most of them. Sizes are passed
    in, not read from the module inside, so that tests can lower the bounds.

    Each is planned for its words (`planned_for_values`): a prepared statement's generic
    plan read all 65,000 matches of "bound" through the GIN index to keep the newest 500,
    where walking the newest works reads 800 (100,000 works, 300 sampled title words: the
    newest-500 window p50 7.2 -> 4.4 ms, p99 54 -> 20 ms with plans for the words)."""
    if filters:
        return planned_for_values(build(search.dialect, filters, *sizes))
    return _built_once(build, search.dialect, *sizes)


@functools.lru_cache(maxsize=64)
def _built_once(build: _Builder, dialect: str, *sizes: int) -> Executable:
    return planned_for_values(build(dialect, (), *sizes))


def _run(
    session: Session, stmt: Executable, search: WorkSearch, **values: Any
) -> CursorResult[*tuple[Any, ...]]:
    # On the connection: these skip the ORM's per-statement bookkeeping.
    return session.connection().execute(stmt, {**search.params, **values})


class MatchCount(NamedTuple):
    value: int
    exact: bool


def count_works(
    session: Session, search: WorkSearch, filters: Sequence[ColumnElement[bool]]
) -> MatchCount:
    """Matches, exact up to `COUNT_EXACT_UP_TO`, estimated (never below it) above."""
    estimate = None
    if search.dialect == "postgresql":
        # Counting the first 1,001 matches visits 1,001 heap pages (about 5 ms at a
        # million works); the planner's estimate reads none. Where it is twice the exact
        # range or more, the exact count could only confirm that it is above it.
        estimate = _planner_count(session, search, filters)
        if estimate >= ESTIMATE_TRUSTED_FROM:
            return MatchCount(estimate, exact=False)
    stmt = _statement(_newest_count, search, filters, COUNT_EXACT_UP_TO + 1)
    counted, oldest = _run(session, stmt, search).one()
    if counted <= COUNT_EXACT_UP_TO:
        return MatchCount(int(counted), exact=True)
    if search.dialect == "sqlite":
        return _sampled_count(session, search, filters, int(counted), int(oldest))
    assert estimate is not None
    return MatchCount(max(int(counted), estimate), exact=False)


def _newest_count(dialect: str, filters: Sequence[ColumnElement[bool]], limit: int) -> _Select:
    """How many of the first `limit` matches there are, and the oldest of them."""
    ident = _match_id(dialect)
    first = _matches(dialect, filters, ident.label("id"))
    if dialect == "sqlite":
        # Free in FTS5 (doclists read backwards), and the oldest of them sizes the sample.
        # PostgreSQL would have to sort every match for it: it stops at the limit instead.
        first = first.order_by(ident.desc())
    newest = first.limit(_fixed(limit)).subquery("newest")
    return select(func.count(), func.min(newest.c.id))


def _id_range(dialect: str, filters: Sequence[ColumnElement[bool]]) -> _Select:
    # Two subqueries: SQLite answers a lone min() or max() from the primary key, but scans
    # the table for both in one.
    return select(
        select(func.min(Work.id)).scalar_subquery(), select(func.max(Work.id)).scalar_subquery()
    )


def _older_count(dialect: str, filters: Sequence[ColumnElement[bool]]) -> _Select:
    return _matches(dialect, filters, func.count()).where(
        _match_id(dialect) < bindparam("below", type_=BigInteger)
    )


def _sliced_count(dialect: str, filters: Sequence[ColumnElement[bool]], slices: int) -> _Select:
    """Matches in `slices` id ranges [low{i}, high{i}), summed in one statement: compiling
    and running sixteen cost more than the counting itself."""
    ident = _match_id(dialect)
    counts = [
        _matches(dialect, filters, func.count())
        .where(
            ident >= bindparam(f"low{i}", type_=BigInteger),
            ident < bindparam(f"high{i}", type_=BigInteger),
        )
        .scalar_subquery()
        for i in range(slices)
    ]
    return select(functools.reduce(operator.add, counts))


def _sampled_count(
    session: Session,
    search: WorkSearch,
    filters: Sequence[ColumnElement[bool]],
    counted: int,
    oldest: int,
) -> MatchCount:
    """`counted` newest matches (exact) plus the older ones, counted in evenly spread id
    slices and scaled up. The slices cover the whole id range, so a word that is frequent
    in recent works only is not extrapolated from the recent density."""
    first, last = _run(session, _statement(_id_range, search, ()), search).one()
    first, last = first or oldest, last or oldest
    span = oldest - first
    if span <= 0:
        return MatchCount(counted, exact=True)
    density = counted / max(1, last - oldest + 1)
    fraction = _SAMPLE_MATCHES / max(1.0, density * span)
    if fraction >= 1:
        older = _run(session, _statement(_older_count, search, filters), search, below=oldest)
        return MatchCount(counted + (older.scalar() or 0), exact=True)
    width = max(1, int(span * fraction / _SAMPLE_SLICES))
    step = span / _SAMPLE_SLICES
    bounds: dict[str, int] = {}
    for i in range(_SAMPLE_SLICES):
        low = first + int(i * step)
        bounds[f"low{i}"], bounds[f"high{i}"] = low, min(oldest, low + width)
    stmt = _statement(_sliced_count, search, filters, _SAMPLE_SLICES)
    sampled = _run(session, stmt, search, **bounds).scalar() or 0
    estimate = counted + round(sampled * span / (width * _SAMPLE_SLICES))
    return MatchCount(max(counted, estimate), exact=False)


def _planner_count(
    session: Session, search: WorkSearch, filters: Sequence[ColumnElement[bool]]
) -> int:
    """PostgreSQL's own estimate, from the lexeme frequencies ANALYZE keeps on the vector."""
    compiled = search.matches(filters, search._id).compile(bind=session.get_bind())
    plan = (
        session.connection()
        .exec_driver_sql(
            f"EXPLAIN (FORMAT JSON) {compiled}",
            compiled.params,
            execution_options={UNPREPARED: True},
        )
        .scalar_one()
    )
    if isinstance(plan, str):
        plan = orjson.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def ranked_work_ids(
    session: Session,
    search: WorkSearch,
    filters: Sequence[ColumnElement[bool]],
    offset: int,
    limit: int,
    *,
    matches: int,
) -> list[int]:
    """Ids at `offset` in relevance order: the `RANK_WINDOW` newest matches best first,
    then the older matches newest first. A total order, so offset paging neither skips
    nor repeats a work. `matches` is the count (`count_works`): exact up to
    `COUNT_EXACT_UP_TO`, which is at least `RANK_WINDOW`, so it sizes the window exactly."""
    # Every match is in the window up to its size, so the count sizes it without reading it.
    window_size = min(matches, RANK_WINDOW)
    page: list[int] = []
    if offset < window_size:
        page = _ranked_window(session, search, filters, matches, offset, limit)
    if window_size < RANK_WINDOW or len(page) == limit:
        return page
    stmt = _statement(_oldest_ranked, search, filters, RANK_WINDOW)
    oldest_ranked = _run(session, stmt, search).scalar()
    if oldest_ranked is None:
        return page
    # Deep pages: built for their offset (literal, see `_fixed`), not kept.
    older = planned_for_values(
        search.matches(filters, search._id)
        .where(search._id < oldest_ranked)
        .order_by(search._id.desc())
        .offset(_fixed(max(0, offset - RANK_WINDOW)))
        .limit(_fixed(limit - len(page)))
    )
    return page + list(session.connection().execute(older).scalars())


def _oldest_ranked(dialect: str, filters: Sequence[ColumnElement[bool]], window: int) -> _Select:
    ident = _match_id(dialect)
    return (
        _matches(dialect, filters, ident)
        .order_by(ident.desc())
        .offset(_fixed(window - 1))
        .limit(_fixed(1))
    )


def _title_first_window(
    dialect: str, filters: Sequence[ColumnElement[bool]], window: int
) -> _Select:
    """The `window` newest matches, those with every query word in the title (`title_q`)
    first, each group newest first, from `offset`, `limit` of them (SQLite, words too common
    for bm25). One statement: only the page leaves SQLite, where reading the window's ids
    and the titled ones into Python fetched up to a thousand rows (a millisecond a search)."""
    ident = _match_id(dialect)
    newest = (
        _matches(dialect, filters, ident.label("id"))
        .order_by(ident.desc())
        .limit(_fixed(window))
        .cte("newest")
    )
    titled = select(_WORKS_FTS.c.rowid).where(
        text("works_fts MATCH :title_q"),
        _WORKS_FTS.c.rowid >= select(func.min(newest.c.id)).scalar_subquery(),
    )
    return (
        select(newest.c.id)
        .order_by(newest.c.id.in_(titled).desc(), newest.c.id.desc())
        .offset(bindparam("offset", type_=Integer))
        .limit(bindparam("limit", type_=Integer))
    )


def _bm25_window(dialect: str, filters: Sequence[ColumnElement[bool]], window: int) -> _Select:
    """The window's ids best first, from `offset`, `limit` of them: only the page leaves
    the database, not the whole window."""
    ident = _match_id(dialect)
    if dialect == "sqlite":
        # bm25() runs in the FTS5 cursor's own query, and only for the rows the LIMIT lets
        # through: FTS5 returns rowids in descending order natively, without a sort.
        score = func.bm25(literal_column("works_fts"), _TITLE_WEIGHT, 1.0)
        newest = (
            _matches(dialect, filters, ident.label("id"), score.label("score"))
            .order_by(ident.desc())
            .limit(_fixed(window))
            .subquery("newest")
        )
        ranked = select(newest.c.id).order_by(newest.c.score, newest.c.id)
    else:
        # ts_rank outside the limited subquery, so it reads the window's vectors only. The
        # matches are read from id `floor` up (see `_pg_ranked_window`), and each row says
        # how many the window holds, so a range that held too few can be widened.
        vector = _WORKS_SEARCH.c.search_vector
        newest = (
            _matches(dialect, filters, ident.label("id"), vector.label("vector"))
            .where(ident >= bindparam("floor", type_=BigInteger))
            .order_by(ident.desc())
            .limit(_fixed(window))
            .subquery("newest")
        )
        rank = func.ts_rank(newest.c.vector, _tsquery_param(), literal(1))
        ranked = select(newest.c.id, func.count().over().label("in_window")).order_by(
            rank.desc(), newest.c.id
        )
    return ranked.offset(bindparam("offset", type_=Integer)).limit(
        bindparam("limit", type_=Integer)
    )


def _ranked_window(
    session: Session,
    search: WorkSearch,
    filters: Sequence[ColumnElement[bool]],
    matches: int,
    offset: int,
    limit: int,
) -> list[int]:
    """Ids `offset` to `offset + limit` of the window in relevance order."""
    if search.dialect == "sqlite" and matches > BM25_MAX_MATCHES:
        in_title = " ".join(f"title_plain : {p}" for p in search.params["works_q"].split(" "))
        stmt = _statement(_title_first_window, search, filters, RANK_WINDOW)
        found = _run(session, stmt, search, title_q=in_title, offset=offset, limit=limit)
        return list(found.scalars())
    stmt = _statement(_bm25_window, search, filters, RANK_WINDOW)
    if search.dialect == "postgresql":
        return _pg_ranked_window(session, search, stmt, matches, offset, limit)
    return list(_run(session, stmt, search, offset=offset, limit=limit).scalars())


# How much wider than the expected span of `RANK_WINDOW` matches the first id range is. Each
# match in the range costs a heap visit, but a corpus that grows over time (new fields,
# more works a year) holds a word less densely among its newest works than on average: at
# a million works, ranges of 1.3 times the span held 352-493 of 500 for 89 of 288 words
# (counts within 2%), and their retries cost more than the narrower ranges saved. A range
# that holds too few is widened by the density it showed (`_widened_floor`).
_RANGE_MARGIN = 2.0
# The same, for a range sized from the words' density among the newest works
# (`recent_lexemes`), which is where the range lies, so the estimate is close: at a million
# works, 278 sampled words' ranges held 614 matches at the median and 657 at the 90th
# percentile, none too few (sized from the density over all works, 856 and 1,673: words are
# denser or thinner among the newest works than on average). At 1.1, 20 of them retried.
_RECENT_RANGE_MARGIN = 1.25
# How much wider a retry is when the range held nothing to go by, and at least.
_RANGE_GROWTH = 4.0
_RANGE_GROWTH_AT_LEAST = 1.5
# The newest indexed id, and how densely the query's words are spread over the newest works
# (matches per id: each word's share of the ids in `recent_lexemes`, multiplied as the
# planner multiplies its words' frequencies), or NULL when a word is not there.
_NEWEST_ID_AND_RECENT_DENSITY = text(
    "WITH query AS (SELECT tsvector_to_array(to_tsvector('english', :words)) AS lexemes) "
    "SELECT (SELECT max(work_id) FROM works_search), "
    "(SELECT CASE WHEN count(*) = cardinality(query.lexemes) "
    "THEN exp(sum(ln(recent.works::float8 / recent.id_span))) END "
    "FROM recent_lexemes AS recent WHERE recent.lexeme = ANY(query.lexemes)) "
    "FROM query"
)


def _pg_ranked_window(
    session: Session, search: WorkSearch, stmt: Executable, matches: int, offset: int, limit: int
) -> list[int]:
    """`_ranked_window` on PostgreSQL: the window's matches read from an id range.

    GIN returns matches in no useful order, so the newest 500 of a word with 14,000
    matches were found by visiting all 14,000 rows (one heap page each: 54 ms at a million
    works, most of a search). Bounded below by an id, the index's bitmap is intersected
    with the id range first (a BRIN index, migration 0007), and only the matches in the
    range are visited.
    The range is sized from the words' density among the newest works (`recent_lexemes`),
    else from the count for the window and the ids' span, and widened until it holds the
    whole window (or every work), so the window is the same set of newest matches as
    without it.
    """
    floor = newest_id = 0
    if matches > RANK_WINDOW:
        # A window of every match (a rarer word) needs no range, nor this round trip.
        words = " ".join(search.words)
        newest, density = (
            session.connection().execute(_NEWEST_ID_AND_RECENT_DENSITY, {"words": words}).one()
        )
        newest_id = newest or 0
        # Words are not spread evenly over time: at a million works, a range sized from
        # the density over all works held 3.3-3.9 times the window for typical words.
        if density:
            span = RANK_WINDOW / density * _RECENT_RANGE_MARGIN
        else:
            span = RANK_WINDOW * newest_id / matches * _RANGE_MARGIN
        floor = max(0, int(newest_id - span))
    wanted = min(matches, RANK_WINDOW)
    while True:
        rows = _run(session, stmt, search, offset=offset, limit=limit, floor=floor).all()
        held = rows[0].in_window if rows else 0
        if floor == 0 or held >= wanted:
            return [row.id for row in rows]
        floor = _widened_floor(floor, newest_id, held, wanted)


def _widened_floor(floor: int, newest_id: int, held: int, wanted: int) -> int:
    """The floor of a range wide enough for `wanted` matches where [floor, newest_id] held
    `held`: scaled by the density it showed, with the same margin, so a word that is rarer
    among recent works costs one retry, not several."""
    span = newest_id - floor
    growth = wanted / held * _RANGE_MARGIN if held else _RANGE_GROWTH
    return max(0, int(newest_id - span * max(growth, _RANGE_GROWTH_AT_LEAST)))


# A GIN index over the newest works only (PostgreSQL). A window's id range is read from
# the intersection of a word's GIN bitmap with the range, and the bitmap holds every match
# of the word: at a million works, 3 ms of the window for a word in 15,000 works (about
# 0.2 us a match), whatever the window needs. The window of a word in more than about
# 1 / `RECENT_WORKS_SHARE` of `RANK_WINDOW` * 2 works lies among the newest works, and
# PostgreSQL reads it from this index instead (it proves from the window's floor, a
# literal in its unprepared plan, that the index's condition holds). Its condition is a
# fixed id, so new works join it; `index_recent_works` moves the id up after each big run
# (`app.ingest.pipeline.settle_after_bulk_load`). Not a migration's object: a database
# without it searches as before.
RECENT_WORKS_INDEX = "ix_works_search_recent"
RECENT_WORKS_SHARE = 0.2


def index_recent_works(connection: Connection) -> None:
    """Build the index of the newest `RECENT_WORKS_SHARE` of the indexed works in place of
    the previous one, and count each word among the same works (`recent_lexemes`,
    migration 0010), in the caller's transaction (PostgreSQL). The build holds a lock that
    blocks writes to `works_search`, not reads; the swap at the end takes the table's
    exclusive lock only until the caller commits."""
    first, last = connection.execute(
        select(func.min(_WORKS_SEARCH.c.work_id), func.max(_WORKS_SEARCH.c.work_id))
    ).one()
    if last is None:
        return
    since = int(last - (last - first) * RECENT_WORKS_SHARE)
    building = f"{RECENT_WORKS_INDEX}_next"
    connection.exec_driver_sql(f"DROP INDEX IF EXISTS {building}")
    connection.exec_driver_sql(
        f"CREATE INDEX {building} ON works_search USING gin (search_vector) WHERE work_id > {since}"
    )
    connection.exec_driver_sql(f"DROP INDEX IF EXISTS {RECENT_WORKS_INDEX}")
    connection.exec_driver_sql(f"ALTER INDEX {building} RENAME TO {RECENT_WORKS_INDEX}")
    # Each word's count among the same works, in one pass over their vectors (1.6 s at a
    # million works): what sizes a search's id range (`_pg_ranked_window`).
    connection.exec_driver_sql("DELETE FROM recent_lexemes")
    connection.exec_driver_sql(
        "INSERT INTO recent_lexemes (lexeme, works, id_span) SELECT word, ndoc, "
        f"{max(1, last - since)} FROM ts_stat("
        f"'SELECT search_vector FROM works_search WHERE work_id > {since}')"
    )


# --- authors -------------------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    """A search condition to add to a select, and a rank to order by (lower is better)."""

    condition: ColumnElement[bool]
    rank: ColumnElement[Any]


def match_authors(dialect: str, query: str, *, prefix: bool = False) -> Match | None:
    words = tokens(query)
    if not words:
        return None
    if dialect == "sqlite":
        fts = _fts5_query(words, prefix_last=prefix)
        ids: Any = (
            select(literal_column("rowid"))
            .select_from(text("authors_fts"))
            .where(text("authors_fts MATCH :authors_q"))
        )
        condition = Author.id.in_(ids.params(authors_q=fts))
        return Match(condition, -Author.works_count)
    tsq = func.to_tsquery("simple", _tsquery(words, prefix_last=prefix))
    tsv: Any = literal_column(_AUTHORS_TSV)
    return Match(tsv.op("@@")(tsq), -Author.works_count)


# The ASCII, typographic and modifier-letter apostrophes of names such as O'Brien.
_APOSTROPHES = re.compile("['\u2019\u02bc]")


def autocomplete_prefix(query: str) -> str | None:
    """The key of `author_name_prefixes` (revision 0006) whose first entries answer `query`,
    already in order, as one bounded index range whatever the corpus size: one word of up
    to `PREFIX_LONGEST` characters, what a person types into a search box. As cheap for
    "w" as for "wojciechowsk". None for longer words and several words (`autocomplete_ids`).
    """
    # The table holds names' words joined across apostrophes too (revision 0011): "o'b"
    # is the prefix "ob" of "obrien", where split it would be two words.
    words = tokens(_APOSTROPHES.sub("", query))
    if len(words) != 1:
        return None
    # The table holds folded spellings ("zuniga" for "Zúñiga"); scripts that folding erases
    # (CJK) are held as written.
    prefix = ascii_fold(words[0]) or words[0]
    return prefix if len(prefix) <= PREFIX_LONGEST else None


def is_prefix_lookup(query: str) -> bool:
    """Whether autocomplete answers `query` from one range of `author_name_prefixes`."""
    return autocomplete_prefix(query) is not None


def autocomplete_ids(dialect: str, query: str, limit: int) -> _Select | None:
    """The ids of the `limit` live authors with the most works whose names hold every word
    of `query`, the last one as a prefix, through the full-text index (its matches are few
    by the time there are several words or a long one); None when the query has no words.
    """
    match = match_authors(dialect, query, prefix=True)
    if match is None:
        return None
    return (
        select(Author.id)
        .where(match.condition, Author.merged_into_id.is_(None))
        .order_by(Author.works_count.desc(), Author.id)
        .limit(limit)
    )
