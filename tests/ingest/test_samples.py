"""Every shared arXiv sample file through the real pipeline, with the counts and values
read from the files themselves (../shared/data/arxiv, described in its SOURCES.md).

Counts per file, on an empty database: records read, works stored, authorship rows,
author records, records skipped. Authorships are the author elements (or parsed names) of
the file; author records are fewer where disambiguation files several authorships under
one person, and the comment on each file says which. The concrete-value tests below pin
real records of each format: ids and versions, publication date = the first version's,
types, decoded names, primary category first. Two fixtures under `fixtures/` are written
by hand because no shared file has what they test: an arXivRaw response and a deletion.
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path
from typing import NamedTuple

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from app.core.settings import Settings
from app.ingest.formats import iter_records
from app.ingest.pipeline import Pipeline, RunSummary
from app.models import Author, Authorship, Work
from tests.ingest.conftest import FIXTURES, assert_run_stored


class Expected(NamedTuple):
    read: int
    works: int
    authorships: int
    authors: int
    skipped: int


SAMPLES: dict[str, Expected] = {
    # 2 entries, 4 + 6 <author>s, no name shared.
    "atom-api-query-xiv-cat-cs.RO.xml": Expected(2, 2, 10, 10, 0),
    "oai-arXiv-getrecord-inspire-next-1305.0014.xml": Expected(1, 1, 2, 2, 0),
    # OAI <error code="idDoesNotExist">: one document-level error, nothing stored.
    "oai-arXiv-getrecord-inspire-next-error-idDoesNotExist-1305.9999.xml": Expected(1, 0, 0, 0, 1),
    "oai-arXiv-getrecord-inspire-next-error-idDoesNotExist-malformed.xml": Expected(1, 0, 0, 0, 1),
    "oai-arXiv-getrecord-inspire-next-error-idDoesNotExist-versioned-id.xml": Expected(
        1, 0, 0, 0, 1
    ),
    "oai-arXiv-getrecord-inspire-next-physics_0112006.xml": Expected(1, 1, 3, 3, 0),
    "oai-arXiv-getrecord-invenio-oaiharvester-0804.2273-no-namespace.xml": Expected(1, 1, 6, 6, 0),
    "oai-arXiv-getrecord-invenio-oaiharvester-0804.2273-with-namespace.xml": Expected(
        1, 1, 6, 6, 0
    ),
    # noRecordsMatch is an empty answer, not an error.
    "oai-arXiv-listrecords-invenio-oaiharvester-error-noRecordsMatch.xml": Expected(0, 0, 0, 0, 0),
    # 131 <author>s, 125 distinct (keyname, forenames): Zhou Tao on 3 records, Borcea,
    # Streinu, Osipov and Kleyko on 2 each; every repeat is filed under one record.
    "oai-arXiv-listrecords-invenio-oaiharvester-set-cs.xml": Expected(46, 46, 131, 125, 0),
    # 526 <author>s, 505 distinct names. 4 spellings merge through shared coauthors
    # (1007.2349 and 1409.7725: "Gerald H. Share"/"Gerald Share", Murphy, Tylka, Ryan);
    # 2 initials-only names with no coauthor in common stay two records each ("J. Richter"
    # on 1310.8079 and 1409.0193, "D. Garcia-Alvarez" on 1501.03752 and 1501.03761).
    "oai-arXiv-listrecords-invenio-oaiharvester-set-physics.xml": Expected(
        150, 150, 526, 505 - 4 + 2, 0
    ),
    "oai-oai_dc-getrecord-invenio-oaiharvester-1207.1019.xml": Expected(1, 1, 3, 3, 0),
    # No authors_parsed: 1556 names parsed from the raw author strings of 500 records.
    "snapshot-converted-from-abs-0704.0201-0704.0700.jsonl": Expected(500, 500, 1556, 1498, 0),
    # 225 authors_parsed entries over 100 lines.
    "snapshot-sample-wanng-ide_arxivSpider_mnbvc-lines001-100.jsonl": Expected(
        100, 100, 225, 210, 0
    ),
}
NOT_METADATA = {"SOURCES.md"}  # schemas/ and openalex/ are folders of reference material


def _ingest(
    engine: Engine, path: Path, tmp_path: Path, fingerprint: str | None = None
) -> RunSummary:
    return Pipeline(
        engine,
        Settings(),
        source=str(path),
        fmt="detected",
        # A run's identity: 64 characters at most, like the sha256 the CLI uses.
        fingerprint=hashlib.sha256((fingerprint or path.name).encode()).hexdigest(),
        errors_path=tmp_path / f"{path.name}.errors.jsonl",
        batch_size=40,
    ).run(iter_records(path))


def _table_counts(engine: Engine) -> tuple[int, int, int]:
    with Session(engine) as s:
        return (
            s.scalar(select(func.count()).select_from(Work)) or 0,
            s.scalar(select(func.count()).select_from(Authorship)) or 0,
            s.scalar(select(func.count()).select_from(Author)) or 0,
        )


def _work(session: Session, arxiv_id: str) -> Work:
    return session.scalars(select(Work).where(Work.arxiv_id == arxiv_id)).one()


def _names(session: Session, work: Work) -> list[str]:
    return list(
        session.scalars(
            select(Authorship.display_name)
            .where(Authorship.work_id == work.id)
            .order_by(Authorship.position)
        )
    )


def _affiliations(session: Session, work: Work) -> list[list[str] | None]:
    return list(
        session.scalars(
            select(Authorship.affiliations)
            .where(Authorship.work_id == work.id)
            .order_by(Authorship.position)
        )
    )


def test_every_shared_sample_file_has_expected_counts(arxiv_data: Path) -> None:
    present = {p.name for p in arxiv_data.iterdir() if p.is_file()} - NOT_METADATA
    assert present == set(SAMPLES), "a sample file was added or removed: give it counts"


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_sample_file_ingests_with_expected_counts(
    name: str, fresh_engine: Engine, arxiv_data: Path, tmp_path: Path
) -> None:
    expected = SAMPLES[name]
    summary = _ingest(fresh_engine, arxiv_data / name, tmp_path)
    assert (summary.records_read, summary.works_inserted, summary.records_skipped) == (
        expected.read,
        expected.works,
        expected.skipped,
    )
    assert summary.authors_created == expected.authors
    assert summary.authors_created + summary.authors_matched == expected.authorships
    assert _table_counts(fresh_engine) == (expected.works, expected.authorships, expected.authors)
    assert_run_stored(fresh_engine, summary)
    errors = tmp_path / f"{name}.errors.jsonl"
    assert (len(errors.read_text().splitlines()) if errors.exists() else 0) == expected.skipped

    again = _ingest(fresh_engine, arxiv_data / name, tmp_path, fingerprint=f"{name} again")
    assert again.works_unchanged == expected.works
    assert again.works_inserted == again.works_updated == again.authors_created == 0
    assert _table_counts(fresh_engine) == (expected.works, expected.authorships, expected.authors)
    assert_run_stored(fresh_engine, again)


def test_oai_arxiv_format_values(fresh_engine: Engine, arxiv_data: Path, tmp_path: Path) -> None:
    for name in (
        "oai-arXiv-getrecord-inspire-next-1305.0014.xml",
        "oai-arXiv-getrecord-inspire-next-physics_0112006.xml",
        "oai-arXiv-listrecords-invenio-oaiharvester-set-cs.xml",
        "oai-arXiv-getrecord-invenio-oaiharvester-0804.2273-with-namespace.xml",
    ):
        _ingest(fresh_engine, arxiv_data / name, tmp_path)
    with Session(fresh_engine) as s:
        w = _work(s, "1305.0014")
        # The arXiv format lists no versions: no version number, date from <created>.
        assert w.arxiv_version is None
        assert w.versions is None
        assert w.publication_date == date(2013, 4, 30)  # <created>, not <updated> 2013-06-28
        assert w.source_updated == date(2013, 6, 28)
        assert w.type == "article"  # journal-ref Phys. Rev. C 87, 065504 (2013) and a DOI
        assert w.venue == "Phys. Rev. C"
        assert w.doi == "10.1103/physrevc.87.065504"
        assert w.categories == "hep-ph hep-lat nucl-ex nucl-th"
        assert w.primary_category == "hep-ph"
        # Pretty-printed <title> and <license>: the padding newlines are trimmed.
        assert w.title.startswith("Framework for maximum likelihood analysis")
        assert w.license == "http://arxiv.org/licenses/nonexclusive-distrib/1.0/"
        assert _names(s, w) == ["S. Gardner", "B. Plaster"]

        old = _work(s, "physics/0112006")  # old-style id, kept with its archive
        assert old.publication_date == date(2001, 12, 4)
        assert old.type == "article"  # a DOI, no journal-ref
        assert old.license is None  # the record has no <license>
        assert old.primary_category == "physics.class-ph"
        assert _names(s, old) == ["G. Fiorentini", "L. Okun", "M. Vysotsky"]
        assert _affiliations(s, old) == [
            ["INFN, Sezione di Ferrara, Ferrara, Italy"],
            ["ITEP, Moscow, Russia"],
            ["ITEP, Moscow, Russia"],
        ]

        fusion = _work(s, "1207.1019")
        assert fusion.type == "preprint"  # no journal-ref, no DOI
        assert fusion.categories == "stat.ML cs.CV cs.LG cs.MM"
        assert _names(s, fusion) == ["Emilie Morvant", "Amaury Habrard", "Stéphane Ayache"]
        assert _affiliations(s, fusion) == [["LIF"], ["LAHC"], ["LIF"]]

        erdos = _work(s, "1501.03566")
        assert erdos.title == 'On a Conjecture of Erd{\\H{o}}s, Frankl and F{\\"u}redi'
        assert erdos.title_plain == "On a Conjecture of Erdős, Frankl and Füredi"
        assert erdos.primary_category == "cs.IT"
        assert _names(s, _work(s, "1501.03602")) == ["Jana Hadravová", "Štěpán Holub"]

        ore = _work(s, "0804.2273")
        assert ore.title == "Object Re-Use & Exchange: A Resource-Centric Approach"
        assert ore.license == "http://creativecommons.org/licenses/by/3.0/"
        assert _names(s, ore)[:2] == ["Carl Lagoze", "Herbert Van de Sompel"]


def test_physics_listrecords_values(fresh_engine: Engine, arxiv_data: Path, tmp_path: Path) -> None:
    _ingest(
        fresh_engine,
        arxiv_data / "oai-arXiv-listrecords-invenio-oaiharvester-set-physics.xml",
        tmp_path,
    )
    with Session(fresh_engine) as s:
        atlas = _work(s, "1409.3433")
        assert atlas.publication_date == date(2014, 9, 11)
        assert atlas.type == "article"  # Eur. Phys. J. C (2014) 74:3195
        assert _names(s, atlas) == ["ATLAS Collaboration"]
        collaboration = s.scalars(
            select(Author).join(Authorship).where(Authorship.work_id == atlas.id)
        ).one()
        assert collaboration.is_collaboration
        assert _affiliations(s, _work(s, "1411.2161"))[1] == [
            "Dept. of Astronomy - Yonsei University",
            "Yonsei University Observatory",
        ]
        assert len(_names(s, _work(s, "1501.03596"))) == 16  # the longest list in the file
        # "Gerald H. Share" (1007.2349) and "Gerald Share" (1409.7725), with three
        # coauthors in common: one author record.
        share = {
            row.author_id
            for row in s.execute(
                select(Authorship.author_id).where(
                    Authorship.display_name.in_(["Gerald H. Share", "Gerald Share"])
                )
            )
        }
        assert len(share) == 1


def test_cross_listed_records_are_stored_once(
    fresh_engine: Engine, arxiv_data: Path, tmp_path: Path
) -> None:
    _ingest(
        fresh_engine, arxiv_data / "oai-arXiv-listrecords-invenio-oaiharvester-set-cs.xml", tmp_path
    )
    physics = _ingest(
        fresh_engine,
        arxiv_data / "oai-arXiv-listrecords-invenio-oaiharvester-set-physics.xml",
        tmp_path,
    )
    # 1306.5042, 1310.6119, 1311.5932, 1410.1594, 1501.03577 and 1501.03737 are in both
    # sets, written identically: unchanged the second time.
    assert physics.works_inserted == 144
    assert physics.works_unchanged == 6
    assert _table_counts(fresh_engine)[0] == 46 + 144


def test_oai_dc_values(fresh_engine: Engine, arxiv_data: Path, tmp_path: Path) -> None:
    _ingest(
        fresh_engine,
        arxiv_data / "oai-oai_dc-getrecord-invenio-oaiharvester-1207.1019.xml",
        tmp_path,
    )
    with Session(fresh_engine) as s:
        w = _work(s, "1207.1019")
        assert w.publication_date == date(2012, 7, 4)  # the one <dc:date>
        assert w.type == "preprint"
        # <dc:subject> display names mapped back to codes, in their order.
        assert w.categories == "stat.ML cs.CV cs.LG cs.MM"
        assert w.comments == "7 pages, Research report"  # the "Comment:" description
        assert w.abstract.startswith("A lot of attention has been devoted")
        assert w.license is None  # oai_dc cannot say, and nothing was stored before
        assert _names(s, w) == ["Emilie Morvant", "Amaury Habrard", "Stéphane Ayache"]


def test_atom_values(fresh_engine: Engine, arxiv_data: Path, tmp_path: Path) -> None:
    _ingest(fresh_engine, arxiv_data / "atom-api-query-xiv-cat-cs.RO.xml", tmp_path)
    with Session(fresh_engine) as s:
        rdd = _work(s, "2510.14968")  # <id> http://arxiv.org/abs/2510.14968v1
        assert rdd.arxiv_version == 1
        assert rdd.publication_date == date(2025, 10, 16)
        # "39th Conference on Neural Information Processing Systems (NeurIPS 2025)" in the
        # comment is a promise, not a journal-ref or DOI.
        assert rdd.type == "preprint"
        assert rdd.categories == "cs.RO cs.AI cs.CV cs.LG cs.SY eess.SY"
        assert rdd.primary_category == "cs.RO"
        assert rdd.title == (
            "RDD: Retrieval-Based Demonstration Decomposer for Planner Alignment in "
            "Long-Horizon Tasks"
        )
        assert _names(s, rdd) == ["Mingxuan Yan", "Yuping Wang", "Zechun Liu", "Jiachen Li"]
        flow = _work(s, "2510.14827")
        assert _names(s, flow)[-1] == "Martin Magnusson"
        assert len(_names(s, flow)) == 6


def test_abs_snapshot_values(fresh_engine: Engine, arxiv_data: Path, tmp_path: Path) -> None:
    _ingest(
        fresh_engine, arxiv_data / "snapshot-converted-from-abs-0704.0201-0704.0700.jsonl", tmp_path
    )
    with Session(fresh_engine) as s:
        hecke = _work(s, "0704.0201")
        assert hecke.arxiv_version == 3
        assert hecke.publication_date == date(2007, 4, 2)  # v1, not v3's 2007-10-17
        assert hecke.primary_category == "math.RT"
        assert _names(s, hecke) == ["Ta Khongsap", "Weiqiang Wang"]

        carter = _work(s, "0704.0389")
        assert carter.arxiv_version == 8
        assert carter.publication_date == date(2007, 4, 3)
        assert carter.year == 2007  # not 2011, the year of v8
        assert carter.dois == [
            "10.1103/PhysRevD.75.124007",
            "10.1103/PhysRevD.82.029901",
            "10.1103/PhysRevD.82.129903",
        ]
        assert carter.venue == "Phys.Rev.D"

        cdf = _work(s, "0704.0638")
        assert _names(s, cdf) == ["CDF Collaboration"]
        assert cdf.type == "article"

        spitzer = _work(s, "0704.0253")
        assert "Neal J. Evans II" in _names(s, spitzer)
        assert "Ewine F. van Dishoeck" in _names(s, spitzer)
        assert len(_names(s, spitzer)) == 18

        games = _work(s, "0704.0357")
        assert games.submitter == "Gergely J Szöllősi"  # from Sz\"oll\H{o}si
        assert games.categories == "q-bio.PE q-bio.OT"

        plagiarism = _work(s, "0704.0525")
        assert plagiarism.is_withdrawn
        assert plagiarism.type == "article"  # withdrawn is a status, not a type


def test_kaggle_snapshot_values(fresh_engine: Engine, arxiv_data: Path, tmp_path: Path) -> None:
    _ingest(
        fresh_engine,
        arxiv_data / "snapshot-sample-wanng-ide_arxivSpider_mnbvc-lines001-100.jsonl",
        tmp_path,
    )
    with Session(fresh_engine) as s:
        sparsity = _work(s, "0704.0002")
        assert sparsity.arxiv_version == 2
        assert sparsity.publication_date == date(2007, 3, 31)  # v1; update_date 2008-12-13
        assert sparsity.source_updated == date(2008, 12, 13)
        assert sparsity.type == "preprint"  # "To appear in Graphs and Combinatorics"
        assert sparsity.categories == "math.CO cs.CG"
        assert sparsity.license == "http://arxiv.org/licenses/nonexclusive-distrib/1.0/"
        assert _names(s, sparsity) == ["Ileana Streinu", "Louis Theran"]
        assert "Péter E. Frenkel" in _names(s, _work(s, "0704.0028"))


def test_arxiv_raw_through_the_pipeline(fresh_engine: Engine, tmp_path: Path) -> None:
    path = FIXTURES / "oai-arXivRaw-listrecords-0704.0001-0704.0002.xml"
    summary = _ingest(fresh_engine, path, tmp_path)
    assert (summary.records_read, summary.works_inserted, summary.records_skipped) == (2, 2, 0)
    assert _table_counts(fresh_engine) == (2, 6, 6)
    assert_run_stored(fresh_engine, summary)
    with Session(fresh_engine) as s:
        w = _work(s, "0704.0001")
        assert w.arxiv_version == 2
        assert w.versions == [
            {"version": 1, "created": "2007-04-02T19:18:42+00:00"},
            {"version": 2, "created": "2007-07-24T20:10:27+00:00"},
        ]
        assert w.publication_date == date(2007, 4, 2)
        assert w.source_updated == date(2007, 7, 24)  # the latest version's date
        assert w.submitter == "Pavel Nadolsky"
        assert w.report_no == "ANL-HEP-PR-07-12"
        assert w.type == "article"
        assert w.venue == "Phys.Rev.D"
        raw = s.scalar(
            select(Authorship.raw_name).where(Authorship.work_id == w.id, Authorship.position == 1)
        )
        assert raw == "C. Bal\\'azs"
        assert _names(s, w) == ["C. Balázs", "E. L. Berger", "P. M. Nadolsky", "C.-P. Yuan"]
        sparsity = _work(s, "0704.0002")
        assert sparsity.primary_category == "math.CO"
        assert sparsity.license == "http://arxiv.org/licenses/nonexclusive-distrib/1.0/"
        assert sparsity.publication_date == date(2007, 3, 31)


def test_deleted_oai_record_through_the_pipeline(
    fresh_engine: Engine, arxiv_data: Path, tmp_path: Path
) -> None:
    real = arxiv_data / "oai-arXiv-getrecord-inspire-next-1305.0014.xml"
    deleted = FIXTURES / "oai-arXiv-listrecords-deleted.xml"
    _ingest(fresh_engine, real, tmp_path)
    summary = _ingest(fresh_engine, deleted, tmp_path)
    # Two deletions read: 1305.0014 is marked deleted; 1305.9999 was never stored, and a
    # deletion does not create a work for it.
    assert (summary.records_read, summary.works_deleted, summary.records_skipped) == (2, 1, 0)
    assert summary.works_inserted == summary.works_updated == 0
    assert_run_stored(fresh_engine, summary)
    with Session(fresh_engine) as s:
        w = _work(s, "1305.0014")
        assert w.is_deleted
        assert s.scalar(select(func.count()).select_from(Work)) == 1
        # Its authorships go; the author records stay, counted down to nothing.
        assert _names(s, w) == []
        assert s.scalars(select(Author.works_count).order_by(Author.id)).all() == [0, 0]
        assert s.scalar(text("SELECT COUNT(*) FROM coauthor_edges")) == 0

    again = _ingest(fresh_engine, deleted, tmp_path, fingerprint="deleted again")
    assert again.works_deleted == 0  # already deleted: nothing changes

    # The record coming back (arXiv reinstates it) revives the same work.
    revived = _ingest(fresh_engine, real, tmp_path, fingerprint="revived")
    assert revived.works_updated == 1
    with Session(fresh_engine) as s:
        back = _work(s, "1305.0014")
        assert back.id == w.id
        assert not back.is_deleted
        assert _names(s, back) == ["S. Gardner", "B. Plaster"]
        # Counted again. Deleting dropped the authorships, so the names are resolved
        # afresh: the two emptied records had no coauthors or fields left to match on and
        # stay behind with no works (a known limit, see docs/ingest-merging.md).
        live = s.scalars(
            select(Author.works_count)
            .join(Authorship, Authorship.author_id == Author.id)
            .where(Authorship.work_id == back.id)
        ).all()
        assert live == [1, 1]


def test_a_deletion_after_the_record_in_one_batch_wins(
    fresh_engine: Engine, arxiv_data: Path, tmp_path: Path
) -> None:
    from app.ingest.formats.oai import iter_oai_file

    real = arxiv_data / "oai-arXiv-getrecord-inspire-next-1305.0014.xml"
    deleted = FIXTURES / "oai-arXiv-listrecords-deleted.xml"
    _ingest(fresh_engine, real, tmp_path)
    with real.open("rb") as a, deleted.open("rb") as b:
        results = [*iter_oai_file(a), *iter_oai_file(b)]  # one batch: record, then deletion
    summary = Pipeline(
        fresh_engine, Settings(), source="both", fmt="oai", fingerprint="both", batch_size=10
    ).run(results)
    assert summary.works_deleted == 1
    with Session(fresh_engine) as s:
        assert _work(s, "1305.0014").is_deleted


def test_poorer_format_keeps_what_a_richer_one_stored(
    fresh_engine: Engine, arxiv_data: Path, tmp_path: Path
) -> None:
    """1207.1019 is in the cs ListRecords (arXiv format: licence, affiliations) and in
    the oai_dc GetRecord (neither). The oai_dc record must not erase them."""
    rich = arxiv_data / "oai-arXiv-listrecords-invenio-oaiharvester-set-cs.xml"
    poor = arxiv_data / "oai-oai_dc-getrecord-invenio-oaiharvester-1207.1019.xml"
    _ingest(fresh_engine, rich, tmp_path)
    with Session(fresh_engine) as s:
        before = _work(s, "1207.1019")
        authors_before = s.scalars(
            select(Authorship.author_id)
            .where(Authorship.work_id == before.id)
            .order_by(Authorship.position)
        ).all()

    merged = _ingest(fresh_engine, poor, tmp_path)
    # The oai_dc form differs (its abstract is re-indented), so the work is updated...
    assert merged.works_updated == 1
    with Session(fresh_engine) as s:
        w = _work(s, "1207.1019")
        # ...but what oai_dc cannot express is kept, not nulled.
        assert w.license == "http://arxiv.org/licenses/nonexclusive-distrib/1.0/"
        assert _affiliations(s, w) == [["LIF"], ["LAHC"], ["LIF"]]
        assert (
            s.scalar(
                text("SELECT COUNT(*) FROM authorship_institutions WHERE work_id = :w"), {"w": w.id}
            )
            == 3
        )
        # What it does carry is taken from it.
        assert w.comments == "7 pages, Research report"
        assert w.categories == "stat.ML cs.CV cs.LG cs.MM"
        assert (
            s.scalars(
                select(Authorship.author_id)
                .where(Authorship.work_id == w.id)
                .order_by(Authorship.position)
            ).all()
            == authors_before
        )

    # Idempotent: the same oai_dc input again changes nothing.
    again = _ingest(fresh_engine, poor, tmp_path, fingerprint="poor again")
    assert again.works_unchanged == 1
    assert again.works_updated == 0


def test_unknown_file_is_one_reported_error(
    fresh_engine: Engine, arxiv_data: Path, tmp_path: Path
) -> None:
    """Without the CLI's check first, the pipeline still turns it into a reported error."""
    summary = _ingest(fresh_engine, arxiv_data / "schemas" / "arXivRaw.xsd", tmp_path)
    assert (summary.records_read, summary.records_skipped, summary.works_inserted) == (1, 1, 0)
    assert "not a JSON Lines snapshot" in (tmp_path / "arXivRaw.xsd.errors.jsonl").read_text()
