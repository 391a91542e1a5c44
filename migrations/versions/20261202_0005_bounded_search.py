"""Search indexes that bounded ranking and counting can read without visiting `works`.

Works: the full-text index holds live works only (deleted ones leave it), so counting and
ranking matches need no look-up of `works.is_deleted` per match.
- SQLite: the FTS5 triggers skip deleted works; deleted works leave `works_fts`.
- PostgreSQL: `works_search` stores each live work's tsvector (title weighted A, abstract
  B) with the GIN index on it, kept by a trigger on `works`. `ts_rank` reads the stored
  vector instead of recomputing `to_tsvector(title || abstract)` for every match, and a
  narrow table keeps scans of it cheap; the GIN expression index `ix_works_search` goes.

Authors (PostgreSQL): `author_name_tokens` holds one row per word of each live author's
`search_names` (the words `to_tsvector('simple', ...)` found there before) with the
author's works count, kept by a trigger on `authors`; a text_pattern_ops b-tree makes a
prefix an index range scan. SQLite keeps its FTS5 prefix index.

The DDL is written out here, not taken from app.core.search, so that this revision stays
what it was when later ones change the search objects again.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 04:05:00.000000
"""

from collections.abc import Sequence

from alembic import op


revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _works_vector(title: str, abstract: str) -> str:
    return (
        f"setweight(to_tsvector('english', coalesce({title}, '')), 'A') || "
        f"setweight(to_tsvector('english', coalesce({abstract}, '')), 'B')"
    )


_SQLITE_UP = (
    "DROP TRIGGER works_fts_ai",
    "DROP TRIGGER works_fts_ad",
    "DROP TRIGGER works_fts_au",
    "CREATE TRIGGER works_fts_ai AFTER INSERT ON works WHEN NOT new.is_deleted BEGIN "
    "INSERT INTO works_fts(rowid, title_plain, abstract_plain) "
    "VALUES (new.id, new.title_plain, new.abstract_plain); END",
    # External content: a 'delete' must name exactly what was indexed, so only works that
    # were indexed (live ones) are deleted from the index.
    "CREATE TRIGGER works_fts_ad AFTER DELETE ON works WHEN NOT old.is_deleted BEGIN "
    "INSERT INTO works_fts(works_fts, rowid, title_plain, abstract_plain) "
    "VALUES ('delete', old.id, old.title_plain, old.abstract_plain); END",
    "CREATE TRIGGER works_fts_au AFTER UPDATE OF title_plain, abstract_plain, is_deleted "
    "ON works BEGIN "
    "INSERT INTO works_fts(works_fts, rowid, title_plain, abstract_plain) "
    "SELECT 'delete', old.id, old.title_plain, old.abstract_plain WHERE NOT old.is_deleted; "
    "INSERT INTO works_fts(rowid, title_plain, abstract_plain) "
    "SELECT new.id, new.title_plain, new.abstract_plain WHERE NOT new.is_deleted; END",
    "INSERT INTO works_fts(works_fts, rowid, title_plain, abstract_plain) "
    "SELECT 'delete', id, title_plain, abstract_plain FROM works WHERE is_deleted",
)

_SQLITE_DOWN = (
    "DROP TRIGGER works_fts_ai",
    "DROP TRIGGER works_fts_ad",
    "DROP TRIGGER works_fts_au",
    "CREATE TRIGGER works_fts_ai AFTER INSERT ON works BEGIN INSERT INTO works_fts(rowid, "
    "title_plain, abstract_plain) VALUES (new.id, new.title_plain, new.abstract_plain); END",
    "CREATE TRIGGER works_fts_ad AFTER DELETE ON works BEGIN INSERT INTO works_fts(works_fts, "
    "rowid, title_plain, abstract_plain) VALUES ('delete', old.id, old.title_plain, "
    "old.abstract_plain); END",
    "CREATE TRIGGER works_fts_au AFTER UPDATE OF title_plain, abstract_plain ON works BEGIN "
    "INSERT INTO works_fts(works_fts, rowid, title_plain, abstract_plain) VALUES ('delete', "
    "old.id, old.title_plain, old.abstract_plain); INSERT INTO works_fts(rowid, title_plain, "
    "abstract_plain) VALUES (new.id, new.title_plain, new.abstract_plain); END",
    "INSERT INTO works_fts(rowid, title_plain, abstract_plain) "
    "SELECT id, title_plain, abstract_plain FROM works WHERE is_deleted",
)

