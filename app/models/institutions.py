"""Institutions named in affiliations, with where the link came from."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, Integer, String
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


class WorkInstitution(Base):
    __tablename__ = "work_institutions"

    work_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("works.id", ondelete="CASCADE"), primary_key=True
    )
    institution_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("institutions.id", ondelete="CASCADE"), primary_key=True
    )

    __table_args__ = (Index("ix_work_institutions_institution_id", "institution_id", "work_id"),)
