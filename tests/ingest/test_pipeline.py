"""The ingestion pipeline against a real database: counts, idempotency, resume, errors."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from app.core.database import bulk_working_memory
from app.core.settings import Settings
from app.ingest.formats.snapshot import iter_snapshot
from app.ingest.pipeline import Pipeline
from app.ingest.records import ParseResult
from app.main import create_app
from app.models import Author, CoauthorEdge, IngestRun, Work
from tests.ingest.conftest import assert_run_stored, empty_catalogue
from tests.statements import recorded_statements

SNAPSHOT = "snapshot-sample-wanng-ide_arxivSpider_mnbvc-lines001-100.jsonl"


def _run(
    engine: Engine, data: bytes, fingerprint: str, tmp_path: Path, batch_size: int = 25
) -> Pipeline:
    pipeline = Pipeline(
        engine,
        Settings(),
        source="test",
        fmt="snapshot",
        fingerprint=fingerprint,
        errors_path=tmp_path / "errors.jsonl",
        batch_size=batch_size,
    )
    pipeline.run(iter_snapshot(io.BytesIO(data)))
    return pipeline


def _counts(engine: Engine) -> tuple[int, int, int, int]:
    with Session(engine) as s:
        return (
            s.scalar(select(func.count()).select_from(Work)) or 0,
            s.scalar(select(func.count()).select_from(Author)) or 0,
            s.scalar(select(func.count()).select_from(CoauthorEdge)) or 0,
            s.scalar(select(func.sum(Author.works_count))) or 0,
        )


def test_real_snapshot_ingests_with_expected_values(
    fresh_engine: Engine, arxiv_data: Path, tmp_path: Path
) -> None:
    data = (arxiv_data / SNAPSHOT).read_bytes()
    summary = _run(fresh_engine, data, "a", tmp_path).summary
    assert summary.records_read == 100
    assert summary.works_inserted == 100
    assert summary.records_skipped == 0
    run = assert_run_stored(fresh_engine, summary)
    assert run.counts["authors_created"] == 210
    assert run.counts["edges"] == summary.edges > 0
    with Session(fresh_engine) as s:
        first = s.scalars(select(Work).where(Work.arxiv_id == "0704.0001")).one()
        assert first.type == "article"  # journal-ref and DOI: it was published
        assert first.year == 2007  # first version's year, not update_date's 2008
        assert first.venue is not None
        assert first.venue.startswith("Phys")
        assert first.categories == "hep-ph"
        names = s.scalars(
            text("SELECT display_name FROM authorships WHERE work_id = :w ORDER BY position"),
            {"w": first.id},
        ).all()
        assert names[0] == "C. Balázs"
        raw = s.scalar(
            text("SELECT raw_name FROM authorships WHERE work_id = :w AND position = 1"),
            {"w": first.id},
        )
        assert raw is not None
        assert "Bal" in raw
        babar = s.scalars(select(Author).where(Author.is_collaboration.is_(True))).all()
        assert any("BABAR" in a.display_name for a in babar)
        # Counts agree with the rows they summarise.
        assert s.scalar(select(func.sum(Author.works_count))) == s.scalar(
            text("SELECT COUNT(*) FROM authorships")
        )


def test_reingest_changes_nothing(fresh_engine: Engine, arxiv_data: Path, tmp_path: Path) -> None:
    data = (arxiv_data / SNAPSHOT).read_bytes()
    _run(fresh_engine, data, "first", tmp_path)
    before = _counts(fresh_engine)
    again = _run(fresh_engine, data, "second", tmp_path).summary
    assert again.works_unchanged == 100
    assert again.works_inserted == again.works_updated == again.authors_created == 0
    assert _counts(fresh_engine) == before
    assert assert_run_stored(fresh_engine, again).counts["works_unchanged"] == 100


class _Killed(Exception):
    pass


def _dies_after(results: Iterator[ParseResult], n: int) -> Iterator[ParseResult]:
    for i, result in enumerate(results):
        if i == n:
            raise _Killed
        yield result


def test_interrupted_run_resumes_to_the_same_result(
    fresh_engine: Engine, arxiv_data: Path, tmp_path: Path
) -> None:
    data = (arxiv_data / SNAPSHOT).read_bytes()
    clean_summary = _run(fresh_engine, data, "clean", tmp_path).summary
    clean = _counts(fresh_engine)
    empty_catalogue(fresh_engine)

    pipeline = Pipeline(
        fresh_engine, Settings(), source="t", fmt="snapshot", fingerprint="resume", batch_size=20
    )
    with pytest.raises(_Killed):
        pipeline.run(_dies_after(iter_snapshot(io.BytesIO(data)), 55))
    with Session(fresh_engine) as s:
        run = s.scalars(select(IngestRun).where(IngestRun.fingerprint == "resume")).one()
        assert run.status == "failed"
        assert run.checkpoint == 40  # two whole batches committed, the third rolled back
        assert run.counts["records_read"] == run.counts["works_inserted"] == 40
    assert_run_stored(fresh_engine, pipeline.summary, status="failed")
    resumed = _run(fresh_engine, data, "resume", tmp_path, batch_size=20).summary
    assert resumed.resumed_from == 40
    assert _counts(fresh_engine) == clean
    # The resumed run's stored counts cover the whole input, exactly like the clean run's.
    assert assert_run_stored(fresh_engine, resumed).id == run.id
    for key in ("records_read", "works_inserted", "records_skipped", "authors_created"):
        assert getattr(resumed, key) == getattr(clean_summary, key), key


def test_a_batch_that_fails_in_its_transaction_is_not_counted(
    fresh_engine: Engine, arxiv_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The database refuses the third batch: its rows roll back, and so must its counts,
    or the resumed run (which carries the stored counts forward) counts it twice."""
    data = (arxiv_data / SNAPSHOT).read_bytes()
    flush = Pipeline._flush
    calls = 0

    def failing_third(self: Pipeline, connection: Any, out: Any) -> None:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise _Killed
        flush(self, connection, out)

    monkeypatch.setattr(Pipeline, "_flush", failing_third)
    pipeline = Pipeline(
        fresh_engine, Settings(), source="t", fmt="snapshot", fingerprint="db", batch_size=20
    )
    with pytest.raises(_Killed):
        pipeline.run(iter_snapshot(io.BytesIO(data)))
    run = assert_run_stored(fresh_engine, pipeline.summary, status="failed")
    assert run.checkpoint == 40
    assert run.counts["records_read"] == run.counts["works_inserted"] == 40
    monkeypatch.setattr(Pipeline, "_flush", flush)
    resumed = _run(fresh_engine, data, "db", tmp_path, batch_size=20).summary
    assert (resumed.records_read, resumed.works_inserted) == (100, 100)
    assert_run_stored(fresh_engine, resumed)


