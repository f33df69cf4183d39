"""One write to the log under its lock: the statements `EventStore.append` and `append_many` share
inside their transaction (see `events.store` for the lock and why it is taken first).

They run on the driver's cursor (see `events.sql`), and on PostgreSQL in as few round trips as the
lock allows: the lock and the one stream's read in one, the writes in another."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

import orjson

from events import schema
from events.errors import ConcurrencyError, EventStoreError, IdempotencyKeyReused, SchemaNotReady
from events.hashing import log_hash
from events.model import AppendResult, EventMetadata, EventRegistry, NewEvent, RecordedEvent, procedure_id_of
from events.rows import EncodedEvent, EventRow, RecordingTime, chain_rows, new_encoded, written_events
from events.sql import STREAMS_PER_QUERY, Statements

# From how many rows a write on PostgreSQL goes by COPY rather than an INSERT each (the store's
# events, the read models' rows): below it, the round trip of its own that COPY needs outside a
# pipeline costs more than the rows' INSERTs.
COPY_MIN_ROWS = 64

# One part of a group commit (`events.group`) is written inside this savepoint.
PART_SAVEPOINT = "SAVEPOINT unionflow_part"
ROLLBACK_PART = "ROLLBACK TO SAVEPOINT unionflow_part"

# The locked `log_head` row: (last position, running log hash, last recording time as stored).
LogHead = tuple[int, str, Any]
# Each stream's (version, hash of its last event), as `streams` holds them.
StreamHeads = dict[str, tuple[int, str]]


@dataclass(frozen=True, slots=True)
class StreamPart:
    """One stream's part of a write, encoded for storing."""

    stream_id: str
    expected_version: int
    metadata: EventMetadata
    meta_text: str
    encoded: list[EncodedEvent]


@dataclass(frozen=True, slots=True)
class IdempotencyKey:
    """An append's idempotency key and the fingerprint of its request."""

    key: str
    fingerprint: str


@dataclass(frozen=True, slots=True)
class Chained:
    """A write's rows chained onto the streams' heads: a result per part, the log's new running
    hash, and the events as the listener gets them (if it was asked for)."""

    rows: list[EventRow]
    results: list[AppendResult]
    running_hash: str
    written: list[RecordedEvent]


class StreamClash(Exception):
    """The store's own insert hit a unique constraint: someone wrote to the stream without the
    store's lock. Reported once the transaction is rolled back."""


def encode_part(
    registry: EventRegistry,
    stream_id: str,
    new_events: Sequence[NewEvent],
    expected_version: int,
    metadata: EventMetadata,
) -> StreamPart:
    if expected_version < 0:
        raise ValueError("expected_version must be >= 0 (0 for a new stream)")
    encoded: list[EncodedEvent] = []
    for new in new_events:
        ev = new.event
        if ev.event_type not in registry:
            # Refuse now rather than write something no reader can decode.
            raise EventStoreError(f"event type {ev.event_type!r} is not registered with the store")
        # The event's own field, typed (a procedure event's `procedure_id`), stored beside the payload.
        procedure_id = procedure_id_of(ev)
        encoded.append(
            new_encoded((ev.event_type, ev.schema_version, registry.encode(ev), new.occurred_on, ev, procedure_id))
        )
    return StreamPart(stream_id, expected_version, metadata, metadata.model_dump_json(exclude_none=True), encoded)


def request_fingerprint(stream_id: str, expected_version: int, encoded: Sequence[EncodedEvent]) -> str:
    """What makes two appends "the same request" for idempotency."""
    events = [[e.event_type, e.schema_version, e.payload, e.occurred_on.isoformat()] for e in encoded]
    return hashlib.sha256(orjson.dumps([stream_id, expected_version, events])).hexdigest()


def replayed(key: str, fingerprint: str, stored: Sequence[Any]) -> AppendResult:
    """The result of the append first made with `key`, from the key's stored row (its
    `events.sql.KEY_COLUMNS`). Raises IdempotencyKeyReused if that append was a different request."""
    stored_fingerprint, stream_id, first_version, last_version, first_position, last_position = stored
    if stored_fingerprint != fingerprint:
        raise IdempotencyKeyReused(key, stream_id)
    return AppendResult(stream_id, first_version, last_version, first_position, last_position, replayed=True)


