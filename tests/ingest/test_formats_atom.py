"""The arXiv API Atom parser (`app.ingest.formats.atom`)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from app.ingest.enrich import work_type
from app.ingest.formats import detect_format, iter_records
from app.ingest.formats.atom import parse_atom_feed
from app.ingest.records import RecordError, SourceFormat, WorkRecord, WorkVersion

FEED = "atom-api-query-xiv-cat-cs.RO.xml"


def test_real_feed(arxiv_data: Path) -> None:
    data = (arxiv_data / FEED).read_bytes()
    assert detect_format(data[:8192], FEED) is SourceFormat.ATOM
    page = parse_atom_feed(data)
    assert page.total_results == 5619
    assert page.start_index == 0
    assert page.items_per_page == 2
    assert page.updated == datetime(2025, 10, 17, 4, tzinfo=UTC)  # 00:00 at -04:00
    assert page.error_message is None
    first, second = page.records
    assert isinstance(first, WorkRecord)
    assert isinstance(second, WorkRecord)

    assert first.arxiv_id == "2510.14968"
    assert first.position == "entry 1 (line 10)"
    assert first.title == (
        "RDD: Retrieval-Based Demonstration Decomposer for Planner Alignment in Long-Horizon Tasks"
    )
    assert first.abstract.startswith("To tackle long-horizon tasks, recent hierarchical")
    assert first.versions == [WorkVersion(1, datetime(2025, 10, 16, 17, 59, 37, tzinfo=UTC))]
    assert first.created == date(2025, 10, 16)
    assert first.updated == date(2025, 10, 16)
    assert first.categories == ["cs.RO", "cs.AI", "cs.CV", "cs.LG", "cs.SY", "eess.SY"]
    assert first.comments == (
        "39th Conference on Neural Information Processing Systems (NeurIPS 2025); "
        "Project Website: rdd-neurips.github.io"
    )
    assert first.journal_ref is None
    assert first.dois == []
    assert [a.display for a in first.authors] == [
        "Mingxuan Yan",
        "Yuping Wang",
        "Zechun Liu",
        "Jiachen Li",
    ]
    # A conference is named, but nothing says it was published yet.
    assert work_type(first) == "preprint"

    assert second.arxiv_id == "2510.14827"
    assert second.categories == ["cs.RO"]
    assert second.comments is None
    assert len(second.authors) == 6
    assert second.authors[1].display == "Shih-Min Yang"
    assert list(iter_records(arxiv_data / FEED)) == page.records


FEED_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom" '
    'xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">\n'
    "<opensearch:totalResults>1</opensearch:totalResults>\n"
)


def test_later_version_with_affiliation_doi_and_journal_ref() -> None:
    xml = (
        FEED_HEAD + "<entry><id>http://arxiv.org/abs/hep-th/9901001v3</id>"
        "<updated>2001-05-02T10:00:00Z</updated><published>1999-01-04T09:00:00Z</published>"
        "<title>An old\n  paper</title><summary>  Old.\n</summary>"
        "<author><name>Neal J. Evans II</name><arxiv:affiliation>UT Austin</arxiv:affiliation>"
        "</author><author><name>The BABAR Collaboration</name></author>"
        "<arxiv:doi>10.1103/PhysRevD.60.1</arxiv:doi>"
        "<arxiv:journal_ref>Phys.Rev.D60:1,1999</arxiv:journal_ref>"
        '<arxiv:primary_category term="hep-th"/><category term="gr-qc"/>'
        '<category term="hep-th"/></entry></feed>'
    )
    page = parse_atom_feed(xml.encode())
    assert page.total_results == 1
    [r] = page.records
    assert isinstance(r, WorkRecord)
    assert r.arxiv_id == "hep-th/9901001"
    assert r.title == "An old paper"
    assert r.versions == [
        WorkVersion(1, datetime(1999, 1, 4, 9, tzinfo=UTC)),
        WorkVersion(3, datetime(2001, 5, 2, 10, tzinfo=UTC)),
    ]
    assert r.categories == ["hep-th", "gr-qc"]
    evans, babar = r.authors
    assert (evans.family, evans.given, evans.suffix, evans.affiliations) == (
        "Evans",
        "Neal J.",
        "II",
        ("UT Austin",),
    )
    assert babar.is_collaboration
    assert babar.family == "BABAR Collaboration"
    assert r.dois == ["10.1103/PhysRevD.60.1"]
    assert r.journal_ref == "Phys.Rev.D60:1,1999"
    assert work_type(r) == "article"


def test_api_error_entry() -> None:
    xml = (
        FEED_HEAD + "<entry><id>http://arxiv.org/api/errors#incorrect_id_format_for_1234</id>"
        "<title>Error</title><summary>incorrect id format for 1234</summary></entry></feed>"
    )
    page = parse_atom_feed(xml.encode())
    assert page.error_message == "incorrect id format for 1234"
    [error] = page.records
    assert isinstance(error, RecordError)
    assert error.position == "entry 1 (line 4)"


def test_bad_entry_and_broken_feed() -> None:
    good = (
        "<entry><id>http://arxiv.org/abs/2510.14827v1</id><title>T</title>"
        '<published>2025-10-16T16:04:01Z</published><category term="cs.RO"/></entry>'
    )
    bad = "<entry><id>http://arxiv.org/abs/2510.1</id><title>T</title></entry>"
    page = parse_atom_feed((FEED_HEAD + good + bad + good + "</feed>").encode())
    assert [type(r).__name__ for r in page.records] == ["WorkRecord", "RecordError", "WorkRecord"]
    error = page.records[1]
    assert isinstance(error, RecordError)
    assert error.position == "entry 2 (line 4)"
    assert "malformed arXiv id" in error.reason

    broken = parse_atom_feed((FEED_HEAD + good + "<entry><id>http://arxiv.org/ab").encode())
    assert isinstance(broken.records[0], WorkRecord)
    assert isinstance(broken.records[-1], RecordError)
    assert broken.error_message is not None


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_never_raise(data: bytes) -> None:
    page = parse_atom_feed(data)
    assert all(isinstance(r, RecordError) for r in page.records)
