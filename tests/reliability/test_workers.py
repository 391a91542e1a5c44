"""`bzpeer serve --workers 2`: each worker accepts on its own socket, and the connections
opened together are spread over both, then evened out; a worker that dies is replaced
(app/core/workers.py)."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import re
import signal
import socket
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from starlette.types import Message, Receive, Scope, Send

from app.core import workers
from app.core.workers import ConnectionShares, KeepAliveBalancer, balances_across_sockets
from bench.api import free_port, server
from tests.reliability.conftest import ScratchDatabases

linux_only = pytest.mark.skipif(
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


def _server_side_sockets(port: int) -> dict[int, tuple[str, int]]:
    """The sockets on the server's side of `port`, by inode: their TCP state ("0A" listen,
    "01" established) and the client's port, from /proc."""
    found: dict[int, tuple[str, int]] = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(FileNotFoundError):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                if int(fields[1].rsplit(":", 1)[1], 16) == port:
                    found[int(fields[9])] = (fields[3], int(fields[2].rsplit(":", 1)[1], 16))
    return found


def _sockets_by_worker(parent: int, port: int) -> dict[int, tuple[set[int], set[int]]]:
    """For each process serving `port` under `parent`: the inodes of its listening
    sockets on the port and of its established connections from it, read from /proc."""
    states = {inode: state for inode, (state, _) in _server_side_sockets(port).items()}
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


def _worker_of_clients(parent: int, port: int) -> dict[int, int]:
    """The worker holding each connection, by the client's port."""
    client_ports = {inode: client for inode, (_, client) in _server_side_sockets(port).items()}
    return {
        client_ports[inode]: pid
        for pid, (_, connected) in _sockets_by_worker(parent, port).items()
        for inode in connected
        if inode in client_ports
    }


def _get(connection: socket.socket) -> bytes:
    """One whole response: its head may arrive apart from its body."""
    connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: bench\r\n\r\n")
    response = b""
    while b"\r\n\r\n" not in response:
        chunk = connection.recv(65536)
        assert chunk, f"closed after {response!r}"
        response += chunk
    head, body = response.split(b"\r\n\r\n", 1)
    length = re.search(rb"\r\ncontent-length: *(\d+)", head, re.IGNORECASE)
    assert length, head
    while len(body) < int(length[1]):
        body += connection.recv(65536)
    return response[: len(head) + 4] + body


def _asks_to_reconnect(response: bytes) -> bool:
    head = response.split(b"\r\n\r\n", 1)[0].lower()
    return b"\r\nconnection: close" in head


@linux_only
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
        kept = 0
        for connection in connections:
            response = _get(connection)
            assert response.startswith(b"HTTP/1.1 200")
            # A worker may ask a client to reconnect (see the next test): the rest stay.
            kept += not _asks_to_reconnect(response)
        deadline = time.monotonic() + 10
        while True:
            held = [len(connected) for _, connected in _sockets_by_worker(pid, port).values()]
            if sum(held) == kept or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert sum(held) == kept
        assert min(held) > 0, held
    finally:
        for connection in connections:
            connection.close()


@linux_only
def test_connections_that_all_landed_on_one_worker_are_evened_out(
    serving: tuple[int, int],
) -> None:
    pid, port = serving
    # 16 keep-alive connections all on one worker, chosen from 64 by where the kernel's
    # hash put them: without rebalancing, they would stay there for as long as they live.
    opened = [socket.create_connection(("127.0.0.1", port)) for _ in range(64)]
    for connection in opened:
        assert _get(connection).startswith(b"HTTP/1.1 200")
    worker_of = _worker_of_clients(pid, port)
    busiest = max(set(worker_of.values()), key=list(worker_of.values()).count)
    held = [c for c in opened if worker_of.get(c.getsockname()[1]) == busiest][:16]
    for connection in opened:
        if connection not in held:
            connection.close()
    assert len(held) == 16
    reconnects = 0
    try:
        deadline = time.monotonic() + 30
        while True:
            # Each client asked to reconnect does so, as wrk and proxies do.
            for index, connection in enumerate(held):
                response = _get(connection)
                assert response.startswith(b"HTTP/1.1 200"), response
                if _asks_to_reconnect(response):
                    connection.close()
                    held[index] = socket.create_connection(("127.0.0.1", port))
                    reconnects += 1
            split = sorted(Counter(_worker_of_clients(pid, port).values()).values())
            if split == [8, 8]:
                break
            assert time.monotonic() < deadline, f"still split {split} after {reconnects} moves"
            time.sleep(0.05)
    finally:
        for connection in held:
            connection.close()
    # Moved by asking some clients to reconnect, each landing on either worker.
    assert reconnects >= 8


