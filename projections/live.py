"""Read-your-writes: the append listener.

`Live` is an `events.store.AppendListener` (through `Projections.listener`): the store calls it
inside the append transaction, after the events are inserted and before commit. It folds the
events into the touched unions' states (`projections.apply`, the same fold catch-up and a
rebuild's catch-up use), writes what changed and moves the checkpoints, all in that transaction.
The command and its effect on every read model commit together or not at all, so a reader never
sees a command without its effect.

Why this way rather than a follower process: appends are already serialised by the log-head lock
(events/store.py), a command writes a handful of events, and applying them costs well under a
millisecond, so doing it inline costs little and removes any lag.

The usual case: every projection is at the position before these events. The listener claims
their checkpoints in one guarded statement and folds the events handed to it, with the unions'
states from its cache when the cache has them. Otherwise (a write made without the listener left
a checkpoint behind) it reads the missing events back from the events table, through the same
connection, and applies them by `projections.apply.advance`, up to `max_inline_lag` events; beyond
that it leaves the projection at its checkpoint (consistent, but behind) for `catch_up`, rather
than hold every writer for a long replay. A projection whose stored logic version differs from the
code's is likewise left alone until rebuilt. An event type a projection does not know fails the
append (the error names it): it is never skipped."""

from __future__ import annotations

import functools
import logging
import operator
from collections import OrderedDict
from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection

from events import RecordedEvent
from projections import checkpoints, schema
from projections.apply import BatchPlan, Known, advance
from projections.base import Folder, Projection, Writer
from projections.checkpoints import CLASSES
from projections.errors import UnknownEvent
from projections.feed import Ev, org_of
from projections.tree import Tree

log = logging.getLogger("projections")


@dataclass(frozen=True)
class Cached(Known):
    """A union's state after the stream's event with `hash` (at `version`), and its rows."""

    hash: str
    version: int


