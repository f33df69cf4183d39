"""Alerts of RULES.md §6: the periods stored by the alerts projection that fire on a date."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from projections import schema
from projections.queries.paging import (
    OPEN_DATE,
    Bind,
    Page,
    as_date,
    bound_page,
    connect,
    page_of,
    page_parameters,
    subtree_bounds,
    subtree_filter,
)
from projections.queries.tally_reads import added, scope, tallied


@dataclass(frozen=True)
class Alert:
    kind: str  # A-TERM-DUE, A-TERM-OVERDUE, ...
    org_id: str
    path: str
    on: dt.date  # the date asked about
    deadline: dt.date
    days_overdue: int  # on - deadline; for A-TERM-DUE zero or negative (days left)
    rule: str
    procedure_id: str | None
    window: str
    basis: str  # what the deadline counts from, e.g. "term 2 ends 2024-03-01"
    fires_from: dt.date
    fires_until: dt.date | None  # None: until something ends it


_A = schema.alerts
_ALERT_COLUMNS = (
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


def fires_on(on: dt.date | sa.BindParameter[dt.date]) -> list[sa.ColumnElement[bool]]:
    """The alert periods that fire on `on`: each stored period says when it fires, so any date
    costs the same."""
    return [_A.c.fires_from <= on, _A.c.fires_until >= on]


def _firing(conn: Connection, on: dt.date, subtree: str | None) -> list[sa.ColumnElement[bool]]:
    """The alert periods that fire on `on` for unions in `subtree`."""
    return [*fires_on(on), *subtree_filter(conn, _A.c.path, subtree)]


_ALERT_KEY = (_A.c.path, _A.c.kind, _A.c.seq)


@functools.cache
def _alerts_statement(subtree: bool, after: bool, kinds: bool, limited: bool) -> sa.Select[Any]:
    """The alert list's query for one shape of the arguments, built once: the date, the subtree's
    bounds (`low`, `high`), the cursor's values, the kinds and the limit are bound at execution."""
    q = sa.select(*_ALERT_COLUMNS).where(*fires_on(sa.bindparam("on", type_=sa.Date)))
    if subtree:
        q = q.where(_A.c.path >= sa.bindparam("low"), _A.c.path < sa.bindparam("high"))
    if kinds:
        q = q.where(_A.c.kind.in_(sa.bindparam("kinds", expanding=True)))
    return bound_page(q, _ALERT_KEY, after=after, limited=limited)


def alerts(
    bind: Bind,
    on: dt.date | None = None,
    subtree: str | None = None,
    kinds: Sequence[str] | None = None,
    *,
    limit: int | None = 100,
    cursor: str | None = None,
) -> Page[Alert]:
    """The alerts that fire on `on` (default today) for unions in `subtree` (default: all), in
    tree order. The same query answers for any date: each stored period says when it fires."""
    on = on or dt.date.today()
    with connect(bind) as conn:
        values = page_parameters(_ALERT_KEY, cursor, limit) | {"on": on, "kinds": list(kinds or ())}
        if subtree is not None:
            values["low"], values["high"] = subtree_bounds(conn, subtree)
        q = _alerts_statement(subtree is not None, cursor is not None, bool(kinds), limit is not None)
        rows, nxt = page_of(list(conn.execute(q, values)), limit, lambda r: (r.path, r.kind, r.seq))
    return Page([alert_record(r._mapping, on) for r in rows], nxt)


def worst_alerts(bind: Bind, on: dt.date, subtree: str | None, *, limit: int = 10) -> list[Alert]:
    """The `limit` alerts of `subtree` on `on` with the earliest deadlines (the most days
    overdue): a dashboard's short list. The full list pages in tree order (`alerts`)."""
    with connect(bind) as conn:
        q = (
            sa.select(*_ALERT_COLUMNS)
            .where(*_firing(conn, on, subtree))
            .order_by(_A.c.deadline, _A.c.path, _A.c.kind, _A.c.seq)
            .limit(limit)
        )
        return [alert_record(r._mapping, on) for r in conn.execute(q)]


def alert_record(r: Mapping[Any, Any], on: dt.date) -> Alert:
    """An alert period row (from the table or from a replay) as the alert it is on `on`."""
    deadline = as_date(r["deadline"])
    until = as_date(r["fires_until"])
    assert deadline is not None
    return Alert(
        kind=r["kind"],
        org_id=r["org_id"],
        path=r["path"],
        on=on,
        deadline=deadline,
        days_overdue=(on - deadline).days,
        rule=r["rule"],
        procedure_id=r["procedure_id"],
        window=r["window"],
        basis=r["basis"],
        fires_from=as_date(r["fires_from"]),  # type: ignore[arg-type]
        fires_until=None if until == OPEN_DATE else until,
    )


AlertCounts = dict[str, int]


def alert_counts(bind: Bind, on: dt.date | None = None, subtree: str | None = None) -> AlertCounts:
    """How many alerts of each kind fire on `on` in `subtree`: the tally of the organisations below
    its root (`projections.models.tallies`) and the root's own periods, or below the tallied levels
    the subtree's periods."""
    on = on or dt.date.today()
    with connect(bind) as conn:
        where = scope(conn, subtree, _A)
        counts = tallied(conn, schema.alert_tallies, where.ancestors, on)
        rows = where.rows(_A.c.path)
        if rows is not None:
            q = sa.select(_A.c.kind, sa.func.count()).where(*rows, *fires_on(on)).group_by(_A.c.kind)
            counts = added(counts, {k: int(n) for k, n in conn.execute(q)})
    return {k: n for k, n in counts.items() if n}