def test_bad_lines_are_reported_and_skipped(fresh_engine: Engine, tmp_path: Path) -> None:
    good = (
        b'{"id":"0704.0001","submitter":"x","authors":"A. Person, B. Other","title":"T",'
        b'"comments":null,"journal-ref":null,"doi":null,"report-no":null,'
        b'"categories":"hep-ph","license":null,"abstract":"  A.\\n","versions":'
        b'[{"version":"v1","created":"Mon, 2 Apr 2007 19:18:42 GMT"}],'
        b'"update_date":"2008-11-13","authors_parsed":[["Person","A.",""],["Other","B.",""]]}'
    )
    data = (
        b"\n".join(
            [good, b"{not json", b'{"title": "no id"}', good.replace(b"0704.0001", b"0704.0002")]
        )
        + b"\n"
    )
    summary = _run(fresh_engine, data, "bad", tmp_path).summary
    assert summary.works_inserted == 2
    assert summary.records_skipped == 2
    assert assert_run_stored(fresh_engine, summary).counts["records_skipped"] == 2
    report = (tmp_path / "errors.jsonl").read_text().splitlines()
    assert len(report) == 2
    assert '"line 2"' in report[0]
    assert '"line 3"' in report[1]


def _paper(arxiv_id: str, authors: list[tuple[str, str]]) -> bytes:
    return orjson.dumps(
        {
            "id": arxiv_id,
            "authors": ", ".join(f"{first} {last}" for last, first in authors),
            "authors_parsed": [[last, first, ""] for last, first in authors],
            "title": f"Paper {arxiv_id}",
            "abstract": "A.",
            "categories": "math.CO",
            "versions": [{"version": "v1", "created": "Mon, 2 Apr 2007 19:18:42 GMT"}],
            "update_date": "2008-11-13",
        }
    )


