"""Ingestion benchmark: `bzpeer ingest` against `sqlite-utils insert`, side by side.

    python -m bench.ingest [--works 200000] [--seed 1] [--postgres ADMIN_URL] [--workdir DIR]

A benchmark, not a test: it prints figures and asserts nothing. It generates one synthetic
snapshot (JSON Lines, `app.ingest.generate`) and then runs, one after the other:

a. `bzpeer ingest FILE --quiet` into a fresh SQLite file (migrated first, untimed): the
   whole command a user runs, as a subprocess with BZPEER_DATABASE_URL set, so the time
   includes interpreter start, parsing, disambiguation, bulk writes, the full-text
   triggers and the end-of-run refresh;
b. `sqlite-utils insert DB works FILE --nl` into another fresh SQLite file: the same
   records as one flat table, with nothing derived;
c. the search index alone: the records' titles and abstracts turned into the plain text
   bzpeer indexes (`latex_to_plain`) and written into a contentless FTS5 table with
   bzpeer's tokenizer, in process, right after b so that both see the machine in the same
   state. The issue asks for that index; no ingest that builds it can take less time, so
   sqlite-utils' time over this one is the best ratio any such ingest could print here;
d. `bzpeer ingest` of the first quarter of the file into a third SQLite file, to see how
   peak memory scales with the input;
e. with `--postgres`, `bzpeer ingest` into a fresh PostgreSQL database created from the
   admin URL (bulk writes go through COPY), dropped afterwards.

Wall time is taken around each subprocess; peak RSS is that child's own `ru_maxrss`
(`os.wait4`), so a bigger earlier run cannot mask a later one.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shlex
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import orjson
from rich.console import Console
from rich.table import Table
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app.cli import upgrade_database
from app.core.search import WORKS_TOKENIZER
from app.ingest.generate import generate_corpus
from app.ingest.text import latex_to_plain

MIB = 1024 * 1024
SNAPSHOT = "works.jsonl"
QUARTER = "works-quarter.jsonl"


@dataclass(frozen=True)
class Measured:
    """One timed subprocess: what was run, how long it took, how much memory it peaked at."""

    command: str
    seconds: float
    max_rss_kib: int
    returncode: int


@dataclass
class Result:
    """One row of the report."""

    tool: str
    database: str
    records: int
    measured: Measured
    upgrade_seconds: float | None = None
    in_run_seconds: float | None = None
    database_bytes: int | None = None
    counts: dict[str, Any] = field(default_factory=dict)

    @property
    def records_per_second(self) -> float:
        return self.records / self.measured.seconds if self.measured.seconds else 0.0

    @property
    def rss_mib(self) -> float:
        return self.measured.max_rss_kib * 1024 / MIB


def executable(name: str) -> str:
    """A console script of this virtualenv (next to the interpreter), else from PATH."""
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return str(beside)
    found = shutil.which(name)
    if found is None:
        raise SystemExit(f"{name} not found; install the bench extra: pip install -e '.[bench]'")
    return found


def shown(argv: Sequence[str], env: dict[str, str] | None = None) -> str:
    """The command line as one would type it in a shell."""
    prefix = " ".join(f"{k}={shlex.quote(v)}" for k, v in (env or {}).items())
    return f"{prefix} {shlex.join(argv)}".strip()


def run_measured(
    console: Console,
    argv: Sequence[str],
    *,
    log: Path,
    env: dict[str, str] | None = None,
    shown_env: dict[str, str] | None = None,
    ok: Sequence[int] = (0,),
) -> Measured:
    """Run `argv` to completion; wall seconds and the child's own peak RSS (KiB on Linux)."""
    command = shown(argv, shown_env if shown_env is not None else env)
    console.print(f"$ {command}", soft_wrap=True, highlight=False, markup=False)
    with log.open("wb") as out:
        started = time.perf_counter()
        process = subprocess.Popen(
            list(argv),
            env={**os.environ, **(env or {})},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in ok:
        tail = log.read_text(errors="replace")[-4000:]
        raise SystemExit(f"command failed with status {process.returncode}:\n{tail}")
    return Measured(command, seconds, usage.ru_maxrss, process.returncode)


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def sqlite_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())


