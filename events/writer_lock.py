"""SQLite: the store's writers take turns on a lock of their own before `BEGIN IMMEDIATE`.

Within a process, a thread lock. Across processes (`unionflow serve --workers N` on one file, a CLI
import beside a server), an exclusive `flock` on a file beside the database: SQLite's busy handler
sleeps in growing steps (up to 100 ms) between tries for the file's write lock, so that the
slowest commands of a busy server waited far longer than the writes ahead of them took.

A writer that finds the lock taken waits for it in the kernel (a blocking `flock`, in a thread of
its own so that the wait stays bounded), which hands it over the moment it is released. Polling
instead let the releasing process's next writer, already running, take it again and again while
the other process's writer slept between tries: one process's commands waited several of the
other's turns. Past the busy timeout the writer gives up as SQLite would ("database is locked",
reported as StoreBusy). The lock is the process's: it goes with the process, however that ends
(kill -9 included). Writers that do not come through the store (another tool on the file) still
meet the busy handler.

Where `flock` is missing (not POSIX) or the file cannot be made beside the database, only the
thread lock is taken, as before."""

from __future__ import annotations

import os
import sqlite3
import threading
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
                self._fd = _take(os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600), self._timeout_s)
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

    def _release_file(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)


def _take(fd: int, timeout_s: float) -> int:
    """`fd` once it holds the lock. Taken at once if free; otherwise waited for in the kernel's
    queue by a thread of its own, for at most `timeout_s`. A wait given up leaves `fd` to that
    thread, which closes it (releasing the lock, if it got it meanwhile) once its `flock` returns."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return fd
    except BlockingIOError:
        pass
    except BaseException:
        os.close(fd)
        raise
    wait = _KernelWait(fd)
    try:
        threading.Thread(target=wait.run, name="unionflow-writer-lock", daemon=True).start()
    except BaseException:
        os.close(fd)
        raise
    try:
        taken = wait.outcome(timeout_s)
    except BaseException:  # interrupted while waiting: the lock must not stay with nobody's descriptor
        wait.give_up()
        raise
    if taken:
        return fd
    raise sqlite3.OperationalError("database is locked (by another process's writer)")


class _KernelWait:
    """A blocking `flock` in a thread, and who owns the file descriptor once it returns: the
    writer that still waits for it, or nobody (the writer gave up: the thread closes it)."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._guard = threading.Lock()
        self._done = threading.Event()
        self._taken = False
        self._abandoned = False

    def run(self) -> None:
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX)
            taken = True
        except OSError:
            taken = False
        with self._guard:
            self._taken = taken
            if self._abandoned or not taken:
                os.close(self._fd)
            self._done.set()

    def outcome(self, timeout_s: float) -> bool:
        """Whether the lock was taken within `timeout_s`; if not, the wait is given up."""
        if not self._done.wait(timeout_s):
            self.give_up()
        with self._guard:
            if self._abandoned:
                return False
        if not self._taken:
            raise OSError("flock failed on the writers' lock file")
        return True

    def give_up(self) -> None:
        """The writer no longer waits: the descriptor is closed now if the lock was taken (that
        releases it), else by the thread once its `flock` returns."""
        with self._guard:
            if not self._done.is_set():
                self._abandoned = True
            elif self._taken and not self._abandoned:
                self._abandoned = True
                os.close(self._fd)


def lock_path(database: str | None) -> str | None:
    """The lock file of a SQLite database file (none for a database in memory)."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return database + "-writers"
