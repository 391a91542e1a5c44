"""The OAI-PMH parser (`app.ingest.formats.oai`): real arXiv responses and made-up edge cases."""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.ingest.formats import detect_format, iter_records
from app.ingest.formats.oai import (
    MALFORMED_RESPONSE,
    NO_RECORDS_MATCH,
    OaiPage,
    iter_oai_file,
    parse_oai_page,
)
from app.ingest.records import DeletedRecord, RecordError, SourceFormat, WorkRecord, WorkVersion

CS = "oai-arXiv-listrecords-invenio-oaiharvester-set-cs.xml"
PHYSICS = "oai-arXiv-listrecords-invenio-oaiharvester-set-physics.xml"
WITH_NS = "oai-arXiv-getrecord-invenio-oaiharvester-0804.2273-with-namespace.xml"
NO_NS = "oai-arXiv-getrecord-invenio-oaiharvester-0804.2273-no-namespace.xml"
DC = "oai-oai_dc-getrecord-invenio-oaiharvester-1207.1019.xml"
NO_MATCH = "oai-arXiv-listrecords-invenio-oaiharvester-error-noRecordsMatch.xml"
INSPIRE_1305 = "oai-arXiv-getrecord-inspire-next-1305.0014.xml"
OLD_STYLE = "oai-arXiv-getrecord-inspire-next-physics_0112006.xml"


def _page(path: Path) -> OaiPage:
    return parse_oai_page(path.read_bytes())


def _works(page: OaiPage) -> dict[str, WorkRecord]:
    return {r.arxiv_id: r for r in page.records if isinstance(r, WorkRecord)}


# --- ListRecords, metadataPrefix=arXiv --------------------------------------------------


def test_cs_listrecords(arxiv_data: Path) -> None:
    page = _page(arxiv_data / CS)
    assert len(page.records) == 46
    assert all(isinstance(r, WorkRecord) for r in page.records)
    assert page.verb == "ListRecords"
    assert page.metadata_prefix == "arXiv"
    assert page.response_date == datetime(2016, 1, 18, 15, 33, 12, tzinfo=UTC)
    assert page.resumption_token is None  # SOURCES.md: none in this file
    assert page.error_code is None
    assert not page.failed
    assert not page.has_more

    works = list(_works(page).values())
    # Optional elements, counted in SOURCES.md.
    assert sum(r.updated is not None for r in works) == 16
    assert sum(r.comments is not None for r in works) == 34
    assert sum(r.journal_ref is not None for r in works) == 5
    assert sum(bool(r.dois) for r in works) == 8
    assert sum(r.acm_class is not None for r in works) == 4
    assert sum(r.msc_class is not None for r in works) == 3
    assert sum(bool(a.affiliations) for r in works for a in r.authors) == 5
    assert all(r.datestamp == date(2015, 1, 16) for r in works)
    assert all(r.versions == [] and r.created is not None for r in works)


def test_cs_records(arxiv_data: Path) -> None:
    works = _works(_page(arxiv_data / CS))
    first = works["1101.4388"]
    assert first.position == "record 1 (line 6)"
    assert first.title == "Reproducing Kernel Banach Spaces with the l1 Norm"
    assert first.categories == ["stat.ML", "cs.LG", "math.FA"]
    assert first.created == date(2011, 1, 23)
    assert first.updated == date(2012, 3, 28)
    assert first.datestamp == date(2015, 1, 16)
    assert first.journal_ref == "Appl. Comput. Harmon. Anal., 34:96-116, 2013"
    assert first.dois == ["10.1016/j.acha.2012.03.009"]
    assert first.license == "http://arxiv.org/licenses/nonexclusive-distrib/1.0/"
    assert [a.display for a in first.authors] == [
        "Guohui Song",
        "Haizhang Zhang",
        "Fred J. Hickernell",
    ]
    assert first.abstract.startswith("Targeting at sparse learning, we construct Banach")

    fusion = works["1207.1019"]
    assert [(a.family, a.given, a.affiliations) for a in fusion.authors] == [
        ("Morvant", "Emilie", ("LIF",)),
        ("Habrard", "Amaury", ("LAHC",)),
        ("Ayache", "Stéphane", ("LIF",)),
    ]
    families = {a.family for r in works.values() for a in r.authors}
    assert {"Holub", "Ayache", "Bizjak", "Röglin"} <= families
    assert works["1111.1546"].authors[1].display == "Heiko Röglin"


