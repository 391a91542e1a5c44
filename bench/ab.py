"""Two or more bzpeer builds side by side over HTTP, on one database, rounds alternating.

    python -m bench.ab URL --build old=/path/to/old/checkout --build new=/path/to/new \\
        [--endpoint overview --endpoint "works?q="] [--rounds 2] [--duration 10] [--rate R]

Each build is a checkout whose `app` package is put first on PYTHONPATH (a `git worktree`
of an older commit, say); every build runs `bzpeer serve --workers 2` with the harness's
production environment, all at once, and each measured round gives every build the same
`wrk` script in turn, so both see the same machine. With `--rate`, every run is paced at
that many requests a second, Poisson arrivals as in `bench.api`'s paced rows: a tail
latency at a steady load, where a closed loop measures mostly its own queue. For a
change's before/after, where `bench.api` compares against datasette.
"""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console

from bench.api import (
    Options,
    bzpeer_env,
    bzpeer_paths,
    bzpeer_serve,
    free_port,
    lua_script,
    measured_wrk,
    paced_delay_ms,
    percent,
    sample,
    server,
)
from bench.ingest import working_directory


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.ab", description=__doc__.split("\n")[0])
    parser.add_argument("url", help="database URL every build serves")
    parser.add_argument(
        "--build",
        action="append",
        required=True,
        metavar="NAME=DIR",
        help="a checkout to serve (repeat: two or more)",
    )
    parser.add_argument(
        "--endpoint",
        action="append",
        metavar="SUFFIX",
        help="endpoints whose path ends so (default: all of bench.api's)",
    )
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rate", type=float, help="pace every run at this many requests/s")
    args = parser.parse_args(argv)
    builds = dict(spec.split("=", 1) for spec in args.build)
    console = Console(width=150)
    paths = bzpeer_paths(sample(args.url, args.seed))
    wanted = [
        key
        for key in paths
        if not args.endpoint or any(key.endswith(suffix) for suffix in args.endpoint)
    ]
    if not wanted:
        raise SystemExit(f"no endpoint ends with {args.endpoint}; there are {list(paths)}")
    options = Options(args.duration, connections=16, threads=2, workers=2)
    with working_directory(None) as work, contextlib.ExitStack() as stack:
        ports: dict[str, int] = {}
        for name, checkout in builds.items():
            port = free_port()
            env = {**bzpeer_env(args.url), "PYTHONPATH": str(Path(checkout).resolve())}
            ready = f"http://127.0.0.1:{port}/readyz"
            stack.enter_context(
                server(bzpeer_serve(options, port), ready, work / f"{name}.log", env)
            )
            ports[name] = port
        for endpoint in wanted:
            delay_ms = paced_delay_ms(options, args.rate) if args.rate else None
            script = lua_script(work / "ab.lua", paths[endpoint], delay_ms=delay_ms)
            for round_ in range(args.rounds):
                for name, port in ports.items():
                    result = measured_wrk(f"http://127.0.0.1:{port}", script, options, console)
                    console.print(
                        f"{endpoint}  round {round_}  {name}: {result.rps:,.0f} req/s, "
                        f"p50 {result.p50_ms:.1f} ms, p99 {result.p99_ms:.1f} ms, "
                        f"split {result.split}, steal {percent(result.steal)}, errors "
                        f"{result.socket_errors}/{result.non_2xx}",
                        highlight=False,
                    )


if __name__ == "__main__":
    main()
