"""Procedure status and lists, and the approval inbox of a higher-level union."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import orjson
import sqlalchemy as sa

from projections import schema
from projections.queries.paging import (
    Bind,
    Page,
    as_date,
    bound_page,
    connect,
    keyset_after,
    page_of,
    page_parameters,
    subtree_filter,
)


@dataclass(frozen=True)
class ProcedureStatus:
    procedure_id: str
    org_id: str
    path: str
    kind: str
    state: str
    closed: bool
    opened_on: dt.date
    last_moved_on: dt.date
    last_event: str
    waiting_on: str | None  # who must act next: the higher-level union, the union, or nobody
    waiting_for: str | None
    awaiting_approval: bool
    approver_org: str | None
    filed_on: dt.date | None
    profile_name: str
    profile_version: int
    version: int  # the union stream's version of the procedure's last event


_P = schema.procedures


def procedure_record(r: Mapping[Any, Any]) -> ProcedureStatus:
    """A procedures row (from the table or from a replay) as a status."""
    return ProcedureStatus(
        procedure_id=r["procedure_id"],
        org_id=r["org_id"],
        path=r["path"],
        kind=r["kind"],
        state=r["state"],
        closed=bool(r["closed"]),
        opened_on=as_date(r["opened_on"]),  # type: ignore[arg-type]
        last_moved_on=as_date(r["last_moved_on"]),  # type: ignore[arg-type]
        last_event=r["last_event"],
        waiting_on=r["waiting_on"],
        waiting_for=r["waiting_for"],
        awaiting_approval=r["inbox_org"] is not None,
        approver_org=r["approver_org"],
        filed_on=as_date(r["filed_on"]),
        profile_name=r["profile_name"],
        profile_version=r["profile_version"],
        version=r["last_version"],
    )


def procedure_status(bind: Bind, procedure_id: str) -> ProcedureStatus | None:
    with connect(bind) as conn:
        r = conn.execute(sa.select(_P).where(_P.c.procedure_id == procedure_id)).first()
    return procedure_record(r._mapping) if r is not None else None


def procedures(
    bind: Bind,
    subtree: str | None = None,
    *,
    org_id: str | None = None,
    kind: str | None = None,
    state: str | None = None,
    open_only: bool = False,
    limit: int | None = 100,
    cursor: str | None = None,
) -> Page[ProcedureStatus]:
    """Procedures in tree order, filtered by subtree, union, kind, state, open or not."""
    with connect(bind) as conn:
        key = (_P.c.path, _P.c.procedure_id)
        q = sa.select(_P).where(*subtree_filter(conn, _P.c.path, subtree), *keyset_after(key, cursor))
        if org_id is not None:
            q = q.where(_P.c.org_id == org_id)
        if kind is not None:
            q = q.where(_P.c.kind == kind)
        if state is not None:
            q = q.where(_P.c.state == state)
        if open_only:
            q = q.where(_P.c.closed == sa.false())
        q = q.order_by(*key)
        if limit is not None:
            q = q.limit(limit + 1)
        rows, nxt = page_of(list(conn.execute(q)), limit, lambda r: (r.path, r.procedure_id))
    return Page([procedure_record(r._mapping) for r in rows], nxt)


@dataclass(frozen=True)
class InboxItem:
    procedure_id: str
    org_id: str
    kind: str
    state: str
    filing: str  # what waits: founding_request, results, extension, ... (events.flows.FILING_EVENTS)
    waiting_for: str
    filing_event: str
    content: dict[str, Any]  # the filing event's payload, with its rule evidence
    filed_by: dict[str, Any]
    filed_on: dt.date
    waited_days: int
    reply_days: int  # the reply window of the procedure's profile (A-APPROVAL-PENDING)

    @property
    def overdue(self) -> bool:
        return self.waited_days > self.reply_days


_INBOX_KEY = (_P.c.filed_on, _P.c.procedure_id)
_INBOX_COLUMNS = (
    *_INBOX_KEY,
    *(_P.c[name] for name in ("org_id", "kind", "state", "filing", "waiting_for", "filing_event")),
    *(_P.c[name] for name in ("filing_content", "filed_by", "reply_days")),
)


@functools.cache
def _inbox_statement(after: bool, one: bool, limited: bool) -> sa.Select[Any]:
    """The inbox's query for one shape of the arguments, built once: an approver's reads differ
    only in the values bound at execution (`org`, the cursor's, `procedure_id`, `limit`)."""
    q = sa.select(*_INBOX_COLUMNS).where(_P.c.inbox_org == sa.bindparam("org"))
    if one:
        q = q.where(_P.c.procedure_id == sa.bindparam("procedure_id"))
    return bound_page(q, _INBOX_KEY, after=after, limited=limited)


def inbox(
    bind: Bind,
    approver_org: str,
    *,
    on: dt.date | None = None,
    limit: int | None = 100,
    cursor: str | None = None,
    procedure_id: str | None = None,
) -> Page[InboxItem]:
    """The filings waiting on `approver_org` (R-APPROVER: it decides those of the unions directly
    below it), oldest first, with how long each has waited on `on` (default today); only that of
    `procedure_id` when given (none when it does not wait on `approver_org`)."""
    on = on or dt.date.today()
    values = page_parameters(_INBOX_KEY, cursor, limit) | {"org": approver_org, "procedure_id": procedure_id}
    q = _inbox_statement(cursor is not None, procedure_id is not None, limit is not None)
    with connect(bind) as conn:
        rows, nxt = page_of(list(conn.execute(q, values)), limit, lambda r: (as_date(r.filed_on), r.procedure_id))
    items = []
    for r in rows:
        filed = as_date(r.filed_on)
        assert filed is not None
        items.append(
            InboxItem(
                procedure_id=r.procedure_id,
                org_id=r.org_id,
                kind=r.kind,
                state=r.state,
                filing=r.filing,
                waiting_for=r.waiting_for,
                filing_event=r.filing_event,
                content=orjson.loads(r.filing_content),
                filed_by=orjson.loads(r.filed_by),
                filed_on=filed,
                waited_days=(on - filed).days,
                reply_days=r.reply_days,
            )
        )
    return Page(items, nxt)
