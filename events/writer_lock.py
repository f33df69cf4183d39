"""SQLite: the store's writers take turns on a lock of their own before `BEGIN IMMEDIATE`.

Within a process, a thread lock. Across processes (`unionflow serve --workers N` on one file, a CLI
import beside a server), an exclusive `flock` on a file beside the database, tried every
millisecond: SQLite's busy handler sleeps in growing steps (up to 100 ms) between tries for the
file's write lock, so that the slowest commands of a busy server waited far longer than the writes
ahead of them took. Past the busy timeout the writer gives up as SQLite would ("database is
locked", reported as StoreBusy). The lock is the process's: it goes with the process, however that
ends (kill -9 included). Writers that do not come through the store (another tool on the file)
still meet the busy handler.

Where `flock` is missing (not POSIX) or the file cannot be made beside the database, only the
thread lock is taken, as before."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from types import TracebackType

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None  # type: ignore[assignment]


class WriterLock:
    """A re-entrant lock of this process's writers, and, given `path`, of every process's."""

    def __init__(self, path: str | None, timeout_s: float) -> None:
        self._timeout_s = timeout_s
        self._threads = threading.RLock()
        self._path = path if fcntl is not None else None
        self._fd: int | None = None
        self._depth = 0

    def __enter__(self) -> WriterLock:
        self._threads.acquire()
        if self._depth == 0 and self._path is not None:
            try:
                # Opened for each turn and closed after it (closing releases the lock): no file
                # descriptor held by a store between writes.
                self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
                self._take(self._fd)
            except OSError:
                self._release_file()
                self._path = None  # no lock file: the busy handler rules between processes
            except BaseException:
                self._release_file()
                self._threads.release()
                raise
        self._depth += 1
        return self

    def __exit__(
        self, _type: type[BaseException] | None, _exc: BaseException | None, _tb: TracebackType | None
    ) -> None:
        self._depth -= 1
        try:
            if self._depth == 0:
                self._release_file()
        finally:
            self._threads.release()

    def _take(self, fd: int) -> None:
        deadline = time.monotonic() + self._timeout_s
        pause = threading.Event()
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise sqlite3.OperationalError("database is locked (by another process's writer)") from None
                pause.wait(0.001)

    def _release_file(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)


def lock_path(database: str | None) -> str | None:
    """The lock file of a SQLite database file (none for a database in memory)."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return database + "-writers"
