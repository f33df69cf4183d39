"""What every projection is, and the machinery that feeds it.

A projection keeps, per organisation (one event stream), a small state that it folds events into
and renders as rows of its tables. Everything about one union lives under its `org_id`, so:
- a rebuild folds each stream start to end and writes each union's rows once (no reads, no
  updates), stream after stream, with memory bounded by one union;
- keeping up (the append listener, catch-up) loads the states of the unions a batch touches by
  primary key, folds the batch in log order, and replaces those unions' rows.
Both paths call the same handlers and the same `render`, so a rebuilt read model equals the one
kept live (checked by `Projections.compare_with_rebuild` and a property test).

A projection lists every event type it handles and every one it deliberately ignores; any other
type stops it with `UnknownEvent`."""

from __future__ import annotations

import operator
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import partial
from typing import Any, ClassVar, Generic, TypeVar

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from events.append import COPY_MIN_ROWS
from events.flows import PROCEDURE_EVENTS
from projections.calendar import iso
from projections.errors import UnknownEvent
from projections.feed import Ev
from projections.tree import Tree

S = TypeVar("S")
Handler = Callable[[Any, Ev], None]
Rows = dict[str, list[tuple[Any, ...]]]


def dumps(value: Any) -> str:
    """JSON text for the read models' JSON columns: sorted keys, so equal values are equal text."""
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()


def loads(text: str | None) -> Any:
    return None if text is None else orjson.loads(text)


class Projection(ABC, Generic[S]):
    name: ClassVar[str]
    # Bump when the logic changes what the tables hold: stored tables built by another version are
    # reported as needing a rebuild, and the live listener leaves them alone until then.
    logic_version: ClassVar[int] = 1
    table_names: ClassVar[tuple[str, ...]]
    ignores: ClassVar[frozenset[str]] = frozenset()
    # True for a projection that no procedure step concerns unless it handles it: every step the
    # flows declare (events.flows) is then ignored by name; an event outside the flows still fails
    # loudly until the projection says what it does with it.
    ignores_other_procedure_steps: ClassVar[bool] = False

    def __init__(self, tree: Tree) -> None:
        self.tree = tree
        self.handlers: dict[str, Handler] = self._handlers()
        steps = PROCEDURE_EVENTS - set(self.handlers) if self.ignores_other_procedure_steps else frozenset()
        self.ignored: frozenset[str] = self.ignores | steps

    @abstractmethod
    def _handlers(self) -> dict[str, Handler]: ...

    @abstractmethod
    def new(self, org_id: str) -> S: ...

    @abstractmethod
    def render(self, state: S) -> Rows:
        """The rows of each table (by table name) for this union, as tuples in column order."""

    @abstractmethod
    def load(self, conn: Connection, tables: Mapping[str, sa.Table], org_ids: Sequence[str]) -> dict[str, S]:
        """The stored states of these unions (absent ones are left out)."""

    def owner(self, state: S, table: str) -> str | None:
        """The value of `table`'s owner column for this union (see schema.TableSpec.owner)."""
        return str(getattr(state, "org_id"))  # noqa: B009 - every state names its union

    def finish(self, state: S, version: int) -> None:
        """Called after a union's events of a batch are folded, with its last stream version."""

    def known(self) -> frozenset[str]:
        return frozenset(self.handlers) | self.ignored


def rows_by_org(
    conn: Connection, table: sa.Table, org_ids: Sequence[str], order: Sequence[str] = ()
) -> dict[str, list[dict[str, Any]]]:
    """Stored rows of these unions, dates as ISO text, grouped by org_id."""
    out: dict[str, list[dict[str, Any]]] = {}
    date_cols = [c.name for c in table.columns if isinstance(c.type, sa.Date)]
    for chunk in _chunks(org_ids, 500):
        q = sa.select(table).where(table.c.org_id.in_(chunk))
        if order:
            q = q.order_by(*(table.c[c] for c in order))
        for r in conn.execute(q):
            row = dict(r._mapping)
            for c in date_cols:
                row[c] = iso(row[c])
            out.setdefault(row["org_id"], []).append(row)
    return out


def _chunks(items: Sequence[str], n: int) -> Iterable[Sequence[str]]:
    for i in range(0, len(items), n):
        yield items[i : i + n]


