"""Object-level authorization, table-driven: every write and every private read, tried by
callers who have no business there, is refused (401/403/404) and changes nothing.

The world: `owner` owns records R and R2 (both open to collaborate) and has a claim on R;
`colleague` owns C, invited `owner` twice (one accepted with a message, one pending) and
has a pending claim on U; `other_owner` owns O; `stranger` owns nothing. Each case is tried
as `stranger`, `other_owner`, anonymously, and as `owner` with an expired and with a
revoked token. The database is dumped before and after: it must not differ.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.claims.service import refresh_author_state
from app.models import Account, Claim, Invitation, InvitationMessage
from tests import factories as f
from tests.accounts.http import bearer
from tests.conftest import CATALOGUE_TABLES


@dataclass
class World:
    R: str
    R2: str
    O_: str
    U: str
    w1: str
    owner_claim: int
    pending_claim: int
    accepted_invitation: int
    pending_invitation: int
    owner_token_id: int
    tokens: dict[str, str | None]


def build_world(session: Session) -> World:
    owner = f.account(session, name="Owen Owner")
    colleague = f.account(session, name="Cora Colleague")
    other_owner = f.account(session, name="Otto Other")
    stranger = f.account(session, name="Stan Stranger")
    r = f.author(session, "Owen Owner", open_to_collaborate=True)
    r2 = f.author(session, "O. Owner", open_to_collaborate=True)
    c = f.author(session, "Cora Colleague")
    o = f.author(session, "Otto Other")
    u = f.author(session, "Una Unclaimed")
    w1 = f.work(session, [r, c])
    f.work(session, [r])
    f.work(session, [r2])
    f.work(session, [o])
    f.work(session, [u])
    owner_claim = f.ownership(session, owner, r)
    f.ownership(session, owner, r2)
    f.ownership(session, colleague, c)
    f.ownership(session, other_owner, o)
    pending = Claim(author_id=u.id, account_id=colleague.id, status="pending", evidence={})
    session.add(pending)
    accepted = Invitation(
        sender_id=colleague.id,
        recipient_id=owner.id,
        author_id=r.id,
        sender_author_id=c.id,
        message="Work together?",
        status="accepted",
        responded_at=datetime.now(UTC),
    )
    waiting = Invitation(
        sender_id=colleague.id,
        recipient_id=owner.id,
        author_id=r2.id,
        sender_author_id=c.id,
        message="And on this?",
        status="pending",
    )
    session.add_all([accepted, waiting])
    session.flush()
    session.add(InvitationMessage(invitation_id=accepted.id, sender_id=owner.id, body="Yes!"))
    session.flush()
    refresh_author_state(session, [r.id, r2.id, c.id, o.id, u.id])
    owner_token = f.token(session, owner)
    owner_token_id = session.execute(
        text("SELECT MAX(id) FROM access_tokens WHERE account_id = :a"), {"a": owner.id}
    ).scalar_one()
    tokens: dict[str, str | None] = {
        "stranger": f.token(session, stranger),
        "other_owner": f.token(session, other_owner),
        "anonymous": None,
        "owner_expired": f.token(session, owner, ttl=timedelta(seconds=-1)),
        "owner_revoked": f.token(session, owner, revoked=True),
        "owner": owner_token,
    }
    session.commit()
    return World(
        R=f"A{r.id}",
        R2=f"A{r2.id}",
        O_=f"A{o.id}",
        U=f"A{u.id}",
        w1=f"W{w1.id}",
        owner_claim=owner_claim.id,
        pending_claim=pending.id,
        accepted_invitation=accepted.id,
        pending_invitation=waiting.id,
        owner_token_id=owner_token_id,
        tokens=tokens,
    )


Request = tuple[str, str, dict[str, Any] | None]


@dataclass(frozen=True)
class Case:
    name: str
    request: Callable[[World, str], Request]
    # What a logged-in stranger and another owner get; anonymous and dead tokens get 401.
    refused_with: int | None


def _own_record(w: World, role: str) -> str:
    return w.O_ if role == "other_owner" else w.R2


CASES = [
    # Owner-only writes on a record.
    Case("edit profile", lambda w, r: ("PATCH", f"/v1/authors/{w.R}", {"tagline": "pwned"}), 403),
    Case(
        "confirm work",
        lambda w, r: ("POST", f"/v1/authors/{w.R}/works/{w.w1}/confirm", None),
        403,
    ),
    Case(
        "reject work",
        lambda w, r: ("POST", f"/v1/authors/{w.R}/works/{w.w1}/reject", None),
        403,
    ),
    Case(
        "merge into the record",
        lambda w, r: ("POST", f"/v1/authors/{w.R}/merge", {"author_ids": [w.R2]}),
        403,
    ),
    Case(
        "merge the record into one's own",
        lambda w, r: ("POST", f"/v1/authors/{_own_record(w, r)}/merge", {"author_ids": [w.R]}),
        403,
    ),
    Case("split", lambda w, r: ("POST", f"/v1/authors/{w.R}/split", {"work_ids": [w.w1]}), 403),
    # Claims: the claimant's own, and the review queue for administrators.
    Case("read a claim", lambda w, r: ("GET", f"/v1/claims/{w.owner_claim}", None), 404),
    Case("review queue", lambda w, r: ("GET", "/v1/claims?status=pending", None), 403),
    Case(
        "approve a claim",
        lambda w, r: ("POST", f"/v1/claims/{w.pending_claim}/approve", {"reason": "sure"}),
        403,
    ),
    Case(
        "reject a claim",
        lambda w, r: ("POST", f"/v1/claims/{w.pending_claim}/reject", {"reason": "no"}),
        403,
    ),
    # Invitations and threads: only the two parties.
    Case(
        "read an invitation",
        lambda w, r: ("GET", f"/v1/invitations/{w.accepted_invitation}", None),
        404,
    ),
    Case(
        "accept an invitation",
        lambda w, r: ("POST", f"/v1/invitations/{w.pending_invitation}/accept", None),
        404,
    ),
    Case(
        "decline an invitation",
        lambda w, r: ("POST", f"/v1/invitations/{w.pending_invitation}/decline", None),
        404,
    ),
    Case(
        "read a thread",
        lambda w, r: ("GET", f"/v1/invitations/{w.accepted_invitation}/messages", None),
        404,
    ),
    Case(
        "write in a thread",
        lambda w, r: (
            "POST",
            f"/v1/invitations/{w.accepted_invitation}/messages",
            {"body": "hello from outside"},
        ),
        404,
    ),
    # Another account's token.
    Case(
        "revoke another's token",
        lambda w, r: ("DELETE", f"/v1/me/tokens/{w.owner_token_id}", None),
        404,
    ),
    # The caller's own data: only a live token reaches it.
    Case("read me", lambda w, r: ("GET", "/v1/me", None), None),
    Case("edit me", lambda w, r: ("PATCH", "/v1/me", {"name": "Someone Else"}), None),
    Case("delete me", lambda w, r: ("DELETE", "/v1/me", None), None),
    Case("list tokens", lambda w, r: ("GET", "/v1/me/tokens", None), None),
    Case("revoke all tokens", lambda w, r: ("DELETE", "/v1/me/tokens", None), None),
    Case("log out", lambda w, r: ("POST", "/v1/auth/logout", None), None),
    Case("resend verification", lambda w, r: ("POST", "/v1/accounts/verify/resend", None), None),
    Case("following", lambda w, r: ("GET", "/v1/me/following", None), None),
    Case("feed", lambda w, r: ("GET", "/v1/me/feed", None), None),
    Case("my claims", lambda w, r: ("GET", "/v1/me/claims", None), None),
    Case("my invitations", lambda w, r: ("GET", "/v1/me/invitations", None), None),
    Case("follow", lambda w, r: ("PUT", f"/v1/authors/{w.U}/follow", None), None),
    Case("unfollow", lambda w, r: ("DELETE", f"/v1/authors/{w.U}/follow", None), None),
    Case("claim", lambda w, r: ("POST", f"/v1/authors/{w.U}/claims", {}), None),
    Case(
        "invite",
        lambda w, r: ("POST", f"/v1/authors/{w.R}/invitations", {"message": "hi"}),
        None,
    ),
]
ROLES = ["stranger", "other_owner", "anonymous", "owner_expired", "owner_revoked"]


def dump(session: Session) -> dict[str, list[str]]:
    """Every row of every table a request could touch, order-independent."""
    return {
        table: sorted(repr(tuple(row)) for row in session.execute(text(f"SELECT * FROM {table}")))
        for table in CATALOGUE_TABLES
    }


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_refused_and_nothing_changed(client: TestClient, session: Session, case: Case) -> None:
    # One world per case: every role must leave it exactly as it was, so they can share it.
    world = build_world(session)
    before = dump(session)
    for role in ROLES:
        token = world.tokens[role]
        live = token is not None and not role.startswith("owner_")
        if case.refused_with is None and live:
            continue  # the caller's own data: a live token may use it
        method, path, body = case.request(world, role)
        response = client.request(
            method,
            path,
            json=body,
            headers=bearer(token) if token else {},
            follow_redirects=False,
        )
        expected = case.refused_with if live else 401
        assert response.status_code == expected, (role, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        if expected == 401:
            assert response.headers["www-authenticate"] == "Bearer"
        session.expire_all()
        assert dump(session) == before, role


def test_the_world_works_for_its_owner(client: TestClient, session: Session) -> None:
    """The matrix proves refusals; this proves they are not refusals of everybody."""
    world = build_world(session)
    owner = bearer(world.tokens["owner"] or "")
    assert client.get(f"/v1/claims/{world.owner_claim}", headers=owner).status_code == 200
    thread = f"/v1/invitations/{world.accepted_invitation}/messages"
    assert client.get(thread, headers=owner).json()["meta"]["count"] == 1
    edited = client.patch(f"/v1/authors/{world.R}", json={"tagline": "mine"}, headers=owner)
    assert edited.status_code == 200
    # The sender of an invitation may read it, but only its recipient answers it.
    accept = f"/v1/invitations/{world.pending_invitation}/accept"
    assert client.post(accept, headers=owner).status_code == 200


def test_only_the_recipient_answers_an_invitation(client: TestClient, session: Session) -> None:
    world = build_world(session)
    colleague_id = session.execute(
        text("SELECT sender_id FROM invitations WHERE id = :i"), {"i": world.pending_invitation}
    ).scalar_one()
    sender = bearer(f.token(session, session.get_one(Account, colleague_id)))
    session.commit()
    path = f"/v1/invitations/{world.pending_invitation}"
    assert client.get(path, headers=sender).json()["direction"] == "sent"
    before = dump(session)
    assert client.post(f"{path}/accept", headers=sender).status_code == 403
    session.expire_all()
    assert dump(session) == before
