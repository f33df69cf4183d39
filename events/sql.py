"""The event store's SQL: the hot paths' fixed text per dialect, and the cold paths in Core.

Why the hot paths talk to the driver
------------------------------------
An append is one short transaction and a read decodes thousands of rows, so per-statement and
per-row overhead decides the throughput (bench/README.md has the numbers). Append and the reads
therefore run fixed SQL text, written once per dialect here, on the DBAPI cursor of a SQLAlchemy
connection: the transaction, the pool, the SQLite BEGIN IMMEDIATE and the connection handed to a
listener are still SQLAlchemy's. The rows they read and write are `events.rows.EventRow`s, whose
fields name the columns below.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from events import schema
from events.errors import EventStoreError
from events.rows import EventRow

# The JSON columns, read on SQLite as their UTF-8 bytes (see `events.rows`).
_JSON_COLUMNS = frozenset({"payload", "metadata"})
_KEYED = (*EventRow._fields, "idempotency_key")

# An idempotency key's stored answer, in the order both its reads select it (`stream_and_key` on
# the append path, `KEY` before a command is decided; `events.append.replayed` reads it).
KEY_COLUMNS = ("fingerprint", "stream_id", "first_version", "last_version", "first_position", "last_position")

# How many stream ids one `streams_in` statement looks up, well below every driver's limit on
# bound parameters.
STREAMS_PER_QUERY = 500


class Statements:
    """The statements of the hot paths, in the driver's parameter style."""

    def __init__(self, sqlite: bool, paramstyle: str) -> None:
        if paramstyle not in ("qmark", "format", "pyformat"):
            raise EventStoreError(f"unsupported database driver parameter style {paramstyle!r}")
        self.placeholder = "?" if paramstyle == "qmark" else "%s"
        q = self._in_style
        self.row = ", ".join(f"CAST({c} AS BLOB)" if sqlite and c in _JSON_COLUMNS else c for c in EventRow._fields)
        # The log lock (see `events.store`); SQLite's BEGIN IMMEDIATE already holds the write lock.
        self.lock_head = "SELECT position, hash, recorded_at FROM log_head WHERE id = 1" + (
            "" if sqlite else " FOR UPDATE"
        )
        # The stream's row and the idempotency key's row (if any) in one round trip.
        self.stream_and_key = q(
            "SELECT s.version, s.head_hash, " + ", ".join(f"k.{c}" for c in KEY_COLUMNS) + " "
            "FROM (SELECT 1 AS one) AS o "
            "LEFT JOIN streams AS s ON s.stream_id = ? "
            'LEFT JOIN idempotency_keys AS k ON k."key" = ?'
        )
        # An EventRow as it is, or followed by the append's idempotency key.
        self.insert_event = q(self._insert("events", EventRow._fields))
        self.insert_keyed_event = q(self._insert("events", _KEYED))
        self.copy_events = f"COPY events ({', '.join(EventRow._fields)}) FROM STDIN"
        self.insert_stream = q("INSERT INTO streams (stream_id, version, head_hash) VALUES (?, ?, ?)")
        self.update_stream = q("UPDATE streams SET version = ?, head_hash = ? WHERE stream_id = ?")
        self.update_head = q("UPDATE log_head SET position = ?, hash = ?, recorded_at = ? WHERE id = 1")
        self.insert_key = q(
            'INSERT INTO idempotency_keys ("key", fingerprint, stream_id, first_version, last_version, '
            "first_position, last_position) VALUES (?, ?, ?, ?, ?, ?, ?)"
        )
        self.page = q(f"SELECT {self.row} FROM events WHERE position > ? ORDER BY position LIMIT ?")
        self.page_to = q(
            f"SELECT {self.row} FROM events WHERE position > ? AND position <= ? ORDER BY position LIMIT ?"
        )

    @staticmethod
    def _insert(table: str, columns: tuple[str, ...]) -> str:
        return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"

    def _in_style(self, text: str) -> str:
        return text.replace("?", self.placeholder)

    def stream_page(self, to_version: bool, recorded_until: bool) -> str:
        text = f"SELECT {self.row} FROM events WHERE stream_id = ? AND version > ?"
        if to_version:
            text += " AND version <= ?"
        if recorded_until:
            text += " AND recorded_at <= ?"
        text += " ORDER BY version LIMIT ?"
        return self._in_style(text)

    def streams_in(self, count: int) -> str:
        """(stream_id, version, head_hash) of each of `count` streams that exists."""
        marks = ", ".join(self.placeholder for _ in range(count))
        return f"SELECT stream_id, version, head_hash FROM streams WHERE stream_id IN ({marks})"


statements = cache(Statements)


def _pipeline(dbapi_conn: Any) -> AbstractContextManager[Any]:
    return dbapi_conn.pipeline()


def _no_pipeline(_dbapi_conn: Any) -> AbstractContextManager[Any]:
    return nullcontext()


def batching(dbapi: Any) -> Callable[[Any], AbstractContextManager[Any]]:
    """How to send a group of statements on a driver connection: psycopg 3 pipeline mode sends the
    group in one round trip (errors surface when the group ends); elsewhere statements simply run
    one after the other."""
    pipeline = getattr(dbapi, "Pipeline", None)
    return _pipeline if pipeline is not None and pipeline.is_supported() else _no_pipeline


# Cold paths stay in SQLAlchemy Core, built once.
STREAM_VERSION = sa.select(schema.streams.c.version).where(schema.streams.c.stream_id == sa.bindparam("stream_id"))
HEAD = sa.select(schema.log_head.c.position, schema.log_head.c.hash).where(schema.log_head.c.id == 1)
_K = schema.idempotency_keys.c
KEY = sa.select(*(_K[c] for c in KEY_COLUMNS)).where(_K.key == sa.bindparam("key"))


def one_of(column: sa.ColumnElement[str], ids: list[str], sqlite: bool) -> sa.ColumnElement[bool]:
    """`column IN (ids)`; on PostgreSQL `= ANY(array)`: one parameter, not one per id (which the
    driver adapts one by one)."""
    if sqlite:
        return column.in_(ids)
    return column == sa.any_(sa.bindparam("ids", ids, type_=postgresql.ARRAY(sa.Text)))