def last_run(url: str) -> tuple[float | None, dict[str, Any]]:
    """bzpeer's own clock and counts for its latest ingestion run in the database at `url`."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            row = connection.execute(
                text("SELECT seconds, counts FROM ingest_runs ORDER BY id DESC LIMIT 1")
            ).first()
    finally:
        engine.dispose()
    if row is None:
        return None, {}
    counts = row.counts
    if isinstance(counts, str):  # a plain text() select returns SQLite's JSON as text
        counts = json.loads(counts)
    return float(row.seconds), dict(counts or {})


def upgraded(url: str) -> float:
    """Migrate a fresh database to the latest schema (`bzpeer db upgrade`); its seconds."""
    started = time.perf_counter()
    upgrade_database(url)
    return time.perf_counter() - started


def bzpeer_ingest(
    console: Console,
    *,
    tool: str,
    database: str,
    url: str,
    shown_url: str,
    snapshot: Path,
    records: int,
    log: Path,
) -> Result:
    upgrade_seconds = upgraded(url)
    console.print(
        f"  (migrated first, untimed: BZPEER_DATABASE_URL={shown_url} bzpeer db upgrade, "
        f"{upgrade_seconds:.1f} s)",
        soft_wrap=True,
        highlight=False,
        markup=False,
    )
    argv = [executable("bzpeer"), "ingest", str(snapshot), "--quiet"]
    # Exit status 3 means "finished, some records skipped": still a complete run.
    measured = run_measured(
        console,
        argv,
        log=log,
        env={"BZPEER_DATABASE_URL": url},
        shown_env={"BZPEER_DATABASE_URL": shown_url},
        ok=(0, 3),
    )
    in_run, counts = last_run(url)
    return Result(
        tool=tool,
        database=database,
        records=records,
        measured=measured,
        upgrade_seconds=upgrade_seconds,
        in_run_seconds=in_run,
        counts=counts,
    )


@contextmanager
def postgres_database(admin_url: str, name: str) -> Iterator[str]:
    """A fresh PostgreSQL database for the benchmark, dropped on the way out."""
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def write_prefix(source: Path, target: Path, lines: int) -> None:
    with source.open("rb") as src, target.open("wb") as out:
        out.writelines(itertools.islice(src, lines))


def _fmt_seconds(value: float | None) -> str:
    return "" if value is None else f"{value:,.1f}"


def report(
    console: Console,
    results: Sequence[Result],
    bz: Result,
    su: Result,
    quarter: Result,
    snapshot_bytes: int,
    quarter_bytes: int,
) -> None:
    table = Table(title=f"Ingestion benchmark: {bz.records:,} records, one snapshot file")
    columns: tuple[tuple[str, Literal["left", "right"]], ...] = (
        ("tool", "left"),
        ("database", "left"),
        ("records", "right"),
        ("seconds", "right"),
        ("records/s", "right"),
        ("peak RSS MiB", "right"),
        ("in-run s", "right"),
        ("DB MiB", "right"),
    )
    for name, justify in columns:
        table.add_column(name, justify=justify)
    for r in results:
        table.add_row(
            r.tool,
            r.database,
            f"{r.records:,}",
            f"{r.measured.seconds:,.1f}",
            f"{r.records_per_second:,.0f}",
            f"{r.rss_mib:,.0f}",
            _fmt_seconds(r.in_run_seconds),
            "" if r.database_bytes is None else f"{r.database_bytes / MIB:,.0f}",
        )
    console.print(table)
    ratio = su.measured.seconds / bz.measured.seconds
    verdict = "bzpeer at least as fast" if ratio >= 1.0 else "bzpeer slower"
    console.print(
        f"ratio sqlite-utils_time / bzpeer_time = {su.measured.seconds:.1f} / "
        f"{bz.measured.seconds:.1f} = [bold]{ratio:.2f}[/bold] ({verdict}; target >= 1.0)"
    )
    console.print(
        "in-run s: bzpeer's own clock from ingest_runs.seconds (run open to refresh done); "
        "seconds: wall time of the whole command, interpreter start included.",
        soft_wrap=True,
    )

    scaling = Table(title="bzpeer peak memory vs input size (SQLite)")
    for name in ("input", "records", "file MiB", "authors created", "peak RSS MiB"):
        scaling.add_column(name, justify="left" if name == "input" else "right")
    for label, r, size in (("N/4 (prefix)", quarter, quarter_bytes), ("N", bz, snapshot_bytes)):
        scaling.add_row(
            label,
            f"{r.records:,}",
            f"{size / MIB:,.0f}",
            f"{int(r.counts.get('authors_created', 0)):,}",
            f"{r.rss_mib:,.0f}",
        )
    console.print(scaling)
    authors_growth = (bz.counts.get("authors_created") or 0) / max(
        1, quarter.counts.get("authors_created") or 0
    )
    console.print(
        f"peak RSS x{bz.rss_mib / quarter.rss_mib:.2f} for x{bz.records / quarter.records:.1f} "
        f"records, x{snapshot_bytes / quarter_bytes:.1f} bytes and x{authors_growth:.2f} "
        "authors (the author index is the one structure allowed to grow)",
        soft_wrap=True,
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.ingest", description=__doc__.split("\n\n")[0] if __doc__ else None
    )
    parser.add_argument("--works", type=int, default=200_000, help="records to generate")
    parser.add_argument("--seed", type=int, default=1, help="generator seed")
    parser.add_argument(
        "--postgres",
        metavar="ADMIN_URL",
        help="also ingest into a fresh PostgreSQL database created with this admin URL, "
        "e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test",
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        help="keep files here (a snapshot already there is reused); default: a temp dir",
    )
    args = parser.parse_args(argv)
    if args.works < 4:
        parser.error("--works must be at least 4")

    console = Console(width=None if sys.stdout.isatty() else 120)
    with working_directory(args.workdir) as work:
        for stale in work.glob("*.db*"):
            stale.unlink()
        snapshot = work / SNAPSHOT
        stamp = work / f"{SNAPSHOT}.{args.works}-{args.seed}"
        generate_cmd = shown(
            [
                "bzpeer",
                "generate",
                "--works",
                str(args.works),
                "--seed",
                str(args.seed),
                "-o",
                str(snapshot),
            ]
        )
        if snapshot.exists() and stamp.exists():
            console.print(f"reusing {snapshot} (as from: {generate_cmd})", soft_wrap=True)
        else:
            console.print(
                f"generating {args.works:,} records in-process with generate_corpus(), "
                f"the same bytes as: {generate_cmd}",
                soft_wrap=True,
                highlight=False,
            )
            started = time.perf_counter()
            with snapshot.open("wb") as out:
                stats = generate_corpus(args.works, args.seed, out)
            stamp.touch()
            console.print(
                f"  {stats.works:,} works, {stats.authorships:,} authorships, "
                f"{stats.researchers:,} researchers in {time.perf_counter() - started:.1f} s"
            )
        records = args.works
        quarter_records = records // 4
        quarter = work / QUARTER
        write_prefix(snapshot, quarter, quarter_records)
        for errors in work.glob("*.errors.jsonl"):
            errors.unlink()

        results: list[Result] = []
        console.rule("a. bzpeer ingest into SQLite")
        bz_db = work / "bzpeer.db"
        bz = bzpeer_ingest(
            console,
            tool="bzpeer ingest",
            database="SQLite",
            url=sqlite_url(bz_db),
            shown_url=sqlite_url(bz_db),
            snapshot=snapshot,
            records=records,
            log=work / "bzpeer-sqlite.log",
        )
        bz.database_bytes = sqlite_bytes(bz_db)
        results.append(bz)

        console.rule("b. sqlite-utils insert --nl")
        su_db = work / "sqlite-utils.db"
        su_measured = run_measured(
            console,
            [executable("sqlite-utils"), "insert", str(su_db), "works", str(snapshot), "--nl"],
            log=work / "sqlite-utils.log",
        )
        su = Result("sqlite-utils insert", "SQLite", records, su_measured)
        su.database_bytes = sqlite_bytes(su_db)
        results.append(su)

        console.rule("c. the search index alone (in process)")
        floor = search_index_floor(snapshot, work / "search-index-only.db")

        console.rule("d. bzpeer ingest of N/4 (memory scaling)")
        q_db = work / "bzpeer-quarter.db"
        q = bzpeer_ingest(
            console,
            tool="bzpeer ingest (N/4)",
            database="SQLite",
            url=sqlite_url(q_db),
            shown_url=sqlite_url(q_db),
            snapshot=quarter,
            records=quarter_records,
            log=work / "bzpeer-quarter.log",
        )
        q.database_bytes = sqlite_bytes(q_db)
        results.append(q)

        if args.postgres:
            console.rule("e. bzpeer ingest into PostgreSQL (COPY)")
            name = f"bzpeer_bench_{os.getpid()}"
            with postgres_database(args.postgres, name) as url:
                pg = bzpeer_ingest(
                    console,
                    tool="bzpeer ingest",
                    database="PostgreSQL",
                    url=url,
                    shown_url=make_url(url).render_as_string(hide_password=True),
                    snapshot=snapshot,
                    records=records,
                    log=work / "bzpeer-postgres.log",
                )
            console.print(f"  (database {name} created from the admin URL and dropped)")
            results.append(pg)

        console.rule("results")
        report(
            console,
            results,
            bz,
            su,
            q,
            snapshot.stat().st_size,
            quarter.stat().st_size,
        )
        console.print(
            f"the search index alone: read {floor.read_seconds:.1f} s + plain text "
            f"{floor.plain_seconds:.1f} s + FTS5 {floor.index_seconds:.1f} s = "
            f"{floor.seconds:.1f} s, so no ingest that indexes the texts for search can print "
            f"a ratio above {su.measured.seconds:.1f} / {floor.seconds:.1f} = "
            f"[bold]{su.measured.seconds / floor.seconds:.2f}[/bold] here",
            soft_wrap=True,
        )
        console.print("commands (timed):")
        for r in results:
            console.print(f"  {r.measured.command}", soft_wrap=True, highlight=False, markup=False)
        for label, r in (("bzpeer SQLite", bz), ("bzpeer N/4", q), *pg_row(results)):
            counts = ", ".join(
                f"{k} {r.counts[k]:,}"
                for k in ("works_inserted", "authors_created", "authors_matched", "edges")
                if isinstance(r.counts.get(k), int)
            )
            console.print(
                f"{label}: {counts}; db upgrade {_fmt_seconds(r.upgrade_seconds)} s",
                highlight=False,
                soft_wrap=True,
            )


@dataclass(frozen=True)
class IndexFloor:
    """Seconds for the search index alone, by step (step c. of the module docstring)."""

    read_seconds: float
    plain_seconds: float
    index_seconds: float

    @property
    def seconds(self) -> float:
        return self.read_seconds + self.plain_seconds + self.index_seconds


def search_index_floor(snapshot: Path, database: Path) -> IndexFloor:
    """Time what any ingest that indexes the texts for search must do at the least: read
    each record, make its title and abstract plain text, index both in FTS5."""
    started = time.perf_counter()
    with snapshot.open("rb") as lines:
        texts = [
            (record.get("title"), record.get("abstract")) for record in map(orjson.loads, lines)
        ]
    read = time.perf_counter()
    rows = [
        (latex_to_plain(title or ""), latex_to_plain(abstract or "")) for title, abstract in texts
    ]
    plain = time.perf_counter()
    connection = sqlite3.connect(database)
    try:
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = NORMAL")
        connection.execute(
            "CREATE VIRTUAL TABLE works_fts USING fts5(title_plain, abstract_plain, "
            f"content='', tokenize='{WORKS_TOKENIZER}')"
        )
        with connection:
            connection.executemany(
                "INSERT INTO works_fts(rowid, title_plain, abstract_plain) VALUES (?, ?, ?)",
                ((n, title, abstract) for n, (title, abstract) in enumerate(rows, 1)),
            )
    finally:
        connection.close()
    done = time.perf_counter()
    return IndexFloor(read - started, plain - read, done - plain)


def pg_row(results: Sequence[Result]) -> list[tuple[str, Result]]:
    return [("bzpeer PostgreSQL", r) for r in results if r.database == "PostgreSQL"]


@contextmanager
def working_directory(path: Path | None) -> Iterator[Path]:
    """The given directory (kept), or a temporary one (removed)."""
    if path is not None:
        path.mkdir(parents=True, exist_ok=True)
        yield path.resolve()
        return
    with tempfile.TemporaryDirectory(prefix="bzpeer-bench-") as tmp:
        yield Path(tmp)


if __name__ == "__main__":
    main()
