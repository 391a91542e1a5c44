"""CLI commands for ingestion: `bzpeer ingest`, `bzpeer harvest`, `bzpeer demo`."""

from __future__ import annotations

import os
import sys
from contextlib import closing
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from sqlalchemy import Engine

from app.core.database import make_engine
from app.core.settings import Settings, get_settings
from app.ingest.pipeline import Pipeline, RunSummary, fingerprint_of
from app.ingest.records import SourceFormat

# Soft wrap: an error line names a file and a reason, and must stay one line for grep and
# for logs, whatever the terminal width (tables still fit the width).
console = Console(stderr=True, soft_wrap=True)


class FileNotIngested(Exception):
    """A whole file could not be ingested (unknown format, unreadable): nothing was read."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def ingest_file(
    path: Path,
    fmt: SourceFormat | None = None,
    *,
    quiet: bool = False,
    errors_path: Path | None = None,
    batch_size: int | None = None,
) -> RunSummary:
    """Ingest one file into the configured database and return the run's summary.

    Raises `FileNotIngested` when the file cannot be read or its format is unknown (the
    reason is also written to the errors file); bad records inside a readable file are
    skipped and reported by the run instead.
    """
    from app.ingest.formats import ReadPosition, UnknownFormatError
    from app.ingest.parallel import iter_prepared

    errors_path = errors_path or default_errors_path(path)
    try:
        chosen = fmt or _detect(path)
        size = path.stat().st_size
        fingerprint = fingerprint_of(path)
    except (UnknownFormatError, OSError, EOFError) as exc:
        reason = str(exc) if isinstance(exc, UnknownFormatError) else f"unreadable: {exc}"
        reason = reason.removeprefix(f"{path.name}: ")
        _record_file_error(errors_path, path, reason)
        raise FileNotIngested(path, reason) from None

    settings = get_settings()
    engine = writable_engine(settings)
    show = not quiet and sys.stderr.isatty()
    position = ReadPosition()
    try:
        with _progress(show) as progress:
            # The total is the file's size as stored and the bar follows the bytes read
            # (compressed bytes for .gz): known up front for free, unlike a record count.
            task = progress.add_task(f"ingest {path.name}", total=size or None, records=0)

            records = 0

            def advance(batch: int) -> None:
                nonlocal records
                records += batch
                progress.update(task, completed=position.bytes_read(), records=records)

            pipeline = Pipeline(
                engine,
                settings,
                source=str(path),
                fmt=str(chosen),
                fingerprint=fingerprint,
                errors_path=errors_path,
                on_progress=advance,
                **({"batch_size": batch_size} if batch_size else {}),
            )
            # Closed explicitly: a failed run must not leave the worker process waiting.
            with closing(iter_prepared(path, chosen, position=position)) as results:
                summary = pipeline.run(results)
            progress.update(task, completed=size)
            return summary
    finally:
        engine.dispose()


def writable_engine(settings: Settings) -> Engine:
    """An engine on the configured database once its schema is this build's; otherwise the
    command stops with exit status 1 and says what to run, before reading any input."""
    from app.cli import schema_problem

    engine = make_engine(settings.database_url, pool_size=2)
    problem = schema_problem(engine)
    if problem is not None:
        engine.dispose()
        console.print(f"[red]error:[/red] {problem}", highlight=False)
        raise typer.Exit(1)
    return engine


def default_errors_path(path: Path) -> Path:
    """`FILE.errors.jsonl` beside the input, or under `var/` when that folder is read-only
    (shared sample data, a mounted archive)."""
    beside = path.with_name(path.name + ".errors.jsonl")
    folder = path.parent
    # os.access alone says yes to root everywhere: a folder nobody may write to by its mode
    # is read-only data, whoever runs the command.
    if os.access(folder, os.W_OK) and folder.stat().st_mode & 0o222:
        return beside
    return Path("var") / "errors" / beside.name


def _record_file_error(errors_path: Path, path: Path, reason: str) -> None:
    """The same line shape as a skipped record's (`Pipeline._report`), position "file"."""
    import orjson

    line = {"source": str(path), "position": "file", "id": None, "reason": reason}
    try:
        errors_path.parent.mkdir(parents=True, exist_ok=True)
        with errors_path.open("a", encoding="utf-8") as out:
            out.write(orjson.dumps(line).decode() + "\n")
    except OSError as exc:  # the error line on the console still says what went wrong
        console.print(f"[yellow]could not write {errors_path}:[/yellow] {exc}", highlight=False)


