"""Tamper evidence: each test edits the tables behind the store's back, with plain SQL, and `verify`
must name the first broken link: its kind, stream and version (or position, for the log)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa

from events import EventStore, schema
from events.hashing import event_hash, log_hash
from events.verify import _stored_row_hash as stored_row_hash
from tests.integration.support import META, notes

ev = schema.events.c

# The log the tests tamper with: (stream, number of events) per append, in order.
#   position: 1  2  3  4  5  6  7  8  9  10 11 12
#   stream:   a  a  b  a  c  c  b  a  a  c  b  d
#   version:  1  2  1  3  1  2  2  4  5  3  3  1
LAYOUT = [("org-a", 2), ("org-b", 1), ("org-a", 1), ("org-c", 2), ("org-b", 1), ("org-a", 2), ("org-c", 1)]
LAYOUT += [("org-b", 1), ("org-d", 1)]


@dataclass
class Log:
    store: EventStore
    engine: sa.Engine
    anchors: dict[int, tuple[int, str]]  # position -> head() after the append that ended there

    def verify(self, stream_id: str | None = None, anchor_at: int | None = None) -> Any:
        expected_head = self.anchors[anchor_at] if anchor_at is not None else None
        return self.store.verify(stream_id, expected_head=expected_head).broken


@pytest.fixture
def log(store: EventStore, engine: sa.Engine) -> Log:
    versions: dict[str, int] = {}
    anchors: dict[int, tuple[int, str]] = {}
    for stream, n in LAYOUT:
        v = versions.get(stream, 0)
        store.append(stream, notes(*(f"{stream} v{v + i + 1}" for i in range(n))), expected_version=v, metadata=META)
        versions[stream] = v + n
        head = store.head()
        anchors[head[0]] = head
    assert store.verify().ok
    return Log(store, engine, anchors)


# ---------------------------------------------------------------------- raw edits


def run(engine: sa.Engine, *statements: Any) -> None:
    with engine.begin() as conn:
        for statement in statements:
            conn.execute(sa.text(statement) if isinstance(statement, str) else statement)


def at(stream: str, version: int) -> Any:
    return sa.and_(ev.stream_id == stream, ev.version == version)


def row(engine: sa.Engine, stream: str, version: int) -> Any:
    with engine.connect() as conn:
        return conn.execute(sa.select(schema.events).where(at(stream, version))).one()


def forged(engine: sa.Engine, stream: str, version: int, position: int, prev_hash: str, text: str) -> dict[str, Any]:
    """A row written by someone who knows how the hashes are made: its own hash is right."""
    template = row(engine, "org-a", 1)
    values = {
        "position": position,
        "stream_id": stream,
        "version": version,
        "event_type": "Noted",
        "schema_version": 1,
        "payload": f'{{"text":"{text}"}}',
        "metadata": template.metadata,
        "occurred_on": template.occurred_on,
        "recorded_at": template.recorded_at,
        "idempotency_key": None,
        "prev_hash": prev_hash,
    }
    values["hash"] = event_hash(
        prev_hash,
        position,
        stream,
        version,
        "Noted",
        1,
        values["occurred_on"],
        values["recorded_at"],
        values["metadata"],
        values["payload"],
    )
    return values


def fix_registry(engine: sa.Engine) -> None:
    """Make the streams registry agree with whatever events are left."""
    with engine.begin() as conn:
        for (stream,) in conn.execute(sa.select(schema.streams.c.stream_id)).all():
            last = conn.execute(
                sa.select(ev.version, ev.hash).where(ev.stream_id == stream).order_by(ev.version.desc()).limit(1)
            ).one_or_none()
            if last is None:
                conn.execute(sa.delete(schema.streams).where(schema.streams.c.stream_id == stream))
            else:
                conn.execute(
                    sa.update(schema.streams)
                    .where(schema.streams.c.stream_id == stream)
                    .values(version=last.version, head_hash=last.hash)
                )


def rechain(engine: sa.Engine) -> None:
    """Recompute every hash, the registry and the log head from the rows as they now are: what an
    owner of the database who knows the scheme can do."""
    with engine.begin() as conn:
        prev: dict[str, str] = {}
        running = schema.GENESIS_HASH
        last = 0
        for r in conn.execute(sa.select(schema.events).order_by(ev.position)).all():
            p = prev.get(r.stream_id, schema.GENESIS_HASH)
            h = stored_row_hash(r, p)  # the scheme, as the verifier applies it
            conn.execute(sa.update(schema.events).where(ev.position == r.position).values(prev_hash=p, hash=h))
            prev[r.stream_id] = h
            running = log_hash(running, h)
            last = r.position
        conn.execute(sa.update(schema.log_head).values(position=last, hash=running))
    fix_registry(engine)


# ---------------------------------------------------------------------- single-stream damage


def edit_payload(log: Log) -> None:
    run(log.engine, sa.update(schema.events).where(at("org-a", 3)).values(payload='{"text":"org-a v3, amended"}'))


def edit_metadata(log: Log) -> None:
    run(
        log.engine,
        sa.update(schema.events).where(at("org-b", 2)).values(metadata='{"actor_id":"someone-else","role":"chair"}'),
    )


def edit_business_date(log: Log) -> None:
    run(log.engine, "UPDATE events SET occurred_on = '2020-01-01' WHERE stream_id = 'org-c' AND version = 2")


def edit_position(log: Log) -> None:
    run(log.engine, "UPDATE events SET position = 100 WHERE stream_id = 'org-d' AND version = 1")


def delete_middle_event(log: Log) -> None:
    run(log.engine, sa.delete(schema.events).where(at("org-a", 3)))


def delete_first_event(log: Log) -> None:
    run(log.engine, sa.delete(schema.events).where(at("org-a", 1)))


def insert_event_in_the_middle(log: Log) -> None:
    """Make room after org-a v2 and slip in a well-hashed v3."""
    for v in (5, 4, 3):
        run(log.engine, sa.update(schema.events).where(at("org-a", v)).values(version=v + 1))
    v2 = row(log.engine, "org-a", 2)
    run(log.engine, sa.insert(schema.events).values(**forged(log.engine, "org-a", 3, 13, v2.hash, "slipped in")))


def insert_event_at_the_end(log: Log) -> None:
    v5 = row(log.engine, "org-a", 5)
    run(log.engine, sa.insert(schema.events).values(**forged(log.engine, "org-a", 6, 13, v5.hash, "added")))


def reorder_events(log: Log) -> None:
    run(
        log.engine,
        sa.update(schema.events).where(at("org-a", 2)).values(version=-1),
        sa.update(schema.events).where(at("org-a", 3)).values(version=2),
        sa.update(schema.events).where(at("org-a", -1)).values(version=3),
    )


def delete_stream_events(log: Log) -> None:
    run(log.engine, "DELETE FROM events WHERE stream_id = 'org-b'")


def truncate_stream(log: Log) -> None:
    run(log.engine, sa.delete(schema.events).where(at("org-a", 5)))


def truncate_log(log: Log) -> None:
    run(log.engine, "DELETE FROM events WHERE position > 8")


STREAM_CASES: list[tuple[Callable[[Log], None], str, str, int | None]] = [
    (edit_payload, "edited", "org-a", 3),
    (edit_metadata, "edited", "org-b", 2),
    (edit_business_date, "edited", "org-c", 2),
    (edit_position, "edited", "org-d", 1),
    (delete_middle_event, "version-gap", "org-a", 4),
    (delete_first_event, "version-gap", "org-a", 2),
    (insert_event_in_the_middle, "chain-broken", "org-a", 4),
    (insert_event_at_the_end, "chain-broken", "org-a", 6),
    (reorder_events, "chain-broken", "org-a", 2),
    (delete_stream_events, "missing-stream", "org-b", None),
    (truncate_stream, "truncated", "org-a", 5),
    # Cutting the log's tail cuts the tails of the streams in it; the first stream (by id) names it.
    (truncate_log, "truncated", "org-a", 5),
]


@pytest.mark.parametrize(
    ("tamper", "kind", "stream_id", "version"), STREAM_CASES, ids=lambda c: getattr(c, "__name__", None)
)
def test_stream_damage_is_named(
    log: Log, tamper: Callable[[Log], None], kind: str, stream_id: str, version: int | None
) -> None:
    tamper(log)
    whole = log.verify()
    assert whole is not None, "verify passed a tampered log"
    assert (whole.kind, whole.stream_id, whole.version) == (kind, stream_id, version), str(whole)
    one = log.verify(stream_id)
    assert one is not None
    assert (one.kind, one.stream_id, one.version) == (kind, stream_id, version), str(one)
    # The other streams are intact.
    for other in {"org-a", "org-b", "org-c", "org-d"} - {stream_id}:
        if tamper is not truncate_log:
            assert log.verify(other) is None, other


# ---------------------------------------------------------------------- whole-log damage


def test_deleting_a_whole_stream_with_its_registry_row_leaves_a_gap_in_the_log(log: Log) -> None:
    run(log.engine, "DELETE FROM events WHERE stream_id = 'org-b'", "DELETE FROM streams WHERE stream_id = 'org-b'")
    broken = log.verify()
    assert broken is not None
    # org-b's first event was at position 3; what was there cannot be named any more.
    assert (broken.kind, broken.stream_id, broken.version, broken.position) == ("position-gap", None, None, 3)
    assert "3..3" in broken.detail and "org-a version 3" in broken.detail
    one = log.verify("org-b")
    assert one is not None and (one.kind, one.stream_id) == ("missing-stream", "org-b")


def test_deleting_the_last_stream_with_its_registry_row_breaks_the_log_head(log: Log) -> None:
    run(log.engine, "DELETE FROM events WHERE stream_id = 'org-d'", "DELETE FROM streams WHERE stream_id = 'org-d'")
    broken = log.verify()
    assert broken is not None
    assert (broken.kind, broken.stream_id, broken.position) == ("log-head", None, 12)


def test_an_event_added_with_its_registry_updated_breaks_the_log_head(log: Log) -> None:
    insert_event_at_the_end(log)
    fix_registry(log.engine)
    broken = log.verify()
    assert broken is not None
    assert broken.kind == "log-head"
    assert "position 13 but its head says 12" in broken.detail


def test_an_event_of_an_unregistered_stream_is_an_orphan(log: Log) -> None:
    run(log.engine, sa.insert(schema.events).values(**forged(log.engine, "org-z", 1, 13, schema.GENESIS_HASH, "who?")))
    broken = log.verify()
    assert broken is not None
    assert (broken.kind, broken.stream_id, broken.version, broken.position) == ("orphan", "org-z", 1, 13)
    one = log.verify("org-z")
    assert one is not None and (one.kind, one.stream_id) == ("orphan", "org-z")


def test_cutting_the_log_tail_and_fixing_the_registry_breaks_the_log_head(log: Log) -> None:
    truncate_log(log)
    fix_registry(log.engine)
    broken = log.verify()
    assert broken is not None
    assert (broken.kind, broken.position) == ("log-head", 9)


def test_cutting_the_log_tail_and_rewriting_the_head_is_caught_by_the_anchor(log: Log) -> None:
    truncate_log(log)
    rechain(log.engine)  # registry and log head now agree with the shortened log
    assert log.verify() is None
    broken = log.verify(anchor_at=12)
    assert broken is not None
    assert (broken.kind, broken.position) == ("log-head", 9)
    # An anchor from before the cut still matches: the history up to it is intact.
    assert log.verify(anchor_at=6) is None


def test_rewriting_history_consistently_is_caught_by_the_anchor(log: Log) -> None:
    run(log.engine, sa.update(schema.events).where(at("org-a", 1)).values(payload='{"text":"rewritten"}'))
    rechain(log.engine)
    assert log.verify() is None  # consistent in itself
    broken = log.verify(anchor_at=12)
    assert broken is not None
    assert (broken.kind, broken.position) == ("log-head", 12)
    broken = log.verify(anchor_at=2)
    assert broken is not None
    assert (broken.kind, broken.position) == ("log-head", 2)


def test_a_wrong_anchor_is_reported(log: Log) -> None:
    assert log.verify(anchor_at=12) is None
    assert log.verify(anchor_at=6) is None
    broken = log.store.verify(expected_head=(6, "0" * 64)).broken
    assert broken is not None
    assert (broken.kind, broken.position) == ("log-head", 6)
    broken = log.store.verify(expected_head=(40, log.anchors[12][1])).broken
    assert broken is not None
    assert (broken.kind, broken.position) == ("log-head", 13)


def test_verify_reports_what_it_checked(log: Log) -> None:
    report = log.store.verify()
    assert report.ok
    assert (report.streams_checked, report.events_checked) == (4, 12)
    assert (report.head_position, report.head_hash) == log.anchors[12]
    one = log.store.verify("org-a")
    assert one.ok and (one.streams_checked, one.events_checked) == (1, 5)
    missing = log.store.verify("org-nope").broken
    assert missing is not None and (missing.kind, missing.stream_id) == ("missing-stream", "org-nope")
