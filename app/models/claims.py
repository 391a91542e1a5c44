"""Claims on author records, the owner's decisions about works, and the corrections log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, BigId, UTCDateTime, utcnow


class Claim(Base):
    """An account's request to own an author record, with its evidence and its review.

    `status`: pending -> approved | rejected; approved -> revoked (a dispute was upheld, or
    an administrator withdrew it). An approved claim makes its account the record's owner;
    a partial unique index keeps that to one owner per record.
    """

    __tablename__ = "claims"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    author_id: Mapped[int] = mapped_column(BigId, ForeignKey("authors.id", ondelete="CASCADE"))
    account_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), default="pending")
    # A claim on a record that already had an owner: always for an administrator to decide.
    is_dispute: Mapped[bool] = mapped_column(Boolean, default=False)
    # Evidence as submitted, and what checking it found (see docs/claims.md).
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    checks: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # Strong evidence confirmed the claim (institutional email or an administrator's review):
    # what makes an owned record L3 rather than L2.
    strong_evidence: Mapped[bool] = mapped_column(Boolean, default=False)
    decided_by: Mapped[str | None] = mapped_column(String(16))  # rule | admin
    reviewer_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("accounts.id", ondelete="SET NULL")
    )
    review_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("ix_claims_author_id", "author_id", "status"),
        Index("ix_claims_status", "status", "id"),
        Index(
            "uq_claims_one_owner",
            "author_id",
            unique=True,
            sqlite_where=text("status = 'approved'"),
            postgresql_where=text("status = 'approved'"),
        ),
        {"sqlite_autoincrement": True},
    )


class AuthorWorkDecision(Base):
    """An owner's standing decision that a work is, or is not, theirs.

    Ingestion reads these: a rejected work never comes back onto the record, a confirmed
    one stays on it even when the next version of the work spells the name differently.
    """

    __tablename__ = "author_work_decisions"

    author_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("authors.id", ondelete="CASCADE"), primary_key=True
    )
    work_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("works.id", ondelete="CASCADE"), primary_key=True
    )
    decision: Mapped[str] = mapped_column(String(16))  # confirmed | rejected
    # Where the name stood on the work when the decision was taken.
    position: Mapped[int] = mapped_column(Integer)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (Index("ix_author_work_decisions_work_id", "work_id"),)


class AuthorCorrection(Base):
    """The audit trail: every change an owner or administrator made to a record."""

    __tablename__ = "author_corrections"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    author_id: Mapped[int] = mapped_column(BigId, ForeignKey("authors.id", ondelete="CASCADE"))
    # Who did it; kept as a role when the account is deleted (its id becomes NULL).
    actor_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("accounts.id", ondelete="SET NULL"), index=True
    )
    actor_role: Mapped[str] = mapped_column(String(16))  # owner | admin | system
    # profile | confirm_work | reject_work | merge | merged_into | split | split_from |
    # claim_approved | claim_rejected | claim_revoked | unclaimed
    action: Mapped[str] = mapped_column(String(32))
    work_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("works.id", ondelete="SET NULL"))
    other_author_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("authors.id", ondelete="SET NULL")
    )
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        Index("ix_author_corrections_author_id", "author_id", "id"),
        {"sqlite_autoincrement": True},
    )