def test_physics_listrecords(arxiv_data: Path) -> None:
    page = _page(arxiv_data / PHYSICS)
    assert len(page.records) == 150
    works = _works(page)
    assert len(works) == 150
    assert sum(bool(a.affiliations) for r in works.values() for a in r.authors) == 58
    assert works["1411.2161"].authors[1].affiliations == (
        "Dept. of Astronomy - Yonsei University",
        "Yonsei University Observatory",
    )
    assert max(len(r.authors) for r in works.values()) == 16
    assert len(works["1501.03596"].authors) == 16

    collaborations = {
        r.arxiv_id: [a.family for a in r.authors if a.is_collaboration] for r in works.values()
    }
    assert collaborations["1409.3433"] == ["ATLAS Collaboration"]
    assert collaborations["1410.1154"] == ["CMS Collaboration"]
    assert collaborations["1309.3322"] == ["ALICE Collaboration"]
    assert collaborations["1501.03541"] == ["DarkSide Collaboration"]
    assert collaborations["1501.03554"] == ["VERITAS Collaboration"]

    suffixed = [(r.arxiv_id, a.display) for r in works.values() for a in r.authors if a.suffix]
    assert suffixed == [("1501.03491", "Edésio M. Barboza Jr.")]
    names = {a.display for r in works.values() for a in r.authors}
    assert {"Eoin Ó Colgáin", "Markus Deiß", "Ç. Ö. Girit"} <= names


def test_cross_listed_records_appear_in_both_sets(arxiv_data: Path) -> None:
    cs = _works(_page(arxiv_data / CS))
    physics = _works(_page(arxiv_data / PHYSICS))
    shared = {"1306.5042", "1310.6119", "1311.5932", "1410.1594", "1501.03577", "1501.03737"}
    assert set(cs) & set(physics) == shared
    for arxiv_id in shared:
        assert cs[arxiv_id].title == physics[arxiv_id].title
        assert cs[arxiv_id].categories == physics[arxiv_id].categories


# --- GetRecord variants -------------------------------------------------------------------


def test_namespaced_and_plain_documents_parse_alike(arxiv_data: Path) -> None:
    with_ns = _page(arxiv_data / WITH_NS)
    no_ns = _page(arxiv_data / NO_NS)
    assert with_ns.verb == no_ns.verb == "GetRecord"
    [a] = with_ns.records
    [b] = no_ns.records
    assert isinstance(a, WorkRecord)
    assert a == b
    assert a.arxiv_id == "0804.2273"
    assert a.title == "Object Re-Use & Exchange: A Resource-Centric Approach"
    assert a.categories == ["cs.DL", "cs.NI"]
    assert a.acm_class == "C.2.3"
    assert a.created == date(2008, 4, 14)
    assert [n.family for n in a.authors] == [
        "Lagoze",
        "Van de Sompel",
        "Nelson",
        "Warner",
        "Sanderson",
        "Johnston",
    ]


def test_pretty_printed_fields_are_trimmed_1305_0014(arxiv_data: Path) -> None:
    [r] = _page(arxiv_data / INSPIRE_1305).records
    assert isinstance(r, WorkRecord)
    assert r.title == (
        "Framework for maximum likelihood analysis of neutron beta decay observables to "
        "resolve the limits of the V-A law"
    )
    assert r.license == "http://arxiv.org/licenses/nonexclusive-distrib/1.0/"
    assert r.categories == ["hep-ph", "hep-lat", "nucl-ex", "nucl-th"]
    assert r.created == date(2013, 4, 30)
    assert r.updated == date(2013, 6, 28)
    assert r.datestamp == date(2013, 7, 2)


def test_old_style_id_physics_0112006(arxiv_data: Path) -> None:
    [r] = _page(arxiv_data / OLD_STYLE).records
    assert isinstance(r, WorkRecord)
    assert r.arxiv_id == "physics/0112006"
    assert r.license is None
    assert r.categories == ["physics.class-ph", "physics.gen-ph"]
    assert [(a.family, a.affiliations) for a in r.authors] == [
        ("Fiorentini", ("INFN, Sezione di Ferrara, Ferrara, Italy",)),
        ("Okun", ("ITEP, Moscow, Russia",)),
        ("Vysotsky", ("ITEP, Moscow, Russia",)),
    ]