def test_close_collaborators_are_decided_on_the_stored_strength(
    fresh_engine: Engine, tmp_path: Path
) -> None:
    # Three four-author papers give each pair 3 shared works and a strength of 3 x 1/3: on
    # the threshold (3 works, strength 1.0), so close. Two two-author papers give a strength
    # of 2.0 but only 2 shared works: not close.
    group = [
        ("Zabrowski", "Alicja"),
        ("Okonkwo", "Bartholomew"),
        ("Quist", "Cordelia"),
        ("Vantongeren", "Desmond"),
    ]
    pair = [("Zabrowski", "Alicja"), ("Ferreira-Lund", "Evangelina")]
    lines = [_paper(f"0704.000{i}", group) for i in range(1, 4)]
    lines += [_paper(f"0704.001{i}", pair) for i in range(1, 3)]
    _run(fresh_engine, b"\n".join(lines) + b"\n", "close", tmp_path)
    with Session(fresh_engine) as session:
        names = dict(session.execute(select(Author.id, Author.display_name)).all())
        edges = {
            (names[e.author_id], names[e.coauthor_id]): e
            for e in session.scalars(select(CoauthorEdge))
        }
    assert len(names) == 5
    assert len(edges) == 2 * (6 + 1)  # both directions of every pair
    for edge in edges.values():
        assert edge.is_close == (edge.shared_works >= 3 and edge.strength >= 1.0)
    close = edges[("Alicja Zabrowski", "Bartholomew Okonkwo")]
    assert (close.shared_works, close.is_close) == (3, True)
    assert close.strength == pytest.approx(1.0)
    distant = edges[("Evangelina Ferreira-Lund", "Alicja Zabrowski")]
    assert (distant.shared_works, distant.strength, distant.is_close) == (2, 2.0, False)


def _derived(engine: Engine) -> tuple[list[Any], list[Any]]:
    with engine.connect() as connection:
        edges = connection.execute(
            text(
                "SELECT author_id, coauthor_id, shared_works, first_year, last_year, "
                "ROUND(CAST(strength AS NUMERIC), 6), is_close FROM coauthor_edges "
                "ORDER BY author_id, coauthor_id"
            )
        ).all()
        counts = connection.execute(
            text(
                "SELECT id, works_count, topics_count, coauthors_count, "
                "close_collaborators_count, first_year, last_year FROM authors ORDER BY id"
            )
        ).all()
    return edges, counts


def test_a_second_run_refreshes_only_its_authors_to_what_a_full_refresh_gives(
    fresh_engine: Engine, tmp_path: Path
) -> None:
    """The end of run rebuilds the edges of the authors it touched and mirrors them to
    their untouched coauthors (anti-joins on the touched set): after two runs over halves
    of a corpus, refreshing every author from scratch must change nothing."""
    from app.ingest.generate import generate_corpus
    from app.ingest.refresh import refresh_after_run

    buffer = io.BytesIO()
    generate_corpus(400, 11, buffer)
    lines = buffer.getvalue().splitlines(keepends=True)
    _run(fresh_engine, b"".join(lines[:250]), "first", tmp_path, batch_size=100)
    second = _run(fresh_engine, b"".join(lines[250:]), "second", tmp_path, batch_size=100)
    edges, counts = _derived(fresh_engine)
    with fresh_engine.connect() as connection:
        every_author = set(connection.scalars(text("SELECT id FROM authors")))
    # Both halves share authors, and the second left some of them untouched.
    assert 0 < len(second.affected_authors) < len(every_author)
    assert len(edges) > 100
    with fresh_engine.begin() as connection:
        refresh_after_run(connection, every_author, Settings())
    assert _derived(fresh_engine) == (edges, counts)


