"""Autocomplete reads the ten best authors of a prefix from one index range, on both databases.

`author_name_prefixes` holds, for every live author, each prefix (1 to 12 characters) of
each lowercased word of `search_names`, with the author's works count, under the key
(prefix, works_count DESC, author_id). "The ten authors with the most works whose name has
a word starting with `wan`" is then the first ten entries of one index range: its cost no
longer grows with the number of names that share the prefix (the FTS5 prefix query and
PostgreSQL's `author_name_tokens` both read every match, then sorted them by works count).
It is the edge n-gram index that search engines build for completion.

Triggers on `authors` keep it current for every writer (ingestion, profile edits, merges,
account deletion): insert, delete, and an update of the name, the works count or the
merge. Merged records hold no prefixes. Words are split on whitespace and on `- . , ' ( )`;
`search_names` already carries the ASCII-folded spelling of accented names, so a folded
query finds them. SQLite splits the words in SQL (json_quote keeps any character safe
inside the JSON array that json_each reads; triggers cannot use recursive CTEs);
PostgreSQL takes them from `to_tsvector('simple', ...)` as before. SQLite deletes an
author's rows by recomputing their keys from the old values; PostgreSQL has an index on
`author_id` for it.

PostgreSQL's `author_name_tokens` (revision 0005) is replaced by this table.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 07:15:00.000000
"""

from collections.abc import Sequence

from alembic import op


revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LONGEST = 12
_LENGTHS = "[" + ",".join(str(n) for n in range(1, _LONGEST + 1)) + "]"


def _sqlite_words(names: str) -> str:
    """A JSON array of the lowercased words of the SQL expression `names`."""
    spaced = f"lower(coalesce({names}, ''))"
    for mark in ("-", ".", ",", "''", "(", ")"):
        spaced = f"replace({spaced}, '{mark}', ' ')"
    return f"'[' || replace(json_quote({spaced}), ' ', '\",\"') || ']'"


def _sqlite_prefixes(row: str) -> str:
    """SELECT prefix, works_count, author_id for the live author `row` (new/old/a)."""
    return (
        f"SELECT DISTINCT substr(w.value, 1, n.value), {row}.works_count, {row}.id "
        f"FROM json_each({_sqlite_words(f'{row}.search_names')}) AS w, "
        f"json_each('{_LENGTHS}') AS n "
        f"WHERE w.value <> '' AND n.value <= length(w.value) AND {row}.merged_into_id IS NULL"
    )


def _sqlite_forget(row: str) -> str:
    # Key lookups only: the rows to delete are recomputed from the old values.
    return (
        f"DELETE FROM author_name_prefixes WHERE author_id = {row}.id "
        f"AND works_count = {row}.works_count "
        f"AND prefix IN (SELECT substr(w.value, 1, n.value) "
        f"FROM json_each({_sqlite_words(f'{row}.search_names')}) AS w, "
        f"json_each('{_LENGTHS}') AS n "
        f"WHERE w.value <> '' AND n.value <= length(w.value))"
    )


_SQLITE_UP = (
    "CREATE TABLE author_name_prefixes ("
    "prefix TEXT NOT NULL, works_count INTEGER NOT NULL, author_id INTEGER NOT NULL, "
    "PRIMARY KEY (prefix, works_count DESC, author_id)) WITHOUT ROWID",
    "INSERT OR IGNORE INTO author_name_prefixes (prefix, works_count, author_id) "
    + _sqlite_prefixes("a").replace("FROM json_each(", "FROM authors AS a, json_each(", 1),
    "CREATE TRIGGER author_name_prefixes_ai AFTER INSERT ON authors BEGIN "
    f"INSERT OR IGNORE INTO author_name_prefixes (prefix, works_count, author_id) "
    f"{_sqlite_prefixes('new')}; END",
    "CREATE TRIGGER author_name_prefixes_ad AFTER DELETE ON authors "
    f"WHEN old.merged_into_id IS NULL BEGIN {_sqlite_forget('old')}; END",
    "CREATE TRIGGER author_name_prefixes_au AFTER UPDATE OF search_names, works_count, "
    "merged_into_id ON authors WHEN old.search_names IS NOT new.search_names "
    "OR old.works_count IS NOT new.works_count "
    "OR old.merged_into_id IS NOT new.merged_into_id BEGIN "
    f"{_sqlite_forget('old')} AND old.merged_into_id IS NULL; "
    f"INSERT OR IGNORE INTO author_name_prefixes (prefix, works_count, author_id) "
    f"{_sqlite_prefixes('new')}; END",
)

_SQLITE_DOWN = (
    "DROP TRIGGER author_name_prefixes_au",
    "DROP TRIGGER author_name_prefixes_ad",
    "DROP TRIGGER author_name_prefixes_ai",
    "DROP TABLE author_name_prefixes",
)


def _postgres_prefixes(row: str) -> str:
    return (
        f"SELECT DISTINCT left(t.lexeme, n), {row}.works_count, {row}.id "
        f"FROM unnest(to_tsvector('simple', coalesce({row}.search_names, ''))) AS t, "
        f"generate_series(1, least(length(t.lexeme), {_LONGEST})) AS n"
    )


