"""The `bzpeer` command line: database, serving, OpenAPI, ingestion, demo and users."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, BinaryIO, cast

import typer

from app.core.settings import get_settings

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy import Engine

app = typer.Typer(help="bzpeer: scholarly metadata REST API.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")

REPO_ROOT = Path(__file__).resolve().parent.parent


def _alembic_config(url: str | None) -> Config:
    from alembic.config import Config

    config = Config(str(REPO_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(REPO_ROOT / "migrations"))
    config.attributes["url"] = url or get_settings().database_url
    return config


def upgrade_database(url: str | None = None) -> None:
    """Apply every migration to the configured (or given) database."""
    from alembic import command

    command.upgrade(_alembic_config(url), "head")


def schema_problem(engine: Engine) -> str | None:
    """Why this build cannot write to the database behind `engine` (no schema, or one that
    is not at this build's migration head), or None when it can.

    Commands that write (ingest, harvest) ask first: on a new file, the bare "no such
    table" from deep inside a run tells a user nothing about what to do.
    """
    from alembic.migration import MigrationContext
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(_alembic_config(str(engine.url)))
    heads = set(scripts.get_heads())
    with engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
    if current == heads:
        return None
    where = engine.url.render_as_string(hide_password=True)
    if not current:
        return f"the database {where} has no bzpeer schema: run `bzpeer db upgrade` first"
    unknown = current - {script.revision for script in scripts.walk_revisions()}
    if unknown:
        return (
            f"the database {where} is at migration {', '.join(sorted(unknown))}, which this "
            "build does not have: a newer bzpeer migrated it"
        )
    return (
        f"the database {where} is at migration {', '.join(sorted(current))}, this build "
        f"needs {', '.join(sorted(heads))}: run `bzpeer db upgrade` first"
    )


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply all migrations (creates the SQLite file if needed)."""
    upgrade_database()
    typer.echo("database is at the latest schema")


@db_app.command("settle")
def db_settle() -> None:
    """Leave the search indexes as a big ingestion run does (for a database filled by small
    runs): on PostgreSQL a VACUUM, and the index of the newest works and its words' counts
    rebuilt for the corpus as it is; on SQLite the full-text index merged into one
    segment."""
    from app.ingest.commands import writable_engine
    from app.ingest.pipeline import settle_after_bulk_load

    engine = writable_engine(get_settings())
    try:
        settle_after_bulk_load(engine)
    finally:
        engine.dispose()
    typer.echo("search indexes settled")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
) -> None:
    """Serve the API with uvicorn; several workers each accept on a socket of their own."""
    from app.core.workers import serve as serve_workers

    serve_workers(
        "app.main:create_app",
        host=host,
        port=port,
        workers=workers,
        factory=True,
        access_log=False,
        proxy_headers=True,
    )


@app.command()
def openapi(
    output: Annotated[Path, typer.Option("-o", "--output")] = REPO_ROOT
    / "openapi"
    / "openapi.json",
) -> None:
    """Write the OpenAPI document generated from the code."""
    from app.main import create_app

    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(render_openapi(create_app().openapi()))
    typer.echo(f"wrote {output}")