def _detect(path: Path) -> SourceFormat:
    import gzip

    from app.ingest.formats import detect_format

    with path.open("rb") as handle:
        head = handle.read(8192)
    if head[:2] == b"\x1f\x8b":
        with gzip.open(path, "rb") as handle:
            head = handle.read(8192)
    return detect_format(head, path.name)


def _progress(show: bool, *, by_bytes: bool = True) -> Progress:
    counted: tuple[ProgressColumn, ...] = (
        (
            TaskProgressColumn(),
            DownloadColumn(),
            TextColumn("{task.fields[records]:,} records"),
            TimeRemainingColumn(),
        )
        if by_bytes
        else (MofNCompleteColumn(),)
    )
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        *counted,
        TimeElapsedColumn(),
        console=console,
        disable=not show,
        transient=False,
    )


def print_summary(summary: RunSummary) -> None:
    table = Table(title=f"ingestion run {summary.run_id}: {summary.source}", show_header=False)
    for key, value in summary.as_dict().items():
        table.add_row(
            key.replace("_", " "),
            f"{value:,}"
            if isinstance(value, int)
            else f"{value:,.2f}"
            if isinstance(value, float)
            else str(value),
        )
    if summary.errors_path and summary.records_skipped:
        table.add_row("errors file", summary.errors_path)
    console.print(table)


