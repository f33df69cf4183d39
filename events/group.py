"""Group commit: the single-stream appends waiting on one store (in one process) share one
transaction and one durable commit.

Why
---
Appends are serial under the log lock (see `events.store`), and each one pays a commit (an fsync)
and the lock's hand-over. A server with many clients would have them wait in a line of commits.
Instead the appends that arrive while a write is under way queue up; when it ends, the first of
them becomes the *leader*: it takes the queue (at most `MAX_GROUP`), writes every append in it, in
arrival order, in one transaction under one take of the log lock, commits once, and wakes the
others (the *followers*) with their own result or exception. Whoever arrived meanwhile forms the
next group under the next leader. A lone append leads a group of one at once: it never waits for
company.

What does not change
--------------------
Each append is still decided against the state the earlier ones leave: its stream and its
idempotency key are read after the lock, inside the group's transaction, so they see the earlier
appends of the group (two appends with one key: the second replays the first). Each is written in
a savepoint of its own: a version that no longer holds, a reused key, a failing listener fail that
append alone (its savepoint rolled back) and the group goes on. Each caller is answered only after
the commit: "accepted" still means durable. If the transaction itself fails (the connection lost,
the commit refused), every append of the group gets that error and nothing of it is written.

The bound keeps a group's savepoints within PostgreSQL's per-transaction cache of subtransactions
(64), past which every snapshot in the server grows dearer, and the leader's own wait bounded.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from events.append import IdempotencyKey, LogHead, LogWriter, StreamPart
from events.errors import ConcurrencyError, IdempotencyKeyReused
from events.model import AppendResult
from events.rows import recording_time

MAX_GROUP = 32


@dataclass(eq=False, slots=True)
class Waiter:
    """One append waiting in a group: what to write, and once written, its outcome."""

    part: StreamPart
    key: IdempotencyKey | None
    listener: object  # an events.store.AppendListener (typed there; this module does not call it)
    outcome: AppendResult | BaseException | None = None
    lead: bool = False  # woken to lead the next group rather than with an outcome
    # Made only for an append that must wait (a lone one leads at once: no event to make).
    woken: threading.Event | None = None

    def answer(self) -> AppendResult:
        outcome = self.outcome
        if isinstance(outcome, AppendResult):
            return outcome
        assert outcome is not None
        raise outcome


# Writes a group in one transaction and returns each waiter's outcome, in order, once committed;
# raises if the transaction failed as a whole.
GroupWriter = Callable[[list[Waiter]], list[AppendResult | BaseException]]


class GroupCommit:
    """The queue of one store's appends and who leads the next group."""

    def __init__(self, write: GroupWriter, max_group: int = MAX_GROUP) -> None:
        self._write = write
        self._max = max_group
        self._lock = threading.Lock()
        self._queue: list[Waiter] = []
        self._leading = False

    def submit(self, waiter: Waiter) -> AppendResult:
        """Queue `waiter` and return its result once its group has committed (or raise its error)."""
        with self._lock:
            self._queue.append(waiter)
            lead = not self._leading
            if lead:
                self._leading = True
            else:
                waiter.woken = woken = threading.Event()
        if not lead:
            woken.wait()
            if not waiter.lead:
                return waiter.answer()
        self._lead()
        return waiter.answer()

    def _lead(self) -> None:
        with self._lock:
            group = self._queue[: self._max]
            del self._queue[: self._max]
        try:
            outcomes = self._write(group)
        except BaseException as exc:
            outcomes = [exc] * len(group)
        for waiter, outcome in zip(group, outcomes, strict=True):
            waiter.outcome = outcome
        with self._lock:
            if self._queue:
                # The next group's leader, woken to lead (it is still first in the queue).
                following = self._queue[0]
                following.lead = True
                assert following.woken is not None
                following.woken.set()
            else:
                self._leading = False
        for waiter in group:
            if waiter.woken is not None:
                waiter.woken.set()


@dataclass(frozen=True, slots=True)
class GroupContext:
    """What `write_group` needs of its store: the log's statements, the dialect, the error a
    caller sees for a driver's error, and the clock (naive UTC)."""

    log: LogWriter
    sqlite: bool
    translated: Callable[[Exception], Exception]
    now: Callable[[], dt.datetime]


def write_group(ctx: GroupContext, conn: Any, group: list[Waiter]) -> list[AppendResult | BaseException]:
    """A group's appends in arrival order on `conn` (a SQLAlchemy connection in its write
    transaction) under one take of the log lock, each in a savepoint of its own when there are
    several, so that one failing fails alone. A lone append is its own transaction, as it always
    was: its failure is raised (and rolls the transaction back)."""
    dbapi_conn = conn.connection.dbapi_connection
    several = len(group) > 1
    outcomes: list[AppendResult | BaseException] = []
    head: LogHead | None = None
    for waiter in group:
        try:
            head, result = _write_part(ctx, conn, head, waiter, several)
        except (ConcurrencyError, IdempotencyKeyReused) as exc:
            outcomes.append(exc)  # decided before anything of it was written
        except Exception as exc:
            if not several:
                raise
            # If even this fails, the transaction is lost: the whole group fails with it.
            ctx.log.rollback_part(dbapi_conn)
            outcomes.append(ctx.translated(exc))
        else:
            outcomes.append(result)
    return outcomes


def _write_part(
    ctx: GroupContext, conn: Any, head: LogHead | None, waiter: Waiter, savepoint: bool
) -> tuple[LogHead, AppendResult]:
    """One append of a group: the lock (with the group's first), the stream and key read after
    it, the check, the rows and the listener. Returns the log's head after it, and its result."""
    log = ctx.log
    dbapi_conn = conn.connection.dbapi_connection
    part = waiter.part
    listener: Any = waiter.listener
    cur = dbapi_conn.cursor()
    try:
        locked, heads, replay = log.lock_and_read_one(
            dbapi_conn, cur, part.stream_id, waiter.key, lock=head is None, savepoint=savepoint
        )
        head = locked or head
        assert head is not None
        if replay is not None:
            return head, replay
        # Never before the log's last recording time, even if the clock went back (see
        # `events.store`).
        recorded = recording_time(ctx.now(), head[2], ctx.sqlite)
        existed = set(heads)  # before `chain` moves the heads on
        chained = log.chain([part], heads, head, recorded, listener is not None)
        log.write(dbapi_conn, cur, chained, heads, existed, waiter.key, recorded)
    finally:
        cur.close()
    if listener is not None:
        listener(conn, chained.written)
    return (chained.rows[-1].position, chained.running_hash, recorded.stored), chained.results[0]
