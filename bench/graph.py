"""Graph benchmark: author slices (depth 1 and 2), expand and coauthor paths on SQLite.

    python -m bench.graph [--works 100000] [--seed 42] [--db PATH | --url URL]
                          [--sample 300] [--top 30] [--limit 50] [--http] [--explain]

A benchmark, not a test: it prints figures and asserts nothing. Without `--db` it builds
(or reuses) a SQLite file from a generated corpus, with the commands a user would type:

    bzpeer generate --works N --seed S -o works-N.jsonl
    BZPEER_DATABASE_URL=sqlite:///graph-N.db bzpeer db upgrade
    BZPEER_DATABASE_URL=sqlite:///graph-N.db bzpeer ingest works-N.jsonl -q

It then times, in process and through the same service functions the routes call (one
session and transaction per call, like a request, and the JSON encoding of the answer), for
a seeded random sample of authors plus the most connected ones:

- `author_graph` at depth 1 and depth 2 (`--limit`, default 50);
- `expand` around each sampled author, around the biggest papers, and around topics and
  institutions;
- `path_between` for random pairs (max_depth 4);

and prints p50 / p90 / p99 / max per operation. `--http` repeats the slices through
FastAPI's TestClient (routing, validation, middleware and ETag included). `--explain` prints
SQLite's query plan for each neighbour query, to show every one is an index search.
`--url` times an existing database of any dialect instead (e.g. PostgreSQL loaded with
`bzpeer ingest`); nothing is built and `--explain` is SQLite only.
"""

from __future__ import annotations

import argparse
import os
import random
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel
from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from app.core.database import make_engine, make_session_factory
from app.core.errors import NotFound
from app.core.ids import Kind
from app.graph import service
from app.graph.queries import RELATIONS
from app.graph.slices import KINDS_BY_NAME
from app.models import Author, Institution, Topic, Work
from app.topics.sync import sync_taxonomy

ALL_KINDS = frozenset(KINDS_BY_NAME.values())
ItemT = TypeVar("ItemT")
TARGETS_MS = {"author_graph depth=1": 30.0, "author_graph depth=2": 250.0}


def _bin(name: str) -> str:
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else name


def _run(console: Console, argv: list[str], env: dict[str, str] | None = None) -> None:
    prefix = " ".join(f"{k}={shlex.quote(v)}" for k, v in (env or {}).items())
    console.print(f"$ {prefix} {shlex.join(argv)}".strip(), soft_wrap=True, markup=False)
    started = time.perf_counter()
    subprocess.run(argv, check=True, env={**os.environ, **(env or {})})
    console.print(f"  ({time.perf_counter() - started:,.1f} s)")


def _works_in(engine: Engine) -> int:
    try:
        with engine.connect() as connection:
            return int(connection.execute(text("SELECT count(*) FROM works")).scalar() or 0)
    except OperationalError:
        return 0


def build_database(console: Console, works: int, seed: int, db: Path) -> None:
    """Generate and ingest a corpus into `db` unless it already holds one."""
    url = f"sqlite:///{db}"
    engine = make_engine(url, pool_size=1)
    found = _works_in(engine)
    engine.dispose()
    if found:
        console.print(f"reusing {db} ({found:,} works)")
        return
    corpus = db.with_name(f"works-{works}-s{seed}.jsonl")
    if not corpus.exists():
        _run(
            console,
            [
                _bin("bzpeer"),
                "generate",
                "--works",
                str(works),
                "--seed",
                str(seed),
                "-o",
                str(corpus),
            ],
        )
    env = {"BZPEER_DATABASE_URL": url}
    _run(console, [_bin("bzpeer"), "db", "upgrade"], env)
    # `bzpeer ingest` on a fresh file leaves the topics table empty (its taxonomy sync runs
    # in a savepoint that is never released), so the topic rings would be empty: load the
    # taxonomy first, as the test harness does.
    engine = make_engine(url, pool_size=1)
    with Session(engine) as session, session.begin():
        sync_taxonomy(session)
    engine.dispose()
    console.print("$ (in process) app.topics.sync.sync_taxonomy()")
    _run(console, [_bin("bzpeer"), "ingest", str(corpus), "-q"], env)


@dataclass
class Timings:
    name: str
    ms: list[float] = field(default_factory=list)
    nodes: list[int] = field(default_factory=list)

    def pct(self, q: float) -> float:
        ordered = sorted(self.ms)
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _timed(
    factory: sessionmaker[Session], timings: Timings, call: Callable[[Session], BaseModel]
) -> None:
    """One call as a request makes it: a session, a transaction, the answer as JSON."""
    started = time.perf_counter()
    nodes: int | None = None
    try:
        with factory() as session, session.begin():
            body = call(session)
            body.model_dump_json()
            elements = getattr(body, "elements", None)
            nodes = len(elements.nodes) if elements is not None else 0
    except NotFound:  # path_between when the pair is not connected within max_depth
        pass
    timings.ms.append((time.perf_counter() - started) * 1000)
    if nodes is not None:
        timings.nodes.append(nodes)


