"""The arXiv category taxonomy as rows: groups > archives > categories."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class Topic(Base):
    __tablename__ = "topics"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(16))  # group | archive | category
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("topics.id"), index=True)
    group_code: Mapped[str] = mapped_column(String(64))
    archive_code: Mapped[str | None] = mapped_column(String(64))
    legacy: Mapped[bool] = mapped_column(Boolean, default=False)
    works_count: Mapped[int] = mapped_column(Integer, default=0)
    authors_count: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (Index("ix_topics_works_count_id", "works_count", "id"),)
