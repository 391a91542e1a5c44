"""Trust signals that come from claims and corrections rather than the author row:
`orcid_verified` and `open_disambiguation_conflicts`, in the single-author path
(`live_result`, what `/trust` explains) and in the bulk recompute, with a bounded number
of statements however many authors a chunk holds."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson
from fastapi.testclient import TestClient
from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from app.claims.service import refresh_author_state
from app.models import Author, AuthorWorkDecision, Claim
from app.trust.scoring import compute_trust
from app.trust.service import live_result, orcid_confirmed, recompute, recompute_all, signals_for
from tests import factories as f
from tests.accounts.http import bearer
from tests.statements import recorded_statements

NOW = datetime(2026, 5, 1, tzinfo=UTC)
ORCID = "0000-0002-1825-0097"
OTHER_ORCID = "0000-0001-5109-3700"


def _check(outcome: str, value: str = ORCID) -> dict[str, str]:
    return {"kind": "orcid", "value": value, "outcome": outcome, "detail": ""}


def _owned(session: Session, name: str, checks: list[dict[str, str]], **fields: Any) -> Author:
    record = f.author(session, name, **fields)
    f.work(session, [record])
    claim = f.ownership(session, f.account(session, name=name), record)
    claim.checks = checks
    session.flush()
    refresh_author_state(session, [record.id])
    return record


def _signals(connection: Connection, ids: list[int], **kwargs: Any) -> dict[int, Any]:
    found = signals_for(connection, ids, current_year=NOW.year, **kwargs)
    return {i: signals for i, (signals, _row) in found.items()}


def test_orcid_is_verified_only_by_an_approved_claims_matching_check(session: Session) -> None:
    confirmed = _owned(session, "Confirmed Orcid", [_check("matches")], orcid=ORCID)
    # The check matched another iD than the record now has (the record's iD changed).
    stale = _owned(session, "Stale Orcid", [_check("matches", OTHER_ORCID)], orcid=ORCID[:-1] + "1")
    consistent = _owned(session, "Consistent Orcid", [_check("consistent")], orcid=OTHER_ORCID)
    unclaimed = f.author(session, "Unclaimed Orcid", orcid="0000-0002-1694-233X")
    f.work(session, [unclaimed])
    session.add(
        Claim(
            author_id=unclaimed.id,
            account_id=f.account(session).id,
            status="pending",
            checks=[_check("matches", "0000-0002-1694-233X")],
        )
    )
    session.flush()
    ids = [confirmed.id, stale.id, consistent.id, unclaimed.id]
    connection = session.connection()
    expected = {confirmed.id: True, stale.id: False, consistent.id: False, unclaimed.id: False}
    for scores in (None, {}):  # the SQL path, and the bulk path's in-memory mean
        found = _signals(connection, ids, scores=scores)
        assert {i: s.orcid_verified for i, s in found.items()} == expected
        assert all(s.has_orcid for s in found.values())
    identity = live_result(connection, confirmed.id, now=NOW).components[0]
    assert any("confirmed by its owner" in r for r in identity.reasons)


def test_orcid_confirmed_reads_checks_as_stored_on_either_database() -> None:
    assert orcid_confirmed([_check("matches")], ORCID)
    assert orcid_confirmed(
        orjson.dumps([{"kind": "orcid", "value": ORCID, "outcome": "matches"}]).decode(), ORCID
    )
    assert not orcid_confirmed([_check("matches")], None)
    assert not orcid_confirmed([_check("mismatch")], ORCID)
    assert not orcid_confirmed([{"kind": "email", "value": ORCID, "outcome": "matches"}], ORCID)
    assert not orcid_confirmed([], ORCID)


def test_open_disputes_and_rejected_works_still_filed_are_conflicts(session: Session) -> None:
    record = _owned(session, "Disputed Person", [])
    kept, rejected_but_filed = f.work(session, [record]), f.work(session, [record])
    gone = f.work(session, [f.author(session)])
    clean = _owned(session, "Clean Person", [])
    settled = _owned(session, "Settled Person", [])
    for _ in range(3):  # however many accounts dispute it, one open dispute
        session.add(Claim(author_id=record.id, account_id=f.account(session).id, is_dispute=True))
    for status in ("rejected", "approved"):  # decided disputes are no longer open
        session.add(
            Claim(
                author_id=settled.id,
                account_id=f.account(session).id,
                is_dispute=True,
                status=status if status == "rejected" else "revoked",
            )
        )
    for work, decision in (
        (kept, "confirmed"),
        (rejected_but_filed, "rejected"),
        (gone, "rejected"),
    ):
        session.add(
            AuthorWorkDecision(author_id=record.id, work_id=work.id, decision=decision, position=1)
        )
    session.flush()
    connection = session.connection()
    ids = [record.id, clean.id, settled.id]
    for scores in (None, {}):
        found = _signals(connection, ids, scores=scores)
        assert {i: s.open_disambiguation_conflicts for i, s in found.items()} == {
            record.id: 2,  # the dispute, and the rejected work still on the record
            clean.id: 0,
            settled.id: 0,
        }

    # The bulk recompute stores what the single-author path explains.
    scores = {a.id: a.trust_score for a in session.scalars(select(Author))}
    recompute(connection, ids, now=NOW, scores=scores)
    session.expire_all()
    stored = session.get(Author, record.id)
    assert stored is not None
    live = live_result(connection, record.id, now=NOW)
    assert stored.trust_score == live.score
    assert (
        stored.trust_components
        == compute_trust(_signals(connection, [record.id])[record.id], suggest=False).as_dict()
    )
    profile = live.components[3]
    assert any("2 open disambiguation conflicts" in r for r in profile.reasons)
    assert any(s.action == "resolve_conflicts" for s in live.suggestions)


def test_filing_a_dispute_lowers_the_owners_score_and_rejecting_it_restores_it(
    client: TestClient, session: Session
) -> None:
    record = _owned(session, "Owned Person", [])
    disputer = bearer(f.token(session, f.account(session, name="Owned Person")))
    admin = bearer(f.token(session, f.account(session, admin=True)))
    session.commit()
    before = client.get(f"/v1/authors/A{record.id}/trust").json()["score"]
    dispute = client.post(f"/v1/authors/A{record.id}/claims", json={}, headers=disputer).json()
    assert dispute["is_dispute"] is True
    during = client.get(f"/v1/authors/A{record.id}/trust").json()
    assert during["score"] == before - 4  # the consistency points
    client.post(f"/v1/claims/{dispute['id']}/reject", json={"reason": "No."}, headers=admin)
    assert client.get(f"/v1/authors/A{record.id}/trust").json()["score"] == before


def test_the_bulk_recompute_reads_signals_per_chunk_not_per_author(session: Session) -> None:
    def world(size: int) -> None:
        for i in range(size):
            orcid = f"0000-0000-{size:04d}-{i:04d}"
            owned = _owned(
                session, f"Bulk Person{size}x{i}", [_check("matches", orcid)], orcid=orcid
            )
            f.work(session, [owned])
            session.add(
                Claim(author_id=owned.id, account_id=f.account(session).id, is_dispute=True)
            )
        session.flush()

    connection = session.connection()
    counts = []
    for size in (3, 30):
        world(size)
        recompute_all(connection, now=NOW)  # settle, then rescore everything once more
        with recorded_statements(connection) as seen:
            recompute_all(connection, now=datetime(2027, 5, 1, tzinfo=UTC))
        counts.append(len([s for s in seen if "SELECT" in s.upper()]))
        found = _signals(connection, [a.id for a in session.scalars(select(Author))])
        assert sum(s.orcid_verified for s in found.values()) >= size
        assert sum(s.open_disambiguation_conflicts for s in found.values()) >= size
    assert counts[0] == counts[1], counts
