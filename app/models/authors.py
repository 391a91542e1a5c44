"""Author records: identity, profile, claim/verification/trust state and profile counts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, BigId, Timestamped, UTCDateTime


class Author(Timestamped, Base):
    __tablename__ = "authors"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    display_name: Mapped[str] = mapped_column(String(500))
    family_name: Mapped[str] = mapped_column(String(300), default="")
    # Ascii-folded family name + first initial: the blocking key of disambiguation.
    name_key: Mapped[str] = mapped_column(String(200), index=True)
    # Display name and every variant, with and without accents: what name search matches.
    search_names: Mapped[str] = mapped_column(Text, default="")
    is_collaboration: Mapped[bool] = mapped_column(Boolean, default=False)
    orcid: Mapped[str | None] = mapped_column(String(19), unique=True)
    tagline: Mapped[str | None] = mapped_column(String(300))
    bio: Mapped[str | None] = mapped_column(Text)
    homepage: Mapped[str | None] = mapped_column(String(500))
    open_to_collaborate: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    # The latest affiliation and where it came from: none | imported | stated.
    affiliation: Mapped[str | None] = mapped_column(String(500))
    affiliation_provenance: Mapped[str] = mapped_column(String(16), default="none")

    claim_status: Mapped[str] = mapped_column(String(16), default="unclaimed", index=True)
    verification_level: Mapped[int] = mapped_column(Integer, default=0, index=True)

    trust_score: Mapped[int] = mapped_column(Integer, default=0)
    trust_tier: Mapped[str | None] = mapped_column(String(32))
    trust_components: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    trust_model_version: Mapped[str | None] = mapped_column(String(64))
    trust_computed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    works_count: Mapped[int] = mapped_column(Integer, default=0)
    followers_count: Mapped[int] = mapped_column(Integer, default=0)
    topics_count: Mapped[int] = mapped_column(Integer, default=0)
    coauthors_count: Mapped[int] = mapped_column(Integer, default=0)
    close_collaborators_count: Mapped[int] = mapped_column(Integer, default=0)
    first_year: Mapped[int | None] = mapped_column(Integer)
    last_year: Mapped[int | None] = mapped_column(Integer)

    # Set when this record was merged into another: its id then answers 301 to the survivor.
    merged_into_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("authors.id", ondelete="SET NULL"), index=True
    )

    __table_args__ = (
        Index("ix_authors_works_count_id", "works_count", "id"),
        Index("ix_authors_trust_score_id", "trust_score", "id"),
        Index("ix_authors_followers_count_id", "followers_count", "id"),
        Index("ix_authors_display_name_id", "display_name", "id"),
        Index("ix_authors_last_year_id", "last_year", "id"),
        {"sqlite_autoincrement": True},
    )


class AuthorNameVariant(Base):
    __tablename__ = "author_name_variants"

    author_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("authors.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(500), primary_key=True)
    works_count: Mapped[int] = mapped_column(Integer, default=0)


class AuthorAffiliation(Base):
    __tablename__ = "author_affiliations"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    author_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("authors.id", ondelete="CASCADE"), index=True
    )
    institution_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("institutions.id", ondelete="SET NULL"), index=True
    )
    name: Mapped[str] = mapped_column(String(500))
    start_year: Mapped[int | None] = mapped_column(Integer)
    end_year: Mapped[int | None] = mapped_column(Integer)
    provenance: Mapped[str] = mapped_column(String(16), default="imported")  # imported | stated
    works_count: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (UniqueConstraint("author_id", "name", "provenance"),)


class AuthorTopic(Base):
    """How many of an author's works carry a topic: the author's topic profile."""

    __tablename__ = "author_topics"

    author_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("authors.id", ondelete="CASCADE"), primary_key=True
    )
    topic_id: Mapped[int] = mapped_column(
        ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True
    )
    works_count: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (Index("ix_author_topics_topic_id", "topic_id", "works_count"),)


class AuthorTrustHistory(Base):
    """Every change of an author's trust score or model version, oldest first."""

    __tablename__ = "author_trust_history"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    author_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("authors.id", ondelete="CASCADE"), index=True
    )
    score: Mapped[int] = mapped_column(Integer)
    tier: Mapped[str] = mapped_column(String(32))
    model_version: Mapped[str] = mapped_column(String(64))
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime)
