"""API benchmark: bzpeer against datasette on the same SQLite file, then on PostgreSQL.

    python -m bench.api [--works 1000000] [--db FILE] [--postgres ADMIN_URL] [--pg-works N]
                        [--duration 10] [--connections 16] [--load-seconds 60 --rate R]

A benchmark, not a test: it prints figures and asserts nothing. In one run it

1. builds the corpus: `bzpeer generate` + `bzpeer ingest` into a fresh SQLite file in the
   work directory (or, with `--db`, copies an existing bzpeer database there; the original
   is never opened for writing);
2. starts `bzpeer serve --workers 2` with production settings and `datasette serve` on the
   same file, and drives each with `wrk` over loopback: bzpeer's author record and author
   overview for random authors, works search and author autocomplete for random words and
   prefixes, and datasette's one-row JSON of a work by primary key. Datasette is measured
   before and after bzpeer and the mean is the baseline, so a neighbour's burst of CPU on a
   shared machine moves both sides of a ratio rather than one. Search and autocomplete
   are then run again paced at half the throughput they reached (`paced_row`): their p99
   at a steady load, next to the closed-loop p99 that is mostly queueing;
3. with `--postgres`, ingests the same corpus (or its first `--pg-works` records) into a
   fresh PostgreSQL database (COPY) and repeats step 2 with bzpeer on PostgreSQL;
4. with `--load-seconds`, holds bzpeer at a fixed request rate on each database measured
   (wrk has no fixed-rate mode: a Lua `delay()` spaces each connection's requests) and
   reports errors, non-2xx answers and the server's resident memory at the start and the
   end;
5. with `--kill-resume N`, ingests the first N records into another file, kills the
   ingestion with SIGKILL half-way, reruns it, and checks the counts match a clean run.

The table gives requests per second, p50 and p99 latency and the ratio to datasette.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import time
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from rich.console import Console
from rich.table import Table
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from app.cli import upgrade_database
from app.core.database import make_engine
from bench.ingest import executable, postgres_database, working_directory, write_prefix

SAMPLE = 2000
DATASETTE = "datasette"
_WORD = re.compile(r"[a-z]{4,}")

# Prints one machine-readable line from wrk's summary; latencies are in microseconds.
_DONE_LUA = """
done = function(summary, latency, requests)
  io.write(string.format(
    "BENCHJSON {\\"requests\\":%d,\\"duration_us\\":%d,\\"connect\\":%d,\\"read\\":%d," ..
    "\\"write\\":%d,\\"status\\":%d,\\"timeout\\":%d,\\"p50\\":%d,\\"p99\\":%d," ..
    "\\"max\\":%d}\\n",
    summary.requests, summary.duration, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.status, summary.errors.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
"""


@dataclass(frozen=True)
class WrkResult:
    requests: int
    seconds: float
    socket_errors: int
    non_2xx: int
    p50_ms: float
    p99_ms: float
    # wrk's connections per server process, most first ("9/7"), read a second into the run.
    split: str = ""
    # The share of the machine's CPU time its hypervisor gave to others during the run.
    steal: float | None = None

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


@dataclass
class Row:
    backend: str
    endpoint: str
    server: str
    result: WrkResult
    baseline: float | None = None  # datasette's req/s for the ratio


@dataclass
class Samples:
    """Random but valid inputs, so every request exercises the database, not a 404."""

    authors: list[int] = field(default_factory=list)
    works: list[int] = field(default_factory=list)
    words: list[str] = field(default_factory=list)
    prefixes: list[str] = field(default_factory=list)


def lua_script(path: Path, paths: Sequence[str], *, delay_ms: float | None = None) -> Path:
    """A wrk script that walks `paths` from a random start in each thread; with `delay_ms`,
    each connection waits that long on average before each request.

    The waits are drawn from an exponential distribution, so that requests arrive as
    independent users' would (a Poisson process). A constant wait kept the connections in
    step: all of them sent at once at the start, and again after each wait, so a run
    "at half capacity" was bursts of 16 simultaneous requests with idle time between."""
    # Paths are percent-encoded ASCII: Lua string literals know no \\u escapes.
    quoted = ",\n".join(json.dumps(p, ensure_ascii=True) for p in paths)
    delay = (
        f"delay = function() return -{delay_ms:.3f} * math.log(1 - math.random()) end\n"
        if delay_ms
        else ""
    )
    path.write_text(
        f"local paths = {{\n{quoted}\n}}\n"
        "local i = 0\n"
        "init = function(args)\n"
        "  math.randomseed(os.time() + math.floor(os.clock() * 1000000))\n"
        "  i = math.random(#paths)\n"
        "end\n"
        "request = function()\n"
        "  i = i % #paths + 1\n"
        '  return wrk.format("GET", paths[i])\n'
        "end\n" + delay + _DONE_LUA
    )
    return path


# Quiet time before each measured run. wrk keeps its connections for the whole run, and
# uvicorn's workers share one listening socket: the worker that wakes first accepts every
# waiting connection. Started while one worker was still finishing the previous run's
# requests, 16 connections landed 14/2 (the idle worker took nearly all) and kept that
# split for the whole run; after a pause they mostly land 8/8 or 9/7 (docs/benchmarks.md).
SETTLE_SECONDS = 1.0


def measured_wrk(
    base: str, script: Path, options: Options, console: Console, *, seconds: int | None = None
) -> WrkResult:
    """A measured run with the benchmark's connections and threads, on settled servers."""
    time.sleep(SETTLE_SECONDS)
    return run_wrk(
        base,
        script,
        seconds=seconds or options.seconds,
        connections=options.connections,
        threads=options.threads,
        console=console,
    )


def run_wrk(
    base: str,
    script: Path,
    *,
    seconds: int,
    connections: int,
    threads: int,
    console: Console,
) -> WrkResult:
    argv = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "5s",
        "-s",
        str(script),
        base,
    ]
    console.print(f"$ {' '.join(argv)}", highlight=False, markup=False, style="dim")
    cpu_before = cpu_times()
    with subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as running:
        time.sleep(min(1.0, seconds / 2))
        split = connection_split(int(base.rsplit(":", 1)[1]))
        stdout, stderr = running.communicate()
    cpu_after = cpu_times()
    lines = [ln for ln in stdout.splitlines() if ln.startswith("BENCHJSON ")]
    if running.returncode != 0 or not lines:
        raise SystemExit(f"wrk failed ({running.returncode}): {stdout}{stderr}")
    line = lines[0]
    data = json.loads(line.removeprefix("BENCHJSON "))
    return WrkResult(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        socket_errors=data["connect"] + data["read"] + data["write"] + data["timeout"],
        non_2xx=data["status"],
        p50_ms=data["p50"] / 1000,
        p99_ms=data["p99"] / 1000,
        split=split,
        steal=stolen_share(cpu_before, cpu_after),
    )


def cpu_times() -> tuple[int, int] | None:
    """The machine's CPU time stolen by its hypervisor and its CPU time in all, in clock
    ticks since boot (Linux's /proc/stat), or None elsewhere.

    A virtual machine's host may stop its CPUs when it uses more than its share. On a
    machine where `steal` rose under a closed loop, a process that only read the clock saw
    gaps of 50-105 ms, and every endpoint's closed-loop p99, old builds' too, was 80-100 ms
    at a p50 of 3 ms (docs/benchmarks.md): the column says when a p99 measured that."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    except OSError:
        return None
    ticks = [int(f) for f in fields[:8]]  # user ... steal; guest time is inside user
    return ticks[7], sum(ticks)


def stolen_share(before: tuple[int, int] | None, after: tuple[int, int] | None) -> float | None:
    if before is None or after is None or after[1] <= before[1]:
        return None
    return (after[0] - before[0]) / (after[1] - before[1])


def connection_split(port: int) -> str:
    """Established connections to `port` per server process, most first: "9/7"."""
    try:
        listed = subprocess.run(
            ["ss", "-Htnp", "state", "established", f"( sport = :{port} )"],
            check=False,
            capture_output=True,
            text=True,
        ).stdout
    except FileNotFoundError:  # no iproute2: the column stays empty
        return ""
    per_process: dict[str, int] = {}
    for pid in re.findall(r"pid=(\d+)", listed):
        per_process[pid] = per_process.get(pid, 0) + 1
    return "/".join(str(n) for n in sorted(per_process.values(), reverse=True))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_ready(url: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited with {process.returncode} before {url} answered")
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=2) as response:
            if response.status == 200:
                return
        time.sleep(0.2)
    raise SystemExit(f"{url} did not answer within {timeout} s")


@contextlib.contextmanager
def server(argv: Sequence[str], ready_url: str, log: Path, env: dict[str, str]) -> Iterator[int]:
    """Run a server until the block ends; yields its pid."""
    with log.open("wb") as out:
        process = subprocess.Popen(
            list(argv), stdout=out, stderr=subprocess.STDOUT, env={**os.environ, **env}
        )
        try:
            wait_ready(ready_url, process)
            yield process.pid
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def process_tree_rss_mib(pid: int) -> tuple[float, float]:
    """Resident memory of a process and all its descendants (uvicorn's master + workers):
    all of it, and the anonymous part. SQLite's memory-mapped database file counts in the
    first as pages are touched; growth of the second is what a leak looks like."""
    totals = {"VmRSS:": 0, "RssAnon:": 0}
    pending = [pid]
    while pending:
        current = pending.pop()
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                key = line.split(maxsplit=1)[0] if line else ""
                if key in totals:
                    totals[key] += int(line.split()[1])
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(c) for c in (task / "children").read_text().split()]
    return totals["VmRSS:"] / 1024, totals["RssAnon:"] / 1024


def bzpeer_serve(options: Options, port: int) -> list[str]:
    """`bzpeer serve` as the harness runs it: its production worker count, on `port`."""
    return [executable("bzpeer"), "serve", "--workers", str(options.workers), "--port", str(port)]


def bzpeer_env(url: str) -> dict[str, str]:
    """What a production deployment sets: production mode, a real secret, warnings only."""
    return {
        "BZPEER_DATABASE_URL": url,
        "BZPEER_ENVIRONMENT": "production",
        "BZPEER_SECRET_KEY": secrets.token_hex(32),
        "BZPEER_LOG_LEVEL": "WARNING",
    }


def sample(url: str, seed: int) -> Samples:
    """Live (not merged) authors, works, title words and name prefixes, chosen at random."""
    rng = random.Random(seed)
    engine = create_engine(url)
    samples = Samples()
    try:
        with engine.connect() as connection:
            max_author = connection.execute(text("SELECT max(id) FROM authors")).scalar_one()
            max_work = connection.execute(text("SELECT max(id) FROM works")).scalar_one()
            author_ids = [rng.randint(1, max_author) for _ in range(SAMPLE * 2)]
            samples.authors = [
                r[0]
                for r in connection.execute(
                    text(
                        "SELECT id FROM authors WHERE merged_into_id IS NULL AND id IN ("
                        + ",".join(map(str, author_ids))
                        + ")"
                    )
                )
            ][:SAMPLE]
            work_ids = ",".join(str(rng.randint(1, max_work)) for _ in range(SAMPLE))
            rows = connection.execute(
                text(f"SELECT id, title FROM works WHERE id IN ({work_ids})")
            ).all()
            samples.works = [r[0] for r in rows]
            words = {w for r in rows for w in _WORD.findall((r[1] or "").lower())}
            samples.words = sorted(words)[:SAMPLE]
            names = connection.execute(
                text(
                    "SELECT display_name FROM authors WHERE merged_into_id IS NULL AND id IN ("
                    + ",".join(map(str, samples.authors[:500]))
                    + ")"
                )
            ).scalars()
            prefixes = set()
            for name in names:
                last = name.split()[-1].lower() if name.split() else ""
                if len(last) >= 3:
                    prefixes.add(last[: rng.randint(3, min(6, len(last)))])
            samples.prefixes = sorted(prefixes)
    finally:
        engine.dispose()
    rng.shuffle(samples.authors)
    rng.shuffle(samples.words)
    rng.shuffle(samples.prefixes)
    return samples


def bzpeer_paths(samples: Samples) -> dict[str, list[str]]:
    return {
        "GET /v1/authors/{id}": [f"/v1/authors/A{a}" for a in samples.authors],
        "GET /v1/authors/{id}/overview": [f"/v1/authors/A{a}/overview" for a in samples.authors],
        "GET /v1/works?q=": [f"/v1/works?q={quote(w)}" for w in samples.words],
        "GET /v1/autocomplete/authors?q=": [
            f"/v1/autocomplete/authors?q={quote(p)}" for p in samples.prefixes
        ],
    }


@dataclass(frozen=True)
class Options:
    seconds: int
    connections: int
    threads: int
    workers: int


def measure_backend(
    console: Console,
    *,
    backend: str,
    url: str,
    sqlite_file: Path,
    work: Path,
    options: Options,
    samples: Samples,
) -> list[Row]:
    """Datasette, every bzpeer endpoint, datasette again; rows with ratios."""
    bz_port, ds_port = free_port(), free_port()
    bz_base, ds_base = f"http://127.0.0.1:{bz_port}", f"http://127.0.0.1:{ds_port}"
    db_name = sqlite_file.stem
    ds_paths = [f"/{db_name}/works/{w}.json" for w in samples.works]
    ds_script = lua_script(work / "datasette.lua", ds_paths)
    bz_argv = bzpeer_serve(options, bz_port)
    ds_argv = [executable(DATASETTE), "serve", str(sqlite_file), "-p", str(ds_port)]
    tag = backend.lower()
    rows: list[Row] = []
    if make_url(url).get_backend_name() == "postgresql":
        prewarm_postgres(console, url)

    def wrk(base: str, script: Path) -> WrkResult:
        # A short warm-up fills page caches and connection pools before the measured run.
        run_wrk(base, script, seconds=2, connections=4, threads=1, console=console)
        return measured_wrk(base, script, options, console)

    with (
        server(ds_argv, f"{ds_base}/-/versions.json", work / f"datasette-{tag}.log", {}),
        server(bz_argv, f"{bz_base}/readyz", work / f"bzpeer-{tag}.log", bzpeer_env(url)),
    ):
        ds_before = wrk(ds_base, ds_script)
        for endpoint, paths in bzpeer_paths(samples).items():
            script = lua_script(work / f"{tag}-{len(rows)}.lua", paths)
            rows.append(Row(backend, endpoint, "bzpeer", wrk(bz_base, script)))
        ds_after = wrk(ds_base, ds_script)
        paced = [paced_row(backend, row, samples, bz_base, work, options, console) for row in rows]
    baseline = (ds_before.rps + ds_after.rps) / 2
    for row in rows:
        row.baseline = baseline
    rows += [row for row in paced if row is not None]
    for label, result in (("before", ds_before), ("after", ds_after)):
        rows.append(
            Row(backend, f"GET /{db_name}/works/{{id}}.json ({label})", DATASETTE, result, None)
        )
    return rows


def prewarm_postgres(console: Console, url: str) -> None:
    """Read the PostgreSQL database's tables and indexes into the operating system's page
    cache (pg_prewarm, 'read' mode) before its block is measured.

    The SQLite file datasette serves was just copied, so its pages are in memory; the copy
    (8 GB read, 8 GB written at 1M) pushes out PostgreSQL's 12 GB, and a block that started
    cold ran from disk: works search 16 req/s against 120 for the same build and database
    an hour earlier (docs/benchmarks.md). Prewarming puts both servers in the same state.
    Without the extension (it needs a superuser), the block runs as it is and says so."""
    started = time.perf_counter()
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text("CREATE EXTENSION IF NOT EXISTS pg_prewarm"))
            blocks = connection.execute(
                text(
                    "SELECT coalesce(sum(pg_prewarm(c.oid::regclass, 'read')), 0) FROM pg_class c "
                    "WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'i')"
                )
            ).scalar_one()
            settings = connection.execute(
                text(
                    "SELECT string_agg(name || ' ' || current_setting(name), ', ' ORDER BY name) "
                    "FROM pg_settings WHERE name = ANY(:names)"
                ),
                {"names": list(REPORTED_POSTGRES_SETTINGS)},
            ).scalar_one()
    except SQLAlchemyError as error:  # no extension, no privilege: report and go on
        console.print(f"PostgreSQL not prewarmed ({error.__class__.__name__}): it may run cold")
        return
    finally:
        engine.dispose()
    seconds = time.perf_counter() - started
    console.print(f"PostgreSQL prewarmed: {blocks * 8 / 1024:,.0f} MiB read in {seconds:.0f} s")
    console.print(f"PostgreSQL server: {settings}", highlight=False)


# The server settings a PostgreSQL figure depends on, printed with it: the same build runs
# at different speeds on a server with Debian's defaults and on a tuned one.
REPORTED_POSTGRES_SETTINGS = ("shared_buffers", "effective_cache_size", "work_mem", "jit")


# Endpoints whose latency target is also read at a steady load below capacity: with 16
# closed-loop connections on two workers, p99 is mostly queueing (16 requests in flight,
# each waiting for the ones ahead of it), whatever one request costs.
PACED_ENDPOINTS = (
    "GET /v1/authors/{id}",
    "GET /v1/works?q=",
    "GET /v1/autocomplete/authors?q=",
)
PACED_SHARE = 0.5


def paced_delay_ms(options: Options, rate: float) -> float:
    """The mean wait of each connection before each request that paces the run at `rate`
    requests a second at most (less by the time each answer takes)."""
    return options.connections * 1000 / rate


def paced_row(
    backend: str,
    measured: Row,
    samples: Samples,
    base: str,
    work: Path,
    options: Options,
    console: Console,
) -> Row | None:
    """`measured`'s endpoint again at `PACED_SHARE` of the throughput it just reached."""
    if measured.endpoint not in PACED_ENDPOINTS or measured.result.rps <= 0:
        return None
    rate = measured.result.rps * PACED_SHARE
    delay_ms = paced_delay_ms(options, rate)
    paths = bzpeer_paths(samples)[measured.endpoint]
    script = lua_script(
        work / f"{backend.lower()}-paced-{PACED_ENDPOINTS.index(measured.endpoint)}.lua",
        paths,
        delay_ms=delay_ms,
    )
    result = measured_wrk(base, script, options, console)
    label = f"{measured.endpoint} paced at {rate:,.0f} req/s"
    return Row(backend, label, "bzpeer", result, None)


def load_run(
    console: Console,
    *,
    backend: str,
    url: str,
    work: Path,
    options: Options,
    samples: Samples,
    seconds: int,
    rate: float,
) -> None:
    """A fixed-rate run: errors, non-2xx and server RSS at the start and the end."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    connections = options.connections
    # Each connection waits this long before each request, which caps the total rate at
    # `rate` (slightly under it, by the response time).
    delay_ms = connections * 1000 / rate
    # The author record, the endpoint with a throughput target: a fixed rate near its
    # capacity. (Mixed with search, the rate would be set by search's far lower capacity.)
    paths = bzpeer_paths(samples)["GET /v1/authors/{id}"]
    script = lua_script(work / "load.lua", paths, delay_ms=delay_ms)
    log = work / f"bzpeer-load-{backend.lower()}.log"
    with server(bzpeer_serve(options, port), f"{base}/readyz", log, bzpeer_env(url)) as pid:
        run_wrk(base, script, seconds=5, connections=connections, threads=1, console=console)
        rss_start = process_tree_rss_mib(pid)
        result = measured_wrk(base, script, options, console, seconds=seconds)
        rss_end = process_tree_rss_mib(pid)
    console.print(
        f"load ({backend}): {seconds} s of GET /v1/authors/{{id}} at a target of "
        f"{rate:.0f} req/s: "
        f"{result.requests:,} requests, {result.rps:,.0f} req/s, p50 {result.p50_ms:.1f} ms, "
        f"p99 {result.p99_ms:.1f} ms, socket errors {result.socket_errors}, "
        f"non-2xx {result.non_2xx}; server RSS {rss_start[0]:.0f} MiB at start, "
        f"{rss_end[0]:.0f} MiB at end ({rss_end[0] - rss_start[0]:+.0f} MiB), of which "
        f"anonymous {rss_start[1]:.0f} -> {rss_end[1]:.0f} MiB "
        f"({rss_end[1] - rss_start[1]:+.0f} MiB)",
        highlight=False,
    )


def prepare_sqlite(
    console: Console, args: argparse.Namespace, work: Path, corpus: Path | None
) -> Path:
    target = work / "bench.db"
    if args.db:
        # A copy, so the benchmark never writes the shared file (datasette and bzpeer both
        # open it read-write, and SQLite may checkpoint the WAL on open).
        source = Path(args.db)
        with (
            sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src,
            sqlite3.connect(target) as dst,
        ):
            console.print(f"copying {source} to {target} (sqlite backup API)")
            src.backup(dst)
        return target
    assert corpus is not None
    ingest(console, f"sqlite:///{target}", corpus, work / "ingest-sqlite.log")
    return target


def ingest(console: Console, url: str, corpus: Path, log: Path) -> None:
    upgrade_database(url)
    sync_topics(url)
    argv = [executable("bzpeer"), "ingest", str(corpus), "--quiet"]
    console.print(f"$ {' '.join(argv)}   ({url.split('@')[-1]})", highlight=False, markup=False)
    started = time.perf_counter()
    with log.open("wb") as out:
        code = subprocess.run(
            argv,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "BZPEER_DATABASE_URL": url},
        ).returncode
    if code not in (0, 3):  # 3: finished, some records skipped
        raise SystemExit(f"ingestion failed ({code}); see {log}")
    console.print(f"  ingested in {time.perf_counter() - started:,.1f} s", highlight=False)


def sync_topics(url: str) -> None:
    # A fresh database has no taxonomy until it is synced; without it topics stay empty.
    from app.topics.sync import sync_taxonomy

    engine = make_engine(url, pool_size=1)
    try:
        with Session(engine) as session, session.begin():
            sync_taxonomy(session)
    finally:
        engine.dispose()


def analyze(url: str) -> None:
    # Planner statistics, as autovacuum gathers them soon after a bulk load in production;
    # without them PostgreSQL guesses row counts and picks bitmap scans over whole indexes.
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text("ANALYZE"))
    finally:
        engine.dispose()


def generate(console: Console, works: int, seed: int, target: Path) -> Path:
    if target.exists():
        return target
    argv = [
        executable("bzpeer"),
        "generate",
        "--works",
        str(works),
        "--seed",
        str(seed),
        "-o",
        str(target),
    ]
    console.print(f"$ {' '.join(argv)}", highlight=False, markup=False)
    subprocess.run(argv, check=True)
    return target


def table_counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return {
                t: connection.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
                for t in ("works", "authors", "authorships", "coauthor_edges", "work_topics")
            }
    finally:
        engine.dispose()


def kill_resume(console: Console, corpus: Path, records: int, work: Path) -> None:
    """Ingest, SIGKILL half-way, rerun: the counts must equal a clean run's."""
    part = work / "kill-resume.jsonl"
    write_prefix(corpus, part, records)
    clean_url, killed_url = f"sqlite:///{work / 'clean.db'}", f"sqlite:///{work / 'killed.db'}"
    started = time.perf_counter()
    ingest(console, clean_url, part, work / "ingest-clean.log")
    clean_seconds = time.perf_counter() - started
    upgrade_database(killed_url)
    sync_topics(killed_url)
    argv = [executable("bzpeer"), "ingest", str(part), "--quiet"]
    env = {**os.environ, "BZPEER_DATABASE_URL": killed_url}
    with (work / "ingest-killed.log").open("wb") as out:
        victim = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, env=env)
        time.sleep(clean_seconds / 2)
        victim.send_signal(signal.SIGKILL)
        victim.wait()
    partial = table_counts(killed_url)
    ingest(console, killed_url, part, work / "ingest-rerun.log")
    clean, resumed = table_counts(clean_url), table_counts(killed_url)
    verdict = "nothing lost, nothing doubled" if clean == resumed else "MISMATCH"
    console.print(
        f"kill -9 after {clean_seconds / 2:.0f} s of {records:,} records: {partial} at the kill;"
        f" after the rerun {resumed}; clean run {clean}: {verdict}",
        highlight=False,
    )


def search_cpu(console: Console, url: str, words: Sequence[str]) -> None:
    """CPU per `GET /v1/works?q=WORD` in process, by how many works the word matches.

    What the route runs (a session and its transaction, the queries, the JSON body), called
    directly: CPU time is steadier than latency on a shared machine, and no HTTP stack or
    client is counted. Each word runs three times; the first warms caches, the best of the
    other two counts. On PostgreSQL the database server's CPU is not in these figures.
    """
    from sqlalchemy import func

    from app.core.database import make_session_factory
    from app.core.pagination import DEFAULT_PER_PAGE, PageParams
    from app.core.search import work_search
    from app.works.service import WorkFilters, list_works_json

    engine = make_engine(url, pool_size=1)
    factory = make_session_factory(engine)
    page = PageParams(per_page=DEFAULT_PER_PAGE, cursor=None)
    matches: dict[str, int] = {}
    cpu_ms: dict[str, float] = {}
    try:
        with factory() as session:
            for word in words:
                search = work_search(engine.dialect.name, word)
                counted = session.scalar(search.matches((), func.count())) if search else 0
                matches[word] = int(counted or 0)
        for run in range(3):
            for word in words:
                started = time.process_time()
                with factory() as session, session.begin():
                    list_works_json(session, WorkFilters(q=word), page, None, None)
                spent = (time.process_time() - started) * 1000
                if run:
                    cpu_ms[word] = min(cpu_ms.get(word, spent), spent)
    finally:
        engine.dispose()

    def quantile(values: list[float], q: float) -> float:
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    table = Table(title=f"GET /v1/works?q= CPU per request in process ({len(words)} words)")
    for name in ("words matching", "words", "p50 ms", "p99 ms", "max ms"):
        table.add_column(name, justify="left" if name == "words matching" else "right")
    common = sorted(words, key=lambda w: -matches[w])[:10]
    groups = [
        ("up to 1,000 works", [w for w in words if matches[w] <= 1000]),
        ("1,001 to 50,000", [w for w in words if 1000 < matches[w] <= 50_000]),
        ("over 50,000", [w for w in words if matches[w] > 50_000]),
        (f"the 10 most common ({matches[common[-1]]:,}+)" if common else "none", common),
        ("all", list(words)),
    ]
    for label, group in groups:
        costs = [cpu_ms[w] for w in group]
        if costs:
            table.add_row(
                label,
                str(len(costs)),
                f"{quantile(costs, 0.5):.2f}",
                f"{quantile(costs, 0.99):.2f}",
                f"{max(costs):.2f}",
            )
    console.print(table)


def report(console: Console, rows: Sequence[Row]) -> None:
    table = Table(title="bzpeer vs datasette (wrk over loopback)")
    columns = ("database", "endpoint", "server", "req/s", "p50 ms", "p99 ms", "errors", "split")
    for name in (*columns, "steal"):
        table.add_column(
            name,
            justify="right" if name[0] in "rpes" and name not in ("endpoint", "split") else "left",
        )
    table.add_column("x datasette", justify="right")
    for row in rows:
        r = row.result
        ratio = f"{r.rps / row.baseline:.2f}" if row.baseline else ""
        table.add_row(
            row.backend,
            row.endpoint,
            row.server,
            f"{r.rps:,.0f}",
            f"{r.p50_ms:.1f}",
            f"{r.p99_ms:.1f}",
            f"{r.socket_errors}/{r.non_2xx}",
            r.split,
            percent(r.steal),
            ratio,
        )
    console.print(table)
    console.print(
        "errors = socket errors / non-2xx answers; x datasette = req/s over the mean of "
        "datasette's one-row lookup measured before and after, in the same block; split = "
        "wrk's connections per server process; steal = CPU time the hypervisor took from "
        "this machine during the run (a closed loop's p99 with a few percent of steal "
        "measures the host's pauses)",
        style="dim",
    )


def percent(share: float | None) -> str:
    return "" if share is None else f"{share:.0%}"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.api", description=__doc__.split("\n")[0])
    parser.add_argument("--works", type=int, default=1_000_000, help="corpus size to generate")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db", type=Path, help="reuse this bzpeer SQLite database (copied)")
    parser.add_argument("--postgres", help="admin URL; also benchmark on a fresh PG database")
    parser.add_argument("--pg-url", help="reuse this already ingested PostgreSQL database")
    parser.add_argument("--pg-works", type=int, help="ingest only this many records into PG")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="bzpeer serve --workers")
    parser.add_argument("--load-seconds", type=int, default=0, help="fixed-rate run length")
    parser.add_argument("--rate", type=float, help="fixed rate (default: 70%% of author req/s)")
    parser.add_argument("--kill-resume", type=int, default=0, help="records for kill -9 check")
    parser.add_argument("--skip-sqlite", action="store_true", help="only PostgreSQL")
    parser.add_argument("--workdir", type=Path, help="keep files here (default: a temp dir)")
    parser.add_argument(
        "--search-cpu",
        type=int,
        metavar="WORDS",
        help="only measure works search CPU in process for this many sampled words (with "
        "--db or --pg-url; no servers, no wrk)",
    )
    args = parser.parse_args(argv)
    if args.search_cpu:
        url = args.pg_url or (f"sqlite:///{args.db}" if args.db else None)
        if url is None:
            raise SystemExit("--search-cpu needs --db FILE or --pg-url URL")
        words = sample(url, args.seed).words[: args.search_cpu]
        search_cpu(Console(width=150), url, words)
        return
    if shutil.which("wrk") is None:
        raise SystemExit("wrk not found: apt-get install wrk")
    # Wide enough for the table whatever the terminal (or none: a log file).
    console = Console(width=150)
    options = Options(args.duration, args.connections, args.threads, args.workers)
    with working_directory(args.workdir) as work:
        corpus = None
        if not args.db or (args.postgres and not args.pg_url) or args.kill_resume:
            corpus = generate(console, args.works, args.seed, work / "works.jsonl")
        sqlite_file = prepare_sqlite(console, args, work, corpus)
        sqlite_url = f"sqlite:///{sqlite_file}"
        samples = sample(sqlite_url, args.seed)
        rows: list[Row] = []
        if not args.skip_sqlite:
            rows += measure_backend(
                console,
                backend="SQLite",
                url=sqlite_url,
                sqlite_file=sqlite_file,
                work=work,
                options=options,
                samples=samples,
            )
            report(console, rows)
        with contextlib.ExitStack() as stack:
            pg_url = args.pg_url
            pg_samples = samples
            if pg_url is None and args.postgres:
                pg_url = stack.enter_context(
                    postgres_database(args.postgres, f"api_h_bench_{os.getpid()}")
                )
                assert corpus is not None
                pg_corpus = corpus
                if args.pg_works:
                    pg_corpus = work / "works-pg.jsonl"
                    write_prefix(corpus, pg_corpus, args.pg_works)
                ingest(console, pg_url, pg_corpus, work / "ingest-pg.log")
            if pg_url is not None:
                analyze(pg_url)
                # Sampled from PostgreSQL itself, which may hold a prefix of the corpus.
                pg_samples = sample(pg_url, args.seed)
                rows += measure_backend(
                    console,
                    backend="PostgreSQL",
                    url=pg_url,
                    sqlite_file=sqlite_file,
                    work=work,
                    options=options,
                    samples=pg_samples,
                )
                report(console, rows)
            if args.load_seconds:
                # Each database at a rate near its own capacity (70% of the author record's
                # closed-loop req/s above), unless `--rate` fixes one for both.
                for backend, url, backend_samples in (
                    ("SQLite", None if args.skip_sqlite else sqlite_url, samples),
                    ("PostgreSQL", pg_url, pg_samples),
                ):
                    if url is None:
                        continue
                    authors = [
                        r
                        for r in rows
                        if r.backend == backend and r.endpoint == "GET /v1/authors/{id}"
                    ]
                    rate = args.rate or 0.7 * (authors[0].result.rps if authors else 500)
                    load_run(
                        console,
                        backend=backend,
                        url=url,
                        work=work,
                        options=options,
                        samples=backend_samples,
                        seconds=args.load_seconds,
                        rate=rate,
                    )
        if args.kill_resume:
            assert corpus is not None
            kill_resume(console, corpus, args.kill_resume, work)


if __name__ == "__main__":
    main()
