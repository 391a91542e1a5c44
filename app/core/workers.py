"""Several uvicorn workers, each accepting on a listening socket of its own.

`uvicorn --workers N` binds one socket in the parent and every worker accepts from it. A
worker that wakes for a connection accepts every one waiting (asyncio's accept loop drains
the queue), so connections opened together land on whichever worker was idlest at that
instant and stay there: `wrk`'s 16 keep-alive connections went 16/0 or 13/3 between two
workers, one worker served every request while the other idled, and a works search's
p99 on PostgreSQL was 254 ms at a quarter of the server's capacity (docs/benchmarks.md).
A proxy's or a frontend's pool of keep-alive connections is the same case.

Here each worker binds its own socket to the same address with `SO_REUSEPORT`, and Linux
spreads new connections over the sockets by a hash of their addresses. Uvicorn has no
such option yet (encode/uvicorn#2472 is open), so this small supervisor starts the
workers, starts a new one in place of any that dies, and on SIGINT or SIGTERM passes
SIGTERM on, which each worker answers with uvicorn's graceful shutdown. Elsewhere than
Linux, where `SO_REUSEPORT` does not balance, `serve` is plain `uvicorn.run`.

A hash spreads connections evenly on average, not in each run: 16 keep-alive connections
opened together went 9/7 to 12/4 and kept that split for as long as they stayed open, so
one worker queued twice the requests of the other. Each worker therefore publishes how
many connections it holds (`ConnectionShares`), and one that holds `_REBALANCE_AT_LEAST`
more than the least loaded asks a client to reconnect (`Connection: close` on a response,
`KeepAliveBalancer`). The new connection is hashed again and lands on either worker, so the
split converges to even within a few requests; gRPC's `MAX_CONNECTION_AGE` and nginx's
`keepalive_requests` move long-lived connections the same way.
"""

from __future__ import annotations

import asyncio
import ctypes
import gc
import logging
import multiprocessing
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable, Collection, MutableSequence
from multiprocessing.process import BaseProcess
from typing import Any

import uvicorn
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.config import STARTUP_FAILURE

log = logging.getLogger(__name__)

# How often the supervisor looks for a worker that died, and how long a worker may take to
# finish its requests after SIGTERM before it is killed.
_CHECK_SECONDS = 0.5
_SHUTDOWN_SECONDS = 30.0
# A worker asks a client to reconnect when it holds at least this many connections more
# than the least loaded worker (so 9/7 moves one, 9/8 none), or an eighth more with many
# connections, where a difference of two is noise and a reconnect would only churn.
_REBALANCE_AT_LEAST = 2
_REBALANCE_SHARE = 8
# And at most once in this long, so that the worker sees its count drop before it closes
# another: the client reconnects within a millisecond on loopback.
_REBALANCE_INTERVAL_SECONDS = 0.05
# How often a worker publishes its count when it answers no requests.
_PUBLISH_SECONDS = 0.1


def freeze_startup_objects() -> None:
    """Leave what a serving process built at start-up (modules, the app, its engines: most
    of its objects) out of the garbage collector's full collections from now on.

    A full collection walks every tracked object, and ran every 6-10 s under load: the
    objects alive in the requests in flight at each young collection count towards the
    next one, whether they die a moment later or not. Under a closed loop of searches at a
    million works, each stopped a worker for 64-96 ms on SQLite (whose searches answer on
    the event loop, so the requests queued behind it waited) and 175-304 ms on PostgreSQL;
    frozen, 3-4 ms and 7-49 ms (docs/benchmarks.md).
    Frozen objects are never collected, nor walked; the collector still finds cycles among
    everything made since. Called by `serve` once the app is built, not by the app itself:
    a test process that starts apps would freeze its own objects too."""
    gc.collect()
    gc.freeze()


def balances_across_sockets() -> bool:
    return sys.platform == "linux" and hasattr(socket, "SO_REUSEPORT")


