"""`BZPEER_READ_DATABASE_URL`: GET and HEAD read from the replica, everything else writes to
the primary. Two databases holding different data prove which one answered."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from app.core.database import make_engine
from app.main import create_app
from app.models import Account
from tests import factories
from tests.reliability.conftest import ScratchDatabases, app_settings


def _seed_author(url: str, name: str) -> int:
    engine = make_engine(url, pool_size=1)
    try:
        with Session(engine) as session, session.begin():
            return factories.author(session, name).id
    finally:
        engine.dispose()


def _accounts(url: str) -> int:
    engine = make_engine(url, pool_size=1)
    try:
        with Session(engine) as session:
            return session.scalar(select(func.count()).select_from(Account)) or 0
    finally:
        engine.dispose()


def test_reads_go_to_the_replica_and_writes_to_the_primary(
    scratch_databases: ScratchDatabases,
) -> None:
    primary, replica = scratch_databases(2)
    primary_id = _seed_author(primary, "Ada Primary")
    replica_id = _seed_author(replica, "Ada Replica")
    assert primary_id == replica_id  # the same public id names different rows

    app = create_app(app_settings(primary, read_database_url=replica))
    with TestClient(app) as client:
        read = client.get(f"/v1/authors/A{primary_id}")
        assert read.status_code == 200
        assert read.json()["display_name"] == "Ada Replica"
        listed = client.get("/v1/authors", params={"q": "Ada"}).json()["results"]
        assert [a["display_name"] for a in listed] == ["Ada Replica"]

        written = client.post(
            "/v1/accounts",
            json={"email": "ada@example.org", "password": "a long passphrase 42", "name": "Ada"},
        )
        assert written.status_code == 201, written.text

    assert _accounts(primary) == 1
    assert _accounts(replica) == 0


def test_without_a_read_url_everything_uses_the_primary(
    scratch_databases: ScratchDatabases,
) -> None:
    (primary,) = scratch_databases(1)
    author_id = _seed_author(primary, "Grace Primary")
    with TestClient(create_app(app_settings(primary))) as client:
        assert client.get(f"/v1/authors/A{author_id}").json()["display_name"] == "Grace Primary"


def test_the_api_engines_run_without_jit_on_postgresql(database_url: str) -> None:
    """PostgreSQL's JIT compiler spent 208 ms on a 1.4 ms page of works whose cost the
    planner overestimated; the API's connections, primary and replica, turn it off at
    connection start, and other engines (ingestion's) keep the server's setting."""
    if make_url(database_url).get_backend_name() != "postgresql":
        pytest.skip("PostgreSQL only: SQLite has no JIT")
    jit = text("SELECT setting, source FROM pg_settings WHERE name = 'jit'")
    app = create_app(app_settings(database_url, read_database_url=database_url))
    with TestClient(app):
        for factory in (app.state.session_factory, app.state.read_session_factory):
            with factory() as session:
                assert tuple(session.execute(jit).one()) == ("off", "client")
    engine = make_engine(database_url, pool_size=1)
    try:
        with engine.connect() as connection:
            assert connection.execute(jit).one().source != "client"
    finally:
        engine.dispose()
