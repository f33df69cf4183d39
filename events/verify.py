"""Walk the hash chains and report the first broken link.

Two passes, both streamed with bounded memory:
1. per stream (streams registry joined to their events, page by page): versions 1..N without gaps,
   each `prev_hash` equal to the previous event's hash, each hash recomputed from the stored
   content, and the last event equal to the registry's version and head hash. This names the
   stream and version of an edited payload or metadata, a deleted, inserted or reordered event,
   a truncated tail, or a stream whose events were all deleted.
2. the whole log in position order: positions 1..N without gaps, every event belonging to a
   registered stream, and the running log hash equal to `log_head`. This catches a whole stream
   deleted together with its registry row, and the log's tail cut off.

A database owner who rewrites every hash, the registry and the log head can forge a consistent
history; what defeats that is keeping the log head (`EventStore.head()`, also in every audit
bundle's manifest) somewhere else and passing it back as `expected_head`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from events import schema
from events.hashing import event_hash, log_hash
from events.rows import EventRow

_PAGE = 1000


def log_place(stream_id: str | None, version: int | None) -> list[str]:
    """Where a break is in the log, as the store's and the bundle's checks both name it: its
    stream and version, those known."""
    where = [] if stream_id is None else [f"stream {stream_id}"]
    return where if version is None else [*where, f"version {version}"]


@dataclass(frozen=True)
class BrokenLink:
    kind: str  # edited | chain-broken | version-gap | missing-stream | truncated | orphan | position-gap | log-head
    detail: str
    stream_id: str | None = None
    version: int | None = None
    position: int | None = None

    def __str__(self) -> str:
        where = log_place(self.stream_id, self.version)
        if self.position is not None:
            where.append(f"position {self.position}")
        return f"{self.kind} at {', '.join(where) or 'log'}: {self.detail}"


@dataclass
class VerificationReport:
    streams_checked: int = 0
    events_checked: int = 0
    broken: BrokenLink | None = None
    head_position: int = 0
    head_hash: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.broken is None


def _stored_row_hash(r: Any, prev_hash: str) -> str:
    return event_hash(
        prev_hash,
        r.position,
        r.stream_id,
        r.version,
        r.event_type,
        r.schema_version,
        r.occurred_on,
        r.recorded_at,
        r.metadata,
        r.payload,
    )


def check_stream_chain(
    stream_id: str, rows: Iterable[Any], registered: tuple[int, str] | None
) -> tuple[int, BrokenLink | None]:
    """Check one stream's rows (in version order) against its registry entry (version, head hash).
    Returns the number of events checked and the first broken link, if any."""
    expected_version = 1
    prev = schema.GENESIS_HASH
    count = 0
    for r in rows:
        count += 1
        broken = _broken_link(stream_id, r, expected_version, prev)
        if broken is not None:
            return count, broken
        prev = r.hash
        expected_version += 1
    return count, _head_mismatch(stream_id, count, expected_version - 1, prev, registered)


def _broken_link(stream_id: str, r: Any, expected_version: int, prev: str) -> BrokenLink | None:
    """What is wrong with row `r`, expected at `expected_version` after an event hashed `prev`."""
    if r.version != expected_version:
        kind = "version-gap" if r.version > expected_version else "chain-broken"
        return BrokenLink(
            kind,
            f"expected version {expected_version}, found {r.version} (an event was deleted, inserted or reordered)",
            stream_id,
            r.version,
            r.position,
        )
    if r.prev_hash != prev:
        return BrokenLink(
            "chain-broken",
            "prev_hash does not match the previous event's hash "
            "(an event before it was deleted, inserted, edited or reordered)",
            stream_id,
            r.version,
            r.position,
        )
    if _stored_row_hash(r, prev) != r.hash:
        return BrokenLink(
            "edited",
            "the stored content (payload, metadata, type, dates or position) does not match its hash",
            stream_id,
            r.version,
            r.position,
        )
    if r.procedure_id != _payload_procedure_id(r.payload):
        # Not hashed (it is the payload's own field, stored beside it for the read side), so checked
        # against the hashed payload: an edit here would misfile the event in the read models.
        return BrokenLink(
            "edited",
            "the stored procedure_id column does not match the event's payload",
            stream_id,
            r.version,
            r.position,
        )
    return None


def _payload_procedure_id(payload: str | bytes) -> str | None:
    # orjson writes keys unescaped: without this text the payload has no such key.
    if isinstance(payload, bytes) and b'"procedure_id"' not in payload:
        return None
    if isinstance(payload, str) and '"procedure_id"' not in payload:
        return None
    value = orjson.loads(payload).get("procedure_id")
    return value if isinstance(value, str) else None


def _head_mismatch(
    stream_id: str, count: int, last_version: int, last_hash: str, registered: tuple[int, str] | None
) -> BrokenLink | None:
    """How a sound chain of `count` events disagrees with the stream's registry entry, if it does."""
    if registered is None:
        if count:
            return BrokenLink("orphan", "events exist for a stream the registry does not know", stream_id, 1)
        return None
    reg_version, reg_hash = registered
    if count == 0:
        return BrokenLink(
            "missing-stream",
            f"the registry says version {reg_version} but the stream has no events",
            stream_id,
        )
    if last_version < reg_version:
        return BrokenLink(
            "truncated",
            f"the stream ends at version {last_version} but the registry says {reg_version}",
            stream_id,
            last_version + 1,
        )
    if last_version > reg_version or last_hash != reg_hash:
        return BrokenLink(
            "chain-broken",
            f"the stream's last event (version {last_version}) does not match the registry's head "
            f"(version {reg_version})",
            stream_id,
            last_version,
        )
    return None