def reuse_port_socket(host: str, port: int) -> socket.socket:
    """A socket bound to (host, port) that other workers may bind too."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    return sock


class ConnectionShares:
    """How many connections each worker holds, in memory the workers share: each writes
    its own slot, and reads the others' to see whether it holds more than its share."""

    def __init__(self, counts: MutableSequence[int], slot: int) -> None:
        self.counts = counts
        self.slot = slot

    def publish(self, held: int) -> None:
        self.counts[self.slot] = held

    def excess(self, held: int) -> bool:
        """Whether this worker, holding `held` connections, should hand one over."""
        self.publish(held)
        others = (count for index, count in enumerate(self.counts) if index != self.slot)
        least = min(others, default=held)
        return held - least >= max(_REBALANCE_AT_LEAST, least // _REBALANCE_SHARE)


class KeepAliveBalancer:
    """ASGI middleware of a worker: while it holds more than its share of the connections
    (`ConnectionShares`), a response now and then says `Connection: close`, and the client
    opens a new connection, which the kernel may give to another worker. Only the
    connection changes: the response is complete, and HTTP/1.1 clients, proxies and wrk
    reconnect for the next request without an error."""

    def __init__(
        self,
        app: ASGIApp,
        shares: ConnectionShares,
        connections: Collection[object],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.app = app
        self.shares = shares
        self.connections = connections
        self.clock = clock
        self.next_close = 0.0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            if scope["type"] == "lifespan":
                self._publish_periodically()
            await self.app(scope, receive, send)
            return

        async def send_maybe_closing(message: Message) -> None:
            if message["type"] == "http.response.start" and self._hand_over():
                headers = [*message.get("headers", ()), (b"connection", b"close")]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_maybe_closing)

    def _publish_periodically(self) -> None:
        # Also between requests: a worker whose clients all left has none to publish at,
        # and the count it last published would keep the others from handing any over.
        self.shares.publish(len(self.connections))
        asyncio.get_running_loop().call_later(_PUBLISH_SECONDS, self._publish_periodically)

    def _hand_over(self) -> bool:
        now = self.clock()
        if now < self.next_close or not self.shares.excess(len(self.connections)):
            return False
        self.next_close = now + _REBALANCE_INTERVAL_SECONDS
        return True


def _loaded_server(options: dict[str, Any]) -> uvicorn.Server:
    """A server for `uvicorn.Config(**options)` with its app built and the process's
    start-up objects frozen, not yet started."""
    config = uvicorn.Config(**options)
    server = uvicorn.Server(config)
    config.load()
    freeze_startup_objects()
    return server


def _worker(options: dict[str, Any], counts: MutableSequence[int], slot: int) -> None:
    server = _loaded_server(options)
    config = server.config
    # The connections uvicorn's protocols add themselves to while open.
    connections = server.server_state.connections
    shares = ConnectionShares(counts, slot)
    config.loaded_app = KeepAliveBalancer(config.loaded_app, shares, connections)
    server.run(sockets=[reuse_port_socket(config.host, config.port)])


def _serve_alone(options: dict[str, Any]) -> None:
    """One process: `uvicorn.run`'s path, with the start-up objects frozen."""
    server = _loaded_server(options)
    server.run()
    if not server.started:
        sys.exit(STARTUP_FAILURE)  # as uvicorn.run exits


def serve(app: str, *, host: str, port: int, workers: int, **options: Any) -> None:
    """Serve `app` (an import string) with `workers` processes; the `options` are
    `uvicorn.Config`'s."""
    if workers <= 1:
        _serve_alone({"app": app, "host": host, "port": port, **options})
        return
    if not balances_across_sockets():
        uvicorn.run(app, host=host, port=port, workers=workers, **options)
        return
    # Fail here, once and clearly, when the address is taken, rather than in every worker.
    reuse_port_socket(host, port).close()
    worker_options = {"app": app, "host": host, "port": port, **options}
    # Spawned, as uvicorn's own workers are: nothing of the parent's state is inherited.
    context = multiprocessing.get_context("spawn")
    # Unlocked: each worker writes only its own slot, and a stale read of another's costs
    # at most one reconnect too many or too few.
    counts = context.RawArray(ctypes.c_int, workers)

    def start(slot: int) -> BaseProcess:
        counts[slot] = 0
        process = context.Process(target=_worker, args=(worker_options, counts, slot))
        process.start()
        return process

    stopping = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stopping.set())
    processes = [start(slot) for slot in range(workers)]
    log.info("serving on %s:%d with %d workers, one socket each", host, port, workers)
    while not stopping.wait(_CHECK_SECONDS):
        for index, process in enumerate(processes):
            if not process.is_alive():
                log.warning(
                    "worker %s exited with %s; starting another", process.pid, process.exitcode
                )
                processes[index] = start(index)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(_SHUTDOWN_SECONDS)
        if process.is_alive():
            process.kill()
            process.join()
