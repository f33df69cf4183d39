"""Engines from one URL. SQLite is the embedded default (a file in the working directory);
PostgreSQL through psycopg 3 for national scale."""

from __future__ import annotations

import os
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine

DEFAULT_DATABASE_URL = "sqlite:///unionflow.db"
DATABASE_URL_ENV = "UNIONFLOW_DATABASE_URL"

# How long a SQLite writer waits for another process's write lock before giving up (seconds).
SQLITE_BUSY_TIMEOUT_S = 30.0


def database_url(explicit: str | None = None) -> str:
    """The URL in force: an explicit one, else $UNIONFLOW_DATABASE_URL, else the SQLite default."""
    return explicit or os.environ.get(DATABASE_URL_ENV) or DEFAULT_DATABASE_URL


def normalise_url(url: str) -> str:
    # People write postgresql:// or postgres://; we always drive PostgreSQL through psycopg 3.
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(url: str | None = None, **kwargs: Any) -> Engine:
    url = normalise_url(database_url(url))
    if url.startswith("sqlite"):
        return _sqlite_engine(url, **kwargs)
    kwargs.setdefault("pool_pre_ping", True)
    return sa.create_engine(url, **kwargs)


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
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def write_connection(engine: Engine) -> sa.Connection:
    """A connection whose transactions take the write lock up front on SQLite (BEGIN IMMEDIATE)."""
    conn = engine.connect()
    if is_sqlite(engine):
        conn = conn.execution_options(sqlite_begin="IMMEDIATE")
    return conn
