"""The merge rule for a record arriving after a richer one (`app.ingest.records`), pure."""

from __future__ import annotations

from datetime import UTC, datetime

from app.ingest.records import (
    ParsedName,
    SourceFormat,
    StoredWork,
    WorkRecord,
    WorkVersion,
    merge_stored,
)

V1 = WorkVersion(1, datetime(2007, 4, 2, 19, 18, 42, tzinfo=UTC))
V2 = WorkVersion(2, datetime(2007, 7, 24, 20, 10, 27, tzinfo=UTC))
V3 = WorkVersion(3, datetime(2008, 1, 5, 9, 0, tzinfo=UTC))
STORED = StoredWork(
    license="http://arxiv.org/licenses/nonexclusive-distrib/1.0/",
    report_no="ANL-HEP-PR-07-12",
    submitter="Pavel Nadolsky",
    versions=(V1, V2, V3),
    affiliations={"C. Balázs": ("Argonne",)},
)


def _record(fmt: SourceFormat | None, **fields: object) -> WorkRecord:
    base: dict[str, object] = {
        "arxiv_id": "0704.0001",
        "title": "T",
        "abstract": "A",
        "authors": [
            ParsedName("C. Bal\\'azs", "Balázs", "C."),
            ParsedName("E. Berger", "Berger", "E."),
        ],
        "categories": ["hep-ph"],
        "source_format": fmt,
    }
    return WorkRecord(**{**base, **fields})  # type: ignore[arg-type]


def test_oai_dc_keeps_what_it_cannot_say() -> None:
    merged = merge_stored(_record(SourceFormat.OAI_DC), STORED)
    assert merged.license == STORED.license
    assert merged.report_no == STORED.report_no
    assert merged.submitter == STORED.submitter
    assert merged.versions == [V1, V2, V3]
    assert [a.affiliations for a in merged.authors] == [("Argonne",), ()]


def test_a_field_the_format_carries_is_taken_as_it_is_even_empty() -> None:
    # The arXiv format has <license> and <report-no>: their absence means none.
    merged = merge_stored(_record(SourceFormat.OAI_ARXIV), STORED)
    assert merged.license is None
    assert merged.report_no is None
    assert merged.submitter == STORED.submitter  # it has no <submitter> element
    assert merged.versions == [V1, V2, V3]  # nor a version list
    assert [a.affiliations for a in merged.authors] == [(), ()]  # it has <affiliation>


def test_atom_versions_are_added_to_the_stored_ones() -> None:
    later = WorkVersion(4, datetime(2009, 3, 1, tzinfo=UTC))
    merged = merge_stored(_record(SourceFormat.ATOM, versions=[V1, later]), STORED)
    assert merged.versions == [V1, V2, V3, later]
    assert merged.license == STORED.license


def test_rich_formats_and_records_built_in_code_are_left_alone() -> None:
    for fmt in (SourceFormat.SNAPSHOT, SourceFormat.OAI_ARXIV_RAW, None):
        record = _record(fmt)
        assert merge_stored(record, STORED) is record


def test_merging_twice_is_merging_once() -> None:
    once = merge_stored(_record(SourceFormat.OAI_DC), STORED)
    stored_after = StoredWork(
        license=once.license,
        report_no=once.report_no,
        submitter=once.submitter,
        versions=tuple(once.versions),
        affiliations={a.display: a.affiliations for a in once.authors if a.affiliations},
    )
    assert merge_stored(_record(SourceFormat.OAI_DC), stored_after) == once
