"""Applying events to stored read models: the one way the append listener, catch-up and a
rebuild's catch-up of its shadow tables fold events into tables that already hold rows.

A batch of events (any unions, log order) is grouped by union; each touched union's state is
taken from what the caller already holds (the listener's cache), made new when the batch starts
its stream (nothing can be stored for it yet), or loaded from the tables by primary key; the
union's events are folded in order, and its rows are rendered and written: a loaded union's rows
replace the stored ones (delete by owner, insert), a held union's rows are turned into the new
ones touching only what changed. The handlers and `render` are the rebuild's own, so a rebuilt
read model equals the one kept live (checked by `Projections.compare_with_rebuild`).

`advance` feeds this from the log, page by page after each projection's position, and stops
before the first event type a projection does not know (see `projections.errors.UnknownEvent`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from projections import schema
from projections.base import Folder, Projection, Rows, Writer
from projections.checkpoints import CLASSES
from projections.errors import ProjectionError, UnknownEvent
from projections.feed import Ev, read_after
from projections.models.tallies import SOURCES, TallyDeltas
from projections.tree import Tree

# Projections whose `finish` does something (it runs even when no handler did).
_finishes: dict[type[Projection[Any]], bool] = {c: c.finish is not Projection.finish for c in CLASSES.values()}


@dataclass(frozen=True)
class Known:
    """A union's state as a caller already holds it, and the rows it rendered, as stored."""

    state: Any
    rows: Rows


class Folded(NamedTuple):
    """A union's state after a batch, for one projection, and its rows as now stored."""

    projection: str
    org_id: str
    state: Any
    rows: Rows