class Folder:
    """Dispatches events to the handlers of a set of projections, resolving each event type once:
    to the handlers that want it, to nothing when every projection ignores it, or to an
    `UnknownEvent` naming the first projection that knows nothing of it."""

    def __init__(self, projections: Sequence[Projection[Any]]) -> None:
        self.projections = list(projections)
        self.dispatch: dict[str, tuple[tuple[int, Handler], ...]] = {}

    def entries(self, ev: Ev) -> tuple[tuple[int, Handler], ...]:
        found = self.dispatch.get(ev.type)
        if found is not None:
            return found
        out: list[tuple[int, Handler]] = []
        for i, p in enumerate(self.projections):
            h = p.handlers.get(ev.type)
            if h is not None:
                out.append((i, h))
            elif ev.type not in p.ignored:
                raise UnknownEvent(p.name, ev.type, ev.position, ev.stream_id)
        self.dispatch[ev.type] = result = tuple(out)
        return result

    def new_states(self, org_id: str) -> list[Any]:
        return [p.new(org_id) for p in self.projections]

    def finish(self, states: list[Any], version: int) -> None:
        for p, state in zip(self.projections, states, strict=True):
            p.finish(state, version)

    def fold(self, states: list[Any], events: Iterable[Ev]) -> None:
        dispatch = self.dispatch
        for ev in events:
            entries = dispatch.get(ev.type)
            if entries is None:
                entries = self.entries(ev)
            for i, handler in entries:
                handler(states[i], ev)


