"""Alerts (RULES.md §6): those that fire on a business date in a subtree, in tree order, and how
many of each kind.

`recorded_at` answers "the alerts as they stood as recorded then" (backdated entries recorded
later do not count) for one union without organisations below it: its stream up to that time is
folded through the alerts projection (`projections.replay.union_as_of`), in one page. A whole
subtree as recorded means replaying the whole log (`projections.replay.alerts_as_recorded`): an
offline audit, not served per request, so `recorded_at` with an organisation that has others below
it is 422 naming `recorded_at`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, get_args

import sqlalchemy as sa
from fastapi import APIRouter
from sqlalchemy.engine import Connection

from api.deps import ReaderDep, Scope
from api.problems import invalid
from api.routes.paging import INT, TEXT, answer_page, check_cursor, own_only
from api.routes.params import MAX_PAGE, AlertsRecordedAt, AsOfToday, Cursor, Kinds, Limit, OrgParam, recorded_until
from api.routes.reading import fields_of, get
from api.runtime import Runtime
from api.schemas.alerts import AlertCounts, AlertKind, AlertPage
from projections import queries, replay, schema

router = APIRouter()


def _has_children(conn: Connection, org_id: str) -> bool:
    o = schema.orgs
    return conn.execute(sa.select(o.c.org_id).where(o.c.parent_id == org_id).limit(1)).first() is not None


def _alerts_as_recorded(
    runtime: Runtime, conn: Connection, scope: Scope, on: dt.date, recorded_at: dt.datetime, kinds: Sequence[str]
) -> list[queries.Alert]:
    """The alerts of one union as the system had recorded them by `recorded_at`: its stream up to
    then, folded through the alerts projection (`projections.replay.union_as_of`). A subtree as
    recorded means replaying the whole log (`projections.replay.alerts_as_recorded`): an offline
    audit, not something to serve per request."""
    if _has_children(conn, scope.org_id):
        raise invalid(
            "query.recorded_at",
            f"alerts as recorded are answered for one union without organisations below it; {scope.org_id} has "
            "some: ask for each union, or replay the subtree offline (projections.replay.alerts_as_recorded)",
        )
    snapshot = replay.union_as_of(runtime.store, scope.org_id, recorded_until=recorded_at)
    return [a for a in snapshot.alerts(on) if not kinds or a.kind in kinds]


def _alert(a: queries.Alert) -> dict[str, Any]:
    return fields_of(a) | {"href": f"/unions/{a.org_id}"}


@get(router, "/alerts", "Alerts that fire on a date in a subtree, in tree order (RULES.md §6)", AlertPage)
def list_alerts(
    read: ReaderDep,
    as_of: AsOfToday = None,
    org: OrgParam = None,
    kind: Kinds = None,
    recorded_at: AlertsRecordedAt = None,
    cursor: Cursor = None,
    limit: Limit = 100,
) -> Any:
    on = as_of or read.today
    kinds = sorted(set(kind or []))
    until = recorded_until(recorded_at)
    after = check_cursor(cursor, (TEXT, TEXT, INT))
    with read.runtime.engine.connect() as conn:
        scope = read.scope(conn, org)
        if until is not None:
            if cursor is not None:
                raise invalid("query.cursor", "alerts as recorded come in one page: there is no next page")
            page = queries.Page(_alerts_as_recorded(read.runtime, conn, scope, on, until, kinds), None)
        else:
            found = queries.alerts(conn, on, scope.org_id, kinds or None, limit=limit, cursor=cursor if after else None)
            page = own_only(found.items, found.next_cursor, scope, lambda a: a.org_id)
    return answer_page(read, [_alert(a) for a in page.items], page.next_cursor) | {
        "as_of": on,
        "recorded_at": recorded_at,
    }


def _count_own(conn: Connection, scope: Scope, on: dt.date, counts: dict[str, int]) -> None:
    """Staff: their own organisation's alerts, which come first in its subtree's range."""
    cursor: str | None = None
    while True:
        found = queries.alerts(conn, on, scope.org_id, limit=MAX_PAGE, cursor=cursor)
        page = own_only(found.items, found.next_cursor, scope, lambda a: a.org_id)
        for a in page.items:
            counts[a.kind] = counts.get(a.kind, 0) + 1
        if page.next_cursor is None:
            return
        cursor = page.next_cursor


@get(router, "/alerts/counts", "How many alerts of each kind fire on a date in a subtree", AlertCounts)
def count_alerts(
    read: ReaderDep, as_of: AsOfToday = None, org: OrgParam = None, recorded_at: AlertsRecordedAt = None
) -> Any:
    on = as_of or read.today
    until = recorded_until(recorded_at)
    counts = dict.fromkeys(get_args(AlertKind), 0)
    with read.runtime.engine.connect() as conn:
        scope = read.scope(conn, org)
        if until is not None:
            for a in _alerts_as_recorded(read.runtime, conn, scope, on, until, ()):
                counts[a.kind] = counts.get(a.kind, 0) + 1
        elif scope.own_only:
            _count_own(conn, scope, on, counts)
        else:
            counts |= queries.alert_counts(conn, on, scope.org_id)
    return {
        "org": scope.org_id,
        "as_of": on,
        "recorded_at": recorded_at,
        "counts": counts,
        "total": sum(counts.values()),
    }
