"""Which projections there are, and where each stands: its checkpoint row (the log position its
tables reflect and the logic version that built them), locked and moved in the transaction that
writes its tables, so a read model and its position commit together."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from projections import schema
from projections.base import Projection
from projections.models.alerts import Alerts
from projections.models.procedures import Procedures
from projections.models.register import Register

CLASSES: dict[str, type[Projection[Any]]] = {c.name: c for c in (Register, Procedures, Alerts)}
NAMES: tuple[str, ...] = tuple(CLASSES)


def check_names(names: Sequence[str] | None) -> tuple[str, ...]:
    if names is None:
        return NAMES
    unknown = [n for n in names if n not in CLASSES]
    if unknown:
        raise ValueError(f"unknown projection(s) {', '.join(unknown)}; known: {', '.join(NAMES)}")
    # Always in the canonical order, so that batches apply projections the same way every time.
    return tuple(n for n in NAMES if n in names)


def stored(conn: Connection) -> dict[str, tuple[int, int]]:
    """Every checkpoint row: name -> (position, logic version)."""
    return {r.name: (int(r.position), int(r.logic_version)) for r in conn.execute(sa.select(schema.checkpoints))}


def lock(conn: Connection, names: Sequence[str]) -> dict[str, tuple[int, int]]:
    """The checkpoints of `names`, locked until the transaction ends (FOR UPDATE on PostgreSQL;
    on SQLite the write transaction already excludes every other writer)."""
    cp = schema.checkpoints
    q = sa.select(cp.c.name, cp.c.position, cp.c.logic_version).where(cp.c.name.in_(names))
    if conn.dialect.name != "sqlite":
        q = q.with_for_update()
    found = {r.name: (int(r.position), int(r.logic_version)) for r in conn.execute(q)}
    for name in names:
        if name not in found:
            # A projection added after the database was set up starts empty, at position 0.
            conn.execute(sa.insert(cp).values(name=name, position=0, logic_version=CLASSES[name].logic_version))
            found[name] = (0, CLASSES[name].logic_version)
    return found


def move(conn: Connection, names: str | Sequence[str], position: int, version: int | None = None) -> None:
    values: dict[str, int] = {"position": position}
    if version is not None:
        values["logic_version"] = version
    names = [names] if isinstance(names, str) else list(names)
    conn.execute(sa.update(schema.checkpoints).where(schema.checkpoints.c.name.in_(names)).values(**values))


class ClaimSql:
    """The statement that moves to `to` the checkpoints of a set of projections that are at
    `before` and were built by the code's logic, returning their names. The UPDATE locks the rows
    as SELECT FOR UPDATE would (on PostgreSQL it waits for a catch-up holding them, then checks
    the guard again). Fixed text (the names and logic versions are the code's constants), made
    once per set of names, run on the driver's cursor with the parameters (to, before)."""

    def __init__(self) -> None:
        self._text: dict[tuple[tuple[str, ...], str], str] = {}

    def for_names(self, conn: Connection, names: Sequence[str]) -> str:
        key = (tuple(names), conn.dialect.paramstyle)
        sql = self._text.get(key)
        if sql is None:
            mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
            guard = " OR ".join(f"(name = '{n}' AND logic_version = {int(CLASSES[n].logic_version)})" for n in names)
            sql = self._text[key] = (
                f"UPDATE proj_checkpoints SET position = {mark} WHERE position = {mark} AND ({guard}) RETURNING name"
            )
        return sql