def test_ingested_data_served_through_http(
    fresh_engine: Engine, arxiv_data: Path, tmp_path: Path, database_url: str
) -> None:
    _run(fresh_engine, (arxiv_data / SNAPSHOT).read_bytes(), "http", tmp_path)
    app = create_app(Settings(database_url=database_url, log_json=False))
    with TestClient(app) as client:
        work = client.get("/v1/works/arxiv:0704.0001").json()
        assert work["type"] == "article"
        assert work["publication_date"] == "2007-04-02"
        author_id = work["authorships"][0]["author"]["id"]
        author = client.get(f"/v1/authors/{author_id}").json()
        assert author["verification_level"] == 1
        assert author["counts"]["works"] >= 1
        found = client.get("/v1/works", params={"q": "diphoton"}).json()
        assert "0704.0001" in [w["ids"]["arxiv"] for w in found["results"]]
        assert client.get("/v1/topics/hep-ph").json()["works_count"] >= 1


def test_a_run_on_an_empty_database_loads_the_taxonomy_first(
    fresh_engine: Engine, tmp_path: Path
) -> None:
    from app.models import Topic, WorkTopic
    from app.topics.sync import sync_taxonomy

    with fresh_engine.begin() as connection:
        connection.execute(text("UPDATE topics SET parent_id = NULL"))
        connection.execute(text("DELETE FROM topics"))
    record = (
        b'{"id":"0704.0001","authors":"A. Person, B. Other","title":"T","abstract":"A.",'
        b'"categories":"hep-ph math.CO","versions":[{"version":"v1",'
        b'"created":"Mon, 2 Apr 2007 19:18:42 GMT"}],"update_date":"2008-11-13"}\n'
    )
    try:
        _run(fresh_engine, record, "taxonomy", tmp_path)
        with Session(fresh_engine) as session:
            codes = set(session.scalars(select(Topic.code)))
            assert {"hep-ph", "math.CO", "math", "grp_math"} <= codes
            primary_first = session.scalars(
                select(Topic.code)
                .join(WorkTopic, WorkTopic.topic_id == Topic.id)
                .order_by(WorkTopic.is_primary.desc(), Topic.code)
            ).all()
            assert primary_first == ["hep-ph", "math.CO"]
    finally:
        with Session(fresh_engine) as session, session.begin():
            sync_taxonomy(session)


def _search_index_pieces(engine: Engine) -> int:
    """SQLite: FTS5 segments in works_fts. PostgreSQL: GIN pending-list pages, which this
    moves into the index (so call it once per state to check)."""
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            return connection.exec_driver_sql(
                "SELECT gin_clean_pending_list('ix_works_search_vector')"
            ).scalar_one()
        return connection.exec_driver_sql(
            "SELECT count(DISTINCT segid) FROM works_fts_idx"
        ).scalar_one()


# One FTS5 segment; no GIN pending-list page.
_SETTLED = {"sqlite": 1, "postgresql": 0}


@pytest.mark.parametrize("query", ["diphoton", "quantum", "field theory", "spin"])
def test_settling_the_search_index_after_a_bulk_load_keeps_every_answer(
    fresh_engine: Engine, arxiv_data: Path, tmp_path: Path, database_url: str, query: str
) -> None:
    from app.ingest import pipeline

    # Ten small batches, ten index writes: below the threshold, the run leaves them be.
    _run(fresh_engine, (arxiv_data / SNAPSHOT).read_bytes(), "settle", tmp_path, batch_size=10)
    app = create_app(Settings(database_url=database_url, log_json=False))
    with TestClient(app) as client:
        before = client.get("/v1/works", params={"q": query, "per_page": 100}).json()
        if fresh_engine.dialect.name == "sqlite":
            assert _search_index_pieces(fresh_engine) > 1
        pipeline.settle_after_bulk_load(fresh_engine)
        assert _search_index_pieces(fresh_engine) == _SETTLED[fresh_engine.dialect.name]
        after = client.get("/v1/works", params={"q": query, "per_page": 100}).json()
    assert before["results"]
    assert after == before


