"""The synthetic corpus generator: deterministic, in arXiv's snapshot format, and realistic
where ingestion and disambiguation care (heavy tails, recurring coauthors, name collisions,
initials, LaTeX accents, real category codes)."""

from __future__ import annotations

import gzip
import io
import json
import re
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from app.cli import app
from app.ingest import generate as gen
from app.ingest.formats.snapshot import SNAPSHOT_FIELDS
from app.ingest.generate import GenerateStats, generate_corpus, to_latex, used_categories
from app.ingest.names import collaboration_name, decode_latex, parse_author_string

TAXONOMY = Path(gen.__file__).parent / "data" / "arxiv_taxonomy.json"
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
ID = re.compile(r"^(\d{2})(\d{2})\.(\d{4,5})$")


@dataclass
class Corpus:
    data: bytes
    records: list[dict[str, Any]]
    truth: list[list[int | None]]  # researcher behind each authors_parsed entry
    stats: GenerateStats


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    out, truth = io.BytesIO(), io.BytesIO()
    stats = generate_corpus(4000, 11, out, truth=truth)
    data = out.getvalue()
    records = [json.loads(line) for line in data.splitlines()]
    rows = [json.loads(line) for line in truth.getvalue().splitlines()]
    assert [r["id"] for r in rows] == [r["id"] for r in records]
    return Corpus(data, records, [r["authors"] for r in rows], stats)


def _generate(works: int, seed: int) -> bytes:
    out = io.BytesIO()
    generate_corpus(works, seed, out)
    return out.getvalue()


def _persons(corpus: Corpus) -> list[list[int]]:
    return [[rid for rid in row if rid is not None] for row in corpus.truth]


# --- determinism and format ------------------------------------------------------------


def test_same_seed_gives_the_same_bytes() -> None:
    first = _generate(800, 5)
    assert first == _generate(800, 5)
    # Asking for the ground truth too must not change the corpus.
    out = io.BytesIO()
    generate_corpus(800, 5, out, truth=io.BytesIO())
    assert out.getvalue() == first


def test_different_seed_gives_different_bytes() -> None:
    a, b = _generate(300, 1), _generate(300, 2)
    assert a != b
    assert a.count(b"\n") == b.count(b"\n") == 300


def test_zero_works_writes_nothing() -> None:
    out = io.BytesIO()
    stats = generate_corpus(0, 1, out)
    assert out.getvalue() == b""
    assert stats.works == stats.authorships == stats.bytes_written == 0
    assert stats.first_id is None


def test_negative_works_is_rejected() -> None:
    with pytest.raises(ValueError, match="works"):
        generate_corpus(-1, 1, io.BytesIO())


def test_output_is_streamed_in_batches() -> None:
    writes: list[int] = []

    class Sink(io.RawIOBase):
        def write(self, data: Any) -> int:
            writes.append(len(data))
            return len(data)

    stats = generate_corpus(2000, 3, Sink())  # type: ignore[arg-type]
    assert len(writes) >= 3  # never the whole corpus in one buffer
    assert sum(writes) == stats.bytes_written


def test_every_line_is_a_snapshot_record(corpus: Corpus) -> None:
    assert corpus.stats.works == len(corpus.records) == 4000
    assert corpus.data.endswith(b"\n")
    assert corpus.data.isascii()  # non-ASCII is \uXXXX-escaped, as in the real file
    assert corpus.stats.bytes_written == len(corpus.data)
    for line, rec in zip(corpus.data.splitlines(), corpus.records, strict=True):
        assert b": " not in line[:20]  # compact JSON
        assert tuple(rec) == SNAPSHOT_FIELDS
        for key in ("id", "submitter", "authors", "title", "categories", "abstract"):
            assert isinstance(rec[key], str)
            assert rec[key]
        for key in ("comments", "journal-ref", "doi", "report-no", "license"):
            assert rec[key] is None or isinstance(rec[key], str)
        assert all(len(entry) in (3, 4) for entry in rec["authors_parsed"])
        assert all(isinstance(part, str) for e in rec["authors_parsed"] for part in e)


def test_ids_are_unique_increasing_and_follow_the_first_version_date(corpus: Corpus) -> None:
    ids = [r["id"] for r in corpus.records]
    assert len(set(ids)) == len(ids)
    assert ids == sorted(ids)
    assert (corpus.stats.first_id, corpus.stats.last_id) == (ids[0], ids[-1])
    previous = datetime(2007, 1, 1, tzinfo=UTC)
    for rec in corpus.records:
        m = ID.match(rec["id"])
        assert m is not None, rec["id"]
        yymm = m.group(1) + m.group(2)
        # Four-digit numbers until December 2014, five from January 2015, as arXiv.
        assert len(m.group(3)) == (4 if yymm < "1501" else 5)
        versions = rec["versions"]
        assert 1 <= len(versions) <= 5
        assert [v["version"] for v in versions] == [f"v{k}" for k in range(1, len(versions) + 1)]
        dates = [parsedate_to_datetime(v["created"]) for v in versions]
        for v, d in zip(versions, dates, strict=True):
            assert v["created"].startswith(WEEKDAYS[d.weekday()] + ", ")
            assert v["created"].endswith(" GMT")
        assert dates == sorted(dates)
        first = dates[0]
        assert (first.year % 100, first.month) == (int(m.group(1)), int(m.group(2)))
        assert 2007 <= first.year <= 2025
        assert first >= previous  # ids increase with the first-version date
        previous = first
        assert date.fromisoformat(rec["update_date"]) >= dates[-1].date()
        assert date.fromisoformat(rec["update_date"]) <= date(2025, 12, 31)


