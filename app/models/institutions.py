"""Institutions named in affiliations, with where the link came from."""

from __future__ import annotations

from sqlalchemy import ForeignKey, ForeignKeyConstraint, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, BigId, Timestamped


class Institution(Timestamped, Base):
    __tablename__ = "institutions"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(500))
    # Lowercased, accent- and punctuation-folded name: the de-duplication key.
    name_key: Mapped[str] = mapped_column(String(500), unique=True)
    country: Mapped[str | None] = mapped_column(String(2))
    provenance: Mapped[str] = mapped_column(String(16), default="imported")
    works_count: Mapped[int] = mapped_column(Integer, default=0)
    authors_count: Mapped[int] = mapped_column(Integer, default=0)


class AuthorshipInstitution(Base):
    """An institution named in one authorship's affiliation: who was where, on which work."""

    __tablename__ = "authorship_institutions"

    work_id: Mapped[int] = mapped_column(BigId, primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    institution_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("institutions.id", ondelete="CASCADE"), primary_key=True
    )

    __table_args__ = (
        ForeignKeyConstraint(
            ["work_id", "position"],
            ["authorships.work_id", "authorships.position"],
            ondelete="CASCADE",
        ),
        Index("ix_authorship_institutions_institution_id", "institution_id", "work_id"),
    )
