"""The shadow tables a rebuild writes into (``<table>__rebuild``), made from the table specs
without secondary indexes, swapped into place at the end, or compared row by row with the live
tables. Rebuilds and comparisons share these names: run one at a time."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from events.db import write_connection
from projections import schema
from projections.calendar import iso
from projections.checkpoints import CLASSES
from projections.reports import CompareReport, Difference

log = logging.getLogger("projections")

SHADOW_SUFFIX = "__rebuild"


def create(engine: Engine, names: Sequence[str]) -> dict[str, sa.Table]:
    """Fresh shadow tables of the projections `names`, by live table name."""
    md = sa.MetaData()
    shadow = {
        t: schema.SPECS[t].build(md, t + SHADOW_SUFFIX, indexes=False) for n in names for t in CLASSES[n].table_names
    }
    # A writer like every other: on SQLite it takes the write lock up front (BEGIN IMMEDIATE) and so
    # waits its turn behind the server's commands, where a deferred transaction that reads the
    # schema and then writes fails at once with "database is locked".
    with write_connection(engine) as conn, conn.begin():
        for table in shadow.values():
            table.drop(conn, checkfirst=True)
            table.create(conn)
    return shadow


def drop(engine: Engine, shadow: Mapping[str, sa.Table]) -> None:
    try:
        with write_connection(engine) as conn, conn.begin():
            for table in shadow.values():
                table.drop(conn, checkfirst=True)
    except Exception:  # pragma: no cover - best effort after another failure
        log.exception("could not drop the shadow tables")


def create_indexes(engine: Engine, shadow: Mapping[str, sa.Table]) -> None:
    """PostgreSQL: the secondary indexes, built before the swap under temporary names, so that the
    swap only renames them; then the tables' statistics. A table renamed keeps them, and without
    them the planner guesses from an empty table's until autovacuum comes round, which at a
    national size can be a seq scan where the summaries expect an index walk."""
    q = engine.dialect.identifier_preparer.quote
    with write_connection(engine) as conn, conn.begin():
        for live_name, table in shadow.items():
            for ix in schema.SPECS[live_name].indexes:
                sa.Index(ix.name + SHADOW_SUFFIX, *(table.c[c] for c in ix.columns), unique=ix.unique).create(conn)
            conn.exec_driver_sql(f"ANALYZE {q(table.name)}")


def swap(conn: Connection, shadow: Mapping[str, sa.Table]) -> None:
    """Drop the live tables and rename the shadow ones into place, with their indexes: created
    now on SQLite, renamed on PostgreSQL (see `create_indexes`)."""
    q = conn.dialect.identifier_preparer.quote
    sqlite = conn.dialect.name == "sqlite"
    for live_name, table in shadow.items():
        conn.exec_driver_sql(f"DROP TABLE {q(live_name)}")
        conn.exec_driver_sql(f"ALTER TABLE {q(table.name)} RENAME TO {q(live_name)}")
        if sqlite:
            for index in schema.LIVE[live_name].indexes:
                index.create(conn)
        else:
            conn.exec_driver_sql(f"ALTER INDEX {q(table.name + '_pkey')} RENAME TO {q(live_name + '_pkey')}")
            for spec in schema.SPECS[live_name].indexes:
                conn.exec_driver_sql(f"ALTER INDEX {q(spec.name + SHADOW_SUFFIX)} RENAME TO {q(spec.name)}")


def count_rows(engine: Engine, tables: Sequence[str]) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            t: int(conn.execute(sa.select(sa.func.count()).select_from(schema.LIVE[t])).scalar() or 0) for t in tables
        }


def compare_table(conn: Connection, live: sa.Table, rebuilt: sa.Table, report: CompareReport, limit: int) -> None:
    """Walk both tables in key order side by side, noting in `report` every row only one has and
    every row that differs (dates compared as ISO text)."""
    key_cols = [c.name for c in live.primary_key.columns]
    names = [c.name for c in live.columns]
    dates = {c.name for c in live.columns if isinstance(c.type, sa.Date)}

    def rows(table: sa.Table) -> Iterator[tuple[tuple[Any, ...], dict[str, Any]]]:
        q = sa.select(*(table.c[n] for n in names)).order_by(*(table.c[k] for k in key_cols))
        for r in conn.execution_options(yield_per=2000).execute(q):
            row = {n: (iso(v) if n in dates else v) for n, v in zip(names, r, strict=True)}
            yield tuple(row[k] for k in key_cols), row

    count = 0
    a_iter, b_iter = rows(live), rows(rebuilt)
    a, b = next(a_iter, None), next(b_iter, None)
    while a is not None or b is not None:
        count += 1
        if b is None or (a is not None and a[0] < b[0]):
            assert a is not None
            report.note(Difference(live.name, a[0], "only live"), limit)
            a = next(a_iter, None)
        elif a is None or b[0] < a[0]:
            report.note(Difference(live.name, b[0], "only rebuilt"), limit)
            b = next(b_iter, None)
        else:
            diff = {n: (a[1][n], b[1][n]) for n in names if a[1][n] != b[1][n]}
            if diff:
                report.note(Difference(live.name, a[0], "differs", diff), limit)
            a, b = next(a_iter, None), next(b_iter, None)
    report.rows_compared[live.name] = count