# An event row's columns, named as `EventRow` names them.
_EVENT_COLS = tuple(schema.events.c[name] for name in EventRow._fields)


def verify(
    engine: Engine, stream_id: str | None = None, expected_head: tuple[int, str] | None = None
) -> VerificationReport:
    """Check one stream, or every stream and then the whole log, in one read-only snapshot of the
    database, so appends made meanwhile can neither show up half-way nor pass for tampering."""
    report = VerificationReport()
    with _snapshot(engine) as conn:
        head = conn.execute(sa.select(schema.log_head).where(schema.log_head.c.id == 1)).one()
        report.head_position, report.head_hash = int(head.position), str(head.hash)
        if stream_id is not None:
            _verify_one(conn, stream_id, report)
            return report
        _verify_streams(conn, report)
        if report.broken is None:
            _verify_log(conn, report, expected_head)
    return report


@contextmanager
def _snapshot(engine: Engine) -> Iterator[Connection]:
    """A connection inside one transaction that sees a single snapshot throughout: REPEATABLE READ
    on PostgreSQL; on SQLite (WAL) a read transaction keeps the snapshot of its first read."""
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin() as tx:
            yield conn
            tx.rollback()  # read only: nothing to commit


def _verify_one(conn: Connection, stream_id: str, report: VerificationReport) -> None:
    reg = conn.execute(
        sa.select(schema.streams.c.version, schema.streams.c.head_hash).where(schema.streams.c.stream_id == stream_id)
    ).one_or_none()
    rows = conn.execution_options(yield_per=_PAGE).execute(
        sa.select(*_EVENT_COLS).where(schema.events.c.stream_id == stream_id).order_by(schema.events.c.version)
    )
    count, broken = check_stream_chain(stream_id, rows, (reg.version, reg.head_hash) if reg else None)
    rows.close()
    report.streams_checked = 1
    report.events_checked = count
    if reg is None and count == 0:
        report.broken = BrokenLink("missing-stream", "no such stream", stream_id)
    else:
        report.broken = broken


def _stream_pages(conn: Connection) -> Iterator[list[Any]]:
    last = ""
    while True:
        page = list(
            conn.execute(
                sa.select(schema.streams.c.stream_id, schema.streams.c.version, schema.streams.c.head_hash)
                .where(schema.streams.c.stream_id > last)
                .order_by(schema.streams.c.stream_id)
                .limit(_PAGE)
            )
        )
        if not page:
            return
        yield page
        last = page[-1].stream_id