_POSTGRES_UP = (
    "CREATE TABLE works_search ("
    "work_id BIGINT NOT NULL, search_vector TSVECTOR NOT NULL, "
    "CONSTRAINT pk_works_search PRIMARY KEY (work_id), "
    "CONSTRAINT fk_works_search_work_id_works FOREIGN KEY (work_id) "
    "REFERENCES works (id) ON DELETE CASCADE)",
    "INSERT INTO works_search (work_id, search_vector) "
    f"SELECT id, {_works_vector('title_plain', 'abstract_plain')} FROM works "
    "WHERE NOT is_deleted",
    "CREATE INDEX ix_works_search_vector ON works_search USING gin (search_vector)",
    f"""CREATE FUNCTION works_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' THEN
            -- Ingestion rewrites every column of a changed record: skip the unchanged text.
            IF NEW.title_plain IS NOT DISTINCT FROM OLD.title_plain
               AND NEW.abstract_plain IS NOT DISTINCT FROM OLD.abstract_plain
               AND NEW.is_deleted = OLD.is_deleted THEN
                RETURN NULL;
            END IF;
            DELETE FROM works_search WHERE work_id = OLD.id;
        END IF;
        IF NOT NEW.is_deleted THEN
            INSERT INTO works_search (work_id, search_vector)
            VALUES (NEW.id, {_works_vector('NEW.title_plain', 'NEW.abstract_plain')});
        END IF;
        RETURN NULL;
    END $$""",
    "CREATE TRIGGER works_search_sync AFTER INSERT OR UPDATE OF title_plain, abstract_plain, "
    "is_deleted ON works FOR EACH ROW EXECUTE FUNCTION works_search_sync()",
    "DROP INDEX ix_works_search",
    "CREATE TABLE author_name_tokens ("
    "token TEXT NOT NULL, author_id BIGINT NOT NULL, works_count INTEGER NOT NULL, "
    "CONSTRAINT pk_author_name_tokens PRIMARY KEY (author_id, token), "
    "CONSTRAINT fk_author_name_tokens_author_id_authors FOREIGN KEY (author_id) "
    "REFERENCES authors (id) ON DELETE CASCADE)",
    "INSERT INTO author_name_tokens (token, author_id, works_count) "
    "SELECT t.lexeme, a.id, a.works_count FROM authors a, "
    "unnest(to_tsvector('simple', coalesce(a.search_names, ''))) t "
    "WHERE a.merged_into_id IS NULL",
    # works_count and author_id ride along so that the ten best of a prefix come from the
    # index alone.
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
    # The planner needs the lexeme frequencies of the new vectors before the first search.
    "ANALYZE works_search",
    "ANALYZE author_name_tokens",
)

_POSTGRES_DOWN = (
    "DROP TRIGGER author_name_tokens_sync ON authors",
    "DROP FUNCTION author_name_tokens_sync()",
    "DROP TABLE author_name_tokens",
    "DROP TRIGGER works_search_sync ON works",
    "DROP FUNCTION works_search_sync()",
    "DROP TABLE works_search",
    "CREATE INDEX ix_works_search ON works USING gin ((to_tsvector('english', "
    "coalesce(title_plain, '') || ' ' || coalesce(abstract_plain, ''))))",
)


def upgrade() -> None:
    bind = op.get_bind()
    for statement in _SQLITE_UP if bind.dialect.name == "sqlite" else _POSTGRES_UP:
        op.execute(statement)


def downgrade() -> None:
    bind = op.get_bind()
    for statement in _SQLITE_DOWN if bind.dialect.name == "sqlite" else _POSTGRES_DOWN:
        op.execute(statement)
