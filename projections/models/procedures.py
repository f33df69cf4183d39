"""Procedure status (read model 1) and the approval inbox (read model 3).

One row per procedure: its union, kind, state, when it last moved (business date), and what it
waits for and on whom: the direct higher-level union while a filing waits on it (R-APPROVER), the
union itself otherwise, nobody once closed. A filing waiting on the higher-level union carries its
content (the filing event's payload as stored), who filed it and when; the inbox of an approving
organisation is these rows with `inbox_org` = that organisation, oldest first.

States come from the procedures' declarations (`events.flows`: event type -> state, per kind).
The approval window used by A-APPROVAL-PENDING is the one of the profile the procedure pinned in
its first event."""

from __future__ import annotations

import operator
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from events.catalogue import ProcedureOpenedMixin
from events.flows import DISSOLUTION, FILING_EVENTS, FLOWS, OPENED_BY, OUTCOME_EVENTS, PROCEDURE_EVENTS
from events.outcomes import outcome_of
from projections import schema
from projections.base import Handler, Projection, Rows, dumps, loads, rows_by_org
from projections.errors import CorruptHistory
from projections.feed import Ev

COLUMNS = tuple(c.name for c in schema.procedures.columns)
_ROW = operator.itemgetter(*COLUMNS)
_INTERNAL = COLUMNS.index("internal")
DEFAULT_REPLY_DAYS = 15  # RULES.md §6 A-APPROVAL-PENDING default, for a profile without the field


class UnionProcedures:
    __slots__ = ("last", "org_id", "procs")

    def __init__(self, org_id: str) -> None:
        self.org_id = org_id
        self.procs: dict[str, dict[str, Any]] = {}
        # procedure id -> (its latest event, the state it led to when that depended on the
        # event's content, else None): the row is brought up to date from it when rendered.
        self.last: dict[str, tuple[Ev[Any], str | None]] = {}


def advance(kind: str, state: str, runoffs: list[str], ev: Ev[Any]) -> tuple[str, list[str]]:
    """The state `ev` leads a procedure of `kind` to (and the runoffs still pending after it).
    Pure, so the answer is kept on the event for the next projection that asks the same."""
    cached = ev.step
    if cached is not None and cached[0] == kind and cached[1] == state and cached[2] == runoffs:
        return cached[3], cached[4]
    key = ev.type
    after = runoffs
    if key in OUTCOME_EVENTS:
        outcome, after = outcome_of(ev.event, runoffs)
        key = f"{key}:{outcome}" if outcome else key
    dest = _DESTINATION[kind].get(key)
    if dest is None:
        raise CorruptHistory(
            f"{ev.stream_id} v{ev.version}: {ev.type} does not fit {kind} procedure {ev.pid} in state {state!r}"
        )
    ev.step = (kind, state, runoffs, dest, after)
    return dest, after


# kind -> event type (with its outcome where the content decides) -> the state it leads to
_DESTINATION: dict[str, dict[str, str]] = {kind: flow.destinations() for kind, flow in FLOWS.items()}

# kind -> the event types that can move a procedure of that kind
_FITS: dict[str, frozenset[str]] = {kind: frozenset(s.event for s in flow.steps) for kind, flow in FLOWS.items()}

# (kind, state) -> (what waits on the approver or None, closed, the union's next step)
_STATES: dict[tuple[str, str], tuple[str | None, bool, str | None]] = {
    (kind, state): (flow.awaiting(state), state in flow.terminal, flow.next_step(state))
    for kind, flow in FLOWS.items()
    for state in flow.state_names
}


def _dissolved(rows: Iterable[dict[str, Any]]) -> None:
    """R-DISSOLVE: once the union is dissolved nothing waits on it (the approval withdrew what was
    under way; a founding that only waited for its legal-person registration stays as it was)."""
    rows = list(rows)
    if any(r["kind"] == DISSOLUTION and r["state"] == "approved" for r in rows):
        for r in rows:
            if not r["closed"]:
                r["waiting_on"], r["waiting_for"] = None, "nothing: the union is dissolved (R-DISSOLVE)"


