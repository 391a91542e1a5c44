"""The one place that opens engines, sessions and transactions.

Requests get a session whose transaction the request owns (`app.core.deps`); the CLI and
the ingestion pipeline use `transaction()`. Code below them only adds and flushes.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import orjson
from sqlalchemy import Connection, Engine, Executable, create_engine, event, exc
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's own transaction handling defers BEGIN and breaks SAVEPOINT; take it over so
    # SQLAlchemy's begin/savepoint/rollback mean exactly what they say (see `_begin_sqlite`).
    dbapi_connection.isolation_level = None
    # WAL lets readers run while ingestion writes; NORMAL sync is safe with WAL and much
    # faster; foreign keys are off by default in SQLite and must be asked for per connection.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.execute("PRAGMA mmap_size=1073741824")
    cursor.execute("PRAGMA temp_store=MEMORY")
    cursor.close()


# Execution option asking SQLite for its write lock when the transaction begins.
SQLITE_IMMEDIATE = "bzpeer_sqlite_immediate"


def _begin_sqlite(connection: Any) -> None:
    # A deferred transaction that reads and then writes fails at once with SQLITE_BUSY when
    # another writer committed in between (busy_timeout cannot help it); one that takes the
    # write lock up front waits its turn instead. Write requests ask for that.
    immediate = connection.get_execution_options().get(SQLITE_IMMEDIATE, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _dump_json(value: Any) -> str:
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


# JSON columns (trust components, counts, evidence) through orjson rather than the standard
# library: a bulk trust recompute writes one components document per author, and encoding
# them with `json` was about a sixth of its time.
_JSON_CODEC: dict[str, Any] = {"json_serializer": _dump_json, "json_deserializer": orjson.loads}


def make_engine(url: str, *, pool_size: int = 10, echo: bool = False, jit: bool = True) -> Engine:
    """An engine for `url`. `jit=False` turns PostgreSQL's JIT compiler off for its
    connections: for the API, whose statements run in milliseconds (see below)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(
            url,
            echo=echo,
            **_JSON_CODEC,
            connect_args={"check_same_thread": False, "timeout": 10},
            pool_size=pool_size,
            max_overflow=pool_size,
        )
        event.listen(engine, "connect", _configure_sqlite)
        event.listen(engine, "begin", _begin_sqlite)
        return engine
    # A server that does not answer (a network partition, not a refused connection) would
    # otherwise hold a connect for the kernel's TCP timeout, minutes; lookups that run on
    # the event loop (app.core.deps) would hold their worker as long.
    connect_args: dict[str, Any] = {}
    if "connect_timeout" not in parsed.query:
        connect_args["connect_timeout"] = 5
    if not jit and "options" not in parsed.query:
        # PostgreSQL compiles a statement whose estimated cost passes `jit_above_cost`, and
        # estimates go wrong (statistics from before a bulk load): a page of 25 works, 1.4
        # ms of work, spent 208 ms compiling (docs/benchmarks.md). An API's statements are
        # never long enough to win that back. A startup parameter, not a SET, so nothing
        # is left on a connection a pooler hands to someone else.
        connect_args["options"] = "-c jit=off"
    engine = create_engine(
        url,
        echo=echo,
        **_JSON_CODEC,
        connect_args=connect_args,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_recycle=1800,
    )
    _check_after_idle(engine)
    event.listen(engine, "do_execute", _execute_unprepared_when_asked)
    return engine


# Execution option: run the statement unprepared on PostgreSQL, planned for its own values
# (see `planned_for_values`).
UNPREPARED = "bzpeer_unprepared"
_Statement = TypeVar("_Statement", bound=Executable)


def planned_for_values(statement: _Statement) -> _Statement:
    """`statement`, run unprepared on PostgreSQL (no-op on SQLite): planned for its values
    every time it runs.

    psycopg prepares a statement once it has run five times on a connection, and PostgreSQL
    then moves to a generic plan, made without the parameters' values. For a search that
    is a plan that cannot know how common the words are. `SET LOCAL plan_cache_mode =
    force_custom_plan` gets the same, but only inside a transaction, and for every
    statement of it: the statements that only read rows by their keys (a page of works by
    id) keep their prepared plan, which saves planning them on each request.
    """
    return statement.execution_options(**{UNPREPARED: True})


def _execute_unprepared_when_asked(
    cursor: Any, statement: str, parameters: Any, context: Any
) -> bool | None:
    if not context.execution_options.get(UNPREPARED):
        return None  # SQLAlchemy executes it as usual
    cursor.execute(statement, parameters, prepare=False)
    return True


# A pooled connection idle for longer than this is checked before use (see below).
IDLE_CHECK_SECONDS = 1.0
_CHECKED_IN_AT = "bzpeer_checked_in_at"


def _check_after_idle(engine: Engine) -> None:
    """Check a pooled connection before use only when it has been idle for a while.

    `pool_pre_ping` checks on every checkout, a `SELECT 1` round trip per request: on the
    author record, one of its two statements. A connection back in use within a second
    cannot hide a server restart for long: under load, the first request on a dropped
    connection fails (503), and SQLAlchemy, seeing the disconnect, recycles every pooled
    connection opened before it. An idle pool, where a restart would otherwise go unseen
    until a request fails on it, is checked as before; a failed check recycles the pool and
    the checkout gets a new connection (SQLAlchemy's `DisconnectionError` protocol).
    """

    @event.listens_for(engine, "checkin")
    def remember_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info[_CHECKED_IN_AT] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def check_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        checked_in_at = record.info.get(_CHECKED_IN_AT)
        if checked_in_at is None or time.monotonic() - checked_in_at < IDLE_CHECK_SECONDS:
            return  # new, or just used
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            raise exc.InvalidatePoolError() from error


@contextmanager
def bulk_working_memory(
    connection: Connection, *, sqlite_cache_mib: int, postgres_work_mem_mib: int
) -> Iterator[None]:
    """Give this connection more working memory for one long bulk transaction.

    SQLite: the page cache, up to `sqlite_cache_mib`. Once a long write transaction's dirty
    pages outgrow it, SQLite spills them to the WAL and reads them back from it, again and
    again; pages are allocated as they are used, so a small transaction costs no more than
    before. Given back afterwards, since the connection returns to the pool.

    PostgreSQL: `work_mem`, for the transaction only (`SET LOCAL`); it is per sort or hash
    node of a statement, so it is set lower than SQLite's cache. With the default 4 MB a
    sort of millions of coauthor pairs goes to disk in many passes, and a hashed
    `IN (subquery)` that no longer fits is planned as a plain subplan that rescans the
    subquery for every row (quadratic). The caller must be inside a transaction.
    """
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SET LOCAL work_mem = '{int(postgres_work_mem_mib)}MB'")
        yield
        return
    if connection.dialect.name != "sqlite":
        yield
        return
    previous = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size=-{int(sqlite_cache_mib) * 1024}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size={int(previous or 0)}")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=False)


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """A session inside one transaction: committed on success, rolled back on error."""
    factory = make_session_factory(engine)
    with factory() as session, session.begin():
        yield session


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"