class Writer:
    """Writes through the driver's cursor of a SQLAlchemy connection (its transaction stays
    SQLAlchemy's): fixed SQL text per table, tuples in column order, `executemany` for many rows.
    A statement through SQLAlchemy costs 15-20 µs even when built once, several times the
    driver's own cost for these small writes, and a command's transaction makes a handful of
    them (events/store.py does the same for the same reason)."""

    def __init__(self, conn: Connection, *, defer_copies: bool = False) -> None:
        self.conn = conn
        self._cursor: Any = None
        dialect = conn.dialect
        if dialect.paramstyle not in ("qmark", "format", "pyformat"):  # pragma: no cover
            raise ValueError(f"unsupported database driver parameter style {dialect.paramstyle!r}")
        # PostgreSQL: many rows go by COPY, one statement for them all, rather than one INSERT each
        # (bulk writes: an import's batch, a rebuild's pages). COPY cannot run in pipeline mode:
        # a writer used inside a pipeline holds them (`defer_copies`, `after_pipeline`) until
        # `copy_deferred`.
        self._copies = dialect.name == "postgresql"
        self._defer = defer_copies
        self._deferred: list[Callable[[], None]] = []

    @property
    def cursor(self) -> Any:
        cur = self._cursor
        if cur is None:
            cur = self._cursor = self.conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        return cur

    def close(self) -> None:
        if self._cursor is not None:
            self._cursor.close()
            self._cursor = None

    def insert(self, table: sa.Table, rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        if self._copies and len(rows) >= COPY_MIN_ROWS:
            self.after_pipeline(partial(self._copy, table, rows))
            return
        sql = _sql_for(self.conn, table).insert
        if len(rows) == 1:
            self.cursor.execute(sql, rows[0])
        else:
            self.cursor.executemany(sql, rows)

    def after_pipeline(self, step: Callable[[], None]) -> None:
        """Run `step` (a bulk write by COPY) now, or, in a writer used inside a pipeline, hold it
        until `copy_deferred`."""
        if self._defer:
            self._deferred.append(step)
        else:
            step()

    def copy_deferred(self) -> None:
        """The bulk writes held while in pipeline mode, in the order they came (after the
        pipeline, in the same transaction: they are other unions' rows than the pipeline's deletes
        and updates, and the tallies, which no statement of the pipeline reads)."""
        deferred, self._deferred = self._deferred, []
        for step in deferred:
            step()

    def drop_deferred(self) -> None:
        self._deferred = []

    def _copy(self, table: sa.Table, rows: list[tuple[Any, ...]]) -> None:
        with self.cursor.copy(_sql_for(self.conn, table).copy) as copy:
            write_row = copy.write_row
            for row in rows:
                write_row(row)

    def replace_changed(self, table: sa.Table, old: list[tuple[Any, ...]], new: list[tuple[Any, ...]]) -> None:
        """Turn one union's stored rows `old` (as rendered when written) into `new`, touching only
        what differs: rows whose key is gone are deleted, changed rows updated, new ones inserted."""
        if old == new:
            return
        sql = _sql_for(self.conn, table)
        key_of = sql.key
        before = {key_of(r): r for r in old}
        old_by_key = dict(before)
        changed: list[tuple[Any, ...]] = []
        added: list[tuple[Any, ...]] = []
        for r in new:
            k = key_of(r)
            was = before.pop(k, None)
            if was is None:
                added.append(r)
            elif was != r:
                changed.append(r)
        cur = self.cursor
        if before:
            cur.executemany(sql.delete, list(before))
        for r in changed:
            # Only the columns that changed (most commands move a row's version and one or two
            # fields): SQLite re-encodes the row either way, but binds and compares far less.
            was = old_by_key[key_of(r)]
            at = tuple(i for i in sql.rest_at if r[i] != was[i])
            cur.execute(sql.update_of(at), (*(r[i] for i in at), *(r[i] for i in sql.key_at)))
        self.insert(table, added)

    def delete_owned(self, table: sa.Table, column: str, keys: Sequence[str]) -> None:
        mark = _mark(self.conn)
        q = self.conn.dialect.identifier_preparer.quote
        for chunk in _chunks(keys, 500):
            marks = ", ".join(mark for _ in chunk)
            self.cursor.execute(f"DELETE FROM {q(table.name)} WHERE {q(column)} IN ({marks})", tuple(chunk))


def _mark(conn: Connection) -> str:
    return "?" if conn.dialect.paramstyle == "qmark" else "%s"


def _sql_for(conn: Connection, table: sa.Table) -> _TableSql:
    key = (table.name, conn.dialect.name, conn.dialect.paramstyle)
    found = _TABLE_SQL.get(key)
    if found is None:
        found = _TABLE_SQL[key] = _TableSql(conn, table)
    return found


class _TableSql:
    """The INSERT, and the DELETE and UPDATE by primary key, of one table, with the positions of
    its key columns in a row tuple (columns in table order)."""

    def __init__(self, conn: Connection, table: sa.Table) -> None:
        dialect = conn.dialect
        q = dialect.identifier_preparer.quote
        mark = "?" if dialect.paramstyle == "qmark" else "%s"
        cols = [c.name for c in table.columns]
        keys = [c.name for c in table.primary_key.columns]
        key_at = [cols.index(k) for k in keys]
        rest_at = [i for i in range(len(cols)) if i not in key_at]
        where = " AND ".join(f"{q(k)} = {mark}" for k in keys)
        self.insert = (
            f"INSERT INTO {q(table.name)} ({', '.join(q(c) for c in cols)}) VALUES ({', '.join(mark for _ in cols)})"
        )
        self.delete = f"DELETE FROM {q(table.name)} WHERE {where}"
        self.copy = f"COPY {q(table.name)} ({', '.join(q(c) for c in cols)}) FROM STDIN"
        # the key of a row, also the parameters of the DELETE
        self.key: Callable[[tuple[Any, ...]], Any] = (
            operator.itemgetter(*key_at) if len(key_at) > 1 else _single(key_at[0])
        )
        self.key_at, self.rest_at = tuple(key_at), tuple(rest_at)
        self._where, self._cols, self._mark, self._name = where, cols, mark, q(table.name)
        self._quote = q
        self._updates: dict[tuple[int, ...], str] = {}

    def update_of(self, at: tuple[int, ...]) -> str:
        """UPDATE of the columns at positions `at` (then the key columns as parameters)."""
        sql = self._updates.get(at)
        if sql is None:
            q, mark = self._quote, self._mark
            sets = ", ".join(f"{q(self._cols[i])} = {mark}" for i in at)
            sql = self._updates[at] = f"UPDATE {self._name} SET {sets} WHERE {self._where}"
        return sql


def _single(i: int) -> Callable[[tuple[Any, ...]], tuple[Any, ...]]:
    return lambda row: (row[i],)


_TABLE_SQL: dict[tuple[str, str, str], _TableSql] = {}