_POSTGRES_UP = (
    "DROP TRIGGER author_name_tokens_sync ON authors",
    "DROP FUNCTION author_name_tokens_sync()",
    "DROP TABLE author_name_tokens",
    "CREATE TABLE author_name_prefixes ("
    "prefix TEXT NOT NULL, works_count INTEGER NOT NULL, author_id BIGINT NOT NULL)",
    f"INSERT INTO author_name_prefixes (prefix, works_count, author_id) "
    f"{_postgres_prefixes('a')} ".replace("FROM unnest(", "FROM authors AS a, unnest(", 1)
    + "WHERE a.merged_into_id IS NULL",
    # The key order is the answer's order: best first, ties by id.
    "CREATE UNIQUE INDEX ix_author_name_prefixes ON author_name_prefixes "
    "(prefix, works_count DESC, author_id)",
    # For the trigger's deletes: without it, each one is a scan of the table, and an
    # ingestion's refresh of works counts updates every author it touched.
    "CREATE INDEX ix_author_name_prefixes_author ON author_name_prefixes (author_id)",
    """CREATE FUNCTION author_name_prefixes_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE'
           AND NEW.search_names IS NOT DISTINCT FROM OLD.search_names
           AND NEW.merged_into_id IS NOT DISTINCT FROM OLD.merged_into_id THEN
            -- Same words: only the count moves (an ingestion's refresh), no new split.
            IF NEW.works_count IS DISTINCT FROM OLD.works_count THEN
                UPDATE author_name_prefixes SET works_count = NEW.works_count
                WHERE author_id = NEW.id;
            END IF;
            RETURN NULL;
        END IF;
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            DELETE FROM author_name_prefixes WHERE author_id = OLD.id;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.merged_into_id IS NULL THEN
            INSERT INTO author_name_prefixes (prefix, works_count, author_id) """
    + _postgres_prefixes("NEW")
    + """;
        END IF;
        RETURN NULL;
    END $$""",
    "CREATE TRIGGER author_name_prefixes_sync AFTER INSERT OR DELETE OR UPDATE OF "
    "search_names, works_count, merged_into_id ON authors FOR EACH ROW "
    "EXECUTE FUNCTION author_name_prefixes_sync()",
    "ANALYZE author_name_prefixes",
)

_POSTGRES_DOWN = (
    "DROP TRIGGER author_name_prefixes_sync ON authors",
    "DROP FUNCTION author_name_prefixes_sync()",
    "DROP TABLE author_name_prefixes",
    # Revision 0005's token table, as it built it.
    "CREATE TABLE author_name_tokens ("
    "token TEXT NOT NULL, author_id BIGINT NOT NULL, works_count INTEGER NOT NULL, "
    "CONSTRAINT pk_author_name_tokens PRIMARY KEY (author_id, token), "
    "CONSTRAINT fk_author_name_tokens_author_id_authors FOREIGN KEY (author_id) "
    "REFERENCES authors (id) ON DELETE CASCADE)",
    "INSERT INTO author_name_tokens (token, author_id, works_count) "
    "SELECT t.lexeme, a.id, a.works_count FROM authors a, "
    "unnest(to_tsvector('simple', coalesce(a.search_names, ''))) t "
    "WHERE a.merged_into_id IS NULL",
    "CREATE INDEX ix_author_name_tokens_prefix ON author_name_tokens "
    "(token text_pattern_ops, works_count, author_id)",
    """CREATE FUNCTION author_name_tokens_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' THEN
            IF NEW.search_names IS NOT DISTINCT FROM OLD.search_names
               AND NEW.merged_into_id IS NOT DISTINCT FROM OLD.merged_into_id THEN
                IF NEW.works_count <> OLD.works_count THEN
                    UPDATE author_name_tokens SET works_count = NEW.works_count
                    WHERE author_id = NEW.id;
                END IF;
                RETURN NULL;
            END IF;
            DELETE FROM author_name_tokens WHERE author_id = OLD.id;
        END IF;
        IF NEW.merged_into_id IS NULL THEN
            INSERT INTO author_name_tokens (token, author_id, works_count)
            SELECT lexeme, NEW.id, NEW.works_count
            FROM unnest(to_tsvector('simple', coalesce(NEW.search_names, '')));
        END IF;
        RETURN NULL;
    END $$""",
    "CREATE TRIGGER author_name_tokens_sync AFTER INSERT OR UPDATE OF search_names, "
    "works_count, merged_into_id ON authors FOR EACH ROW "
    "EXECUTE FUNCTION author_name_tokens_sync()",
)


def upgrade() -> None:
    bind = op.get_bind()
    for statement in _SQLITE_UP if bind.dialect.name == "sqlite" else _POSTGRES_UP:
        op.execute(statement)


def downgrade() -> None:
    bind = op.get_bind()
    for statement in _SQLITE_DOWN if bind.dialect.name == "sqlite" else _POSTGRES_DOWN:
        op.execute(statement)