class StateCache:
    """A bounded LRU of `Cached` entries, by (projection, org_id)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[tuple[str, str], Cached] = OrderedDict()

    def pop(self, key: tuple[str, str]) -> Cached | None:
        return self._entries.pop(key, None)

    def put(self, key: tuple[str, str], value: Cached) -> None:
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


@dataclass
class _Held:
    """What the cache holds of the unions an append touches."""

    known: dict[tuple[str, str], Known]  # (org_id, projection) -> the cached entry, when current
    last: dict[str, RecordedEvent]  # org_id -> its last event of the append
    complete: bool  # every union's state is known (cached, or a new stream)


class Live:
    """The listener's state: its cache of union states, its tree, and what it made once per set
    of projection names."""

    def __init__(
        self, names: Sequence[str], *, sqlite: bool, cache_size: int, max_inline_lag: int, page_size: int
    ) -> None:
        self.names = names
        self.sqlite = sqlite
        self.max_inline_lag = max_inline_lag
        self.page_size = page_size
        self.tree = Tree()
        # (projection, org_id) -> the state after the stream's event with that hash (see `_held`).
        self.cache = StateCache(cache_size)
        self._claim = checkpoints.ClaimSql()
        self._sets: dict[tuple[str, ...], tuple[list[Projection[Any]], Folder]] = {}
        self._warned: set[str] = set()

    def listen(self, conn: Connection, recorded: Sequence[RecordedEvent]) -> None:
        """Apply the events just appended, in the append's transaction (see the module docstring)."""
        if not recorded:
            return
        to = max(r.position for r in recorded)
        names: Sequence[str] = self.names
        first = min(r.position for r in recorded)
        if to - first + 1 == len(recorded):
            ordered = sorted(recorded, key=operator.attrgetter("position")) if len(recorded) > 1 else recorded
            claimed = self._apply_inline(conn, first - 1, to, ordered)
            if len(claimed) == len(names):
                return
            names = [n for n in names if n not in claimed]
        self._apply_from_log(conn, names, to)

    def _apply_from_log(self, conn: Connection, names: Sequence[str], to: int) -> None:
        """The general path: each projection from its own checkpoint, reading the log back."""
        stored = checkpoints.lock(conn, names)
        active: list[tuple[str, int]] = []
        for name in names:
            position, version = stored[name]
            code_version = CLASSES[name].logic_version
            if position >= to:
                continue
            if version != code_version:
                self._warn(name, f"projection {name!r} needs a rebuild (logic v{version}, code v{code_version})")
                continue
            if to - position > self.max_inline_lag:
                self._warn(name, f"projection {name!r} is {to - position} events behind: run catch-up")
                continue
            active.append((name, position))
        if active:
            _, unknown = advance(conn, self.tree, active, to, schema.LIVE, self.page_size)
            if unknown is not None:
                raise unknown  # fails the append: an event no projection can show is not written
            checkpoints.move(conn, [name for name, _ in active], to)

    def _projection_set(self, names: Sequence[str]) -> tuple[list[Projection[Any]], Folder]:
        """The projection instances and their dispatcher, made once per set of names (the
        handlers and the dispatch table are the same for every command)."""
        key = tuple(names)
        found = self._sets.get(key)
        if found is None:
            projs = [CLASSES[n](self.tree) for n in names]
            found = self._sets[key] = (projs, Folder(projs))
        return found

    def _held(self, recorded: Sequence[RecordedEvent], projs: Sequence[Projection[Any]]) -> _Held:
        """The cached states that reflect exactly each union's stream up to these events: an
        entry keeps the hash of the last event folded into it, and the first new event's
        `prev_hash` is the hash of the stream's head as committed. An entry left ahead by a
        transaction that rolled back after it was made holds a hash that is no stream head, so it
        is never used."""
        first: dict[str, RecordedEvent] = {}
        last: dict[str, RecordedEvent] = {}
        for r in recorded:
            org_id = org_of(r.stream_id)
            first.setdefault(org_id, r)
            last[org_id] = r
        known: dict[tuple[str, str], Known] = {}
        fresh = 0
        for org_id, head in first.items():
            if head.version == 1:
                fresh += 1  # a new stream: nothing is stored for this union yet
                continue
            for p in projs:
                entry = self.cache.pop((p.name, org_id))
                if entry is not None and entry.hash == head.prev_hash and entry.version == head.version - 1:
                    known[org_id, p.name] = entry
        complete = len(known) + fresh * len(projs) == len(first) * len(projs)
        return _Held(known, last, complete)

    def _apply_inline(self, conn: Connection, before: int, to: int, recorded: Sequence[RecordedEvent]) -> list[str]:
        """Claim the checkpoints at `before` (see `checkpoints.ClaimSql`), fold the events just
        appended (position order) and write what changed, for the projections claimed; returns
        their names. A union's state comes from the cache when it is current (see `_held`),
        otherwise from the tables, loaded after the claim (the claim waits for a catch-up holding
        the checkpoints, so what is loaded is what it committed).

        On PostgreSQL, when every state comes from the cache, the claim and the writes go to the
        server in one round trip (pipeline mode) inside a savepoint: the rows written depend on
        the stream alone, and if the claim did not take every checkpoint, the savepoint is rolled
        back and the general path (`listen`) does the work."""
        self.tree.conn = conn
        evs = [Ev.from_recorded(r) for r in recorded]
        projs, folder = self._projection_set(self.names)
        held = self._held(recorded, projs)
        dbapi_conn = conn.connection.dbapi_connection
        assert dbapi_conn is not None
        pipelined = not self.sqlite and held.complete and _pipeline_supported(dbapi_conn) and _all_known(folder, evs)
        sql = self._claim.for_names(conn, self.names)
        cur = dbapi_conn.cursor()
        try:
            if pipelined:
                plan = BatchPlan(conn, projs, folder, schema.LIVE).fold(evs, held.known)
                if not self._claim_pipelined(conn, dbapi_conn, cur, sql, plan, before, to):
                    return []
                claimed = list(self.names)
            else:
                cur.execute(sql, (to, before))
                found = {r[0] for r in cur.fetchall()}
                claimed = [n for n in self.names if n in found]
                if not claimed:
                    return []
                if len(claimed) < len(self.names):
                    projs, folder = self._projection_set(claimed)
                plan = BatchPlan(conn, projs, folder, schema.LIVE).fold(evs, held.known)
                writer = Writer(conn, defer_copies=True)
                try:
                    with _batch(dbapi_conn, not self.sqlite):
                        plan.write(writer)
                    writer.copy_deferred()
                finally:
                    writer.close()
        finally:
            cur.close()
        for f in plan.folded:
            last = held.last[f.org_id]
            self.cache.put((f.projection, f.org_id), Cached(f.state, f.rows, last.hash, last.version))
        return claimed

    def _claim_pipelined(
        self, conn: Connection, dbapi_conn: Any, cur: Any, sql: str, plan: BatchPlan, before: int, to: int
    ) -> bool:
        """The claim and the writes in one round trip, inside a savepoint rolled back (returning
        False) unless the claim took every checkpoint."""
        writer = Writer(conn, defer_copies=True)
        try:
            with dbapi_conn.pipeline():
                writer.cursor.execute("SAVEPOINT unionflow_inline")
                cur.execute(sql, (to, before))
                plan.write(writer)
            found = {r[0] for r in cur.fetchall()}
            if len(found) < len(self.names):
                writer.cursor.execute("ROLLBACK TO SAVEPOINT unionflow_inline")
                writer.drop_deferred()
                return False
            writer.copy_deferred()
            return True
        finally:
            writer.close()

    def _warn(self, key: str, message: str) -> None:
        if key not in self._warned:
            self._warned.add(key)
            log.warning(message)


def _all_known(folder: Folder, evs: Sequence[Ev]) -> bool:
    """Whether every event's type is known; an unknown one is for the general path to report."""
    try:
        for ev in evs:
            folder.entries(ev)
    except UnknownEvent:
        return False
    return True
