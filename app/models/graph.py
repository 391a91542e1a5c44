"""Coauthor edges, stored in both directions so one index range serves an author's ties."""

from __future__ import annotations

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer
from sqlalchemy.orm import Mapped, column_property, mapped_column

from app.models.base import Base, BigId


class CoauthorEdge(Base):
    __tablename__ = "coauthor_edges"

    author_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("authors.id", ondelete="CASCADE"), primary_key=True
    )
    coauthor_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("authors.id", ondelete="CASCADE"), primary_key=True
    )
    shared_works: Mapped[int] = mapped_column(Integer)
    first_year: Mapped[int | None] = mapped_column(Integer)
    last_year: Mapped[int | None] = mapped_column(Integer)
    # Sum over shared works of 1/(n_authors - 1): a 3-author paper counts far more than a
    # 40-author one (Newman's collaboration weight).
    strength: Mapped[float] = mapped_column(Float)
    is_close: Mapped[bool] = mapped_column(Boolean, default=False)
    # One integer per ordered pair: the tie-break that makes cursor paging over edges total.
    pair_key: Mapped[int] = column_property(
        author_id.column * 4_294_967_296 + coauthor_id.column  # type: ignore[attr-defined]
    )

    __table_args__ = (
        Index("ix_coauthor_edges_author_strength", "author_id", "strength"),
        Index("ix_coauthor_edges_coauthor_id", "coauthor_id"),
    )
