"""Writers racing for real: threads (both databases) and processes (PostgreSQL; SQLite files
shared by processes), with barriers so they start together."""

from __future__ import annotations

import queue
import sqlite3
import threading
from typing import Any

import pytest
import sqlalchemy as sa

from events import EventStore, StoreBusy
from tests.integration.support import (
    META,
    fetch,
    notes,
    race_once,
    released_together,
    spawn_all,
    store_for,
    write_many,
)

RACERS = 16


def assert_log_is_whole(store: EventStore) -> None:
    """Positions 1..N and each stream's versions 1..n, without gaps or duplicates, and verified."""
    records = list(store.read_all())
    assert [r.position for r in records] == list(range(1, len(records) + 1))
    versions: dict[str, list[int]] = {}
    for r in records:
        versions.setdefault(r.stream_id, []).append(r.version)
    for stream, vs in versions.items():
        assert vs == list(range(1, len(vs) + 1)), stream
        assert store.stream_version(stream) == len(vs)
    report = store.verify()
    assert report.ok, str(report.broken)


def race(store: EventStore, stream_id: str, expected: int, label: str) -> list[Any]:
    """RACERS threads append one event each at `expected`, released together by a barrier.
    Returns each one's outcome: "won", (expected, actual) from its ConcurrencyError, or an error."""

    def racer(i: int) -> str:
        store.append(stream_id, notes(f"{label} racer {i}"), expected_version=expected, metadata=META)
        return "won"

    return released_together(RACERS, racer, lambda exc: (exc.expected_version, exc.actual_version))


def test_racing_threads_with_the_same_expected_version_have_one_winner(store: EventStore) -> None:
    store.append("org-a", notes("seed"), expected_version=0, metadata=META)
    for round_ in range(3):
        expected = store.stream_version("org-a")
        outcomes = race(store, "org-a", expected, f"round {round_}")
        assert outcomes.count("won") == 1, outcomes
        assert sorted(o for o in outcomes if o != "won") == [(expected, expected + 1)] * (RACERS - 1)
    # A new stream, raced for at version 0.
    outcomes = race(store, "org-new", 0, "new stream")
    assert outcomes.count("won") == 1, outcomes
    assert sorted(o for o in outcomes if o != "won") == [(0, 1)] * (RACERS - 1)
    assert store.stream_version("org-a") == 4
    assert_log_is_whole(store)


@pytest.mark.postgres
@pytest.mark.slow
def test_racing_processes_with_the_same_expected_version_have_one_winner(pg_url: str) -> None:
    store = store_for(pg_url)
    store.append("org-a", notes("seed"), expected_version=0, metadata=META)
    results = spawn_all(race_once, [(pg_url, "org-a", 1, f"process {i}") for i in range(8)])
    outcomes = [kind for kind, _tag, _detail in results]
    assert outcomes.count("ok") == 1, results
    assert sorted(detail for kind, _tag, detail in results if kind != "ok") == [(1, 2)] * 7, results
    winner = next(tag for kind, tag, _ in results if kind == "ok")
    assert [r.event.text for r in store.read_stream("org-a")] == ["seed", winner]  # type: ignore[attr-defined]
    assert_log_is_whole(store)
    store.engine.dispose()


def test_verify_sees_one_consistent_snapshot_while_appends_go_on(db_url: str) -> None:
    """Appends committed while verify walks the log must not look like tampering."""
    store = store_for(db_url)
    store.append("org-0", notes("seed"), expected_version=0, metadata=META)
    stop = threading.Event()
    errors: list[str] = []

    def writer(w: int) -> None:
        version = 0
        try:
            while not stop.is_set():
                store.append(f"org-w{w}", notes("x", "y"), expected_version=version, metadata=META)
                version += 2
        except Exception as exc:
            errors.append(repr(exc))

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(3)]
    for t in threads:
        t.start()
    try:
        checks = 0
        while store.last_position() < 600 and not errors:
            report = store.verify()
            assert report.ok, str(report.broken)
            checks += 1
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert not errors, errors
    assert checks > 1
    assert_log_is_whole(store)
    store.engine.dispose()


# ---------------------------------------------------------------------- SQLite across processes


