"""The claim workflow: evidence in, approved at once or queued for an administrator.

One owner per record: an approved claim makes its account the owner, and a partial unique
index (`uq_claims_one_owner`) keeps that true even for two approvals racing each other. A
claim on a record that has an owner is a dispute, always decided by an administrator.

After every claim event the record's claim status and verification level are derived
again (`refresh_author_state`, through `app.trust.verification`) and its trust is
recomputed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from app.accounts.deps import Caller, require_verified
from app.accounts.security import normalise_email
from app.authors.schemas import AuthorRef
from app.claims import evidence as ev
from app.claims.schemas import Claimant, ClaimIn, ClaimOut, EvidenceCheck
from app.core.errors import Conflict, Forbidden, NotFound
from app.core.ids import Kind, public_id
from app.core.pagination import Meta, Page, PageParams, page_by_id
from app.models import (
    Account,
    Author,
    AuthorAffiliation,
    AuthorCorrection,
    AuthorNameVariant,
    Authorship,
    Claim,
    Work,
)
from app.trust.service import recompute
from app.trust.verification import verification_level

PENDING, APPROVED, REJECTED, REVOKED = "pending", "approved", "rejected", "revoked"


def _now() -> datetime:
    return datetime.now(UTC)


# --- ownership --------------------------------------------------------------------------


def owner_of(session: Session, author_id: int) -> int | None:
    return session.scalar(
        select(Claim.account_id).where(Claim.author_id == author_id, Claim.status == APPROVED)
    )


def owned_author_ids(session: Session, account_id: int) -> list[int]:
    return list(
        session.scalars(
            select(Claim.author_id).where(Claim.account_id == account_id, Claim.status == APPROVED)
        )
    )


def require_owner(session: Session, caller: Caller, author_id: int) -> None:
    """403 unless the caller owns the record (anonymous callers never get this far)."""
    if owner_of(session, author_id) != caller.id:
        raise Forbidden("Only the owner of this record may change it.")


def audit(
    session: Session,
    author_id: int,
    action: str,
    *,
    actor: Caller | None,
    role: str,
    work_id: int | None = None,
    other_author_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    session.add(
        AuthorCorrection(
            author_id=author_id,
            actor_id=actor.id if actor else None,
            actor_role=role,
            action=action,
            work_id=work_id,
            other_author_id=other_author_id,
            details=details or {},
        )
    )


# --- derived state ----------------------------------------------------------------------


def refresh_author_state(session: Session, author_ids: Iterable[int]) -> None:
    """Claim status and verification level from the claims, then trust: after every claim
    event, email verification of an owner, or correction."""
    ids = sorted(set(author_ids))
    if not ids:
        return
    session.flush()
    owners = {
        r.author_id: r
        for r in session.execute(
            select(Claim.author_id, Claim.strong_evidence, Account.email_verified_at)
            .join(Account, Account.id == Claim.account_id)
            .where(Claim.author_id.in_(ids), Claim.status == APPROVED)
        )
    }
    pending = set(
        session.scalars(
            select(Claim.author_id).where(
                Claim.author_id.in_(ids), Claim.status == PENDING, Claim.is_dispute.is_(False)
            )
        )
    )
    changes: list[dict[str, Any]] = []
    for row in session.execute(
        select(Author.id, Author.works_count, Author.claim_status, Author.verification_level).where(
            Author.id.in_(ids)
        )
    ):
        owner = owners.get(row.id)
        status = "claimed" if owner else ("pending" if row.id in pending else "unclaimed")
        level = verification_level(
            has_ingested_works=row.works_count > 0,
            claimed=owner is not None,
            owner_email_verified=owner is not None and owner.email_verified_at is not None,
            strong_evidence=owner is not None and owner.strong_evidence,
        )
        if (status, level) != (row.claim_status, row.verification_level):
            changes.append({"author": row.id, "status": status, "level": level})
    connection = session.connection()
    if changes:
        connection.execute(
            update(Author)
            .where(Author.id == bindparam("author"))
            .values(claim_status=bindparam("status"), verification_level=bindparam("level")),
            changes,
            execution_options={"synchronize_session": False},
        )
    recompute(connection, ids)
    # Core updates bypass the identity map: make the ORM read the records afresh.
    session.expire_all()


OWNER_FIELDS = ("tagline", "bio", "homepage")


def clear_owner_profile(session: Session, author_ids: Iterable[int]) -> None:
    """What an owner wrote goes with them: tagline, bio, homepage, stated affiliation and
    the open-to-collaborate flag. The record falls back to its imported affiliation."""
    for author_id in author_ids:
        author = session.get(Author, author_id)
        if author is None:
            continue
        author.tagline = author.bio = author.homepage = None
        author.open_to_collaborate = False
        if author.affiliation_provenance == "stated":
            restore_imported_affiliation(session, author)
    session.flush()


def restore_imported_affiliation(session: Session, author: Author) -> None:
    imported = session.scalar(
        select(AuthorAffiliation.name)
        .where(AuthorAffiliation.author_id == author.id, AuthorAffiliation.provenance == "imported")
        .order_by(
            AuthorAffiliation.end_year.desc().nulls_last(),
            AuthorAffiliation.works_count.desc(),
            AuthorAffiliation.id,
        )
        .limit(1)
    )
    author.affiliation = imported
    author.affiliation_provenance = "imported" if imported else "none"


def release_records(session: Session, account_id: int) -> None:
    """An account is going away: its records return to unclaimed, its claims are deleted."""
    owned = owned_author_ids(session, account_id)
    claimed = set(session.scalars(select(Claim.author_id).where(Claim.account_id == account_id)))
    clear_owner_profile(session, owned)
    for author_id in owned:
        audit(session, author_id, "unclaimed", actor=None, role="system",
              details={"reason": "the owner's account was deleted"})  # fmt: skip
    for claim in session.scalars(select(Claim).where(Claim.account_id == account_id)):
        session.delete(claim)
    session.flush()
    refresh_author_state(session, claimed)


# --- filing and reviewing ---------------------------------------------------------------


def file_claim(session: Session, caller: Caller, author_id: int, data: ClaimIn) -> Claim:
    require_verified(caller, "claim a record")
    author = session.get(Author, author_id)
    assert author is not None
    owner = owner_of(session, author_id)
    if owner == caller.id:
        raise Conflict("You already own this record.")
    open_claims = list(
        session.scalars(
            select(Claim.account_id).where(Claim.author_id == author_id, Claim.status == PENDING)
        )
    )
    if caller.id in open_claims:
        raise Conflict("Your claim on this record is already waiting for review.")
    listed = {a for a in (ev.normalise_arxiv_id(raw) for raw in data.arxiv_ids) if a is not None}
    on_record = (
        set(
            session.scalars(
                select(Work.arxiv_id)
                .join(Authorship, Authorship.work_id == Work.id)
                .where(Authorship.author_id == author_id, Work.arxiv_id.in_(sorted(listed)))
            )
        )
        if listed
        else set()
    )
    affiliations = tuple(
        session.scalars(
            select(AuthorAffiliation.name).where(
                AuthorAffiliation.author_id == author_id,
                AuthorAffiliation.provenance == "imported",
            )
        )
    )
    variants = session.scalars(
        select(AuthorNameVariant.name).where(AuthorNameVariant.author_id == author_id)
    )
    record = ev.Record(
        family_name=author.family_name,
        names=(author.display_name, *variants),
        orcid=author.orcid,
        homepage=author.homepage,
        affiliations=affiliations,
        works_count=author.works_count,
        arxiv_ids_on_record=frozenset(on_record),
        has_owner=owner is not None,
        has_open_claim=bool(open_claims),
        is_collaboration=author.is_collaboration,
    )
    claimant = ev.Claimant(
        email=caller.account.email,
        email_verified=caller.account.email_verified,
        name=caller.account.name,
    )
    evidence = ev.Evidence(
        orcid=data.orcid,
        email=normalise_email(data.email) if data.email else None,
        homepage=data.homepage,
        arxiv_ids=tuple(data.arxiv_ids),
    )
    assessment = ev.assess(evidence, record, claimant)
    claim = Claim(
        author_id=author_id,
        account_id=caller.id,
        status=APPROVED if assessment.approve else PENDING,
        is_dispute=owner is not None,
        evidence=data.model_dump(exclude_none=True),
        checks=[asdict(c) for c in assessment.checks],
        strong_evidence=assessment.strong_evidence,
        decided_by="rule" if assessment.approve else None,
        review_reason="; ".join(assessment.reasons),
        decided_at=_now() if assessment.approve else None,
    )
    session.add(claim)
    # The partial unique index turns a lost race for ownership into a 409 here.
    session.flush()
    if assessment.approve:
        audit(session, author_id, "claim_approved", actor=caller, role="system",
              details={"claim": claim.id, "rule": f"L{assessment.level}"})  # fmt: skip
    refresh_author_state(session, [author_id])
    return claim


def get_claim(session: Session, caller: Caller, claim_id: int) -> Claim:
    """The claimant and administrators may read a claim; for anybody else it is not there."""
    claim = session.get(Claim, claim_id)
    if claim is None or (claim.account_id != caller.id and not caller.account.is_admin):
        raise NotFound(f"No claim {claim_id}.")
    return claim


def approve(session: Session, admin: Caller, claim_id: int, reason: str) -> Claim:
    """An administrator's review is strong evidence (L3). A dispute that is upheld revokes
    the previous owner's claim and clears what they wrote on the record."""
    claim = _pending(session, claim_id)
    previous = session.scalars(
        select(Claim).where(Claim.author_id == claim.author_id, Claim.status == APPROVED)
    ).first()
    if previous is not None:
        previous.status = REVOKED
        previous.decided_at = _now()
        previous.reviewer_id = admin.id
        previous.review_reason = f"Dispute upheld (claim {claim.id}): {reason}"
        session.flush()
        clear_owner_profile(session, [claim.author_id])
        audit(session, claim.author_id, "claim_revoked", actor=admin, role="admin",
              details={"claim": previous.id, "reason": reason})  # fmt: skip
    claim.status = APPROVED
    claim.strong_evidence = True
    claim.decided_by = "admin"
    claim.reviewer_id = admin.id
    claim.review_reason = reason
    claim.decided_at = _now()
    session.flush()
    # Whatever else is waiting on this record now contests an owned record.
    session.execute(
        update(Claim)
        .where(Claim.author_id == claim.author_id, Claim.status == PENDING)
        .values(is_dispute=True)
        .execution_options(synchronize_session=False)
    )
    audit(session, claim.author_id, "claim_approved", actor=admin, role="admin",
          details={"claim": claim.id, "reason": reason})  # fmt: skip
    refresh_author_state(session, [claim.author_id])
    return claim


