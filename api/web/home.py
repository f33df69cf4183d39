"""What a person's home page says they have to do: the union's staff, their procedures (each with
its state, the next step and who it waits on, from the flows and the procedures read model) and
any rejection of their filings (`rejections`); an approver, the filings waiting on them (待办)
with the days each has waited (the inbox read model). Auditors and administrators get the
dashboard as it is (`pages.dashboard`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from api.requests import OPEN_REQUESTS
from api.runtime import Runtime
from api.web.rejections import rejection_notices
from api.web.step_forms import step_names
from projections import queries, replay
from workflow.authority import Actor
from workflow.state import UnionState

TODO_ROWS = 10  # the home page's to-do list; the inbox has them all


def names_of(rt: Runtime, org_ids: Iterable[str | None]) -> dict[str, str]:
    """Each organisation's name by its id (the id itself for one not in the register)."""
    out: dict[str, str] = {}
    for org_id in org_ids:
        if org_id and org_id not in out:
            record = queries.union(rt.engine, org_id)
            out[org_id] = record.name if record is not None and record.name else org_id
    return out


@dataclass(frozen=True)
class ProcedureRow:
    status: queries.ProcedureStatus
    waits_on: str  # "union", "approver" or "" (closed)
    may: list[str] = field(default_factory=list)  # the forms the person may take now


def _waits_on(status: queries.ProcedureStatus) -> str:
    if status.waiting_on is None:
        return ""
    return "union" if status.waiting_on == status.org_id else "approver"


def openable(rt: Runtime, union: UnionState, actor: Actor) -> list[str]:
    """The procedures `actor` may start on the union now, in the order the pages list them."""
    kinds = rt.service.openable_kinds(union, actor)
    return [kind for kind in OPEN_REQUESTS if kind in kinds]


def staff_home(rt: Runtime, actor: Actor, today: dt.date) -> dict[str, Any]:
    """The staff's home: their union's procedures (open ones first), the rejections to act on,
    the union's alerts of the day and what they may start."""
    org_id = actor.org_id
    union = rt.service.load(org_id)
    statuses = queries.procedures(rt.engine, org_id=org_id, limit=None).items
    rows = []
    for status in statuses:
        proc = union.procedures.get(status.procedure_id)
        may = step_names(rt.service.allowed_steps(union, proc, actor)) if proc is not None else []
        rows.append(ProcedureRow(status, _waits_on(status), may))
    notices = rejection_notices(union, actor, replay.history(rt.store, org_id=org_id), rt.service.allowed_steps)
    record = queries.union(rt.engine, org_id)
    return {
        "org": record,
        "org_id": org_id,
        "open_rows": [r for r in rows if not r.status.closed],
        "closed_rows": [r for r in rows if r.status.closed],
        "notices": notices,
        "names": names_of(rt, [org_id, union.parent_id, *(n.by_org for n in notices)]),
        "approver_org": union.parent_id,
        "alerts": queries.alerts(rt.engine, on=today, subtree=org_id, limit=50).items,
        "open_kinds": openable(rt, union, actor),
    }


def approver_todo(rt: Runtime, actor: Actor, today: dt.date) -> dict[str, Any]:
    """The approver's to-do list: the oldest filings waiting on their union, and whether more wait."""
    page = queries.inbox(rt.engine, actor.org_id, on=today, limit=TODO_ROWS)
    return {
        "todo": page.items,
        "todo_more": page.next_cursor is not None,
        "todo_names": names_of(rt, (i.org_id for i in page.items)),
    }