def register(app: typer.Typer) -> None:
    @app.command()
    def ingest(
        files: Annotated[
            list[Path],
            typer.Argument(
                exists=True, dir_okay=False, help="Snapshot JSONL (.gz), OAI-PMH or Atom XML."
            ),
        ],
        format: Annotated[
            SourceFormat | None, typer.Option("--format", help="Override format detection.")
        ] = None,
        quiet: Annotated[
            bool, typer.Option("--quiet", "-q", help="No progress, no table.")
        ] = False,
        errors: Annotated[
            Path | None,
            typer.Option(help="Where bad records are written (default: FILE.errors.jsonl)."),
        ] = None,
    ) -> None:
        """Ingest arXiv metadata files; bad records are reported, the run goes on.

        Exit status: 0 clean; 3 finished, but some records were skipped (see the errors
        file); 1 at least one file could not be ingested at all (unknown format,
        unreadable), the other files were still ingested.
        """
        skipped = 0
        failed: list[FileNotIngested] = []
        for path in files:
            try:
                summary = ingest_file(path, format, quiet=quiet, errors_path=errors)
            except FileNotIngested as exc:
                failed.append(exc)
                # Printed even with --quiet: it is an error, not progress.
                console.print(f"[red]error:[/red] {exc.path}: {exc.reason}", highlight=False)
                continue
            skipped += summary.records_skipped
            if not quiet:
                print_summary(summary)
        if failed:
            console.print(
                f"{len(failed)} of {len(files)} file(s) not ingested: "
                + ", ".join(str(exc.path) for exc in failed),
                highlight=False,
            )
            raise typer.Exit(1)
        raise typer.Exit(3 if skipped else 0)

    # Annotations are resolved against this module's globals (PEP 563), so the options are
    # plain str/bool/Path and are validated here, with the harvest module imported lazily.
    @app.command()
    def harvest(
        base_url: Annotated[
            str,
            typer.Option("--base-url", help="OAI-PMH endpoint, e.g. https://oaipmh.arxiv.org/oai"),
        ],
        prefix: Annotated[
            str, typer.Option("--prefix", help="Metadata format: arXiv, arXivRaw or oai_dc.")
        ] = "arXiv",
        set_spec: Annotated[
            str | None, typer.Option("--set", help="OAI set, e.g. cs or physics:hep-th.")
        ] = None,
        from_date: Annotated[
            str | None,
            typer.Option(
                "--from",
                metavar="YYYY-MM-DD",
                help="First datestamp (default: the day the last harvest reached).",
            ),
        ] = None,
        until_date: Annotated[
            str | None, typer.Option("--until", metavar="YYYY-MM-DD", help="Last datestamp.")
        ] = None,
        quiet: Annotated[
            bool, typer.Option("--quiet", "-q", help="No progress, no table.")
        ] = False,
        errors: Annotated[
            Path | None,
            typer.Option(help="Where bad records are written (default: var/harvest.errors.jsonl)."),
        ] = None,
    ) -> None:
        """Harvest OAI-PMH ListRecords over HTTP; incremental when --from is not given."""
        from datetime import date

        from app.ingest import harvest as harvesting

        if prefix not in harvesting.METADATA_PREFIXES:
            choices = ", ".join(harvesting.METADATA_PREFIXES)
            raise typer.BadParameter(f"must be one of {choices}", param_hint="--prefix")
        days: dict[str, date | None] = {}
        for hint, value in (("--from", from_date), ("--until", until_date)):
            try:
                days[hint] = harvesting.parse_oai_date(value) if value else None
            except ValueError as exc:
                raise typer.BadParameter(str(exc), param_hint=hint) from None
        start, end = days["--from"], days["--until"]
        if start is not None and end is not None and start > end:
            raise typer.BadParameter(f"{start} is after --until {end}", param_hint="--from")

        settings = get_settings()
        engine = writable_engine(settings)
        show = not quiet and sys.stderr.isatty()
        try:
            with _progress(show, by_bytes=False) as progress:
                task = progress.add_task(f"harvest {base_url}", total=None, records=0)
                result = harvesting.harvest(
                    engine,
                    settings,
                    base_url=base_url,
                    prefix=prefix,
                    set_spec=set_spec,
                    from_date=start,
                    until_date=end,
                    on_progress=lambda n: progress.advance(task, n),
                    errors_path=errors or Path("var") / "harvest.errors.jsonl",
                )
        except harvesting.HarvestError as exc:
            console.print(f"[red]harvest failed:[/red] {exc}")
            raise typer.Exit(1) from None
        finally:
            engine.dispose()
        if not quiet:
            print_summary(result.summary)
            console.print(
                f"{result.pages:,} page(s), {result.records:,} record(s), "
                f"{result.retries:,} retr{'y' if result.retries == 1 else 'ies'}; "
                f"datestamp reached: {result.last_datestamp or 'none'}"
                + ("" if result.state_updated else " (harvest state unchanged)")
            )
        # Same contract as ingest: 3 means finished, but some records were skipped.
        raise typer.Exit(3 if result.summary.records_skipped else 0)

    @app.command()
    def demo(
        works: Annotated[int, typer.Option(help="Size of the generated corpus.")] = 20_000,
        seed: Annotated[int, typer.Option()] = 42,
        host: Annotated[str, typer.Option()] = "127.0.0.1",
        port: Annotated[int, typer.Option()] = 8000,
    ) -> None:
        """Create the SQLite database, ingest a generated corpus, and serve the API."""
        from app.cli import serve, upgrade_database
        from app.ingest.generate import generate_corpus

        upgrade_database()
        corpus = Path("var") / f"demo-{works}-{seed}.jsonl"
        if not corpus.exists():
            corpus.parent.mkdir(parents=True, exist_ok=True)
            with corpus.open("wb") as out:
                generate_corpus(works, seed, out)
        print_summary(ingest_file(corpus))
        console.print(f"serving on http://{host}:{port}/docs")
        serve(host=host, port=port, workers=1)
