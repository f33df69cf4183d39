"""Keeping the read models current, rebuilding them, and checking that a rebuild equals them.

Read-your-writes: the append listener
-------------------------------------
`Projections.listener` is an `events.store.AppendListener`: pass it to `WorkflowService(listener=)`
or `EventStore.append(listener=)`. The store calls it inside the append transaction, after the
events are inserted and before commit. It reads the events after each projection's checkpoint up to
the new last position *from the events table, through the same connection* (so it sees the rows
being written), folds them exactly as a catch-up or a rebuild does, replaces the touched unions'
rows and moves the checkpoint, all in that transaction. The command and its effect on every read
model commit together or not at all, so a reader never sees a command without its effect.

Why this way rather than a follower process: appends are already serialised by the log-head lock
(events/store.py), a command writes a handful of events, and applying them costs well under a
millisecond, so doing it inline costs little and removes any lag. Reading back from the table rather
than using the decoded events handed to the listener keeps one code path for live and rebuilt read
models and cannot leave a gap: if a projection's checkpoint was behind (a write made without the
listener), the listener applies the missing events first, up to `max_inline_lag` events; beyond
that it leaves the projection at its checkpoint (consistent, but behind) for `catch_up`, rather than
hold every writer for a long replay. A projection whose stored logic version differs from the code's
is likewise left alone until rebuilt. An event type a projection does not know fails the append
(the error names it): it is never skipped.

Catch-up and rebuild
--------------------
`catch_up` applies the log after each checkpoint in position order, a bounded batch per transaction,
holding the checkpoint rows locked (FOR UPDATE on PostgreSQL; the write lock on SQLite) so it
cannot interleave with the listener.

`rebuild` replays from zero into shadow tables (``<table>__rebuild``) created from the table specs
without secondary indexes: stream by stream (each union's events in version order, up to the head
position read at the start), so each union's rows are written once, with bulk inserts, and memory
holds one union at a time (plus a page of events and the rows not yet written). On a long log the
streams are split between processes (`workers`), each writing its own unions' rows; on SQLite a
process does not wait for the write lock while the other holds it, but folds on (`replay_streams`).
Then it catches the shadow tables up in position order, and swaps: under
the log-head lock (appends wait), it applies the last events, drops the live tables, renames the
shadow ones into place, creates (SQLite) or renames (PostgreSQL, built beforehand) the indexes, and
sets the checkpoints, in one transaction. Readers see the old tables or the new ones, never a mix.

`compare_with_rebuild` does the same rebuild but, instead of swapping, brings the live and shadow
tables to the same position under the lock and reports every row that differs.

Rebuilds and comparisons are maintenance operations: run one at a time (they share the shadow
tables' names)."""

from __future__ import annotations

import functools
import gc
import logging
import multiprocessing
import operator
import os
import pickle
import sqlite3
import threading
import time
import tracemalloc
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from queue import Empty
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from events import RecordedEvent
from events import schema as event_schema
from events.db import SQLITE_BUSY_TIMEOUT_S, is_sqlite, make_engine, write_connection
from projections import schema
from projections.base import Folder, Projection, Rows, Writer
from projections.calendar import iso
from projections.errors import ProjectionError, ProjectionOutdated, UnknownEvent
from projections.feed import Ev, StreamPages, head_position, read_after
from projections.models.alerts import Alerts
from projections.models.procedures import Procedures
from projections.models.register import Register
from projections.tree import Tree

log = logging.getLogger("projections")

CLASSES: dict[str, type[Projection[Any]]] = {c.name: c for c in (Register, Procedures, Alerts)}
NAMES: tuple[str, ...] = tuple(CLASSES)
SHADOW_SUFFIX = "__rebuild"
PROGRESS_EVERY = 10_000  # events between a replay process's progress reports


@dataclass(frozen=True)
class Progress:
    """What a long operation has done so far: `phase` is "catch-up", "replay" (a rebuild's
    stream-by-stream pass) or "swap"; `done` and `total` count events."""

    phase: str
    projections: tuple[str, ...]
    done: int
    total: int


ProgressFn = Callable[[Progress], None]


@dataclass(frozen=True)
class ProjectionStatus:
    name: str
    position: int
    head: int
    logic_version: int
    code_logic_version: int

    @property
    def lag(self) -> int:
        return self.head - self.position

    @property
    def needs_rebuild(self) -> bool:
        return self.logic_version != self.code_logic_version


