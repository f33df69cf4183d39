"""A rebuild's replay split between processes: the replay is per stream, so streams split cleanly
into ranges of about as many events each, and each process folds its range and writes its own
unions' rows (`projections.rebuild.streams.replay_streams`). Errors in a process are sent to the
parent, which stops the others and raises the first."""

from __future__ import annotations

import multiprocessing
import os
import pickle
import threading
import tracemalloc
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from queue import Empty
from typing import Any

import sqlalchemy as sa

from events.db import make_engine
from projections import schema
from projections.errors import ProjectionError
from projections.rebuild.streams import replay_streams


@dataclass(frozen=True)
class ReplayJob:
    """What every replay process is given (picklable: a spawned process gets a copy)."""

    url: str
    names: tuple[str, ...]
    shadow: Mapping[str, str]  # live table -> shadow table name
    to_position: int
    page_size: int
    flush_rows: int
    trace_memory: bool


@contextmanager
def traced(enabled: bool) -> Iterator[list[int]]:
    """Peak Python memory (bytes, tracemalloc) of the block, in the list yielded, when enabled."""
    peak = [0]
    if not enabled:
        yield peak
        return
    started = not tracemalloc.is_tracing()
    if started:
        tracemalloc.start()
    tracemalloc.reset_peak()
    try:
        yield peak
    finally:
        peak[0] = tracemalloc.get_traced_memory()[1]
        if started:
            tracemalloc.stop()


def _replay_worker(index: int, job: ReplayJob, low: str | None, high: str | None, queue: Any) -> None:
    """One process of a parallel rebuild: replays the streams in [low, high)."""
    try:
        engine = make_engine(job.url)
        md = sa.MetaData()
        tables = {live: schema.SPECS[live].build(md, name, indexes=False) for live, name in job.shadow.items()}
        try:
            with traced(job.trace_memory) as peak:
                done = replay_streams(
                    engine,
                    job.names,
                    tables,
                    job.to_position,
                    lambda n: queue.put(("progress", index, n)),
                    job.page_size,
                    job.flush_rows,
                    low,
                    high,
                )
        finally:
            engine.dispose()
        queue.put(("done", index, (done, peak[0])))
    except BaseException as exc:  # reported to the parent, which raises it
        try:
            pickle.dumps(exc)
        except Exception:
            exc = ProjectionError(f"{type(exc).__name__}: {exc}")
        queue.put(("error", index, exc))


def replay_parallel(
    job: ReplayJob, lows: Sequence[str | None], highs: Sequence[str | None], report: Callable[[int], None]
) -> tuple[int, int]:
    """Run one process per range [lows[i], highs[i]); returns (events replayed, the largest
    process's peak memory when traced)."""
    # fork is cheap and safe while this process runs no other thread; otherwise spawn.
    method = "fork" if os.name == "posix" and threading.active_count() == 1 else "spawn"
    ctx: Any = multiprocessing.get_context(method)
    queue = ctx.Queue()
    procs = [
        ctx.Process(target=_replay_worker, args=(i, job, lo, hi, queue), daemon=True)
        for i, (lo, hi) in enumerate(zip(lows, highs, strict=True))
    ]
    for proc in procs:
        proc.start()
    watch = _Watch(procs, report)
    try:
        watch.run(queue)
    finally:
        for proc in procs:
            if watch.error is not None and proc.is_alive():
                proc.terminate()
            proc.join()
    if watch.error is not None:
        raise watch.error
    return sum(watch.done), watch.peak


class _Watch:
    """The parent's side: progress, results and errors from the processes, and processes that
    died without a word."""

    def __init__(self, procs: Sequence[Any], report: Callable[[int], None]) -> None:
        self.procs = procs
        self.report = report
        self.done = [0] * len(procs)
        self.finished = [False] * len(procs)
        self.error: BaseException | None = None
        self.peak = 0

    def run(self, queue: Any) -> None:
        while not all(self.finished):
            try:
                kind, index, value = queue.get(timeout=1.0)
            except Empty:
                self._check_alive(queue)
                continue
            if kind == "progress":
                self.done[index] = value
                self.report(sum(self.done))
            elif kind == "done":
                (self.done[index], peak), self.finished[index] = value, True
                self.peak = max(self.peak, peak)
            else:
                self.finished[index] = True
                self.error = self.error or value
            if self.error is not None:
                return

    def _check_alive(self, queue: Any) -> None:
        for i, proc in enumerate(self.procs):
            if not self.finished[i] and not proc.is_alive() and queue.empty():
                self.finished[i] = True
                self.error = self.error or ProjectionError(f"rebuild worker {i} died (exit code {proc.exitcode})")
