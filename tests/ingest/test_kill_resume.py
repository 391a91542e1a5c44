"""A real crash: `bzpeer ingest` killed with SIGKILL mid-run, then run again.

The rerun must end with exactly what one clean run produces: no duplicate works or
authorships, nothing lost, the same author records and coauthor edges.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from app.ingest.generate import generate_corpus
from tests.ingest.conftest import empty_catalogue

pytestmark = pytest.mark.slow

WORKS = 3000
BATCH = 100


def _ingest_command(corpus: Path) -> list[str]:
    return [sys.executable, "-m", "app.cli", "ingest", str(corpus), "--quiet"]


def _env(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "BZPEER_DATABASE_URL": database_url,
        "BZPEER_INGEST_BATCH_SIZE": str(BATCH),
        "BZPEER_LOG_LEVEL": "WARNING",
    }


def _snapshot(engine: Engine) -> dict[str, object]:
    """What a run produced, independent of row ids."""
    with engine.connect() as c:
        return {
            "works": c.scalar(text("SELECT COUNT(*) FROM works")),
            "distinct_arxiv": c.scalar(text("SELECT COUNT(DISTINCT arxiv_id) FROM works")),
            "authorships": c.scalar(text("SELECT COUNT(*) FROM authorships")),
            "authors": sorted(
                c.execute(
                    text("SELECT display_name, works_count, coauthors_count FROM authors")
                ).all()
            ),
            "edges": c.scalar(text("SELECT COUNT(*) FROM coauthor_edges")),
            "strength": round(
                float(c.scalar(text("SELECT COALESCE(SUM(strength), 0) FROM coauthor_edges")) or 0),
                6,
            ),
            "topic_works": sorted(
                c.execute(text("SELECT code, works_count FROM topics WHERE works_count > 0")).all()
            ),
        }


def _checkpoint(engine: Engine) -> int:
    with engine.connect() as c:
        return int(c.scalar(text("SELECT COALESCE(MAX(checkpoint), 0) FROM ingest_runs")) or 0)


def test_sigkill_then_rerun_equals_one_clean_run(
    fresh_engine: Engine, database_url: str, tmp_path: Path
) -> None:
    corpus = tmp_path / "corpus.jsonl"
    with corpus.open("wb") as out:
        generate_corpus(WORKS, 11, out)
    env = _env(database_url)

    subprocess.run(_ingest_command(corpus), env=env, check=True, timeout=300)
    clean = _snapshot(fresh_engine)
    assert clean["works"] == WORKS
    empty_catalogue(fresh_engine)

    victim = subprocess.Popen(_ingest_command(corpus), env=env)
    deadline = time.monotonic() + 240
    while _checkpoint(fresh_engine) < 5 * BATCH:
        assert victim.poll() is None, "the run finished before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=30)
    partial = _checkpoint(fresh_engine)
    assert 0 < partial < WORKS
    with fresh_engine.connect() as c:
        assert c.scalar(text("SELECT status FROM ingest_runs")) == "running"

    rerun = subprocess.run(_ingest_command(corpus), env=env, timeout=300)
    assert rerun.returncode == 0
    assert _snapshot(fresh_engine) == clean
    with fresh_engine.connect() as c:
        runs = c.execute(text("SELECT status, checkpoint FROM ingest_runs")).all()
    assert runs == [("done", WORKS)]
