"""Rebuilding read models from zero, and checking that a rebuild equals them.

`Rebuild.rebuild` replays from zero into shadow tables (`shadow`): stream by stream (each union's
events in version order, up to the head position read at the start; `streams`), so each union's
rows are written once; on a long log the streams are split between processes (`workers`). Then it
catches the shadow tables up in position order (`projections.apply.advance`, the live path's
fold), and swaps: under the log-head lock (appends wait), it applies the last events, drops the
live tables, renames the shadow ones into place, creates (SQLite) or renames (PostgreSQL, built
beforehand) the indexes, and sets the checkpoints, in one transaction. Readers see the old tables
or the new ones, never a mix.

`Rebuild.compare` does the same rebuild but, instead of swapping, brings the live and shadow
tables to the same position under the lock and reports every row that differs.

Rebuilds and comparisons are maintenance operations: run one at a time (they share the shadow
tables' names)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from events.db import is_sqlite, write_connection
from events.reading import head_position, lock_log, split_streams
from projections import checkpoints, schema
from projections.apply import advance
from projections.checkpoints import CLASSES
from projections.models import tallies
from projections.rebuild import shadow as shadow_tables
from projections.rebuild.streams import replay_streams
from projections.rebuild.workers import ReplayJob, replay_parallel, traced
from projections.reports import CompareReport, Progress, ProgressFn, RebuildReport
from projections.tree import Tree


@dataclass(frozen=True)
class RebuildSettings:
    page_size: int  # events per page of a catch-up in position order
    batch_events: int  # events per transaction of that catch-up
    rebuild_page_size: int  # events per page of the stream-ordered replay
    flush_rows: int  # rows buffered by a replay before it writes them
    workers: int  # replay processes, on a log of `parallel_from` events or more
    parallel_from: int
    trace_memory: bool  # measure the replay's peak Python memory (tracemalloc; slows it down)


class Rebuild:
    def __init__(self, engine: Engine, settings: RebuildSettings, tree: Tree) -> None:
        self.engine = engine
        self.settings = settings
        self.tree = tree
        self.peak_memory = 0

    def rebuild(self, names: tuple[str, ...], progress: ProgressFn | None = None) -> RebuildReport:
        """Replay the whole log into fresh tables and swap them in (see the module docstring)."""
        started = time.perf_counter()
        phases: dict[str, float] = {}
        shadow = shadow_tables.create(self.engine, names)
        try:
            position, events = self._build_shadow(names, shadow, progress, phases)
            mark = time.perf_counter()
            with self._write() as conn:
                lock_log(conn)
                position = self._shadow_catch_up(conn, names, shadow, position)
                checkpoints.lock(conn, names)
                if progress is not None:
                    progress(Progress("swap", names, events, events))
                shadow_tables.swap(conn, shadow)
                for name in names:
                    checkpoints.move(conn, name, position, CLASSES[name].logic_version)
            phases["swap"] = time.perf_counter() - mark
            seconds = time.perf_counter() - started
            rows = shadow_tables.count_rows(self.engine, list(shadow))
        except BaseException:
            shadow_tables.drop(self.engine, shadow)
            raise
        peak = self.peak_memory if self.settings.trace_memory else None
        return RebuildReport(names, position, events, seconds, rows, phases, peak)

    def compare(self, names: tuple[str, ...], limit: int) -> CompareReport:
        """Rebuild into shadow tables, bring live and shadow to the same position, and report every
        row that differs (the live tables are caught up; nothing is swapped)."""
        shadow = shadow_tables.create(self.engine, names)
        try:
            position, _ = self._build_shadow(names, shadow, None)
            with self._write() as conn:
                lock_log(conn)
                position = self._shadow_catch_up(conn, names, shadow, position)
                stored = checkpoints.lock(conn, names)
                behind = [(n, stored[n][0]) for n in names if stored[n][0] < position]
                if behind:
                    _, unknown = advance(conn, self.tree, behind, position, schema.LIVE, self.settings.page_size)
                    if unknown is not None:
                        raise unknown
                    for n, _ in behind:
                        checkpoints.move(conn, n, position)
                report = CompareReport(position, names)
                for live_name, table in shadow.items():
                    shadow_tables.compare_table(conn, schema.LIVE[live_name], table, report, limit)
            return report
        finally:
            shadow_tables.drop(self.engine, shadow)

    def _build_shadow(
        self,
        names: tuple[str, ...],
        shadow: Mapping[str, sa.Table],
        progress: ProgressFn | None,
        phases: dict[str, float] | None = None,
    ) -> tuple[int, int]:
        """Replay stream by stream up to the head read now, then catch up in position order
        (without holding the append lock). Returns (position reached, events replayed)."""
        phases = phases if phases is not None else {}
        mark = time.perf_counter()
        with self.engine.connect() as conn:
            head = head_position(conn)
        events = self._replay(names, shadow, head, progress)
        phases["replay"] = time.perf_counter() - mark
        mark = time.perf_counter()
        with self._write() as conn:
            tallies.build(conn, shadow)  # the summaries' tallies, from the rows just replayed
        phases["tallies"] = time.perf_counter() - mark
        mark = time.perf_counter()
        if not is_sqlite(self.engine):
            shadow_tables.create_indexes(self.engine, shadow)
        phases["indexes"] = time.perf_counter() - mark
        mark = time.perf_counter()
        position = head
        while True:
            with self._write() as conn:
                if head_position(conn) - position <= self.settings.page_size:
                    phases["catch-up"] = time.perf_counter() - mark
                    return position, events
                position = self._shadow_catch_up(conn, names, shadow, position, limit=self.settings.batch_events)

    def _replay(
        self, names: tuple[str, ...], shadow: Mapping[str, sa.Table], head: int, progress: ProgressFn | None
    ) -> int:
        """The stream-by-stream replay, split over `workers` processes (each a range of streams,
        each writing its own unions' rows) when the log is long enough to pay for them."""

        def report(done: int) -> None:
            if progress is not None:
                progress(Progress("replay", names, done, head))

        s = self.settings
        workers = s.workers if head >= s.parallel_from else 1
        in_memory = is_sqlite(self.engine) and (self.engine.url.database or ":memory:") == ":memory:"
        if workers > 1 and not in_memory:
            with self.engine.connect() as conn:
                cuts = split_streams(conn, workers)
            if cuts:
                return self._replay_parallel(names, shadow, head, cuts, report)
        with traced(s.trace_memory) as peak:
            done = replay_streams(self.engine, names, shadow, head, report, s.rebuild_page_size, s.flush_rows)
        self.peak_memory = peak[0]
        return done

    def _replay_parallel(
        self,
        names: tuple[str, ...],
        shadow: Mapping[str, sa.Table],
        head: int,
        cuts: Sequence[str],
        report: Callable[[int], None],
    ) -> int:
        s = self.settings
        job = ReplayJob(
            url=self.engine.url.render_as_string(hide_password=False),
            names=names,
            shadow={live: t.name for live, t in shadow.items()},
            to_position=head,
            page_size=s.rebuild_page_size,
            flush_rows=s.flush_rows,
            trace_memory=s.trace_memory,
        )
        done, peak = replay_parallel(job, [None, *cuts], [*cuts, None], report)
        self.peak_memory = max(self.peak_memory, peak)
        return done

    def _shadow_catch_up(
        self,
        conn: Connection,
        names: Sequence[str],
        shadow: Mapping[str, sa.Table],
        position: int,
        limit: int | None = None,
    ) -> int:
        head = head_position(conn)
        to = head if limit is None else min(head, position + limit)
        if to > position:
            _, unknown = advance(conn, self.tree, [(n, position) for n in names], to, shadow, self.settings.page_size)
            if unknown is not None:
                raise unknown
        return to

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with write_connection(self.engine) as conn, conn.begin():
            yield conn
