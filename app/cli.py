"""The `bzpeer` command line: database, serving, OpenAPI, ingestion and demo."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from app.core.settings import get_settings

app = typer.Typer(help="bzpeer: scholarly metadata REST API.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")

REPO_ROOT = Path(__file__).resolve().parent.parent


def upgrade_database(url: str | None = None) -> None:
    """Apply every migration to the configured (or given) database."""
    from alembic import command
    from alembic.config import Config

    config = Config(str(REPO_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(REPO_ROOT / "migrations"))
    config.attributes["url"] = url or get_settings().database_url
    command.upgrade(config, "head")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply all migrations (creates the SQLite file if needed)."""
    upgrade_database()
    typer.echo("database is at the latest schema")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
) -> None:
    """Serve the API with uvicorn."""
    import uvicorn

    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
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


def _register_ingestion_commands() -> None:
    from app.ingest.commands import register

    register(app)


_register_ingestion_commands()

if __name__ == "__main__":
    app()
