"""Following: idempotent, exact counts under concurrent requests, the feed and its paging."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from app.core.settings import Settings
from app.main import create_app
from app.models import Author, Follow
from tests import factories as f
from tests.accounts.http import bearer


def test_follow_and_unfollow_are_idempotent(client: TestClient, session: Session) -> None:
    record = f.author(session, "Emmy Noether")
    headers = bearer(f.token(session, f.account(session)))
    session.commit()
    path = f"/v1/authors/A{record.id}/follow"
    for _ in range(3):
        followed = client.put(path, headers=headers)
        assert followed.status_code == 200
        assert followed.json() == {
            "author": {"id": f"A{record.id}", "display_name": "Emmy Noether"},
            "following": True,
            "followers_count": 1,
        }
    assert client.get("/v1/me", headers=headers).json()["following_count"] == 1
    for _ in range(2):
        unfollowed = client.delete(path, headers=headers).json()
        assert unfollowed["following"] is False
        assert unfollowed["followers_count"] == 0
    assert client.put("/v1/authors/A999999999/follow", headers=headers).status_code == 404


def test_follower_counts_stay_exact_under_concurrent_requests(
    fresh_engine: Engine, settings: Settings
) -> None:
    """Many follows and unfollows at once, through HTTP, against committed data: the
    counter equals the rows, on SQLite (one writer at a time) and PostgreSQL (real
    concurrency). Each account races itself too (two threads per account)."""
    accounts = 12
    with Session(fresh_engine) as session:
        target = f.author(session, "Marie Curie")
        tokens = [bearer(f.token(session, f.account(session))) for _ in range(accounts)]
        session.commit()
        path = f"/v1/authors/A{target.id}/follow"

    def count() -> tuple[int, int]:
        with Session(fresh_engine) as session:
            counter = session.scalar(select(Author.followers_count).where(Author.id == target.id))
            rows = session.scalar(
                select(func.count()).select_from(Follow).where(Follow.author_id == target.id)
            )
            return counter or 0, rows or 0

    app = create_app(settings)  # its own engine and pool: requests really run in parallel
    with TestClient(app) as client, ThreadPoolExecutor(max_workers=8) as pool:

        def send(job: tuple[str, dict[str, str]]) -> int:
            method, headers = job
            return client.request(method, path, headers=headers).status_code

        # Everybody follows, twice over, two threads per account.
        jobs = [("PUT", h) for h in tokens for _ in range(4)]
        assert set(pool.map(send, jobs)) == {200}
        assert count() == (accounts, accounts)

        # Half unfollow while the other half follow again, all interleaved.
        jobs = [("DELETE" if i % 2 else "PUT", h) for i, h in enumerate(tokens) for _ in range(4)]
        jobs = jobs[::2] + jobs[1::2]
        assert set(pool.map(send, jobs)) == {200}
        assert count() == (accounts // 2, accounts // 2)

        # Everybody toggles at once: each account's own follow and unfollow race.
        mixed: list[tuple[str, dict[str, str]]] = []
        for h in tokens:
            mixed += [("PUT", h), ("DELETE", h), ("PUT", h)]
        assert set(pool.map(send, mixed)) == {200}
        counter, rows = count()
        assert counter == rows
        assert 0 <= rows <= accounts


def _walk(
    client: TestClient, url: str, headers: dict[str, str], per_page: int
) -> tuple[list[Any], int]:
    seen: list[Any] = []
    pages = 0
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"per_page": per_page}
        if cursor:
            params["cursor"] = cursor
        response = client.get(url, params=params, headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
        seen += body["results"]
        pages += 1
        cursor = body["meta"]["next_cursor"]
        if cursor is None:
            return seen, pages


def test_feed_pages_new_works_of_followed_authors_newest_first(
    client: TestClient, session: Session
) -> None:
    me = f.account(session)
    headers = bearer(f.token(session, me))
    followed = [f.author(session, "Alan Turing"), f.author(session, "Alonzo Church")]
    ignored = f.author(session, "Kurt Goedel")
    works = []
    for i, year in enumerate([2001, 2019, 2019, 2005, 2023, 2012, 2019]):
        works.append(f.work(session, [followed[i % 2]], year=year))
    both = f.work(session, followed, year=2015)  # by two followed authors: listed once
    gone = f.work(session, [followed[0]], year=2024, is_deleted=True)
    f.work(session, [ignored], year=2024)
    session.commit()
    for record in followed:
        client.put(f"/v1/authors/A{record.id}/follow", headers=headers)

    seen, pages = _walk(client, "/v1/me/feed", headers, 3)
    expected = sorted([*works, both], key=lambda w: (w.publication_date, w.id), reverse=True)
    assert [w["id"] for w in seen] == [f"W{w.id}" for w in expected]
    assert pages == 3
    assert f"W{gone.id}" not in {w["id"] for w in seen}
    first = client.get("/v1/me/feed?per_page=3", headers=headers).json()
    assert first["meta"]["count"] == 8

    recent = client.get("/v1/me/feed", params={"since": "2015-01-01"}, headers=headers).json()
    assert all(
        date.fromisoformat(w["publication_date"]) >= date(2015, 1, 1) for w in recent["results"]
    )
    assert recent["meta"]["count"] == 5

    following, _ = _walk(client, "/v1/me/following", headers, 1)
    # Most recently followed first.
    assert [r["author"]["id"] for r in following] == [f"A{followed[1].id}", f"A{followed[0].id}"]

    tampered = client.get("/v1/me/feed", params={"cursor": "bm9wZQ"}, headers=headers)
    assert tampered.status_code == 400


def test_feeds_are_private(client: TestClient, session: Session) -> None:
    author = f.author(session, "Barbara Liskov")
    f.work(session, [author])
    a, b = f.account(session), f.account(session)
    a_headers, b_headers = bearer(f.token(session, a)), bearer(f.token(session, b))
    session.commit()
    client.put(f"/v1/authors/A{author.id}/follow", headers=a_headers)
    assert client.get("/v1/me/feed", headers=a_headers).json()["meta"]["count"] == 1
    assert client.get("/v1/me/feed", headers=b_headers).json()["meta"]["count"] == 0
    response = client.get("/v1/me/feed", headers=a_headers)
    assert response.headers["cache-control"].startswith("private")


def test_the_feed_takes_calendar_dates_only(client: TestClient, session: Session) -> None:
    headers = bearer(f.token(session, f.account(session)))
    session.commit()
    assert client.get("/v1/me/feed?since=2024-01-31", headers=headers).status_code == 200
    assert client.get("/v1/me/feed?since=0", headers=headers).status_code == 422
    impossible = client.get("/v1/me/feed?since=2021-02-30", headers=headers)
    assert impossible.status_code == 400
    assert impossible.json()["errors"][0]["field"] == "since"