@dataclass
class RebuildReport:
    projections: tuple[str, ...]
    position: int
    events: int
    seconds: float
    rows: dict[str, int] = field(default_factory=dict)
    phases: dict[str, float] = field(default_factory=dict)  # seconds spent in each phase
    peak_memory: int | None = None  # bytes, the largest replay process's peak (trace_memory=True)

    @property
    def events_per_second(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0


@dataclass(frozen=True)
class Difference:
    table: str
    key: tuple[Any, ...]
    what: str  # "only live" | "only rebuilt" | "differs"
    columns: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # column -> (live, rebuilt)

    def __str__(self) -> str:
        if self.what == "differs":
            cols = "; ".join(f"{c}: live={a!r} rebuilt={b!r}" for c, a, b in ((k, *v) for k, v in self.columns.items()))
            return f"{self.table} {self.key}: {cols}"
        return f"{self.table} {self.key}: {self.what}"


@dataclass
class CompareReport:
    position: int
    projections: tuple[str, ...]
    rows_compared: dict[str, int] = field(default_factory=dict)
    differences: list[Difference] = field(default_factory=list)
    more: int = 0  # differences found beyond those listed

    @property
    def ok(self) -> bool:
        return not self.differences

    def __str__(self) -> str:
        if self.ok:
            return f"rebuilt read models equal the live ones at position {self.position} ({self.rows_compared})"
        lines = [f"{len(self.differences) + self.more} difference(s) at position {self.position}:"]
        lines += [f"  {d}" for d in self.differences]
        if self.more:
            lines.append(f"  ... and {self.more} more")
        return "\n".join(lines)


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
        self.names = _check_names(names)
        self.page_size = page_size
        self.batch_events = batch_events
        self.rebuild_page_size = rebuild_page_size
        self.flush_rows = flush_rows
        self.max_inline_lag = max_inline_lag
        # Rebuild processes: the replay is per stream, so streams split cleanly between them.
        self.workers = workers if workers is not None else min(2, os.cpu_count() or 1)
        self.parallel_from = parallel_from
        # Measure the replay's peak Python memory (tracemalloc, in every process; slows it down).
        self.trace_memory = trace_memory
        self._peak_memory = 0
        self._sqlite = is_sqlite(engine)
        self._warned: set[str] = set()
        self._tree = Tree()
        # The listener's per-union states, (projection, org_id) -> the state after the stream's
        # event with that hash (see `_apply_inline`).
        self._cache = _StateCache(cache_unions * len(self.names))
        self._claim_text: dict[tuple[tuple[str, ...], str], str] = {}
        self._inline_sets: dict[tuple[str, ...], tuple[list[Projection[Any]], Folder]] = {}

    # ------------------------------------------------------------------ status

    def status(self) -> list[ProjectionStatus]:
        with self.engine.connect() as conn:
            head = head_position(conn)
            stored = {
                r.name: (int(r.position), int(r.logic_version)) for r in conn.execute(sa.select(schema.checkpoints))
            }
        out = []
        for n in self.names:
            position, version = stored.get(n, (0, CLASSES[n].logic_version))
            out.append(ProjectionStatus(n, position, head, version, CLASSES[n].logic_version))
        return out

    # ------------------------------------------------------------------ live

    def listener(self, conn: Connection, recorded: Sequence[RecordedEvent]) -> None:
        """Apply the events just appended, in the append's transaction (see the module docstring)."""
        if not recorded:
            return
        to = max(r.position for r in recorded)
        names: Sequence[str] = self.names
        first = min(r.position for r in recorded)
        if to - first + 1 == len(recorded):
            # The usual case: every projection was at the position before these events. Move them
            # on in one statement (guarded by the old position and the logic version, so that one
            # a catch-up or a rebuild moved is left to the general path) and fold the events handed
            # to us, with the unions' states from the cache when it has them.
            ordered = sorted(recorded, key=operator.attrgetter("position")) if len(recorded) > 1 else recorded
            claimed = self._apply_inline(conn, names, first - 1, to, ordered)
            if len(claimed) == len(names):
                return
            names = [n for n in names if n not in claimed]
        checkpoints = self._lock_checkpoints(conn, names)
        active: list[tuple[str, int]] = []
        for name in names:
            position, version = checkpoints[name]
            if position >= to:
                continue
            if version != CLASSES[name].logic_version:
                self._warn(
                    name, f"projection {name!r} needs a rebuild (logic v{version}, code v{CLASSES[name].logic_version})"
                )
                continue
            if to - position > self.max_inline_lag:
                self._warn(name, f"projection {name!r} is {to - position} events behind: run catch-up")
                continue
            active.append((name, position))
        if active:
            _, unknown = self._advance(conn, active, to, schema.LIVE)
            if unknown is not None:
                raise unknown  # fails the append: an event no projection can show is not written
            self._set_checkpoint(conn, [name for name, _ in active], to)

    def _claim_sql(self, conn: Connection, names: Sequence[str]) -> str:
        """Move to `to` the checkpoints of those of `names` at `before` and built by the code's
        logic, returning their names. The UPDATE locks the rows as SELECT FOR UPDATE would (on
        PostgreSQL it waits for a catch-up holding them, then checks the guard again). Fixed
        text (the names and logic versions are the code's constants), run on the driver's cursor."""
        key = (tuple(names), conn.dialect.paramstyle)
        sql = self._claim_text.get(key)
        if sql is None:
            mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
            guard = " OR ".join(f"(name = '{n}' AND logic_version = {int(CLASSES[n].logic_version)})" for n in names)
            sql = self._claim_text[key] = (
                f"UPDATE proj_checkpoints SET position = {mark} WHERE position = {mark} AND ({guard}) RETURNING name"
            )
        return sql

    def _inline_set(self, names: Sequence[str]) -> tuple[list[Projection[Any]], Folder]:
        """The projection instances and their dispatcher, made once per set of names (the
        handlers and the dispatch table are the same for every command)."""
        key = tuple(names)
        found = self._inline_sets.get(key)
        if found is None:
            projs = self._instances(names, self._tree)
            found = self._inline_sets[key] = (projs, Folder(projs))
        return found

    def _apply_inline(
        self, conn: Connection, names: Sequence[str], before: int, to: int, recorded: Sequence[RecordedEvent]
    ) -> list[str]:
        """Claim the checkpoints of `names` at `before` (see `_claim_sql`), fold the events just
        appended (position order) into the touched unions' states and write what changed, for the
        projections claimed; returns their names.

        A union's state comes from the cache when the entry reflects exactly its stream up to
        these events: the entry keeps the hash of the last event folded into it, and the first new
        event's `prev_hash` is the hash of the stream's head as committed. An entry left ahead by
        a transaction that rolled back after this ran holds a hash that is no stream head, so it
        is never used. Otherwise the state is loaded from the tables, after the claim (the claim
        waits for a catch-up holding the checkpoints, so what is loaded is what it committed).

        On PostgreSQL, when every state comes from the cache, the claim and the writes go to the
        server in one round trip (pipeline mode) inside a savepoint: the rows written depend on
        the stream alone, and if the claim did not take every checkpoint, the savepoint is rolled
        back and the general path (`listener`) does the work."""
        tree = self._tree
        tree.conn = conn
        cache = self._cache
        evs: list[Ev] = [Ev.from_recorded(r) for r in recorded]
        by_org: dict[str, list[int]] = {}
        for i, ev in enumerate(evs):
            by_org.setdefault(ev.org_id, []).append(i)
        projs, folder = self._inline_set(names)
        # (org_id, projection name) -> the cached entry, for the unions whose entry is current
        hits: dict[tuple[str, str], _Cached] = {}
        fresh_stream: set[str] = set()
        for org_id, idx in by_org.items():
            head = recorded[idx[0]]
            if head.version == 1:
                fresh_stream.add(org_id)  # a new stream: nothing is stored for this union yet
                continue
            for p in projs:
                entry = cache.pop((p.name, org_id))
                if entry is not None and entry.hash == head.prev_hash and entry.version == head.version - 1:
                    hits[org_id, p.name] = entry
        all_hit = len(hits) + len(fresh_stream) * len(projs) == len(by_org) * len(projs)
        dbapi_conn = conn.connection.dbapi_connection
        assert dbapi_conn is not None
        pipelined = not self._sqlite and all_hit and _pipeline_supported(dbapi_conn)
        if pipelined:
            try:
                for ev in evs:
                    folder.entries(ev)  # an unknown type: the general path decides (see listener)
            except UnknownEvent:
                pipelined = False
        sql = self._claim_sql(conn, names)
        cur = dbapi_conn.cursor()
        try:
            if not pipelined:
                cur.execute(sql, (to, before))
                found = {r[0] for r in cur.fetchall()}
                claimed = [n for n in names if n in found]
                if not claimed:
                    return []
                if len(claimed) < len(names):
                    projs, folder = self._inline_set(claimed)
                for ev in evs:
                    folder.entries(ev)  # an unknown type fails the append here, before anything is written
                writes = self._fold_inline(conn, projs, folder, by_org, evs, recorded, hits, fresh_stream)
                writer = Writer(conn)
                try:
                    with _batch(dbapi_conn, not self._sqlite):
                        fresh = writes(writer)
                finally:
                    writer.close()
            else:
                claimed = list(names)
                writes = self._fold_inline(conn, projs, folder, by_org, evs, recorded, hits, fresh_stream)
                writer = Writer(conn)
                try:
                    with dbapi_conn.pipeline():
                        writer.cursor.execute("SAVEPOINT unionflow_inline")
                        cur.execute(sql, (to, before))
                        fresh = writes(writer)
                    found = {r[0] for r in cur.fetchall()}
                    if len(found) < len(names):
                        writer.cursor.execute("ROLLBACK TO SAVEPOINT unionflow_inline")
                        return []
                finally:
                    writer.close()
        finally:
            cur.close()
        for slot, value in fresh:
            cache.put(slot, value)
        return claimed

    def _fold_inline(
        self,
        conn: Connection,
        projs: Sequence[Projection[Any]],
        folder: Folder,
        by_org: Mapping[str, list[int]],
        evs: Sequence[Ev],
        recorded: Sequence[RecordedEvent],
        hits: Mapping[tuple[str, str], _Cached],
        fresh_stream: set[str],
    ) -> Callable[[Writer], list[tuple[tuple[str, str], _Cached]]]:
        """Load what the cache lacks, fold, render; returns the writes to run (so that they can
        be sent together) which return the new cache entries."""
        tables = schema.LIVE
        states: dict[tuple[int, str], Any] = {}
        old_rows: dict[tuple[int, str], Rows | None] = {}
        misses: dict[int, list[str]] = {}
        for org_id in by_org:
            for i, p in enumerate(projs):
                entry = hits.get((org_id, p.name))
                if entry is not None:
                    states[i, org_id], old_rows[i, org_id] = entry.state, entry.rows
                elif org_id in fresh_stream:
                    states[i, org_id], old_rows[i, org_id] = p.new(org_id), {}
                else:
                    misses.setdefault(i, []).append(org_id)
        owners: dict[str, list[str]] = {}
        for i, org_ids in misses.items():
            p = projs[i]
            loaded = p.load(conn, tables, org_ids)
            for org_id in org_ids:
                state = loaded.get(org_id)
                if state is None:
                    state = p.new(org_id)
                else:
                    for t in p.table_names:
                        key = p.owner(state, t)
                        if key is not None:
                            owners.setdefault(t, []).append(key)
                states[i, org_id], old_rows[i, org_id] = state, None  # None: replace the stored rows
        # (table, the union's stored rows or None to replace them all, its new rows)
        plan: list[tuple[str, list[tuple[Any, ...]] | None, list[tuple[Any, ...]]]] = []
        fresh: list[tuple[tuple[str, str], _Cached]] = []
        dispatch = folder.dispatch
        for org_id, idx in by_org.items():
            union_states = [states[i, org_id] for i in range(len(projs))]
            union_evs = [evs[j] for j in idx]
            folder.fold(union_states, union_evs)
            folder.finish(union_states, union_evs[-1].version)
            touched = {i for ev in union_evs for i, _ in dispatch[ev.type]}
            last = recorded[idx[-1]]
            for i, p in enumerate(projs):
                old = old_rows[i, org_id]
                if i not in touched and (org_id, p.name) in hits and not _finishes[type(p)]:
                    assert old is not None
                    # No handler of this projection ran and it has nothing to do at the end of a
                    # batch: its state, so its rows, are as they were.
                    fresh.append(((p.name, org_id), _Cached(last.hash, last.version, union_states[i], old)))
                    continue
                rows = p.render(union_states[i])
                for t in p.table_names:
                    plan.append((t, None if old is None else old.get(t, []), rows.get(t, [])))
                fresh.append(((p.name, org_id), _Cached(last.hash, last.version, union_states[i], rows)))

        def write(writer: Writer) -> list[tuple[tuple[str, str], _Cached]]:
            for t, keys in owners.items():
                writer.delete_owned(tables[t], schema.SPECS[t].owner, keys)
            for t, old, new in plan:
                if old is None:
                    writer.insert(tables[t], new)
                else:
                    writer.replace_changed(tables[t], old, new)
            return fresh

        return write

    def catch_up(self, progress: ProgressFn | None = None, names: Sequence[str] | None = None) -> dict[str, int]:
        """Apply everything after each checkpoint; returns the positions reached."""
        names = _check_names(names) if names is not None else self.names
        self._cache.clear()  # not needed for correctness (see `_apply_inline`), but cheap
        reached: dict[str, int] = {}
        first: int | None = None
        while True:
            with self._write() as conn:
                checkpoints = self._lock_checkpoints(conn, names)
                outdated = [n for n in names if checkpoints[n][1] != CLASSES[n].logic_version]
                if outdated:
                    raise ProjectionOutdated(
                        f"projection(s) {', '.join(outdated)} were built by other projection logic: rebuild them"
                    )
                head = head_position(conn)
                active = [(n, checkpoints[n][0]) for n in names if checkpoints[n][0] < head]
                reached = {n: checkpoints[n][0] for n in names}
                if not active:
                    return reached
                start = min(p for _, p in active)
                if first is None:
                    first = start
                to = min(head, start + self.batch_events)
                to, unknown = self._advance(conn, active, to, schema.LIVE)
                for name, position in active:
                    if position < to:
                        self._set_checkpoint(conn, name, to)
                        reached[name] = to
            # Committed up to the event before an unknown one; then stop, naming it.
            if unknown is not None:
                raise unknown
            if progress is not None:
                progress(Progress("catch-up", names, to - first, head - first))

    # ------------------------------------------------------------------ rebuild

    def rebuild(self, names: Sequence[str] | None = None, progress: ProgressFn | None = None) -> RebuildReport:
        """Replay the whole log into fresh tables and swap them in (see the module docstring)."""
        names = _check_names(names) if names is not None else self.names
        started = time.perf_counter()
        phases: dict[str, float] = {}
        shadow = self._create_shadow(names)
        try:
            position, events = self._build_shadow(names, shadow, progress, phases)
            mark = time.perf_counter()
            with self._write() as conn:
                self._lock_log(conn)
                position = self._shadow_catch_up(conn, names, shadow, position)
                self._lock_checkpoints(conn, names)
                if progress is not None:
                    progress(Progress("swap", names, events, events))
                self._swap(conn, shadow)
                for name in names:
                    self._set_checkpoint(conn, name, position, CLASSES[name].logic_version)
            phases["swap"] = time.perf_counter() - mark
            self._cache.clear()
            seconds = time.perf_counter() - started
            rows = self._count_rows(list(shadow))
        except BaseException:
            self._drop_shadow(shadow)
            raise
        peak = self._peak_memory if self.trace_memory else None
        return RebuildReport(names, position, events, seconds, rows, phases, peak)

    def compare_with_rebuild(self, names: Sequence[str] | None = None, *, limit: int = 50) -> CompareReport:
        """Rebuild into shadow tables, bring live and shadow to the same position, and report every
        row that differs (the live tables are caught up; nothing is swapped)."""
        names = _check_names(names) if names is not None else self.names
        shadow = self._create_shadow(names)
        try:
            position, _ = self._build_shadow(names, shadow, None)
            with self._write() as conn:
                self._lock_log(conn)
                position = self._shadow_catch_up(conn, names, shadow, position)
                checkpoints = self._lock_checkpoints(conn, names)
                behind = [(n, checkpoints[n][0]) for n in names if checkpoints[n][0] < position]
                if behind:
                    _, unknown = self._advance(conn, behind, position, schema.LIVE)
                    if unknown is not None:
                        raise unknown
                    for n, _ in behind:
                        self._set_checkpoint(conn, n, position)
                report = CompareReport(position, names)
                for live_name, table in shadow.items():
                    self._compare_table(conn, schema.LIVE[live_name], table, report, limit)
            return report
        finally:
            self._drop_shadow(shadow)

    # ------------------------------------------------------------------ internals: applying

    def _instances(self, names: Sequence[str], tree: Tree) -> list[Projection[Any]]:
        return [CLASSES[n](tree) for n in names]

    def _advance(
        self, conn: Connection, active: Sequence[tuple[str, int]], to: int, tables: Mapping[str, sa.Table]
    ) -> tuple[int, UnknownEvent | None]:
        """Apply the events after each projection's position up to `to`, page by page. Stops
        before the first event a projection does not know: returns the position reached (the
        event before it) and the error for the caller to raise once that much is committed."""
        # Places in the tree never change, so what the tree learnt serves every later batch.
        tree = self._tree
        tree.conn = conn
        instances = dict(zip((n for n, _ in active), self._instances([n for n, _ in active], tree), strict=True))
        known = {name: p.known() for name, p in instances.items()}
        positions = dict(active)
        cur = min(positions.values())
        while cur < to:
            page = read_after(conn, cur, to, self.page_size)
            if not page:
                raise ProjectionError(f"the event log has no events after position {cur} up to {to}")
            unknown = next(
                (
                    UnknownEvent(name, e.type, e.position, e.stream_id)
                    for e in page
                    for name in instances
                    if e.type not in known[name] and e.position > positions[name]
                ),
                None,
            )
            if unknown is not None:
                page = [e for e in page if e.position < unknown.position]
                if not page:
                    return cur, unknown
            # Projections at the same position take the same events; one ahead skips what it has.
            groups: dict[int, list[Projection[Any]]] = {}
            for name, pos in positions.items():
                groups.setdefault(max(pos, cur), []).append(instances[name])
            for after, projs in groups.items():
                events = page if after <= cur else [e for e in page if e.position > after]
                if events:
                    apply_batch(conn, projs, tables, events)
            cur = page[-1].position
            positions = {n: max(p, cur) for n, p in positions.items()}
            if unknown is not None:
                return cur, unknown
        return to, None

    def _lock_checkpoints(self, conn: Connection, names: Sequence[str]) -> dict[str, tuple[int, int]]:
        cp = schema.checkpoints
        q = sa.select(cp.c.name, cp.c.position, cp.c.logic_version).where(cp.c.name.in_(names))
        if not self._sqlite:
            q = q.with_for_update()
        found = {r.name: (int(r.position), int(r.logic_version)) for r in conn.execute(q)}
        for name in names:
            if name not in found:
                # A projection added after the database was set up starts empty, at position 0.
                conn.execute(sa.insert(cp).values(name=name, position=0, logic_version=CLASSES[name].logic_version))
                found[name] = (0, CLASSES[name].logic_version)
        return found

    def _set_checkpoint(
        self, conn: Connection, names: str | Sequence[str], position: int, version: int | None = None
    ) -> None:
        values: dict[str, int] = {"position": position}
        if version is not None:
            values["logic_version"] = version
        names = [names] if isinstance(names, str) else list(names)
        conn.execute(sa.update(schema.checkpoints).where(schema.checkpoints.c.name.in_(names)).values(**values))

    def _lock_log(self, conn: Connection) -> None:
        # The same lock every append takes first (events/store.py): while we hold it nothing is
        # appended. On SQLite the write transaction already excludes every other writer.
        if not self._sqlite:
            lh = event_schema.log_head
            conn.execute(sa.select(lh.c.position).where(lh.c.id == 1).with_for_update())

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with write_connection(self.engine) as conn, conn.begin():
            yield conn

    def _warn(self, key: str, message: str) -> None:
        if key not in self._warned:
            self._warned.add(key)
            log.warning(message)

    # ------------------------------------------------------------------ internals: shadow tables

    def _create_shadow(self, names: Sequence[str]) -> dict[str, sa.Table]:
        md = sa.MetaData()
        shadow = {
            t: schema.SPECS[t].build(md, t + SHADOW_SUFFIX, indexes=False)
            for n in names
            for t in CLASSES[n].table_names
        }
        with self.engine.begin() as conn:
            for table in shadow.values():
                table.drop(conn, checkfirst=True)
                table.create(conn)
        return shadow

    def _drop_shadow(self, shadow: Mapping[str, sa.Table]) -> None:
        try:
            with self.engine.begin() as conn:
                for table in shadow.values():
                    table.drop(conn, checkfirst=True)
        except Exception:  # pragma: no cover - best effort after another failure
            log.exception("could not drop the shadow tables")

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
        if not self._sqlite:
            # PostgreSQL: build the indexes now under temporary names; the swap only renames them.
            with self.engine.begin() as conn:
                for live_name, table in shadow.items():
                    for ix in schema.SPECS[live_name].indexes:
                        sa.Index(ix.name + SHADOW_SUFFIX, *(table.c[c] for c in ix.columns), unique=ix.unique).create(
                            conn
                        )
        phases["indexes"] = time.perf_counter() - mark
        mark = time.perf_counter()
        position = head
        while True:
            with self._write() as conn:
                head_now = head_position(conn)
                if head_now - position <= self.page_size:
                    phases["catch-up"] = time.perf_counter() - mark
                    return position, events
                position = self._shadow_catch_up(conn, names, shadow, position, limit=self.batch_events)

    def _replay(
        self, names: tuple[str, ...], shadow: Mapping[str, sa.Table], head: int, progress: ProgressFn | None
    ) -> int:
        """The stream-by-stream replay, split over `workers` processes (each a range of streams,
        each writing its own unions' rows) when the log is long enough to pay for them."""

        def report(done: int) -> None:
            if progress is not None:
                progress(Progress("replay", names, done, head))

        workers = self.workers if head >= self.parallel_from else 1
        in_memory = self._sqlite and (self.engine.url.database or ":memory:") == ":memory:"
        if workers > 1 and not in_memory:
            with self.engine.connect() as conn:
                cuts = split_streams(conn, workers)
            if cuts:
                return self._replay_parallel(names, shadow, head, [None, *cuts], [*cuts, None], report)
        with _traced(self.trace_memory) as peak:
            done = replay_streams(self.engine, names, shadow, head, report, self.rebuild_page_size, self.flush_rows)
        self._peak_memory = peak[0]
        return done

    def _replay_parallel(
        self,
        names: tuple[str, ...],
        shadow: Mapping[str, sa.Table],
        head: int,
        lows: list[str | None],
        highs: list[str | None],
        report: Callable[[int], None],
    ) -> int:
        # fork is cheap and safe while this process runs no other thread; otherwise spawn.
        method = "fork" if os.name == "posix" and threading.active_count() == 1 else "spawn"
        ctx: Any = multiprocessing.get_context(method)
        queue = ctx.Queue()
        url = self.engine.url.render_as_string(hide_password=False)
        shadow_names = {live: t.name for live, t in shadow.items()}
        procs = [
            ctx.Process(
                target=_replay_worker,
                args=(
                    i,
                    url,
                    names,
                    shadow_names,
                    head,
                    self.rebuild_page_size,
                    self.flush_rows,
                    lo,
                    hi,
                    queue,
                    self.trace_memory,
                ),
                daemon=True,
            )
            for i, (lo, hi) in enumerate(zip(lows, highs, strict=True))
        ]
        for proc in procs:
            proc.start()
        done = [0] * len(procs)
        finished = [False] * len(procs)
        error: BaseException | None = None
        try:
            while not all(finished):
                try:
                    kind, index, value = queue.get(timeout=1.0)
                except Empty:
                    for i, proc in enumerate(procs):
                        if not finished[i] and not proc.is_alive() and queue.empty():
                            finished[i] = True
                            error = error or ProjectionError(f"rebuild worker {i} died (exit code {proc.exitcode})")
                    continue
                if kind == "progress":
                    done[index] = value
                    report(sum(done))
                elif kind == "done":
                    (done[index], peak), finished[index] = value, True
                    self._peak_memory = max(self._peak_memory, peak)
                else:
                    finished[index] = True
                    error = error or value
                if error is not None:
                    break
        finally:
            for proc in procs:
                if error is not None and proc.is_alive():
                    proc.terminate()
                proc.join()
        if error is not None:
            raise error
        return sum(done)

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
            _, unknown = self._advance(conn, [(n, position) for n in names], to, shadow)
            if unknown is not None:
                raise unknown
        return to

    def _swap(self, conn: Connection, shadow: Mapping[str, sa.Table]) -> None:
        q = conn.dialect.identifier_preparer.quote
        for live_name, table in shadow.items():
            conn.exec_driver_sql(f"DROP TABLE {q(live_name)}")
            conn.exec_driver_sql(f"ALTER TABLE {q(table.name)} RENAME TO {q(live_name)}")
            if self._sqlite:
                for index in schema.LIVE[live_name].indexes:
                    index.create(conn)
            else:
                conn.exec_driver_sql(f"ALTER INDEX {q(table.name + '_pkey')} RENAME TO {q(live_name + '_pkey')}")
                for spec in schema.SPECS[live_name].indexes:
                    conn.exec_driver_sql(f"ALTER INDEX {q(spec.name + SHADOW_SUFFIX)} RENAME TO {q(spec.name)}")

    def _count_rows(self, tables: Sequence[str]) -> dict[str, int]:
        with self.engine.connect() as conn:
            return {
                t: int(conn.execute(sa.select(sa.func.count()).select_from(schema.LIVE[t])).scalar() or 0)
                for t in tables
            }

    def _compare_table(
        self, conn: Connection, live: sa.Table, rebuilt: sa.Table, report: CompareReport, limit: int
    ) -> None:
        key_cols = [c.name for c in live.primary_key.columns]
        names = [c.name for c in live.columns]
        dates = {c.name for c in live.columns if isinstance(c.type, sa.Date)}

        def rows(table: sa.Table) -> Iterator[tuple[tuple[Any, ...], dict[str, Any]]]:
            q = sa.select(*(table.c[n] for n in names)).order_by(*(table.c[k] for k in key_cols))
            for r in conn.execution_options(yield_per=2000).execute(q):
                row = {n: (iso(v) if n in dates else v) for n, v in zip(names, r, strict=True)}
                yield tuple(row[k] for k in key_cols), row

        count = 0

        def note(diff: Difference) -> None:
            if len(report.differences) < limit:
                report.differences.append(diff)
            else:
                report.more += 1

        a_iter, b_iter = rows(live), rows(rebuilt)
        a, b = next(a_iter, None), next(b_iter, None)
        while a is not None or b is not None:
            count += 1
            if b is None or (a is not None and a[0] < b[0]):
                assert a is not None
                note(Difference(live.name, a[0], "only live"))
                a = next(a_iter, None)
            elif a is None or b[0] < a[0]:
                note(Difference(live.name, b[0], "only rebuilt"))
                b = next(b_iter, None)
            else:
                diff = {n: (a[1][n], b[1][n]) for n in names if a[1][n] != b[1][n]}
                if diff:
                    note(Difference(live.name, a[0], "differs", diff))
                a, b = next(a_iter, None), next(b_iter, None)
        report.rows_compared[live.name] = count


@dataclass(frozen=True)
class _Cached:
    hash: str  # of the last event folded into `state`
    version: int  # its version in the stream
    state: Any
    rows: Rows  # what `state` rendered: the union's rows as stored


class _StateCache:
    """A bounded LRU of `_Cached` entries."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[tuple[str, str], _Cached] = OrderedDict()

    def pop(self, key: tuple[str, str]) -> _Cached | None:
        return self._entries.pop(key, None)

    def put(self, key: tuple[str, str], value: _Cached) -> None:
        if self.size <= 0:
            return
        entries = self._entries
        entries[key] = value
        entries.move_to_end(key)
        while len(entries) > self.size:
            entries.popitem(last=False)

    def clear(self) -> None:
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


# Projections whose `finish` does something (it runs even when no handler did).
_finishes: dict[type[Projection[Any]], bool] = {c: c.finish is not Projection.finish for c in CLASSES.values()}


def _pipeline_supported(dbapi_conn: Any) -> bool:
    if getattr(type(dbapi_conn), "pipeline", None) is None:
        return False
    return _libpq_pipeline()


@functools.cache
def _libpq_pipeline() -> bool:
    import psycopg

    return bool(psycopg.Pipeline.is_supported())


def _batch(dbapi_conn: Any, enabled: bool) -> Any:
    """psycopg 3's pipeline mode (the statements in one round trip) when enabled and available."""
    if enabled and _pipeline_supported(dbapi_conn):
        return dbapi_conn.pipeline()
    return nullcontext()


def apply_batch(
    conn: Connection, projs: Sequence[Projection[Any]], tables: Mapping[str, sa.Table], events: Sequence[Ev]
) -> None:
    """Fold a batch of events (any unions, log order) into the stored states and replace the
    touched unions' rows."""
    folder = Folder(projs)
    by_org: dict[str, list[Ev]] = {}
    for ev in events:
        folder.entries(ev)  # an unknown type stops here, before anything is written
        by_org.setdefault(ev.org_id, []).append(ev)
    org_ids = list(by_org)
    loaded = [p.load(conn, tables, org_ids) for p in projs]
    writer = Writer(conn)
    out: dict[str, list[tuple[Any, ...]]] = {t: [] for p in projs for t in p.table_names}
    owners: dict[str, list[str]] = {t: [] for t in out}
    for org_id, evs in by_org.items():
        states = []
        for i, p in enumerate(projs):
            state = loaded[i].get(org_id)
            if state is None:
                state = p.new(org_id)  # nothing stored for this union yet: nothing to replace
            else:
                for t in p.table_names:
                    key = p.owner(state, t)  # before the fold: the rows stored now
                    if key is not None:
                        owners[t].append(key)
            states.append(state)
        folder.fold(states, evs)
        folder.finish(states, evs[-1].version)
        for i, p in enumerate(projs):
            for t, rows in p.render(states[i]).items():
                out[t].extend(rows)
    for t, keys in owners.items():
        if keys:
            writer.delete_owned(tables[t], schema.SPECS[t].owner, keys)
    for t, rows in out.items():
        writer.insert(tables[t], rows)


def replay_streams(
    engine: Engine,
    names: Sequence[str],
    tables: Mapping[str, sa.Table],
    to_position: int,
    progress: Callable[[int], None] | None,
    page_size: int,
    flush_rows: int,
    low: str | None = None,
    high: str | None = None,
    *,
    hold_rows: int | None = None,
) -> int:
    """Fold every stream (of those in [low, high) when given) from its first event, up to
    `to_position`, writing each union's rows once into `tables` (which hold nothing of these
    streams yet). `progress` gets the events replayed so far. Returns the number of events.

    Rows are written `flush_rows` at a time; while another writer holds SQLite's write lock,
    up to `hold_rows` (default twice `flush_rows`) are kept before waiting for it."""
    tree = Tree()
    projs = [CLASSES[n](tree) for n in names]
    folder = Folder(projs)
    dispatch = folder.dispatch
    buffers: dict[str, list[tuple[Any, ...]]] = {t: [] for p in projs for t in p.table_names}
    done = buffered = reported = 0
    hold = hold_rows if hold_rows is not None else 2 * flush_rows
    gc_was_enabled = gc.isenabled()
    # Nothing here makes reference cycles; the collector would only rescan the growing buffers.
    gc.disable()
    try:
        with engine.connect() as read, write_connection(engine) as write:
            sqlite = is_sqlite(engine)
            if sqlite:
                # Stream order reads rows out of position order: let SQLite map the file instead
                # of copying pages through its small cache. The shadow tables are thrown away if
                # anything fails before the swap, so their writes need not wait for the disk
                # (the swap itself commits with the engine's usual durability).
                _pragma(read, "mmap_size=4294967296")
                _pragma(write, "synchronous=NORMAL")
                _pragma(write, "cache_size=-65536")
            tree.conn = read
            writer = Writer(write)

            # Tables not keyed by union (proj_alerts: by path) get each batch in key order, so
            # that the inserts walk their b-tree forwards rather than at random.
            sort_keys = {
                t: operator.itemgetter(*(cols.index(c) for c in schema.SPECS[t].primary_key))
                for t in buffers
                if schema.SPECS[t].owner != "org_id"
                for cols in ([c.name for c in tables[t].columns],)
            }

            def write_buffers() -> None:
                for t, rows in buffers.items():
                    if t in sort_keys:
                        rows.sort(key=sort_keys[t])
                    writer.insert(tables[t], rows)
                    rows.clear()

            def flush(wait: bool) -> bool:
                """Write the buffered rows in one transaction; returns False, having written
                nothing, when `wait` is off and the other replay process holds SQLite's write
                lock (it is writing its own buffers: fold on and try again after the next page,
                rather than sleep in the busy handler; measured: up to 0.4 s a rebuild)."""
                if wait or not sqlite:
                    with write.begin():  # BEGIN IMMEDIATE on SQLite (write_connection)
                        write_buffers()
                    return True
                # The same transaction, tried once: the busy handler off for BEGIN only.
                driver = write.connection.driver_connection
                assert driver is not None
                driver.execute("PRAGMA busy_timeout=0")
                try:
                    driver.execute("BEGIN IMMEDIATE")
                except sqlite3.OperationalError:
                    return False
                finally:
                    driver.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_TIMEOUT_S * 1000)}")
                try:
                    write_buffers()
                    driver.execute("COMMIT")
                except BaseException:
                    driver.execute("ROLLBACK")
                    raise
                return True

            def finish(states: list[Any], version: int) -> int:
                folder.finish(states, version)
                n = 0
                for i, p in enumerate(projs):
                    for t, rows in p.render(states[i]).items():
                        buffers[t].extend(rows)
                        n += len(rows)
                return n

            after: tuple[str, int] | None = None
            stream: str | None = None
            states: list[Any] = []
            version = 0
            pages = StreamPages(read, to_position, low=low, high=high)
            while True:
                page = pages.after(after, page_size)
                read.rollback()  # end the read transaction: never hold a snapshot across pages
                if not page:
                    break
                for ev in page:
                    if ev.stream_id != stream:
                        if stream is not None:
                            buffered += finish(states, version)
                        stream = ev.stream_id
                        states = folder.new_states(ev.org_id)
                    entries = dispatch.get(ev.type)
                    if entries is None:
                        entries = folder.entries(ev)
                    for i, handler in entries:
                        handler(states[i], ev)
                    version = ev.version
                last = page[-1]
                after = (last.stream_id, last.version)
                done += len(page)
                # Up to `hold` rows buffered while the other process writes (see flush).
                if buffered >= flush_rows and flush(wait=buffered >= hold):
                    buffered = 0
                if progress is not None and done - reported >= PROGRESS_EVERY:
                    # Not every page: each report wakes the parent, on a core the replay uses.
                    progress(done)
                    reported = done
            if stream is not None:
                finish(states, version)
            flush(wait=True)
            if progress is not None and done > reported:
                progress(done)
            if sqlite:
                _pragma(write, "synchronous=FULL")
                _pragma(write, "cache_size=-2000")
                _pragma(read, "mmap_size=0")
    finally:
        if gc_was_enabled:
            gc.enable()
    return done