def test_multi_version_papers_are_common_but_not_the_rule(corpus: Corpus) -> None:
    counts = Counter(len(r["versions"]) for r in corpus.records)
    assert 0.4 < counts[1] / 4000 < 0.6
    assert counts[5] > 0


# --- authors ---------------------------------------------------------------------------


def test_authors_parsed_is_what_the_authors_string_says(corpus: Corpus) -> None:
    """arXiv's split of the raw string, which our own parser must reproduce exactly."""
    for rec in corpus.records:
        names = parse_author_string(rec["authors"])
        assert len(names) == len(rec["authors_parsed"]), rec["id"]
        for name, entry in zip(names, rec["authors_parsed"], strict=True):
            if name.is_collaboration:
                assert collaboration_name(entry[0]) == name.family
                continue
            assert name.family == entry[0]
            assert name.given.replace(".-", ". -") == entry[1]  # arXiv re-spaces "C.-P."
            assert name.suffix == entry[2]
            assert name.affiliations == tuple(entry[3:])


def test_latex_accents_decode_to_the_parsed_form(corpus: Corpus) -> None:
    for culture in gen._CULTURES.values():
        for name in (*culture.families, *culture.givens):
            assert decode_latex(to_latex(name)) == name
            assert decode_latex(to_latex(name, braced=True)) == name
    authors = "".join(r["authors"] for r in corpus.records)
    assert "\\'" in authors
    assert '\\"' in authors
    assert "{\\" in authors
    parsed = {e[0] for r in corpus.records for e in r["authors_parsed"]}
    assert {"Müller", "Szabó"} & parsed


def test_authors_per_paper_are_heavy_tailed(corpus: Corpus) -> None:
    sizes = [len(r["authors_parsed"]) for r in corpus.records]
    assert statistics.median(sizes) <= 4
    assert sum(1 <= n <= 6 for n in sizes) / len(sizes) > 0.85
    assert any(10 <= n <= 30 for n in sizes)
    assert max(sizes) >= 100
    assert max(sizes) >= 25 * statistics.median(sizes)
    assert corpus.stats.max_authors == max(sizes)
    assert corpus.stats.median_authors == statistics.median_low(sizes)
    assert corpus.stats.authorships == sum(sizes)


def test_collaboration_papers_list_the_collaboration_and_100_to_500_people(
    corpus: Corpus,
) -> None:
    collab = [
        (r, row)
        for r, row in zip(corpus.records, corpus.truth, strict=True)
        if r["authors_parsed"][0][0].endswith("Collaboration")
    ]
    assert len(collab) == corpus.stats.collaboration_papers > 0
    for rec, row in collab:
        people = [rid for rid in row if rid is not None]
        assert 100 <= len(people) <= 500
        assert row[0] is None  # the collaboration itself is nobody
        assert rec["categories"].split()[0] in {"hep-ex", "nucl-ex", "astro-ph.HE",
                                                "astro-ph.CO", "gr-qc", "astro-ph"}  # fmt: skip


def test_papers_per_author_are_heavy_tailed(corpus: Corpus) -> None:
    counts = Counter(rid for people in _persons(corpus) for rid in people)
    values = sorted(counts.values())
    assert statistics.median(values) <= 2
    assert sum(v == 1 for v in values) / len(values) > 0.3
    assert values[-1] >= 30 * statistics.median(values)
    assert corpus.stats.researchers == len(counts)


def test_labs_publish_together_again_and_again(corpus: Corpus) -> None:
    pairs: Counter[tuple[int, int]] = Counter()
    for people in _persons(corpus):
        if len(people) <= 30:  # ordinary papers only: collaborations repeat trivially
            pairs.update(combinations(sorted(people), 2))
    assert sum(c >= 3 for c in pairs.values()) >= 200
    assert max(pairs.values()) >= 8


