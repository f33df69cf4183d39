"""Dissolving a union (注销), R-DISSOLVE: a union whose unit closed, merged or moved away is
dissolved on the higher-level union's approval.

- Its staff file it (Charter §16: after the congress's vote, whose date a founded union's merger
  or move gives), or the higher-level union's approvers do when the unit closed (Law §13: the union
  is dissolved with its unit, and nobody may be left to file) or for a unit never unionised.
- The higher-level union approves (批复, with its document number) or rejects it; the staff may
  withdraw it while it waits.
- The approval's date is the dissolution's. The procedures still under way are withdrawn by it
  (a founding that only waits for its legal-person registration is left as it is), and from then
  on the union's record takes no step (`rules.require_not_dissolved`, checked for every command
  in `workflow.handlers`); its history stays readable and verifiable."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import Field

from events.catalogue import ProcedureEvent, ProcedureWithdrawn
from events.flows import FLOWS
from events.flows.dissolution import (
    DISSOLUTION_FLOW,
    DissolutionApproved,
    DissolutionReason,
    DissolutionRejected,
    DissolutionRequested,
)
from workflow import rules
from workflow.authority import Actor, require_approver_of, require_staff_of
from workflow.bounds import Date
from workflow.command import ProcedureCommand, UnionCommand, handles, opens_when
from workflow.kinds import (
    ApproveFiling,
    ProcedureKind,
    approval,
    as_command,
    existing,
    next_id,
    opener,
    rejected,
    require_in_order,
    term_profile,
    withdraw,
)
from workflow.state import DissolutionProcedure, Procedure, UnionState

if TYPE_CHECKING:
    from workflow.unit_of_work import Decision, UnitOfWork

REQUESTED = "requested"
WITHDRAWN_REASON = "注销 (R-DISSOLVE): the union is dissolved"


class RequestDissolution(UnionCommand):
    """File the union's dissolution (注销) with the higher-level union (R-DISSOLVE)."""

    examples: ClassVar[list[dict[str, Any]]] = [
        {
            "reason": "merged",
            "unit_changed_on": "2024-04-30",
            "document": "会员大会关于注销工会的决议",
            "congress_on": "2024-05-06",
            "occurred_on": "2024-05-10",
        }
    ]

    reason: DissolutionReason = Field(description="The unit closed, merged into another, or moved away")
    unit_changed_on: Date = Field(description="When the unit closed, merged or moved away")
    document: str = Field(
        min_length=1, max_length=500, description="The unit's closure or merger document, or the congress's resolution"
    )
    congress_on: Date | None = Field(
        default=None,
        description="Charter §16: the congress that voted for the dissolution (required for a founded union whose "
        "unit merged or moved)",
    )


def _filed_by(actor: Actor, union: UnionState, reason: str) -> str:
    """Who files: the union's staff, or (Law §13) an approver of its higher-level union."""
    if actor.role == "approver":
        require_approver_of(actor, union)
        rules.require_higher_union_may_file(reason, union.founded)
        return "higher_union"
    require_staff_of(actor, union)
    return "union"


@opens_when(DISSOLUTION_FLOW.kind)
def may_be_dissolved(union: UnionState) -> None:
    """R-DISSOLVE: a union of a level that dissolves, with no dissolution request waiting."""
    rules.require_dissolvable_level(union.org_id, union.level)
    waiting = any(p.state == REQUESTED for p in union.procedures_of(DISSOLUTION_FLOW.kind))
    rules.require_no_request_waiting("R-DISSOLVE", union.org_id, "a dissolution request", waiting)


@handles(RequestDissolution)
def request_dissolution(cmd: RequestDissolution, union: UnionState, uow: UnitOfWork, actor: Actor) -> Decision:
    filed_by = _filed_by(actor, existing(union), cmd.reason)
    require_in_order(union, cmd)
    procedure_id = next_id(union, DISSOLUTION_FLOW.kind)
    profile = term_profile(union, uow)
    return procedure_id, [decide_dissolution_request(union, procedure_id, cmd, filed_by, profile.pinned())]


def decide_dissolution_request(
    union: UnionState, procedure_id: str, cmd: RequestDissolution, filed_by: str, pinned: dict[str, Any]
) -> DissolutionRequested:
    may_be_dissolved(union)
    evidence = rules.check_dissolution(cmd.reason, union.founded, cmd.unit_changed_on, cmd.congress_on, cmd.occurred_on)
    return DissolutionRequested(
        procedure_id=procedure_id,
        **pinned,
        **cmd.given("reason", "unit_changed_on", "document", "congress_on"),
        filed_by=filed_by,
        evidence=[evidence | {"filed_by": filed_by}],
    )


def _withdrawable(proc: Procedure) -> bool:
    return any(s.trigger == "withdraw" for s in FLOWS[proc.kind].steps_from(proc.state))


def _approve(union: UnionState, proc: Procedure, cmd: ProcedureCommand) -> list[ProcedureEvent]:
    """R-DISSOLVE: dissolved on the approval's date; what is still under way is withdrawn with it
    (DATE-ORDER: not before the last step of any of them)."""
    assert isinstance(proc, DissolutionProcedure)
    cmd = as_command(cmd, ApproveFiling)
    closing = [p for p in union.procedures.values() if p is not proc and _withdrawable(p)]
    for p in closing:
        rules.require_not_before(cmd.occurred_on, f"the last step of {p.procedure_id}", p.last_moved_on, "previous")
    events: list[ProcedureEvent] = [
        ProcedureWithdrawn(procedure_id=p.procedure_id, reason=WITHDRAWN_REASON) for p in closing
    ]
    evidence = {
        "rule": "R-DISSOLVE",
        "dissolved_on": cmd.occurred_on.isoformat(),
        "reason": proc.reason,
        "withdrawn": [p.procedure_id for p in closing],
    }
    events.append(approval(DissolutionApproved, proc, cmd, reason=proc.reason, evidence=[evidence]))
    return events


def _apply(union: UnionState, proc: Procedure, ev: ProcedureEvent, occurred_on: dt.date) -> None:
    if isinstance(ev, DissolutionApproved):
        union.dissolved_on, union.dissolution_reason = occurred_on, ev.reason


DEFINITION = ProcedureKind(
    flow=DISSOLUTION_FLOW,
    open_procedure=opener(
        DissolutionProcedure, DISSOLUTION_FLOW, "reason", "unit_changed_on", "congress_on", "filed_by"
    ),
    apply=_apply,
    handlers={
        "approve": _approve,
        "reject": rejected(DissolutionRejected),
        "withdraw": withdraw,
    },
)
