"""Disambiguation benchmark: `decide` over whole name-key blocks against `decide` over a
block's contenders, side by side on one built database.

    python -m bench.disambiguation DATABASE SNAPSHOT [--skip N] [--records N] [--rounds N]

A benchmark, not a test: it prints figures and asserts nothing beyond the two ways agreeing.
The author index of a built SQLite database (for example one from `bzpeer generate` +
`bzpeer ingest`) is loaded for the name keys of `--records` works of SNAPSHOT, read after
skipping `--skip` lines (take works the database does not hold yet, as the next batch of an
ingest would bring). Every mention of those works is then decided twice, against the whole
block of its key and against `CandidateBlock.contenders`, alternately for `--rounds` rounds
so that a shared machine slows both sides alike. Times are process CPU seconds. The profiles
are not updated between mentions: both sides see the same frozen index.
"""

from __future__ import annotations

import argparse
import io
import itertools
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.table import Table
from sqlalchemy import create_engine

from app.ingest.disambiguation import Mention, decide
from app.ingest.formats.snapshot import iter_snapshot
from app.ingest.pipeline import AuthorIndex, prepare_work
from app.ingest.records import WorkRecord
from bench.ingest import sqlite_url


def _mentions(snapshot: Path, skip: int, records: int) -> list[Mention]:
    with snapshot.open("rb") as stream:
        lines = list(itertools.islice(stream, skip, skip + records))
    parsed = iter_snapshot(io.BytesIO(b"".join(lines)))
    works = [result for result in parsed if isinstance(result, WorkRecord)]
    return [m for work in works for m in prepare_work(work).mentions()]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.disambiguation",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
    )
    parser.add_argument("database", type=Path, help="a built bzpeer SQLite database (read only)")
    parser.add_argument("snapshot", type=Path, help="snapshot JSON Lines to take works from")
    parser.add_argument("--skip", type=int, default=0, help="snapshot lines to skip first")
    parser.add_argument("--records", type=int, default=5000, help="works to decide")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds per side")
    args = parser.parse_args(argv)
    console = Console(width=None if sys.stdout.isatty() else 120)

    mentions = _mentions(args.snapshot, args.skip, args.records)
    index = AuthorIndex()
    engine = create_engine(sqlite_url(args.database))
    try:
        with engine.connect() as connection:
            index.load(connection, {m.key for m in mentions})
    finally:
        engine.dispose()
    blocks = [index.block(m.key) for m in mentions]

    whole = [decide(m, list(block)) for m, block in zip(mentions, blocks, strict=True)]
    pruned = [decide(m, block.contenders(m)) for m, block in zip(mentions, blocks, strict=True)]
    if whole != pruned:
        raise SystemExit("the two ways disagree: a bug in CandidateBlock.contenders")

    seconds: dict[str, list[float]] = {"whole block": [], "contenders": []}
    for _ in range(args.rounds):
        start = time.process_time()
        for m, block in zip(mentions, blocks, strict=True):
            decide(m, list(block))
        seconds["whole block"].append(time.process_time() - start)
        start = time.process_time()
        for m, block in zip(mentions, blocks, strict=True):
            decide(m, block.contenders(m))
        seconds["contenders"].append(time.process_time() - start)

    sizes = [len(block) for block in blocks]
    scored = [len(block.contenders(m)) for m, block in zip(mentions, blocks, strict=True)]
    table = Table(title=f"{len(mentions):,} mentions of {args.records:,} works")
    table.add_column("candidates")
    table.add_column("scored per mention", justify="right")
    table.add_column("CPU s (median)", justify="right")
    table.add_column("µs per mention", justify="right")
    for (label, runs), per_mention in zip(
        seconds.items(), (statistics.mean(sizes), statistics.mean(scored)), strict=True
    ):
        median = statistics.median(runs)
        table.add_row(
            label,
            f"{per_mention:.1f}",
            f"{median:.3f}",
            f"{1e6 * median / max(1, len(mentions)):.0f}",
        )
    console.print(table)
    ratio = statistics.median(seconds["whole block"]) / statistics.median(seconds["contenders"])
    console.print(
        f"contenders: {ratio:.2f}x faster; largest block {max(sizes, default=0):,} records; "
        "same decisions for every mention"
    )


if __name__ == "__main__":
    main()
