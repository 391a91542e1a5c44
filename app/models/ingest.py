"""Records of ingestion runs and of OAI-PMH harvesting progress."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, Float, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, BigId, UTCDateTime, utcnow


class IngestRun(Base):
    __tablename__ = "ingest_runs"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(Text)
    format: Mapped[str] = mapped_column(String(32))
    # sha256 of the input's identity (path, size, mtime, head): a rerun of the same
    # input finds its unfinished run and resumes from the checkpoint.
    fingerprint: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(16), default="running")  # running|done|failed
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checkpoint: Mapped[int] = mapped_column(Integer, default=0)  # records fully committed
    # Highest author id before the run: ids above it were created by this run, which a
    # resumed run needs to rebuild its disambiguation state exactly.
    author_id_floor: Mapped[int] = mapped_column(BigId, default=0)
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    errors_path: Mapped[str | None] = mapped_column(Text)
    seconds: Mapped[float] = mapped_column(Float, default=0.0)


class HarvestState(Base):
    __tablename__ = "harvest_states"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    base_url: Mapped[str] = mapped_column(String(1000))
    metadata_prefix: Mapped[str] = mapped_column(String(32))
    set_spec: Mapped[str] = mapped_column(String(200), default="")
    last_datestamp: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("base_url", "metadata_prefix", "set_spec"),)
