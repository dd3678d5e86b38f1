"""Database connection and the unit of work: one transaction per use case."""
from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event, exc
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker


def make_sql_engine(url: str) -> Engine:
    """Create the SQLAlchemy engine; SQLite gets foreign keys and a wait instead of 'locked'."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin_immediate)
        return engine
    # psycopg prepares a statement server-side from its fifth use on a connection (its default):
    # the ORM's statements repeat, so the server parses them once per connection.
    engine = create_engine(url)
    event.listen(engine, "connect", _plan_every_execution)
    event.listen(engine, "checkout", _ping_if_idle)
    event.listen(engine, "checkin", _note_idle_since)
    return engine


# A pooled connection that sat unused longer than this is pinged before it is handed out, so a
# server restart or a dropped idle connection costs a reconnect, not a failed request.
# ``pool_pre_ping`` would ping on every checkout: three round trips (BEGIN, SELECT 1, ROLLBACK)
# per use case, as many as the work itself on a short one. A connection dropped while in busy
# use still fails the one request that finds it; the pool then discards the dead connections.
IDLE_PING_SECONDS = 5.0


def _plan_every_execution(dbapi_connection, _record) -> None:
    # A prepared statement still saves its parsing, but is planned for the values at hand: a
    # generic plan cached while a table was small (a first import filling it) would go on
    # scanning it once it holds a million rows.
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET plan_cache_mode = force_custom_plan")
    dbapi_connection.commit()


def _note_idle_since(_dbapi_connection, record) -> None:
    record.info["invoiceflow.idle_since"] = time.monotonic()


def _ping_if_idle(dbapi_connection, record, _proxy) -> None:
    idle_since = record.info.get("invoiceflow.idle_since")
    if idle_since is None or time.monotonic() - idle_since < IDLE_PING_SECONDS:
        return
    try:
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        dbapi_connection.rollback()
    except Exception as err:  # any failure: let the pool replace this connection and retry
        raise exc.DisconnectionError(str(err)) from err


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # pysqlite's own transaction handling is off so that BEGIN IMMEDIATE below is the only one.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def _sqlite_begin_immediate(connection) -> None:
    # Writers take the write lock at the start: two writers then queue up instead of one failing
    # with "database is locked" halfway; optimistic locking still decides who wins. Readers
    # begin deferred and never wait for a writer (WAL).
    read_only = connection.get_execution_options().get("invoiceflow_read_only", False)
    connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


class Database:
    """The connection pool and a session factory for one database URL."""

    def __init__(self, url: str):
        self.url = url
        self.engine = make_sql_engine(url)
        # No autoflush: a use case's changes go out in one flush at its end (or where it flushes
        # on purpose), so an instance is updated once per transaction, not once per query.
        self.sessions = sessionmaker(self.engine, expire_on_commit=False, autoflush=False)

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """A session whose changes are committed together at the end, or rolled back on error."""
        session = self.sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextmanager
    def read_only(self) -> Iterator[Session]:
        """A session for queries; nothing it holds is ever committed."""
        session = self.sessions()
        try:
            session.connection(execution_options={"invoiceflow_read_only": True})
            yield session
        finally:
            session.rollback()
            session.close()

    def ping(self) -> bool:
        """Whether the database answers a trivial query."""
        try:
            with self.engine.connect() as connection:
                connection.exec_driver_sql("SELECT 1")
            return True
        except Exception:  # any failure means "not reachable" to a health check
            return False

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()
