"""Engines from one URL. SQLite is the embedded default (a file in the working directory);
PostgreSQL through psycopg 3 for national scale."""

from __future__ import annotations

import contextvars
import sqlite3
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine

# How long a SQLite writer waits for another process's write lock before giving up (seconds).
SQLITE_BUSY_TIMEOUT_S = 30.0


def normalise_url(url: str) -> str:
    # People write postgresql:// or postgres://; we always drive PostgreSQL through psycopg 3.
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(url: str, **kwargs: Any) -> Engine:
    url = normalise_url(url)
    if url.startswith("sqlite"):
        return _sqlite_engine(url, **kwargs)
    kwargs.setdefault("pool_pre_ping", True)
    engine = sa.create_engine(url, **kwargs)
    if engine.pool._pre_ping:
        # The pre-ping costs a round trip per checkout. The store's append path checks out
        # without it (`unpinged_write_connection`) and instead retries its whole transaction once
        # when the connection turns out dead before anything was committed; every other
        # checkout keeps it. (The dialect instance belongs to this engine alone.)
        ping = engine.dialect.do_ping

        def do_ping(dbapi_conn: Any) -> bool:
            return True if _SKIP_PING.get() else ping(dbapi_conn)

        engine.dialect.do_ping = do_ping  # type: ignore[method-assign, assignment]
    return engine


def _sqlite_engine(url: str, **kwargs: Any) -> Engine:
    connect_args = kwargs.pop("connect_args", {})
    connect_args.setdefault("timeout", SQLITE_BUSY_TIMEOUT_S)
    connect_args.setdefault("check_same_thread", False)
    engine = sa.create_engine(url, connect_args=connect_args, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below emit BEGIN itself: pysqlite's implicit BEGIN is
        # DEFERRED, and a deferred transaction that later wants to write fails with "database is
        # locked" *without* waiting for the busy timeout. Writers use BEGIN IMMEDIATE instead,
        # so a second writer waits its turn (up to the timeout) rather than failing.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_TIMEOUT_S * 1000)}")
        cur.execute("PRAGMA foreign_keys=ON")
        # Debian's SQLite is built with secure_delete ON: every page a statement frees is
        # overwritten with zeros and written out. Nothing here needs that: the log is append-only
        # and the read models are derived from it. FAST still zeroes deleted rows inside the
        # pages a statement writes anyway; it only stops writing whole freed pages, which made a
        # rebuild's swap (dropping the old read-model tables) write all of them to the WAL:
        # 1.0-1.2 s, now 0.4 s (bench/README.md).
        cur.execute("PRAGMA secure_delete=FAST")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        # On the driver connection: through `exec_driver_sql` this one statement cost ~30 us of
        # SQLAlchemy's statement machinery per transaction (measured; bench/README.md). Errors
        # ("database is locked" past the busy timeout) are wrapped as SQLAlchemy wraps them.
        statement = _BEGIN.get(mode) or f"BEGIN {mode}"
        try:
            conn.connection.driver_connection.execute(statement)  # type: ignore[union-attr]
        except sqlite3.Error as err:
            raise sa.exc.DBAPIError.instance(statement, None, err, sqlite3.Error) from err

    return engine


_BEGIN = {mode: f"BEGIN {mode}" for mode in ("DEFERRED", "IMMEDIATE", "EXCLUSIVE")}

# Set while the store checks out a connection for an append: the pool skips its pre-ping then.
_SKIP_PING: contextvars.ContextVar[bool] = contextvars.ContextVar("unionflow_skip_ping", default=False)


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def write_connection(engine: Engine) -> sa.Connection:
    """A connection whose transactions take the write lock up front on SQLite (BEGIN IMMEDIATE)."""
    conn = engine.connect()
    if is_sqlite(engine):
        conn = conn.execution_options(sqlite_begin="IMMEDIATE")
    return conn


def unpinged_write_connection(engine: Engine) -> sa.Connection:
    """`write_connection` without the pool's pre-ping round trip (PostgreSQL). For a caller that
    retries its transaction on a dead connection itself, as `EventStore.append` does."""
    token = _SKIP_PING.set(True)
    try:
        return write_connection(engine)
    finally:
        _SKIP_PING.reset(token)
