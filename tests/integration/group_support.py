"""Helpers of the group-commit tests: holding a group's leader inside its listener while the others
queue behind it, so that they form the next group, and the child process killed mid-group."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable, Sequence
from typing import Any

from events import EventStore, NewEvent, RecordedEvent
from tests.integration.support import META, notes, store_for

# How long a test waits for threads to queue (a bound on a failure, not a timing).
QUEUE_WAIT_S = 30.0


def queued(store: EventStore) -> int:
    return len(store._group._queue)


def wait_until(condition: Callable[[], bool], failure: str = "the appends never queued") -> None:
    """Wait until `condition()` holds (checked every millisecond), failing after QUEUE_WAIT_S."""
    tick = threading.Event()
    for _ in range(int(QUEUE_WAIT_S * 1000)):
        if condition():
            return
        tick.wait(0.001)
    raise AssertionError(failure)


class HeldLeader:
    """An append on `stream_id` whose listener blocks until `release()`: while it does, its
    transaction holds the store's group, and the appends started meanwhile queue for the next."""

    def __init__(self, store: EventStore, stream_id: str) -> None:
        self.entered = threading.Event()
        self.gate = threading.Event()
        self.outcome: Any = None

        def hold(_conn: Any, _recorded: Sequence[RecordedEvent]) -> None:
            self.entered.set()
            self.gate.wait(QUEUE_WAIT_S)

        def run() -> None:
            self.outcome = store.append(stream_id, notes("leader"), expected_version=0, metadata=META, listener=hold)

        self.thread = threading.Thread(target=run)
        self.thread.start()
        assert self.entered.wait(QUEUE_WAIT_S)

    def release(self) -> None:
        self.gate.set()
        self.thread.join()


def one_group(store: EventStore, stream_id: str, calls: Sequence[Callable[[], Any]]) -> list[Any]:
    """Run `calls` (appends) on threads of their own while a held leader makes them queue, started
    one after the other so that they queue in order, then let them through as one group. Returns
    each call's result, or its exception."""
    leader = HeldLeader(store, stream_id)
    outcomes: list[Any] = [None] * len(calls)

    def run(i: int) -> None:
        try:
            outcomes[i] = calls[i]()
        except Exception as exc:
            outcomes[i] = exc

    threads = []
    for i in range(len(calls)):
        threads.append(threading.Thread(target=run, args=(i,)))
        threads[-1].start()
        wait_until(lambda n=i + 1: queued(store) == n)
    leader.release()
    for t in threads:
        t.join()
    return outcomes


def killed_mid_group(url: str, parts: int, kill_at: int) -> None:
    """In a child process: queue `parts` appends behind a held leader, each on a stream of its own,
    the one at `kill_at` with a listener that kills the process (SIGKILL: no cleanup, no rollback
    sent) after the earlier ones of the group are written."""
    store = store_for(url)

    def die(_conn: Any, _recorded: Sequence[RecordedEvent]) -> None:
        os.kill(os.getpid(), signal.SIGKILL)

    def call(i: int) -> Callable[[], Any]:
        events = [NewEvent(e.event, e.occurred_on) for e in notes(f"part {i}")]
        listener = die if i == kill_at else None
        return lambda: store.append(f"part-{i}", events, expected_version=0, metadata=META, listener=listener)

    one_group(store, "leader", [call(i) for i in range(parts)])
    raise AssertionError("the process outlived its kill")