def test_oai_dc_1207_1019_matches_its_arxiv_form(arxiv_data: Path) -> None:
    page = _page(arxiv_data / DC)
    assert page.metadata_prefix == "oai_dc"
    [dc] = page.records
    assert isinstance(dc, WorkRecord)
    assert dc.arxiv_id == "1207.1019"
    assert dc.categories == ["stat.ML", "cs.CV", "cs.LG", "cs.MM"]  # from dc:subject names
    assert dc.comments == "7 pages, Research report"
    assert dc.created == date(2012, 7, 4)
    assert dc.abstract.startswith("A lot of attention has been devoted to multimedia indexing")
    assert dc.abstract.endswith("on a real image benchmark.")
    arxiv_form = _works(_page(arxiv_data / CS))["1207.1019"]
    assert dc.title == arxiv_form.title
    assert dc.categories == arxiv_form.categories
    assert dc.abstract == arxiv_form.abstract
    assert [(a.family, a.given) for a in dc.authors] == [
        (a.family, a.given) for a in arxiv_form.authors
    ]


def test_error_responses(arxiv_data: Path) -> None:
    empty = _page(arxiv_data / NO_MATCH)
    assert empty.records == []
    assert empty.error_code == NO_RECORDS_MATCH
    assert empty.error_message is not None
    assert "paramaters" in empty.error_message  # arXiv's own typo, kept
    assert not empty.failed
    for name, fragment in [
        ("oai-arXiv-getrecord-inspire-next-error-idDoesNotExist-1305.9999.xml", "correct form"),
        ("oai-arXiv-getrecord-inspire-next-error-idDoesNotExist-malformed.xml", "Malformed"),
        ("oai-arXiv-getrecord-inspire-next-error-idDoesNotExist-versioned-id.xml", "'v1'"),
    ]:
        page = _page(arxiv_data / name)
        assert page.records == []
        assert page.error_code == "idDoesNotExist"
        assert page.failed
        assert fragment in (page.error_message or "")
        [error] = list(iter_records(arxiv_data / name))
        assert isinstance(error, RecordError)
        assert "idDoesNotExist" in error.reason
    assert list(iter_records(arxiv_data / NO_MATCH)) == []


def test_detect_format_of_oai_files(arxiv_data: Path) -> None:
    for name, fmt in [
        (CS, SourceFormat.OAI_ARXIV),
        (NO_NS, SourceFormat.OAI_ARXIV),
        (DC, SourceFormat.OAI_DC),
        (NO_MATCH, SourceFormat.OAI_ARXIV),
    ]:
        path = arxiv_data / name
        assert detect_format(path.read_bytes()[:8192], name) is fmt


def test_iter_oai_file_streams_a_file(arxiv_data: Path) -> None:
    with (arxiv_data / PHYSICS).open("rb") as f:
        results = list(iter_oai_file(f))
    assert len(results) == 150
    assert len(list(iter_records(arxiv_data / CS))) == 46


# --- made-up responses ----------------------------------------------------------------

OAI_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">\n'
    "<responseDate>2024-05-01T10:00:00Z</responseDate>\n"
)


def _arxiv_record(arxiv_id: str, title: str = "A title", datestamp: str = "2024-04-30") -> str:
    return (
        f"<record><header><identifier>oai:arXiv.org:{arxiv_id}</identifier>"
        f"<datestamp>{datestamp}</datestamp><setSpec>cs</setSpec></header>"
        '<metadata><arXiv xmlns="http://arxiv.org/OAI/arXiv/">'
        f"<id>{arxiv_id}</id><created>2024-04-29</created>"
        "<authors><author><keyname>Doe</keyname><forenames>Jane</forenames></author></authors>"
        f"<title>{title}</title><categories>cs.DL</categories>"
        "<abstract>  Text.\n</abstract></arXiv></metadata></record>\n"
    )


