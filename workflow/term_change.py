"""Changing when a term is renewed, both decided by the higher-level union:

- extension (延期换届, R-EXTENSION): requested by the committee with a reason and the new deadline,
  at most `extension_max_months` after the term end (6 by default). An unapproved request changes
  nothing: the union stays overdue until the approval (worked example 3).
- early re-election (提前换届, R-EARLY): requested with a reason and the planned congress date,
  before the term end; once approved, a re-election may open before the reminder window.

One extension per term: the limit bounds the total delay, and a second request would get round it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from events.catalogue import ProcedureEvent
from events.flows import Flow
from events.flows.term_change import (
    EARLY_REELECTION_FLOW,
    EXTENSION_FLOW,
    EarlyReelectionApproved,
    EarlyReelectionRejected,
    EarlyReelectionRequested,
    ExtensionApproved,
    ExtensionRejected,
    ExtensionRequestAmended,
    ExtensionRequested,
)
from workflow import kinds, rules
from workflow.bounds import Date, RequiredText
from workflow.command import ProcedureCommand, UnionCommand, handles, opens_when
from workflow.kinds import ProcedureKind, StepHandler, approval, opener, opening, rejected, term_profile, withdraw
from workflow.profile import RuleProfile
from workflow.state import Procedure, Term, TermChangeProcedure, UnionState

if TYPE_CHECKING:
    from workflow.authority import Actor
    from workflow.unit_of_work import Decision, UnitOfWork

REQUESTED = "requested"


class _TermChangeRequest(UnionCommand):
    """What both requests carry: the reason the higher-level union weighs."""

    # DATE-ORDER: a request about the current term is made once the term is in office.
    depends_on: ClassVar[tuple[str, ...]] = (*UnionCommand.depends_on, "term_since")

    reason: RequiredText


class RequestExtension(_TermChangeRequest):
    examples: ClassVar[list[dict[str, Any]]] = [
        {"reason": "单位重组", "new_deadline": "2024-09-01", "occurred_on": "2024-01-05"}
    ]

    new_deadline: Date


class RequestEarlyReelection(_TermChangeRequest):
    examples: ClassVar[list[dict[str, Any]]] = [
        {"reason": "主席调离", "planned_congress_on": "2023-06-01", "occurred_on": "2023-03-01"}
    ]

    planned_congress_on: Date


_R = TypeVar("_R", bound=_TermChangeRequest)


def _requested_by(
    command: type[_R], flow: Flow, decide: Callable[[UnionState, str, _R, RuleProfile], ProcedureEvent]
) -> None:
    """Register `command`'s handler: it opens a procedure of `flow`'s kind with the request `decide`
    records, under the profile of the term the request is about."""

    @handles(command)
    def request(cmd: _R, union: UnionState, uow: UnitOfWork, actor: Actor) -> Decision:
        return opening(union, cmd, actor, flow.kind, decide, partial(term_profile, union, uow))


def _requestable_term(union: UnionState, rule: str, kind: str, request: str) -> Term:
    """The current term a request of `kind` is about, with no other request of it waiting (`rule`)."""
    term = rules.require_current_term(rule, union.org_id, union.term)
    waiting = any(p.state == REQUESTED for p in union.procedures_of(kind))
    rules.require_no_request_waiting(rule, union.org_id, request, waiting)
    return term


def _term_to_change(flow: Flow, rule: str, request: str) -> Callable[[UnionState], Term]:
    """What must hold to request `flow`'s kind: a current term, no other such request waiting."""

    @opens_when(flow.kind)
    def requestable(union: UnionState) -> Term:
        return _requestable_term(union, rule, flow.kind, request)

    return requestable


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


def _term_change(
    flow: Flow,
    requested: str,
    apply: Callable[[UnionState, Procedure, ProcedureEvent, dt.date], None],
    approve: StepHandler,
    rejection: type[ProcedureEvent],
    own_steps: dict[str, StepHandler] | None = None,
) -> ProcedureKind:
    """A term change: its request opens it with the reason, the term end and the `requested` date;
    the higher-level union approves it (`approve`) or rejects it; the committee may withdraw it.
    `own_steps` handle the kind's further steps (its flow's `own_steps`)."""
    return ProcedureKind(
        flow=flow,
        open_procedure=opener(TermChangeProcedure, flow, "reason", "term_end", requested),
        apply=apply,
        handlers={"approve": approve, "reject": rejected(rejection), "withdraw": withdraw, **(own_steps or {})},
    )


