"""A rejection of a union's filing, as its staff must see it: what was rejected, by whom and when,
the reasons, and where to resume (R-APPROVER). A rejection moves the procedure back (or closes
it) silently as far as the state goes; its reasons are in the rejection event, which these
notices put in front of the staff, on their home page and on the procedure's page.

What was filed, where the procedure went back to and what the union does next all come from the
flow declarations (`events.flows`); the steps offered are the workflow's "what may I do now"."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from api.requests import OPEN_REQUESTS
from api.web.step_forms import step_names
from events.flows import FLOWS, REJECTION_EVENTS, Step
from projections.replay import HistoryEntry
from workflow.affordances import AllowedStep
from workflow.authority import Actor
from workflow.state import Procedure, UnionState

AllowedSteps = Callable[[UnionState, Procedure, Actor], list[AllowedStep]]


@dataclass(frozen=True)
class RejectionNotice:
    procedure_id: str
    kind: str
    filing: str  # what was rejected: the flow's "awaiting" text of the state it waited in
    reasons: str
    on: dt.date
    by: str  # the approver's person id
    by_org: str | None  # the higher-level union that rejected it
    state: str  # where the procedure is now
    closed: bool
    redo: str = ""  # the catalogue key of the step the rejection sent the election back to, if it named one
    next: str | None = None  # what the union does next, as its flow says (the "waiting." key's text)
    resume: list[str] = field(default_factory=list)  # the forms (step names) the person may take now
    reopen: str = ""  # where to open a new procedure of the kind, when the rejection closed this one


def _rejecting_step(kind: str, entry: HistoryEntry) -> Step | None:
    flow = FLOWS[kind]
    redo = entry.payload.get("redo_from")
    return flow.step_of_event(entry.event_type, str(redo) if redo else None) or flow.step_of_event(entry.event_type)


def _latest_of_kind(union: UnionState, proc: Procedure) -> bool:
    same = union.procedures_of(proc.kind)
    return bool(same) and same[-1].procedure_id == proc.procedure_id


def rejection_notices(
    union: UnionState, actor: Actor, entries: Iterable[HistoryEntry], allowed: AllowedSteps
) -> list[RejectionNotice]:
    """The procedures of `union` whose last step was a rejection, among `entries` (its history, or
    one procedure's): each with its notice. A rejection that closed its procedure stays noticed
    until a procedure of the same kind is opened after it."""
    last: dict[str, HistoryEntry] = {}
    for e in entries:
        if e.procedure_id is not None:
            last[e.procedure_id] = e
    notices = []
    for pid, entry in last.items():
        proc = union.procedures.get(pid)
        if proc is None or entry.event_type not in REJECTION_EVENTS:
            continue
        flow = FLOWS[proc.kind]
        closed = proc.state in flow.terminal
        if closed and not _latest_of_kind(union, proc):
            continue
        step = _rejecting_step(proc.kind, entry)
        own_staff = actor.role == "staff" and actor.org_id == union.org_id
        notices.append(
            RejectionNotice(
                procedure_id=pid,
                kind=proc.kind,
                filing=(flow.awaiting(step.sources[0]) or "") if step is not None else "",
                reasons=str(entry.payload.get("reasons", "")),
                on=entry.occurred_on,
                by=entry.actor_id,
                by_org=entry.acting_org,
                state=proc.state,
                closed=closed,
                redo=f"trigger.{proc.kind}.{step.trigger}" if step is not None and step.outcome else "",
                next=flow.next_step(proc.state),
                resume=[s for s in step_names(allowed(union, proc, actor)) if s != "withdraw"],
                reopen=f"/ui/unions/{union.org_id}/open/{proc.kind}"
                if closed and own_staff and proc.kind in OPEN_REQUESTS
                else "",
            )
        )
    return sorted(notices, key=lambda n: n.on, reverse=True)
