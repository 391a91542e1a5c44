"""Bulk trust recompute: the in-memory coauthor mean (`recompute_all`'s fast path) stores
exactly what the SQL join stores, pass for pass, history included."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

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