# --------------------------------------------------------------------------- extension


_extension_term = _term_to_change(EXTENSION_FLOW, "R-EXTENSION", "an extension request")


def decide_extension_request(
    union: UnionState, procedure_id: str, cmd: RequestExtension, profile: RuleProfile
) -> ExtensionRequested:
    term = _extension_term(union)
    rules.require_not_extended(term, profile)
    evidence = rules.check_extension(term.end, cmd.new_deadline, profile)
    return ExtensionRequested(
        **_request_facts(procedure_id, cmd, profile, term, evidence), new_deadline=cmd.new_deadline
    )


class AmendExtensionRequest(ProcedureCommand):
    examples: ClassVar[list[dict[str, Any]]] = [
        {"reason": "单位重组推迟", "new_deadline": "2024-08-01", "occurred_on": "2024-01-20"}
    ]

    reason: RequiredText
    new_deadline: Date


def _amend_extension(union: UnionState, proc: Procedure, cmd: ProcedureCommand) -> list[ProcedureEvent]:
    assert isinstance(proc, TermChangeProcedure) and proc.term_end is not None
    amended = kinds.as_command(cmd, AmendExtensionRequest)
    evidence = rules.check_extension(proc.term_end, amended.new_deadline, proc.profile)  # R-EXTENSION
    return [
        ExtensionRequestAmended(
            procedure_id=proc.procedure_id, **amended.given("reason", "new_deadline"), evidence=[evidence]
        )
    ]


def _apply_extension(union: UnionState, proc: Procedure, ev: ProcedureEvent, occurred_on: dt.date) -> None:
    if isinstance(ev, ExtensionRequestAmended):
        assert isinstance(proc, TermChangeProcedure)
        proc.reason, proc.new_deadline = ev.reason, ev.new_deadline
    # The deadline moves only on approval (R-EXTENSION: an unapproved request changes nothing).
    if isinstance(ev, ExtensionApproved) and union.term is not None:
        union.term.deadline = ev.new_deadline
        union.term.extension_procedure = proc.procedure_id


def _approve_extension(union: UnionState, proc: Procedure, cmd: ProcedureCommand) -> list[ProcedureEvent]:
    assert isinstance(proc, TermChangeProcedure) and proc.new_deadline is not None and proc.term_end is not None
    term = rules.require_current_term("R-EXTENSION", union.org_id, union.term)
    rules.require_extension_for_current_term(proc.term_end, term.end)
    evidence = rules.check_extension(proc.term_end, proc.new_deadline, proc.profile)
    return [approval(ExtensionApproved, proc, cmd, new_deadline=proc.new_deadline, evidence=[evidence])]


_requested_by(RequestExtension, EXTENSION_FLOW, decide_extension_request)
EXTENSION = _term_change(
    EXTENSION_FLOW,
    "new_deadline",
    _apply_extension,
    _approve_extension,
    ExtensionRejected,
    {"amend_request": _amend_extension},
)


# --------------------------------------------------------------------------- early re-election


_early_term = _term_to_change(EARLY_REELECTION_FLOW, "R-EARLY", "an early re-election request")


def decide_early_request(
    union: UnionState, procedure_id: str, cmd: RequestEarlyReelection, profile: RuleProfile
) -> EarlyReelectionRequested:
    term = _early_term(union)
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
    term = rules.require_current_term("R-EARLY", union.org_id, union.term)
    rules.require_early_for_current_term(proc.term_end, term.end)
    return [approval(EarlyReelectionApproved, proc, cmd, evidence=[{"rule": "R-EARLY", "approved": True}])]


_requested_by(RequestEarlyReelection, EARLY_REELECTION_FLOW, decide_early_request)
EARLY_REELECTION = _term_change(
    EARLY_REELECTION_FLOW, "planned_congress_on", _apply_early, _approve_early, EarlyReelectionRejected
)
