"""Plain records that every ingestion format parses into.

The parsers in `app.ingest.formats` turn bytes into these objects and nothing else: no
database, no web code. The pipeline (`app.ingest.pipeline`) turns them into rows. Keeping
this boundary means a new format is a new parser, and the rules about types, venues and
dates live in one place (`app.ingest.enrich`).

Merging a record into a stored work (`merge_stored`): formats differ in what they can say.
oai_dc has no licence, report number, submitter, version list or affiliations; the arXiv
OAI format has no version list or submitter; the Atom feed has no licence, report number
or submitter and lists only v1 and the latest version. A record parsed from a format that
cannot express a field says nothing about it, so the stored value is kept rather than
nulled (`FIELDS_NOT_CARRIED`). A field the format does carry is taken as the record says,
empty included: an arXiv-format record without `<license>` means the paper has none.
Versions from a format that lists only some of them are added to the stored ones, never
replace them. The merged record is what gets hashed and stored, so re-ingesting the same
input merges to the same record and changes nothing; ingesting the richer form again
afterwards brings its own values back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Final


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
    # The format it was parsed from; None (records built in code) means every field is
    # carried. Provenance, not content: not compared, not hashed.
    source_format: SourceFormat | None = field(default=None, compare=False)


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


# Fields (WorkRecord attributes, plus "affiliations" of the authors) each format cannot
# express at all; see the module docstring. The snapshot and arXivRaw carry everything that
# is stored: their free-text author string holds the affiliations arXiv knows.
FIELDS_NOT_CARRIED: Final[Mapping[SourceFormat, frozenset[str]]] = {
    SourceFormat.SNAPSHOT: frozenset(),
    SourceFormat.OAI_ARXIV_RAW: frozenset(),
    SourceFormat.OAI_ARXIV: frozenset({"versions", "submitter"}),
    SourceFormat.OAI_DC: frozenset(
        {"versions", "license", "report_no", "submitter", "affiliations"}
    ),
    SourceFormat.ATOM: frozenset({"license", "report_no", "submitter"}),
}
# Formats whose version list is a subset of the real one (Atom: v1 and the latest only).
VERSIONS_PARTIAL: Final = frozenset({SourceFormat.ATOM})


def fields_not_carried(record: WorkRecord) -> frozenset[str]:
    """What `record`'s format cannot say; empty when nothing needs the stored work."""
    if record.source_format is None:
        return frozenset()
    missing = FIELDS_NOT_CARRIED[record.source_format]
    if record.source_format in VERSIONS_PARTIAL:
        missing = missing | {"versions"}
    return missing


@dataclass(frozen=True, slots=True)
class StoredWork:
    """The part of a stored work that a merge may keep (read back by the pipeline)."""

    license: str | None = None
    report_no: str | None = None
    submitter: str | None = None
    versions: tuple[WorkVersion, ...] = ()
    affiliations: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # by display name


def merge_stored(record: WorkRecord, stored: StoredWork) -> WorkRecord:
    """`record` with the fields its format does not carry taken from `stored`.

    Pure and deterministic; a record that carries everything is returned as it is.
    Affiliations are kept per author, matched by the decoded display name; an author the
    stored work did not have keeps what the record says (nothing).
    """
    missing = fields_not_carried(record)
    if not missing:
        return record
    changes: dict[str, object] = {}
    for name in ("license", "report_no", "submitter"):
        if name in missing:
            changes[name] = getattr(stored, name)
    if "versions" in missing and stored.versions:
        by_number = {v.version: v for v in stored.versions}
        if record.source_format in VERSIONS_PARTIAL:
            by_number.update({v.version: v for v in record.versions})
        changes["versions"] = [by_number[n] for n in sorted(by_number)]
    if "affiliations" in missing and stored.affiliations:
        changes["authors"] = [
            replace(a, affiliations=stored.affiliations.get(a.display, a.affiliations))
            if not a.affiliations
            else a
            for a in record.authors
        ]
    return replace(record, **changes) if changes else record  # type: ignore[arg-type]
