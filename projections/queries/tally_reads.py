"""Reading the dated tallies (`projections.models.tallies`): a figure on a date for a subtree."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from projections.models.tallies import DAYS, MONTHS, TALLIED_DEPTH, WHOLE, children_of, depth
from projections.tree import place_of, subtree_range


@dataclass(frozen=True)
class Scope:
    """How a subtree's figures are read: the tallies of `ancestors` plus the rows of the unions at
    `own` (the roots of what those tallies hold); or, below the tallied levels (no ancestors), the
    rows whose path is in [low, high)."""

    ancestors: tuple[str, ...]
    own: tuple[str, ...]
    low: str | None = None
    high: str | None = None

    def rows(self, path: sa.ColumnElement[str]) -> list[sa.ColumnElement[bool]] | None:
        if self.low is None or self.high is None:
            return [path.in_(self.own)] if self.own else None
        return [path >= self.low, path < self.high]


def scope(conn: Connection, subtree: str | None, source: sa.Table) -> Scope:
    """The scope of organisation `subtree` in the rows of `source` (None: the whole register, read
    from the roots those rows are below, found as `tallies.build` finds them; LookupError if
    unknown)."""
    if subtree is None:
        roots = tuple(children_of(conn, source, WHOLE))
        return Scope(roots, roots)
    info = place_of(conn, subtree)
    if info is None:
        raise LookupError(f"no organisation {subtree!r}")
    if depth(info.path) <= TALLIED_DEPTH:
        return Scope((info.path,), (info.path,))
    low, high = subtree_range(info.path)
    return Scope((), (), low, high)


def tallied(conn: Connection, table: sa.Table, ancestors: tuple[str, ...], on: dt.date) -> dict[str, int]:
    """Each figure's marks up to `on` summed over the unions strictly below `ancestors`: two ranges
    of each tally's key (the months before `on`'s, the days of its month), whatever the subtree."""
    if not ancestors:
        return {}
    t = table.c
    month = on.replace(day=1)
    below = t.ancestor == ancestors[0] if len(ancestors) == 1 else t.ancestor.in_(ancestors)
    # the months before `on`'s, then the days of its month up to `on`
    months = sa.select(t.figure, t.n).where(below, t.span == MONTHS, t.day < month)
    days = sa.select(t.figure, t.n).where(below, t.span == DAYS, t.day >= month, t.day <= on)
    rows = sa.union_all(months, days).subquery()
    q = sa.select(rows.c.figure, sa.func.sum(rows.c.n)).group_by(rows.c.figure)
    return {figure: int(n or 0) for figure, n in conn.execute(q)}


def added(a: dict[str, int], b: dict[str, int]) -> dict[str, int]:
    return {k: a.get(k, 0) + b.get(k, 0) for k in a.keys() | b.keys()}