def reject(session: Session, admin: Caller, claim_id: int, reason: str) -> Claim:
    claim = _pending(session, claim_id)
    claim.status = REJECTED
    claim.decided_by = "admin"
    claim.reviewer_id = admin.id
    claim.review_reason = reason
    claim.decided_at = _now()
    audit(session, claim.author_id, "claim_rejected", actor=admin, role="admin",
          details={"claim": claim.id, "reason": reason})  # fmt: skip
    refresh_author_state(session, [claim.author_id])
    return claim


def _pending(session: Session, claim_id: int) -> Claim:
    claim = session.get(Claim, claim_id, with_for_update=True)
    if claim is None:
        raise NotFound(f"No claim {claim_id}.")
    if claim.status != PENDING:
        raise Conflict(f"This claim was already {claim.status}.")
    return claim


def list_claims(
    session: Session,
    page: PageParams,
    *,
    status: str | None,
    account_id: int | None = None,
) -> Page[ClaimOut]:
    """Oldest first: a review queue is worked from its front."""
    conditions = []
    if status is not None:
        conditions.append(Claim.status == status)
    if account_id is not None:
        conditions.append(Claim.account_id == account_id)
    count, kept, cursor = page_by_id(session, Claim, Claim.id, conditions, page, newest_first=False)
    return Page(
        meta=Meta(count=count, per_page=page.per_page, next_cursor=cursor),
        results=claims_out(session, kept),
    )


