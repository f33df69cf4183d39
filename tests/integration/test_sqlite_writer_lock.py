"""SQLite: the store's writers of every process take turns on a lock file beside the database
(events.writer_lock) before SQLite's own write lock."""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from events import StoreBusy
from events.writer_lock import lock_path
from tests.integration.group_support import wait_until
from tests.integration.support import META, notes, store_for
from tests.integration.test_concurrency import assert_log_is_whole


@contextmanager
def held_elsewhere(sqlite_url: str) -> Iterator[None]:
    """The writers' lock taken as another process's writer takes it (an open file description of
    its own)."""
    path = lock_path(sa.make_url(sqlite_url).database)
    assert path is not None
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def test_a_writer_waits_for_another_process_writer_then_writes(sqlite_url: str) -> None:
    store = store_for(sqlite_url)
    outcome: list[object] = []
    with held_elsewhere(sqlite_url):
        writer = threading.Thread(
            target=lambda: outcome.append(store.append("org-a", notes("a1"), expected_version=0, metadata=META))
        )
        writer.start()
        assert store.stream_version("org-a") == 0  # not written while the other holds the lock
    writer.join()
    assert store.stream_version("org-a") == 1
    assert_log_is_whole(store)
    store.engine.dispose()


def kernel_waiters(path: str) -> int:
    """How many `flock` waits on `path` are queued in the kernel (`/proc/locks`: "->" lines)."""
    inode = os.stat(path).st_ino
    with open("/proc/locks") as locks:
        return sum(1 for line in locks if " -> FLOCK " in line and line.split()[6].endswith(f":{inode}"))


def test_a_waiting_writer_queues_in_the_kernel_and_writes_once_the_lock_is_released(sqlite_url: str) -> None:
    """Queued in the kernel, the waiter is handed the lock when it is released, rather than
    polling for it while the releasing process's next writer takes it first."""
    store = store_for(sqlite_url)
    path = lock_path(sa.make_url(sqlite_url).database)
    assert path is not None
    outcome: list[object] = []
    with held_elsewhere(sqlite_url):
        writer = threading.Thread(
            target=lambda: outcome.append(store.append("org-a", notes("a1"), expected_version=0, metadata=META))
        )
        writer.start()
        wait_until(lambda: kernel_waiters(path) == 1, "the writer never queued in the kernel")
        assert store.stream_version("org-a") == 0
    writer.join(timeout=30)
    assert [getattr(o, "last_version", None) for o in outcome] == [1]
    assert kernel_waiters(path) == 0
    store.engine.dispose()


def test_a_writer_locked_out_past_the_busy_timeout_gets_store_busy(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from events import db

    monkeypatch.setattr(db, "SQLITE_BUSY_TIMEOUT_S", 0.05)
    store = store_for(sqlite_url)
    with held_elsewhere(sqlite_url), pytest.raises(StoreBusy):
        store.append("org-a", notes("a1"), expected_version=0, metadata=META)
    # The wait given up still queued in the kernel; once the lock is free it takes it and lets it
    # go, so the next append writes (within the same short timeout) instead of meeting a lock
    # that nobody will release.
    assert store.append("org-a", notes("a1"), expected_version=0, metadata=META).last_version == 1
    store.engine.dispose()


def test_no_lock_file_for_a_database_in_memory() -> None:
    assert lock_path(":memory:") is None and lock_path(None) is None
    assert lock_path("/data/unionflow.db") == "/data/unionflow.db-writers"


@pytest.mark.parametrize("given_up", ["while queued", "once taken"])
def test_a_wait_given_up_never_keeps_the_lock(sqlite_url: str, given_up: str) -> None:
    """A writer interrupted while its thread waits in the kernel (or just after it got the lock)
    leaves nobody holding the lock."""
    from events.writer_lock import _KernelWait

    path = lock_path(sa.make_url(sqlite_url).database)
    assert path is not None
    wait = _KernelWait(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    with held_elsewhere(sqlite_url):
        threading.Thread(target=wait.run, daemon=True).start()
        wait_until(lambda: kernel_waiters(path) == 1, "the wait never queued in the kernel")
        if given_up == "while queued":
            wait.give_up()
    if given_up == "once taken":
        assert wait.outcome(30)
        wait.give_up()
    probe = os.open(path, os.O_RDWR)
    try:
        # The thread's close follows its flock's return.
        wait_until(lambda: took(probe), "the lock stayed with the wait given up")
    finally:
        os.close(probe)


def took(fd: int) -> bool:
    """Whether `fd` got the writers' lock at once."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