def render_openapi(spec: dict[str, object]) -> str:
    return json.dumps(spec, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


@app.command()
def generate(
    output: Annotated[
        Path,
        typer.Option(
            "-o", "--output", help="Snapshot JSON Lines to write; gzip if it ends in .gz."
        ),
    ],
    works: Annotated[int, typer.Option(min=0, help="Number of records.")] = 10_000,
    seed: Annotated[int, typer.Option(help="Same seed and --works, same bytes.")] = 42,
    truth: Annotated[
        Path | None,
        typer.Option(help="Also write who each author really is (JSON Lines), for evaluation."),
    ] = None,
) -> None:
    """Write a synthetic arXiv corpus in the bulk snapshot format (for demos and benchmarks)."""
    import contextlib
    import gzip
    import os
    import time

    from app.ingest.generate import generate_corpus

    started = time.perf_counter()
    # Write next to the target and rename at the end, so an interrupted run never leaves a
    # truncated file that `bzpeer ingest` would happily read.
    partial = output.with_name(output.name + ".part")
    partial_truth = truth.with_name(truth.name + ".part") if truth else None
    with contextlib.ExitStack() as stack:
        out: BinaryIO = stack.enter_context(partial.open("wb"))
        if output.name.endswith(".gz"):
            # mtime=0 and no file name in the header keep the .gz bytes deterministic too.
            gz = gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0, compresslevel=6)
            out = cast(BinaryIO, stack.enter_context(gz))  # a GzipFile is a binary file
        truth_out = stack.enter_context(partial_truth.open("wb")) if partial_truth else None
        stats = generate_corpus(works, seed, out, truth=truth_out)
    os.replace(partial, output)
    if truth and partial_truth:
        os.replace(partial_truth, truth)
    typer.echo(
        f"wrote {stats.works:,} works ({stats.authorships:,} authorships by "
        f"{stats.researchers:,} researchers, {stats.collaboration_papers:,} collaboration "
        f"papers, ids {stats.first_id}..{stats.last_id}) to {output} "
        f"in {time.perf_counter() - started:.1f} s",
        err=True,
    )


trust_app = typer.Typer(help="Trust scores.", no_args_is_help=True)
app.add_typer(trust_app, name="trust")


@trust_app.command("recompute")
def trust_recompute(
    stale_only: Annotated[
        bool, typer.Option("--stale-only", help="Only authors scored by another model version.")
    ] = False,
) -> None:
    """Recompute every author's trust score (bulk SQL for the signals)."""
    import time

    from app.core.database import make_engine
    from app.trust.scoring import MODEL_VERSION
    from app.trust.service import recompute_all

    engine = make_engine(get_settings().database_url, pool_size=1)
    started = time.perf_counter()
    with engine.begin() as connection:
        changed = recompute_all(connection, only_stale=stale_only)
    engine.dispose()
    typer.echo(
        f"trust {MODEL_VERSION}: {changed} authors changed in {time.perf_counter() - started:.1f} s"
    )


users_app = typer.Typer(help="Accounts.", no_args_is_help=True)
app.add_typer(users_app, name="users")


@users_app.command("create-admin")
def users_create_admin(
    email: Annotated[str, typer.Argument(help="The administrator's email address.")],
    password: Annotated[
        str | None,
        typer.Option(
            envvar="BZPEER_ADMIN_PASSWORD",
            help="Password for a new account (asked for when omitted; ignored when the "
            "account exists and is only promoted).",
        ),
    ] = None,
) -> None:
    """Make EMAIL an administrator: promote its account, or create a verified one."""
    from pydantic import TypeAdapter, ValidationError

    from app.accounts.schemas import Email, Password
    from app.accounts.service import account_by_email, create_admin
    from app.core.database import make_engine, transaction

    try:
        TypeAdapter(Email).validate_python(email)
    except ValidationError:
        typer.echo(f"not an email address: {email!r}", err=True)
        raise typer.Exit(2) from None
    engine = make_engine(get_settings().database_url, pool_size=1)
    try:
        with transaction(engine) as session:
            exists = account_by_email(session, email) is not None
        if not exists and password is None:
            password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
        if not exists:
            try:
                TypeAdapter(Password).validate_python(password)
            except ValidationError:
                typer.echo("the password needs 10 to 128 characters", err=True)
                raise typer.Exit(2) from None
        with transaction(engine) as session:
            account, created = create_admin(session, email, password)
            account_id = account.id
    finally:
        engine.dispose()
    verb = "created administrator" if created else "promoted to administrator"
    typer.echo(f"{verb}: {email.strip().lower()} (account {account_id})")


def _register_ingestion_commands() -> None:
    from app.ingest.commands import register

    register(app)


_register_ingestion_commands()

if __name__ == "__main__":
    app()
