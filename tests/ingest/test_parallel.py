"""Records prepared in a worker process are the records `iter_records` gives, in order."""

from __future__ import annotations

import gzip
import io
import os
import sys
from pathlib import Path

import pytest

from app.ingest import parallel
from app.ingest.formats import ReadPosition, iter_records
from app.ingest.generate import generate_corpus
from app.ingest.pipeline import PreparedWork, prepare_work
from app.ingest.records import ParseResult, SourceFormat


def _corpus(tmp_path: Path, *, gz: bool = False) -> Path:
    buffer = io.BytesIO()
    generate_corpus(600, 5, buffer)
    lines = buffer.getvalue().splitlines(keepends=True)
    # Bad and blank lines in between, so positions and errors are checked too.
    lines[3:3] = [b"{not json\n", b"\n", b"[1, 2]\n", b'{"id": "0704.9999"}\n', b"   \n"]
    lines.append(b'{"id": "x", "title": 3}')  # the last line without a newline
    data = b"".join(lines)
    path = tmp_path / ("corpus.jsonl.gz" if gz else "corpus.jsonl")
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


def _plain(results: list[ParseResult | PreparedWork]) -> list[ParseResult]:
    return [r.record if isinstance(r, PreparedWork) else r for r in results]


@pytest.mark.parametrize("gz", [False, True])
def test_the_worker_gives_what_iter_records_gives(tmp_path: Path, gz: bool) -> None:
    path = _corpus(tmp_path, gz=gz)
    expected = list(iter_records(path, SourceFormat.SNAPSHOT))
    position = ReadPosition()
    got = list(
        parallel.iter_prepared(
            path, SourceFormat.SNAPSHOT, position=position, min_bytes=0, require_idle_core=False
        )
    )
    assert _plain(got) == expected
    assert position.bytes_read() == path.stat().st_size
    prepared = [r for r in got if isinstance(r, PreparedWork)]
    assert len(prepared) == 600
    for item in prepared[:50]:
        assert item == prepare_work(item.record)


def test_small_inputs_stay_in_this_process(tmp_path: Path) -> None:
    path = _corpus(tmp_path)
    got = list(parallel.iter_prepared(path, SourceFormat.SNAPSHOT))
    assert not any(isinstance(r, PreparedWork) for r in got)
    assert got == list(iter_records(path, SourceFormat.SNAPSHOT))


def _workers() -> list[int]:
    """This process's children that run the ingest worker (Linux: read from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            command = (entry / "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            continue
        if ppid == os.getpid() and b"app.ingest.parallel" in command:
            found.append(int(entry.name))
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_consumer_that_stops_early_stops_the_worker(tmp_path: Path) -> None:
    path = _corpus(tmp_path)
    results = parallel.iter_prepared(
        path, SourceFormat.SNAPSHOT, min_bytes=0, require_idle_core=False
    )
    assert next(results) is not None
    assert len(_workers()) == 1
    results.close()
    assert _workers() == []
