"""Factories for test data: plain functions that add rows and flush (the test rolls back)."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.security import hash_password, new_token, token_digest
from app.core.settings import Settings
from app.models import (
    AccessToken,
    Account,
    Author,
    AuthorAffiliation,
    Authorship,
    AuthorTopic,
    Claim,
    CoauthorEdge,
    Institution,
    Topic,
    Work,
    WorkTopic,
)

_serial = itertools.count(1)


def topic(session: Session, code: str, name: str | None = None) -> Topic:
    found = session.scalars(select(Topic).where(Topic.code == code)).first()
    if found is not None:
        return found
    archive = code.split(".")[0]
    row = Topic(
        code=code,
        name=name or code,
        level="category",
        group_code=archive,
        archive_code=archive,
        legacy=False,
        works_count=0,
        authors_count=0,
    )
    session.add(row)
    session.flush()
    return row


def author(session: Session, display_name: str = "", **fields: Any) -> Author:
    n = next(_serial)
    name = display_name or f"Test Author {n}"
    family = name.split()[-1].lower()
    values: dict[str, Any] = {
        "display_name": name,
        "family_name": name.split()[-1],
        "name_key": f"{family}_{name[0].lower()}",
        "search_names": name,
        "is_collaboration": False,
        "open_to_collaborate": False,
        "affiliation_provenance": "none",
        "claim_status": "unclaimed",
        "verification_level": 1,
        "trust_score": 20,
        "trust_tier": "Emerging",
        "works_count": 0,
        "followers_count": 0,
        "topics_count": 0,
        "coauthors_count": 0,
        "close_collaborators_count": 0,
    }
    values.update(fields)
    row = Author(**values)
    session.add(row)
    session.flush()
    return row


def work(
    session: Session,
    authors: list[Author],
    *,
    title: str = "",
    year: int = 2020,
    categories: tuple[str, ...] = ("cs.CL",),
    arxiv_id: str = "",
    **fields: Any,
) -> Work:
    n = next(_serial)
    values: dict[str, Any] = {
        "arxiv_id": arxiv_id or f"{2000 + n % 100:04d}.{n:05d}",
        "arxiv_version": 1,
        "title": title or f"A study number {n}",
        "title_plain": title or f"A study number {n}",
        "abstract": "An abstract.",
        "abstract_plain": "An abstract.",
        "type": "preprint",
        "publication_date": date(year, 3, 1),
        "year": year,
        "primary_category": categories[0],
        "categories": " ".join(categories),
        "authors_count": len(authors),
        "is_withdrawn": False,
        "is_deleted": False,
        "content_hash": "",
        "versions": [{"version": 1, "created": datetime(year, 3, 1, tzinfo=UTC).isoformat()}],
    }
    values.update(fields)
    row = Work(**values)
    session.add(row)
    session.flush()
    for position, a in enumerate(authors, start=1):
        session.add(
            Authorship(
                work_id=row.id,
                position=position,
                author_id=a.id,
                raw_name=a.display_name,
                display_name=a.display_name,
                affiliations=[],
            )
        )
        a.works_count += 1
        a.first_year = min(a.first_year or year, year)
        a.last_year = max(a.last_year or year, year)
    for index, code in enumerate(categories):
        t = topic(session, code)
        session.add(WorkTopic(work_id=row.id, topic_id=t.id, is_primary=index == 0))
        t.works_count += 1
        for a in authors:
            link = session.get(AuthorTopic, (a.id, t.id))
            if link is None:
                session.add(AuthorTopic(author_id=a.id, topic_id=t.id, works_count=1))
                a.topics_count += 1
            else:
                link.works_count += 1
    session.flush()
    return row


def edge(
    session: Session,
    a: Author,
    b: Author,
    *,
    shared: int = 1,
    strength: float = 1.0,
    close: bool = False,
    first_year: int = 2019,
    last_year: int = 2021,
) -> None:
    for x, y in ((a, b), (b, a)):
        session.add(
            CoauthorEdge(
                author_id=x.id,
                coauthor_id=y.id,
                shared_works=shared,
                first_year=first_year,
                last_year=last_year,
                strength=strength,
                is_close=close,
            )
        )
        x.coauthors_count += 1
        x.close_collaborators_count += int(close)
    session.flush()


def institution(session: Session, name: str, *members: Author) -> Institution:
    row = Institution(
        name=name,
        name_key=name.lower(),
        provenance="imported",
        works_count=0,
        authors_count=len(members),
    )
    session.add(row)
    session.flush()
    for m in members:
        session.add(
            AuthorAffiliation(
                author_id=m.id,
                institution_id=row.id,
                name=name,
                provenance="imported",
                works_count=1,
            )
        )
        m.affiliation = name
        m.affiliation_provenance = "imported"
    session.flush()
    return row


PASSWORD = "correct horse battery staple"
# One argon2 hash for every factory account: hashing costs ~50 ms and 64 MiB each time.
_PASSWORD_HASH = hash_password(PASSWORD)
# The secret the `settings` fixture (and so the test app) runs with.
TEST_SECRET = Settings().secret_key


def account(
    session: Session,
    email: str = "",
    *,
    name: str = "",
    verified: bool = True,
    admin: bool = False,
) -> Account:
    n = next(_serial)
    row = Account(
        email=email or f"user{n}@example.org",
        name=name or f"Test User {n}",
        password_hash=_PASSWORD_HASH,
        is_admin=admin,
        email_verified_at=datetime.now(UTC) if verified else None,
    )
    session.add(row)
    session.flush()
    return row


def token(
    session: Session, owner: Account, *, ttl: timedelta = timedelta(hours=1), revoked: bool = False
) -> str:
    """A bearer token for `owner` (expired when `ttl` is negative)."""
    value = new_token()
    now = datetime.now(UTC)
    session.add(
        AccessToken(
            account_id=owner.id,
            token_hash=token_digest(value, TEST_SECRET),
            expires_at=now + ttl,
            revoked_at=now if revoked else None,
        )
    )
    session.flush()
    return value


def ownership(session: Session, owner: Account, record: Author, *, strong: bool = False) -> Claim:
    """An approved claim: `owner` owns `record` (the record's claim state is left to the
    caller: call `app.claims.service.refresh_author_state` to derive it)."""
    row = Claim(
        author_id=record.id,
        account_id=owner.id,
        status="approved",
        is_dispute=False,
        evidence={},
        checks=[],
        strong_evidence=strong,
        decided_by="admin" if strong else "rule",
        decided_at=datetime.now(UTC),
    )
    session.add(row)
    session.flush()
    return row
