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

The write path
--------------
`append` and `append_many` share one: encode the events, then in one transaction on the store's
append engine (`events.db.append_engine`, without the pool's pre-ping) take the log lock, read the
streams' heads (and the idempotency key), check the versions, chain the hashes, write the rows
and hand the listener the events written. Its SQL, and why it runs on the driver's cursor, is in
`events.sql`; the rows and their codec are in `events.rows`. An `append` goes through the group
commit (`events.group`): the appends waiting beside it share its transaction and its commit, each
in a savepoint of its own and decided after the lock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError, ProgrammingError

from events import db, schema, sql
from events.append import (
    IdempotencyKey,
    LogWriter,
    StreamClash,
    StreamPart,
    encode_part,
    replayed,
    request_fingerprint,
)
from events.db import append_engine, is_sqlite, write_connection
from events.errors import ConcurrencyError, EventStoreError, SchemaNotReady, StoreBusy
from events.group import GroupCommit, GroupContext, Waiter, write_group
from events.model import AppendResult, EventMetadata, EventRegistry, NewEvent, RecordedEvent
from events.rows import EventRow, decode_rows, recording_time, stored_datetime
from events.verify import VerificationReport
from events.verify import verify as verify_chains
from events.writer_lock import WriterLock, lock_path

# Called inside the append transaction with the events just written, before commit: this is how
# read models that must show a command's effect at once are kept current in the same transaction.
AppendListener = Callable[[Connection, Sequence[RecordedEvent]], None]
_T = TypeVar("_T")


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


@dataclass(frozen=True, slots=True)
class StreamAppend:
    """One stream's part of `EventStore.append_many`: its events, the version the writer read and
    the metadata of the command that decided them."""

    stream_id: str
    events: Sequence[NewEvent]
    expected_version: int
    metadata: EventMetadata


class EventStore:
    def __init__(self, engine: Engine, registry: EventRegistry, *, page_size: int = 2000) -> None:
        self.engine = engine
        self.registry = registry
        self.page_size = page_size
        self._writer = append_engine(engine)
        self._sqlite = is_sqlite(engine)
        # SQLite: writers queue here for the file's one write lock rather than in SQLite's busy
        # handler (see `events.writer_lock`).
        self._local_writers: AbstractContextManager[Any] = (
            WriterLock(lock_path(engine.url.database), db.SQLITE_BUSY_TIMEOUT_S) if self._sqlite else nullcontext()
        )
        self._sql = sql.statements(self._sqlite, engine.dialect.paramstyle)
        dbapi = engine.dialect.loaded_dbapi
        self._log = LogWriter(self._sql, self._sqlite, sql.batching(dbapi), dbapi.IntegrityError)
        self._group = GroupCommit(self._write_group)
        # The clock looked up at each call (tests move it).
        self._group_context = GroupContext(self._log, self._sqlite, self._translated_error, lambda: _utcnow())
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
        part = encode_part(self.registry, stream_id, new_events, expected_version, metadata)
        key = None
        if idempotency_key is not None:
            if fingerprint is None:
                fingerprint = request_fingerprint(stream_id, expected_version, part.encoded)
            key = IdempotencyKey(idempotency_key, fingerprint)
        try:
            # Through the group commit, sharing a transaction with the appends waiting beside it.
            return self._group.submit(Waiter(part, key, listener))
        except StreamClash as clash:
            # Under the log lock the version check is authoritative, so a clash here means a
            # writer that bypassed the store; report it as the concurrency error it is.
            actual = self.stream_version(stream_id)
            raise ConcurrencyError(stream_id, expected_version, actual) from clash.__cause__

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
        parts: list[StreamPart] = []
        for part in appends:
            if not part.events:
                raise ValueError(f"append_many: no events for stream {part.stream_id}")
            parts.append(encode_part(self.registry, part.stream_id, part.events, part.expected_version, part.metadata))
        try:
            return self._transaction(lambda conn: self._append_locked(conn, parts, listener))
        except StreamClash as clash:
            raise EventStoreError(
                "append_many: a stream was written meanwhile without the store's lock; nothing was written"
            ) from clash.__cause__

    def _transaction(self, work: Callable[[Connection], _T]) -> _T:
        """Run `work` in one write transaction. The connection is checked out without the pool's
        pre-ping (a round trip on PostgreSQL): if it turns out dead before the COMMIT was sent, the
        server has rolled the transaction back, and the whole write runs once more on a new
        connection. A failure at or after the COMMIT is never retried: whether it committed is
        unknown."""
        for attempt in (1, 2):
            dbapi_conn: Any = None
            committing = False
            try:
                with self._local_writers, write_connection(self._writer) as conn, conn.begin():
                    dbapi_conn = conn.connection.dbapi_connection
                    done = work(conn)
                    committing = True
                return done
            except self._db_errors as exc:
                if attempt == 1 and not committing and self._connection_lost(exc, dbapi_conn):
                    continue
                raise self._translate_operational(exc) from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def _write_group(self, group: list[Waiter]) -> list[AppendResult | BaseException]:
        return self._transaction(lambda conn: write_group(self._group_context, conn, group))

    def _translated_error(self, exc: Exception) -> Exception:
        if isinstance(exc, self._db_errors):
            translated = self._translate_operational(exc)
            translated.__cause__ = exc
            return translated
        return exc

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
        self, conn: Connection, parts: list[StreamPart], listener: AppendListener | None
    ) -> list[AppendResult]:
        """The write under the log lock: lock, read the streams' heads, check, chain, write; then
        the listener, on the same connection and transaction."""
        log = self._log
        dbapi_conn = conn.connection.dbapi_connection
        assert dbapi_conn is not None
        cur = dbapi_conn.cursor()
        try:
            if len(parts) == 1:
                head, heads, _ = log.lock_and_read_one(dbapi_conn, cur, parts[0].stream_id, None)
                assert head is not None  # taken with the lock
            else:
                head, heads = log.lock_and_read_many(cur, parts)
            # Never before the log's last recording time, even if the clock went back, so "as
            # recorded at T" is a prefix of the log.
            recorded = recording_time(_utcnow(), head[2], self._sqlite)
            existed = set(heads)
            chained = log.chain(parts, heads, head, recorded, listener is not None)
            log.write(dbapi_conn, cur, chained, heads, existed, None, recorded)
        finally:
            cur.close()
        if listener is not None:
            listener(conn, chained.written)
        return chained.results

    def find_idempotent(self, key: str, fingerprint: str) -> AppendResult | None:
        """The result of the append already made with `key`, if any. Raises IdempotencyKeyReused if
        that append was a different request. Lets a command handler answer a retry before it
        re-decides anything."""
        with self._translated(), self.engine.connect() as conn:
            row = conn.execute(sql.KEY, {"key": key}).one_or_none()
        return None if row is None else replayed(key, fingerprint, row)

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

    def read_stream(
        self,
        stream_id: str,
        *,
        to_version: int | None = None,
        recorded_until: dt.datetime | None = None,
    ) -> Iterator[RecordedEvent]:
        """The stream's events in version order, streamed page by page (keyset on version).
        `to_version` stops at that version; `recorded_until` keeps only what had been recorded by
        then (what the system knew at T). Events are decoded one at a time as they are taken."""
        text = self._sql.stream_page(to_version is not None, recorded_until is not None)
        bounds: list[Any] = []
        if to_version is not None:
            bounds.append(to_version)
        if recorded_until is not None:
            bounds.append(stored_datetime(recorded_until, self._sqlite))
        size = self.page_size
        last = 0
        while True:
            with self._cursor() as cur:
                cur.execute(text, (stream_id, last, *bounds, size))
                rows = cur.fetchall()
            if rows:
                yield from decode_rows(rows, self.registry, self._sqlite)
            if len(rows) < size:
                return
            last = EventRow._make(rows[-1]).version

    def read_all(
        self,
        after_position: int = 0,
        *,
        page_size: int | None = None,
        to_position: int | None = None,
    ) -> Iterator[RecordedEvent]:
        """Every event after `after_position` in position order, fetched page by page (keyset on
        position, one short query per page), so memory stays bounded however long the log.
        Events are decoded one at a time as they are taken, so a follower keeps no page of decoded
        events alive."""
        for rows in self._row_pages(after_position, page_size or self.page_size, to_position):
            yield from decode_rows(rows, self.registry, self._sqlite)

    def read_pages(
        self,
        after_position: int = 0,
        *,
        page_size: int | None = None,
        to_position: int | None = None,
    ) -> Iterator[list[RecordedEvent]]:
        """`read_all` a page at a time, each page a list of decoded events."""
        for rows in self._row_pages(after_position, page_size or self.page_size, to_position):
            yield list(decode_rows(rows, self.registry, self._sqlite))

    def _row_pages(self, after_position: int, size: int, to_position: int | None) -> Iterator[list[Any]]:
        if size < 1:
            raise ValueError("page_size must be >= 1")
        statements = self._sql
        last = after_position
        while True:
            with self._cursor() as cur:
                if to_position is None:
                    cur.execute(statements.page, (last, size))
                else:
                    cur.execute(statements.page_to, (last, to_position, size))
                rows = cur.fetchall()
            if not rows:
                return
            yield rows
            if len(rows) < size:
                return
            last = EventRow._make(rows[-1]).position

    def stream_version(self, stream_id: str) -> int:
        with self._translated(), self.engine.connect() as conn:
            v = conn.execute(sql.STREAM_VERSION, {"stream_id": stream_id}).scalar_one_or_none()
        return int(v or 0)

    def stream_versions(self, stream_ids: Sequence[str]) -> dict[str, int]:
        """The current version of each of `stream_ids` that exists (absent ones are left out): one
        query per 500 ids, for bulk work that must know which streams are new."""
        st = schema.streams.c
        found: dict[str, int] = {}
        ids = list(dict.fromkeys(stream_ids))
        step = sql.STREAMS_PER_QUERY
        with self._translated(), self.engine.connect() as conn:
            for i in range(0, len(ids), step):
                q = sa.select(st.stream_id, st.version).where(sql.one_of(st.stream_id, ids[i : i + step], self._sqlite))
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
            row = conn.execute(sql.HEAD).one()
        return int(row.position), str(row.hash)