def measure(
    factory: sessionmaker[Session],
    name: str,
    items: Sequence[ItemT],
    call: Callable[[Session, ItemT], BaseModel],
) -> Timings:
    timings = Timings(name)
    for item in items[:3]:  # warm the page cache and the statement caches
        _timed(factory, Timings(name), partial(_flip, call, item))
    for item in items:
        _timed(factory, timings, partial(_flip, call, item))
    return timings


def _flip(call: Callable[[Session, ItemT], BaseModel], item: ItemT, session: Session) -> BaseModel:
    return call(session, item)


def slice_call(depth: int, limit: int) -> Callable[[Session, int], BaseModel]:
    def call(session: Session, author: int) -> BaseModel:
        return service.author_graph(session, author, depth=depth, limit=limit, kinds=ALL_KINDS)

    return call


def expand_call(kind: Kind, limit: int) -> Callable[[Session, int], BaseModel]:
    def call(session: Session, row_id: int) -> BaseModel:
        return service.expand(
            session, (kind, row_id), limit=limit, kinds=ALL_KINDS, excluded=frozenset()
        )

    return call


def path_call(session: Session, pair: tuple[int, int]) -> BaseModel:
    return service.path_between(session, pair[0], pair[1], max_depth=4)


@dataclass
class Sample:
    authors: list[int]
    top_authors: list[int]
    works: list[int]
    topics: list[int]
    institutions: list[int]
    pairs: list[tuple[int, int]]