def _verify_streams(conn: Connection, report: VerificationReport) -> None:
    for page in _stream_pages(conn):
        ids = [s.stream_id for s in page]
        rows = conn.execute(
            sa.select(*_EVENT_COLS)
            .where(schema.events.c.stream_id.in_(ids))
            .order_by(schema.events.c.stream_id, schema.events.c.version)
        ).all()
        by_stream: dict[str, list[Any]] = {}
        for r in rows:
            by_stream.setdefault(r.stream_id, []).append(r)
        for s in page:
            count, broken = check_stream_chain(s.stream_id, by_stream.get(s.stream_id, []), (s.version, s.head_hash))
            report.streams_checked += 1
            report.events_checked += count
            if broken:
                report.broken = broken
                return


def _verify_log(conn: Connection, report: VerificationReport, expected_head: tuple[int, str] | None = None) -> None:
    anchor = expected_head if expected_head is not None else (0, "")
    report.broken = _first_orphan(conn) or _walk_log(conn, report, anchor)


def _first_orphan(conn: Connection) -> BrokenLink | None:
    """The first event of a stream the registry does not know."""
    orphan = conn.execute(
        sa.select(schema.events.c.stream_id, schema.events.c.version, schema.events.c.position)
        .select_from(schema.events.outerjoin(schema.streams, schema.events.c.stream_id == schema.streams.c.stream_id))
        .where(schema.streams.c.stream_id.is_(None))
        .order_by(schema.events.c.position)
        .limit(1)
    ).one_or_none()
    if orphan is None:
        return None
    return BrokenLink(
        "orphan",
        "events exist for a stream the registry does not know (inserted)",
        orphan.stream_id,
        orphan.version,
        orphan.position,
    )


def _log_pages(conn: Connection) -> Iterator[Sequence[Any]]:
    """(position, stream_id, version, hash) of every event in position order, a page at a time."""
    ev = schema.events.c
    last = 0
    while True:
        rows = conn.execute(
            sa.select(ev.position, ev.stream_id, ev.version, ev.hash)
            .where(ev.position > last)
            .order_by(ev.position)
            .limit(_PAGE * 10)
        ).all()
        if not rows:
            return
        yield rows
        last = rows[-1].position


def _walk_log(conn: Connection, report: VerificationReport, anchor: tuple[int, str]) -> BrokenLink | None:
    """Positions 1..N without gaps, and the running hash equal to the log head's and, at the
    anchor's position, to the anchor's."""
    anchor_position, anchor_hash = anchor
    running = schema.GENESIS_HASH
    expected_position = 1
    for rows in _log_pages(conn):
        for r in rows:
            if r.position != expected_position:
                # What was there is gone, stream and all: name the gap, and what follows it.
                return BrokenLink(
                    "position-gap",
                    f"positions {expected_position}..{r.position - 1} are missing from the log, before "
                    f"{r.stream_id} version {r.version} (events or whole streams deleted)",
                    position=expected_position,
                )
            running = log_hash(running, r.hash)
            if anchor_position == r.position and running != anchor_hash:
                return BrokenLink(
                    "log-head",
                    f"the log up to position {r.position} no longer matches the anchor kept outside "
                    "the database (history before it was rewritten)",
                    position=r.position,
                )
            expected_position += 1
    last_position = expected_position - 1
    if last_position != report.head_position or running != report.head_hash:
        return BrokenLink(
            "log-head",
            f"the log ends at position {last_position} but its head says {report.head_position}, or the "
            "running hash differs (the log's tail was cut off or rewritten)",
            position=last_position + 1,
        )
    if anchor_position > last_position:
        return BrokenLink(
            "log-head",
            f"the log ends at position {last_position} but the anchor kept outside says {anchor_position} "
            "(the log's tail was cut off)",
            position=last_position + 1,
        )
    return None
