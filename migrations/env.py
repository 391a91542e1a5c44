"""Alembic environment: the URL comes from settings (or the caller), SQLite uses batch mode."""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy import Connection

from app.core.database import make_engine
from app.core.search import SEARCH_INDEXES, SEARCH_TABLES
from app.core.settings import get_settings
from app.models import Base

config = context.config
target_metadata = Base.metadata


def include_name(name: str | None, type_: str, _parent: dict[str, Any]) -> bool:
    """Leave the full-text search objects (app.core.search) out of autogenerate."""
    if name is None:
        return True
    if type_ == "table":
        return not any(name == t or name.startswith(f"{t}_") for t in SEARCH_TABLES)
    if type_ == "index":
        return name not in SEARCH_INDEXES
    return True


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        include_name=include_name,
        compare_type=True,
    )


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    url = config.attributes.get("url") or get_settings().database_url
    engine = make_engine(url, pool_size=1)
    with engine.connect() as conn:
        _configure(conn)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


def run_migrations_offline() -> None:
    context.configure(
        url=get_settings().database_url,
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
