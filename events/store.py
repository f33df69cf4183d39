"""The append-only event store, on SQLite or PostgreSQL through SQLAlchemy Core.

Why positions cannot be skipped by a follower
---------------------------------------------
On PostgreSQL, a sequence or identity column hands out positions when rows are *inserted*, but
transactions *commit* in another order: a follower that has read up to position 12 can miss 11 for
ever if 11 commits after 12 was read. We serialise position assignment instead: every append takes
the row lock on `log_head` (SELECT ... FOR UPDATE) first, reads the last position from it and
writes the new one back, in the same transaction as the events. The lock is held until commit, so
the next writer gets its positions only after the previous one is durable: positions become
visible strictly in order and without gaps (a rolled-back append returns its positions with its
rollback). On SQLite the same holds because a writer holds the database write lock (BEGIN
IMMEDIATE) from its first statement to commit.

The price is that appends are serial. Union procedures are paperwork: even at national scale
(2.8 million unions, a few dozen events each per five-year term) that is a handful of events per
second on average, against the ~1,000+ single-event commits/s measured here on PostgreSQL
(see bench/). The lock also gives the log-wide hash chain its order for free. The alternative,
tracking a transaction-id high-water mark (pg_snapshot_xmin) so followers wait for in-flight
transactions, keeps parallel writers but is PostgreSQL-only and leaves the log without a total
order at write time; it is not worth it at this write rate.

The same lock makes the optimistic concurrency check authoritative: the stream's version is read
after the lock is taken, so two appends with the same expected version cannot both pass it. (On
PostgreSQL that read must be a statement of its own, after the lock: a statement that joined the
stream to the locked row would see the stream as of its own snapshot, from before the wait. The
two are pipelined into one round trip, but the server still runs the read after the lock.)

Why the hot paths talk to the driver
------------------------------------
An append is one short transaction and a read decodes thousands of rows, so per-statement and
per-row overhead decides the throughput (bench/README.md has the numbers). Append and the reads
therefore run fixed SQL text, written once per dialect below, on the DBAPI cursor of a
SQLAlchemy connection: the transaction, the pool, the SQLite BEGIN IMMEDIATE and the connection
handed to a listener are still SQLAlchemy's. On SQLite the store converts dates itself, in the
text formats SQLAlchemy's Date/DateTime types use, so rows written either way read the same.
Rows are decoded with per-page caches (events of one append share their metadata and recording
time) and `read_all` decodes lazily, one event at a time, so a follower keeps no page of decoded
events alive.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from functools import cache
from typing import Any

import orjson
import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError, ProgrammingError

from events import schema
from events.db import is_sqlite, unpinged_write_connection, write_connection
from events.errors import (
    ConcurrencyError,
    EventStoreError,
    IdempotencyKeyReused,
    SchemaNotReady,
    StoreBusy,
)
from events.hashing import event_hash_text, format_recorded_at, log_hash
from events.model import (
    AppendResult,
    Decoder,
    EventMetadata,
    EventRegistry,
    NewEvent,
    RecordedEvent,
    make_recorded_event,
)
from events.verify import VerificationReport
from events.verify import verify as verify_chains

# Called inside the append transaction with the events just written, before commit: this is how
# read models that must show a command's effect at once are kept current in the same transaction.
AppendListener = Callable[[Connection, Sequence[RecordedEvent]], None]

# (event type, schema version, payload JSON, business date, the event itself)
_Encoded = tuple[str, int, str, dt.date, Any]

# A stored row as the reads select it, in this order. On SQLite the JSON columns come as their
# UTF-8 bytes (the database's text encoding, which the migrations leave at SQLite's default):
# pydantic parses bytes as readily as text, and the driver need not build a str first.
_ROW = (
    "position, stream_id, version, event_type, schema_version, {payload}, {metadata}, occurred_on, "
    "recorded_at, hash, prev_hash"
)


class _Sql:
    """The statements of the hot paths, in the driver's parameter style."""

    def __init__(self, sqlite: bool, paramstyle: str) -> None:
        if paramstyle not in ("qmark", "format", "pyformat"):
            raise EventStoreError(f"unsupported database driver parameter style {paramstyle!r}")
        self.placeholder = "?" if paramstyle == "qmark" else "%s"

        def q(text: str) -> str:
            return text.replace("?", self.placeholder)

        row = (
            _ROW.format(payload="CAST(payload AS BLOB)", metadata="CAST(metadata AS BLOB)")
            if sqlite
            else _ROW.format(payload="payload", metadata="metadata")
        )
        self.sqlite = sqlite
        self.row = row

        self.lock_head = "SELECT position, hash, recorded_at FROM log_head WHERE id = 1" + (
            "" if sqlite else " FOR UPDATE"
        )
        # The stream's row and the idempotency key's row (if any) in one round trip.
        self.stream_and_key = q(
            "SELECT s.version, s.head_hash, k.fingerprint, k.stream_id, k.first_version, "
            "k.last_version, k.first_position, k.last_position "
            "FROM (SELECT 1 AS one) AS o "
            "LEFT JOIN streams AS s ON s.stream_id = ? "
            'LEFT JOIN idempotency_keys AS k ON k."key" = ?'
        )
        self.insert_event = q(
            "INSERT INTO events (position, stream_id, version, event_type, schema_version, payload, "
            "metadata, occurred_on, recorded_at, idempotency_key, prev_hash, hash) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        )
        self.insert_stream = q("INSERT INTO streams (stream_id, version, head_hash) VALUES (?, ?, ?)")
        self.update_stream = q("UPDATE streams SET version = ?, head_hash = ? WHERE stream_id = ?")
        self.update_head = q("UPDATE log_head SET position = ?, hash = ?, recorded_at = ? WHERE id = 1")
        self.insert_key = q(
            'INSERT INTO idempotency_keys ("key", fingerprint, stream_id, first_version, last_version, '
            "first_position, last_position) VALUES (?, ?, ?, ?, ?, ?, ?)"
        )
        self.page = q(f"SELECT {row} FROM events WHERE position > ? ORDER BY position LIMIT ?")
        self.page_to = q(f"SELECT {row} FROM events WHERE position > ? AND position <= ? ORDER BY position LIMIT ?")

    def stream_page(self, to_version: bool, recorded_until: bool) -> str:
        text = f"SELECT {self.row} FROM events WHERE stream_id = ? AND version > ?"
        if to_version:
            text += " AND version <= ?"
        if recorded_until:
            text += " AND recorded_at <= ?"
        text += " ORDER BY version LIMIT ?"
        return text.replace("?", self.placeholder)


_statements = cache(_Sql)

# Cold paths stay in SQLAlchemy Core, built once.
_STREAM_VERSION = sa.select(schema.streams.c.version).where(schema.streams.c.stream_id == sa.bindparam("stream_id"))
_HEAD = sa.select(schema.log_head.c.position, schema.log_head.c.hash).where(schema.log_head.c.id == 1)
_KEY = sa.select(schema.idempotency_keys).where(schema.idempotency_keys.c.key == sa.bindparam("key"))

_META = EventMetadata.__pydantic_validator__.validate_json
_date_from_text = dt.date.fromisoformat
_datetime_from_text = dt.datetime.fromisoformat


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _as_utc(ts: dt.datetime) -> dt.datetime:
    return ts.replace(tzinfo=dt.UTC) if ts.tzinfo is None else ts.astimezone(dt.UTC)


def _naive_utc(ts: dt.datetime) -> dt.datetime:
    return ts if ts.tzinfo is None else ts.astimezone(dt.UTC).replace(tzinfo=None)


def _sqlite_datetime(ts: dt.datetime) -> str:
    """A naive UTC time as SQLAlchemy's SQLite DateTime stores it (always with microseconds), so
    text comparison orders it and SQLAlchemy reads it back."""
    return ts.isoformat(sep=" ", timespec="microseconds")


def _pipeline(dbapi_conn: Any) -> AbstractContextManager[Any]:
    return dbapi_conn.pipeline()


def _no_pipeline(_dbapi_conn: Any) -> AbstractContextManager[Any]:
    return nullcontext()


@dataclass(frozen=True, slots=True)
class StreamAppend:
    """One stream's part of `EventStore.append_many`: its events, the version the writer read and
    the metadata of the command that decided them."""

    stream_id: str
    events: Sequence[NewEvent]
    expected_version: int
    metadata: EventMetadata


class _StreamClash(Exception):
    """The store's own insert hit a unique constraint: someone wrote to the stream without the
    store's lock. Reported as a ConcurrencyError once the transaction is rolled back."""


class EventStore:
    def __init__(self, engine: Engine, registry: EventRegistry, *, page_size: int = 2000) -> None:
        self.engine = engine
        self.registry = registry
        self.page_size = page_size
        self._sqlite = is_sqlite(engine)
        self._sql = _statements(self._sqlite, engine.dialect.paramstyle)
        dbapi = engine.dialect.loaded_dbapi
        self._integrity_error: type[Exception] = dbapi.IntegrityError
        # psycopg 3 pipeline mode sends a group of statements in one round trip; errors surface
        # when the group ends. Elsewhere statements simply run one after the other.
        pipeline = getattr(dbapi, "Pipeline", None)
        self._batch: Callable[[Any], AbstractContextManager[Any]] = (
            _pipeline if pipeline is not None and pipeline.is_supported() else _no_pipeline
        )
        # Errors that mean "locked", "no schema" or the like, raw from the driver or wrapped by
        # SQLAlchemy. (A listener's own IntegrityError is its business and propagates as it is.)
        self._db_errors: tuple[type[Exception], ...] = (
            OperationalError,
            ProgrammingError,
            dbapi.OperationalError,
            dbapi.ProgrammingError,
        )

    # ------------------------------------------------------------------ writing

    def append(
        self,
        stream_id: str,
        new_events: Sequence[NewEvent],
        *,
        expected_version: int,
        metadata: EventMetadata,
        idempotency_key: str | None = None,
        fingerprint: str | None = None,
        listener: AppendListener | None = None,
    ) -> AppendResult:
        """Append `new_events` to `stream_id` if it is at `expected_version` (0 for a new stream),
        all in one transaction or not at all.

        With an `idempotency_key`, a repeat of the same request returns the first result and
        writes nothing; the same key with a different request (by `fingerprint`, by default a hash
        of the stream, expected version and events) raises IdempotencyKeyReused.

        A `listener` runs inside the transaction after the events are written; if it raises,
        nothing is written and its exception propagates."""
        if not new_events:
            raise ValueError("append needs at least one event")
        if expected_version < 0:
            raise ValueError("expected_version must be >= 0 (0 for a new stream)")
        encoded: list[_Encoded] = []
        registry = self.registry
        for new in new_events:
            ev = new.event
            if ev.event_type not in registry:
                # Refuse now rather than write something no reader can decode.
                raise EventStoreError(f"event type {ev.event_type!r} is not registered with the store")
            encoded.append((ev.event_type, ev.schema_version, registry.encode(ev), new.occurred_on, ev))
        meta_text = metadata.model_dump_json(exclude_none=True)
        if idempotency_key is not None and fingerprint is None:
            fingerprint = request_fingerprint(stream_id, expected_version, encoded)

        # The connection is checked out without the pool's pre-ping (a round trip on PostgreSQL):
        # if it turns out dead before the COMMIT was sent, the server has rolled the transaction
        # back, and the whole append runs once more on a new connection. A failure at or after
        # the COMMIT is never retried: whether it committed is unknown.
        for attempt in (1, 2):
            dbapi_conn: Any = None
            committing = False
            try:
                with unpinged_write_connection(self.engine) as conn, conn.begin():
                    dbapi_conn = conn.connection.dbapi_connection
                    result = self._append_locked(
                        conn,
                        stream_id,
                        encoded,
                        expected_version,
                        metadata,
                        meta_text,
                        idempotency_key,
                        fingerprint,
                        listener,
                    )
                    committing = True
                return result
            except _StreamClash as clash:
                # Under the log lock the version check is authoritative, so a clash here means a
                # writer that bypassed the store; report it as the concurrency error it is.
                actual = self.stream_version(stream_id)
                raise ConcurrencyError(stream_id, expected_version, actual) from clash.__cause__
            except self._db_errors as exc:
                if attempt == 1 and not committing and self._connection_lost(exc, dbapi_conn):
                    continue
                raise self._translate_operational(exc) from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def _connection_lost(self, exc: Exception, dbapi_conn: Any) -> bool:
        """Whether `exc` means the server connection was gone (PostgreSQL restarted, an idle
        connection cut), as opposed to an error of the statements themselves."""
        if self._sqlite:
            return False
        if getattr(exc, "connection_invalidated", False):
            return True
        return dbapi_conn is not None and bool(
            getattr(dbapi_conn, "closed", False) or getattr(dbapi_conn, "broken", False)
        )

    def _append_locked(
        self,
        conn: Connection,
        stream_id: str,
        encoded: list[_Encoded],
        expected_version: int,
        metadata: EventMetadata,
        meta_text: str,
        idempotency_key: str | None,
        fingerprint: str | None,
        listener: AppendListener | None,
    ) -> AppendResult:
        sql = self._sql
        sqlite = self._sqlite
        dbapi_conn = conn.connection.dbapi_connection
        assert dbapi_conn is not None
        batch = self._batch
        cur = dbapi_conn.cursor()
        cur2 = dbapi_conn.cursor()
        try:
            # 1. Take the log lock (SQLite: the write lock is held since BEGIN IMMEDIATE), then, in
            # a statement of its own, read the stream and the idempotency key. On PostgreSQL both
            # go in one round trip; the server still runs the second after the first has the lock.
            with batch(dbapi_conn):
                cur.execute(sql.lock_head)
                cur2.execute(sql.stream_and_key, (stream_id, idempotency_key))
            head = cur.fetchone()
            if head is None:
                raise SchemaNotReady("the event log is not initialised: run `unionflow db upgrade`")
            head_position, running, head_recorded_at = head
            state = cur2.fetchone()
            assert state is not None  # a LEFT JOIN from one row always gives one row
            actual_version, stream_head_hash, key_fingerprint, key_stream = state[:4]
            if key_stream is not None:
                assert idempotency_key is not None
                if fingerprint is not None and key_fingerprint != fingerprint:
                    raise IdempotencyKeyReused(idempotency_key, key_stream)
                conn.rollback()
                first_version, last_version, first_position, last_position = state[4:]
                return AppendResult(
                    key_stream, first_version, last_version, first_position, last_position, replayed=True
                )
            exists = actual_version is not None
            if not exists:
                actual_version = 0
            if actual_version != expected_version:
                raise ConcurrencyError(stream_id, expected_version, actual_version)

            # 2. Hash. recorded_at never goes backwards along the log, even if the clock
            # does, so "as recorded at T" is a prefix of the log.
            recorded_at, recorded_text, stored_recorded_at = _recorded_now(head_recorded_at, sqlite)
            rows = _chained_rows(
                stream_id,
                encoded,
                prev=stream_head_hash if exists else schema.GENESIS_HASH,
                position=head_position,
                version=expected_version,
                recorded_text=recorded_text,
                stored_recorded_at=stored_recorded_at,
                meta_text=meta_text,
                idempotency_key=idempotency_key,
                sqlite=sqlite,
            )
            for row in rows:
                running = log_hash(running, row[_DIGEST])
            position, version, prev = rows[-1][_POSITION], rows[-1][_VERSION], rows[-1][_DIGEST]

            result = AppendResult(
                stream_id=stream_id,
                first_version=expected_version + 1,
                last_version=version,
                first_position=head_position + 1,
                last_position=position,
            )
            # 3. Write: all in one round trip on PostgreSQL.
            try:
                with batch(dbapi_conn):
                    if len(rows) == 1:
                        cur.execute(sql.insert_event, rows[0])
                    else:
                        cur.executemany(sql.insert_event, rows)
                    if exists:
                        cur.execute(sql.update_stream, (version, prev, stream_id))
                    else:
                        cur.execute(sql.insert_stream, (stream_id, version, prev))
                    if idempotency_key is not None:
                        cur.execute(
                            sql.insert_key,
                            (
                                idempotency_key,
                                fingerprint,
                                stream_id,
                                result.first_version,
                                result.last_version,
                                result.first_position,
                                result.last_position,
                            ),
                        )
                    cur.execute(sql.update_head, (position, running, stored_recorded_at))
            except self._integrity_error as exc:
                raise _StreamClash() from exc
        finally:
            cur.close()
            cur2.close()

        if listener is not None:
            recorded_at_utc = recorded_at.replace(tzinfo=dt.UTC)
            listener(
                conn,
                [
                    RecordedEvent(
                        position=row[0],
                        stream_id=stream_id,
                        version=row[2],
                        event_type=row[3],
                        schema_version=row[4],
                        event=enc[4],
                        metadata=metadata,
                        occurred_on=enc[3],
                        recorded_at=recorded_at_utc,
                        hash=row[11],
                        prev_hash=row[10],
                    )
                    for row, enc in zip(rows, encoded, strict=True)
                ],
            )
        return result

    def append_many(
        self, appends: Sequence[StreamAppend], *, listener: AppendListener | None = None
    ) -> list[AppendResult]:
        """Append to many streams in one transaction, all or nothing: for bulk writes (a registry
        import) where one transaction per command would cost a commit (an fsync) each.

        The same guarantees as `append`: the log lock is taken first, every stream's version is
        read after it and checked against its `expected_version` (a stream may appear more than
        once; each later part expects the version the earlier ones leave), hashes chain per stream
        and along the log, and `listener` gets every event written, in position order, inside the
        transaction. No idempotency keys: a caller that must be able to resume recognises what it
        already wrote by its content. Returns one AppendResult per part, in order."""
        if not appends:
            return []
        registry = self.registry
        encoded_parts: list[tuple[StreamAppend, list[_Encoded], str]] = []
        for part in appends:
            if not part.events:
                raise ValueError(f"append_many: no events for stream {part.stream_id}")
            if part.expected_version < 0:
                raise ValueError("expected_version must be >= 0 (0 for a new stream)")
            encoded: list[_Encoded] = []
            for new in part.events:
                ev = new.event
                if ev.event_type not in registry:
                    raise EventStoreError(f"event type {ev.event_type!r} is not registered with the store")
                encoded.append((ev.event_type, ev.schema_version, registry.encode(ev), new.occurred_on, ev))
            encoded_parts.append((part, encoded, part.metadata.model_dump_json(exclude_none=True)))
        try:
            with write_connection(self.engine) as conn, conn.begin():
                return self._append_many_locked(conn, encoded_parts, listener)
        except _StreamClash as clash:
            raise EventStoreError(
                "append_many: a stream was written meanwhile without the store's lock; nothing was written"
            ) from clash.__cause__
        except self._db_errors as exc:
            raise self._translate_operational(exc) from exc

    def _append_many_locked(
        self,
        conn: Connection,
        parts: list[tuple[StreamAppend, list[_Encoded], str]],
        listener: AppendListener | None,
    ) -> list[AppendResult]:
        sql = self._sql
        sqlite = self._sqlite
        dbapi_conn = conn.connection.dbapi_connection
        assert dbapi_conn is not None
        cur = dbapi_conn.cursor()
        try:
            cur.execute(sql.lock_head)
            head = cur.fetchone()
            if head is None:
                raise SchemaNotReady("the event log is not initialised: run `unionflow db upgrade`")
            head_position, running, head_recorded_at = head
            # Every stream's (version, head hash), read after the lock (see `append`).
            ids = list(dict.fromkeys(part.stream_id for part, _, _ in parts))
            known: dict[str, tuple[int, str]] = {}
            st = schema.streams.c
            for i in range(0, len(ids), 500):
                for sid, ver, head_hash in conn.execute(
                    sa.select(st.stream_id, st.version, st.head_hash).where(st.stream_id.in_(ids[i : i + 500]))
                ):
                    known[sid] = (int(ver), str(head_hash))
            existed = set(known)

            recorded_at, recorded_text, stored_recorded_at = _recorded_now(head_recorded_at, sqlite)
            recorded_at_utc = recorded_at.replace(tzinfo=dt.UTC)

            position = head_position
            rows: list[tuple[Any, ...]] = []
            results: list[AppendResult] = []
            written: list[RecordedEvent] = []
            for part, encoded, meta_text in parts:
                stream_id = part.stream_id
                version, prev = known.get(stream_id, (0, schema.GENESIS_HASH))
                if version != part.expected_version:
                    raise ConcurrencyError(stream_id, part.expected_version, version)
                first_position = position + 1
                chained = _chained_rows(
                    stream_id,
                    encoded,
                    prev=prev,
                    position=position,
                    version=version,
                    recorded_text=recorded_text,
                    stored_recorded_at=stored_recorded_at,
                    meta_text=meta_text,
                    idempotency_key=None,
                    sqlite=sqlite,
                )
                rows.extend(chained)
                for row, (_, _, _, occurred_on, event) in zip(chained, encoded, strict=True):
                    if listener is not None:
                        written.append(
                            make_recorded_event(
                                row[_POSITION],
                                stream_id,
                                row[_VERSION],
                                row[_TYPE],
                                row[_SCHEMA_VERSION],
                                event,
                                part.metadata,
                                occurred_on,
                                recorded_at_utc,
                                row[_DIGEST],
                                row[_PREV],
                            )
                        )
                    running = log_hash(running, row[_DIGEST])
                if chained:
                    position, version, prev = chained[-1][_POSITION], chained[-1][_VERSION], chained[-1][_DIGEST]
                known[stream_id] = (version, prev)
                results.append(AppendResult(stream_id, part.expected_version + 1, version, first_position, position))
            try:
                with self._batch(dbapi_conn):
                    cur.executemany(sql.insert_event, rows)
                    new_streams = [(sid, v, h) for sid, (v, h) in known.items() if sid not in existed]
                    moved = [(v, h, sid) for sid, (v, h) in known.items() if sid in existed]
                    if new_streams:
                        cur.executemany(sql.insert_stream, new_streams)
                    if moved:
                        cur.executemany(sql.update_stream, moved)
                    cur.execute(sql.update_head, (position, running, stored_recorded_at))
            except self._integrity_error as exc:
                raise _StreamClash() from exc
        finally:
            cur.close()
        if listener is not None:
            listener(conn, written)
        return results

    def find_idempotent(self, key: str, fingerprint: str) -> AppendResult | None:
        """The result of the append already made with `key`, if any. Raises IdempotencyKeyReused if
        that append was a different request. Lets a command handler answer a retry before it
        re-decides anything."""
        with self._translated(), self.engine.connect() as conn:
            row = conn.execute(_KEY, {"key": key}).one_or_none()
        if row is None:
            return None
        if row.fingerprint != fingerprint:
            raise IdempotencyKeyReused(key, row.stream_id)
        return AppendResult(
            stream_id=row.stream_id,
            first_version=row.first_version,
            last_version=row.last_version,
            first_position=row.first_position,
            last_position=row.last_position,
            replayed=True,
        )

    def _translate_operational(self, exc: Exception) -> EventStoreError:
        text = str(exc).lower()
        if "locked" in text or "busy" in text:
            return StoreBusy(
                "the database is busy with another writer and stayed locked past the timeout; "
                "nothing was written, retry"
            )
        if "no such table" in text or "does not exist" in text:
            return SchemaNotReady("the database has no unionflow schema: run `unionflow db upgrade`")
        return EventStoreError(f"database error: {exc}")

    # ------------------------------------------------------------------ reading

    @contextmanager
    def _translated(self) -> Iterator[None]:
        """Driver errors of a read as the store's errors (StoreBusy, SchemaNotReady, ...): never a
        raw "database is locked" for the caller."""
        try:
            yield
        except self._db_errors as exc:
            raise self._translate_operational(exc) from exc

    @contextmanager
    def _cursor(self) -> Iterator[Any]:
        """A driver cursor on a pooled connection, for one short read."""
        with self._translated(), self.engine.connect() as conn:
            cur = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
            try:
                yield cur
            finally:
                cur.close()

    def _decode(self, rows: Sequence[Any]) -> Iterator[RecordedEvent]:
        """Decode one page of rows, one event at a time. Metadata are cached for the page (the
        events of one append share theirs), and a date or time equal to the previous row's is not
        parsed again (likewise)."""
        registry = self.registry
        sqlite = self._sqlite
        decoders: dict[str, tuple[int, Decoder]] = {}
        metas: dict[Any, EventMetadata] = {}
        make = make_recorded_event
        occurred_raw: Any = None
        recorded_raw: Any = None
        occurred_on: Any = None
        recorded_at: Any = None
        for (
            position,
            stream_id,
            version,
            event_type,
            schema_version,
            payload,
            meta_text,
            occurred,
            recorded,
            hash_,
            prev_hash,
        ) in rows:
            decoder = decoders.get(event_type)
            if decoder is None or decoder[0] != schema_version:
                decoder = decoders[event_type] = (schema_version, registry.decoder(event_type, schema_version))
            metadata = metas.get(meta_text)
            if metadata is None:
                try:
                    metadata = metas[meta_text] = _META(meta_text)
                except ValidationError as exc:
                    raise EventStoreError(
                        f"stored metadata of event {position} ({stream_id} v{version}) does not validate: {exc}"
                    ) from exc
            if occurred != occurred_raw:
                occurred_raw = occurred
                occurred_on = _date_from_text(occurred) if sqlite else occurred
            if recorded != recorded_raw:
                recorded_raw = recorded
                recorded_at = _datetime_from_text(recorded + "+00:00") if sqlite else _as_utc(recorded)
            yield make(
                position,
                stream_id,
                version,
                event_type,
                schema_version,
                decoder[1](payload),
                metadata,
                occurred_on,
                recorded_at,
                hash_,
                prev_hash,
            )

    def read_stream(
        self,
        stream_id: str,
        *,
        to_version: int | None = None,
        recorded_until: dt.datetime | None = None,
    ) -> Iterator[RecordedEvent]:
        """The stream's events in version order, streamed page by page (keyset on version).
        `to_version` stops at that version; `recorded_until` keeps only what had been recorded by
        then (what the system knew at T)."""
        text = self._sql.stream_page(to_version is not None, recorded_until is not None)
        bounds: list[Any] = []
        if to_version is not None:
            bounds.append(to_version)
        if recorded_until is not None:
            until = _naive_utc(recorded_until)
            bounds.append(_sqlite_datetime(until) if self._sqlite else until)
        size = self.page_size
        last = 0
        while True:
            with self._cursor() as cur:
                cur.execute(text, (stream_id, last, *bounds, size))
                rows = cur.fetchall()
            if rows:
                yield from self._decode(rows)
            if len(rows) < size:
                return
            last = rows[-1][2]

    def read_all(
        self,
        after_position: int = 0,
        *,
        page_size: int | None = None,
        to_position: int | None = None,
    ) -> Iterator[RecordedEvent]:
        """Every event after `after_position` in position order, fetched page by page (keyset on
        position, one short query per page), so memory stays bounded however long the log.
        Events are decoded one at a time as they are taken."""
        for rows in self._row_pages(after_position, page_size or self.page_size, to_position):
            yield from self._decode(rows)

    def read_pages(
        self,
        after_position: int = 0,
        *,
        page_size: int | None = None,
        to_position: int | None = None,
    ) -> Iterator[list[RecordedEvent]]:
        """`read_all` a page at a time, each page a list of decoded events."""
        for rows in self._row_pages(after_position, page_size or self.page_size, to_position):
            yield list(self._decode(rows))

    def _row_pages(self, after_position: int, size: int, to_position: int | None) -> Iterator[list[Any]]:
        if size < 1:
            raise ValueError("page_size must be >= 1")
        sql = self._sql
        last = after_position
        while True:
            with self._cursor() as cur:
                if to_position is None:
                    cur.execute(sql.page, (last, size))
                else:
                    cur.execute(sql.page_to, (last, to_position, size))
                rows = cur.fetchall()
            if not rows:
                return
            yield rows
            if len(rows) < size:
                return
            last = rows[-1][0]

    def stream_version(self, stream_id: str) -> int:
        with self._translated(), self.engine.connect() as conn:
            v = conn.execute(_STREAM_VERSION, {"stream_id": stream_id}).scalar_one_or_none()
        return int(v or 0)

    def stream_versions(self, stream_ids: Sequence[str]) -> dict[str, int]:
        """The current version of each of `stream_ids` that exists (absent ones are left out): one
        query per 500 ids, for bulk work that must know which streams are new."""
        st = schema.streams.c
        found: dict[str, int] = {}
        ids = list(dict.fromkeys(stream_ids))
        with self._translated(), self.engine.connect() as conn:
            for i in range(0, len(ids), 500):
                q = sa.select(st.stream_id, st.version).where(st.stream_id.in_(ids[i : i + 500]))
                found.update((str(sid), int(v)) for sid, v in conn.execute(q))
        return found

    def last_position(self) -> int:
        return self.head()[0]

    def verify(self, stream_id: str | None = None, expected_head: tuple[int, str] | None = None) -> VerificationReport:
        """Walk the hash chains (one stream, or all of them and the log) and report the first
        broken link; see `events.verify`."""
        with self._translated():
            return verify_chains(self.engine, stream_id, expected_head)

    def head(self) -> tuple[int, str]:
        """(last position, running log hash): the anchor an auditor can keep outside the database
        and later compare with `verify(expected_head=...)`."""
        with self._translated(), self.engine.connect() as conn:
            row = conn.execute(_HEAD).one()
        return int(row.position), str(row.hash)


def request_fingerprint(stream_id: str, expected_version: int, encoded: Sequence[_Encoded]) -> str:
    """What makes two appends "the same request" for idempotency."""
    body = orjson.dumps([stream_id, expected_version, [[t, v, p, d.isoformat()] for t, v, p, d, _ in encoded]])
    return hashlib.sha256(body).hexdigest()


# The columns of an event row as `_chained_rows` makes them (the order of `sql.insert_event`).
_POSITION, _VERSION, _TYPE, _SCHEMA_VERSION, _PREV, _DIGEST = 0, 2, 3, 4, 10, 11


def _recorded_now(head_recorded_at: Any, sqlite: bool) -> tuple[dt.datetime, str, Any]:
    """The recording time of an append: now, but never before the log's last one (even if the clock
    went back), so "as recorded at T" is a prefix of the log. Returns it as a datetime, as the text
    the hash covers, and as the database stores it."""
    recorded_at = _utcnow()
    if head_recorded_at is not None:
        if sqlite:
            head_recorded_at = _datetime_from_text(head_recorded_at)
        if recorded_at < head_recorded_at:
            recorded_at = head_recorded_at
    return recorded_at, format_recorded_at(recorded_at), _sqlite_datetime(recorded_at) if sqlite else recorded_at


def _chained_rows(
    stream_id: str,
    encoded: Sequence[tuple[str, int, str, dt.date, Any]],
    *,
    prev: str,
    position: int,
    version: int,
    recorded_text: str,
    stored_recorded_at: Any,
    meta_text: str,
    idempotency_key: str | None,
    sqlite: bool,
) -> list[tuple[Any, ...]]:
    """The rows of one stream's new events after `position` and `version`, each hashed onto the one
    before it (the stream's SHA-256 chain, starting from `prev`)."""
    rows: list[tuple[Any, ...]] = []
    for event_type, schema_version, payload, occurred_on, _event in encoded:
        position += 1
        version += 1
        occurred_text = occurred_on.isoformat()
        digest = event_hash_text(
            prev,
            position,
            stream_id,
            version,
            event_type,
            schema_version,
            occurred_text,
            recorded_text,
            meta_text,
            payload,
        )
        rows.append(
            (
                position,
                stream_id,
                version,
                event_type,
                schema_version,
                payload,
                meta_text,
                occurred_text if sqlite else occurred_on,
                stored_recorded_at,
                idempotency_key,
                prev,
                digest,
            )
        )
        prev = digest
    return rows