class LogWriter:
    """The statements of one write, on a cursor of the transaction's driver connection."""

    def __init__(
        self,
        statements: Statements,
        sqlite: bool,
        batch: Callable[[Any], AbstractContextManager[Any]],
        integrity_error: type[Exception],
    ) -> None:
        self._sql = statements
        self._sqlite = sqlite
        self._batch = batch
        self._integrity_error = integrity_error

    def lock_and_read_one(
        self,
        dbapi_conn: Any,
        cur: Any,
        stream_id: str,
        key: IdempotencyKey | None,
        *,
        lock: bool = True,
        savepoint: bool = False,
    ) -> tuple[LogHead | None, StreamHeads, AppendResult | None]:
        """Take the log lock (SQLite: the write lock is held since BEGIN IMMEDIATE), then, in a
        statement of its own, read the stream and the idempotency key: in one round trip on
        PostgreSQL, where the server still runs the read after the lock is taken. The third value
        is the first result when `key` was used before for the same request.

        In a group (`events.group`) the lock is taken by the first part only (no head then for the
        others) and each part opens its savepoint here, after the lock: rolling back to a
        savepoint taken before it would release the lock."""
        sql = self._sql
        cur2 = dbapi_conn.cursor()
        try:
            with self._batch(dbapi_conn):
                if lock:
                    cur.execute(sql.lock_head)
                if savepoint:
                    cur2.execute(PART_SAVEPOINT)
                cur2.execute(sql.stream_and_key, (stream_id, None if key is None else key.key))
            head = _locked_head(cur) if lock else None
            state = cur2.fetchone()
        finally:
            cur2.close()
        assert state is not None  # a LEFT JOIN from one row always gives one row
        version, head_hash, *stored_key = state
        if stored_key[0] is not None:  # the key's row (the LEFT JOIN gives NULLs without one)
            assert key is not None
            return head, {}, replayed(key.key, key.fingerprint, stored_key)
        return head, ({} if version is None else {stream_id: (version, head_hash)}), None

    @staticmethod
    def rollback_part(dbapi_conn: Any) -> None:
        """Undo one part of a group to its savepoint (see `lock_and_read_one`)."""
        cur = dbapi_conn.cursor()
        try:
            cur.execute(ROLLBACK_PART)
        finally:
            cur.close()

    def lock_and_read_many(self, cur: Any, parts: Sequence[StreamPart]) -> tuple[LogHead, StreamHeads]:
        """Take the log lock, then read every stream's head in statements of their own."""
        cur.execute(self._sql.lock_head)
        head = _locked_head(cur)
        ids = list(dict.fromkeys(part.stream_id for part in parts))
        heads: StreamHeads = {}
        for i in range(0, len(ids), STREAMS_PER_QUERY):
            chunk = ids[i : i + STREAMS_PER_QUERY]
            cur.execute(self._sql.streams_in(len(chunk)), chunk)
            heads.update((sid, (version, head_hash)) for sid, version, head_hash in cur.fetchall())
        return head, heads

    def chain(
        self,
        parts: Sequence[StreamPart],
        heads: StreamHeads,
        head: LogHead,
        recorded: RecordingTime,
        with_events: bool,
    ) -> Chained:
        """Check each part's expected version against its stream's head and chain its rows onto
        it, moving `heads` on as it goes (a stream may have several parts), then the log's
        running hash over them."""
        position, running, _ = head
        rows: list[EventRow] = []
        results: list[AppendResult] = []
        written: list[RecordedEvent] = []
        for part in parts:
            stream_id = part.stream_id
            version, prev = heads.get(stream_id, (0, schema.GENESIS_HASH))
            if version != part.expected_version:
                raise ConcurrencyError(stream_id, part.expected_version, version)
            chained = chain_rows(
                stream_id,
                part.encoded,
                prev=prev,
                position=position,
                version=version,
                recorded=recorded,
                meta_text=part.meta_text,
                sqlite=self._sqlite,
            )
            last = chained[-1]
            heads[stream_id] = (last.version, last.hash)
            results.append(AppendResult(stream_id, version + 1, last.version, position + 1, last.position))
            position = last.position
            rows.extend(chained)
            if with_events:
                written.extend(written_events(chained, part.encoded, part.metadata, recorded))
        for row in rows:
            running = log_hash(running, row.hash)
        return Chained(rows, results, running, written)

    def write(
        self,
        dbapi_conn: Any,
        cur: Any,
        chained: Chained,
        heads: StreamHeads,
        existed: set[str],
        key: IdempotencyKey | None,
        recorded: RecordingTime,
    ) -> None:
        """The new rows, the streams' new heads, the idempotency key (for the first result, the
        only part of a write with a key) and the log head: one round trip on PostgreSQL."""
        sql = self._sql
        first = chained.results[0]
        if key is None:
            event_rows: list[tuple[Any, ...]] = chained.rows  # type: ignore[assignment]
        else:
            event_rows = [(*row, key.key) for row in chained.rows]
        try:
            if not self._sqlite and key is None and len(event_rows) >= COPY_MIN_ROWS:
                # A bulk write's rows by COPY, one statement for them all (it cannot run in the
                # pipeline below): still inside the transaction, under the log lock.
                with cur.copy(sql.copy_events) as copy:
                    for row in event_rows:
                        copy.write_row(row)
                event_rows = []
            with self._batch(dbapi_conn):
                _run(cur, sql.insert_event if key is None else sql.insert_keyed_event, event_rows)
                _run(cur, sql.insert_stream, [(sid, v, h) for sid, (v, h) in heads.items() if sid not in existed])
                _run(cur, sql.update_stream, [(v, h, sid) for sid, (v, h) in heads.items() if sid in existed])
                if key is not None:
                    key_row = (key.key, key.fingerprint, first.stream_id, first.first_version, first.last_version)
                    cur.execute(sql.insert_key, (*key_row, first.first_position, first.last_position))
                cur.execute(sql.update_head, (chained.rows[-1].position, chained.running_hash, recorded.stored))
        except self._integrity_error as exc:
            raise StreamClash() from exc


def _locked_head(cur: Any) -> LogHead:
    head = cur.fetchone()
    if head is None:
        raise SchemaNotReady("the event log is not initialised: run `unionflow db upgrade`")
    position, running, recorded_at = head
    return position, running, recorded_at


def _run(cur: Any, statement: str, params: list[tuple[Any, ...]]) -> None:
    """`statement` once per parameter tuple: a plain execute when there is one."""
    if len(params) == 1:
        cur.execute(statement, params[0])
    elif params:
        cur.executemany(statement, params)
