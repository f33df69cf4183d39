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
after the lock is taken, so two appends with the same expected version cannot both pass it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

from events import schema
from events.db import is_sqlite, write_connection
from events.errors import (
    ConcurrencyError,
    EventStoreError,
    IdempotencyKeyReused,
    SchemaNotReady,
    StoreBusy,
)
from events.hashing import event_hash, log_hash
from events.model import AppendResult, EventMetadata, EventRegistry, NewEvent, RecordedEvent
from events.verify import VerificationReport
from events.verify import verify as verify_chains

# Called inside the append transaction with the events just written, before commit: this is how
# read models that must show a command's effect at once are kept current in the same transaction.
AppendListener = Callable[[Connection, Sequence[RecordedEvent]], None]

# (event type, schema version, payload JSON, business date, the event itself)
_Encoded = tuple[str, int, str, dt.date, Any]

_COLUMNS = (
    schema.events.c.position,
    schema.events.c.stream_id,
    schema.events.c.version,
    schema.events.c.event_type,
    schema.events.c.schema_version,
    schema.events.c.payload,
    schema.events.c.metadata,
    schema.events.c.occurred_on,
    schema.events.c.recorded_at,
    schema.events.c.hash,
    schema.events.c.prev_hash,
)


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _as_utc(ts: dt.datetime) -> dt.datetime:
    return ts.replace(tzinfo=dt.UTC) if ts.tzinfo is None else ts.astimezone(dt.UTC)


def _naive_utc(ts: dt.datetime) -> dt.datetime:
    return ts if ts.tzinfo is None else ts.astimezone(dt.UTC).replace(tzinfo=None)


