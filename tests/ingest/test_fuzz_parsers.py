"""Hostile input for every ingestion parser (issue 7).

Each parser (snapshot JSON Lines, OAI-PMH in the arXiv, arXivRaw and oai_dc formats, arXiv
API Atom) gets random bytes and real records from `../shared/data/arxiv/` mutated the ways
broken exports and hostile servers break them: truncated, bytes flipped, fields dropped or
repeated, values of the wrong type, invalid XML, entity bombs, huge fields. The contract
(docs and `app/ingest/formats`): nothing raises; a bad record becomes a `RecordError` with a
position (a line, a record or entry number) and a reason, and the rest go on; what comes out
as a `WorkRecord` is fit to be written to either database.

A `RecordError` whose reason starts "unexpected error" means the parser's last-resort guard
caught a bug, so it fails the test too.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import Any, Final

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree  # type: ignore[import-untyped, unused-ignore]
from sqlalchemy import String

from app.ingest.formats import iter_records
from app.ingest.formats.atom import parse_atom_feed
from app.ingest.formats.common import MAX_VERSION, STORED_WIDTHS, parse_arxiv_id
from app.ingest.formats.oai import parse_oai_page
from app.ingest.formats.snapshot import SNAPSHOT_FIELDS, iter_snapshot
from app.ingest.records import DeletedRecord, ParseResult, RecordError, WorkRecord
from app.models import Work
from tests.ingest.conftest import ARXIV_DATA

FUZZ: Final = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# Where a problem is: "line 12", "record 3 (line 40)", "entry 2 (line 9)", or the whole
# "document" / "file" when the damage is not in any one record.
POSITION: Final = re.compile(
    r"^(line (\d+|\?)|record \d+( \(line \d+\))?|entry \d+( \(line \d+\))?|document|file)$"
)

SNAPSHOTS: Final = (
    "snapshot-sample-wanng-ide_arxivSpider_mnbvc-lines001-100.jsonl",
    "snapshot-converted-from-abs-0704.0201-0704.0700.jsonl",
)
OAI: Final = (
    "oai-arXiv-listrecords-invenio-oaiharvester-set-cs.xml",
    "oai-arXiv-getrecord-inspire-next-1305.0014.xml",
    "oai-arXiv-getrecord-inspire-next-physics_0112006.xml",
    "oai-arXiv-getrecord-invenio-oaiharvester-0804.2273-no-namespace.xml",
    "oai-arXiv-getrecord-invenio-oaiharvester-0804.2273-with-namespace.xml",
    "oai-oai_dc-getrecord-invenio-oaiharvester-1207.1019.xml",
    "oai-arXiv-listrecords-invenio-oaiharvester-error-noRecordsMatch.xml",
    "oai-arXiv-getrecord-inspire-next-error-idDoesNotExist-malformed.xml",
)
ATOM: Final = ("atom-api-query-xiv-cat-cs.RO.xml",)


def _data(name: str) -> bytes:
    path = ARXIV_DATA / name
    if not path.is_file():
        pytest.skip(f"{path} is absent: the real arXiv samples live in ../shared/data/arxiv")
    return _read(path)


@cache
def _read(path: Path) -> bytes:
    return path.read_bytes()


@cache
def _snapshot_lines() -> tuple[bytes, ...]:
    return tuple(line for name in SNAPSHOTS for line in _data(name).splitlines() if line)


@cache
def _arxiv_raw_page() -> bytes:
    """No real arXivRaw response exists (SOURCES.md); this puts real snapshot records in the
    arXivRaw.xsd layout, so the fuzzing starts from real values."""
    records = []
    for line in _snapshot_lines()[:6]:
        obj = orjson.loads(line)
        meta = etree.Element("{http://arxiv.org/OAI/arXivRaw/}arXivRaw")
        for key in ("id", "submitter"):
            etree.SubElement(meta, key).text = obj[key]
        for v in obj["versions"]:
            version = etree.SubElement(meta, "version", version=v["version"])
            etree.SubElement(version, "date").text = v["created"]
            etree.SubElement(version, "size").text = "12kb"
        for key in ("title", "authors", "categories", "comments", "doi", "license", "abstract"):
            if obj.get(key) is not None:
                etree.SubElement(meta, key).text = obj[key]
        records.append(
            "<record><header><identifier>oai:arXiv.org:"
            + obj["id"]
            + "</identifier><datestamp>2020-01-01</datestamp></header><metadata>"
            + etree.tostring(meta, encoding="unicode")
            + "</metadata></record>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
        "<responseDate>2020-01-02T00:00:00Z</responseDate>"
        '<request verb="ListRecords" metadataPrefix="arXivRaw">http://export.arxiv.org/oai2'
        "</request><ListRecords>\n" + "\n".join(records) + "\n</ListRecords></OAI-PMH>\n"
    ).encode()


def _xml_sample(name: str) -> bytes:
    return _arxiv_raw_page() if name == "arXivRaw" else _data(name)


# --- the contract ----------------------------------------------------------------------


def _strings(record: WorkRecord) -> Iterable[str]:
    yield from (record.arxiv_id, record.title, record.abstract, record.position)
    yield from record.categories
    yield from record.dois
    for value in (record.journal_ref, record.comments, record.report_no, record.license):
        if value is not None:
            yield value
    if record.submitter is not None:
        yield record.submitter
    for name in record.authors:
        yield from (name.raw, name.family, name.given, name.suffix, *name.affiliations)


def check(results: Sequence[ParseResult]) -> None:
    for result in results:
        if isinstance(result, RecordError):
            assert POSITION.match(result.position), result
            assert result.reason.strip(), result
            assert not result.reason.startswith("unexpected error"), result
        elif isinstance(result, DeletedRecord):
            assert parse_arxiv_id(result.arxiv_id)[0] == result.arxiv_id
        else:
            assert isinstance(result, WorkRecord), result
            assert parse_arxiv_id(result.arxiv_id) == (result.arxiv_id, None)
            assert result.title.strip()
            assert result.categories
            assert all(c and not c.isspace() for c in result.categories)
            assert POSITION.match(result.position), result.position
            for text in _strings(result):
                assert "\x00" not in text, (result.position, text[:80])
                text.encode("utf-8")  # no lone surrogates
            # What PostgreSQL would refuse, and the whole batch with it.
            assert all(1 <= v.version <= MAX_VERSION for v in result.versions)
            assert all(len(doi) <= STORED_WIDTHS["doi"] for doi in result.dois)
            assert len(result.license or "") <= STORED_WIDTHS["license"]
            assert len(result.submitter or "") <= STORED_WIDTHS["submitter"]
            assert all(len(code) <= STORED_WIDTHS["category"] for code in result.categories)
            assert len(" ".join(result.categories)) <= STORED_WIDTHS["categories"]


def snapshot_results(data: bytes) -> list[ParseResult]:
    results = list(iter_snapshot(io.BytesIO(data)))
    check(results)
    # One result per non-blank line, in order: nothing is lost or reported twice.
    lines = [n for n, line in enumerate(data.split(b"\n"), start=1) if line.strip()]
    assert [r.position for r in results] == [f"line {n}" for n in lines]
    return results


def oai_results(data: bytes) -> list[ParseResult]:
    page = parse_oai_page(data)
    check(page.records)
    if any(isinstance(r, RecordError) and r.position.startswith("line") for r in page.records):
        assert page.failed  # a broken page is retried...
        assert page.resumption_token is None  # ...not followed
    return page.records


def atom_results(data: bytes) -> list[ParseResult]:
    page = parse_atom_feed(data)
    check(page.records)
    return page.records


def sniffed_results(data: bytes, tmp: Path) -> list[ParseResult]:
    path = tmp / "input"
    path.write_bytes(data)
    results = list(iter_records(path))
    check(results)
    return results


# --- mutations -------------------------------------------------------------------------

HOSTILE_VALUES: Final = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=40),
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
    st.sampled_from(
        [
            "",
            " ",
            "x" * 300_000,
            "10." + "1" * 400 + "/x",
            "a\x00b",
            "\u202e\ufeff\u200b",
            "v99999999999999",
            "v0",
            "Mon, 2 Apr 99999 19:18:42 GMT",
            "Mon, 31 Feb 2007 19:18:42 GMT",
            "2007-13-45",
            "0704.0001v99999999999999999",
            "hep-th " * 2000,
            "c" * 100,
            [["a"] * 5] * 3,
            [[1, 2, 3]],
            [[]],
            [{"version": "v1"}],
            [{"version": "v1", "created": 5}],
            [{"version": "v1", "created": "yesterday"}],
        ]
    ),
)


@st.composite
def mutated_objects(draw: st.DrawFn) -> bytes:
    """A real snapshot line, parsed, with keys dropped, retyped or given hostile values."""
    obj: dict[str, Any] = orjson.loads(draw(st.sampled_from(_snapshot_lines())))
    for _ in range(draw(st.integers(1, 4))):
        key = draw(st.sampled_from(SNAPSHOT_FIELDS))
        if draw(st.booleans()):
            obj.pop(key, None)
        else:
            obj[key] = draw(HOSTILE_VALUES)
    # The standard library's encoder: it writes integers past 64 bits, as hostile input may.
    line = json.dumps(obj).encode()
    if draw(st.booleans()):
        # A key given twice: the raw text repeats it, as a careless exporter would.
        key = draw(st.sampled_from(SNAPSHOT_FIELDS))
        again = json.dumps({key: draw(HOSTILE_VALUES)}).encode()
        line = line[:-1] + b"," + again[1:]
    return line


@st.composite
def damaged(draw: st.DrawFn, data: bytes) -> bytes:
    """Byte-level damage: truncation, flipped bytes, cut or repeated spans, inserted junk."""
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 3))):
        if not out:
            break
        kind = draw(st.sampled_from(["truncate", "flip", "cut", "repeat", "insert"]))
        at = draw(st.integers(0, len(out) - 1))
        if kind == "truncate":
            del out[at:]
        elif kind == "flip":
            out[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "cut":
            del out[at : at + draw(st.integers(1, 200))]
        elif kind == "repeat":
            out[at:at] = out[at : at + draw(st.integers(1, 200))]
        else:
            out[at:at] = draw(
                st.sampled_from(
                    [b"<", b"&", b"&bogus;", b"]]>", b"\x00", b"\xff\xfe", b"\n", b"{", b'"']
                )
                | st.binary(max_size=20)
            )
    return bytes(out)


_ENTITY_BOMB: Final = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">'
    b'<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">'
    b'<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
)


@st.composite
def mutated_xml(draw: st.DrawFn, data: bytes) -> bytes:
    """Element-level damage on a real response: elements dropped, repeated, emptied, or
    given hostile text or attributes; sometimes a DOCTYPE with an entity bomb in front."""
    root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    elements = [el for el in root.iter() if isinstance(el.tag, str) and el is not root]
    for _ in range(draw(st.integers(1, 5))):
        el = draw(st.sampled_from(elements))
        parent = el.getparent()
        kind = draw(st.sampled_from(["drop", "repeat", "empty", "text", "attribute"]))
        if kind == "drop" and parent is not None and el in parent:
            parent.remove(el)
        elif kind == "repeat" and parent is not None:
            parent.insert(
                parent.index(el) if el in parent else 0, etree.fromstring(etree.tostring(el))
            )
        elif kind == "empty":
            el.text = None
            for child in list(el):
                el.remove(child)
        elif kind == "text":
            el.text = draw(
                st.sampled_from(
                    [
                        "",
                        "   ",
                        "x" * 300_000,
                        "10." + "9" * 400 + "/y",
                        "v99999999999999",
                        "0704.0001v99999999999999",
                        "oai:arXiv.org:not-an-id",
                        "2007-02-30",
                        "9999-99-99T99:99:99Z",
                        "Mon, 2 Apr 99999 19:18:42 GMT",
                        "c" * 100,
                        "Ünïcödé \u202e\u200b",
                    ]
                )
                | st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), max_size=30)
            )
        else:
            el.set(
                draw(st.sampled_from(["version", "term", "status", "code", "href", "title"])),
                draw(st.sampled_from(["", "v0", "v99999999999999", "deleted", "x" * 1000, "doi"])),
            )
    out = etree.tostring(root, encoding="UTF-8", xml_declaration=True)
    if draw(st.booleans()):
        body = out.split(b"?>", 1)[1]
        inner = body.replace(b"</", b"&lol4;</", 1) if draw(st.booleans()) else body
        out = _ENTITY_BOMB + inner.replace(b"</", b"&xxe;</", 1)
    return bytes(out)


# --- snapshot --------------------------------------------------------------------------


@FUZZ
@given(st.binary(max_size=2000))
def test_snapshot_random_bytes(data: bytes) -> None:
    snapshot_results(data)


@FUZZ
@given(st.lists(mutated_objects(), min_size=1, max_size=4), st.data())
def test_snapshot_mutated_real_records(lines: list[bytes], data: st.DataObject) -> None:
    real = list(_snapshot_lines()[:3])
    position = data.draw(st.integers(0, len(real)))
    content = b"\n".join(real[:position] + lines + real[position:]) + b"\n"
    results = snapshot_results(content)
    # The untouched real records around the damage still come through.
    assert sum(isinstance(r, WorkRecord) for r in results) >= len(real)


@FUZZ
@given(st.data())
def test_snapshot_damaged_bytes(data: st.DataObject) -> None:
    content = b"\n".join(_snapshot_lines()[:5]) + b"\n"
    snapshot_results(data.draw(damaged(content)))


def test_snapshot_nul_and_oversized_values_are_made_safe_or_reported() -> None:
    obj = orjson.loads(_snapshot_lines()[0])
    obj.update(title="Nul\u0000title", doi="10." + "1" * 400 + "/x", submitter="s" * 900)
    (result,) = snapshot_results(orjson.dumps(obj))
    assert isinstance(result, WorkRecord)
    assert result.title == "Nultitle"
    obj.update(license="http://" + "l" * 400, categories="c" * 100)
    (result,) = snapshot_results(orjson.dumps(obj))
    assert isinstance(result, RecordError)
    assert result.position == "line 1"


def test_stored_widths_are_the_columns_widths() -> None:
    columns = Work.__table__.c

    def width(column: str) -> int | None:
        kind = columns[column].type
        return kind.length if isinstance(kind, String) else None

    widths = {
        "doi": width("doi"),
        "license": width("license"),
        "submitter": width("submitter"),
        "category": width("primary_category"),
        "categories": width("categories"),
    }
    assert widths == STORED_WIDTHS
    assert MAX_VERSION < 2**31  # arxiv_version is an INTEGER column


# --- OAI-PMH (arXiv, arXivRaw, oai_dc) and Atom ------------------------------------------

XML_PARSERS: Final[dict[str, Callable[[bytes], list[ParseResult]]]] = {
    **dict.fromkeys((*OAI, "arXivRaw"), oai_results),
    **dict.fromkeys(ATOM, atom_results),
}


@pytest.mark.parametrize("parse", [oai_results, atom_results], ids=["oai", "atom"])
@FUZZ
@given(data=st.binary(max_size=2000))
def test_xml_random_bytes(parse: Callable[[bytes], list[ParseResult]], data: bytes) -> None:
    parse(data)
    parse(b'<?xml version="1.0"?>\n<OAI-PMH><ListRecords>' + data)
    parse(b'<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom">' + data)


@pytest.mark.parametrize("name", sorted(XML_PARSERS))
@FUZZ
@given(data=st.data())
def test_xml_damaged_bytes(name: str, data: st.DataObject) -> None:
    XML_PARSERS[name](data.draw(damaged(_xml_sample(name))))


@pytest.mark.parametrize("name", sorted(XML_PARSERS))
@FUZZ
@given(data=st.data())
def test_xml_mutated_elements(name: str, data: st.DataObject) -> None:
    XML_PARSERS[name](data.draw(mutated_xml(_xml_sample(name))))


@pytest.mark.parametrize("name", ["arXivRaw", *OAI[:1], *ATOM])
def test_xml_entity_bomb_and_external_entity_are_not_expanded(name: str) -> None:
    data = _xml_sample(name)
    body = data.split(b"?>", 1)[1]
    bombed = _ENTITY_BOMB + body.replace(b"</title>", b"&lol4;&xxe;</title>")
    records = XML_PARSERS[name](bombed)
    for record in records:
        if isinstance(record, WorkRecord):
            assert "lol" not in record.title
            assert "root:" not in record.title


@pytest.mark.parametrize("name", ["arXivRaw", *OAI[:1], *ATOM])
def test_a_truncated_xml_page_keeps_the_complete_records_and_says_where(name: str) -> None:
    data = _xml_sample(name)
    whole = [r for r in XML_PARSERS[name](data) if isinstance(r, WorkRecord)]
    cut = XML_PARSERS[name](data[: len(data) * 2 // 3])
    kept = [r for r in cut if isinstance(r, WorkRecord)]
    assert 0 < len(kept) < len(whole) or len(whole) <= 2
    assert kept == whole[: len(kept)]
    assert isinstance(cut[-1], RecordError)
    assert cut[-1].position.startswith("line ")


# --- through format detection, as `bzpeer ingest` reads files ----------------------------


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_sniffed_files_never_raise(
    data: st.DataObject, tmp_path_factory: pytest.TempPathFactory
) -> None:
    sample = data.draw(st.sampled_from(["arXivRaw", SNAPSHOTS[0], *OAI[:2], *ATOM]))
    content = b"\n".join(_snapshot_lines()[:5]) if sample == SNAPSHOTS[0] else _xml_sample(sample)
    sniffed_results(
        data.draw(damaged(content) | st.binary(max_size=300)), tmp_path_factory.mktemp("f")
    )