def claims_out(session: Session, claims: list[Claim]) -> list[ClaimOut]:
    if not claims:
        return []
    authors = {
        r.id: r
        for r in session.execute(
            select(Author.id, Author.display_name, Author.verification_level).where(
                Author.id.in_({c.author_id for c in claims})
            )
        )
    }
    accounts = {
        a.id: a
        for a in session.scalars(
            select(Account).where(Account.id.in_({c.account_id for c in claims}))
        )
    }
    out = []
    for c in claims:
        author = authors[c.author_id]
        account = accounts.get(c.account_id)
        out.append(
            ClaimOut(
                id=c.id,
                author=AuthorRef(
                    id=public_id(Kind.AUTHOR, c.author_id), display_name=author.display_name
                ),
                claimant=Claimant(
                    id=account.id,
                    name=account.name,
                    email=account.email,
                    email_verified=account.email_verified,
                )
                if account
                else None,
                status=c.status,
                is_dispute=c.is_dispute,
                evidence=c.evidence,
                checks=[EvidenceCheck(**check) for check in c.checks],
                decided_by=c.decided_by,
                strong_evidence=c.strong_evidence,
                verification_level=author.verification_level,
                review_reason=c.review_reason,
                created_at=c.created_at,
                decided_at=c.decided_at,
            )
        )
    return out
