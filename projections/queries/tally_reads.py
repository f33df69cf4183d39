"""Reading the dated tallies (`projections.models.tallies`): a figure on a date for a subtree."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from projections.models.tallies import DAYS, MONTHS, TALLIED_DEPTH, WHOLE, depth
from projections.tree import place_of, subtree_range


@dataclass(frozen=True)
class Scope:
    """How a subtree's figures are read: the tally of `ancestor` (None: no tally, the subtree is
    below the tallied levels), plus the rows whose path is in [low, high) (none when `low` is None):
    the root's own rows under a tally, else the whole subtree's."""

    ancestor: str | None
    low: str | None
    high: str | None

    def rows(self, path: sa.ColumnElement[str]) -> list[sa.ColumnElement[bool]] | None:
        if self.low is None or self.high is None:
            return None
        return [path == self.low] if self.ancestor is not None else [path >= self.low, path < self.high]


def scope(conn: Connection, subtree: str | None) -> Scope:
    """The scope of organisation `subtree` (None: the whole register; LookupError if unknown)."""
    if subtree is None:
        return Scope(WHOLE, None, None)
    info = place_of(conn, subtree)
    if info is None:
        raise LookupError(f"no organisation {subtree!r}")
    low, high = subtree_range(info.path)
    return Scope(info.path if depth(info.path) <= TALLIED_DEPTH else None, low, high)


def tallied(conn: Connection, table: sa.Table, ancestor: str | None, on: dt.date) -> dict[str, int]:
    """Each figure's marks up to `on` summed over the unions strictly below `ancestor`: two ranges
    of the tally's key (the months before `on`'s, the days of its month), whatever the subtree."""
    if ancestor is None:
        return {}
    t = table.c
    month = on.replace(day=1)
    # the months before `on`'s, then the days of its month up to `on`
    months = sa.select(t.figure, t.n).where(t.ancestor == ancestor, t.span == MONTHS, t.day < month)
    days = sa.select(t.figure, t.n).where(t.ancestor == ancestor, t.span == DAYS, t.day >= month, t.day <= on)
    rows = sa.union_all(months, days).subquery()
    q = sa.select(rows.c.figure, sa.func.sum(rows.c.n)).group_by(rows.c.figure)
    return {figure: int(n or 0) for figure, n in conn.execute(q)}


def added(a: dict[str, int], b: dict[str, int]) -> dict[str, int]:
    return {k: a.get(k, 0) + b.get(k, 0) for k in a.keys() | b.keys()}
