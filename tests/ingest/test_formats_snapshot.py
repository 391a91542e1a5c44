"""The JSON Lines snapshot parser (`app.ingest.formats.snapshot`) and file dispatch."""

from __future__ import annotations

import gzip
import io
from collections import Counter
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.ingest.formats import detect_format, is_gzip, iter_records, sniff
from app.ingest.formats import snapshot as snapshot_module
from app.ingest.formats.snapshot import iter_snapshot, parse_snapshot_line
from app.ingest.records import (
    DeletedRecord,
    ParseResult,
    RecordError,
    SourceFormat,
    WorkRecord,
    WorkVersion,
)

KAGGLE = "snapshot-sample-wanng-ide_arxivSpider_mnbvc-lines001-100.jsonl"
ABS = "snapshot-converted-from-abs-0704.0201-0704.0700.jsonl"


def _parse(data: bytes) -> list[ParseResult]:
    return list(iter_snapshot(io.BytesIO(data)))


def _by_id(path: Path) -> dict[str, WorkRecord]:
    with path.open("rb") as f:
        results = list(iter_snapshot(f))
    assert all(isinstance(r, WorkRecord) for r in results), [
        r for r in results if isinstance(r, RecordError)
    ]
    return {r.arxiv_id: r for r in results if isinstance(r, WorkRecord)}


# --- the Kaggle head-of-file sample ----------------------------------------------------


def test_kaggle_sample_counts_and_order(arxiv_data: Path) -> None:
    with (arxiv_data / KAGGLE).open("rb") as f:
        results = list(iter_snapshot(f))
    assert len(results) == 100
    assert all(isinstance(r, WorkRecord) for r in results)
    ids = [r.arxiv_id for r in results if isinstance(r, WorkRecord)]
    assert ids == [f"0704.{n:04d}" for n in range(1, 101)]
    assert [r.position for r in results][:3] == ["line 1", "line 2", "line 3"]
    # SOURCES.md: versions per record 1 (51), 2 (32), 3 (10), 4 (5), 5 (2).
    versions = Counter(len(r.versions) for r in results if isinstance(r, WorkRecord))
    assert versions == {1: 51, 2: 32, 3: 10, 4: 5, 5: 2}
    nulls = Counter(
        field
        for r in results
        if isinstance(r, WorkRecord)
        for field, value in (
            ("doi", r.dois),
            ("journal-ref", r.journal_ref),
            ("license", r.license),
        )
        if not value
    )
    assert nulls == {"license": 87, "doi": 50, "journal-ref": 48}


def test_kaggle_0704_0001(arxiv_data: Path) -> None:
    r = _by_id(arxiv_data / KAGGLE)["0704.0001"]
    assert r.title == (
        "Calculation of prompt diphoton production cross sections at Tevatron and LHC energies"
    )
    assert r.abstract.startswith("A fully differential calculation in perturbative quantum")
    assert r.abstract.endswith("judicious selection of events.")
    assert r.categories == ["hep-ph"]
    assert r.versions == [
        WorkVersion(1, datetime(2007, 4, 2, 19, 18, 42, tzinfo=UTC)),
        WorkVersion(2, datetime(2007, 7, 24, 20, 10, 27, tzinfo=UTC)),
    ]
    assert r.versions[0].created.tzinfo is not None
    assert r.created == date(2007, 4, 2)
    assert r.updated == date(2008, 11, 26)
    assert r.dois == ["10.1103/PhysRevD.76.013009"]
    assert r.journal_ref == "Phys.Rev.D76:013009,2007"
    assert r.report_no == "ANL-HEP-PR-07-12"
    assert r.comments == "37 pages, 15 figures; published version"
    assert r.license is None
    assert r.submitter == "Pavel Nadolsky"
    assert [a.display for a in r.authors] == [
        "C. Balázs",
        "E. L. Berger",
        "P. M. Nadolsky",
        "C.-P. Yuan",
    ]
    assert r.authors[0].raw == "C. Bal\\'azs"
    assert r.authors[0].family == "Balázs"