def _four_writers(sqlite_url: str, busy_timeout: float | None) -> list[str]:
    """Four processes append to their own streams and to a shared one: the failures they saw, once
    the log is checked to hold every event written, whole, in a sound file."""
    results = spawn_all(write_many, [(sqlite_url, w, 60, "org-shared", busy_timeout) for w in range(4)])
    failures = [f for _w, _n, fs in results for f in fs]
    written = sum(n for _w, n, _fs in results)
    store = store_for(sqlite_url)
    assert store.last_position() == written
    assert_log_is_whole(store)
    assert fetch(store.engine, "PRAGMA integrity_check") == [("ok",)]
    store.engine.dispose()
    return failures


@pytest.mark.slow
def test_processes_sharing_a_sqlite_file_wait_their_turn(sqlite_url: str) -> None:
    """Four processes append to their own streams and fight over a shared one. The only failure
    any of them may see is a ConcurrencyError on the shared stream (retried); the file stays
    sound and the chains verify."""
    failures = _four_writers(sqlite_url, None)
    assert set(failures) <= {"ConcurrencyError"}, failures


@pytest.mark.slow
def test_processes_with_a_tiny_busy_timeout_get_store_busy_never_a_raw_lock_error(sqlite_url: str) -> None:
    failures = _four_writers(sqlite_url, 0.001)
    assert set(failures) <= {"ConcurrencyError", "StoreBusy"}, failures


def test_a_writer_locked_out_past_the_busy_timeout_gets_store_busy(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from events import db

    monkeypatch.setattr(db, "SQLITE_BUSY_TIMEOUT_S", 0.05)
    store = store_for(sqlite_url)
    store.append("org-a", notes("a1"), expected_version=0, metadata=META)
    # Another process (here: another connection) holds the write lock.
    blocker = sqlite3.connect(sa.make_url(sqlite_url).database or "", isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreBusy) as exc:
            store.append("org-a", notes("a2"), expected_version=1, metadata=META)
        assert "database is locked" not in str(exc.value)
        assert isinstance(exc.value.__cause__, sa.exc.OperationalError | sqlite3.OperationalError)
        # Readers are not blocked by a writer (WAL).
        assert [r.version for r in store.read_all()] == [1]
        assert store.stream_version("org-a") == 1
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert store.append("org-a", notes("a2"), expected_version=1, metadata=META).last_version == 2
    assert_log_is_whole(store)
    store.engine.dispose()


def test_sqlite_runs_in_wal_mode_with_full_sync_and_a_busy_timeout(sqlite_url: str) -> None:
    store = store_for(sqlite_url)
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000
    store.engine.dispose()


def test_sqlite_does_not_write_out_the_pages_a_dropped_table_frees(sqlite_url: str) -> None:
    """secure_delete=FAST (events.db): dropping a table (a rebuild's swap drops the old read
    models) puts its pages on the free list without writing each one to the WAL."""
    store = store_for(sqlite_url)
    raw = store.engine.raw_connection()  # autocommit (events.db): each statement commits
    try:
        sql = raw.cursor()
        assert sql.execute("PRAGMA secure_delete").fetchone()[0] == 2  # FAST
        empty = sql.execute("PRAGMA page_count").fetchone()[0]
        sql.execute("CREATE TABLE scratch (n INTEGER PRIMARY KEY, filler TEXT)")
        sql.execute(
            "WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < 4000) "
            "INSERT INTO scratch SELECT n, printf('%.2000c', 'x') FROM k"
        )
        pages = sql.execute("PRAGMA page_count").fetchone()[0] - empty
        sql.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        sql.execute("DROP TABLE scratch")
        frames = sql.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()[1]
    finally:
        raw.close()
    assert pages > 2000
    assert frames < 20, f"dropping a table of {pages} pages wrote {frames} pages to the WAL"
    store.engine.dispose()


def test_threads_queue_for_the_write_lock(db_url: str) -> None:
    """Eight threads, each with its own engine (as separate processes would have), append to
    their own streams and to a shared one: nothing but retried conflicts on the shared stream."""
    barrier = threading.Barrier(8)
    results: queue.Queue[Any] = queue.Queue()
    threads = [
        threading.Thread(target=write_many, args=(db_url, w, 30, "org-shared", None, barrier, results))
        for w in range(8)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    outcomes = [results.get_nowait() for _ in threads]
    assert {f for _w, _n, fs in outcomes for f in fs} <= {"ConcurrencyError"}, outcomes
    store = store_for(db_url)
    assert store.last_position() == sum(n for _w, n, _fs in outcomes)
    assert_log_is_whole(store)
    store.engine.dispose()
