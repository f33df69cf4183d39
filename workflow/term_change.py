"""Changing when a term is renewed, both decided by the higher-level union:

- extension (延期换届, R-EXTENSION): requested by the committee with a reason and the new deadline,
  at most `extension_max_months` after the term end (6 by default). An unapproved request changes
  nothing: the union stays overdue until the approval (worked example 3).
- early re-election (提前换届, R-EARLY): requested with a reason and the planned congress date,
  before the term end; once approved, a re-election may open before the reminder window.

One extension per term: the limit bounds the total delay, and a second request would get round it."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import Field

from events.catalogue import ProcedureEvent
from events.flows.term_change import (
    EARLY_REELECTION_FLOW,
    EXTENSION_FLOW,
    EarlyReelectionApproved,
    EarlyReelectionRejected,
    EarlyReelectionRequested,
    ExtensionApproved,
    ExtensionRejected,
    ExtensionRequested,
)
from workflow import rules
from workflow.command import ProcedureCommand, UnionCommand, handles
from workflow.kinds import ApproveFiling, ProcedureKind, as_command, opener, opening, rejected, term_profile, withdraw
from workflow.profile import RuleProfile
from workflow.state import Procedure, Term, TermChangeProcedure, UnionState

if TYPE_CHECKING:
    from workflow.authority import Actor
    from workflow.unit_of_work import Decision, UnitOfWork

REQUESTED = "requested"


class _TermChangeRequest(UnionCommand):
    """What both requests carry: the reason the higher-level union weighs."""

    reason: str = Field(min_length=1)


def _requestable_term(union: UnionState, rule: str, kind: str, request: str) -> Term:
    """The current term a request of `kind` is about, with no other request of it waiting (`rule`)."""
    term = rules.require_current_term(rule, union.org_id, union.term)
    waiting = any(p.state == REQUESTED for p in union.procedures_of(kind))
    rules.require_no_request_waiting(rule, union.org_id, request, waiting)
    return term


def _request_facts(
    procedure_id: str, cmd: _TermChangeRequest, profile: RuleProfile, term: Term, evidence: Any
) -> dict[str, Any]:
    """What both requests record: the pinned profile, the reason, the term end and the check."""
    return {
        "procedure_id": procedure_id,
        **profile.pinned(),
        "reason": cmd.reason,
        "term_end": term.end,
        "evidence": [evidence],
    }


# --------------------------------------------------------------------------- extension


class RequestExtension(_TermChangeRequest):
    examples: ClassVar[list[dict[str, Any]]] = [
        {"reason": "单位重组", "new_deadline": "2024-09-01", "occurred_on": "2024-01-05"}
    ]

    new_deadline: dt.date


@handles(RequestExtension)
def request_extension(cmd: RequestExtension, union: UnionState, uow: UnitOfWork, actor: Actor) -> Decision:
    return opening(union, cmd, actor, EXTENSION_FLOW.kind, decide_extension_request, partial(term_profile, union, uow))


def decide_extension_request(
    union: UnionState, procedure_id: str, cmd: RequestExtension, profile: RuleProfile
) -> ExtensionRequested:
    term = _requestable_term(union, "R-EXTENSION", EXTENSION_FLOW.kind, "an extension request")
    rules.require_not_extended(term, profile)
    evidence = rules.check_extension(term.end, cmd.new_deadline, profile)
    return ExtensionRequested(
        **_request_facts(procedure_id, cmd, profile, term, evidence), new_deadline=cmd.new_deadline
    )


def _apply_extension(union: UnionState, proc: Procedure, ev: ProcedureEvent, occurred_on: dt.date) -> None:
    # The deadline moves only on approval (R-EXTENSION: an unapproved request changes nothing).
    if isinstance(ev, ExtensionApproved) and union.term is not None:
        union.term.deadline = ev.new_deadline
        union.term.extension_procedure = proc.procedure_id


def _approve_extension(union: UnionState, proc: Procedure, cmd: ProcedureCommand) -> list[ProcedureEvent]:
    assert isinstance(proc, TermChangeProcedure) and proc.new_deadline is not None and proc.term_end is not None
    cmd = as_command(cmd, ApproveFiling)
    term = rules.require_current_term("R-EXTENSION", union.org_id, union.term)
    rules.require_extension_for_current_term(proc.term_end, term.end)
    evidence = rules.check_extension(proc.term_end, proc.new_deadline, proc.profile)
    return [
        ExtensionApproved(
            procedure_id=proc.procedure_id,
            document_no=cmd.document_no,
            remarks=cmd.remarks,
            new_deadline=proc.new_deadline,
            evidence=[evidence],
        )
    ]


EXTENSION = ProcedureKind(
    flow=EXTENSION_FLOW,
    open_procedure=opener(TermChangeProcedure, EXTENSION_FLOW, "reason", "term_end", "new_deadline"),
    apply=_apply_extension,
    handlers={
        "approve": _approve_extension,
        "reject": rejected(ExtensionRejected),
        "withdraw": withdraw,
    },
)


# --------------------------------------------------------------------------- early re-election


class RequestEarlyReelection(_TermChangeRequest):
    examples: ClassVar[list[dict[str, Any]]] = [
        {"reason": "主席调离", "planned_congress_on": "2023-06-01", "occurred_on": "2023-03-01"}
    ]

    planned_congress_on: dt.date


@handles(RequestEarlyReelection)
def request_early_reelection(cmd: RequestEarlyReelection, union: UnionState, uow: UnitOfWork, actor: Actor) -> Decision:
    kind = EARLY_REELECTION_FLOW.kind
    return opening(union, cmd, actor, kind, decide_early_request, partial(term_profile, union, uow))


def decide_early_request(
    union: UnionState, procedure_id: str, cmd: RequestEarlyReelection, profile: RuleProfile
) -> EarlyReelectionRequested:
    term = _requestable_term(union, "R-EARLY", EARLY_REELECTION_FLOW.kind, "an early re-election request")
    evidence = rules.check_early_reelection(term.end, cmd.planned_congress_on)
    return EarlyReelectionRequested(
        **_request_facts(procedure_id, cmd, profile, term, evidence), planned_congress_on=cmd.planned_congress_on
    )


def _apply_early(union: UnionState, proc: Procedure, ev: ProcedureEvent, occurred_on: dt.date) -> None:
    if isinstance(ev, EarlyReelectionApproved) and union.term is not None:
        assert isinstance(proc, TermChangeProcedure)
        union.term.early_reelection_procedure = proc.procedure_id
        union.term.early_congress_on = proc.planned_congress_on


def _approve_early(union: UnionState, proc: Procedure, cmd: ProcedureCommand) -> list[ProcedureEvent]:
    assert isinstance(proc, TermChangeProcedure) and proc.term_end is not None
    cmd = as_command(cmd, ApproveFiling)
    term = rules.require_current_term("R-EARLY", union.org_id, union.term)
    rules.require_early_for_current_term(proc.term_end, term.end)
    return [
        EarlyReelectionApproved(
            procedure_id=proc.procedure_id,
            document_no=cmd.document_no,
            remarks=cmd.remarks,
            evidence=[{"rule": "R-EARLY", "approved": True}],
        )
    ]


EARLY_REELECTION = ProcedureKind(
    flow=EARLY_REELECTION_FLOW,
    open_procedure=opener(TermChangeProcedure, EARLY_REELECTION_FLOW, "reason", "term_end", "planned_congress_on"),
    apply=_apply_early,
    handlers={
        "approve": _approve_early,
        "reject": rejected(EarlyReelectionRejected),
        "withdraw": withdraw,
    },
)
