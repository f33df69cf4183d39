"""Reading the dated tallies (`projections.models.tallies`): a figure on a date for a subtree."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from projections.models.tallies import WHOLE
from projections.tree import place_of


def subtree_path(conn: Connection, subtree: str | None) -> str | None:
    """The path of organisation `subtree` (None: the whole register; LookupError if unknown)."""
    if subtree is None:
        return None
    info = place_of(conn, subtree)
    if info is None:
        raise LookupError(f"no organisation {subtree!r}")
    return info.path


def tallied(conn: Connection, table: sa.Table, path: str | None, on: dt.date) -> dict[str, int]:
    """Each figure's marks up to `on` summed over the unions strictly below `path` (all: None):
    one range of the tally's key per figure, as long as the days on which something changed."""
    t = table.c
    q = (
        sa.select(t.figure, sa.func.sum(t.n))
        .where(t.ancestor == (WHOLE if path is None else path), t.day <= on)
        .group_by(t.figure)
    )
    return {figure: int(n or 0) for figure, n in conn.execute(q)}


def added(a: dict[str, int], b: dict[str, int]) -> dict[str, int]:
    return {k: a.get(k, 0) + b.get(k, 0) for k in a.keys() | b.keys()}