def _pragma(conn: Connection, setting: str) -> None:
    # Outside any transaction (SQLite refuses some settings inside one), on the driver's connection.
    conn.connection.driver_connection.execute(f"PRAGMA {setting}")  # type: ignore[union-attr]


def _replay_worker(
    index: int,
    url: str,
    names: Sequence[str],
    shadow: Mapping[str, str],
    to_position: int,
    page_size: int,
    flush_rows: int,
    low: str | None,
    high: str | None,
    queue: Any,
    trace_memory: bool = False,
) -> None:
    """One process of a parallel rebuild: replays the streams in [low, high)."""
    try:
        engine = make_engine(url)
        md = sa.MetaData()
        tables = {live: schema.SPECS[live].build(md, name, indexes=False) for live, name in shadow.items()}
        try:
            with _traced(trace_memory) as peak:
                done = replay_streams(
                    engine,
                    names,
                    tables,
                    to_position,
                    lambda n: queue.put(("progress", index, n)),
                    page_size,
                    flush_rows,
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


@contextmanager
def _traced(enabled: bool) -> Iterator[list[int]]:
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


def split_streams(conn: Connection, parts: int) -> list[str]:
    """Stream ids that cut the log into `parts` ranges of about as many events each."""
    st = event_schema.streams
    total = int(conn.execute(sa.select(sa.func.coalesce(sa.func.sum(st.c.version), 0))).scalar() or 0)
    cuts: list[str] = []
    if parts < 2 or total == 0:
        return cuts
    running = 0
    target = total / parts
    q = sa.select(st.c.stream_id, st.c.version).order_by(st.c.stream_id)
    for stream_id, version in conn.execution_options(yield_per=10_000).execute(q):
        if running >= target * (len(cuts) + 1):
            cuts.append(stream_id)
            if len(cuts) == parts - 1:
                break
        running += version
    return cuts


def _check_names(names: Sequence[str] | None) -> tuple[str, ...]:
    if names is None:
        return NAMES
    unknown = [n for n in names if n not in CLASSES]
    if unknown:
        raise ValueError(f"unknown projection(s) {', '.join(unknown)}; known: {', '.join(NAMES)}")
    # Always in the canonical order, so that batches apply projections the same way every time.
    return tuple(n for n in NAMES if n in names)
