"""The one read the pages need that `projections.queries` does not answer: the worst alerts of a
subtree on a date (the earliest deadlines: the most days overdue), for the dashboard's short list.

It reads the alert periods the projection keeps (`projections.schema.alerts`), in the subtree's
path range (the table's primary key), and keeps only the top `limit` by deadline. The full lists
page in tree order with keyset cursors (`projections.queries.alerts`)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from projections import schema
from projections.queries import Alert, alert_record, subtree_filter

_A = schema.alerts


def worst_alerts(engine: Engine, on: dt.date, subtree: str, *, limit: int = 10) -> list[Alert]:
    with engine.connect() as conn:
        q = (
            sa.select(
                _A.c.org_id,
                _A.c.kind,
                _A.c.seq,
                _A.c.path,
                _A.c.deadline,
                _A.c.rule,
                _A.c.procedure_id,
                _A.c.window,
                _A.c.basis,
                _A.c.fires_from,
                _A.c.fires_until,
            )
            .where(_A.c.fires_from <= on, _A.c.fires_until >= on, *subtree_filter(conn, _A.c.path, subtree))
            .order_by(_A.c.deadline, _A.c.path, _A.c.kind, _A.c.seq)
            .limit(limit)
        )
        return [alert_record(r._mapping, on) for r in conn.execute(q)]
