"""Fixtures for reliability tests: databases of their own, and a TCP proxy that can cut one.

These tests commit for real and run the app with its own engines (the lifespan's), so they
cannot live inside the rolled-back transaction the other tests share.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app.cli import upgrade_database
from app.core.settings import Settings

ScratchDatabases = Callable[[int], list[str]]


def is_postgres(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


@pytest.fixture
def scratch_databases(database_url: str, tmp_path: Path) -> Iterator[ScratchDatabases]:
    """Fresh, migrated databases on the backend under test; dropped afterwards."""
    created: list[str] = []
    base = make_url(database_url)

    def make(count: int) -> list[str]:
        urls = []
        for _ in range(count):
            n = len(created)
            if is_postgres(database_url):
                name = f"{base.database}_rel{n}_{os.getpid()}"
                with _admin(database_url) as connection:
                    connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
                    connection.execute(text(f'CREATE DATABASE "{name}"'))
                url = base.set(database=name).render_as_string(hide_password=False)
            else:
                url = f"sqlite:///{tmp_path / f'scratch{n}.db'}"
            created.append(url)
            upgrade_database(url)
            urls.append(url)
        return urls

    yield make
    for url in created:
        if is_postgres(url):
            with _admin(database_url) as connection:
                name = make_url(url).database
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@contextlib.contextmanager
def _admin(url: str) -> Iterator[object]:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()


def app_settings(url: str, **overrides: object) -> Settings:
    return Settings(
        database_url=url,
        environment="test",
        log_json=False,
        log_level="CRITICAL",
        database_pool_size=4,
        **overrides,  # type: ignore[arg-type]
    )


class TcpProxy:
    """A loopback TCP relay that can be cut (every connection dropped, new ones refused)
    and restored, standing in for a database server that restarts."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self.listener.getsockname()[1]
        self._up = threading.Event()
        self._up.set()
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._closed = False
        self._threads: list[threading.Thread] = []
        self._start(self._accept)

    def cut(self) -> None:
        self._up.clear()
        with self._lock:
            # The pumps notice and close their own sockets.
            for sock in self._sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def restore(self) -> None:
        self._up.set()

    def close(self) -> None:
        self._closed = True
        self.cut()
        self.listener.close()
        for thread in self._threads:
            thread.join(timeout=5)

    def _accept(self) -> None:
        # A short timeout rather than a blocking accept: closing a listener from another
        # thread does not wake an accept() blocked on it.
        self.listener.settimeout(0.1)
        while not self._closed:
            try:
                client, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(None)
            if not self._up.is_set():
                # Like a server that is restarting: the connection opens and is dropped.
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self._lock:
                self._sockets |= {client, upstream}
            for source, sink in ((client, upstream), (upstream, client)):
                self._start(self._pump, source, sink)

    def _start(self, target: Callable[..., None], *args: object) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            # Either side closing ends both directions, as a dropped server connection does.
            with contextlib.suppress(OSError):
                sink.shutdown(socket.SHUT_RDWR)
            with self._lock:
                self._sockets.discard(source)
            source.close()
