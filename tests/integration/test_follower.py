"""No skipped events: a follower tailing the log with `read_all(after_position=last)` while eight
writers append must see every committed event exactly once, in position order."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import Any

import pytest

from events import EventStore
from tests.integration.support import spawn_all, store_for, write_many

WRITERS = 8
APPENDS = 150  # per writer, of 1-3 events each: about 2,400 events in all


class Follower:
    """Tails the log in small pages until told the writers are done, then makes one last pass."""

    def __init__(self, store: EventStore, page_size: int = 16) -> None:
        self.store = store
        self.page_size = page_size
        self.seen: list[tuple[int, str, int]] = []
        self.passes_with_news = 0  # passes, before the final one, that found new events
        self.writers_done = threading.Event()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run)

    def _run(self) -> None:
        last = 0
        try:
            while True:
                final = self.writers_done.is_set()  # read before the pass: that pass sees all
                before = len(self.seen)
                for e in self.store.read_all(after_position=last, page_size=self.page_size):
                    self.seen.append((e.position, e.stream_id, e.version))
                    last = e.position
                if final:
                    return
                if len(self.seen) > before:
                    self.passes_with_news += 1
        except BaseException as exc:
            self.error = exc

    def follow(self, write: Callable[[], list[Any]]) -> list[Any]:
        self.thread.start()
        try:
            return write()
        finally:
            self.writers_done.set()
            self.thread.join()


def check(store: EventStore, follower: Follower, results: list[Any]) -> None:
    assert follower.error is None, repr(follower.error)
    failures = [f for _w, _n, fs in results for f in fs]
    assert set(failures) <= {"ConcurrencyError"}, failures
    written = sum(n for _w, n, _fs in results)
    assert written > 2000
    final = [(r.position, r.stream_id, r.version) for r in store.read_all()]
    assert [p for p, _, _ in final] == list(range(1, written + 1))
    positions = [p for p, _, _ in follower.seen]
    assert len(positions) == len(set(positions)), "an event was seen twice"
    assert positions == sorted(positions), "events were seen out of order"
    assert follower.seen == final, f"missed {sorted(set(final) - set(follower.seen))[:10]}"
    # The follower really tailed a growing log, not just read it once at the end.
    assert follower.passes_with_news > 1
    assert store.verify().ok


def test_follower_misses_nothing_with_writer_threads(db_url: str) -> None:
    store = store_for(db_url)
    follower = Follower(store)

    def write() -> list[Any]:
        barrier = threading.Barrier(WRITERS)
        results: queue.Queue[Any] = queue.Queue()
        threads = [
            threading.Thread(target=write_many, args=(db_url, w, APPENDS, "org-shared", None, barrier, results))
            for w in range(WRITERS)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return [results.get_nowait() for _ in threads]

    check(store, follower, follower.follow(write))
    store.engine.dispose()


@pytest.mark.postgres
@pytest.mark.slow
def test_follower_misses_nothing_with_writer_processes(pg_url: str) -> None:
    store = store_for(pg_url)
    follower = Follower(store)
    results = follower.follow(
        lambda: spawn_all(write_many, [(pg_url, w, APPENDS, "org-shared", None) for w in range(WRITERS)])
    )
    check(store, follower, results)
    store.engine.dispose()
