"""Dated tallies per ancestor: what the national summaries read instead of scanning a subtree.

A source row (an alert period of `proj_alerts`, a coverage mark of `proj_coverage_marks`) counts
towards a figure from one day to another: +n on the first day, -n on the day after the last. Its
marks are added, for every organisation strictly above the row's union (and "" for the whole
register), into a tally table keyed (ancestor, figure, day). A figure on date D for the subtree of
organisation X is then the sum of X's tally up to D plus X's own rows: its cost is bounded by the
days on which something changed, not by the number of unions below X.

The tallies change in the same transaction as their source rows (`TallyDeltas`, called by
`projections.apply.BatchPlan.write` for the live path, catch-up and a rebuild's catch-up); a
rebuild adds them up once its replay has written the source rows (`build`). A key whose marks
cancel out is deleted, so that the tallies kept live equal the rebuilt ones row for row."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from projections.base import Writer
from projections.calendar import OPEN, day_after, iso
from projections.tree import SEPARATOR

WHOLE = ""  # the ancestor key of the whole register (no subtree)
Key = tuple[str, str, str]  # (ancestor, figure, day)
Mark = tuple[str, str, str, int]  # (path of the union, figure, day, n)


def ancestors(path: str) -> list[str]:
    """The keys a row of the union at `path` counts under: the whole register, then every
    organisation strictly above the union (`ACFTU/HB/U1/` -> "", `ACFTU/`, `ACFTU/HB/`)."""
    out = [WHOLE]
    at = path.find(SEPARATOR)
    while 0 <= at < len(path) - 1:
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
        self.deltas: dict[str, dict[Key, int]] = {}

    def add(self, source: str, rows: Iterable[Sequence[Any]], sign: int) -> None:
        tally, marks_of, _ = SOURCES[source]
        acc = self.deltas.setdefault(tally, {})
        for row in rows:
            for path, figure, day, n in marks_of(row):
                for a in ancestors(path):
                    key = (a, figure, day)
                    acc[key] = acc.get(key, 0) + sign * n

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
        """UPSERT each key's change (n = n + change), then delete the keys left at zero."""
        conn = writer.conn
        for tally, acc in self.deltas.items():
            rows = [(*k, n) for k, n in acc.items() if n]
            if not rows:
                continue
            rows.sort()
            sql = _upsert_sql(conn, tables[tally].name)
            writer.cursor.executemany(sql[0], rows)
            writer.cursor.executemany(sql[1], [r[:3] for r in rows])
        self.deltas = {}


def _live_name(name: str) -> str:
    return name.split("__", 1)[0]


def _upsert_sql(conn: Connection, name: str) -> tuple[str, str]:
    q = conn.dialect.identifier_preparer.quote
    m = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    t = q(name)
    upsert = (
        f"INSERT INTO {t} (ancestor, figure, day, n) VALUES ({m}, {m}, {m}, {m}) "
        f"ON CONFLICT (ancestor, figure, day) DO UPDATE SET n = {t}.n + excluded.n"
    )
    zero = f"DELETE FROM {t} WHERE ancestor = {m} AND figure = {m} AND day = {m} AND n = 0"
    return upsert, zero


def build(conn: Connection, tables: Mapping[str, sa.Table], flush_rows: int = 50_000) -> None:
    """Fill the (empty) tally tables of `tables` from their source rows, read in path order: the
    tallies of an organisation are written as soon as the paths leave its subtree, so memory holds
    those of one branch of the tree at a time."""
    writer = Writer(conn)
    try:
        for source, (tally, marks_of, by) in SOURCES.items():
            if source in tables and tally in tables:
                _build_one(conn, writer, tables[source], tables[tally], marks_of, by, flush_rows)
    finally:
        writer.close()


def _build_one(
    conn: Connection, writer: Writer, source: sa.Table, tally: sa.Table, marks_of: Any, by: str, flush_rows: int
) -> None:
    open_: dict[str, dict[tuple[str, str], int]] = {}
    out: list[tuple[str, str, str, int]] = []

    def close(a: str) -> None:
        out.extend((a, f, d, n) for (f, d), n in sorted(open_.pop(a).items()) if n)
        if len(out) >= flush_rows:
            writer.insert(tally, out)
            out.clear()

    q = sa.select(*source.columns).order_by(source.c[by])
    for row in conn.execution_options(yield_per=5000).execute(q):
        for path, figure, day, n in marks_of(row):
            keys = ancestors(path)
            for a in [a for a in open_ if a not in keys]:
                close(a)
            for a in keys:
                acc = open_.setdefault(a, {})
                acc[figure, day] = acc.get((figure, day), 0) + n
    for a in sorted(open_, key=len, reverse=True):
        close(a)
    writer.insert(tally, out)
