"""Dated tallies per ancestor: what the national summaries read instead of scanning a subtree.

A source row (an alert period of `proj_alerts`, a coverage mark of `proj_coverage_marks`) counts
towards a figure from one day to another: +n on the first day, -n on the day after the last. Its
marks are added, for every organisation strictly above the row's union (down to TALLIED_DEPTH
levels), into a tally table keyed (ancestor, span, day, figure): span DAYS holds each day's marks,
span MONTHS each month's (on the month's first day), so that "up to D" reads the months before D's
and the days of D's month, a few thousand rows at most. A figure on date D for the subtree of
organisation X is then the sum of X's tally up to D plus X's own rows: its cost is bounded by the
days on which something changed, not by the number of unions below X. The whole register is read
the same way from its roots (the national union): their tallies and their own rows. A tally of its
own would hold the same sums again, and cost every write one more key a mark.

The tallies change in the same transaction as their source rows (`TallyDeltas`, called by
`projections.apply.BatchPlan.write` for the live path, catch-up and a rebuild's catch-up); a
rebuild adds them up once its replay has written the source rows (`build`). A key whose marks
cancel out is deleted, so that the tallies kept live equal the rebuilt ones row for row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from functools import partial
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from projections.base import Writer
from projections.calendar import OPEN, day_after, iso
from projections.tree import SEPARATOR, subtree_range

WHOLE = ""  # the whole register, as `build`'s subtree: its roots, each with its subtree
Key = tuple[str, int, str, str]  # (ancestor, span, day, figure)
DAYS, MONTHS = 0, 1


def month_of(day: str) -> str:
    return day[:8] + "01"


Mark = tuple[str, str, str, int]  # (path of the union, figure, day, n)


# Tallies are kept for the organisations at the first TALLIED_DEPTH levels of the tree (national,
# province, city). A tally holds at most one row per figure and day, so it
# only saves work where a subtree's rows outnumber the days: a county's thousand unions have about
# as many marks as a tally of their own would, and are read by a range of their paths instead.
TALLIED_DEPTH = 3


def depth(path: str) -> int:
    return path.count(SEPARATOR)


def ancestors(path: str) -> list[str]:
    """The keys a row of the union at `path` counts under: every organisation strictly above the
    union down to TALLIED_DEPTH levels (`ACFTU/HB/U1/` -> `ACFTU/`, `ACFTU/HB/`); none for a root,
    whose own rows are read as rows (`projections.queries.tally_reads`)."""
    out: list[str] = []
    at = path.find(SEPARATOR)
    while 0 <= at < len(path) - 1 and len(out) < TALLIED_DEPTH:
        out.append(path[: at + 1])
        at = path.find(SEPARATOR, at + 1)
    return out


def alert_marks(row: Sequence[Any]) -> Iterator[Mark]:
    """A `proj_alerts` row (org_id, kind, seq, path, fires_from, fires_until, ...): +1 from the
    day it fires, -1 from the day after it stops (none while open)."""
    path, kind = row[3], row[1]
    frm, until = iso(row[4]), iso(row[5])
    assert frm is not None and until is not None
    yield path, kind, frm, 1
    if until != OPEN:
        yield path, kind, day_after(until), -1


def coverage_row_marks(row: Sequence[Any]) -> Iterator[Mark]:
    """A `proj_coverage_marks` row (path, figure, day, n) is a mark already."""
    day = iso(row[2])
    assert day is not None
    yield row[0], row[1], day, int(row[3])


# source table -> (its tally table, the marks of one of its rows, the column that orders it by path)
SOURCES = {
    "proj_alerts": ("proj_alert_tallies", alert_marks, "path"),
    "proj_coverage_marks": ("proj_coverage_tallies", coverage_row_marks, "path"),
}
TALLY_TABLES = frozenset(t for t, _, _ in SOURCES.values())


class TallyDeltas:
    """The changes a batch makes to the tallies, added up by key, then written at once."""

    def __init__(self) -> None:
        # Marks are first added up under the deepest tallied ancestor of their union (unions of one
        # city share it), then spread over that ancestor's own ancestors and months at `write`:
        # a bulk batch has far fewer (deepest, figure, day) than marks.
        self.deepest: dict[str, dict[tuple[str, str, str], int]] = {}
        self._deepest_of: dict[str, str] = {}
        self._chains: dict[str, list[str]] = {}  # deepest tallied ancestor -> ancestors() of its unions

    def add(self, source: str, rows: Iterable[Sequence[Any]], sign: int) -> None:
        tally, marks_of, _ = SOURCES[source]
        acc = self.deepest.setdefault(tally, {})
        deepest_of = self._deepest_of
        for row in rows:
            for path, figure, day, n in marks_of(row):
                a = deepest_of.get(path)
                if a is None:
                    chain = ancestors(path)
                    if not chain:  # a root's own row: no tally above it
                        continue
                    a = deepest_of[path] = chain[-1]
                    self._chains[a] = chain
                key = (a, figure, day)
                acc[key] = acc.get(key, 0) + sign * n

    def _spread(self, acc: Mapping[tuple[str, str, str], int]) -> dict[Key, int]:
        """Each (deepest ancestor, figure, day) change under every key it counts towards."""
        out: dict[Key, int] = {}
        chains = self._chains
        for (deepest, figure, day), n in acc.items():
            if not n:
                continue
            month = month_of(day)
            for a in chains[deepest]:
                for key in ((a, DAYS, day, figure), (a, MONTHS, month, figure)):
                    out[key] = out.get(key, 0) + n
        return out

    def change(self, source: str, old: Sequence[tuple[Any, ...]], new: Sequence[tuple[Any, ...]]) -> None:
        """One union's stored rows `old` become `new`."""
        if old != new:
            self.add(source, old, -1)
            self.add(source, new, 1)

    def subtract_stored(self, writer: Writer, table: sa.Table, owner: str, owners: Sequence[str]) -> None:
        """The rows of `owners` about to be deleted, read first so that their marks go too."""
        q = writer.conn.dialect.identifier_preparer.quote
        mark = "?" if writer.conn.dialect.paramstyle == "qmark" else "%s"
        cols = ", ".join(q(c.name) for c in table.columns)
        for i in range(0, len(owners), 500):
            chunk = owners[i : i + 500]
            where = f"{q(owner)} IN ({', '.join(mark for _ in chunk)})"
            writer.cursor.execute(f"SELECT {cols} FROM {q(table.name)} WHERE {where}", tuple(chunk))
            self.add(_live_name(table.name), writer.cursor.fetchall(), -1)

    def write(self, writer: Writer, tables: Mapping[str, sa.Table]) -> None:
        """UPSERT each key's change (n = n + change), many keys a statement, then delete the keys
        it left at zero (so that the tallies kept live equal the rebuilt ones)."""
        postgres = writer.conn.dialect.name == "postgresql"
        for tally, acc in self.deepest.items():
            rows = sorted((*k, n) for k, n in self._spread(acc).items() if n)
            if not rows:  # the batch's marks cancelled out
                continue
            name = tables[tally].name
            if postgres and len(rows) >= _STAGED_MIN_ROWS:
                writer.after_pipeline(partial(_staged, writer, name, rows))
            else:
                _sweep(writer, name, (_upsert_arrays if postgres else _upsert_values)(writer, name, rows))
        self.deepest = {}