def choose_sample(session: Session, size: int, top: int, seed: int) -> Sample:
    rng = random.Random(seed)
    live = list(session.scalars(select(Author.id).where(Author.merged_into_id.is_(None))))
    most = list(
        session.scalars(
            select(Author.id)
            .where(Author.merged_into_id.is_(None))
            .order_by(Author.coauthors_count.desc(), Author.id)
            .limit(top)
        )
    )
    authors = rng.sample(live, min(size, len(live)))
    big_works = list(
        session.scalars(select(Work.id).order_by(Work.authors_count.desc(), Work.id).limit(top))
    )
    topics = list(
        session.scalars(
            select(Topic.id).where(Topic.works_count > 0).order_by(Topic.works_count.desc())
        )
    )
    institutions = list(
        session.scalars(select(Institution.id).order_by(Institution.works_count.desc()).limit(top))
    )
    pairs = [(rng.choice(live), rng.choice(live)) for _ in range(max(size // 3, 1))]
    return Sample(authors, most, big_works, topics, institutions, pairs)


def run_benchmark(
    factory: sessionmaker[Session], sample: Sample, limit: int, console: Console
) -> list[Timings]:
    everyone = sample.top_authors + sample.authors
    top = len(sample.top_authors)
    plan: list[tuple[str, Callable[[], Timings]]] = [
        (name, partial(measure, factory, name, everyone, slice_call(depth, limit)))
        for depth in (1, 2)
        for name in [f"author_graph depth={depth}"]
    ]
    plan += [
        (
            f"author_graph depth=2 (top {top})",
            partial(
                measure,
                factory,
                f"author_graph depth=2 (top {top})",
                sample.top_authors,
                slice_call(2, limit),
            ),
        ),
        (
            f"author_graph depth=2 limit=500 (top {top})",
            partial(
                measure,
                factory,
                f"author_graph depth=2 limit=500 (top {top})",
                sample.top_authors,
                slice_call(2, 500),
            ),
        ),
    ]
    for kind, ids in (
        (Kind.AUTHOR, everyone),
        (Kind.WORK, sample.works),
        (Kind.TOPIC, sample.topics),
        (Kind.INSTITUTION, sample.institutions),
    ):
        name = f"expand {kind.name.lower()}"
        plan.append((name, partial(measure, factory, name, ids, expand_call(kind, limit))))
    name = "path_between max_depth=4"
    plan.append((name, partial(measure, factory, name, sample.pairs, path_call)))
    results: list[Timings] = []
    for name, run in plan:
        timings = run()
        console.print(f"  {name}: {len(timings.ms)} calls, p99 {timings.pct(0.99):.1f} ms")
        results.append(timings)
    return results


def run_http(url: str, sample: Sample, limit: int, console: Console) -> list[Timings]:
    from fastapi.testclient import TestClient

    from app.core.settings import Settings
    from app.main import create_app

    settings = Settings(database_url=url, log_level="WARNING", log_json=False)
    results: list[Timings] = []
    with TestClient(create_app(settings)) as client:
        for depth in (1, 2):
            timings = Timings(f"HTTP GET /v1/authors/{{id}}/graph?depth={depth}")
            for author in sample.top_authors + sample.authors:
                url = f"/v1/authors/A{author}/graph?depth={depth}&limit={limit}"
                started = time.perf_counter()
                response = client.get(url)
                timings.ms.append((time.perf_counter() - started) * 1000)
                timings.nodes.append(len(response.json()["elements"]["nodes"]))
            results.append(timings)
            console.print(f"  {timings.name}: p99 {timings.pct(0.99):.1f} ms")
    return results


def explain(engine: Engine, author: int, console: Console) -> None:
    """SQLite's plan for each neighbour query, compiled with real parameters."""
    with Session(engine) as session:
        work = session.scalar(select(Work.id).order_by(Work.authors_count.desc()).limit(1)) or 1
        topic = session.scalar(select(Topic.id).order_by(Topic.works_count.desc()).limit(1)) or 1
        inst = session.scalar(select(Institution.id).limit(1)) or 1
        parents = {Kind.AUTHOR: author, Kind.WORK: work, Kind.TOPIC: topic, Kind.INSTITUTION: inst}
        for (parent, child), relation in RELATIONS.items():
            stmt = relation.branch(parents[parent], 50, None)
            compiled = stmt.compile(engine, compile_kwargs={"literal_binds": True})
            plan = session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")).all()
            console.print(f"[bold]{parent.name.lower()} -> {child.name.lower()}[/bold]")
            for row in plan:
                console.print(f"    {row[-1]}", markup=False)


def report(console: Console, title: str, results: Sequence[Timings]) -> None:
    table = Table(title=title)
    for name in ("operation", "calls", "nodes (median)", "p50 ms", "p90 ms", "p99 ms", "max ms"):
        table.add_column(name, justify="left" if name == "operation" else "right")
    table.add_column("target", justify="left")
    for t in results:
        target = TARGETS_MS.get(t.name)
        verdict = ""
        if target is not None:
            verdict = f"p99 < {target:.0f} ms: {'yes' if t.pct(0.99) < target else 'NO'}"
        table.add_row(
            t.name,
            str(len(t.ms)),
            f"{statistics.median(t.nodes):.0f}" if t.nodes else "-",
            f"{t.pct(0.50):.1f}",
            f"{t.pct(0.90):.1f}",
            f"{t.pct(0.99):.1f}",
            f"{max(t.ms):.1f}",
            verdict,
        )
    console.print(table)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.graph", description=(__doc__ or "").split("\n\n")[0]
    )
    parser.add_argument("--works", type=int, default=100_000, help="records to generate")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--db", type=Path, help="SQLite file to use or build")
    parser.add_argument("--url", help="an existing database to time (any dialect)")
    parser.add_argument("--sample", type=int, default=300, help="random authors to time")
    parser.add_argument("--top", type=int, default=30, help="most connected authors to add")
    parser.add_argument("--limit", type=int, default=50, help="the slices' `limit`")
    parser.add_argument("--http", action="store_true", help="also time through HTTP")
    parser.add_argument("--explain", action="store_true", help="print query plans")
    args = parser.parse_args(argv)
    # Wide enough for the table when the output goes to a file.
    console = Console(width=None if sys.stdout.isatty() else 150)

    url: str = args.url or ""
    if not url:
        db: Path = args.db or Path(tempfile.gettempdir()) / "bzpeer-bench" / (
            f"graph-{args.works}-s{args.seed}.db"
        )
        db.parent.mkdir(parents=True, exist_ok=True)
        build_database(console, args.works, args.seed, db)
        url = f"sqlite:///{db}"

    engine = make_engine(url, pool_size=2)
    factory = make_session_factory(engine)
    with factory() as session:
        sample = choose_sample(session, args.sample, args.top, args.seed)
        counts = {
            table: session.execute(text(f"SELECT count(*) FROM {table}")).scalar()
            for table in ("works", "authors", "authorships", "coauthor_edges")
        }
        degree = session.execute(
            select(Author.display_name, Author.coauthors_count)
            .order_by(Author.coauthors_count.desc())
            .limit(1)
        ).one()
    console.print(
        "database: "
        + ", ".join(f"{count:,} {table}" for table, count in counts.items())
        + f"; most connected author: {degree[0]} with {degree[1]:,} coauthors",
        soft_wrap=True,
    )
    if args.explain and engine.dialect.name == "sqlite":
        explain(engine, sample.top_authors[0], console)
    console.print(
        f"timing {len(sample.authors)} random + {len(sample.top_authors)} most connected "
        f"authors, limit={args.limit}, {engine.dialect.name} {engine.url.database}",
        soft_wrap=True,
    )
    results = run_benchmark(factory, sample, args.limit, console)
    engine.dispose()
    report(console, f"Graph benchmark, in process ({counts['works']:,} works)", results)
    if args.http:
        report(
            console,
            "Graph benchmark, through HTTP (TestClient)",
            run_http(url, sample, args.limit, console),
        )


if __name__ == "__main__":
    main()
