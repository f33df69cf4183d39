"""The event store's contract on reading, the same on SQLite and PostgreSQL: a stream (to a version,
as recorded at a time, page by page), the whole log, recording times, types and metadata."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

import pytest
import sqlalchemy as sa

from events import (
    DomainEvent,
    EventMetadata,
    EventRegistry,
    EventStore,
    NewEvent,
    SchemaNotReady,
    UnknownEventType,
)
from events import store as store_module
from tests.integration.support import (
    DAY,
    META,
    REG,
    MembersCounted,
    Noted,
    execute,
    note,
    notes,
    texts,
)

# ---------------------------------------------------------------------- reading a stream


def test_read_stream_to_a_version(store: EventStore) -> None:
    store.append("org-a", notes("a1", "a2", "a3"), expected_version=0, metadata=META)
    store.append("org-b", notes("b1"), expected_version=0, metadata=META)
    store.append("org-a", notes("a4"), expected_version=3, metadata=META)
    assert texts(list(store.read_stream("org-a", to_version=2))) == ["a1", "a2"]
    assert texts(list(store.read_stream("org-a", to_version=4))) == ["a1", "a2", "a3", "a4"]
    assert texts(list(store.read_stream("org-a", to_version=99))) == ["a1", "a2", "a3", "a4"]
    assert list(store.read_stream("org-a", to_version=0)) == []
    assert list(store.read_stream("org-missing")) == []


def test_read_stream_as_recorded_at_a_time(store: EventStore) -> None:
    store.append("org-a", notes("a1", "a2"), expected_version=0, metadata=META)
    store.append("org-a", notes("a3"), expected_version=2, metadata=META)
    # Recorded later, but about a fact from long before (backdated business date).
    store.append("org-a", [note("late entry", dt.date(2001, 1, 1))], expected_version=3, metadata=META)
    a1, a2, a3, late = store.read_stream("org-a")
    assert a1.recorded_at == a2.recorded_at < a3.recorded_at < late.recorded_at
    assert late.occurred_on < a1.occurred_on

    def known_at(t: dt.datetime) -> list[str]:
        return texts(list(store.read_stream("org-a", recorded_until=t)))

    assert known_at(a1.recorded_at - dt.timedelta(microseconds=1)) == []
    assert known_at(a1.recorded_at) == ["a1", "a2"]
    assert known_at(a3.recorded_at) == ["a1", "a2", "a3"]
    assert known_at(late.recorded_at - dt.timedelta(microseconds=1)) == ["a1", "a2", "a3"]
    assert known_at(late.recorded_at) == ["a1", "a2", "a3", "late entry"]
    # The same instant in another time zone, and as a naive UTC time.
    beijing = dt.timezone(dt.timedelta(hours=8))
    assert known_at(a3.recorded_at.astimezone(beijing)) == ["a1", "a2", "a3"]
    assert known_at(a3.recorded_at.replace(tzinfo=None)) == ["a1", "a2", "a3"]
    # Both bounds together.
    assert texts(list(store.read_stream("org-a", to_version=1, recorded_until=late.recorded_at))) == ["a1"]


def test_read_stream_pages_through_a_long_stream(engine: sa.Engine) -> None:
    store = EventStore(engine, REG, page_size=3)
    for i in range(10):
        store.append("org-a", notes(f"a{i}"), expected_version=i, metadata=META)
        store.append(f"org-other-{i}", notes("x"), expected_version=0, metadata=META)
    assert texts(list(store.read_stream("org-a"))) == [f"a{i}" for i in range(10)]
    assert [r.version for r in store.read_stream("org-a")] == list(range(1, 11))
    assert [r.version for r in store.read_stream("org-a", to_version=7)] == list(range(1, 8))
    assert [r.version for r in store.read_stream("org-a", to_version=6)] == list(range(1, 7))
    sixth = list(store.read_stream("org-a"))[5]
    assert [r.version for r in store.read_stream("org-a", recorded_until=sixth.recorded_at)] == list(range(1, 7))


# ---------------------------------------------------------------------- reading the log


def test_read_all_pages_across_page_boundaries(store: EventStore) -> None:
    for i in range(25):
        store.append(f"org-{i % 4}", notes(f"e{i}"), expected_version=i // 4, metadata=META)
    everything = list(store.read_all())
    assert [r.position for r in everything] == list(range(1, 26))
    assert texts(everything) == [f"e{i}" for i in range(25)]
    for size in (1, 4, 5, 24, 25, 26):
        assert list(store.read_all(page_size=size)) == everything
    assert [r.position for r in store.read_all(after_position=10, page_size=4)] == list(range(11, 26))
    assert [r.position for r in store.read_all(after_position=10, page_size=4, to_position=17)] == list(range(11, 18))
    assert list(store.read_all(after_position=25)) == []
    assert [len(p) for p in store.read_pages(page_size=4)] == [4, 4, 4, 4, 4, 4, 1]
    assert [len(p) for p in store.read_pages(page_size=5)] == [5, 5, 5, 5, 5]
    assert [len(p) for p in store.read_pages(after_position=3, page_size=10, to_position=20)] == [10, 7]
    assert [r for page in store.read_pages(page_size=4) for r in page] == everything


def test_read_all_is_lazy(store: EventStore) -> None:
    for i in range(6):
        store.append("org-a", notes(f"e{i}"), expected_version=i, metadata=META)
    it = store.read_all(page_size=2)
    assert next(it).position == 1
    # Appends made while a reader is part-way through show up in its later pages.
    store.append("org-b", notes("new"), expected_version=0, metadata=META)
    assert [r.position for r in it] == [2, 3, 4, 5, 6, 7]


# ---------------------------------------------------------------------- recording time


def test_recorded_at_is_set_by_the_store_in_utc_and_never_goes_back(
    store: EventStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = dt.datetime.now(dt.UTC)
    store.append("org-a", notes("a1", "a2"), expected_version=0, metadata=META)
    store.append("org-b", [note("b1", dt.date(1999, 12, 31))], expected_version=0, metadata=META)
    after = dt.datetime.now(dt.UTC)
    recorded = [r.recorded_at for r in store.read_all()]
    assert all(t.utcoffset() == dt.timedelta(0) for t in recorded)
    assert all(before <= t <= after for t in recorded)

    # The clock jumps back an hour: recording times still do not decrease along the log.
    real_now = store_module._utcnow
    monkeypatch.setattr(store_module, "_utcnow", lambda: real_now() - dt.timedelta(hours=1))
    store.append("org-a", notes("a3"), expected_version=2, metadata=META)
    recorded = [r.recorded_at for r in store.read_all()]
    assert recorded == sorted(recorded)
    assert recorded[-1] == recorded[-2]
    assert store.verify().ok


# ---------------------------------------------------------------------- types and metadata


def test_unknown_event_type_on_read_names_it(engine: sa.Engine) -> None:
    class Secret(DomainEvent):
        event_type: ClassVar[str] = "SecretBallotCast"
        ballot: str

    writer_registry = EventRegistry()
    writer_registry.include(REG)
    writer_registry.register(Secret)
    writer = EventStore(engine, writer_registry)
    writer.append("org-a", notes("a1"), expected_version=0, metadata=META)
    writer.append("org-a", [NewEvent(Secret(ballot="x"), DAY)], expected_version=1, metadata=META)

    reader = EventStore(engine, REG)
    with pytest.raises(UnknownEventType, match="SecretBallotCast") as exc:
        list(reader.read_stream("org-a"))
    assert (exc.value.event_type, exc.value.schema_version) == ("SecretBallotCast", 1)
    with pytest.raises(UnknownEventType, match="SecretBallotCast"):
        list(reader.read_all())
    # What precedes it is readable.
    assert texts(list(reader.read_stream("org-a", to_version=1))) == ["a1"]


def test_a_stored_version_newer_than_the_code_is_refused_on_read(store: EventStore, engine: sa.Engine) -> None:
    store.append("org-a", notes("a1"), expected_version=0, metadata=META)
    execute(engine, "UPDATE events SET schema_version = 7")
    with pytest.raises(UnknownEventType, match="v7"):
        list(store.read_all())


def test_payload_and_metadata_round_trip(store: EventStore) -> None:
    full = EventMetadata(
        actor_id="张伟",
        role="上级工会工作人员",
        acting_org="org-上海市总工会",
        command_id="cmd-1",
        correlation_id="corr-1",
        causation_id="cause-1",
    )
    minimal = EventMetadata(actor_id="p-1", role="staff")
    counted = MembersCounted(
        union_id="org-a",
        count=57,
        counted_on=dt.date(2024, 2, 29),
        names=["李娜", "王芳", 'quote " \\ \n'],
        remark=None,
    )
    store.append("org-a", [NewEvent(counted, dt.date(2024, 3, 1))], expected_version=0, metadata=full)
    store.append("org-a", notes("plain"), expected_version=1, metadata=minimal)
    store.append("org-b", notes("b"), expected_version=0, metadata=full)
    first, second, third = store.read_all()
    assert first.event == counted and isinstance(first.event, MembersCounted)
    assert first.metadata == full
    assert first.occurred_on == dt.date(2024, 3, 1)
    assert second.metadata == minimal
    assert second.event == Noted(text="plain")
    assert third.metadata == full
    assert list(store.read_stream("org-a")) == [first, second]


def test_a_database_without_the_schema_says_so(store: EventStore, engine: sa.Engine) -> None:
    for table in ("idempotency_keys", "log_head", "streams", "events"):
        execute(engine, f"DROP TABLE {table}")
    with pytest.raises(SchemaNotReady):
        store.append("org-a", notes("a1"), expected_version=0, metadata=META)
    with pytest.raises(SchemaNotReady):
        list(store.read_all())
    with pytest.raises(SchemaNotReady):
        list(store.read_stream("org-a"))


def test_stream_versions_answers_for_the_streams_that_exist_in_chunks_of_ids(
    store: EventStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The import's "which rows are new" lookup: absent ids left out, repeats and odd ids
    harmless, across more ids than one query takes."""
    monkeypatch.setattr(store_module.sql, "STREAMS_PER_QUERY", 3)
    for i, n in enumerate((1, 2, 3, 1), start=1):
        store.append(f"S{i}", notes(*["x"] * n), expected_version=0, metadata=META)
    asked = ["S4", "S1", "nope", "S1", "S2", "'; drop table events; --", "S3", "工会-1", "", "S9"]
    assert store.stream_versions(asked) == {"S1": 1, "S2": 2, "S3": 3, "S4": 1}
    assert store.stream_versions([]) == {}
