"""The log's reads for the read side and the audit: every statement on the events tables outside
the store's own methods lives here, so that only `events/` knows the tables (import-linter checks
it). Each read runs on the caller's connection, inside the caller's transaction: a catch-up reads
under its checkpoint locks, an audit in one snapshot, the append listener in the append's own
transaction.

Two kinds of rows come back:
- `FeedRow`: an event as the projections fold it, its payload and metadata not decoded (the read
  side decodes only what it uses), its procedure id from its own column. The pages the rebuild
  and the catch-up read by the thousand come from the driver as plain tuples in `FeedRow`'s order
  (`FeedRow._make` names one); building a named row for each of a million events costs more than
  folding it.
- `EventRow` (`events.rows`): an event with every stored field the hash covers, for checking
  chains and exporting them; dates as SQLAlchemy's types give them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple, cast

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from events import schema
from events.rows import EventRow, stored_datetime

_E = schema.events
_STREAMS = schema.streams
_HEAD = schema.log_head
# How many stream ids one IN (...) names, well below every driver's limit on bound parameters.
STREAMS_PER_QUERY = 500


class FeedRow(NamedTuple):
    """An event as the read side folds it (see the module's docstring)."""

    position: int
    stream_id: str
    version: int
    event_type: str
    schema_version: int
    payload: Any  # JSON text (UTF-8 bytes on SQLite: parsers take them as they are)
    metadata: Any  # likewise
    occurred_on: str  # ISO text
    procedure_id: str | None


# Dates come back as ISO text (no per-row conversion to a date and back); on SQLite the JSON
# columns come as their UTF-8 bytes, so no str is built for a payload nobody reads as text.
_FEED = (
    _E.c.position,
    _E.c.stream_id,
    _E.c.version,
    _E.c.event_type,
    _E.c.schema_version,
    _E.c.payload,
    _E.c.metadata,
    sa.type_coerce(_E.c.occurred_on, sa.String).label("occurred_on"),
    _E.c.procedure_id,
)
# PostgreSQL formats the dates itself: psycopg would build a date object for every row only for
# the read side to turn it back into text (`projections.feed.Ev.on`).
_PG_FEED = (*_FEED[:7], sa.func.to_char(_E.c.occurred_on, "YYYY-MM-DD").label("occurred_on"), *_FEED[8:])
_SQLITE_FEED = (
    *_FEED[:5],
    sa.cast(_E.c.payload, sa.LargeBinary).label("payload"),
    sa.cast(_E.c.metadata, sa.LargeBinary).label("metadata"),
    *_FEED[7:],
)
assert tuple(c.name for c in _FEED) == FeedRow._fields
_STORED = tuple(_E.c[name] for name in EventRow._fields)


def _feed_columns(conn: Connection) -> tuple[Any, ...]:
    return _SQLITE_FEED if conn.dialect.name == "sqlite" else _PG_FEED


def _tuples(conn: Connection, q: sa.Select[Any], params: dict[str, Any] | None = None) -> list[Any]:
    """The driver's rows as they come (tuples in the statement's column order), not SQLAlchemy
    Row objects: a rebuild reads a million of them."""
    result = conn.execute(q, params)
    try:
        return cast(list[Any], result.cursor.fetchall())
    finally:
        result.close()


def rows_after(conn: Connection, after: int, to: int | None, limit: int) -> list[Any]:
    """Up to `limit` events after position `after` (and at most `to`), in position order, as
    tuples in `FeedRow`'s order."""
    q = sa.select(*_feed_columns(conn)).where(_E.c.position > after)
    if to is not None:
        q = q.where(_E.c.position <= to)
    return _tuples(conn, q.order_by(_E.c.position).limit(limit))


class StreamPages:
    """The log in stream order ((stream_id, version)), page by page (keyset after the last event
    of the page before), only events at or before `to_position`, of streams in [low, high) when
    given: a rebuild's replay reads the whole log this way. Rows are tuples in `FeedRow`'s order.

    The two statements (the first page, the pages after) are built once, with bound parameters,
    and SQLAlchemy compiles each once: a rebuild asks for thousands of small pages (a page's
    events are then still in the CPU's cache when the handlers fold them), and building a SELECT
    for each would cost as much as fetching the page."""

    def __init__(self, conn: Connection, to_position: int, *, low: str | None = None, high: str | None = None) -> None:
        self.conn = conn
        q = sa.select(*_feed_columns(conn)).where(_E.c.position <= to_position)
        if high is not None:
            q = q.where(_E.c.stream_id < high)
        q = q.order_by(_E.c.stream_id, _E.c.version).limit(sa.bindparam("limit"))
        self._first = q if low is None else q.where(_E.c.stream_id >= low)
        after = sa.tuple_(_E.c.stream_id, _E.c.version) > sa.tuple_(sa.bindparam("stream"), sa.bindparam("version"))
        self._next = q.where(after)

    def after(self, last: tuple[str, int] | None, limit: int) -> list[Any]:
        """Up to `limit` events after the event `last` ((stream_id, version); None: from the
        first)."""
        if last is None:
            return _tuples(self.conn, self._first, {"limit": limit})
        return _tuples(self.conn, self._next, {"stream": last[0], "version": last[1], "limit": limit})


def recorded_by(conn: Connection, until: dt.datetime, page_size: int = 2000) -> Iterator[Any]:
    """Every event recorded at or before `until`, in stream order, as tuples in `FeedRow`'s order:
    what the system knew at that time, one stream after another."""
    bound = stored_datetime(until, False)  # SQLAlchemy's DateTime binds a naive UTC time on both
    q = sa.select(*_feed_columns(conn)).where(_E.c.recorded_at <= bound).order_by(_E.c.stream_id, _E.c.version)
    for part in conn.execution_options(yield_per=page_size).execute(q).partitions():
        yield from part


def first_of_type(conn: Connection, stream_id: str, event_type: str) -> FeedRow | None:
    """The stream's first event of `event_type`, if any."""
    q = (
        sa.select(*_feed_columns(conn))
        .where(_E.c.stream_id == stream_id, _E.c.event_type == event_type)
        .order_by(_E.c.version)
        .limit(1)
    )
    row = conn.execute(q).first()
    return FeedRow._make(row) if row is not None else None


def head_position(conn: Connection) -> int:
    """The log's last position (0 for an empty log)."""
    return int(conn.execute(sa.select(_HEAD.c.position).where(_HEAD.c.id == 1)).scalar() or 0)


def log_head(conn: Connection) -> tuple[int, str]:
    """(last position, running log hash)."""
    row = conn.execute(sa.select(_HEAD.c.position, _HEAD.c.hash).where(_HEAD.c.id == 1)).one()
    return int(row.position), str(row.hash)


def lock_log(conn: Connection) -> None:
    """Take the lock every append takes first (see `events.store`): while the caller's transaction
    holds it nothing is appended. On SQLite the write transaction already excludes every other
    writer."""
    if conn.dialect.name != "sqlite":
        conn.execute(sa.select(_HEAD.c.position).where(_HEAD.c.id == 1).with_for_update())


def split_streams(conn: Connection, parts: int) -> list[str]:
    """Stream ids that cut the log into `parts` ranges of about as many events each (each range
    starts at a cut and ends before the next)."""
    st = _STREAMS.c
    total = int(conn.execute(sa.select(sa.func.coalesce(sa.func.sum(st.version), 0))).scalar() or 0)
    cuts: list[str] = []
    if parts < 2 or total == 0:
        return cuts
    running = 0
    target = total / parts
    q = sa.select(st.stream_id, st.version).order_by(st.stream_id)
    for stream_id, version in conn.execution_options(yield_per=10_000).execute(q):
        if running >= target * (len(cuts) + 1):
            cuts.append(stream_id)
            if len(cuts) == parts - 1:
                break
        running += version
    return cuts


def stream_exists(conn: Connection, stream_id: str) -> bool:
    q = sa.select(_STREAMS.c.stream_id).where(_STREAMS.c.stream_id == stream_id)
    return conn.execute(q).first() is not None


def stream_heads(conn: Connection, stream_ids: Sequence[str]) -> dict[str, tuple[int, str]]:
    """(version, hash of the last event) of each of `stream_ids` the stream registry holds (at most
    `STREAMS_PER_QUERY` ids)."""
    st = _STREAMS.c
    q = sa.select(st.stream_id, st.version, st.head_hash).where(st.stream_id.in_(stream_ids))
    return {r.stream_id: (int(r.version), str(r.head_hash)) for r in conn.execute(q)}


def stored_events(conn: Connection, stream_ids: Sequence[str]) -> Iterator[EventRow]:
    """Every event of `stream_ids` (at most `STREAMS_PER_QUERY`), stream after stream in version
    order, with every field the hash covers."""
    q = sa.select(*_STORED).where(_E.c.stream_id.in_(stream_ids)).order_by(_E.c.stream_id, _E.c.version)
    for r in conn.execute(q):
        yield EventRow._make(r)


def latest_in_streams(
    conn: Connection, stream_ids: Sequence[str], limit: int, until: dt.datetime | None, before: int | None
) -> list[EventRow]:
    """The latest `limit` events of `stream_ids` (any number of them), newest first: those
    recorded at or before `until` (None: all) and, for a next page, before position `before`.
    With every field the hash covers, dates as SQLAlchemy's types give them
    (`events.rows.decode_rows` with `sqlite=False` reads them on both databases)."""
    found: list[EventRow] = []
    for i in range(0, len(stream_ids), STREAMS_PER_QUERY):
        q = sa.select(*_STORED).where(_E.c.stream_id.in_(stream_ids[i : i + STREAMS_PER_QUERY]))
        if until is not None:
            q = q.where(_E.c.recorded_at <= stored_datetime(until, False))
        if before is not None:
            q = q.where(_E.c.position < before)
        found += [EventRow._make(r) for r in conn.execute(q.order_by(_E.c.position.desc()).limit(limit))]
    return sorted(found, key=lambda r: r.position, reverse=True)[:limit]
