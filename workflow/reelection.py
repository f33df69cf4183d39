"""Re-election on term (换届), R-REELECTION / R-ON-TIME: the outgoing committee files its plan
(换届请示); the higher-level union approves it; the election phase runs as in founding; the
approval of the results starts the new term on the congress date.

When it may open (R-EARLY, inferred window): from the A-TERM-DUE reminder window before the
deadline onward. Opening earlier is an early re-election (提前换届) and needs one approved first."""

from __future__ import annotations

import datetime as dt

from events.catalogue import (
    ProcedureEvent,
    ProcedureWithdrawn,
    ReelectionOpened,
    ReelectionPlanApproved,
    ReelectionPlanRejected,
)
from workflow import commands as c
from workflow import election, rules
from workflow.errors import InvalidDate, StepOutOfOrder
from workflow.kinds import ProcedureKind, withdraw
from workflow.machine import ProcedureMachine, Step
from workflow.profile import RuleProfile
from workflow.state import Procedure, ReelectionProcedure, UnionState

KIND = "reelection"

PLAN_FILED = "plan_filed"
PLAN_REJECTED = "plan_rejected"
PLAN_APPROVED = "plan_approved"
REELECTED = "reelected"
WITHDRAWN = "withdrawn"

MACHINE = ProcedureMachine(
    KIND,
    states=[PLAN_FILED, PLAN_REJECTED, PLAN_APPROVED, *election.STATES, REELECTED, WITHDRAWN],
    initial=PLAN_FILED,
    steps=[
        Step("approve_plan", PLAN_FILED, PLAN_APPROVED, "approve the re-election plan (higher union)"),
        Step("reject_plan", PLAN_FILED, PLAN_REJECTED, "reject the re-election plan (higher union)"),
        *election.steps(entry=PLAN_APPROVED, done=REELECTED),
        Step("withdraw", [PLAN_FILED, PLAN_APPROVED, *election.STATES], WITHDRAWN, "withdraw the re-election"),
    ],
    terminal=[PLAN_REJECTED, REELECTED, WITHDRAWN],
)

AWAITING_APPROVAL = {PLAN_FILED: "re-election plan (R-REELECTION)", **election.AWAITING_APPROVAL}


def open_procedure(union: UnionState, ev: ReelectionOpened, occurred_on: dt.date, profile: RuleProfile) -> Procedure:
    return ReelectionProcedure(
        procedure_id=ev.procedure_id,
        kind=KIND,
        state=PLAN_FILED,
        profile=profile,
        opened_on=occurred_on,
        last_moved_on=occurred_on,
        filed_on=occurred_on,
        plan=ev.plan,
        planned_congress_on=ev.planned_congress_on,
        early=ev.early,
        election=election.ElectionProgress(members=union.unit.members if union.unit else 0),
    )


def trigger_for(proc: Procedure, ev: ProcedureEvent) -> str | None:
    assert isinstance(proc, ReelectionProcedure)
    match ev:
        case ReelectionPlanApproved():
            return "approve_plan"
        case ReelectionPlanRejected():
            return "reject_plan"
        case ProcedureWithdrawn():
            return "withdraw"
    return election.trigger_for(proc, proc.election, ev)


def apply(union: UnionState, proc: Procedure, ev: ProcedureEvent, occurred_on: dt.date) -> None:
    assert isinstance(proc, ReelectionProcedure)
    if isinstance(ev, ReelectionPlanApproved | ReelectionPlanRejected | ProcedureWithdrawn):
        return
    proc.election = election.apply(proc.election, ev, occurred_on)
    election.apply_to_union(union, proc, proc.election, ev, occurred_on)


def electorate(union: UnionState) -> election.Electorate:
    # A re-election reads the union's facts as they stand (kept current with UpdateUnitFacts).
    assert union.unit is not None
    u = union.unit
    return election.Electorate(
        members=u.members,
        female_members=u.female_members,
        employees=u.employees,
        unit_type=u.unit_type,
        has_party_org=u.has_party_org,
    )


def decide(union: UnionState, proc: Procedure, cmd: c.ProcedureCommand) -> list[ProcedureEvent]:
    assert isinstance(proc, ReelectionProcedure)
    match cmd:
        case c.ApproveFiling() if proc.state == PLAN_FILED:
            return [
                ReelectionPlanApproved(procedure_id=proc.procedure_id, document_no=cmd.document_no, remarks=cmd.remarks)
            ]
        case c.RejectFiling() if proc.state == PLAN_FILED:
            return [ReelectionPlanRejected(procedure_id=proc.procedure_id, reasons=cmd.reasons)]
        case c.WithdrawProcedure():
            return [withdraw(MACHINE, proc, cmd)]
    return election.decide(MACHINE, proc, proc.election, cmd, electorate(union), proc.profile)


def open_reelections(union: UnionState) -> list[Procedure]:
    return [p for p in union.procedures_of(KIND) if p.state not in MACHINE.terminal]


def decide_open(union: UnionState, procedure_id: str, cmd: c.OpenReelection, profile: RuleProfile) -> ReelectionOpened:
    term = union.term
    if not union.founded or term is None:
        raise StepOutOfOrder(
            "R-REELECTION",
            f"union {union.org_id} has no term to renew: found it first",
            {"union": union.org_id},
        )
    if open_reelections(union):
        raise StepOutOfOrder(
            "R-REELECTION",
            f"union {union.org_id} already has a re-election under way",
            {"open": [p.procedure_id for p in open_reelections(union)]},
        )
    if cmd.planned_congress_on < cmd.occurred_on:
        raise InvalidDate(
            "DATE-ORDER",
            f"the planned congress ({cmd.planned_congress_on}) is before the plan's date ({cmd.occurred_on})",
            {"planned_congress_on": cmd.planned_congress_on.isoformat()},
        )
    window_opens = rules.term_due_from(term.deadline, profile)
    evidence: list[dict[str, object]] = [
        {
            "rule": "R-ON-TIME",
            "term_end": term.end.isoformat(),
            "deadline": term.deadline.isoformat(),
            "window_opens": window_opens.isoformat(),
        }
    ]
    early = cmd.occurred_on < window_opens
    if early:
        if term.early_reelection_procedure is None:
            raise StepOutOfOrder(
                "R-EARLY",
                f"the term ends {term.end}; a re-election opened before {window_opens} is early (提前换届) "
                "and needs the higher-level union's approval of an early re-election first",
                {
                    "rule": "R-EARLY",
                    "term_end": term.end.isoformat(),
                    "window_opens": window_opens.isoformat(),
                    "opened_on": cmd.occurred_on.isoformat(),
                },
            )
        evidence.append({"rule": "R-EARLY", "approved_by": term.early_reelection_procedure})
    return ReelectionOpened(
        procedure_id=procedure_id,
        profile_name=profile.name,
        profile_version=profile.version,
        profile=profile.model_dump(mode="json"),
        plan=cmd.plan,
        planned_congress_on=cmd.planned_congress_on,
        term_end=term.end,
        early=early,
        evidence=evidence,
    )


DEFINITION = ProcedureKind(
    kind=KIND,
    machine=MACHINE,
    opening_event=ReelectionOpened,
    awaiting_approval=AWAITING_APPROVAL,
    open_procedure=open_procedure,  # type: ignore[arg-type]
    trigger_for=trigger_for,
    apply=apply,
    decide=decide,
)
