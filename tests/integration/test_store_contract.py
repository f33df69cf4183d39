"""The event store's contract, the same on SQLite and PostgreSQL: appending, versions, atomicity,
idempotency (reading is in test_store_reads)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import ClassVar

import pytest
import sqlalchemy as sa

from events import (
    ConcurrencyError,
    DomainEvent,
    EventMetadata,
    EventStore,
    EventStoreError,
    IdempotencyKeyReused,
    NewEvent,
    RecordedEvent,
)
from tests.integration.support import (
    DAY,
    META,
    event_count,
    execute,
    fetch,
    note,
    notes,
    texts,
)

# ---------------------------------------------------------------------- append and versions


def test_append_assigns_versions_per_stream_and_positions_across_the_log(store: EventStore) -> None:
    first = store.append("org-a", notes("a1", "a2"), expected_version=0, metadata=META)
    second = store.append("org-b", notes("b1"), expected_version=0, metadata=META)
    third = store.append("org-a", notes("a3"), expected_version=2, metadata=META)

    assert (first.first_version, first.last_version, first.first_position, first.last_position) == (1, 2, 1, 2)
    assert (second.first_version, second.last_version, second.first_position, second.last_position) == (1, 1, 3, 3)
    assert (third.first_version, third.last_version, third.first_position, third.last_position) == (3, 3, 4, 4)
    assert not (first.replayed or second.replayed or third.replayed)

    a = list(store.read_stream("org-a"))
    assert [(r.version, r.position) for r in a] == [(1, 1), (2, 2), (3, 4)]
    assert texts(a) == ["a1", "a2", "a3"]
    assert {r.stream_id for r in a} == {"org-a"}
    assert [r.event_type for r in a] == ["Noted"] * 3
    assert [r.schema_version for r in a] == [1, 1, 1]
    assert store.stream_version("org-a") == 3
    assert store.stream_version("org-b") == 1
    assert store.stream_version("org-none") == 0
    assert store.last_position() == 4
    assert store.head()[0] == 4
    assert [(r.stream_id, r.version) for r in store.read_all()] == [
        ("org-a", 1),
        ("org-a", 2),
        ("org-b", 1),
        ("org-a", 3),
    ]
    assert store.verify().ok


def test_hash_chain_links_each_event_to_the_previous_one_in_its_stream(store: EventStore) -> None:
    store.append("org-a", notes("a1"), expected_version=0, metadata=META)
    store.append("org-b", notes("b1"), expected_version=0, metadata=META)
    store.append("org-a", notes("a2", "a3"), expected_version=1, metadata=META)
    a = list(store.read_stream("org-a"))
    assert a[0].prev_hash == "0" * 64
    assert [r.prev_hash for r in a[1:]] == [r.hash for r in a[:-1]]
    assert len({r.hash for r in store.read_all()}) == 4


def test_wrong_expected_version_says_both_versions_and_writes_nothing(store: EventStore, engine: sa.Engine) -> None:
    store.append("org-a", notes("a1", "a2"), expected_version=0, metadata=META)
    head = store.head()

    with pytest.raises(ConcurrencyError) as behind:
        store.append("org-a", notes("late"), expected_version=1, metadata=META)
    assert (behind.value.stream_id, behind.value.expected_version, behind.value.actual_version) == ("org-a", 1, 2)
    assert "version 2" in str(behind.value) and "expected 1" in str(behind.value)

    with pytest.raises(ConcurrencyError) as ahead:
        store.append("org-a", notes("early"), expected_version=5, metadata=META)
    assert (ahead.value.expected_version, ahead.value.actual_version) == (5, 2)

    with pytest.raises(ConcurrencyError) as existing:
        store.append("org-a", notes("again"), expected_version=0, metadata=META)
    assert (existing.value.expected_version, existing.value.actual_version) == (0, 2)

    assert store.head() == head
    assert event_count(engine) == 2
    assert texts(list(store.read_stream("org-a"))) == ["a1", "a2"]


def test_a_new_stream_expects_version_zero(store: EventStore) -> None:
    with pytest.raises(ConcurrencyError) as exc:
        store.append("org-new", notes("x"), expected_version=1, metadata=META)
    assert (exc.value.expected_version, exc.value.actual_version) == (1, 0)
    assert store.stream_version("org-new") == 0
    assert store.append("org-new", notes("x"), expected_version=0, metadata=META).last_version == 1


def test_bad_arguments_are_refused_before_touching_the_database(store: EventStore) -> None:
    with pytest.raises(ValueError):
        store.append("org-a", [], expected_version=0, metadata=META)
    with pytest.raises(ValueError):
        store.append("org-a", notes("x"), expected_version=-1, metadata=META)
    assert store.last_position() == 0


def test_appending_an_unregistered_type_is_refused(store: EventStore, engine: sa.Engine) -> None:
    class Unregistered(DomainEvent):
        event_type: ClassVar[str] = "NotInTheRegistry"
        text: str

    with pytest.raises(EventStoreError, match="NotInTheRegistry"):
        store.append(
            "org-a",
            [note("fine"), NewEvent(Unregistered(text="x"), DAY)],
            expected_version=0,
            metadata=META,
        )
    assert event_count(engine) == 0
    assert store.stream_version("org-a") == 0


# ---------------------------------------------------------------------- all or nothing


def test_listener_runs_in_the_append_transaction_and_its_failure_writes_nothing(
    store: EventStore, engine: sa.Engine
) -> None:
    execute(engine, "CREATE TABLE probe (position BIGINT PRIMARY KEY, seen_in_tx INTEGER NOT NULL)")
    store.append("org-a", notes("a1"), expected_version=0, metadata=META)
    head = store.head()
    seen: list[RecordedEvent] = []

    def failing(conn: sa.Connection, events: Sequence[RecordedEvent]) -> None:
        seen.extend(events)
        # The listener's connection is the append's: it sees the uncommitted events.
        in_tx = conn.execute(sa.text("SELECT count(*) FROM events")).scalar_one()
        for e in events:
            conn.execute(sa.text("INSERT INTO probe VALUES (:p, :n)"), {"p": e.position, "n": in_tx})
        raise RuntimeError("read model refused")

    with pytest.raises(RuntimeError, match="read model refused"):
        store.append("org-a", notes("a2", "a3"), expected_version=1, metadata=META, listener=failing)
    assert [(e.version, e.position) for e in seen] == [(2, 2), (3, 3)]
    assert store.head() == head
    assert store.stream_version("org-a") == 1
    assert event_count(engine) == 1
    assert fetch(engine, "SELECT * FROM probe") == []
    assert store.verify().ok

    def working(conn: sa.Connection, events: Sequence[RecordedEvent]) -> None:
        in_tx = conn.execute(sa.text("SELECT count(*) FROM events")).scalar_one()
        for e in events:
            conn.execute(sa.text("INSERT INTO probe VALUES (:p, :n)"), {"p": e.position, "n": in_tx})

    result = store.append("org-a", notes("a2", "a3"), expected_version=1, metadata=META, listener=working)
    # The positions the failed append had taken were given back with its rollback.
    assert (result.first_position, result.last_position) == (2, 3)
    assert [tuple(r) for r in fetch(engine, "SELECT position, seen_in_tx FROM probe ORDER BY position")] == [
        (2, 3),
        (3, 3),
    ]
    assert store.verify().ok


def test_listener_gets_the_events_as_they_will_read_back(store: EventStore) -> None:
    got: list[RecordedEvent] = []
    meta = EventMetadata(actor_id="p-7", role="chair", acting_org="org-a", command_id="c-1")
    store.append(
        "org-a",
        notes("a1", "a2"),
        expected_version=0,
        metadata=meta,
        listener=lambda _conn, events: got.extend(events),
    )
    assert got == list(store.read_stream("org-a"))


def test_a_batch_the_database_rejects_leaves_the_stream_unchanged(store: EventStore, engine: sa.Engine) -> None:
    """A row written behind the store's back (here at version 4 of the stream) makes the third
    event of the batch violate (stream_id, version) uniqueness: none of the batch is written."""
    store.append("org-a", notes("a1", "a2"), expected_version=0, metadata=META)
    head = store.head()
    execute(
        engine,
        "INSERT INTO events (position, stream_id, version, event_type, schema_version, payload, metadata, "
        "occurred_on, recorded_at, prev_hash, hash) VALUES (1000, 'org-a', 4, 'Noted', 1, '{\"text\":\"rogue\"}', "
        "'{}', :day, :at, :h, :h)",
        day=DAY,
        at=dt.datetime(2024, 5, 20, 12, 0),
        h="f" * 64,
    )

    with pytest.raises(ConcurrencyError):
        store.append("org-a", notes("a3", "a4", "a5"), expected_version=2, metadata=META)
    assert store.head() == head
    assert store.stream_version("org-a") == 2
    assert [tuple(r) for r in fetch(engine, "SELECT version, position FROM events ORDER BY position")] == [
        (1, 1),
        (2, 2),
        (4, 1000),
    ]

    execute(engine, "DELETE FROM events WHERE position = 1000")
    result = store.append("org-a", notes("a3", "a4", "a5"), expected_version=2, metadata=META)
    assert (result.first_position, result.last_position) == (3, 5)
    assert store.verify().ok


# ---------------------------------------------------------------------- idempotency


def test_same_idempotency_key_returns_the_first_result_and_writes_nothing(store: EventStore, engine: sa.Engine) -> None:
    first = store.append("org-a", notes("a1", "a2"), expected_version=0, metadata=META, idempotency_key="k-1")
    head = store.head()
    # A retry after a timeout: the caller does not know the append happened, so it sends the
    # same request again, with the expected version it had then.
    again = store.append("org-a", notes("a1", "a2"), expected_version=0, metadata=META, idempotency_key="k-1")
    assert again.replayed and not first.replayed
    assert (again.stream_id, again.first_version, again.last_version, again.first_position, again.last_position) == (
        first.stream_id,
        first.first_version,
        first.last_version,
        first.first_position,
        first.last_position,
    )
    assert store.head() == head
    assert event_count(engine) == 2
    # The key is stored with the events it produced.
    assert [tuple(r) for r in fetch(engine, "SELECT version, idempotency_key FROM events ORDER BY position")] == [
        (1, "k-1"),
        (2, "k-1"),
    ]


def test_same_idempotency_key_for_a_different_request_is_refused(store: EventStore, engine: sa.Engine) -> None:
    store.append("org-a", notes("a1"), expected_version=0, metadata=META, idempotency_key="k-1")
    for stream, events, expected in (
        ("org-a", notes("other"), 0),
        ("org-a", notes("a1"), 1),
        ("org-b", notes("a1"), 0),
        ("org-a", [note("a1", DAY + dt.timedelta(days=1))], 0),
    ):
        with pytest.raises(IdempotencyKeyReused) as exc:
            store.append(stream, events, expected_version=expected, metadata=META, idempotency_key="k-1")
        assert exc.value.key == "k-1" and exc.value.stream_id == "org-a"
        assert "k-1" in str(exc.value)
    assert event_count(engine) == 1


def test_a_caller_fingerprint_defines_what_the_same_request_is(store: EventStore) -> None:
    first = store.append(
        "org-a", notes("decided at 10:00"), expected_version=0, metadata=META, idempotency_key="k", fingerprint="cmd-1"
    )
    # The command handler re-decided and produced other events, but it is the same command.
    again = store.append(
        "org-a", notes("decided at 10:01"), expected_version=0, metadata=META, idempotency_key="k", fingerprint="cmd-1"
    )
    assert again.replayed and again.last_position == first.last_position
    with pytest.raises(IdempotencyKeyReused):
        store.append("org-a", notes("x"), expected_version=1, metadata=META, idempotency_key="k", fingerprint="cmd-2")


def test_find_idempotent_answers_a_retry_before_deciding(store: EventStore) -> None:
    assert store.find_idempotent("k-1", "fp") is None
    first = store.append(
        "org-a", notes("a1"), expected_version=0, metadata=META, idempotency_key="k-1", fingerprint="fp"
    )
    found = store.find_idempotent("k-1", "fp")
    assert found is not None and found.replayed
    assert (found.first_position, found.last_position, found.last_version) == (
        first.first_position,
        first.last_position,
        first.last_version,
    )
    with pytest.raises(IdempotencyKeyReused):
        store.find_idempotent("k-1", "other-fp")


def test_idempotency_key_is_stored_in_the_events_transaction(store: EventStore) -> None:
    """An append that fails keeps no key, so retrying it writes; an append that succeeded keeps
    its key, so retrying it does not."""

    def boom(_conn: sa.Connection, _events: Sequence[RecordedEvent]) -> None:
        raise RuntimeError("crash before commit")

    with pytest.raises(RuntimeError):
        store.append("org-a", notes("a1"), expected_version=0, metadata=META, idempotency_key="k-1", listener=boom)
    assert store.find_idempotent("k-1", "anything") is None
    retried = store.append("org-a", notes("a1"), expected_version=0, metadata=META, idempotency_key="k-1")
    assert not retried.replayed and retried.last_version == 1
    assert store.append("org-a", notes("a1"), expected_version=0, metadata=META, idempotency_key="k-1").replayed
