"""Request-scoped dependencies: the database session whose transaction the request owns."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from app.core.database import SQLITE_IMMEDIATE
from app.core.settings import Settings


def get_session(request: Request) -> Iterator[Session]:
    """One session, one transaction per request: committed when the handler returns.

    Reads that need no write go to the read replica when one is configured.
    """
    state = request.app.state
    use_replica = request.method in ("GET", "HEAD") and state.read_session_factory is not None
    factory = state.read_session_factory if use_replica else state.session_factory
    with factory() as session, session.begin():
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            # Writes take SQLite's write lock up front (ignored by other databases).
            session.connection(execution_options={SQLITE_IMMEDIATE: True})
        yield session


def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]
