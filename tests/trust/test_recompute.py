"""Bulk trust recompute: the in-memory coauthor mean (`recompute_all`'s fast path) stores
exactly what the SQL join stores, pass for pass, history included; a new model version is
picked up by `bzpeer trust recompute`; after ingestion runs nothing is left stale."""

from __future__ import annotations

import io
import random
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from app.cli import app as cli
from app.core.settings import Settings, get_settings
from app.ingest.formats.snapshot import iter_snapshot
from app.ingest.generate import generate_corpus
from app.ingest.pipeline import Pipeline
from app.trust import scoring
from app.trust.service import recompute, recompute_all
from tests import factories

NOW = datetime(2026, 5, 1, tzinfo=UTC)


def _stored(connection: Connection, ids: list[int]) -> list[tuple[Any, ...]]:
    rows = connection.execute(
        text(
            "SELECT id, trust_score, trust_tier, trust_components, trust_model_version "
            "FROM authors WHERE id IN (" + ",".join(map(str, ids)) + ") ORDER BY id"
        )
    )
    history = connection.execute(
        text(
            "SELECT author_id, score, tier, model_version FROM author_trust_history "
            "WHERE author_id IN (" + ",".join(map(str, ids)) + ") ORDER BY author_id, score"
        )
    )
    return [tuple(r) for r in rows] + [("history", *r) for r in history]


def test_the_in_memory_coauthor_mean_stores_what_the_sql_join_stores(session: Session) -> None:
    rng = random.Random(4)
    people = [
        factories.author(
            session,
            works_count=rng.randint(1, 60),
            first_year=2000 + rng.randint(0, 10),
            last_year=2015 + rng.randint(0, 11),
            trust_score=rng.choice([0, 20, 35, 70]),
        )
        for _ in range(14)
    ]
    for a, b in {tuple(sorted(rng.sample(range(14), 2))) for _ in range(30)}:
        factories.edge(session, people[a], people[b], close=rng.random() < 0.3)
    ids = sorted(p.id for p in people)
    connection = session.connection()

    through_sql = connection.begin_nested()
    changed_sql = recompute(connection, ids, now=NOW)
    by_sql = _stored(connection, ids)
    through_sql.rollback()

    scores = {
        row[0]: row[1] for row in connection.execute(text("SELECT id, trust_score FROM authors"))
    }
    changed_memory = recompute(connection, ids, now=NOW, scores=scores)
    assert changed_memory == changed_sql > 0
    assert _stored(connection, ids) == by_sql
    # The memory it kept is the database's, and a second bulk run finds nothing to do.
    assert all(scores[i] == row[1] for i, row in zip(ids, by_sql, strict=False))
    assert recompute_all(connection, now=NOW) == 0


def _cli_recompute(monkeypatch: pytest.MonkeyPatch, database_url: str, *args: str) -> str:
    monkeypatch.setenv("BZPEER_DATABASE_URL", database_url)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["trust", "recompute", *args])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("args", [(), ("--stale-only",)])
def test_a_new_model_version_rescores_every_author(
    fresh_engine: Engine,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    args: tuple[str, ...],
) -> None:
    with Session(fresh_engine) as session:
        people = [factories.author(session) for _ in range(5)]
        factories.work(session, people[:3])
        factories.work(session, people[2:], year=2023)
        factories.edge(session, people[0], people[1])
        merged = factories.author(session, "Merged Away")
        merged.merged_into_id = people[0].id
        session.commit()
        ids = sorted(p.id for p in people)
    with fresh_engine.begin() as connection:
        recompute_all(connection)
    old_version = scoring.MODEL_VERSION
    assert ": 0 authors changed" in _cli_recompute(monkeypatch, database_url, *args)

    # A deploy with a new model: same signals, same scores, another version string.
    monkeypatch.setattr(scoring, "MODEL_VERSION", "trust-2099.01-1")
    output = _cli_recompute(monkeypatch, database_url, *args)
    assert output.startswith("trust trust-2099.01-1: 5 authors changed"), output
    with fresh_engine.connect() as connection:
        versions = dict(
            connection.execute(
                text("SELECT id, trust_model_version FROM authors WHERE merged_into_id IS NULL")
            ).all()
        )
        assert versions == dict.fromkeys(ids, "trust-2099.01-1")
        history = connection.execute(
            text(
                "SELECT author_id, model_version FROM author_trust_history "
                "ORDER BY author_id, computed_at"
            )
        ).all()
    # Every author: the old version's entry, then one (and only one) for the new version.
    assert [tuple(r) for r in history] == [
        (i, version) for i in ids for version in (old_version, "trust-2099.01-1")
    ]
    # Picked up once: the next run has nothing to do.
    assert ": 0 authors changed" in _cli_recompute(monkeypatch, database_url, *args)


def _ingest(engine: Engine, lines: list[bytes], name: str, tmp_path: Path) -> None:
    Pipeline(
        engine,
        Settings(),
        source="test",
        fmt="snapshot",
        fingerprint=name,
        errors_path=tmp_path / f"{name}.errors.jsonl",
    ).run(iter_snapshot(io.BytesIO(b"".join(lines))))


def test_after_ingestion_runs_a_full_recompute_changes_nothing(
    fresh_engine: Engine, tmp_path: Path
) -> None:
    """Each run's recompute follows score changes to the coauthors they reach, even those
    outside the run, so the stored scores are the model's fixed point after every run."""
    corpus = io.BytesIO()
    generate_corpus(450, 11, corpus)
    lines = corpus.getvalue().splitlines(keepends=True)
    # Three runs one after another, the same researchers throughout (one world), and the
    # second file overlapping the first (records seen again).
    _ingest(fresh_engine, lines[:150], "one", tmp_path)
    _ingest(fresh_engine, lines[100:300], "two", tmp_path)
    _ingest(fresh_engine, lines[300:], "three", tmp_path)
    with fresh_engine.connect() as connection:
        authors = connection.scalar(text("SELECT COUNT(*) FROM authors"))
        assert authors is not None
        assert authors > 300
        unscored = connection.scalar(
            text("SELECT COUNT(*) FROM authors WHERE trust_model_version IS NULL")
        )
        assert unscored == 0
        assert recompute_all(connection) == 0
        connection.rollback()