class Procedures(Projection[UnionProcedures]):
    name = "procedures"
    table_names = ("proj_procedures",)
    ignores = frozenset(
        {
            "OrganisationRegistered",
            "UnitFactsUpdated",
            "ExistingTermImported",
            "AnnualCongressHeld",
            "ViceChairRemoved",
            "RuleProfileAssigned",
            "CoverageTargetsSet",
            "UnitCovered",
            "CoveredUnitLeft",
        }
    )

    def _handlers(self) -> dict[str, Handler]:
        out: dict[str, Handler] = {t: self._step for t in PROCEDURE_EVENTS}
        out.update({t: self._variant_step for t in OUTCOME_EVENTS})
        out.update({t: self._open for t in OPENED_BY})
        return out

    def new(self, org_id: str) -> UnionProcedures:
        return UnionProcedures(org_id)

    def _open(self, s: UnionProcedures, ev: Ev[ProcedureOpenedMixin]) -> None:
        e = ev.event
        flow = OPENED_BY[ev.type]
        kind = flow.kind
        info = self.tree.info(s.org_id)
        pid = ev.pid
        s.procs[pid] = {
            "org_id": s.org_id,
            "procedure_id": pid,
            "path": info.path if info is not None else s.org_id + "/",
            "approver_org": info.parent_id if info is not None else None,
            "kind": kind,
            "state": flow.initial,
            "opened_on": ev.on,
            "profile_name": e.profile_name,
            "profile_version": e.profile_version,
            "reply_days": int(e.profile.get("approval_reply_days", DEFAULT_REPLY_DAYS)),
            "internal": [],  # runoffs pending (R-TIE, R-SHORTFALL); JSON in the table
            "inbox_org": None,
        }
        s.last[pid] = (ev, flow.initial)

    def _step(self, s: UnionProcedures, ev: Ev[Any]) -> None:
        # A step's destination depends only on its type and the procedure's kind (events.flows), so
        # only the latest step matters for the row; each one is still checked against the kind.
        pid = ev.pid
        row = s.procs.get(pid)
        if row is None:
            raise CorruptHistory(f"{ev.stream_id} v{ev.version}: {ev.type} for unknown procedure {pid}")
        if ev.type not in _FITS[row["kind"]]:
            raise CorruptHistory(f"{ev.stream_id} v{ev.version}: {ev.type} does not fit {row['kind']} procedure {pid}")
        s.last[pid] = (ev, None)

    def _variant_step(self, s: UnionProcedures, ev: Ev[Any]) -> None:
        # These lead where their content says (events.outcomes); runoffs carry over between them.
        pid = ev.pid
        row = s.procs.get(pid)
        if row is None:
            raise CorruptHistory(f"{ev.stream_id} v{ev.version}: {ev.type} for unknown procedure {pid}")
        state, row["internal"] = advance(row["kind"], "", row["internal"], ev)
        s.last[pid] = (ev, state)

    @staticmethod
    def _moved(row: dict[str, Any], ev: Ev[Any]) -> None:
        awaiting, closed, next_step = _STATES[row["kind"], row["state"]]
        row["last_moved_on"] = ev.on
        row["last_event"] = ev.type
        row["last_version"] = ev.version
        row["closed"] = closed
        if awaiting is not None:
            # R-APPROVER: the filing waits on the direct higher-level union from the day it was
            # made; a state that waits is only ever entered by the filing event itself.
            approver = row["approver_org"]
            row["waiting_on"] = row["inbox_org"] = approver
            row["waiting_for"] = awaiting
            row["filed_on"] = ev.on
            row["filing"] = FILING_EVENTS.get(ev.type, ev.type)
            row["filing_event"] = ev.type
            row["filing_content"] = ev.raw  # the payload as stored, rule evidence included
            row["filed_by"] = ev.meta_raw  # who filed it, in which role, for which organisation
        else:
            row["waiting_on"] = None if closed else row["org_id"]
            row["waiting_for"] = next_step
            row["inbox_org"] = row["filed_on"] = row["filing"] = row["filing_event"] = None
            row["filing_content"] = row["filed_by"] = None

    def render(self, s: UnionProcedures) -> Rows:
        if not s.procs:
            return {}
        for pid, (ev, state) in s.last.items():
            row = s.procs[pid]
            row["state"] = state if state is not None else _DESTINATION[row["kind"]][ev.type]
            self._moved(row, ev)
        s.last.clear()
        _dissolved(s.procs.values())
        out = []
        for r in s.procs.values():
            values = list(_ROW(r))
            values[_INTERNAL] = dumps(values[_INTERNAL])
            out.append(tuple(values))
        return {"proj_procedures": out}

    def load(
        self, conn: Connection, tables: Mapping[str, sa.Table], org_ids: Sequence[str]
    ) -> dict[str, UnionProcedures]:
        out: dict[str, UnionProcedures] = {}
        # Ordered by when each procedure opened (then id), the order a fresh fold inserts them in,
        # so that rendering a loaded state gives the same rows in the same order.
        for org_id, rows in rows_by_org(
            conn, tables["proj_procedures"], org_ids, ("org_id", "opened_on", "procedure_id")
        ).items():
            s = out[org_id] = UnionProcedures(org_id)
            for r in rows:
                r["internal"] = loads(r["internal"])
            s.procs = {r["procedure_id"]: r for r in rows}
        return out
