"""The migrations, applied to an empty database, build exactly the ORM schema, and undo it.

SQLite always (a temporary file). PostgreSQL too when BZPEER_TEST_DATABASE_URL is a
postgresql URL: a fresh database is created on that server for each test and dropped
afterwards, so the session's shared test database (already migrated by conftest) is never
touched and "empty" really means empty.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from psycopg import sql
from sqlalchemy import Engine, inspect, text
from sqlalchemy.engine import make_url

from app.cli import REPO_ROOT, upgrade_database
from app.core.database import make_engine
from app.core.search import SEARCH_INDEXES, SEARCH_TABLES
from app.models import Base


def include_name(name: str | None, type_: str, _parent: dict[str, Any]) -> bool:
    """The filter of migrations/env.py (which cannot be imported: it runs on import).

    Full-text search objects (app.core.search) live outside the ORM metadata on purpose,
    FTS5's shadow tables (`works_fts_data`, ...) included.
    """
    if name is None:
        return True
    if type_ == "table":
        return not any(name == t or name.startswith(f"{t}_") for t in SEARCH_TABLES)
    if type_ == "index":
        return name not in SEARCH_INDEXES
    return True


def _config(url: str) -> Config:
    """The configuration `app.cli.upgrade_database` builds, for the other commands."""
    config = Config(str(REPO_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(REPO_ROOT / "migrations"))
    config.attributes["url"] = url
    return config


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    server = os.environ.get("BZPEER_TEST_DATABASE_URL", "")
    if not server or make_url(server).get_backend_name() != "postgresql":
        pytest.skip("BZPEER_TEST_DATABASE_URL is not a postgresql URL")
    url = make_url(server)
    name = f"bzpeer_migrations_{uuid.uuid4().hex[:12]}"
    # psycopg speaks plain libpq URLs; CREATE/DROP DATABASE cannot run in a transaction.
    admin = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def _schema_diff(engine: Engine) -> list[Any]:
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"include_name": include_name, "compare_type": True}
        )
        return list(compare_metadata(context, Base.metadata))


def _search_objects(engine: Engine) -> set[str]:
    """FTS5 tables and triggers on SQLite; indexes, tables and triggers on PostgreSQL."""
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            query = "SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')"
        else:
            query = (
                "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() "
                "UNION SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                "UNION SELECT trigger_name FROM information_schema.triggers "
                "WHERE trigger_schema = current_schema()"
            )
        return {row[0] for row in conn.execute(text(query))}


def _n_distinct(engine: Engine) -> dict[tuple[str, str], str]:
    """Columns whose distinct count is stated for ANALYZE (revision 0008)."""
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT c.relname, a.attname, option FROM pg_attribute a "
                "JOIN pg_class c ON c.oid = a.attrelid, unnest(a.attoptions) AS option "
                "WHERE option LIKE 'n_distinct=%'"
            )
        ).all()
    return {(table, column): option.split("=")[1] for table, column, option in rows}


def _assert_at_head(url: str) -> None:
    engine = make_engine(url, pool_size=1)
    try:
        assert _schema_diff(engine) == []
        objects = _search_objects(engine)
        if engine.dialect.name == "sqlite":
            assert {"works_fts", "authors_fts"} <= objects
            assert {"works_fts_ai", "works_fts_ad", "works_fts_au", "authors_fts_ai"} <= objects
            assert {"author_name_prefixes", "author_name_prefixes_ai"} <= objects
            assert {"author_name_prefixes_ad", "author_name_prefixes_au"} <= objects
        else:
            assert set(SEARCH_INDEXES) <= objects
            assert {"works_search", "author_name_prefixes"} <= objects
            assert {"works_search_sync", "author_name_prefixes_sync"} <= objects
            assert _n_distinct(engine) == {
                ("authorships", "author_id"): "-0.1",
                ("authorships", "work_id"): "-0.2",
                ("coauthor_edges", "author_id"): "-0.04",
                ("coauthor_edges", "coauthor_id"): "-0.04",
            }
            with engine.connect() as conn:
                target = conn.execute(
                    text(
                        "SELECT attstattarget FROM pg_attribute "
                        "WHERE attrelid = 'works_search'::regclass AND attname = 'search_vector'"
                    )
                ).scalar_one()
            assert target == 1000  # revision 0009
        heads = ScriptDirectory.from_config(_config(url)).get_heads()
        with engine.connect() as conn:
            assert set(MigrationContext.configure(conn).get_current_heads()) == set(heads)
    finally:
        engine.dispose()


def test_there_is_one_head() -> None:
    script = ScriptDirectory.from_config(_config("sqlite://"))
    assert len(script.get_heads()) == 1, "branched migrations: merge them"


def test_upgrade_builds_exactly_the_orm_schema(empty_database: str) -> None:
    upgrade_database(empty_database)
    _assert_at_head(empty_database)


def test_downgrade_to_base_then_upgrade_again(empty_database: str) -> None:
    config = _config(empty_database)
    upgrade_database(empty_database)
    # One revision at a time, so that every downgrade() runs against its own upgrade().
    for _ in ScriptDirectory.from_config(config).walk_revisions():
        command.downgrade(config, "-1")
    engine = make_engine(empty_database, pool_size=1)
    try:
        # Nothing left but Alembic's own bookkeeping: no tables, FTS5 tables, triggers or
        # search indexes.
        assert inspect(engine).get_table_names() == ["alembic_version"]
        leftovers = {
            name
            for name in _search_objects(engine)
            if not name.startswith(("alembic_version", "sqlite_"))  # sqlite_sequence
        }
        assert leftovers == set()
        with engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_heads() == ()
    finally:
        engine.dispose()
    upgrade_database(empty_database)
    _assert_at_head(empty_database)