class EventStore:
    def __init__(self, engine: Engine, registry: EventRegistry, *, page_size: int = 2000) -> None:
        self.engine = engine
        self.registry = registry
        self.page_size = page_size
        self._sqlite = is_sqlite(engine)

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
        of the stream, expected version and events) raises IdempotencyKeyReused."""
        if not new_events:
            raise ValueError("append needs at least one event")
        if expected_version < 0:
            raise ValueError("expected_version must be >= 0 (0 for a new stream)")
        encoded: list[_Encoded] = []
        for new in new_events:
            ev = new.event
            if ev.event_type not in self.registry:
                # Refuse now rather than write something no reader can decode.
                raise EventStoreError(f"event type {ev.event_type!r} is not registered with the store")
            encoded.append((ev.event_type, ev.schema_version, self.registry.encode(ev), new.occurred_on, ev))
        meta_text = metadata.model_dump_json(exclude_none=True)
        if idempotency_key is not None and fingerprint is None:
            fingerprint = request_fingerprint(stream_id, expected_version, encoded)

        try:
            with write_connection(self.engine) as conn, conn.begin():
                return self._append_locked(
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
        except IntegrityError as exc:
            # Under the log lock the version check is authoritative, so a clash here means a writer
            # that bypassed the store; report it as the concurrency error it is.
            actual = self.stream_version(stream_id)
            raise ConcurrencyError(stream_id, expected_version, actual) from exc
        except OperationalError as exc:
            raise self._translate_operational(exc) from exc
        except ProgrammingError as exc:
            raise self._translate_operational(exc) from exc

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
        head = conn.execute(
            sa.select(schema.log_head.c.position, schema.log_head.c.hash, schema.log_head.c.recorded_at)
            .where(schema.log_head.c.id == 1)
            .with_for_update()
        ).one_or_none()
        if head is None:
            raise SchemaNotReady("the event log is not initialised: run `unionflow db upgrade`")

        if idempotency_key is not None:
            done = self._lookup_key(conn, idempotency_key, fingerprint)
            if done is not None:
                conn.rollback()
                return done

        current = conn.execute(
            sa.select(schema.streams.c.version, schema.streams.c.head_hash).where(
                schema.streams.c.stream_id == stream_id
            )
        ).one_or_none()
        actual_version = current.version if current is not None else 0
        if actual_version != expected_version:
            raise ConcurrencyError(stream_id, expected_version, actual_version)

        # recorded_at never goes backwards along the log, even if the clock does, so "as recorded
        # at T" is a prefix of the log.
        recorded_at = _utcnow()
        if head.recorded_at is not None and recorded_at < head.recorded_at:
            recorded_at = head.recorded_at
        prev = current.head_hash if current is not None else schema.GENESIS_HASH
        running = head.hash
        position = head.position
        rows: list[dict[str, Any]] = []
        for i, (event_type, schema_version, payload, occurred_on, _event) in enumerate(encoded):
            position += 1
            version = expected_version + i + 1
            digest = event_hash(
                prev,
                position,
                stream_id,
                version,
                event_type,
                schema_version,
                occurred_on,
                recorded_at,
                meta_text,
                payload,
            )
            rows.append(
                {
                    "position": position,
                    "stream_id": stream_id,
                    "version": version,
                    "event_type": event_type,
                    "schema_version": schema_version,
                    "payload": payload,
                    "metadata": meta_text,
                    "occurred_on": occurred_on,
                    "recorded_at": recorded_at,
                    "idempotency_key": idempotency_key,
                    "prev_hash": prev,
                    "hash": digest,
                }
            )
            running = log_hash(running, digest)
            prev = digest

        conn.execute(sa.insert(schema.events), rows)
        last_version = expected_version + len(rows)
        if current is None:
            conn.execute(sa.insert(schema.streams).values(stream_id=stream_id, version=last_version, head_hash=prev))
        else:
            conn.execute(
                sa.update(schema.streams)
                .where(schema.streams.c.stream_id == stream_id)
                .values(version=last_version, head_hash=prev)
            )
        conn.execute(
            sa.update(schema.log_head)
            .where(schema.log_head.c.id == 1)
            .values(position=position, hash=running, recorded_at=recorded_at)
        )
        result = AppendResult(
            stream_id=stream_id,
            first_version=expected_version + 1,
            last_version=last_version,
            first_position=rows[0]["position"],
            last_position=position,
        )
        if idempotency_key is not None:
            assert fingerprint is not None
            conn.execute(
                sa.insert(schema.idempotency_keys).values(
                    key=idempotency_key,
                    fingerprint=fingerprint,
                    stream_id=stream_id,
                    first_version=result.first_version,
                    last_version=result.last_version,
                    first_position=result.first_position,
                    last_position=result.last_position,
                )
            )
        if listener is not None:
            recorded_at_utc = _as_utc(recorded_at)
            listener(
                conn,
                [
                    RecordedEvent(
                        position=row["position"],
                        stream_id=stream_id,
                        version=row["version"],
                        event_type=row["event_type"],
                        schema_version=row["schema_version"],
                        event=new,
                        metadata=metadata,
                        occurred_on=row["occurred_on"],
                        recorded_at=recorded_at_utc,
                        hash=row["hash"],
                        prev_hash=row["prev_hash"],
                    )
                    for row, (*_, new) in zip(rows, encoded, strict=True)
                ],
            )
        return result

    def find_idempotent(self, key: str, fingerprint: str) -> AppendResult | None:
        """The result of the append already made with `key`, if any. Raises IdempotencyKeyReused if
        that append was a different request. Lets a command handler answer a retry before it
        re-decides anything."""
        with self.engine.connect() as conn:
            return self._lookup_key(conn, key, fingerprint)

    @staticmethod
    def _lookup_key(conn: Connection, key: str, fingerprint: str | None) -> AppendResult | None:
        row = conn.execute(sa.select(schema.idempotency_keys).where(schema.idempotency_keys.c.key == key)).one_or_none()
        if row is None:
            return None
        if fingerprint is not None and row.fingerprint != fingerprint:
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

    def _decode(self, row: Any) -> RecordedEvent:
        return RecordedEvent(
            position=row[0],
            stream_id=row[1],
            version=row[2],
            event_type=row[3],
            schema_version=row[4],
            event=self.registry.decode(row[3], row[4], row[5]),
            metadata=EventMetadata.model_validate_json(row[6]),
            occurred_on=row[7],
            recorded_at=_as_utc(row[8]),
            hash=row[9],
            prev_hash=row[10],
        )

    def read_stream(
        self,
        stream_id: str,
        *,
        to_version: int | None = None,
        recorded_until: dt.datetime | None = None,
    ) -> Iterator[RecordedEvent]:
        """The stream's events in version order, streamed. `to_version` stops at that version;
        `recorded_until` keeps only what had been recorded by then (what the system knew at T)."""
        q = sa.select(*_COLUMNS).where(schema.events.c.stream_id == stream_id)
        if to_version is not None:
            q = q.where(schema.events.c.version <= to_version)
        if recorded_until is not None:
            q = q.where(schema.events.c.recorded_at <= _naive_utc(recorded_until))
        q = q.order_by(schema.events.c.version)
        try:
            with self.engine.connect() as conn:
                for row in conn.execution_options(yield_per=self.page_size).execute(q):
                    yield self._decode(row)
        except (OperationalError, ProgrammingError) as exc:
            raise self._translate_operational(exc) from exc

    def read_all(
        self,
        after_position: int = 0,
        *,
        page_size: int | None = None,
        to_position: int | None = None,
    ) -> Iterator[RecordedEvent]:
        """Every event after `after_position` in position order, fetched page by page (keyset on
        position, one short query per page), so memory stays bounded however long the log."""
        for page in self.read_pages(after_position, page_size=page_size, to_position=to_position):
            yield from page

    def read_pages(
        self,
        after_position: int = 0,
        *,
        page_size: int | None = None,
        to_position: int | None = None,
    ) -> Iterator[list[RecordedEvent]]:
        size = page_size or self.page_size
        last = after_position
        decode = self._decode
        while True:
            q = sa.select(*_COLUMNS).where(schema.events.c.position > last)
            if to_position is not None:
                q = q.where(schema.events.c.position <= to_position)
            q = q.order_by(schema.events.c.position).limit(size)
            try:
                with self.engine.connect() as conn:
                    rows = conn.execute(q).all()
            except (OperationalError, ProgrammingError) as exc:
                raise self._translate_operational(exc) from exc
            if not rows:
                return
            page = [decode(r) for r in rows]
            yield page
            last = page[-1].position
            if len(rows) < size:
                return

    def stream_version(self, stream_id: str) -> int:
        with self.engine.connect() as conn:
            v = conn.execute(
                sa.select(schema.streams.c.version).where(schema.streams.c.stream_id == stream_id)
            ).scalar_one_or_none()
        return int(v or 0)

    def last_position(self) -> int:
        with self.engine.connect() as conn:
            v = conn.execute(sa.select(schema.log_head.c.position).where(schema.log_head.c.id == 1)).scalar()
        return int(v or 0)

    def verify(self, stream_id: str | None = None, expected_head: tuple[int, str] | None = None) -> VerificationReport:
        """Walk the hash chains (one stream, or all of them and the log) and report the first
        broken link; see `events.verify`."""
        return verify_chains(self.engine, stream_id, expected_head)

    def head(self) -> tuple[int, str]:
        """(last position, running log hash): the anchor an auditor can keep outside the database
        and later compare with `verify(expected_head=...)`."""
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(schema.log_head.c.position, schema.log_head.c.hash).where(schema.log_head.c.id == 1)
            ).one()
        return int(row.position), str(row.hash)


def request_fingerprint(stream_id: str, expected_version: int, encoded: Sequence[_Encoded]) -> str:
    """What makes two appends "the same request" for idempotency."""
    body = orjson.dumps([stream_id, expected_version, [[t, v, p, d.isoformat()] for t, v, p, d, _ in encoded]])
    return hashlib.sha256(body).hexdigest()
