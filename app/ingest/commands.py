"""CLI commands for ingestion: `bzpeer ingest`, `bzpeer harvest`, `bzpeer demo`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from app.core.database import make_engine
from app.core.settings import get_settings
from app.ingest.pipeline import Pipeline, RunSummary, fingerprint_of
from app.ingest.records import SourceFormat

console = Console(stderr=True)


def ingest_file(
    path: Path,
    fmt: SourceFormat | None = None,
    *,
    quiet: bool = False,
    errors_path: Path | None = None,
    batch_size: int | None = None,
) -> RunSummary:
    """Ingest one file into the configured database and return the run's summary."""
    from app.ingest.formats import iter_records

    settings = get_settings()
    engine = make_engine(settings.database_url, pool_size=2)
    chosen = fmt or _detect(path)
    errors_path = errors_path or path.with_name(path.name + ".errors.jsonl")
    show = not quiet and sys.stderr.isatty()
    try:
        with _progress(show) as progress:
            task = progress.add_task(f"ingest {path.name}", total=None)
            pipeline = Pipeline(
                engine,
                settings,
                source=str(path),
                fmt=str(chosen),
                fingerprint=fingerprint_of(path),
                errors_path=errors_path,
                on_progress=lambda n: progress.advance(task, n),
                **({"batch_size": batch_size} if batch_size else {}),
            )
            return pipeline.run(iter_records(path, chosen))
    finally:
        engine.dispose()


def _detect(path: Path) -> SourceFormat:
    import gzip

    from app.ingest.formats import detect_format

    with path.open("rb") as handle:
        head = handle.read(8192)
    if head[:2] == b"\x1f\x8b":
        with gzip.open(path, "rb") as handle:
            head = handle.read(8192)
    return detect_format(head, path.name)


def _progress(show: bool) -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
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
        """Ingest arXiv metadata files; bad records are reported, the run goes on."""
        skipped = 0
        for path in files:
            summary = ingest_file(path, format, quiet=quiet, errors_path=errors)
            skipped += summary.records_skipped
            if not quiet:
                print_summary(summary)
        # 0: clean; 3: finished, but some records were skipped (see the errors file).
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
        engine = make_engine(settings.database_url, pool_size=2)
        show = not quiet and sys.stderr.isatty()
        try:
            with _progress(show) as progress:
                task = progress.add_task(f"harvest {base_url}", total=None)
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
