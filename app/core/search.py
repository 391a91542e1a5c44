"""Full-text search behind one interface: FTS5 on SQLite, tsvector + GIN on PostgreSQL.

The search structures live outside `Base.metadata` (an FTS5 virtual table and expression
indexes are not ORM objects); migrations create them with `create_search_objects`, and
queries ask `match_works` / `match_authors` for a WHERE clause and a rank expression.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Connection, func, literal_column, select, text

from app.models import Author, Work

# Tables created here; migration checks ignore them and their FTS5 shadow tables.
SEARCH_TABLES = ("works_fts", "authors_fts")
SEARCH_INDEXES = ("ix_works_search", "ix_authors_search")

_TOKEN = re.compile(r"\w+", re.UNICODE)

_SQLITE_DDL = (
    # External-content FTS5: the text stays in `works`/`authors`, the index is all we add.
    "CREATE VIRTUAL TABLE works_fts USING fts5(title_plain, abstract_plain, content='works', "
    "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')",
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
        for index in SEARCH_INDEXES:
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


@dataclass(frozen=True)
class Match:
    """A search condition to add to a select, and a rank to order by (lower is better).

    `ranked`, when set, is a subquery (`id`, `rank`) to join for ordering by relevance: the
    rank then comes from one pass over the full-text index instead of one lookup per row.
    """

    condition: ColumnElement[bool]
    rank: ColumnElement[Any]
    ranked: Any = None


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


def match_works(dialect: str, query: str) -> Match | None:
    words = content_words(query)
    if not words:
        return None
    if dialect == "sqlite":
        fts = _fts5_query(words, prefix_last=False)
        ids: Any = (
            select(literal_column("rowid"))
            .select_from(text("works_fts"))
            .where(text("works_fts MATCH :works_q"))
        )
        condition = Work.id.in_(ids.params(works_q=fts))
        ranked = (
            select(literal_column("rowid").label("id"), literal_column("rank").label("rank"))
            .select_from(text("works_fts"))
            .where(text("works_fts MATCH :works_q2"))
            .params(works_q2=fts)
            .subquery("works_ranked")
        )
        return Match(condition, ranked.c.rank, ranked)
    tsq = func.to_tsquery("english", _tsquery(words, prefix_last=False))
    tsv: Any = literal_column(_WORKS_TSV)
    return Match(tsv.op("@@")(tsq), -func.ts_rank(tsv, tsq))


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