def test_common_names_collide_across_fields(corpus: Corpus) -> None:
    people_by_name: defaultdict[tuple[str, str], set[int]] = defaultdict(set)
    archives: defaultdict[int, set[str]] = defaultdict(set)
    for rec, row in zip(corpus.records, corpus.truth, strict=True):
        archive = rec["categories"].split()[0].split(".")[0]
        for entry, rid in zip(rec["authors_parsed"], row, strict=True):
            if rid is not None:
                people_by_name[(entry[0], entry[1])].add(rid)
                archives[rid].add(archive)
    wei_wang = people_by_name[("Wang", "Wei")]
    assert len(wei_wang) >= 3
    assert len(set().union(*(archives[p] for p in wei_wang))) >= 3
    assert len(people_by_name[("Smith", "J.")]) >= 2  # John, James, Jennifer, ...
    assert corpus.stats.shared_names > 0
    # Same name, different people: some pairs work in different archives with no
    # coauthor in common (nothing but the name links them).
    coauthors: defaultdict[int, set[int]] = defaultdict(set)
    for people in _persons(corpus):
        for p in people:
            coauthors[p].update(q for q in people if q != p)
    assert any(
        coauthors[a] and coauthors[b] and not coauthors[a] & coauthors[b]
        and archives[a] != archives[b]
        for a, b in combinations(sorted(wei_wang), 2)
    )  # fmt: skip


def test_the_same_person_writes_initials_and_full_names(corpus: Corpus) -> None:
    givens: defaultdict[int, set[str]] = defaultdict(set)
    for rec, row in zip(corpus.records, corpus.truth, strict=True):
        for entry, rid in zip(rec["authors_parsed"], row, strict=True):
            if rid is not None and entry[0] == "Sun":
                givens[rid].add(entry[1])
    assert any({"M.", "Maosong"} <= g for g in givens.values())


def test_submitter_is_usually_an_author(corpus: Corpus) -> None:
    hits = 0
    for rec in corpus.records:
        families = {to_latex(e[0]) for e in rec["authors_parsed"]}
        hits += any(rec["submitter"].endswith(" " + f) for f in families)
    assert hits / len(corpus.records) > 0.9


# --- the other fields ------------------------------------------------------------------


def test_categories_are_real_arxiv_codes(corpus: Corpus) -> None:
    taxonomy = json.loads(TAXONOMY.read_text())
    codes = {e["code"] for e in taxonomy["entries"] if e["level"] != "group"}
    assert used_categories() <= codes
    cross_listed = 0
    for rec in corpus.records:
        cats = rec["categories"].split()
        assert len(cats) == len(set(cats))
        assert set(cats) <= codes
        year = parsedate_to_datetime(rec["versions"][0]["created"]).year
        for c in cats:
            if c.startswith("astro-ph."):
                assert year >= 2009  # before that arXiv had the single archive astro-ph
            if c.startswith(("eess.", "econ.")):
                assert year >= 2017
        if "math.ST" in cats:
            assert "stat.TH" in cats  # aliases are listed together, as arXiv does
        cross_listed += len(cats) > 1
    assert 0.3 < cross_listed / len(corpus.records) < 0.8


def test_publication_metadata_on_about_40_percent(corpus: Corpus) -> None:
    refs = [r["journal-ref"] for r in corpus.records if r["journal-ref"]]
    dois = [r["doi"] for r in corpus.records if r["doi"]]
    assert 0.33 < len(refs) / 4000 < 0.47
    assert 0.25 < len(dois) / 4000 < 0.45
    assert all(d.startswith("10.") for doi in dois for d in doi.split())
    assert any("Proceedings" in ref for ref in refs)  # conference proceedings
    assert any("Phys. Rev." in ref for ref in refs)  # and journals


def test_titles_abstracts_and_licenses_look_like_arxiv(corpus: Corpus) -> None:
    for rec in corpus.records:
        abstract = rec["abstract"]
        assert abstract.startswith("  ")
        assert abstract.endswith("\n")
        assert 60 <= len(abstract.split()) <= 200
        assert all(len(line) <= 80 for line in abstract.splitlines() if " " in line.strip())
        assert not rec["title"].endswith(" ")
    assert sum("$" in r["title"] for r in corpus.records) > 40
    assert any("\n  " in r["title"] for r in corpus.records)  # hard-wrapped long titles
    licenses = Counter(r["license"] for r in corpus.records)
    assert None in licenses
    assert len(licenses) >= 5


# --- the CLI ---------------------------------------------------------------------------


def test_cli_writes_gzip_and_truth(tmp_path: Path) -> None:
    target, truth = tmp_path / "corpus.jsonl.gz", tmp_path / "truth.jsonl"
    args = ["generate", "--works", "300", "--seed", "9", "-o", str(target), "--truth", str(truth)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert gzip.decompress(target.read_bytes()) == _generate(300, 9)
    assert len(truth.read_text().splitlines()) == 300
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus.jsonl.gz", "truth.jsonl"]
    first = target.read_bytes()
    assert CliRunner().invoke(app, args).exit_code == 0
    assert target.read_bytes() == first  # the .gz bytes are deterministic too


def test_cli_writes_plain_json_lines(tmp_path: Path) -> None:
    target = tmp_path / "corpus.jsonl"
    result = CliRunner().invoke(app, ["generate", "--works", "50", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_bytes() == _generate(50, 42)