class BatchPlan:
    """One batch of events folded into the touched unions' states (`fold`), and the writes that
    store the result (`write`), kept apart so that the writes can go to the server together."""

    def __init__(
        self, conn: Connection, projs: Sequence[Projection[Any]], folder: Folder, tables: Mapping[str, sa.Table]
    ) -> None:
        self.conn = conn
        self.projs = projs
        self.folder = folder
        self.tables = tables
        self.deletes: dict[str, list[str]] = {}  # table -> owners whose stored rows are replaced
        self.inserts: dict[str, list[tuple[Any, ...]]] = {t: [] for p in projs for t in p.table_names}
        self.replacements: list[tuple[str, list[tuple[Any, ...]], list[tuple[Any, ...]]]] = []  # (table, old, new)
        self.folded: list[Folded] = []

    def fold(self, events: Sequence[Ev], known: Mapping[tuple[str, str], Known] | None = None) -> BatchPlan:
        """Fold `events` (log order); `known` holds states the caller has, by (org_id, projection)."""
        folder = self.folder
        by_org: dict[str, list[Ev]] = {}
        for ev in events:
            folder.entries(ev)  # an unknown type stops here, before anything is written
            by_org.setdefault(ev.org_id, []).append(ev)
        known = known if known is not None else {}
        states, old_rows = self._start(by_org, known)
        for org_id, union_events in by_org.items():
            self._fold_union(org_id, union_events, [states[i, org_id] for i in range(len(self.projs))], old_rows, known)
        return self

    def _start(
        self, by_org: Mapping[str, list[Ev]], known: Mapping[tuple[str, str], Known]
    ) -> tuple[dict[tuple[int, str], Any], dict[tuple[int, str], Rows | None]]:
        """Each touched union's state before the batch, and its stored rows (None: unknown, to be
        replaced whole; the owners of those rows are noted for deletion)."""
        states: dict[tuple[int, str], Any] = {}
        old_rows: dict[tuple[int, str], Rows | None] = {}
        misses: dict[int, list[str]] = {}
        for org_id, union_events in by_org.items():
            fresh = union_events[0].version == 1  # a new stream: nothing is stored for this union yet
            for i, p in enumerate(self.projs):
                held = known.get((org_id, p.name))
                if held is not None:
                    states[i, org_id], old_rows[i, org_id] = held.state, held.rows
                elif fresh:
                    states[i, org_id], old_rows[i, org_id] = p.new(org_id), {}
                else:
                    misses.setdefault(i, []).append(org_id)
        for i, org_ids in misses.items():
            p = self.projs[i]
            loaded = p.load(self.conn, self.tables, org_ids)
            for org_id in org_ids:
                state = loaded.get(org_id)
                if state is None:
                    state = p.new(org_id)  # nothing stored for this union yet: nothing to replace
                else:
                    for t in p.table_names:
                        key = p.owner(state, t)  # before the fold: the rows stored now
                        if key is not None:
                            self.deletes.setdefault(t, []).append(key)
                states[i, org_id], old_rows[i, org_id] = state, None
        return states, old_rows

    def _fold_union(
        self,
        org_id: str,
        events: list[Ev],
        states: list[Any],
        old_rows: Mapping[tuple[int, str], Rows | None],
        known: Mapping[tuple[str, str], Known],
    ) -> None:
        folder = self.folder
        folder.fold(states, events)
        folder.finish(states, events[-1].version)
        dispatch = folder.dispatch
        touched = {i for ev in events for i, _ in dispatch[ev.type]}
        for i, p in enumerate(self.projs):
            old = old_rows[i, org_id]
            if old is not None and i not in touched and (org_id, p.name) in known and not _finishes[type(p)]:
                # No handler of this projection ran and it has nothing to do at the end of a
                # batch: its state, so its rows, are as they were.
                self.folded.append(Folded(p.name, org_id, states[i], old))
                continue
            rows = p.render(states[i])
            for t in p.table_names:
                new = rows.get(t, [])
                if old:
                    self.replacements.append((t, old.get(t, []), new))
                else:  # nothing stored, or the stored rows are deleted first
                    self.inserts[t].extend(new)
            self.folded.append(Folded(p.name, org_id, states[i], rows))

    def write(self, writer: Writer) -> None:
        tables = self.tables
        # The tallies follow their source rows in this transaction (projections.models.tallies).
        tallies = TallyDeltas()
        for t, owners in self.deletes.items():
            if t in SOURCES:
                tallies.subtract_stored(writer, tables[t], schema.SPECS[t].owner, owners)
            writer.delete_owned(tables[t], schema.SPECS[t].owner, owners)
        for t, rows in self.inserts.items():
            if t in SOURCES:
                tallies.add(t, rows, 1)
            writer.insert(tables[t], rows)
        for t, old, new in self.replacements:
            if t in SOURCES:
                tallies.change(t, old, new)
            writer.replace_changed(tables[t], old, new)
        tallies.write(writer, tables)


def apply_events(
    conn: Connection, projs: Sequence[Projection[Any]], tables: Mapping[str, sa.Table], events: Sequence[Ev]
) -> None:
    """Fold `events` (any unions, log order) into the stored states and write the touched unions'
    rows, in the caller's transaction."""
    writer = Writer(conn)
    try:
        BatchPlan(conn, projs, Folder(projs), tables).fold(events).write(writer)
    finally:
        writer.close()


def advance(
    conn: Connection,
    tree: Tree,
    active: Sequence[tuple[str, int]],
    to: int,
    tables: Mapping[str, sa.Table],
    page_size: int,
) -> tuple[int, UnknownEvent | None]:
    """Apply the events after each projection's position (`active`: (name, position)) up to `to`,
    page by page. Stops before the first event a projection does not know: returns the position
    reached (the event before it) and the error for the caller to raise once that much is
    committed."""
    # Places in the tree never change, so what the tree learnt serves every later batch.
    tree.conn = conn
    instances = {name: CLASSES[name](tree) for name, _ in active}
    known = {name: p.known() for name, p in instances.items()}
    positions = dict(active)
    cur = min(positions.values())
    while cur < to:
        page = read_after(conn, cur, to, page_size)
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
                apply_events(conn, projs, tables, events)
        cur = page[-1].position
        positions = {n: max(p, cur) for n, p in positions.items()}
        if unknown is not None:
            return cur, unknown
    return to, None