def test_a_run_past_the_threshold_settles_the_search_index(
    fresh_engine: Engine, arxiv_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.ingest import pipeline

    monkeypatch.setattr(pipeline, "SETTLE_AFTER_BULK_LOAD_OF", 50)
    _run(fresh_engine, (arxiv_data / SNAPSHOT).read_bytes(), "past", tmp_path, batch_size=10)
    assert _search_index_pieces(fresh_engine) == _SETTLED[fresh_engine.dialect.name]
    if fresh_engine.dialect.name == "postgresql":
        # Vacuumed: every page of what the run wrote is all-visible, so no reader writes
        # hint bits back and index-only scans stay in the index.
        with fresh_engine.connect() as connection:
            pages = connection.exec_driver_sql(
                "SELECT relname, relpages, relallvisible FROM pg_class "
                "WHERE relname IN ('works', 'works_search', 'authorships', 'authors')"
            ).all()
        assert len(pages) == 4
        assert all(total > 0 and visible == total for _, total, visible in pages), pages


def test_settling_indexes_the_newest_works_again_for_the_corpus_as_it_is(
    fresh_engine: Engine, arxiv_data: Path, tmp_path: Path
) -> None:
    """PostgreSQL: after a bulk load, one partial GIN index covers the newest fifth of the
    indexed works (`index_recent_works`); settling again replaces it, never adds one.
    `recent_lexemes` holds each word's count among the same works."""
    if fresh_engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: FTS5 reads matches newest first by itself")
    from app.core.search import RECENT_WORKS_INDEX, RECENT_WORKS_SHARE
    from app.ingest import pipeline

    _run(fresh_engine, (arxiv_data / SNAPSHOT).read_bytes(), "recent", tmp_path)

    def recent_indexes() -> list[str]:
        with fresh_engine.connect() as connection:
            return list(
                connection.scalars(
                    text(
                        "SELECT indexdef FROM pg_indexes WHERE tablename = 'works_search' "
                        "AND indexname LIKE :name"
                    ),
                    {"name": f"{RECENT_WORKS_INDEX}%"},
                )
            )

    for _ in range(2):
        pipeline.settle_after_bulk_load(fresh_engine)
        with fresh_engine.connect() as connection:
            first, last = connection.execute(
                text("SELECT min(work_id), max(work_id) FROM works_search")
            ).one()
        since = int(last - (last - first) * RECENT_WORKS_SHARE)
        assert recent_indexes() == [
            f"CREATE INDEX {RECENT_WORKS_INDEX} ON public.works_search USING gin "
            f"(search_vector) WHERE (work_id > {since})"
        ]
        with fresh_engine.connect() as connection:
            held = connection.execute(
                text("SELECT lexeme, works, id_span FROM recent_lexemes")
            ).all()
            assert held
            assert {span for _, _, span in held} == {last - since}
            for lexeme, works, _ in held[:: max(1, len(held) // 20)]:
                assert works == connection.scalar(
                    text(
                        "SELECT count(*) FROM works_search WHERE work_id > :since "
                        "AND search_vector @@ CAST(quote_literal(:lexeme) AS tsquery)"
                    ),
                    {"since": since, "lexeme": lexeme},
                )


@pytest.mark.parametrize(("threshold", "analyzed_first"), [(50, True), (101, False)])
def test_a_big_run_refreshes_planner_statistics_before_its_end_of_run(
    threshold: int,
    analyzed_first: bool,
    fresh_engine: Engine,
    arxiv_data: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from app.ingest import pipeline

    steps: list[str] = []
    real_analyze, real_refresh = pipeline.refresh_planner_statistics, pipeline.refresh_after_run

    def analyze(engine: Engine) -> None:
        steps.append("analyze")
        real_analyze(engine)

    def refresh(*args: Any) -> int:
        steps.append("refresh")
        return real_refresh(*args)

    monkeypatch.setattr(pipeline, "ANALYZE_BEFORE_REFRESH_AFTER", threshold)
    monkeypatch.setattr(pipeline, "refresh_planner_statistics", analyze)
    monkeypatch.setattr(pipeline, "refresh_after_run", refresh)
    _run(fresh_engine, (arxiv_data / SNAPSHOT).read_bytes(), "big", tmp_path)
    # 100 works: the end of run is planned on statistics that know them only past 50.
    before = ["analyze"] if analyzed_first else []
    assert steps == [*before, "refresh", "analyze"]


@pytest.mark.parametrize(("threshold", "analyzed"), [(1, True), (10**9, False)])
def test_a_big_refresh_analyzes_the_rebuilt_edges_before_trust_reads_them(
    threshold: int,
    analyzed: bool,
    fresh_engine: Engine,
    arxiv_data: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if fresh_engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: SQLite looks ids up by index whatever its statistics")
    from app.ingest import refresh

    monkeypatch.setattr(refresh, "ANALYZE_REFRESHED_FROM", threshold)
    with recorded_statements(fresh_engine) as sent:
        _run(fresh_engine, (arxiv_data / SNAPSHOT).read_bytes(), "analyzed", tmp_path)
    statements = [" ".join(sql.split()) for sql in sent]
    analyze = [i for i, sql in enumerate(statements) if sql.startswith("ANALYZE coauthor_edges")]
    built = next(i for i, sql in enumerate(statements) if sql.startswith("INSERT INTO coauthor_"))
    trust_reads = [i for i, sql in enumerate(statements) if "FROM coauthor_edges e JOIN" in sql]
    trust_reads += [i for i, sql in enumerate(statements) if sql.startswith("SELECT author_id, co")]
    assert trust_reads
    if analyzed:
        assert len(analyze) == 1
        assert built < analyze[0] < min(trust_reads)
    else:
        assert analyze == []


def test_the_end_of_run_working_memory_is_given_back_to_the_pooled_connection(
    fresh_engine: Engine,
) -> None:
    memory = {"sqlite_cache_mib": 8, "postgres_work_mem_mib": 96}
    if fresh_engine.dialect.name == "postgresql":
        with fresh_engine.connect() as connection:
            usual = connection.exec_driver_sql("SHOW work_mem").scalar()
            connection.commit()
            with connection.begin(), bulk_working_memory(connection, **memory):
                assert connection.exec_driver_sql("SHOW work_mem").scalar() == "96MB"
            # SET LOCAL ends with its transaction.
            assert connection.exec_driver_sql("SHOW work_mem").scalar() == usual != "96MB"
        return
    with fresh_engine.connect() as connection:
        usual = connection.exec_driver_sql("PRAGMA cache_size").scalar()
        with bulk_working_memory(connection, **memory):
            assert connection.exec_driver_sql("PRAGMA cache_size").scalar() == -8 * 1024
        assert connection.exec_driver_sql("PRAGMA cache_size").scalar() == usual == -65536


def test_the_refresh_writes_each_author_once_with_its_affiliation_and_level(
    session: Session,
) -> None:
    """The end of run's counts, imported affiliation and verification level are one UPDATE
    of `authors` (each UPDATE is a new row version on PostgreSQL). The level follows the
    fresh works, not the stored count; a stated affiliation is kept."""
    from app.ingest.refresh import refresh_after_run
    from app.models import AuthorshipInstitution, Institution
    from tests import factories as f

    imported = f.author(session, "Ada Imported")
    stated = f.author(session, "Bea Stated")
    gone = f.author(session, "Cy Withdrawn")
    work = f.work(session, [imported, stated])
    f.work(session, [gone], is_deleted=True)  # its only work: no longer counts
    lab = Institution(name="Refresh Lab", name_key="refresh lab", provenance="imported")
    session.add(lab)
    session.flush()
    for position in (1, 2):
        session.add(
            AuthorshipInstitution(work_id=work.id, position=position, institution_id=lab.id)
        )
    stated.affiliation, stated.affiliation_provenance = "Own Lab", "stated"
    for author in (imported, stated, gone):
        author.verification_level = 1
    session.flush()
    connection = session.connection()
    with recorded_statements(connection) as statements:
        refresh_after_run(connection, {imported.id, stated.id, gone.id}, Settings())
    author_updates = [s for s in statements if s.lstrip().upper().startswith("UPDATE AUTHORS")]
    assert len(author_updates) == 1
    rows = {
        row.id: row
        for row in connection.execute(
            text(
                "SELECT id, works_count, affiliation, affiliation_provenance, verification_level "
                "FROM authors WHERE id IN (:a, :b, :c)"
            ),
            {"a": imported.id, "b": stated.id, "c": gone.id},
        )
    }
    assert tuple(rows[imported.id])[1:] == (1, "Refresh Lab", "imported", 1)
    assert tuple(rows[stated.id])[1:] == (1, "Own Lab", "stated", 1)
    assert tuple(rows[gone.id])[1:] == (0, None, "none", 0)
