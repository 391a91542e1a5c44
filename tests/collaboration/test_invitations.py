"""Invitations and their threads: who may send, who answers, who may read."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.claims.service import refresh_author_state
from app.collaboration.service import MAX_MESSAGES
from app.models import Account, Author, InvitationMessage, OutboxEmail
from tests import factories as f
from tests.accounts.http import bearer


def _owned(
    session: Session, name: str, *, open_to_collaborate: bool = True
) -> tuple[Author, dict[str, str], Account]:
    owner = f.account(session, name=name)
    record = f.author(session, name, open_to_collaborate=open_to_collaborate)
    f.work(session, [record])
    f.ownership(session, owner, record)
    refresh_author_state(session, [record.id])
    return record, bearer(f.token(session, owner)), owner


def test_invitations_reach_only_claimed_open_records_from_verified_accounts(
    client: TestClient, session: Session
) -> None:
    target, target_h, target_account = _owned(session, "Katherine Johnson")
    closed, _, _ = _owned(session, "Dorothy Vaughan", open_to_collaborate=False)
    unclaimed = f.author(session, "Mary Jackson", open_to_collaborate=True)
    mine, sender_h, _ = _owned(session, "Christine Darden")
    unverified_h = bearer(f.token(session, f.account(session, verified=False)))
    session.commit()
    body = {"message": "Orbital mechanics?"}

    def invite(record: Author, headers: dict[str, str], **extra: str) -> int:
        path = f"/v1/authors/A{record.id}/invitations"
        return client.post(path, json={**body, **extra}, headers=headers).status_code

    assert invite(unclaimed, sender_h) == 409
    assert invite(closed, sender_h) == 409
    assert invite(mine, sender_h) == 409
    assert invite(target, unverified_h) == 403
    assert invite(target, sender_h, from_author=f"A{unclaimed.id}") == 403
    assert invite(target, sender_h) == 201
    assert invite(target, sender_h) == 409  # one pending invitation per sender and record
    mail = session.scalars(
        select(OutboxEmail).where(OutboxEmail.to_address == target_account.email)
    ).one()
    assert "Christine Darden" in mail.subject

    received = client.get("/v1/me/invitations", params={"box": "received"}, headers=target_h)
    invitation = received.json()["results"][0]
    assert invitation["direction"] == "received"
    assert invitation["sender"] == {
        "name": "Christine Darden",
        "author": {"id": f"A{mine.id}", "display_name": "Christine Darden"},
    }
    assert "@" not in str(invitation)  # names, never addresses
    sent = client.get("/v1/me/invitations", params={"box": "sent"}, headers=sender_h).json()
    assert [i["id"] for i in sent["results"]] == [invitation["id"]]
    assert (
        client.get("/v1/me/invitations", params={"box": "sent"}, headers=target_h).json()["meta"][
            "count"
        ]
        == 0
    )


def test_a_thread_opens_on_acceptance_and_only_the_parties_read_it(
    client: TestClient, session: Session
) -> None:
    target, target_h, _ = _owned(session, "Barbara McClintock")
    _, sender_h, _ = _owned(session, "Marcus Rhoades")
    _, outsider_h, _ = _owned(session, "George Beadle")
    session.commit()
    created = client.post(
        f"/v1/authors/A{target.id}/invitations", json={"message": "Maize?"}, headers=sender_h
    ).json()
    path = f"/v1/invitations/{created['id']}"
    assert client.get(f"{path}/messages", headers=sender_h).status_code == 409
    assert (
        client.post(f"{path}/messages", json={"body": "Hello?"}, headers=sender_h).status_code
        == 409
    )
    assert client.post(f"{path}/accept", headers=sender_h).status_code == 403
    assert client.post(f"{path}/accept", headers=target_h).json()["status"] == "accepted"
    assert client.post(f"{path}/decline", headers=target_h).status_code == 409

    for headers, text in [(sender_h, "Transposons!"), (target_h, "Indeed."), (sender_h, "Bye")]:
        assert (
            client.post(f"{path}/messages", json={"body": text}, headers=headers).status_code == 201
        )
    page = client.get(f"{path}/messages", params={"per_page": 2}, headers=target_h).json()
    assert [(m["body"], m["sent_by"], m["mine"]) for m in page["results"]] == [
        ("Transposons!", "sender", False),
        ("Indeed.", "recipient", True),
    ]
    rest = client.get(
        f"{path}/messages",
        params={"per_page": 2, "cursor": page["meta"]["next_cursor"]},
        headers=target_h,
    ).json()
    assert [m["body"] for m in rest["results"]] == ["Bye"]
    assert client.get(path, headers=sender_h).json()["messages_count"] == 3

    for request in [
        ("GET", path, None),
        ("GET", f"{path}/messages", None),
        ("POST", f"{path}/messages", {"body": "Let me in"}),
        ("POST", f"{path}/decline", None),
    ]:
        method, url, json = request
        assert client.request(method, url, json=json, headers=outsider_h).status_code == 404
        assert client.request(method, url, json=json).status_code == 401
    assert session.scalar(select(func.count()).select_from(InvitationMessage)) == 3


def test_declined_invitations_have_no_thread_and_threads_are_bounded(
    client: TestClient, session: Session
) -> None:
    target, target_h, _ = _owned(session, "Ada Yonath")
    _, sender_h, sender = _owned(session, "Tom Steitz")
    session.commit()
    first = client.post(
        f"/v1/authors/A{target.id}/invitations", json={"message": "Ribosomes?"}, headers=sender_h
    ).json()
    assert (
        client.post(f"/v1/invitations/{first['id']}/decline", headers=target_h).json()["status"]
        == "declined"
    )
    assert (
        client.get(f"/v1/invitations/{first['id']}/messages", headers=target_h).status_code == 409
    )
    # Declined: the sender may ask again.
    second = client.post(
        f"/v1/authors/A{target.id}/invitations", json={"message": "Again?"}, headers=sender_h
    ).json()
    client.post(f"/v1/invitations/{second['id']}/accept", headers=target_h)
    session.add_all(
        InvitationMessage(invitation_id=second["id"], sender_id=sender.id, body="x")
        for _ in range(MAX_MESSAGES)
    )
    session.commit()
    full = client.post(
        f"/v1/invitations/{second['id']}/messages", json={"body": "One more"}, headers=target_h
    )
    assert full.status_code == 409