def test_deleted_record_and_resumption_token() -> None:
    xml = (
        OAI_HEAD
        + '<request verb="ListRecords" metadataPrefix="arXiv">http://export.arxiv.org/oai2</request>'
        + "<ListRecords>\n"
        + _arxiv_record("2404.00001")
        + '<record><header status="deleted"><identifier>oai:arXiv.org:2404.00002</identifier>'
        "<datestamp>2024-04-30</datestamp><setSpec>cs</setSpec></header></record>\n"
        + _arxiv_record("2404.00003")
        + '<resumptionToken cursor="1000" completeListSize="7002">4342418|2001</resumptionToken>'
        "</ListRecords></OAI-PMH>"
    )
    page = parse_oai_page(xml.encode())
    assert [type(r) for r in page.records] == [WorkRecord, DeletedRecord, WorkRecord]
    assert page.records[1] == DeletedRecord("2404.00002", date(2024, 4, 30), "record 2 (line 7)")
    assert page.resumption_token == "4342418|2001"
    assert page.cursor == 1000
    assert page.complete_list_size == 7002
    assert page.has_more
    assert page.response_date == datetime(2024, 5, 1, 10, tzinfo=UTC)


def test_last_page_has_an_empty_token() -> None:
    xml = (
        OAI_HEAD
        + "<ListRecords>"
        + _arxiv_record("2404.00001")
        + '<resumptionToken cursor="7001" completeListSize="7002"/></ListRecords></OAI-PMH>'
    )
    page = parse_oai_page(xml.encode())
    assert page.resumption_token is None
    assert (page.cursor, page.complete_list_size) == (7001, 7002)
    assert not page.has_more
    assert not page.failed


def test_arxiv_raw_record() -> None:
    xml = (
        OAI_HEAD + "<GetRecord><record><header><identifier>oai:arXiv.org:0704.0001</identifier>"
        "<datestamp>2008-11-13</datestamp><setSpec>physics:hep-ph</setSpec></header><metadata>"
        '<arXivRaw xmlns="http://arxiv.org/OAI/arXivRaw/">'
        "<id>0704.0001</id><submitter>Pavel Nadolsky</submitter>"
        '<version version="v1"><date>Mon, 2 Apr 2007 19:18:42 GMT</date><size>424kb</size>'
        "<source_type>D</source_type></version>"
        '<version version="v2"><date>Tue, 24 Jul 2007 20:10:27 GMT</date><size>430kb</size>'
        "<source_type>D</source_type></version>"
        "<title>Calculation of prompt diphoton production cross sections at Tevatron and\n"
        "  LHC energies</title>"
        "<authors>C. Bal\\'azs, E. L. Berger, P. M. Nadolsky, C.-P. Yuan</authors>"
        "<categories>hep-ph</categories><comments>37 pages, 15 figures; published version"
        "</comments><report-no>ANL-HEP-PR-07-12</report-no>"
        "<journal-ref>Phys.Rev.D76:013009,2007</journal-ref>"
        "<doi>10.1103/PhysRevD.76.013009</doi>"
        "<abstract>  A fully differential calculation.\n</abstract>"
        "</arXivRaw></metadata></record></GetRecord></OAI-PMH>"
    )
    [r] = parse_oai_page(xml.encode()).records
    assert isinstance(r, WorkRecord)
    assert r.arxiv_id == "0704.0001"
    assert r.versions == [
        WorkVersion(1, datetime(2007, 4, 2, 19, 18, 42, tzinfo=UTC)),
        WorkVersion(2, datetime(2007, 7, 24, 20, 10, 27, tzinfo=UTC)),
    ]
    assert r.created == date(2007, 4, 2)
    assert r.updated == date(2007, 7, 24)
    assert r.title == (
        "Calculation of prompt diphoton production cross sections at Tevatron and LHC energies"
    )
    assert [a.display for a in r.authors] == [
        "C. Balázs",
        "E. L. Berger",
        "P. M. Nadolsky",
        "C.-P. Yuan",
    ]
    assert r.authors[0].raw == "C. Bal\\'azs"
    assert r.submitter == "Pavel Nadolsky"
    assert r.report_no == "ANL-HEP-PR-07-12"
    assert detect_format(xml.encode()[:8192]) is SourceFormat.OAI_ARXIV_RAW