def test_kaggle_records_with_quirks(arxiv_data: Path) -> None:
    records = _by_id(arxiv_data / KAGGLE)
    assert records["0704.0002"].categories == ["math.CO", "cs.CG"]  # primary first
    assert records["0704.0002"].license == "http://arxiv.org/licenses/nonexclusive-distrib/1.0/"
    assert records["0704.0008"].report_no == "LA-UR-07-2051, LLNL-JRNL-410358"

    evans = records["0704.0009"].authors[5]
    assert (evans.family, evans.given, evans.suffix) == ("Evans", "Neal J.", "II")

    babar = records["0704.0020"].authors
    assert [(a.family, a.is_collaboration) for a in babar] == [
        ("BABAR Collaboration", True),
        ("Aubert", False),
    ]

    mishchenko, nagaosa = records["0704.0025"].authors
    assert mishchenko.affiliations == (
        "CREST, Japan Science and Technology Agency",
        'Russian Research Centre "Kurchatov Institute"',
    )
    assert nagaosa.affiliations == (
        "CREST, Japan Science and Technology Agency",
        "The University of Tokyo",
    )

    [frenkel] = records["0704.0028"].authors
    assert frenkel.display == "Péter E. Frenkel"
    assert frenkel.raw == "P\\'eter E. Frenkel"

    assert [a.display for a in records["0704.0030"].authors] == ["J. P. Hague", "N. d'Ambrumenil"]
    assert records["0704.0031"].authors[0].affiliations == ("Serpukhov, IHEP",)
    assert len(records["0704.0048"].authors) == 14
    assert records["0704.0049"].authors[0].family == "Øbro"
    assert records["0704.0052"].authors[1].affiliations == ("Harvard University",)
    assert records["0704.0001"].title == records["0704.0001"].title.strip()
    assert "\n" not in records["0704.0048"].title


# --- the .abs-converted sample (no authors_parsed) ------------------------------------


def test_abs_sample(arxiv_data: Path) -> None:
    records = _by_id(arxiv_data / ABS)
    assert len(records) == 500
    assert sorted(records) == [f"0704.{n:04d}" for n in range(201, 701)]
    versions = Counter(len(r.versions) for r in records.values())
    assert versions == {1: 321, 2: 116, 3: 42, 4: 16, 5: 3, 6: 1, 8: 1}
    assert len(records["0704.0367"].versions) == 6
    assert len(records["0704.0389"].versions) == 8
    assert len(records["0704.0221"].dois) == 2
    assert len(records["0704.0389"].dois) == 3
    assert len(records["0704.0595"].categories) == 6
    assert len(records["0704.0655"].authors) == 32


def test_abs_sample_names(arxiv_data: Path) -> None:
    records = _by_id(arxiv_data / ABS)

    def names(arxiv_id: str) -> list[tuple[str, str, str, bool]]:
        return [
            (a.family, a.given, a.suffix, a.is_collaboration) for a in records[arxiv_id].authors
        ]

    assert names("0704.0213") == [
        ("Mulmuley", "Ketan D.", "", False),
        ("Narayanan", "Hariharan", "", False),
    ]
    assert names("0704.0437") == [
        ("CLEO Collaboration", "", "", True),
        ("Pedlar", "T. K.", "", False),
    ]
    assert names("0704.0638") == [("CDF Collaboration", "", "", True)]
    assert names("0704.0220") == [
        ("Ulery", "Jason Glyndwr", "", False),
        ("STAR Collaboration", "", "", True),
    ]
    assert names("0704.0305")[-1] == ("Valles", "James M.", "Jr", False)
    assert names("0704.0367") == [("Ita", "Eyo Eyo", "III", False)]
    assert names("0704.0297")[-1] == ("Rosswog", "Stephan", "", False)  # "&"
    assert names("0704.0241") == [("Hague", "J. P.", "", False)]
    assert records["0704.0221"].authors[0].affiliations == (
        "Case Western Reserve University",
        "Vanderbilt University",
    )
    # LaTeX in submitter names is decoded too.
    assert records["0704.0357"].submitter == "Gergely J Szöllősi"
    assert records["0704.0394"].submitter == "Anna Jaśkiewicz"
    assert records["0704.0394"].authors[0].display == "Anna Jaśkiewicz"


