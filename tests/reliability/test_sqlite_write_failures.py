"""Writes that SQLite refuses (a read-only file, a full disk) fail with a clear error and
leave the database intact: `PRAGMA integrity_check` says ok and nothing half-written stays.

SQLite only: PostgreSQL has no database file to make read-only, and a full PostgreSQL disk
is the server's to report.
"""

from __future__ import annotations

import io
import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from app.core.database import make_engine, make_session_factory
from app.ingest.formats import iter_records
from app.ingest.generate import generate_corpus
from app.ingest.pipeline import Pipeline
from app.main import create_app
from tests.reliability.conftest import ScratchDatabases, app_settings, is_postgres

WORKS = 300
BATCH = 50


@pytest.fixture
def sqlite_file(database_url: str, scratch_databases: ScratchDatabases) -> Path:
    if is_postgres(database_url):
        pytest.skip("SQLite only: file permissions and page limits are SQLite's failure modes")
    (url,) = scratch_databases(1)
    return Path(make_url(url).database or "")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    buffer = io.BytesIO()
    generate_corpus(WORKS, 5, buffer)
    path = tmp_path / "corpus.jsonl"
    path.write_bytes(buffer.getvalue())
    return path


def _ingest(engine: Engine, corpus: Path) -> None:
    pipeline = Pipeline(
        engine,
        app_settings(str(engine.url)),
        source=str(corpus),
        fmt="snapshot",
        fingerprint="reliability",
        batch_size=BATCH,
    )
    pipeline.run(iter_records(corpus))


def _integrity(path: Path) -> tuple[str, int]:
    with sqlite3.connect(path) as connection:
        check = connection.execute("PRAGMA integrity_check").fetchone()[0]
        works = connection.execute("SELECT count(*) FROM works").fetchone()[0]
    connection.close()
    return check, works


@pytest.fixture
def read_only(sqlite_file: Path) -> Iterator[str]:
    """The file made read-only; the URL to open it with."""
    sqlite_file.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    # root ignores file modes, so as root the connection itself is opened read-only: the
    # same SQLITE_READONLY error either way.
    url = (
        f"sqlite:///file:{sqlite_file}?mode=ro&uri=true"
        if os.geteuid() == 0
        else f"sqlite:///{sqlite_file}"
    )
    yield url
    sqlite_file.chmod(stat.S_IRUSR | stat.S_IWUSR)


def test_read_only_file_refuses_ingestion_and_stays_intact(
    sqlite_file: Path, read_only: str, corpus: Path
) -> None:
    engine = make_engine(read_only, pool_size=1)
    try:
        with pytest.raises(OperationalError, match="readonly"):
            _ingest(engine, corpus)
    finally:
        engine.dispose()
    assert _integrity(sqlite_file) == ("ok", 0)


def test_read_only_file_gives_a_clear_503_on_writes(sqlite_file: Path, read_only: str) -> None:
    with TestClient(create_app(app_settings(read_only))) as client:
        assert client.get("/v1/works").status_code == 200
        response = client.post(
            "/v1/accounts",
            json={"email": "ro@example.org", "password": "a long passphrase 42", "name": "Ro"},
        )
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert "read-only" in response.json()["detail"]
    assert _integrity(sqlite_file) == ("ok", 0)


def _page_limit(engine: Engine, pages: int) -> None:
    # SQLite's max_page_count is per connection: set on each one, it is a disk that fills up
    # at `pages` pages.
    def limit(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    event.listen(engine, "connect", limit)


def test_full_disk_stops_ingestion_cleanly_and_a_rerun_completes(
    sqlite_file: Path, corpus: Path
) -> None:
    with sqlite3.connect(sqlite_file) as connection:
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
    connection.close()
    full = make_engine(f"sqlite:///{sqlite_file}", pool_size=1)
    _page_limit(full, pages + 40)
    try:
        # Bulk inserts go through the driver's own cursor, so its error arrives unwrapped.
        with pytest.raises((OperationalError, sqlite3.OperationalError), match="full"):
            _ingest(full, corpus)
    finally:
        full.dispose()
    check, kept = _integrity(sqlite_file)
    assert check == "ok"
    assert kept % BATCH == 0  # whole batches or nothing: no half-written batch
    assert kept < WORKS

    roomy = make_engine(f"sqlite:///{sqlite_file}", pool_size=1)
    try:
        _ingest(roomy, corpus)
    finally:
        roomy.dispose()
    assert _integrity(sqlite_file) == ("ok", WORKS)


def test_full_disk_gives_a_clear_503_on_writes(sqlite_file: Path, corpus: Path) -> None:
    engine = make_engine(f"sqlite:///{sqlite_file}", pool_size=2)
    with sqlite3.connect(sqlite_file) as connection:
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
    connection.close()
    _page_limit(engine, pages)
    app = create_app(
        app_settings(str(engine.url), rate_limit_register="1000/h"),
        session_factory=make_session_factory(engine),
    )
    try:
        with TestClient(app) as client:
            statuses = []
            for n in range(40):  # enough rows to need a page the disk does not have
                response = client.post(
                    "/v1/accounts",
                    json={
                        "email": f"full{n}@example.org",
                        "password": "a long passphrase 42",
                        "name": "Full " + "x" * 80,
                    },
                )
                statuses.append(response.status_code)
                if response.status_code != 201:
                    break
    finally:
        engine.dispose()
    assert statuses[-1] == 503, statuses
    assert "full" in response.json()["detail"]
    assert _integrity(sqlite_file)[0] == "ok"
