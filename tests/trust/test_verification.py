"""Tests of the verification levels L0-L3 (the one place that computes them), in Python
and as the SQL that ingestion's refresh runs."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.claims.service import refresh_author_state
from app.core.settings import Settings
from app.ingest.refresh import refresh_after_run
from app.models import Author
from app.trust.verification import (
    L0,
    L1,
    L2,
    L3,
    LEVEL_DESCRIPTIONS,
    MAX_LEVEL,
    MIN_LEVEL,
    verification_level,
    verification_level_sql,
)
from tests import factories as f

FACTS = list(itertools.product([False, True], repeat=4))


@pytest.mark.parametrize(
    ("works", "claimed", "email", "strong", "level"),
    [
        # Nothing links the record to a source.
        (False, False, False, False, L0),
        # Evidence without a claim vouches for nobody.
        (False, False, True, True, L0),
        # A claim by an account with an unverified email adds nothing.
        (False, True, False, False, L0),
        (True, True, False, False, L1),
        # Ingested works: derived from an authoritative source.
        (True, False, False, False, L1),
        (True, False, True, True, L1),
        # Claimed by an account with a verified email.
        (False, True, True, False, L2),
        (True, True, True, False, L2),
        # Claim confirmed by strong evidence (with or without a verified email).
        (True, True, True, True, L3),
        (True, True, False, True, L3),
        (False, True, False, True, L3),
    ],
)
def test_levels(works: bool, claimed: bool, email: bool, strong: bool, level: int) -> None:
    assert (
        verification_level(
            has_ingested_works=works,
            claimed=claimed,
            owner_email_verified=email,
            strong_evidence=strong,
        )
        == level
    )


@pytest.mark.parametrize("facts", FACTS)
def test_every_combination_gives_a_described_level(facts: tuple[bool, bool, bool, bool]) -> None:
    level = verification_level(*facts)
    assert MIN_LEVEL <= level <= MAX_LEVEL
    assert level in LEVEL_DESCRIPTIONS


def test_levels_are_0_to_3_and_all_reachable() -> None:
    assert (L0, L1, L2, L3) == (0, 1, 2, 3)
    assert {verification_level(*facts) for facts in FACTS} == {0, 1, 2, 3}
    assert sorted(LEVEL_DESCRIPTIONS) == [0, 1, 2, 3]


def test_monotone_over_every_pair_of_fact_sets() -> None:
    # Exhaustive: whenever every fact of `low` also holds in `high`, the level cannot drop.
    for low, high in itertools.product(FACTS, repeat=2):
        if all(h or not lo for lo, h in zip(low, high, strict=True)):
            assert verification_level(*high) >= verification_level(*low)


@given(st.tuples(*[st.booleans()] * 4), st.integers(0, 3))
def test_turning_one_fact_on_never_lowers_the_level(
    facts: tuple[bool, bool, bool, bool], index: int
) -> None:
    raised = list(facts)
    raised[index] = True
    assert verification_level(*raised) >= verification_level(*facts)


@given(st.tuples(*[st.booleans()] * 4))
def test_only_a_claim_can_go_beyond_l1(facts: tuple[bool, bool, bool, bool]) -> None:
    works, claimed, email, strong = facts
    level = verification_level(works, claimed, email, strong)
    if not claimed:
        assert level <= L1
    if level == L3:
        assert claimed
        assert strong
    if level == L2:
        assert claimed
        assert email


@pytest.mark.parametrize("facts", FACTS)
def test_the_sql_rule_is_the_python_rule(session: Session, facts: tuple[bool, ...]) -> None:
    """The one rule, rendered as SQL and evaluated by the database, for every combination."""
    names = ("has_ingested_works", "claimed", "owner_email_verified", "strong_evidence")
    conditions = {n: ("1 = 1" if fact else "1 = 0") for n, fact in zip(names, facts, strict=True)}
    sql_level = session.scalar(text(f"SELECT {verification_level_sql(**conditions)}"))
    assert sql_level == verification_level(**dict(zip(names, facts, strict=True)))


def test_ingestions_refresh_sets_levels_by_the_one_rule(
    session: Session, settings: Settings
) -> None:
    with_works = f.author(session, "Has Works", verification_level=0)
    f.work(session, [with_works])
    # Every work gone (rejected, split off): nothing links the record to a source any more.
    emptied = f.author(session, "No Works Left", verification_level=1, works_count=3)
    strong = f.author(session, "Strong Owner", verification_level=3, claim_status="claimed")
    verified = f.author(session, "Verified Owner", verification_level=2, claim_status="claimed")
    unverified = f.author(session, "Unverified Owner", verification_level=0)
    unverified.claim_status = "claimed"
    for record in (strong, verified, unverified):
        f.work(session, [record])
    f.ownership(session, f.account(session), strong, strong=True)
    f.ownership(session, f.account(session), verified)
    f.ownership(session, f.account(session, verified=False), unverified)
    records = (with_works, emptied, strong, verified, unverified)
    session.flush()
    refresh_after_run(session.connection(), {r.id for r in records}, settings)
    expected = {with_works: L1, emptied: L0, strong: L3, verified: L2, unverified: L1}
    assert _levels(session, records) == {r.id: level for r, level in expected.items()}
    # The claim workflow, which derives levels in Python, agrees on every record.
    refresh_author_state(session, [r.id for r in records])
    assert _levels(session, records) == {r.id: level for r, level in expected.items()}


def _levels(session: Session, records: tuple[Author, ...]) -> dict[int, int]:
    session.expire_all()
    rows = session.execute(
        select(Author.id, Author.verification_level).where(Author.id.in_([r.id for r in records]))
    )
    return {int(author_id): int(level) for author_id, level in rows}
