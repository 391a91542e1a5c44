"""Works, their ordered authorships and their topics."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, BigId, Timestamped


class Work(Timestamped, Base):
    __tablename__ = "works"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    arxiv_id: Mapped[str] = mapped_column(String(40), unique=True)
    arxiv_version: Mapped[int | None] = mapped_column(Integer)
    # First DOI, lowercased (DOIs are case-insensitive); all DOIs as written in `dois`.
    doi: Mapped[str | None] = mapped_column(String(255), index=True)
    dois: Mapped[list[str] | None] = mapped_column(JSON)
    title: Mapped[str] = mapped_column(Text)
    title_plain: Mapped[str] = mapped_column(Text)
    abstract: Mapped[str] = mapped_column(Text, default="")
    abstract_plain: Mapped[str] = mapped_column(Text, default="")
    type: Mapped[str] = mapped_column(String(32), index=True)
    publication_date: Mapped[date | None] = mapped_column(Date)
    year: Mapped[int | None] = mapped_column(Integer)
    venue: Mapped[str | None] = mapped_column(String(500))
    journal_ref: Mapped[str | None] = mapped_column(Text)
    comments: Mapped[str | None] = mapped_column(Text)
    report_no: Mapped[str | None] = mapped_column(Text)
    license: Mapped[str | None] = mapped_column(String(255))
    submitter: Mapped[str | None] = mapped_column(String(500))
    primary_category: Mapped[str | None] = mapped_column(String(64), index=True)
    categories: Mapped[str] = mapped_column(String(500), default="")  # primary first
    versions: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    source_updated: Mapped[date | None] = mapped_column(Date)
    is_withdrawn: Mapped[bool] = mapped_column(Boolean, default=False)
    is_deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    authors_count: Mapped[int] = mapped_column(Integer, default=0)
    # Hash of the parsed record: a re-ingested record with the same hash is left untouched.
    content_hash: Mapped[str] = mapped_column(String(32), default="")

    __table_args__ = (
        Index("ix_works_year_id", "year", "id"),
        Index("ix_works_publication_date_id", "publication_date", "id"),
        {"sqlite_autoincrement": True},
    )


class Authorship(Base):
    __tablename__ = "authorships"

    work_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("works.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    author_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("authors.id", ondelete="SET NULL")
    )
    raw_name: Mapped[str] = mapped_column(String(1000))
    display_name: Mapped[str] = mapped_column(String(500))
    affiliations: Mapped[list[str] | None] = mapped_column(JSON)

    __table_args__ = (Index("ix_authorships_author_id", "author_id", "work_id"),)


class WorkTopic(Base):
    __tablename__ = "work_topics"

    work_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("works.id", ondelete="CASCADE"), primary_key=True
    )
    topic_id: Mapped[int] = mapped_column(
        ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True
    )
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (Index("ix_work_topics_topic_id", "topic_id", "work_id"),)
