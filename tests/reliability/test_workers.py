"""`bzpeer serve --workers 2`: each worker accepts on its own socket, and the connections
opened together are spread over both; a worker that dies is replaced (app/core/workers.py)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.workers import balances_across_sockets
from bench.api import free_port, server
from tests.reliability.conftest import ScratchDatabases

pytestmark = pytest.mark.skipif(
    not balances_across_sockets(), reason="SO_REUSEPORT spreads connections on Linux only"
)

WORKERS = 2


@pytest.fixture
def serving(scratch_databases: ScratchDatabases, tmp_path: Path) -> Iterator[tuple[int, int]]:
    """`bzpeer serve --workers 2` on a scratch database: its pid and port, once every
    worker listens."""
    (url,) = scratch_databases(1)
    port = free_port()
    bzpeer = str(Path(sys.executable).with_name("bzpeer"))
    argv = [bzpeer, "serve", "--workers", str(WORKERS), "--port", str(port)]
    env = {"BZPEER_DATABASE_URL": url, "BZPEER_LOG_LEVEL": "WARNING"}
    with server(argv, f"http://127.0.0.1:{port}/healthz", tmp_path / "serve.log", env) as pid:
        assert len(_workers_ready(pid, port)) == WORKERS
        yield pid, port


def _sockets_by_worker(parent: int, port: int) -> dict[int, tuple[set[int], set[int]]]:
    """For each process serving `port` under `parent`: the inodes of its listening
    sockets on the port and of its established connections from it, read from /proc."""
    states: dict[int, str] = {}  # socket inode -> TCP state ("0A" listen, "01" established)
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(FileNotFoundError):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                if int(fields[1].rsplit(":", 1)[1], 16) == port:
                    states[int(fields[9])] = fields[3]
    found: dict[int, tuple[set[int], set[int]]] = {}
    children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
    for pid in map(int, children):
        listening: set[int] = set()
        connected: set[int] = set()
        with contextlib.suppress(FileNotFoundError, PermissionError):
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                with contextlib.suppress(OSError):
                    target = os.readlink(fd)
                    if target.startswith("socket:["):
                        inode = int(target[8:-1])
                        if states.get(inode) == "0A":
                            listening.add(inode)
                        elif states.get(inode) == "01":
                            connected.add(inode)
        if listening:
            found[pid] = (listening, connected)
    return found


def _workers_ready(
    parent: int, port: int, timeout: float = 60
) -> dict[int, tuple[set[int], set[int]]]:
    deadline = time.monotonic() + timeout
    while True:
        found = _sockets_by_worker(parent, port)
        if len(found) == WORKERS or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def _get(connection: socket.socket) -> bytes:
    connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: bench\r\n\r\n")
    return connection.recv(65536)


def test_each_worker_listens_on_its_own_socket_and_connections_are_spread(
    serving: tuple[int, int],
) -> None:
    pid, port = serving
    listening = [inodes for inodes, _ in _sockets_by_worker(pid, port).values()]
    # One socket each: with a socket shared by all, every worker holds the same inode.
    assert all(len(inodes) == 1 for inodes in listening)
    assert len(set().union(*listening)) == WORKERS
    # Opened together and kept open, as wrk's or a proxy pool's are. With one shared socket
    # they went 16/0 or 13/3; spread by hash, 64 all on one worker would happen once in
    # 2**63.
    connections = [socket.create_connection(("127.0.0.1", port)) for _ in range(64)]
    try:
        for connection in connections:
            assert _get(connection).startswith(b"HTTP/1.1 200")
        held = [len(connected) for _, connected in _sockets_by_worker(pid, port).values()]
        assert sum(held) == 64
        assert min(held) > 0, held
    finally:
        for connection in connections:
            connection.close()


def test_a_worker_that_dies_is_replaced(serving: tuple[int, int]) -> None:
    pid, port = serving
    killed = min(_sockets_by_worker(pid, port))
    os.kill(killed, signal.SIGKILL)
    deadline = time.monotonic() + 60
    while True:
        workers = _sockets_by_worker(pid, port)
        if len(workers) == WORKERS and killed not in workers:
            break
        assert time.monotonic() < deadline, f"still {sorted(workers)} after killing {killed}"
        time.sleep(0.2)
    for _ in range(20):
        with socket.create_connection(("127.0.0.1", port)) as connection:
            assert _get(connection).startswith(b"HTTP/1.1 200")
