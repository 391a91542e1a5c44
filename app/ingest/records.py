"""Plain records that every ingestion format parses into.

The parsers in `app.ingest.formats` turn bytes into these objects and nothing else: no
database, no web code. The pipeline (`app.ingest.pipeline`) turns them into rows. Keeping
this boundary means a new format is a new parser, and the rules about types, venues and
dates live in one place (`app.ingest.enrich`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum


class SourceFormat(StrEnum):
    SNAPSHOT = "snapshot"
    OAI_ARXIV = "oai-arXiv"
    OAI_ARXIV_RAW = "oai-arXivRaw"
    OAI_DC = "oai-oai_dc"
    ATOM = "atom"


@dataclass(frozen=True, slots=True)
class ParsedName:
    """One author as written on one paper, decoded.

    `raw` is exactly what the source wrote (kept on the authorship); the other fields are
    the decoded, unicode-normalised (NFC) parts. A collaboration ("ATLAS Collaboration")
    has `is_collaboration` set, its whole name in `family` and an empty `given`.
    """

    raw: str
    family: str
    given: str = ""
    suffix: str = ""
    affiliations: tuple[str, ...] = ()
    is_collaboration: bool = False

    @property
    def display(self) -> str:
        parts = [self.given, self.family]
        name = " ".join(p for p in parts if p)
        return f"{name} {self.suffix}" if self.suffix else name


@dataclass(frozen=True, slots=True)
class WorkVersion:
    version: int  # 1 for "v1"
    created: datetime  # timezone-aware, UTC


@dataclass(slots=True)
class WorkRecord:
    """One arXiv paper as a source describes it.

    `arxiv_id` never carries a version ("0704.0001", "physics/0112006"); `versions` holds
    what the source knows about them, oldest first (may be empty for formats that do not
    list versions, then `created` gives the first-version date where known).
    """

    arxiv_id: str
    title: str
    abstract: str
    authors: list[ParsedName]
    categories: list[str]  # primary first, no duplicates
    versions: list[WorkVersion] = field(default_factory=list)
    created: date | None = None  # first-version date when `versions` is empty
    updated: date | None = None  # arXiv's last-update date (snapshot `update_date`, OAI `updated`)
    dois: list[str] = field(default_factory=list)
    journal_ref: str | None = None
    comments: str | None = None
    report_no: str | None = None
    license: str | None = None
    submitter: str | None = None
    acm_class: str | None = None
    msc_class: str | None = None
    datestamp: date | None = None  # OAI header datestamp, drives incremental harvesting
    position: str = ""  # where in the input it came from: "line 12", "record 3"


@dataclass(frozen=True, slots=True)
class DeletedRecord:
    """An OAI-PMH header with status="deleted": the work is withdrawn from the source."""

    arxiv_id: str
    datestamp: date | None
    position: str


@dataclass(frozen=True, slots=True)
class RecordError:
    """A record that could not be parsed. The run reports it and goes on."""

    position: str  # "line 17", "record 4 (byte 10233)"
    reason: str
    source_id: str | None = None  # the arXiv id when it could be read


ParseResult = WorkRecord | DeletedRecord | RecordError
