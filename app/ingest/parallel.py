"""Snapshot records parsed and prepared in a worker process while the pipeline writes.

Part of a run needs nothing but the line itself: JSON parsing, name decoding, the content
hash, LaTeX to plain text, type, venue and publication date (`parse_snapshot_line`, then
`app.ingest.pipeline.prepare_work`). For a big snapshot that work goes to one worker
process, so the main process resolves authors and writes. (The disambiguation mentions
stay in the main process: they cost less to build there than to unpickle.) Everything
else stays as it is:

* the main process reads the file (`iter_snapshot_lines`) and sends chunks of lines; the
  worker answers each chunk with its results in line order, and chunks come back in the
  order they were sent, so records and error positions are exactly those of
  `iter_snapshot`, and the errors file is written by the pipeline as before;
* at most `IN_FLIGHT` chunks are out at a time, so memory stays bounded on any input;
* the worker (`python -m app.ingest.parallel`) talks over its stdin and stdout only: when
  the main process dies (even by SIGKILL) its next read ends and it exits, and a killed
  run resumes exactly as before, since only the main process writes.

Small inputs, other formats and one-core machines use `iter_records` directly; the
pipeline then prepares each record itself, with the same function.
"""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
from collections.abc import Generator, Iterator
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Final

from app.ingest.formats import ReadPosition, iter_records, open_input
from app.ingest.formats.snapshot import iter_snapshot_lines, parse_snapshot_line
from app.ingest.pipeline import PreparedWork, prepare_work
from app.ingest.records import ParseResult, RecordError, SourceFormat, WorkRecord

__all__ = ["CHUNK_LINES", "IN_FLIGHT", "PARALLEL_MIN_BYTES", "iter_prepared"]

# Below this the worker's start (a fresh interpreter importing the pipeline, about a
# second) costs more than it saves.
PARALLEL_MIN_BYTES: Final = 4 * 1024 * 1024
CHUNK_LINES: Final = 250
IN_FLIGHT: Final = 4

_Line = tuple[bytes, str] | RecordError
_Result = ParseResult | PreparedWork


class WorkerDied(RuntimeError):
    """The preparing process ended before answering (killed, out of memory)."""


def iter_prepared(
    path: Path,
    fmt: SourceFormat | None = None,
    *,
    position: ReadPosition | None = None,
    min_bytes: int = PARALLEL_MIN_BYTES,
    require_idle_core: bool = True,
) -> Generator[_Result, None, None]:
    """What `iter_records(path, fmt)` yields, in the same order, with `WorkRecord`s of a
    big snapshot already prepared (`PreparedWork`) by a worker process when a core is
    idle for it (`require_idle_core=False`: whenever the machine has two cores)."""
    if (
        fmt is not SourceFormat.SNAPSHOT
        or (os.cpu_count() or 1) < 2
        or path.stat().st_size < min_bytes
        or (require_idle_core and not _idle_core())
    ):
        yield from iter_records(path, fmt, position=position)
    else:
        yield from _prepared_in_worker(path, position)


def _idle_core() -> bool:
    """Is a core left for the worker? Measured on 2 shared cores with another ingest on
    the second one: 20k works took 37.5 and 43.4 s with the worker against 36.6 and
    32.3 s without it, the worker then only competing for a busy core. So it is used only
    when the load average leaves more than one core idle beside this process."""
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):
        return False
    return load <= (os.cpu_count() or 1) - 1.5


def _prepared_in_worker(path: Path, position: ReadPosition | None) -> Iterator[_Result]:
    # A fresh interpreter running this module (not multiprocessing's "spawn", which imports
    # the caller's __main__ again and fails in scripts without a main guard), talking over
    # its stdin and stdout only: it inherits no other descriptor, and sees EOF when this
    # process goes, however it goes.
    worker = subprocess.Popen(
        [sys.executable, "-m", "app.ingest.parallel"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert worker.stdin is not None
    assert worker.stdout is not None
    task_in = Connection(os.dup(worker.stdin.fileno()), readable=False)
    result_out = Connection(os.dup(worker.stdout.fileno()), writable=False)
    worker.stdin.close()
    worker.stdout.close()
    answers: queue.SimpleQueue[list[_Result] | None] = queue.SimpleQueue()

    def receive() -> None:
        # A thread drains the worker's answers while this one sends it lines: with both
        # sides sending over pipes of bounded size, neither can then wait on the other.
        try:
            while True:
                answers.put(result_out.recv())
        except (EOFError, OSError):
            answers.put(None)

    receiver = threading.Thread(target=receive, name="bzpeer-ingest-receive", daemon=True)
    receiver.start()

    def answer() -> list[_Result]:
        got = answers.get()
        if got is None:
            raise WorkerDied(f"the ingest worker process ended (exit code {worker.poll()})")
        return got

    try:
        with open_input(path, position) as (stream, _head):
            in_flight = 0
            chunk: list[_Line] = []
            for line in iter_snapshot_lines(stream):
                chunk.append(line)
                if len(chunk) < CHUNK_LINES:
                    continue
                task_in.send(chunk)
                chunk = []
                in_flight += 1
                if in_flight >= IN_FLIGHT:
                    yield from answer()
                    in_flight -= 1
            if chunk:
                task_in.send(chunk)
                in_flight += 1
            for _ in range(in_flight):
                yield from answer()
    finally:
        task_in.close()  # the worker reads EOF and exits
        try:
            worker.wait(timeout=5)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        receiver.join(timeout=5)
        result_out.close()


def _prepare(line: _Line) -> _Result | None:
    if isinstance(line, RecordError):
        return line
    result = parse_snapshot_line(*line)
    if not isinstance(result, WorkRecord):
        return result
    try:
        return prepare_work(result)
    except Exception:
        # Not this process's to report: the pipeline prepares the plain record itself and
        # fails exactly where a run without the worker fails.
        return result


def _work(tasks: Connection, results: Connection) -> None:
    """The worker: chunks of lines in, their results (blank lines dropped) out."""
    try:
        while True:
            chunk: list[_Line] = tasks.recv()
            results.send([r for r in map(_prepare, chunk) if r is not None])
    except (EOFError, OSError, KeyboardInterrupt):
        # The main process closed its end, died, or is being interrupted with us (Ctrl-C
        # reaches the whole process group): nothing is left to do here.
        return


def _serve() -> None:
    tasks = Connection(os.dup(0), writable=False)
    results = Connection(os.dup(1), readable=False)
    os.dup2(2, 1)  # a stray print goes to stderr, never into the answers
    _work(tasks, results)


if __name__ == "__main__":
    _serve()
