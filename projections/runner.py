"""Keeping the read models current, rebuilding them, and checking that a rebuild equals them.

`Projections(engine)` is the read side's one entry point; each responsibility lives in its own
module:
- `projections.live`: the append listener (read-your-writes, inside the append's transaction);
- `projections.apply`: the one fold of events into stored read models, shared by the listener,
  `catch_up` and a rebuild's catch-up of its shadow tables;
- `projections.rebuild`: replay from zero into shadow tables (`rebuild.streams`, split between
  processes by `rebuild.workers`), swap or compare (`rebuild.shadow`);
- `projections.checkpoints`: which projections there are and the position each has reached.

Catch-up applies the log after each checkpoint in position order, a bounded batch per
transaction, holding the checkpoint rows locked (FOR UPDATE on PostgreSQL; the write lock on
SQLite) so it cannot interleave with the listener."""

from __future__ import annotations

import os
from collections.abc import Sequence

from sqlalchemy.engine import Connection, Engine

from events import RecordedEvent
from events.db import is_sqlite, write_connection
from events.reading import head_position
from projections import checkpoints, schema
from projections.apply import advance
from projections.checkpoints import CLASSES, NAMES, check_names
from projections.errors import ProjectionOutdated
from projections.live import Live, StateCache
from projections.rebuild import Rebuild, RebuildSettings
from projections.reports import (
    CompareReport,
    Difference,
    Progress,
    ProgressFn,
    ProjectionStatus,
    RebuildReport,
)

__all__ = [
    "CLASSES",
    "NAMES",
    "CompareReport",
    "Difference",
    "Progress",
    "ProgressFn",
    "ProjectionStatus",
    "Projections",
    "RebuildReport",
]


class Projections:
    """The read side: keeps `names` (default: all) current and answers for them."""

    def __init__(
        self,
        engine: Engine,
        names: Sequence[str] | None = None,
        *,
        page_size: int = 2000,
        batch_events: int = 10_000,
        rebuild_page_size: int = 500,
        flush_rows: int = 50_000,
        max_inline_lag: int = 10_000,
        workers: int | None = None,
        parallel_from: int = 200_000,
        trace_memory: bool = False,
        cache_unions: int = 20_000,
    ) -> None:
        self.engine = engine
        self.names = check_names(names)
        self.page_size = page_size
        self.batch_events = batch_events
        self._live = Live(
            self.names,
            sqlite=is_sqlite(engine),
            cache_size=cache_unions * len(self.names),
            max_inline_lag=max_inline_lag,
            page_size=page_size,
        )
        # Rebuild processes: the replay is per stream, so streams split cleanly between them.
        settings = RebuildSettings(
            page_size=page_size,
            batch_events=batch_events,
            rebuild_page_size=rebuild_page_size,
            flush_rows=flush_rows,
            workers=workers if workers is not None else min(2, os.cpu_count() or 1),
            parallel_from=parallel_from,
            trace_memory=trace_memory,
        )
        # Places in the tree never change, so the listener, catch-up and rebuilds share one.
        self._rebuild = Rebuild(engine, settings, self._live.tree)

    @property
    def _cache(self) -> StateCache:
        """The listener's cache of union states (see `projections.live`)."""
        return self._live.cache

    def status(self) -> list[ProjectionStatus]:
        with self.engine.connect() as conn:
            head = head_position(conn)
            stored = checkpoints.stored(conn)
        out = []
        for n in self.names:
            position, version = stored.get(n, (0, CLASSES[n].logic_version))
            out.append(ProjectionStatus(n, position, head, version, CLASSES[n].logic_version))
        return out

    def listener(self, conn: Connection, recorded: Sequence[RecordedEvent]) -> None:
        """Apply the events just appended, in the append's transaction (`projections.live`); pass
        it to `WorkflowService(listener=)` or `EventStore.append(listener=)`."""
        self._live.listen(conn, recorded)

    def catch_up(self, progress: ProgressFn | None = None, names: Sequence[str] | None = None) -> dict[str, int]:
        """Apply everything after each checkpoint; returns the positions reached."""
        names = check_names(names) if names is not None else self.names
        self._live.cache.clear()  # not needed for correctness (see `projections.live`), but cheap
        reached: dict[str, int] = {}
        first: int | None = None
        while True:
            with write_connection(self.engine) as conn, conn.begin():
                stored = checkpoints.lock(conn, names)
                outdated = [n for n in names if stored[n][1] != CLASSES[n].logic_version]
                if outdated:
                    raise ProjectionOutdated(
                        f"projection(s) {', '.join(outdated)} were built by other projection logic: rebuild them"
                    )
                head = head_position(conn)
                active = [(n, stored[n][0]) for n in names if stored[n][0] < head]
                reached = {n: stored[n][0] for n in names}
                if not active:
                    return reached
                start = min(p for _, p in active)
                first = start if first is None else first
                to = min(head, start + self.batch_events)
                to, unknown = advance(conn, self._live.tree, active, to, schema.LIVE, self.page_size)
                for name, position in active:
                    if position < to:
                        checkpoints.move(conn, name, to)
                        reached[name] = to
            # Committed up to the event before an unknown one; then stop, naming it.
            if unknown is not None:
                raise unknown
            if progress is not None:
                progress(Progress("catch-up", names, to - first, head - first))

    def rebuild(self, names: Sequence[str] | None = None, progress: ProgressFn | None = None) -> RebuildReport:
        """Replay the whole log into fresh tables and swap them in (`projections.rebuild`)."""
        report = self._rebuild.rebuild(check_names(names) if names is not None else self.names, progress)
        self._live.cache.clear()
        return report

    def compare_with_rebuild(self, names: Sequence[str] | None = None, *, limit: int = 50) -> CompareReport:
        """Rebuild into shadow tables, bring live and shadow to the same position, and report every
        row that differs (the live tables are caught up; nothing is swapped)."""
        return self._rebuild.compare(check_names(names) if names is not None else self.names, limit)
