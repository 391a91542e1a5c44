"""Request-scoped dependencies: the database session whose transaction the request owns."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import Enum
from typing import Annotated, TypeVar

from fastapi import Depends, Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from app.core.database import SQLITE_IMMEDIATE
from app.core.settings import Settings

T = TypeVar("T")


@contextmanager
def request_session(request: Request, *, autocommit: bool = False) -> Iterator[Session]:
    """One session, one transaction per request: committed when the handler returns.

    Reads that need no write go to the read replica when one is configured. A read asked
    to `autocommit` runs without a transaction of its own on PostgreSQL. It loses nothing:
    at PostgreSQL's READ COMMITTED, each statement sees its own snapshot inside a
    transaction too. And BEGIN and COMMIT are round trips: two of the author record's four
    (py-spy: a fifth of a worker's time under wrk went to the COMMIT alone). Only for reads
    that need nothing of a transaction (no SET LOCAL, no write).
    """
    state = request.app.state
    reads = request.method in ("GET", "HEAD")
    use_replica = reads and state.read_session_factory is not None
    factory = state.read_session_factory if use_replica else state.session_factory
    with factory() as session, session.begin():
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            # Writes take SQLite's write lock up front (ignored by other databases).
            session.connection(execution_options={SQLITE_IMMEDIATE: True})
        elif autocommit and reads and _may_autocommit(session):
            session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        yield session


def _may_autocommit(session: Session) -> bool:
    # Not on SQLite: its transactions are ours (app.core.database), and SQLAlchemy restoring
    # pysqlite's isolation level afterwards would undo that. Not for a session bound to a
    # connection that is inside a transaction already (the tests' rolled-back one).
    bind = session.get_bind()
    return isinstance(bind, Engine) and bind.dialect.name != "sqlite"


def get_session(request: Request) -> Iterator[Session]:
    with request_session(request) as session:
        yield session


class ReadCost(Enum):
    """What a read costs, which decides where it runs (`run_in_request_session`)."""

    # A few index lookups (an author record, an overview, a one-word autocomplete): on the
    # event loop on every database.
    LOOKUP = "lookup"
    # Bounded at any corpus size, but more than lookups (a plain search's first page): on
    # the event loop on SQLite only, where it is CPU in this process. On PostgreSQL it is
    # 10-20 ms of waiting on the server, which on the loop would hold up the whole worker.
    BOUNDED = "bounded"
    # Grows with the data (a filtered search walks every match): always in a thread.
    OPEN = "open"


async def run_in_request_session(
    request: Request,
    work: Callable[[Session], T],
    *,
    cost: ReadCost = ReadCost.LOOKUP,
    autocommit: bool = False,
) -> T:
    """Run `work` inside the request's session and transaction, for the hottest reads.

    A sync route with a sync session dependency costs four hand-offs between the event loop
    and the thread pool per request (dependency enter, endpoint, response validation,
    dependency exit), and even one hand-off is measurable: it wakes a thread that then
    competes with the loop for the GIL. So a read runs on the event loop itself when it
    costs less than that hop:

    - on SQLite, any bounded read (`LOOKUP`, `BOUNDED`): lookups in a local file (WAL:
      readers never wait for the writer) take less CPU than one hand-off, measured at
      about a quarter of the request;
    - on PostgreSQL, a `LOOKUP`, unless `inline_lookups` is off: its one or two round
      trips block the worker for well under a millisecond on a local network, and the
      hop cost more CPU than that (docs/benchmarks.md, "PostgreSQL at a million
      works"). Such a worker serves one lookup at a time, as a sync worker does: with a
      database further away, run more workers (docs/scaling.md) or turn it off.

    Everything else takes exactly one hop; in a thread, SQLite and psycopg let go of the
    GIL while they wait. `work` should return the encoded body, so that serialization is
    part of the same unit. `autocommit`: see `request_session`.
    """

    def unit() -> T:
        with request_session(request, autocommit=autocommit) as session:
            return work(session)

    if request.method in ("GET", "HEAD") and _on_the_loop(request, cost):
        return unit()
    return await run_in_threadpool(unit)


def _on_the_loop(request: Request, cost: ReadCost) -> bool:
    if cost is ReadCost.OPEN:
        return False
    state = request.app.state
    factory = state.read_session_factory or state.session_factory
    bind = factory.kw.get("bind")
    if bind is None:
        return False
    if bind.dialect.name == "sqlite":
        return True
    settings: Settings = state.settings
    return cost is ReadCost.LOOKUP and settings.inline_lookups


def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]
