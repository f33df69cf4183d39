"""Engines from one URL. SQLite is the embedded default (a file in the working directory);
PostgreSQL through psycopg 3 for national scale."""

from __future__ import annotations

import sqlite3
import threading
import weakref
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
    """An engine on `url`; on PostgreSQL its pool pings a connection before handing it out, so a
    connection the server has dropped is replaced rather than failing the caller's statement."""
    url = normalise_url(url)
    if not url.startswith("sqlite"):
        kwargs.setdefault("pool_pre_ping", True)
    engine = _sqlite_engine(url, **kwargs) if url.startswith("sqlite") else sa.create_engine(url, **kwargs)
    with _lock:
        _made_with[engine] = (url, dict(kwargs))
    return engine


def append_engine(engine: Engine) -> Engine:
    """The engine the event store's appends check out from: one on the same database with the same
    options as `engine` but without the pool's pre-ping, which costs a round trip per checkout on
    PostgreSQL. The store retries an append once instead when its connection turns out dead before
    the COMMIT was sent (the server has then rolled it back), so the ping buys it nothing.

    Made once per engine and disposed of with it (`engine.dispose()`). `engine` itself is the answer
    when its pool does not ping (SQLite from `make_engine`), when a second engine would open
    another database (SQLite in memory) or share the pool (one given as `pool=`), or when `engine`
    was not made by `make_engine` (its options are unknown)."""
    with _lock:
        writer = _append_engines.get(engine)
        if writer is None:
            writer = _append_engines[engine] = _unpinged_twin(engine)
    return writer


def _unpinged_twin(engine: Engine) -> Engine:
    made = _made_with.get(engine)
    if made is None or not made[1].get("pool_pre_ping") or "pool" in made[1]:
        return engine
    url, kwargs = made
    if is_sqlite(engine) and (engine.url.database or ":memory:") == ":memory:":
        return engine
    twin = make_engine(url, **{**kwargs, "pool_pre_ping": False})

    def dispose_twin(_engine: Engine) -> None:
        twin.dispose()

    event.listen(engine, "engine_disposed", dispose_twin)
    return twin


# How each engine of `make_engine` was made (URL and options), and each one's `append_engine`.
_made_with: weakref.WeakKeyDictionary[Engine, tuple[str, dict[str, Any]]] = weakref.WeakKeyDictionary()
_append_engines: weakref.WeakKeyDictionary[Engine, Engine] = weakref.WeakKeyDictionary()
_lock = threading.RLock()


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


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def write_connection(engine: Engine) -> sa.Connection:
    """A connection whose transactions take the write lock up front on SQLite (BEGIN IMMEDIATE)."""
    conn = engine.connect()
    if is_sqlite(engine):
        conn = conn.execution_options(sqlite_begin="IMMEDIATE")
    return conn
