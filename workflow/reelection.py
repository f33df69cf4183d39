"""Re-election on term (换届), R-REELECTION / R-ON-TIME: the outgoing committee files its plan
(换届请示); the higher-level union approves it; the election phase runs as in founding; the
approval of the results starts the new term on the congress date.

When it may open (R-EARLY, inferred window): from the A-TERM-DUE reminder window before the
original term end onward (an approved extension moves the deadline, never this window back).
Opening earlier is an early re-election (提前换届) and needs one approved first."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

from events.catalogue import ProcedureEvent, ProcedureWithdrawn
from events.flows.reelection import (
    REELECTION_FLOW,
    ReelectionOpened,
    ReelectionPlanApproved,
    ReelectionPlanRejected,
)
from workflow import election, election_fold, rules
from workflow.bounds import Date, RequiredText
from workflow.command import UnionCommand, handles, opens_when
from workflow.kinds import ProcedureKind, StepHandler, approved, opener, opening, rejected, withdraw
from workflow.profile import RuleProfile
from workflow.state import ElectionProgress, Procedure, ReelectionProcedure, Term, UnionState

if TYPE_CHECKING:
    from workflow.authority import Actor
    from workflow.unit_of_work import Decision, UnitOfWork

KIND = REELECTION_FLOW.kind


class OpenReelection(UnionCommand):
    # DATE-ORDER: the outgoing committee plans the re-election of a term in office.
    depends_on: ClassVar[tuple[str, ...]] = (*UnionCommand.depends_on, "term_since")
    examples: ClassVar[list[dict[str, Any]]] = [
        {"plan": "第二届换届方案", "planned_congress_on": "2024-03-01", "occurred_on": "2024-01-05"}
    ]

    plan: RequiredText
    planned_congress_on: Date


def apply(union: UnionState, proc: Procedure, ev: ProcedureEvent, occurred_on: dt.date) -> None:
    assert isinstance(proc, ReelectionProcedure)
    if isinstance(ev, ReelectionPlanApproved | ReelectionPlanRejected | ProcedureWithdrawn):
        return
    proc.election = election_fold.apply(proc.election, ev, occurred_on)
    election_fold.apply_to_union(union, proc, proc.election, ev, occurred_on)


HANDLERS: dict[str, StepHandler] = {
    "approve_plan": approved(ReelectionPlanApproved),
    "reject_plan": rejected(ReelectionPlanRejected),
    **election.HANDLERS,
    "withdraw": withdraw,
}


def open_reelections(union: UnionState) -> list[Procedure]:
    return [p for p in union.procedures_of(KIND) if p.state not in REELECTION_FLOW.terminal]


@opens_when(KIND)
def term_to_renew(union: UnionState) -> Term:
    """R-REELECTION: the founded union's term, with no re-election under way."""
    term = rules.require_term_to_renew(union.org_id, union.founded, union.term)
    rules.require_no_reelection_under_way(union.org_id, [p.procedure_id for p in open_reelections(union)])
    return term


def decide_open(union: UnionState, procedure_id: str, cmd: OpenReelection, profile: RuleProfile) -> ReelectionOpened:
    term = term_to_renew(union)
    rules.require_congress_planned_after_plan(cmd.planned_congress_on, cmd.occurred_on)
    early, evidence = rules.check_reelection_timing(term, cmd.occurred_on, cmd.planned_congress_on, profile)
    return ReelectionOpened(
        procedure_id=procedure_id,
        **profile.pinned(),
        **cmd.given("plan", "planned_congress_on"),
        term_end=term.end,
        early=early,
        evidence=evidence,
    )


@handles(OpenReelection)
def open_reelection(cmd: OpenReelection, union: UnionState, uow: UnitOfWork, actor: Actor) -> Decision:
    return opening(union, cmd, actor, KIND, decide_open, partial(uow.profile_of, union))


DEFINITION = ProcedureKind(
    flow=REELECTION_FLOW,
    open_procedure=opener(
        ReelectionProcedure,
        REELECTION_FLOW,
        "plan",
        "planned_congress_on",
        "early",
        # The election reads the union's members as they stand when it opens.
        election=lambda union, ev, on: ElectionProgress(members=union.unit.members if union.unit else 0),
    ),
    apply=apply,
    handlers=HANDLERS,
)
