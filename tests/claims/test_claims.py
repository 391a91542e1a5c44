"""The claim workflow through HTTP: auto-approval, review, disputes, what follows from each
(claim status, verification level, trust), deleting an account, and the overview's
"what the viewer may do"."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.claims.service import refresh_author_state
from app.models import Account, Author, AuthorCorrection, Claim, Follow, Invitation
from tests import factories as f
from tests.accounts.http import bearer


def _record(session: Session, name: str, works: int = 4, **fields: Any) -> tuple[Author, list[str]]:
    record = f.author(session, name, **fields)
    arxiv = [f.work(session, [record], year=2010 + i).arxiv_id for i in range(works)]
    return record, arxiv


def _admin(session: Session) -> dict[str, str]:
    return bearer(f.token(session, f.account(session, admin=True)))


def _actions(session: Session, author: Author) -> list[str]:
    return list(
        session.scalars(
            select(AuthorCorrection.action)
            .where(AuthorCorrection.author_id == author.id)
            .order_by(AuthorCorrection.id)
        )
    )


def test_an_institutional_claim_with_a_fitting_name_is_approved_at_once_and_trust_is_recomputed(
    client: TestClient, session: Session
) -> None:
    record, arxiv = _record(session, "Grace Hopper")
    f.institution(session, "Yale University", record)
    refresh_author_state(session, [record.id])
    claimant = f.account(session, "grace@cs.yale.edu", name="Grace B. Hopper")
    headers = bearer(f.token(session, claimant))
    session.commit()
    before = client.get(f"/v1/authors/A{record.id}/trust").json()
    assert before["verification_level"] == 1

    response = client.post(
        f"/v1/authors/A{record.id}/claims",
        json={"arxiv_ids": arxiv[:3], "orcid": "0000-0002-1825-0097"},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    claim = response.json()
    assert response.headers["location"] == f"/v1/claims/{claim['id']}"
    assert claim["status"] == "approved"
    assert claim["decided_by"] == "rule"
    assert claim["strong_evidence"] is True
    assert claim["verification_level"] == 3
    outcomes = {(c["kind"], c["outcome"]) for c in claim["checks"]}
    assert {("email", "matches"), ("name", "matches"), ("arxiv_id", "matches")} <= outcomes
    assert ("orcid", "consistent") in outcomes
    after = client.get(f"/v1/authors/A{record.id}/trust").json()
    assert after["verification_level"] == 3
    assert after["claim_status"] == "claimed"
    assert after["score"] > before["score"]
    assert _actions(session, record) == ["claim_approved"]
    mine = client.get("/v1/me/claims", headers=headers).json()
    assert [c["id"] for c in mine["results"]] == [claim["id"]]


def test_public_evidence_or_a_colleagues_name_is_never_approved_by_rule(
    client: TestClient, session: Session
) -> None:
    record, arxiv = _record(session, "Barbara Liskov", orcid="0000-0001-5109-3700")
    other, _ = _record(session, "Yang Li")
    f.institution(session, "Massachusetts Institute of Technology", record, other)
    refresh_author_state(session, [record.id, other.id])
    # Everything the record page shows, copied by somebody with a free-mail address ...
    copier = f.account(session, "barbara@gmail.com", name="Barbara Liskov")
    # ... and a colleague at the record's institution, under their own name: "Li" is in
    # "Oliver", but substrings never count as names.
    colleague = f.account(session, "oliver@csail.mit.edu", name="Oliver Smith")
    session.commit()
    public = client.post(
        f"/v1/authors/A{record.id}/claims",
        json={"arxiv_ids": arxiv, "orcid": "0000-0001-5109-3700"},
        headers=bearer(f.token(session, copier)),
    ).json()
    assert public["status"] == "pending", public
    assert public["verification_level"] == 1
    outcomes = {(c["kind"], c["outcome"]) for c in public["checks"]}
    assert {("orcid", "matches"), ("arxiv_id", "matches"), ("name", "matches")} <= outcomes
    assert "no private proof" in public["review_reason"]

    named = client.post(
        f"/v1/authors/A{other.id}/claims", json={}, headers=bearer(f.token(session, colleague))
    ).json()
    assert named["status"] == "pending", named
    assert ("email", "matches") in {(c["kind"], c["outcome"]) for c in named["checks"]}
    assert ("name", "mismatch") in {(c["kind"], c["outcome"]) for c in named["checks"]}
    assert client.get(f"/v1/authors/A{other.id}").json()["claim_status"] == "pending"


def test_weak_evidence_waits_and_an_administrator_decides(
    client: TestClient, session: Session
) -> None:
    first, arxiv = _record(session, "Alan Turing")
    second, _ = _record(session, "A. M. Turing")
    refresh_author_state(session, [first.id, second.id])
    claimant = f.account(session, "alan@gmail.com", name="Alan Turing")
    headers = bearer(f.token(session, claimant))
    admin = _admin(session)
    session.commit()

    # An id that is not a work on the record contradicts the claim: pending.
    pending = client.post(
        f"/v1/authors/A{first.id}/claims",
        json={"arxiv_ids": [*arxiv[:3], "1999.00001"], "message": "It's me."},
        headers=headers,
    ).json()
    assert pending["status"] == "pending"
    assert pending["verification_level"] == 1
    assert ("arxiv_id", "mismatch") in {(c["kind"], c["outcome"]) for c in pending["checks"]}
    assert client.get(f"/v1/authors/A{first.id}").json()["claim_status"] == "pending"
    again = client.post(f"/v1/authors/A{first.id}/claims", json={}, headers=headers)
    assert again.status_code == 409
    other = client.post(f"/v1/authors/A{second.id}/claims", json={}, headers=headers).json()

    queue = client.get("/v1/claims", params={"status": "pending"}, headers=admin).json()
    assert [c["id"] for c in queue["results"]] == [pending["id"], other["id"]]
    assert (
        client.post(f"/v1/claims/{pending['id']}/approve", json={}, headers=admin).status_code
        == 422
    )

    approved = client.post(
        f"/v1/claims/{pending['id']}/approve", json={"reason": "Checked with him."}, headers=admin
    ).json()
    assert approved["status"] == "approved"
    assert approved["decided_by"] == "admin"
    assert approved["verification_level"] == 3  # an administrator's review is strong evidence
    assert approved["review_reason"] == "Checked with him."
    rejected = client.post(
        f"/v1/claims/{other['id']}/reject", json={"reason": "Not the same person."}, headers=admin
    ).json()
    assert rejected["status"] == "rejected"
    again_approve = client.post(
        f"/v1/claims/{other['id']}/approve", json={"reason": "changed my mind"}, headers=admin
    )
    assert again_approve.status_code == 409
    assert client.get(f"/v1/authors/A{second.id}").json()["claim_status"] == "unclaimed"
    assert client.get(f"/v1/authors/A{first.id}/trust").json()["verification_level"] == 3
    assert _actions(session, first) == ["claim_approved"]
    assert _actions(session, second) == ["claim_rejected"]


def test_a_claim_on_an_owned_record_is_a_dispute(client: TestClient, session: Session) -> None:
    record, arxiv = _record(session, "Lise Meitner")
    f.institution(session, "Stanford University", record)
    first = f.account(session, "lise@stanford.edu", name="Lise Meitner")
    second = f.account(session, "meitner@physics.stanford.edu", name="Lise Meitner")
    first_h, second_h = bearer(f.token(session, first)), bearer(f.token(session, second))
    admin = _admin(session)
    session.commit()
    owned = client.post(
        f"/v1/authors/A{record.id}/claims", json={"arxiv_ids": arxiv[:3]}, headers=first_h
    ).json()
    assert owned["status"] == "approved"
    client.patch(f"/v1/authors/A{record.id}", json={"bio": "Fission."}, headers=first_h)

    # Even strong evidence does not take an owned record by rule.
    dispute = client.post(f"/v1/authors/A{record.id}/claims", json={}, headers=second_h).json()
    assert dispute["status"] == "pending"
    assert dispute["is_dispute"] is True
    assert client.get(f"/v1/authors/A{record.id}").json()["claim_status"] == "claimed"
    assert (
        client.patch(
            f"/v1/authors/A{record.id}", json={"bio": "Mine."}, headers=second_h
        ).status_code
        == 403
    )

    upheld = client.post(
        f"/v1/claims/{dispute['id']}/approve",
        json={"reason": "Institution confirmed."},
        headers=admin,
    ).json()
    assert upheld["status"] == "approved"
    session.expire_all()
    rows = session.execute(select(Claim.id, Claim.status).where(Claim.author_id == record.id))
    statuses = dict(rows.all())
    assert statuses == {owned["id"]: "revoked", dispute["id"]: "approved"}
    author = client.get(f"/v1/authors/A{record.id}").json()
    assert author["bio"] is None  # what the previous owner wrote went with them
    assert author["verification_level"] == 3
    assert client.get("/v1/me", headers=first_h).json()["authors"] == []
    assert (
        client.patch(
            f"/v1/authors/A{record.id}", json={"bio": "Again."}, headers=first_h
        ).status_code
        == 403
    )
    assert _actions(session, record)[-2:] == ["claim_revoked", "claim_approved"]
    # The audit trail is public and says who acted in which role.
    trail = client.get(f"/v1/authors/A{record.id}/corrections").json()["results"]
    assert [(c["action"], c["actor_role"]) for c in trail][:2] == [
        ("claim_approved", "admin"),
        ("claim_revoked", "admin"),
    ]


def test_the_owner_edits_the_profile_and_clearing_falls_back_to_imported(
    client: TestClient, session: Session
) -> None:
    record, _ = _record(session, "Chien-Shiung Wu")
    f.institution(session, "Columbia University", record)
    owner = f.account(session)
    f.ownership(session, owner, record)
    headers = bearer(f.token(session, owner))
    session.commit()
    path = f"/v1/authors/A{record.id}"
    stated = client.patch(
        path,
        json={"affiliation": "Smith College", "display_name": "C. S. Wu", "homepage": None},
        headers=headers,
    )
    assert stated.status_code == 200, stated.text
    overview = client.get(f"{path}/overview").json()
    assert overview["display_name"] == "C. S. Wu"
    assert overview["affiliation"] == {"name": "Smith College", "provenance": "stated"}
    client.patch(path, json={"affiliation": None}, headers=headers)
    overview = client.get(f"{path}/overview").json()
    assert overview["affiliation"] == {"name": "Columbia University", "provenance": "imported"}
    assert client.get("/v1/authors", params={"q": "C. S. Wu"}).json()["meta"]["count"] >= 1
    bad = client.patch(path, json={"homepage": "javascript:alert(1)"}, headers=headers)
    assert bad.status_code == 422


def test_deleting_an_account_returns_its_records_to_unclaimed(
    client: TestClient, session: Session
) -> None:
    record, _ = _record(session, "Rosalind Franklin")
    followed = f.author(session, "Maurice Wilkins")
    f.institution(session, "Kings College London", record)
    owner = f.account(session, "rosalind@example.org", name="Rosalind Franklin")
    f.ownership(session, owner, record, strong=True)
    other = f.account(session)
    other_record = f.author(session, "Francis Crick", open_to_collaborate=True)
    f.ownership(session, other, other_record)
    refresh_author_state(session, [record.id, other_record.id])
    headers = bearer(f.token(session, owner))
    session.commit()
    owner_id = owner.id
    client.patch(
        f"/v1/authors/A{record.id}",
        json={"tagline": "X-ray", "affiliation": "Birkbeck", "open_to_collaborate": True},
        headers=headers,
    )
    client.put(f"/v1/authors/A{followed.id}/follow", headers=headers)
    sent = client.post(
        f"/v1/authors/A{other_record.id}/invitations",
        json={"message": "Photo 51?"},
        headers=headers,
    )
    assert sent.status_code == 201
    assert client.get(f"/v1/authors/A{record.id}").json()["verification_level"] == 3

    assert client.delete("/v1/me", headers=headers).status_code == 204
    assert client.get("/v1/me", headers=headers).status_code == 401
    author = client.get(f"/v1/authors/A{record.id}").json()
    assert author["claim_status"] == "unclaimed"
    assert author["verification_level"] == 1
    assert author["tagline"] is None
    assert author["open_to_collaborate"] is False
    overview = client.get(f"/v1/authors/A{record.id}/overview").json()
    assert overview["affiliation"] == {"name": "Kings College London", "provenance": "imported"}
    assert client.get(f"/v1/authors/A{followed.id}").json()["counts"]["followers"] == 0
    session.expire_all()
    assert session.scalar(select(Account).where(Account.email == "rosalind@example.org")) is None
    assert session.scalars(select(Claim).where(Claim.account_id == owner_id)).all() == []
    assert session.scalars(select(Follow).where(Follow.account_id == owner_id)).all() == []
    assert session.scalars(select(Invitation)).all() == []
    # The audit trail stays, without the actor.
    trail = session.scalars(
        select(AuthorCorrection).where(AuthorCorrection.author_id == record.id)
    ).all()
    assert {c.action for c in trail} >= {"profile", "unclaimed"}
    assert all(c.actor_id is None for c in trail)
    # Somebody else may claim it now.
    again = f.account(session, name="Rosalind Franklin")
    claim = client.post(
        f"/v1/authors/A{record.id}/claims", json={}, headers=bearer(f.token(session, again))
    )
    assert claim.json()["is_dispute"] is False


def _viewer(client: TestClient, author: Author, headers: dict[str, str] | None = None) -> Any:
    response = client.get(f"/v1/authors/A{author.id}/overview", headers=headers or {})
    assert response.status_code == 200
    return response.json()["viewer"]


def test_the_overview_says_what_each_viewer_may_do(client: TestClient, session: Session) -> None:
    unclaimed, _ = _record(session, "Hedy Lamarr")
    claimed, _ = _record(session, "Edith Clarke", open_to_collaborate=True)
    owner = f.account(session)
    f.ownership(session, owner, claimed)
    refresh_author_state(session, [unclaimed.id, claimed.id])
    owner_h = bearer(f.token(session, owner))
    visitor_h = bearer(f.token(session, f.account(session)))
    unverified_h = bearer(f.token(session, f.account(session, verified=False)))
    session.commit()

    anonymous = _viewer(client, unclaimed)
    assert not any(a["allowed"] for a in anonymous.values())
    assert anonymous["claim"]["reason"] == "Log in to claim this record."
    assert anonymous["invite"]["reason"].startswith("Claim this author entity first")
    assert _viewer(client, claimed)["invite"]["reason"] == "Log in to send an invitation."
    # An invalid token is treated as anonymous on a public read, not refused.
    assert _viewer(client, unclaimed, bearer("bzp_invalid")) == anonymous

    visitor = _viewer(client, unclaimed, visitor_h)
    assert visitor["follow"]["allowed"]
    assert not visitor["unfollow"]["allowed"]
    assert visitor["claim"] == {"allowed": True, "reason": None}
    assert not visitor["invite"]["allowed"]
    on_claimed = _viewer(client, claimed, visitor_h)
    assert on_claimed["invite"] == {"allowed": True, "reason": None}
    assert on_claimed["claim"]["allowed"]
    assert "dispute" in on_claimed["claim"]["reason"]

    unverified = _viewer(client, claimed, unverified_h)
    assert not unverified["claim"]["allowed"]
    assert not unverified["invite"]["allowed"]
    assert "Verify" in unverified["invite"]["reason"]

    mine = _viewer(client, claimed, owner_h)
    assert mine["claim"] == {"allowed": False, "reason": "You own this record."}
    assert mine["invite"] == {"allowed": False, "reason": "This is your own record."}

    client.put(f"/v1/authors/A{claimed.id}/follow", headers=visitor_h)
    client.post(f"/v1/authors/A{claimed.id}/invitations", json={"message": "Hi"}, headers=visitor_h)
    after = _viewer(client, claimed, visitor_h)
    assert not after["follow"]["allowed"]
    assert after["unfollow"]["allowed"]
    assert after["invite"]["reason"] == "Your invitation is waiting for an answer."
    response = client.get(f"/v1/authors/A{claimed.id}/overview", headers=visitor_h)
    assert response.headers["cache-control"].startswith("private")


def test_profile_flags_take_booleans_only(client: TestClient, session: Session) -> None:
    record, _ = _record(session, "Flag Person", works=1)
    owner = f.account(session)
    f.ownership(session, owner, record)
    headers = bearer(f.token(session, owner))
    session.commit()
    for value in (0, 1, "yes"):
        response = client.patch(
            f"/v1/authors/A{record.id}", json={"open_to_collaborate": value}, headers=headers
        )
        assert response.status_code == 422
