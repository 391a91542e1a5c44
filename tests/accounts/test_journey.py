"""Issue 5's "done when", end to end through HTTP: a new account registers, verifies, logs
in, follows, claims records (auto-approved and reviewed), edits one, merges two, invites
another claimed author and exchanges messages. Runs on SQLite and on PostgreSQL."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import AuthorCorrection
from tests import factories as f
from tests.accounts.http import bearer, login, register, sign_up, verify


def test_a_researchers_whole_journey(client: TestClient, session: Session) -> None:
    # The catalogue as ingestion left it: two records of Ada (split by weak name matching),
    # one of Charles, and a coauthor they share.
    ada = f.author(session, "Ada Lovelace")
    ada_too = f.author(session, "A. Lovelace")
    charles = f.author(session, "Charles Babbage")
    mary = f.author(session, "Mary Somerville")
    f.institution(session, "Stanford University", ada)
    for year in (2019, 2020):
        f.work(session, [ada, mary], year=year)
    f.work(session, [ada_too], year=2015)
    charles_works = [f.work(session, [charles, mary], year=year) for year in (2018, 2021, 2023)]
    admin = f.account(session, "admin@bzpeer.test", admin=True)
    admin_headers = bearer(f.token(session, admin))
    session.commit()
    A, A2, B = f"A{ada.id}", f"A{ada_too.id}", f"A{charles.id}"

    # Register: not verified yet, and the verification link is in the outbox.
    created = register(client, "ada@cs.stanford.edu", "Ada Lovelace")
    assert created["email_verified"] is False
    assert created["authors"] == []
    unverified = bearer(login(client, "ada@cs.stanford.edu"))
    refused = client.post(f"/v1/authors/{A}/claims", json={}, headers=unverified)
    assert refused.status_code == 403
    assert "Verify" in refused.json()["detail"]
    assert verify(client, session, "ada@cs.stanford.edu")["email_verified"] is True
    me = login(client, "ada@cs.stanford.edu")
    ada_h = bearer(me)
    assert client.get("/v1/me", headers=ada_h).json()["email_verified"] is True

    # Follow Charles; the feed shows his works newest first.
    followed = client.put(f"/v1/authors/{B}/follow", headers=ada_h)
    assert followed.status_code == 200
    assert followed.json()["followers_count"] == 1
    following = client.get("/v1/me/following", headers=ada_h).json()
    assert [r["author"]["id"] for r in following["results"]] == [B]
    feed = client.get("/v1/me/feed", headers=ada_h).json()
    assert [w["id"] for w in feed["results"]] == [f"W{w.id}" for w in reversed(charles_works)]

    # Claim A: the verified institutional address matches an affiliation: L3 at once.
    claim = client.post(f"/v1/authors/{A}/claims", json={}, headers=ada_h)
    assert claim.status_code == 201, claim.text
    assert claim.json()["status"] == "approved"
    assert claim.json()["decided_by"] == "rule"
    assert claim.json()["verification_level"] == 3
    record = client.get(f"/v1/authors/{A}").json()
    assert record["claim_status"] == "claimed"
    assert record["verification_level"] == 3

    # Claim A2 with nothing that proves it: pending until an administrator reviews it.
    pending = client.post(f"/v1/authors/{A2}/claims", json={}, headers=ada_h).json()
    assert pending["status"] == "pending"
    queue = client.get("/v1/claims?status=pending", headers=admin_headers).json()
    assert [c["id"] for c in queue["results"]] == [pending["id"]]
    approved = client.post(
        f"/v1/claims/{pending['id']}/approve",
        json={"reason": "Same person: the 2015 paper is hers."},
        headers=admin_headers,
    )
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved"
    assert approved.json()["verification_level"] == 3
    owned = client.get("/v1/me", headers=ada_h).json()["authors"]
    assert {a["id"] for a in owned} == {A, A2}

    # Edit the profile of A.
    edited = client.patch(
        f"/v1/authors/{A}",
        json={
            "tagline": "Analytical engines",
            "bio": "Writes notes on engines.",
            "homepage": "https://ada.example.org/",
            "affiliation": "Analytical Society",
            "open_to_collaborate": True,
        },
        headers=ada_h,
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["tagline"] == "Analytical engines"
    overview = client.get(f"/v1/authors/{A}/overview").json()
    assert overview["affiliation"] == {"name": "Analytical Society", "provenance": "stated"}
    assert overview["open_to_collaborate"] is True

    # Merge A2 into A: the old id answers 301 to the survivor, which has all the works.
    merged = client.post(f"/v1/authors/{A}/merge", json={"author_ids": [A2]}, headers=ada_h)
    assert merged.status_code == 200, merged.text
    assert merged.json()["counts"]["works"] == 3
    moved = client.get(f"/v1/authors/{A2}", follow_redirects=False)
    assert moved.status_code == 301
    assert moved.headers["location"].endswith(f"/v1/authors/{A}")
    assert [a["id"] for a in client.get("/v1/me", headers=ada_h).json()["authors"]] == [A]
    session.expire_all()
    actions = set(
        session.scalars(select(AuthorCorrection.action).where(AuthorCorrection.author_id == ada.id))
    )
    assert {"claim_approved", "profile", "merge"} <= actions

    # Charles signs up with a free-mail address and lists three arXiv ids of his works:
    # public facts that anyone could copy, so the claim waits for an administrator.
    charles_h = sign_up(client, session, "babbage@gmail.com", "Charles Babbage")
    claimed = client.post(
        f"/v1/authors/{B}/claims",
        json={"arxiv_ids": [f"arXiv:{w.arxiv_id}v1" for w in charles_works]},
        headers=charles_h,
    )
    assert claimed.json()["status"] == "pending", claimed.json()
    assert {c["kind"] for c in claimed.json()["checks"]} >= {"arxiv_id"}
    reviewed = client.post(
        f"/v1/claims/{claimed.json()['id']}/approve",
        json={"reason": "Confirmed with the coauthor Mary Somerville."},
        headers=admin_headers,
    )
    assert reviewed.json()["status"] == "approved", reviewed.text
    assert reviewed.json()["verification_level"] == 3
    assert client.patch(
        f"/v1/authors/{B}", json={"open_to_collaborate": True}, headers=charles_h
    ).json()["open_to_collaborate"]

    # Ada invites Charles; he accepts; they exchange messages nobody else can read.
    sent = client.post(
        f"/v1/authors/{B}/invitations",
        json={"message": "Shall we build an engine together?"},
        headers=ada_h,
    )
    assert sent.status_code == 201, sent.text
    invitation = sent.json()
    assert invitation["sender"]["author"]["id"] == A
    received = client.get("/v1/me/invitations?box=received", headers=charles_h).json()
    assert [i["id"] for i in received["results"]] == [invitation["id"]]
    accepted = client.post(f"/v1/invitations/{invitation['id']}/accept", headers=charles_h)
    assert accepted.json()["status"] == "accepted"
    thread = f"/v1/invitations/{invitation['id']}/messages"
    assert client.post(thread, json={"body": "Gladly."}, headers=charles_h).status_code == 201
    assert client.post(thread, json={"body": "Tuesday?"}, headers=ada_h).status_code == 201
    seen_by_ada = client.get(thread, headers=ada_h).json()
    assert [(m["body"], m["mine"]) for m in seen_by_ada["results"]] == [
        ("Gladly.", False),
        ("Tuesday?", True),
    ]
    stranger = sign_up(client, session, "mary@example.net", "Mary Somerville")
    assert client.get(thread, headers=stranger).status_code == 404

    # Log out: the token stops working.
    assert client.post("/v1/auth/logout", headers=ada_h).status_code == 204
    assert client.get("/v1/me", headers=ada_h).status_code == 401