def _live_name(name: str) -> str:
    return name.split("__", 1)[0]


# keys per SQLite upsert statement: 5 parameters each, within its 32,766
_UPSERT_ROWS = 5000
_KEY = "ancestor, span, day, figure"
# PostgreSQL: from this many keys a tally's change goes through the staging table (`_upsert_staged`)
_STAGED_MIN_ROWS = 1000
_STAGING = "pg_temp.unionflow_tally_change"
_KEY_TYPES = "ancestor text, span smallint, day date, figure text"


def _upsert_values(writer: Writer, name: str, rows: Sequence[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """SQLite: multi-row INSERT ... ON CONFLICT, _UPSERT_ROWS keys a statement; each returns one
    flag a key (cheap to fetch), and a statement's keys are swept when any came to zero (in an
    import, seldom)."""
    t = f'"{name}"'
    zeroed: list[tuple[Any, ...]] = []
    for i in range(0, len(rows), _UPSERT_ROWS):
        chunk = rows[i : i + _UPSERT_ROWS]
        values = ", ".join(["(?, ?, ?, ?, ?)"] * len(chunk))
        writer.cursor.execute(
            f"INSERT INTO {t} ({_KEY}, n) VALUES {values} "
            f"ON CONFLICT ({_KEY}) DO UPDATE SET n = {t}.n + excluded.n RETURNING n = 0",
            [v for r in chunk for v in r],
        )
        if any(z for (z,) in writer.cursor.fetchall()):
            zeroed.extend(r[:4] for r in chunk)
    return zeroed


def _upsert_arrays(writer: Writer, name: str, rows: Sequence[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """PostgreSQL: the keys as five array parameters, not five placeholders a key (a statement
    of 25,000 placeholders costs the driver more to parse than the server to run), all in one
    statement; it returns the keys that came to zero only."""
    t = f'"{name}"'
    writer.cursor.execute(
        f"WITH up AS (INSERT INTO {t} ({_KEY}, n) "
        "SELECT * FROM unnest(%s::text[], %s::smallint[], %s::date[], %s::text[], %s::bigint[]) "
        f"ON CONFLICT ({_KEY}) DO UPDATE SET n = {t}.n + excluded.n RETURNING {_KEY}, n) "
        f"SELECT {_KEY} FROM up WHERE n = 0",
        [list(column) for column in zip(*rows, strict=True)],
    )
    return [tuple(r) for r in writer.cursor.fetchall()]


def _upsert_staged(writer: Writer, name: str, rows: Sequence[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """PostgreSQL, a bulk batch's keys (an import's, a catch-up's): by COPY into a staging table
    of this session, then one upsert from it. As array parameters, the driver would dump and quote
    every element in Python, the larger part of such a batch's write. The staging table is
    emptied after each use; its rows, like its creation, go with the transaction if that fails."""
    t = f'"{name}"'
    cur = writer.cursor
    cur.execute(f"CREATE TEMP TABLE IF NOT EXISTS {_STAGING} ({_KEY_TYPES}, n bigint)")
    with cur.copy(f"COPY {_STAGING} ({_KEY}, n) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    cur.execute(
        f"WITH up AS (INSERT INTO {t} ({_KEY}, n) SELECT {_KEY}, n FROM {_STAGING} "
        f"ON CONFLICT ({_KEY}) DO UPDATE SET n = {t}.n + excluded.n RETURNING {_KEY}, n) "
        f"SELECT {_KEY} FROM up WHERE n = 0"
    )
    zeroed = [tuple(r) for r in cur.fetchall()]
    cur.execute(f"TRUNCATE {_STAGING}")
    return zeroed


def _staged(writer: Writer, name: str, rows: Sequence[tuple[Any, ...]]) -> None:
    """`_upsert_staged` where the role may make temporary tables (a database may deny it, and a
    refused statement would abort the transaction); otherwise as arrays."""
    cur = writer.cursor
    cur.execute("SELECT has_database_privilege(current_database(), 'TEMPORARY')")
    (may_stage,) = cur.fetchone()
    _sweep(writer, name, (_upsert_staged if may_stage else _upsert_arrays)(writer, name, rows))


def _sweep(writer: Writer, name: str, zeroed: list[tuple[Any, ...]]) -> None:
    """Delete the keys an upsert left at zero (so that the tallies kept live equal the rebuilt ones)."""
    if zeroed:
        writer.cursor.executemany(_delete_sql(writer.conn, name), zeroed)


def _delete_sql(conn: Connection, name: str) -> str:
    m = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    return f'DELETE FROM "{name}" WHERE ancestor = {m} AND span = {m} AND day = {m} AND figure = {m} AND n = 0'


def build(conn: Connection, tables: Mapping[str, sa.Table], *, at: str = WHOLE, built: Collection[str] = ()) -> None:
    """Fill the (empty) tally tables of `tables` from their source rows, bottom-up: an organisation
    at the deepest tallied level sums the marks of its subtree's rows (one range of paths); one
    above sums its children's tallies and the few rows between them (their own), so every source
    row is read once. The organisations are found by walking the source's paths, one index probe
    each. `at`: only that organisation's tallies and its subtree's (WHOLE: every root's);
    `built`: organisations whose subtree's tallies are in place already (summed on other
    connections), added up but not again."""
    if conn.dialect.name == "postgresql":
        # For this transaction: a city's sums fit in memory, and the queries are cheap but their
        # estimates on fresh tables are not, which would have them compiled (JIT) at a cost far
        # above their own.
        conn.exec_driver_sql("SET LOCAL work_mem = '64MB'")
        conn.exec_driver_sql("SET LOCAL jit = off")
    for source, (tally, _, _) in SOURCES.items():
        if source in tables and tally in tables:
            src, dst = tables[source], tables[tally]
            marks = _alert_marks_sql(conn, src) if source == "proj_alerts" else _coverage_marks_sql(src)
            tops = list(_children(conn, src.c.path, WHOLE, None)) if at == WHOLE else [at]
            for top in tops:
                if top not in built:
                    _build_at(conn, src, dst, marks, top, frozenset(built))


def children_of(conn: Connection, src: sa.Table, a: str) -> list[str]:
    """The organisations one level below `a` with rows of `src` at or below them, in path order."""
    return list(_children(conn, src.c.path, a, subtree_range(a)[1] if a else None))


def _build_at(conn: Connection, src: sa.Table, dst: sa.Table, marks: Any, a: str, built: frozenset[str]) -> None:
    path = src.c.path
    end = subtree_range(a)[1] if a else None
    below = [*([path > a] if a else []), *([path < end] if end else [])]
    parts: list[Any]
    if depth(a) >= TALLIED_DEPTH:
        parts = marks(below)
    else:
        children = list(_children(conn, path, a, end))
        for child in children:
            if child not in built:
                _build_at(conn, src, dst, marks, child, built)
        t = dst.c
        parts = [sa.select(t.figure, t.day, t.n).where(t.ancestor.in_(children), t.span == DAYS)] if children else []
        # the rows between the children's subtrees: the children's own (and any other at their level)
        low: tuple[str, bool] | None = (a, False) if a else None
        for nxt in [*children, None]:
            cond = [] if low is None else [path >= low[0] if low[1] else path > low[0]]
            if nxt is not None:
                cond.append(path <= nxt)
            elif end is not None:
                cond.append(path < end)
            parts.extend(marks(cond))
            if nxt is not None:
                low = (subtree_range(nxt)[1], True)
    rows = sa.union_all(*parts).subquery()
    total = sa.func.sum(rows.c.n)
    q = sa.select(sa.literal(a, dst.c.ancestor.type), sa.literal(DAYS), rows.c.day, rows.c.figure, total)
    # in key order: each insert lands after the previous one in the primary key (and its pages)
    q = q.group_by(rows.c.day, rows.c.figure).having(total != 0).order_by(rows.c.day, rows.c.figure)
    conn.execute(dst.insert().from_select(["ancestor", "span", "day", "figure", "n"], q))
    # the months, from the days just written
    t = dst.c
    month: Any
    if conn.dialect.name == "sqlite":  # ISO text, as SQLite keeps dates
        month = sa.type_coerce(sa.func.date(t.day, "start of month"), sa.Date)
    else:
        month = sa.cast(sa.func.date_trunc("month", t.day), sa.Date)
    total = sa.func.sum(t.n)
    q = sa.select(t.ancestor, sa.literal(MONTHS), month, t.figure, total).where(t.ancestor == a, t.span == DAYS)
    q = q.group_by(t.ancestor, month, t.figure).having(total != 0).order_by(month, t.figure)
    conn.execute(dst.insert().from_select(["ancestor", "span", "day", "figure", "n"], q))


def _children(conn: Connection, path: sa.ColumnElement[str], a: str, end: str | None) -> Iterator[str]:
    """The organisations one level below `a` with rows at or below them, in path order."""
    low, inclusive = a, False
    while True:
        cond = [path >= low if inclusive else path > low, *([path < end] if end else [])]
        first = conn.execute(sa.select(sa.func.min(path)).where(*cond)).scalar()
        if first is None:
            return
        child = first[: first.find(SEPARATOR, len(a)) + 1]
        yield child
        low, inclusive = subtree_range(child)[1], True


def _coverage_marks_sql(src: sa.Table) -> Any:
    def marks(where: list[sa.ColumnElement[bool]]) -> Any:
        c = src.c
        return [sa.select(c.figure, c.day, c.n).where(*where)]

    return marks


def _alert_marks_sql(conn: Connection, src: sa.Table) -> Any:
    """+1 on the day a period starts firing, -1 on the day after it stops (none while open)."""
    c = src.c
    if conn.dialect.name == "sqlite":
        after: Any = sa.func.date(c.fires_until, "+1 day")
    else:
        after = sa.cast(c.fires_until + sa.literal(1), sa.Date)
    is_open = sa.literal(dt.date.fromisoformat(OPEN), sa.Date)

    def marks(where: list[sa.ColumnElement[bool]]) -> Any:
        starts = sa.select(c.kind.label("figure"), c.fires_from.label("day"), sa.literal(1).label("n")).where(*where)
        return [starts, sa.select(c.kind, after, sa.literal(-1)).where(c.fires_until != is_open, *where)]

    return marks
