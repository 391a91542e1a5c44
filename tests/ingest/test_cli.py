"""`bzpeer ingest` through typer's CliRunner: files it cannot ingest, the progress bar."""

from __future__ import annotations

import gzip
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
from rich.progress import Progress
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from app.cli import app
from app.core.settings import get_settings
from app.ingest import commands
from app.ingest.formats import ReadPosition, iter_records
from app.models import IngestRun, Work

ABS = "snapshot-converted-from-abs-0704.0201-0704.0700.jsonl"
DC = "oai-oai_dc-getrecord-invenio-oaiharvester-1207.1019.xml"
UNKNOWN = "not a JSON Lines snapshot, OAI-PMH response or Atom feed"


def run_bzpeer(database_url: str, *args: str) -> Any:
    """Run `bzpeer ...` in-process against `database_url` (settings are cached, so cleared
    before and after)."""
    get_settings.cache_clear()
    try:
        return CliRunner().invoke(
            app, list(args), env={"BZPEER_DATABASE_URL": database_url, "BZPEER_LOG_JSON": "false"}
        )
    finally:
        get_settings.cache_clear()


@pytest.fixture
def bzpeer(database_url: str) -> Callable[..., Any]:
    """Run `bzpeer ...` in-process against the test database."""
    return lambda *args: run_bzpeer(database_url, *args)


def test_a_file_in_an_unknown_format_is_one_error_line_and_the_others_still_ingest(
    fresh_engine: Engine, arxiv_data: Path, tmp_path: Path, bzpeer: Callable[..., Any]
) -> None:
    rds = arxiv_data / "openalex" / "openalexR-entity_list_samples.rds"  # R binary data
    xsd = arxiv_data / "schemas" / "arXiv.xsd"  # XML, but no OAI-PMH root
    errors = tmp_path / "errors.jsonl"
    result = bzpeer("ingest", str(rds), str(arxiv_data / DC), str(xsd), "--errors", str(errors))

    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)  # typer.Exit, not UnknownFormatError
    output = " ".join(result.output.split())  # rich wraps long lines
    assert f"error: {rds}: {UNKNOWN}" in output
    assert f"error: {xsd}: {UNKNOWN}" in output
    assert f"2 of 3 file(s) not ingested: {rds}, {xsd}" in output
    assert "works inserted" in output  # the summary of the file in between
    lines = [orjson.loads(line) for line in errors.read_text().splitlines()]
    assert lines == [
        {"source": str(rds), "position": "file", "id": None, "reason": UNKNOWN},
        {"source": str(xsd), "position": "file", "id": None, "reason": UNKNOWN},
    ]
    with Session(fresh_engine) as s:
        assert s.scalars(select(Work.arxiv_id)).all() == ["1207.1019"]
        # Nothing was read from the unknown files, so they have no ingestion run.
        assert s.scalars(select(IngestRun.source)).all() == [str(arxiv_data / DC)]


def test_an_unreadable_gzip_is_reported_like_an_unknown_format(
    fresh_engine: Engine, tmp_path: Path, bzpeer: Callable[..., Any]
) -> None:
    broken = tmp_path / "cut.jsonl.gz"
    broken.write_bytes(b"\x1f\x8b\x08\x00garbage")
    result = bzpeer("ingest", str(broken), "-q")
    assert result.exit_code == 1, result.output
    assert f"error: {broken}: unreadable:" in " ".join(result.output.split())
    errors = tmp_path / "cut.jsonl.gz.errors.jsonl"  # the default, beside the input
    assert orjson.loads(errors.read_text())["position"] == "file"


def test_clean_and_skipped_exit_statuses_are_unchanged(
    fresh_engine: Engine, arxiv_data: Path, tmp_path: Path, bzpeer: Callable[..., Any]
) -> None:
    errors = str(tmp_path / "e.jsonl")
    assert bzpeer("ingest", str(arxiv_data / DC), "-q", "--errors", errors).exit_code == 0
    oai_error = arxiv_data / "oai-arXiv-getrecord-inspire-next-error-idDoesNotExist-1305.9999.xml"
    assert bzpeer("ingest", str(oai_error), "-q", "--errors", errors).exit_code == 3


def test_errors_go_under_var_when_the_input_folder_is_read_only(
    arxiv_data: Path, tmp_path: Path
) -> None:
    # ../shared/data/arxiv has no write bits: never write beside the shared samples, even
    # as root (for whom os.access says every folder is writable).
    assert commands.default_errors_path(arxiv_data / DC) == Path("var/errors") / (
        DC + ".errors.jsonl"
    )
    mine = tmp_path / "x.jsonl"
    assert commands.default_errors_path(mine) == tmp_path / "x.jsonl.errors.jsonl"


def test_read_position_follows_the_compressed_bytes(arxiv_data: Path, tmp_path: Path) -> None:
    gz = tmp_path / (ABS + ".gz")
    gz.write_bytes(gzip.compress((arxiv_data / ABS).read_bytes()))
    size = gz.stat().st_size
    position = ReadPosition()
    seen = []
    for i, _ in enumerate(iter_records(gz, position=position)):
        if i % 50 == 0:
            seen.append(position.bytes_read())
    assert seen == sorted(seen)
    assert 0 < seen[1] < size  # partway, in compressed bytes (the plain file is ~3x larger)
    assert position.bytes_read() == size


