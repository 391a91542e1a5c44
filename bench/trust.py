"""Trust recompute benchmark: `bzpeer trust recompute` on a copy of a built SQLite database.

    python -m bench.trust DATABASE [--workdir DIR] [--stale-only] [--from-scratch]

A benchmark, not a test: it prints figures and asserts nothing. The database (for example
the 1M-works one from `bzpeer generate` + `bzpeer ingest`) is copied first, because a
recompute writes every score and the original must stay as it was; the copy is deleted
afterwards. Wall time is taken around the subprocess and peak RSS is the child's own
`ru_maxrss`, as in `bench.ingest`. `--from-scratch` first clears every stored score in
the copy, as a new model version would (an ingest leaves scores current, so a plain
recompute mostly reads and compares).

Peak RSS includes the pages of the database file that SQLite's `mmap_size` (1 GiB, see
`app.core.database`) has touched: file-backed and reclaimable, but counted.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.table import Table

from bench.ingest import MIB, executable, run_measured, sqlite_url


def _count(path: Path, sql: str) -> int:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return int(connection.execute(sql).fetchone()[0])
    finally:
        connection.close()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.trust", description=__doc__.split("\n\n")[0] if __doc__ else None
    )
    parser.add_argument("database", type=Path, help="a built bzpeer SQLite database (not changed)")
    parser.add_argument("--workdir", type=Path, help="where to put the copy (default: a temp dir)")
    parser.add_argument("--stale-only", action="store_true", help="pass --stale-only through")
    parser.add_argument(
        "--from-scratch", action="store_true", help="clear stored scores in the copy first"
    )
    args = parser.parse_args(argv)
    console = Console(width=None if sys.stdout.isatty() else 120)

    workdir = Path(tempfile.mkdtemp(prefix="bzpeer-trust-", dir=args.workdir))
    try:
        copy = workdir / "trust.db"
        # The -wal file holds committed pages not yet in the main file: copy it too.
        for suffix in ("", "-wal"):
            source = Path(f"{args.database}{suffix}")
            if source.exists():
                shutil.copyfile(source, Path(f"{copy}{suffix}"))
        if args.from_scratch:
            connection = sqlite3.connect(copy)
            with connection:
                connection.execute(
                    "UPDATE authors SET trust_score = 0, trust_tier = NULL, "
                    "trust_components = NULL, trust_model_version = NULL, trust_computed_at = NULL"
                )
            connection.close()
        authors = _count(copy, "SELECT COUNT(*) FROM authors WHERE merged_into_id IS NULL")
        works = _count(copy, "SELECT COUNT(*) FROM works")
        edges = _count(copy, "SELECT COUNT(*) FROM coauthor_edges")
        argv_ = [executable("bzpeer"), "trust", "recompute"]
        if args.stale_only:
            argv_.append("--stale-only")
        measured = run_measured(
            console, argv_, log=workdir / "trust.log", env={"BZPEER_DATABASE_URL": sqlite_url(copy)}
        )
        output = (workdir / "trust.log").read_text(errors="replace").strip()
        table = Table(title=f"bzpeer trust recompute on a copy of {args.database}")
        for name in ("works", "authors", "edges", "seconds", "authors/s", "peak RSS MiB"):
            table.add_column(name, justify="right")
        table.add_row(
            f"{works:,}",
            f"{authors:,}",
            f"{edges:,}",
            f"{measured.seconds:,.1f}",
            f"{authors / measured.seconds:,.0f}" if measured.seconds else "",
            f"{measured.max_rss_kib * 1024 / MIB:,.0f}",
        )
        console.print(table)
        console.print(f"command output: {output}", soft_wrap=True, highlight=False, markup=False)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
