"""Group commit (events.group), on both databases: appends queued behind a held leader form one
group, and each is still decided, failed and answered on its own."""

from __future__ import annotations

import multiprocessing as mp
import signal
from collections.abc import Sequence
from typing import Any

import pytest

from events import AppendResult, ConcurrencyError, EventStore, IdempotencyKeyReused, RecordedEvent
from tests.integration.group_support import HeldLeader, killed_mid_group, one_group, queued
from tests.integration.support import META, notes, store_for
from tests.integration.test_concurrency import assert_log_is_whole


def append(store: EventStore, stream: str, text: str, expected: int, **kwargs: Any) -> Any:
    return lambda: store.append(stream, notes(text), expected_version=expected, metadata=META, **kwargs)


def test_a_group_decides_each_append_on_the_state_the_earlier_ones_leave(store: EventStore) -> None:
    outcomes = one_group(
        store,
        "leader",
        [
            append(store, "org-a", "a1", 0),
            append(store, "org-a", "a2 on a1", 1),
            append(store, "org-a", "a2 again: stale", 1),
            append(store, "org-b", "b1", 0),
            append(store, "org-a", "a3", 2),
        ],
    )
    assert [o.last_version if isinstance(o, AppendResult) else o for o in outcomes[:2]] == [1, 2]
    assert isinstance(outcomes[2], ConcurrencyError)
    assert (outcomes[2].expected_version, outcomes[2].actual_version) == (1, 2)
    assert outcomes[3].last_version == 1 and outcomes[4].last_version == 3
    # Positions follow the order of the group, the failed one taking none.
    assert [o.first_position for o in (outcomes[0], outcomes[1], outcomes[3], outcomes[4])] == [2, 3, 4, 5]
    assert [r.event.text for r in store.read_stream("org-a")] == ["a1", "a2 on a1", "a3"]
    assert_log_is_whole(store)


def test_a_failing_listener_fails_its_append_alone(store: EventStore) -> None:
    seen: list[str] = []

    def record(_conn: Any, recorded: Sequence[RecordedEvent]) -> None:
        seen.extend(r.stream_id for r in recorded)

    def refuse(conn: Any, recorded: Sequence[RecordedEvent]) -> None:
        # Writes something of its own first: the savepoint must take it back with the events.
        conn.exec_driver_sql("UPDATE streams SET version = 99 WHERE stream_id = 'org-a'")
        raise RuntimeError("the read model refused")

    outcomes = one_group(
        store,
        "leader",
        [
            append(store, "org-a", "a1", 0, listener=record),
            append(store, "org-b", "b1", 0, listener=refuse),
            append(store, "org-b", "b1 after the refused one", 0, listener=record),
            append(store, "org-a", "a2", 1, listener=record),
        ],
    )
    assert isinstance(outcomes[1], RuntimeError)
    assert [o.last_position for o in (outcomes[0], outcomes[2], outcomes[3])] == [2, 3, 4]
    assert seen == ["org-a", "org-b", "org-a"]
    assert store.stream_version("org-a") == 2
    assert [r.event.text for r in store.read_stream("org-b")] == ["b1 after the refused one"]
    assert_log_is_whole(store)


def test_a_listener_failing_in_the_database_fails_its_append_alone(store: EventStore) -> None:
    """A statement of the listener's own that the database refuses (on PostgreSQL the transaction
    is then aborted until the savepoint is rolled back)."""

    def clash(conn: Any, _recorded: Sequence[RecordedEvent]) -> None:
        conn.exec_driver_sql("INSERT INTO streams (stream_id, version, head_hash) VALUES ('org-a', 1, 'x')")

    outcomes = one_group(
        store,
        "leader",
        [
            append(store, "org-a", "a1", 0),
            append(store, "org-b", "b1", 0, listener=clash),
            append(store, "org-a", "a2", 1),
        ],
    )
    assert isinstance(outcomes[1], Exception) and not isinstance(outcomes[1], AppendResult)
    assert [o.last_position for o in (outcomes[0], outcomes[2])] == [2, 3]
    assert store.stream_version("org-b") == 0
    assert_log_is_whole(store)


def test_idempotency_keys_within_one_group(store: EventStore) -> None:
    outcomes = one_group(
        store,
        "leader",
        [
            append(store, "org-a", "a1", 0, idempotency_key="k1"),
            append(store, "org-a", "a1", 0, idempotency_key="k1"),  # the same request, repeated
            append(store, "org-a", "something else", 0, idempotency_key="k1"),
            append(store, "org-b", "b1", 0, idempotency_key="k2"),
        ],
    )
    first, repeat, reused, other = outcomes
    assert not first.replayed and repeat.replayed
    assert (repeat.first_position, repeat.last_version) == (first.first_position, first.last_version)
    assert isinstance(reused, IdempotencyKeyReused)
    assert other.last_version == 1
    # Repeated after the group too, and once more as a lone append.
    again = store.append("org-a", notes("a1"), expected_version=0, metadata=META, idempotency_key="k1")
    assert again.replayed and again.first_position == first.first_position
    assert [r.event.text for r in store.read_stream("org-a")] == ["a1"]
    assert_log_is_whole(store)


def test_racing_threads_on_one_stream_each_answered_after_the_commit(store: EventStore) -> None:
    """Many appends at once, each retrying its conflicts: every one answered written is in the log
    at the version it was told, and the log is whole."""
    import threading

    results: list[AppendResult] = []
    lock = threading.Lock()

    def writer(i: int) -> None:
        for n in range(5):
            while True:
                try:
                    version = store.stream_version("shared")
                    done = store.append("shared", notes(f"w{i}-{n}"), expected_version=version, metadata=META)
                except ConcurrencyError:
                    continue
                with lock:
                    results.append(done)
                break

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    by_version = {r.version: r.position for r in store.read_stream("shared")}
    assert sorted(r.last_version for r in results) == list(range(1, 61))
    assert all(by_version[r.last_version] == r.last_position for r in results)
    assert queued(store) == 0
    assert_log_is_whole(store)


def test_a_lone_append_does_not_wait(store: EventStore) -> None:
    """With nobody else writing, an append leads its own group of one, and its listener's failure
    fails it as before (the transaction rolled back, the error raised)."""

    def refuse(_conn: Any, _recorded: Sequence[RecordedEvent]) -> None:
        raise RuntimeError("no")

    with pytest.raises(RuntimeError):
        store.append("org-a", notes("a1"), expected_version=0, metadata=META, listener=refuse)
    assert store.append("org-a", notes("a1"), expected_version=0, metadata=META).last_position == 1
    with pytest.raises(ConcurrencyError):
        store.append("org-a", notes("stale"), expected_version=0, metadata=META)
    held = HeldLeader(store, "org-b")
    held.release()
    assert held.outcome.last_position == 2
    assert_log_is_whole(store)


def test_a_process_killed_mid_group_leaves_nothing_of_the_group(db_url: str) -> None:
    store = store_for(db_url)
    try:
        store.append("before", notes("kept"), expected_version=0, metadata=META)
        child = mp.get_context("spawn").Process(target=killed_mid_group, args=(db_url, 6, 4))
        child.start()
        child.join(120)
        assert child.exitcode == -signal.SIGKILL
        # The group's first four parts were written (its fifth's listener killed the process)
        # and the leader's one committed before: only those before the group are in the log.
        streams = {r.stream_id for r in store.read_all()}
        assert streams == {"before", "leader"}
        assert store.append("part-0", notes("after"), expected_version=0, metadata=META).last_position == 3
        assert_log_is_whole(store)
    finally:
        store.engine.dispose()