@pytest.mark.parametrize("compressed", [False, True], ids=["plain", "gzip"])
def test_progress_bar_total_is_the_file_size(
    fresh_engine: Engine,
    arxiv_data: Path,
    tmp_path: Path,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    compressed: bool,
) -> None:
    data = (arxiv_data / ABS).read_bytes()
    path = tmp_path / (ABS + (".gz" if compressed else ""))
    path.write_bytes(gzip.compress(data) if compressed else data)
    made: list[Progress] = []
    completed: list[float] = []
    original = commands._progress

    def spy(show: bool, **kwargs: Any) -> Progress:
        progress = original(show, **kwargs)
        update = progress.update

        def recording(task: Any, **values: Any) -> None:
            if "completed" in values:
                completed.append(values["completed"])
            update(task, **values)

        progress.update = recording  # type: ignore[method-assign]
        made.append(progress)
        return progress

    monkeypatch.setattr(commands, "_progress", spy)
    monkeypatch.setenv("BZPEER_DATABASE_URL", database_url)
    get_settings.cache_clear()
    try:
        summary = commands.ingest_file(path, errors_path=tmp_path / "e.jsonl", batch_size=50)
    finally:
        get_settings.cache_clear()
    assert summary.works_inserted == 500
    task = made[0].tasks[0]
    assert task.total == path.stat().st_size
    assert task.completed == task.total
    assert task.fields["records"] == 500
    assert completed == sorted(completed)
    assert any(0 < c < path.stat().st_size for c in completed)  # it moved, not only pulsed


def test_no_progress_bar_when_not_a_terminal(
    fresh_engine: Engine, arxiv_data: Path, tmp_path: Path, bzpeer: Callable[..., Any]
) -> None:
    result = bzpeer("ingest", str(arxiv_data / ABS), "--errors", str(tmp_path / "e.jsonl"))
    assert result.exit_code == 0, result.output
    assert "━" not in result.output  # the bar's glyph
    assert "works inserted" in result.output  # the summary still prints


def test_ingest_into_a_database_without_the_schema_says_to_upgrade_and_reads_nothing(
    arxiv_data: Path, tmp_path: Path
) -> None:
    empty = tmp_path / "new.db"
    errors = str(tmp_path / "errors.jsonl")
    result = run_bzpeer(f"sqlite:///{empty}", "ingest", str(arxiv_data / DC), "--errors", errors)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    output = " ".join(result.output.split())
    assert f"error: the database sqlite:///{empty} has no bzpeer schema" in output
    assert "run `bzpeer db upgrade` first" in output
    assert not (tmp_path / "errors.jsonl").exists()  # the input was not read


@pytest.mark.parametrize(
    ("revision", "says"),
    [
        ("0005", "is at migration 0005, this build needs"),
        ("9999", "at migration 9999, which this build does not have: a newer bzpeer"),
    ],
)
def test_ingest_into_a_database_at_another_migration_says_which(
    arxiv_data: Path, tmp_path: Path, revision: str, says: str
) -> None:
    from sqlalchemy import create_engine, text

    behind = tmp_path / "other.db"
    engine = create_engine(f"sqlite:///{behind}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32))"))
        connection.execute(text("INSERT INTO alembic_version VALUES (:r)"), {"r": revision})
    engine.dispose()
    errors = str(tmp_path / "errors.jsonl")
    result = run_bzpeer(f"sqlite:///{behind}", "ingest", str(arxiv_data / DC), "--errors", errors)
    assert result.exit_code == 1, result.output
    assert says in " ".join(result.output.split()), result.output
    assert not (tmp_path / "errors.jsonl").exists()


def test_db_settle_settles_what_small_runs_left(
    fresh_engine: Engine, arxiv_data: Path, tmp_path: Path, bzpeer: Callable[..., Any]
) -> None:
    """A run below the settling threshold leaves the search indexes as they are (several
    FTS5 segments; no index of the newest works); `bzpeer db settle` does what a big run
    does at its end."""
    from app.core.search import RECENT_WORKS_INDEX

    if fresh_engine.dialect.name == "postgresql":
        with fresh_engine.begin() as connection:  # an earlier test's settling may have left one
            connection.exec_driver_sql(f"DROP INDEX IF EXISTS {RECENT_WORKS_INDEX}")
    errors = str(tmp_path / "errors.jsonl")
    for source in (ABS, DC):  # two runs: two FTS5 segments at least
        assert bzpeer("ingest", str(arxiv_data / source), "--errors", errors).exit_code == 0

    def settled() -> bool:
        with fresh_engine.connect() as connection:
            if fresh_engine.dialect.name == "postgresql":
                found = connection.exec_driver_sql(
                    f"SELECT count(*) FROM pg_indexes WHERE indexname = '{RECENT_WORKS_INDEX}'"
                ).scalar_one()
                return bool(found == 1)
            segments = connection.exec_driver_sql(
                "SELECT count(DISTINCT segid) FROM works_fts_idx"
            ).scalar_one()
            return bool(segments == 1)

    assert not settled()
    result = bzpeer("db", "settle")
    assert result.exit_code == 0, result.output
    assert "search indexes settled" in result.output
    assert settled()


def test_db_settle_on_a_database_without_the_schema_says_to_upgrade(tmp_path: Path) -> None:
    result = run_bzpeer(f"sqlite:///{tmp_path / 'new.db'}", "db", "settle")
    assert result.exit_code == 1
    assert "run `bzpeer db upgrade` first" in " ".join(result.output.split())