@linux_only
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


def test_a_worker_hands_over_a_connection_when_it_holds_two_more_than_the_least_loaded() -> None:
    counts = [0, 7, 9]
    shares = ConnectionShares(counts, slot=0)
    assert shares.excess(9)
    assert counts[0] == 9
    assert not shares.excess(8)  # 8 against 7: moving one would only swap the two
    # With many connections a difference of two is noise: an eighth more is needed.
    counts[1:] = [100, 100]
    assert not shares.excess(111)
    assert shares.excess(112)


async def _app(scope: Scope, receive: Receive, send: Send) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": [(b"a", b"b")]})
    await send({"type": "http.response.body", "body": b"{}"})


async def _receive() -> Message:
    return {"type": "http.request"}


def _answers(balancer: KeepAliveBalancer) -> list[tuple[bytes, bytes]]:
    """The response headers of one request through `balancer`."""
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    asyncio.run(balancer({"type": "http"}, _receive, send))
    assert [m["type"] for m in sent] == ["http.response.start", "http.response.body"]
    return list(sent[0]["headers"])


def test_the_balancer_asks_one_client_at_a_time_to_reconnect() -> None:
    now = [100.0]
    connections = set(range(9))
    balancer = KeepAliveBalancer(
        _app, ConnectionShares([0, 7], slot=0), connections, clock=lambda: now[0]
    )
    close = (b"connection", b"close")
    assert _answers(balancer) == [(b"a", b"b"), close]
    # Until the worker can have seen that client go, the next answers keep their clients.
    assert _answers(balancer) == [(b"a", b"b")]
    now[0] += 0.06
    assert _answers(balancer) == [(b"a", b"b"), close]
    now[0] += 0.06
    connections.discard(0)  # even now: 8 against 7
    assert _answers(balancer) == [(b"a", b"b")]


@pytest.fixture
def server_runs(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[int, object]]]:
    """What a serving process holds when uvicorn's server would start: the number of
    frozen objects and the app it serves. The server is not started."""
    seen: list[tuple[int, object]] = []

    def run(server: uvicorn.Server, sockets: list[socket.socket] | None = None) -> None:
        seen.append((gc.get_freeze_count(), server.config.loaded_app))
        server.started = True
        for sock in sockets or ():
            sock.close()

    monkeypatch.setattr(uvicorn.Server, "run", run)
    assert gc.get_freeze_count() == 0
    try:
        yield seen
    finally:
        gc.unfreeze()


_APP = {"app": "app.main:create_app", "factory": True, "host": "127.0.0.1", "port": 0}


def test_a_single_process_serves_with_its_start_up_objects_frozen(
    server_runs: list[tuple[int, object]],
) -> None:
    workers.serve(**_APP, workers=1)  # type: ignore[arg-type]
    ((frozen, _),) = server_runs
    # The modules and the app: tens of thousands of objects the collector no longer walks.
    assert frozen > 10_000


@linux_only
def test_each_worker_serves_through_the_balancer_with_its_start_up_objects_frozen(
    server_runs: list[tuple[int, object]],
) -> None:
    workers._worker(_APP, [0, 0], slot=1)
    ((frozen, app),) = server_runs
    assert frozen > 10_000
    assert isinstance(app, KeepAliveBalancer)
    assert app.shares.slot == 1
