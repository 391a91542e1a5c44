"""Test harness: one migrated database per session, one rolled-back transaction per test.

SQLite by default (a temporary file); PostgreSQL when BZPEER_TEST_DATABASE_URL is set, e.g.
`BZPEER_TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bzpeer_test`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from app.cli import upgrade_database
from app.core.database import make_engine
from app.core.settings import Settings
from app.main import create_app

SHARED_ARXIV = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "arxiv"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("BZPEER_TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    upgrade_database(database_url)
    engine = make_engine(database_url, pool_size=2)
    from app.topics.sync import sync_taxonomy

    with Session(engine) as session, session.begin():
        sync_taxonomy(session)
    yield engine
    engine.dispose()


@pytest.fixture
def session_factory(engine: Engine) -> Iterator[sessionmaker[Session]]:
    """Sessions that join an outer transaction which is rolled back after the test."""
    connection = engine.connect()
    outer = connection.begin()
    factory = sessionmaker(
        bind=connection,
        expire_on_commit=False,
        autoflush=False,
        join_transaction_mode="create_savepoint",
    )
    yield factory
    outer.rollback()
    connection.close()


@pytest.fixture
def session(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    with session_factory() as session:
        yield session


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        database_url=database_url, environment="test", log_json=False, log_level="WARNING"
    )


@pytest.fixture
def client(settings: Settings, session_factory: sessionmaker[Session]) -> Iterator[TestClient]:
    app = create_app(settings, session_factory=session_factory)
    with TestClient(app) as test_client:
        yield test_client


# Children first, so foreign keys never object to the order.
CATALOGUE_TABLES = (
    "invitation_messages",
    "invitations",
    "author_corrections",
    "author_work_decisions",
    "claims",
    "follows",
    "access_tokens",
    "email_tokens",
    "outbox_emails",
    "accounts",
    "authorship_institutions",
    "work_topics",
    "authorships",
    "coauthor_edges",
    "author_topics",
    "author_affiliations",
    "author_name_variants",
    "author_trust_history",
    "works",
    "authors",
    "institutions",
    "ingest_runs",
    "harvest_states",
)


def empty_catalogue(target: Engine) -> None:
    with target.begin() as connection:
        for table in CATALOGUE_TABLES:
            connection.execute(text(f"DELETE FROM {table}"))


@pytest.fixture
def fresh_engine(database_url: str, engine: Engine) -> Iterator[Engine]:
    """The migrated test database, emptied of catalogue rows before and after the test:
    ingestion commits for real, so a rolled-back transaction cannot contain it."""
    own = make_engine(database_url, pool_size=2)
    empty_catalogue(own)
    yield own
    empty_catalogue(own)
    own.dispose()


@pytest.fixture
def arxiv_data() -> Path:
    if not SHARED_ARXIV.is_dir():
        pytest.skip(f"{SHARED_ARXIV} is absent: the real arXiv samples live in ../shared")
    return SHARED_ARXIV
