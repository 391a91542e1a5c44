"""Autocomplete: a name's words joined across its apostrophes are prefixes too ("obrien").

`author_name_prefixes` (revision 0006) splits names at `- . , ' ( )`, so O'Brien is held
as the words "o" and "brien". A query typed as "o'b" is then two words, which the
prefix table cannot answer: it went to the full-text index, where PostgreSQL read every
name with a word starting with "b" (20 ms at a million works, against 1.2 ms for a prefix),
and those few queries set the closed-loop p99 of the whole endpoint. Each name's words
joined across apostrophes are now held as well ("obrien"), and autocomplete drops the
apostrophes of a query before reading it (`app.core.search.autocomplete_prefix`), so
"o'b" and "ob" are the prefix "ob". Names typed with a typographic apostrophe (O’Brien)
are held joined already: `search_names` carries their ASCII-folded spelling.

The triggers are rebuilt with the new words on both databases and the authors whose
names hold an apostrophe get their new rows; everyone else's rows are unchanged.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 08:15:00.000000
"""

from collections.abc import Sequence

from alembic import op


revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LONGEST = 12
_LENGTHS = "[" + ",".join(str(n) for n in range(1, _LONGEST + 1)) + "]"
_WITH_APOSTROPHE = "LIKE '%''%'"


def _names(names: str, *, joined: bool) -> str:
    """The SQL text whose words are indexed: the names, and with `joined` the names again
    with their apostrophes dropped."""
    text = f"coalesce({names}, '')"
    return f"({text} || ' ' || replace({text}, '''', ''))" if joined else text


def _sqlite_words(names: str, *, joined: bool) -> str:
    """A JSON array of the lowercased words of the SQL expression `names` (as revision 0006)."""
    spaced = f"lower({_names(names, joined=joined)})"
    for mark in ("-", ".", ",", "''", "(", ")"):
        spaced = f"replace({spaced}, '{mark}', ' ')"
    return f"'[' || replace(json_quote({spaced}), ' ', '\",\"') || ']'"


def _sqlite_word_prefixes(row: str, *, joined: bool) -> str:
    """FROM and WHERE of each prefix `substr(w.value, 1, n.value)` of the author `row`'s
    words: what both the insert and the delete of the triggers read."""
    return (
        f"FROM json_each({_sqlite_words(f'{row}.search_names', joined=joined)}) AS w, "
        f"json_each('{_LENGTHS}') AS n "
        f"WHERE w.value <> '' AND n.value <= length(w.value)"
    )


def _sqlite_prefixes(row: str, *, joined: bool) -> str:
    return (
        f"SELECT DISTINCT substr(w.value, 1, n.value), {row}.works_count, {row}.id "
        f"{_sqlite_word_prefixes(row, joined=joined)} AND {row}.merged_into_id IS NULL"
    )


def _sqlite_forget(row: str, *, joined: bool) -> str:
    return (
        f"DELETE FROM author_name_prefixes WHERE author_id = {row}.id "
        f"AND works_count = {row}.works_count "
        f"AND prefix IN (SELECT substr(w.value, 1, n.value) "
        f"{_sqlite_word_prefixes(row, joined=joined)})"
    )


def _sqlite(joined: bool) -> tuple[str, ...]:
    """The triggers with `joined` words, and the rows of names with an apostrophe rebuilt."""
    insert = "INSERT OR IGNORE INTO author_name_prefixes (prefix, works_count, author_id) "
    every_author = _sqlite_prefixes("a", joined=joined).replace(
        "FROM json_each(", "FROM authors AS a, json_each(", 1
    )
    return (
        "DROP TRIGGER author_name_prefixes_au",
        "DROP TRIGGER author_name_prefixes_ad",
        "DROP TRIGGER author_name_prefixes_ai",
        "CREATE TRIGGER author_name_prefixes_ai AFTER INSERT ON authors BEGIN "
        f"{insert}{_sqlite_prefixes('new', joined=joined)}; END",
        "CREATE TRIGGER author_name_prefixes_ad AFTER DELETE ON authors "
        f"WHEN old.merged_into_id IS NULL BEGIN {_sqlite_forget('old', joined=joined)}; END",
        "CREATE TRIGGER author_name_prefixes_au AFTER UPDATE OF search_names, works_count, "
        "merged_into_id ON authors WHEN old.search_names IS NOT new.search_names "
        "OR old.works_count IS NOT new.works_count "
        "OR old.merged_into_id IS NOT new.merged_into_id BEGIN "
        f"{_sqlite_forget('old', joined=joined)} AND old.merged_into_id IS NULL; "
        f"{insert}{_sqlite_prefixes('new', joined=joined)}; END",
        "DELETE FROM author_name_prefixes WHERE author_id IN "
        f"(SELECT id FROM authors WHERE search_names {_WITH_APOSTROPHE})",
        f"{insert}{every_author} AND a.search_names {_WITH_APOSTROPHE}",
    )


def _postgres_prefixes(row: str, *, joined: bool) -> str:
    names = _names(f"{row}.search_names", joined=joined)
    return (
        f"SELECT DISTINCT left(t.lexeme, n), {row}.works_count, {row}.id "
        f"FROM unnest(to_tsvector('simple', {names})) AS t, "
        f"generate_series(1, least(length(t.lexeme), {_LONGEST})) AS n"
    )


def _postgres(joined: bool) -> tuple[str, ...]:
    """The trigger function with `joined` words (revision 0006's otherwise), and the rows
    of names with an apostrophe rebuilt."""
    every_author = _postgres_prefixes("a", joined=joined).replace(
        "FROM unnest(", "FROM authors AS a, unnest(", 1
    )
    return (
        """CREATE OR REPLACE FUNCTION author_name_prefixes_sync() RETURNS trigger
    LANGUAGE plpgsql AS $$
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
        + _postgres_prefixes("NEW", joined=joined)
        + """;
        END IF;
        RETURN NULL;
    END $$""",
        "DELETE FROM author_name_prefixes WHERE author_id IN "
        f"(SELECT id FROM authors WHERE search_names {_WITH_APOSTROPHE})",
        f"INSERT INTO author_name_prefixes (prefix, works_count, author_id) {every_author} "
        f"WHERE a.merged_into_id IS NULL AND a.search_names {_WITH_APOSTROPHE}",
    )


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for statement in _sqlite(joined=True) if sqlite else _postgres(joined=True):
        op.execute(statement)


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for statement in _sqlite(joined=False) if sqlite else _postgres(joined=False):
        op.execute(statement)
