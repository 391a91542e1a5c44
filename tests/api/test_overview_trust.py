"""The author overview (one call, bounded queries) and the explained trust score."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from app.cli import app as cli
from app.core.settings import Settings
from app.ingest.formats.snapshot import iter_snapshot
from app.ingest.pipeline import Pipeline
from app.main import create_app
from app.models import Author, AuthorTopic
from tests import factories as f
from tests.statements import recorded_statements


def _author_with(session: Session, works: int, collaborators: int) -> str:
    me = f.author(
        session, f"Overview Person{works}", tagline="Works on things", open_to_collaborate=True
    )
    others = [f.author(session, f"Collab {works}-{i}") for i in range(collaborators)]
    for i in range(works):
        f.work(
            session,
            [me, *others[: 1 + i % max(1, collaborators)]],
            year=2010 + i % 15,
            categories=("cs.CL", "cs.LG") if i % 2 else ("cs.CL",),
        )
    for other in others:
        f.edge(session, me, other, shared=3, strength=2.0, close=True)
    session.commit()
    return f"A{me.id}"


def test_overview_serves_the_page_in_a_bounded_number_of_queries(
    client: TestClient, session: Session, engine: Engine
) -> None:
    small = _author_with(session, works=1, collaborators=1)
    big = _author_with(session, works=30, collaborators=12)
    with recorded_statements(engine, savepoints=False) as small_statements:
        small_page = client.get(f"/v1/authors/{small}/overview")
    with recorded_statements(engine, savepoints=False) as big_statements:
        page = client.get(f"/v1/authors/{big}/overview")
    assert small_page.status_code == page.status_code == 200
    # No N+1: the same handful of statements for 1 work or 30, 1 collaborator or 12.
    assert len(big_statements) == len(small_statements) <= 10
    body = page.json()
    assert body["display_name"] == "Overview Person30"
    assert body["affiliation"] == {"name": None, "provenance": "none"}
    assert body["counts"]["works"] == 30
    assert body["works"]["count"] == 30
    assert len(body["works"]["results"]) == 10
    assert body["works"]["next_cursor"] is not None
    assert {"type", "year", "venue", "title", "abstract"} <= set(body["works"]["results"][0])
    assert body["top_topics"][0]["topic"]["code"] == "cs.CL"
    assert len(body["close_collaborators"]) == 12
    assert body["trust"]["claim_status"] == "unclaimed"
    assert body["viewer"]["claim"] == {"allowed": False, "reason": "Log in to claim this record."}
    assert body["viewer"]["invite"]["allowed"] is False


def test_a_logged_in_overview_adds_one_statement_and_previews_ten_authors(
    client: TestClient, session: Session, engine: Engine
) -> None:
    viewer = f.account(session, "viewer@example.org")
    headers = {"Authorization": f"Bearer {f.token(session, viewer)}"}
    record = _author_with(session, works=12, collaborators=12)
    crowd = [f.author(session, f"Crowd {i}") for i in range(40)]
    big_paper = f.work(session, [session.get_one(Author, int(record[1:])), *crowd], year=2030)
    session.commit()
    with recorded_statements(engine, savepoints=False) as anonymous:
        client.get(f"/v1/authors/{record}/overview")
    with recorded_statements(engine, savepoints=False) as logged_in:
        page = client.get(f"/v1/authors/{record}/overview", headers=headers)
    assert page.status_code == 200
    # The token lookup and the viewer's own state (follow, claim, invitation) in one more
    # statement each, whatever the record.
    assert len(logged_in) == len(anonymous) + 2
    assert page.json()["viewer"]["follow"] == {"allowed": True, "reason": None}
    newest = page.json()["works"]["results"][0]
    assert newest["id"] == f"W{big_paper.id}"
    assert newest["authors_count"] == 41
    assert len(newest["authorships"]) == 10
    assert newest["is_authors_truncated"] is True
    # The work itself still lists everyone.
    assert len(client.get(f"/v1/works/W{big_paper.id}").json()["authorships"]) == 41


def test_trust_is_stored_explained_and_kept_in_history(
    fresh_engine: Engine,
    arxiv_data: Path,
    database_url: str,
    tmp_path: Path,
    monkeypatch: Any,
) -> None:
    data = arxiv_data / "snapshot-sample-wanng-ide_arxivSpider_mnbvc-lines001-100.jsonl"
    with data.open("rb") as handle:
        Pipeline(fresh_engine, Settings(), source="t", fmt="snapshot", fingerprint="trust").run(
            iter_snapshot(handle)
        )
    app = create_app(Settings(database_url=database_url, log_json=False))
    with TestClient(app) as client:
        work = client.get("/v1/works/arxiv:0704.0001").json()
        author_id = work["authorships"][0]["author"]["id"]
        trust = client.get(f"/v1/authors/{author_id}/trust").json()
        assert trust["computed_at"] is not None
        assert trust["model_version"].startswith("trust-")
        assert [c["key"] for c in trust["components"]] == [
            "identity",
            "record",
            "network",
            "profile",
        ] or len(trust["components"]) == 4
        assert sum(c["points"] for c in trust["components"]) == trust["score"]
        assert all(c["reasons"] for c in trust["components"])
        assert trust["verification_level"] == 1
        assert trust["tier"] == "Emerging"
        assert any(s["max_gain"] > 0 for s in trust["suggestions"])
        author = client.get(f"/v1/authors/{author_id}").json()
        assert author["trust"]["score"] == trust["score"]
        history = client.get(f"/v1/authors/{author_id}/trust/history").json()["results"]
        assert len(history) == 1
        assert history[0]["score"] == trust["score"]

    # Nothing changed, so a full recompute changes nothing and adds no history.
    monkeypatch.setenv("BZPEER_DATABASE_URL", database_url)
    from app.core.settings import get_settings

    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["trust", "recompute"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert ": 0 authors changed" in result.output
    with TestClient(create_app(Settings(database_url=database_url, log_json=False))) as client:
        assert len(client.get(f"/v1/authors/{author_id}/trust/history").json()["results"]) == 1


def test_trust_of_a_never_scored_record_is_explained_live(
    client: TestClient, session: Session
) -> None:
    a = f.author(session, "Live Scored", trust_components=None)
    session.commit()
    body = client.get(f"/v1/authors/A{a.id}/trust").json()
    assert body["computed_at"] is None
    assert sum(c["points"] for c in body["components"]) == body["score"]


def test_overview_lists_the_best_collaborators_and_topics_in_order(
    client: TestClient, session: Session
) -> None:
    me = f.author(session, "Ranked Person", works_count=40)
    # 15 close collaborators (strengths with ties) and 3 stronger ones that are not close.
    others = [f.author(session, f"Ranked Collab {i}") for i in range(18)]
    strengths = [1.5, 3.25, 1.5, 2.0, 0.75, 3.25, 1.0, 2.5, 1.5, 4.0, 0.5, 2.0, 1.25, 3.0, 1.5]
    for other, strength in zip(others, strengths, strict=False):
        f.edge(session, me, other, shared=4, strength=strength, close=True, last_year=2022)
    for other in others[15:]:
        f.edge(session, me, other, shared=9, strength=9.0, close=False)
    counts = [5, 12, 5, 1, 7, 12, 3, 9, 2, 5, 8, 4]
    codes = [f"math.X{chr(ord('A') + i)}" for i in range(len(counts))]
    for code, count in zip(codes, counts, strict=True):
        session.add(
            AuthorTopic(author_id=me.id, topic_id=f.topic(session, code).id, works_count=count)
        )
    session.commit()
    body = client.get(f"/v1/authors/A{me.id}/overview").json()

    close = sorted(
        zip(strengths, [o.id for o in others], strict=False), key=lambda p: (-p[0], p[1])
    )
    assert [
        (c["author"]["id"], c["author"]["display_name"], c["strength"], c["shared_works"])
        for c in body["close_collaborators"]
    ] == [
        (f"A{author_id}", session.get_one(Author, author_id).display_name, strength, 4)
        for strength, author_id in close[:12]
    ]
    assert {c["last_year"] for c in body["close_collaborators"]} == {2022}

    ranked = sorted(zip(counts, codes, strict=True), key=lambda p: (-p[0], p[1]))[:10]
    assert [(t["topic"]["code"], t["works_count"], t["share"]) for t in body["top_topics"]] == [
        (code, count, round(count / 40, 4)) for count, code in ranked
    ]
    # The same topics as the record's own list, which is read by another statement.
    assert body["top_topics"] == client.get(f"/v1/authors/A{me.id}/topics?limit=10").json()