# --- bad input --------------------------------------------------------------------------

GOOD = {
    "id": "0704.0001",
    "submitter": "A. Person",
    "authors": "C. Bal\\'azs and E. L. Berger",
    "title": "A title",
    "comments": None,
    "journal-ref": None,
    "doi": None,
    "report-no": None,
    "categories": "hep-ph math.CO hep-ph",
    "license": None,
    "abstract": "  An abstract\nover two lines.\n",
    "versions": [{"version": "v1", "created": "Mon, 2 Apr 2007 19:18:42 GMT"}],
    "update_date": "2008-11-26",
}


def _line(**changes: object) -> bytes:
    obj = {**GOOD, **changes}
    for key in [k for k, v in changes.items() if v is _DROP]:
        del obj[key]
    return orjson.dumps(obj)


_DROP = object()


def test_bad_lines_are_reported_with_their_line_number() -> None:
    lines = [
        _line(),  # 1 ok
        b"",  # 2 blank: skipped, but counted
        b"this is not json",  # 3
        b"[1, 2, 3]",  # 4
        _line(id=_DROP),  # 5
        _line(id=""),  # 6
        _line(id="0713.1234"),  # 7 month 13
        _line(id="hep-th/99"),  # 8
        _line(title=42),  # 9
        _line(versions="v1"),  # 10
        _line(versions=[{"version": "v1", "created": "Mon, 31 Feb 2007 10:00:00 GMT"}]),  # 11
        _line().replace(b"A title", b"A t\xe9tle"),  # 12 Latin-1 byte, not UTF-8
        _line(id="0704.0002v2"),  # 13 ok: version suffix stripped
        _line(id="0704.0003", authors_parsed=[["Balázs"], 7]),  # 14 ok: falls back to raw
        _line(update_date="2007-02-30"),  # 15
        _line(categories=""),  # 16
        _line(id=704.0001),  # 17 a number
        _line(doi=["10.1/x"]),  # 18
        b"   ",  # 19 whitespace only: skipped
        _line(id="math.AG/0101001", authors=None),  # 20 ok: old style, subject class dropped
    ]
    results = _parse(b"\n".join(lines) + b"\n")
    got = {r.position: r for r in results}
    assert "line 2" not in got
    assert "line 19" not in got
    assert len(results) == 18

    ok = {p: r for p, r in got.items() if isinstance(r, WorkRecord)}
    assert sorted(ok) == ["line 1", "line 13", "line 14", "line 20"]
    assert ok["line 1"].categories == ["hep-ph", "math.CO"]
    assert ok["line 1"].abstract == "An abstract over two lines."
    assert ok["line 13"].arxiv_id == "0704.0002"
    assert [a.family for a in ok["line 14"].authors] == ["Balázs", "Berger"]
    assert ok["line 20"].arxiv_id == "math/0101001"
    assert ok["line 20"].authors == []

    errors = {p: r for p, r in got.items() if isinstance(r, RecordError)}
    expected = {
        "line 3": "invalid JSON",
        "line 4": "expected a JSON object",
        "line 5": "id is missing",
        "line 6": "id is not a non-empty string",
        "line 7": "malformed arXiv id",
        "line 8": "malformed arXiv id",
        "line 9": "title: expected a string, got int",
        "line 10": "versions: expected a list",
        "line 11": "impossible date",
        "line 12": "invalid UTF-8",
        "line 15": "update_date",
        "line 16": "categories is empty",
        "line 17": "id is not a non-empty string (float)",
        "line 18": "doi: expected a string or null, got list",
    }
    assert sorted(errors) == sorted(expected)
    for position, fragment in expected.items():
        assert fragment in errors[position].reason, (position, errors[position].reason)
    assert errors["line 9"].source_id == "0704.0001"
    assert errors["line 3"].source_id is None


