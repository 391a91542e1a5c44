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
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import socket
import sys
import threading
from multiprocessing.process import BaseProcess
from typing import Any

import uvicorn

log = logging.getLogger(__name__)

# How often the supervisor looks for a worker that died, and how long a worker may take to
# finish its requests after SIGTERM before it is killed.
_CHECK_SECONDS = 0.5
_SHUTDOWN_SECONDS = 30.0


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


def _worker(options: dict[str, Any]) -> None:
    config = uvicorn.Config(**options)
    uvicorn.Server(config).run(sockets=[reuse_port_socket(config.host, config.port)])


def serve(app: str, *, host: str, port: int, workers: int, **options: Any) -> None:
    """Serve `app` (an import string) with `workers` processes; the `options` are
    `uvicorn.Config`'s."""
    if workers <= 1 or not balances_across_sockets():
        uvicorn.run(app, host=host, port=port, workers=workers, **options)
        return
    # Fail here, once and clearly, when the address is taken, rather than in every worker.
    reuse_port_socket(host, port).close()
    worker_options = {"app": app, "host": host, "port": port, **options}
    # Spawned, as uvicorn's own workers are: nothing of the parent's state is inherited.
    context = multiprocessing.get_context("spawn")

    def start() -> BaseProcess:
        process = context.Process(target=_worker, args=(worker_options,))
        process.start()
        return process

    stopping = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stopping.set())
    processes = [start() for _ in range(workers)]
    log.info("serving on %s:%d with %d workers, one socket each", host, port, workers)
    while not stopping.wait(_CHECK_SECONDS):
        for index, process in enumerate(processes):
            if not process.is_alive():
                log.warning(
                    "worker %s exited with %s; starting another", process.pid, process.exitcode
                )
                processes[index] = start()
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(_SHUTDOWN_SECONDS)
        if process.is_alive():
            process.kill()
            process.join()