def test_bad_records_do_not_stop_the_page() -> None:
    xml = (
        OAI_HEAD
        + "<ListRecords>\n"
        + _arxiv_record("2404.00001")
        + _arxiv_record("2404.00002", datestamp="2024-02-31")  # impossible datestamp
        + _arxiv_record("2404.00003", title="")  # no title
        + "<record><header><identifier>oai:arXiv.org:not-an-id</identifier></header></record>\n"
        + "<record><header><identifier>oai:arXiv.org:2404.00005</identifier></header>"
        "<metadata><marc xmlns='urn:x'/></metadata></record>\n"
        + "<record><header><identifier>oai:arXiv.org:2404.00006</identifier></header></record>\n"
        + _arxiv_record("2404.00007")
        + "</ListRecords></OAI-PMH>"
    )
    page = parse_oai_page(xml.encode())
    assert not page.failed
    kinds = [type(r).__name__ for r in page.records]
    assert kinds == [
        "WorkRecord",
        "RecordError",
        "RecordError",
        "RecordError",
        "RecordError",
        "RecordError",
        "WorkRecord",
    ]
    errors = [r for r in page.records if isinstance(r, RecordError)]
    assert [e.position.split(" (")[0] for e in errors] == [
        "record 2",
        "record 3",
        "record 4",
        "record 5",
        "record 6",
    ]
    assert "impossible date" in errors[0].reason
    assert errors[0].source_id == "2404.00002"
    assert "missing title" in errors[1].reason
    assert "malformed arXiv id" in errors[2].reason
    assert "unsupported metadata format <marc>" in errors[3].reason
    assert "no <metadata>" in errors[4].reason


@lru_cache(maxsize=2)
def _bytes(path: Path) -> bytes:
    return path.read_bytes()


def test_truncated_response_keeps_complete_records(arxiv_data: Path) -> None:
    data = _bytes(arxiv_data / CS)
    cut = data.index(b"<identifier>oai:arXiv.org:", data.index(b"1207.1019")) + 40
    page = parse_oai_page(data[:cut])
    assert [r.arxiv_id for r in page.records if isinstance(r, WorkRecord)] == [
        "1101.4388",
        "1111.1546",
        "1207.1019",
    ]
    error = page.records[-1]
    assert isinstance(error, RecordError)
    assert error.position.startswith("line ")
    assert "after 3 complete record(s)" in error.reason
    assert page.failed
    assert page.error_code == MALFORMED_RESPONSE
    assert page.resumption_token is None


@pytest.mark.parametrize(
    "garbage",
    [b"", b"\x00\xff\xfe garbage", b"<html><body>502 Bad Gateway</body></html>", b"{}", b"<a>"],
)
def test_garbage_is_a_failed_page_not_an_exception(garbage: bytes) -> None:
    page = parse_oai_page(garbage)
    assert page.failed
    assert page.error_code == MALFORMED_RESPONSE
    assert all(isinstance(r, RecordError) for r in page.records)


def test_entities_are_not_expanded() -> None:
    xml = (
        b'<?xml version="1.0"?><!DOCTYPE OAI-PMH [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<OAI-PMH><ListRecords>"
        + _arxiv_record("2404.00001", title="t &x; t").encode()
        + b"</ListRecords></OAI-PMH>"
    )
    page = parse_oai_page(xml)
    for r in page.records:
        if isinstance(r, WorkRecord):
            assert "root:" not in r.title


# --- properties -----------------------------------------------------------------------

_KINDS = (WorkRecord, DeletedRecord, RecordError)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=500))
def test_random_bytes_never_raise(data: bytes) -> None:
    page = parse_oai_page(data)
    assert all(isinstance(r, _KINDS) for r in page.records)
    assert page.failed


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(cut=st.integers(0, 86019), flip=st.integers(0, 86018), byte=st.integers(0, 255))
def test_cut_and_corrupted_real_pages_never_raise(
    arxiv_data: Path, cut: int, flip: int, byte: int
) -> None:
    data = bytearray(_bytes(arxiv_data / CS))
    flip %= len(data)
    data[flip] = byte
    page = parse_oai_page(bytes(data[: cut % (len(data) + 1)]))
    assert all(isinstance(r, _KINDS) for r in page.records)
    works = [r for r in page.records if isinstance(r, WorkRecord)]
    assert len(works) <= 46
    for r in works:
        assert r.arxiv_id
        assert r.title