def test_overlong_line_is_skipped_in_bounded_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(snapshot_module, "MAX_LINE_BYTES", 600)
    long_line = _line(abstract="x" * 2000)
    results = _parse(_line() + b"\n" + long_line + b"\n" + _line(id="0704.0002") + b"\n")
    assert [type(r).__name__ for r in results] == ["WorkRecord", "RecordError", "WorkRecord"]
    assert isinstance(results[1], RecordError)
    assert results[1].position == "line 2"
    assert "longer than 600 bytes" in results[1].reason


def test_bom_crlf_and_missing_final_newline() -> None:
    data = b"\xef\xbb\xbf" + _line() + b"\r\n" + _line(id="0704.0002")
    results = _parse(data)
    assert [r.arxiv_id for r in results if isinstance(r, WorkRecord)] == ["0704.0001", "0704.0002"]


def test_parse_snapshot_line_blank() -> None:
    assert parse_snapshot_line(b"  \n", "line 1") is None


# --- files: detection, gzip -----------------------------------------------------------


def test_detect_and_iterate_plain_and_gzip(arxiv_data: Path, tmp_path: Path) -> None:
    source = arxiv_data / KAGGLE
    head = source.read_bytes()[:8192]
    assert detect_format(head, source.name) is SourceFormat.SNAPSHOT
    gz = tmp_path / "snapshot.jsonl.gz"  # a temporary copy, outside the project
    gz.write_bytes(gzip.compress(source.read_bytes()))
    gz_head = gz.read_bytes()[:8192]
    assert is_gzip(gz_head)
    assert sniff(gz_head, gz.name).gzipped
    assert detect_format(gz_head, gz.name) is SourceFormat.SNAPSHOT
    plain = list(iter_records(source))
    zipped = list(iter_records(gz))
    assert len(plain) == len(zipped) == 100
    assert plain == zipped


def test_truncated_gzip_ends_with_an_error(arxiv_data: Path, tmp_path: Path) -> None:
    data = gzip.compress((arxiv_data / KAGGLE).read_bytes())
    broken = tmp_path / "broken.jsonl.gz"
    broken.write_bytes(data[: len(data) // 2])
    results = list(iter_records(broken))
    assert isinstance(results[-1], RecordError)
    assert "read error" in results[-1].reason
    assert all(isinstance(r, WorkRecord) for r in results[:-1])
    assert len(results) > 10


def test_unknown_file_yields_one_error(tmp_path: Path) -> None:
    odd = tmp_path / "notes.txt"
    odd.write_text("just some text\n")
    [error] = list(iter_records(odd))
    assert isinstance(error, RecordError)
    assert error.position == "file"


# --- properties -----------------------------------------------------------------------

_KINDS = (WorkRecord, DeletedRecord, RecordError)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_never_raise(data: bytes) -> None:
    for r in _parse(data):
        assert isinstance(r, _KINDS)
        assert r.position.startswith("line ")


@lru_cache(maxsize=4)
def _real_lines(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines()[:40]


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_mutated_real_lines_never_raise(arxiv_data: Path, data: st.DataObject) -> None:
    line = bytearray(data.draw(st.sampled_from(_real_lines(arxiv_data / KAGGLE))))
    for _ in range(data.draw(st.integers(1, 8))):
        op = data.draw(st.sampled_from(["flip", "cut", "insert"]))
        pos = data.draw(st.integers(0, max(len(line) - 1, 0)))
        if op == "flip" and line:
            line[pos] = data.draw(st.integers(0, 255))
        elif op == "cut":
            del line[pos : pos + data.draw(st.integers(1, 50))]
        else:
            line[pos:pos] = data.draw(st.sampled_from([b"\\", b'"', b"{", b"]", b"\xff", b"null"]))
    results = _parse(bytes(line).replace(b"\n", b" ") + b"\n")
    assert len(results) <= 1  # one result per line; none if the line became blank
    assert all(isinstance(r, _KINDS) for r in results)
