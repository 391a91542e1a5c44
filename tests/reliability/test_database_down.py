"""The database goes away under load and comes back: 503 problem+json while it is away, and
the service recovers by itself (no restart): on PostgreSQL a request that fails on a dropped
connection makes SQLAlchemy recycle the pool, and a connection that sat idle is checked
before use (`app.core.database.IDLE_CHECK_SECONDS`), a failed check opening a new one.

PostgreSQL: a TCP proxy between the app and the server is cut (every connection dropped,
new ones refused) and restored, which is what a server restart looks like to a client.
SQLite: the directory holding the file disappears (an unmounted volume) and the pool is
recycled, so new connections cannot open it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from app.core import database
from app.main import create_app
from tests.reliability.conftest import ScratchDatabases, TcpProxy, app_settings, is_postgres

READS = ("/v1/authors?per_page=5", "/v1/works?per_page=5", "/v1/topics?per_page=5")


def _assert_unavailable(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["retry-after"]
    body = response.json()
    assert body["status"] == 503
    assert "Traceback" not in response.text


def _hammer(client: TestClient, stop: threading.Event) -> list[int]:
    """Reads in a loop from a few threads until told to stop; every status seen."""
    statuses: list[int] = []

    def loop(path: str) -> None:
        while not stop.is_set():
            response = client.get(path)
            statuses.append(response.status_code)
            if response.status_code != 200:
                _assert_unavailable(response)

    with ThreadPoolExecutor(len(READS)) as pool:
        for result in [pool.submit(loop, path) for path in READS]:
            result.result()
    return statuses


def _outage(client: TestClient, cut: Iterator[None]) -> None:
    """Requests before, during and after an outage that `cut` starts and ends."""
    for path in (*READS, "/readyz"):
        assert client.get(path).status_code == 200
    stop = threading.Event()
    statuses: list[int] = []
    load = threading.Thread(target=lambda: statuses.extend(_hammer(client, stop)))
    load.start()
    try:
        next(cut)  # down, with requests in flight
        for path in READS:
            _assert_unavailable(client.get(path))
        _assert_unavailable(client.get("/readyz"))
        next(cut, None)  # back
    finally:
        stop.set()
        load.join(timeout=30)
    assert 503 in statuses
    assert set(statuses) <= {200, 503}
    for path in (*READS, "/readyz"):
        response = client.get(path)
        assert response.status_code == 200, response.text


def _engine(app: FastAPI) -> Engine:
    bind = app.state.session_factory.kw["bind"]
    assert isinstance(bind, Engine)
    return bind


def test_postgres_restart_gives_503_then_recovers(engine: Engine) -> None:
    """`engine` is the session's migrated test database; this test only reads it."""
    if not is_postgres(str(engine.url)):
        pytest.skip("PostgreSQL only: SQLite has no server to restart (see the SQLite test)")
    url = engine.url
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)

    def cut() -> Iterator[None]:
        proxy.cut()
        yield
        proxy.restore()

    try:
        with TestClient(create_app(app_settings(proxied))) as client:
            _outage(client, cut())
    finally:
        proxy.close()


def test_postgres_restart_while_idle_is_seen_before_a_request_fails(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No request during the outage: every pooled connection is dead when the next one
    comes, yet it gets a 200, because a connection idle that long is checked first. A
    connection back in use at once is not checked (no extra round trip under load)."""
    if not is_postgres(str(engine.url)):
        pytest.skip("PostgreSQL only: SQLite has no server to restart")
    monkeypatch.setattr(database, "IDLE_CHECK_SECONDS", 0.2)
    url = engine.url
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    try:
        with TestClient(create_app(app_settings(proxied))) as client:
            app_engine = _engine(client.app)  # type: ignore[arg-type]
            pings: list[object] = []
            ping = app_engine.dialect.do_ping
            monkeypatch.setattr(
                app_engine.dialect, "do_ping", lambda conn: pings.append(conn) or ping(conn)
            )
            for _ in range(5):
                assert client.get(READS[0]).status_code == 200
            assert pings == []
            proxy.cut()
            proxy.restore()
            time.sleep(0.3)
            response = client.get(READS[0])
            assert response.status_code == 200, response.text
            assert len(pings) == 1
    finally:
        proxy.close()


def test_sqlite_file_gone_gives_503_then_recovers(
    database_url: str, scratch_databases: ScratchDatabases
) -> None:
    if is_postgres(database_url):
        pytest.skip("SQLite only: the PostgreSQL test cuts the connection instead")
    (url,) = scratch_databases(1)
    path = Path(make_url(url).database or "")
    home = path.parent / "volume"
    home.mkdir()
    path.rename(home / path.name)
    moved = f"sqlite:///{home / path.name}"
    app = create_app(app_settings(moved))

    def cut() -> Iterator[None]:
        home.rename(home.with_name("volume-gone"))
        # Open connections keep their file handle; an outage shows on new ones.
        _engine(app).dispose()
        yield
        home.with_name("volume-gone").rename(home)

    with TestClient(app) as client:
        _outage(client, cut())
