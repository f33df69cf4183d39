"""Founding a union (建会), RULES.md §3: request → preparatory group approved by the higher-level
union (R-PREP-GROUP) → members recruited → the election phase (workflow.election) → results
approved (R-FOUNDED; the first term starts on the congress date) → legal-person registration.
Withdrawal is possible at any step before the approval."""

from __future__ import annotations

import datetime as dt

from events.catalogue import (
    FoundingRequested,
    FoundingRequestRejected,
    FoundingRequestResubmitted,
    LegalPersonRegistered,
    MembersRecruited,
    PreparatoryGroupApproved,
    ProcedureEvent,
    ProcedureWithdrawn,
)
from workflow import commands as c
from workflow import election, rules
from workflow.errors import StepOutOfOrder
from workflow.kinds import ProcedureKind, withdraw
from workflow.machine import ProcedureMachine, Step
from workflow.organisations import GRASSROOTS_LEVELS
from workflow.profile import RuleProfile
from workflow.state import FoundingProcedure, Procedure, UnionState

KIND = "founding"

REQUESTED = "requested"
REQUEST_REJECTED = "request_rejected"
PREPARING = "preparing"
MEMBERS_RECRUITED = "members_recruited"
FOUNDED = "founded"
REGISTERED = "registered"
WITHDRAWN = "withdrawn"

_BEFORE_APPROVAL = [REQUESTED, REQUEST_REJECTED, PREPARING, MEMBERS_RECRUITED, *election.STATES]

MACHINE = ProcedureMachine(
    KIND,
    states=[
        REQUESTED,
        REQUEST_REJECTED,
        PREPARING,
        MEMBERS_RECRUITED,
        *election.STATES,
        FOUNDED,
        REGISTERED,
        WITHDRAWN,
    ],
    initial=REQUESTED,
    steps=[
        Step(
            "approve_prep_group",
            REQUESTED,
            PREPARING,
            "approve the request and preparatory group (higher union)",
        ),
        Step("reject_request", REQUESTED, REQUEST_REJECTED, "reject the founding request (higher union)"),
        Step("resubmit_request", REQUEST_REJECTED, REQUESTED, "file the founding request again"),
        Step(
            "record_members",
            [PREPARING, MEMBERS_RECRUITED],
            MEMBERS_RECRUITED,
            "record the members recruited",
        ),
        *election.steps(entry=MEMBERS_RECRUITED, done=FOUNDED),
        Step("register_legal_person", FOUNDED, REGISTERED, "record the legal-person registration"),
        Step("withdraw", _BEFORE_APPROVAL, WITHDRAWN, "withdraw the founding"),
    ],
    terminal=[REGISTERED, WITHDRAWN],
)

AWAITING_APPROVAL = {
    REQUESTED: "founding request and preparatory group (R-PREP-GROUP)",
    **election.AWAITING_APPROVAL,
}


def open_procedure(union: UnionState, ev: FoundingRequested, occurred_on: dt.date, profile: RuleProfile) -> Procedure:
    return FoundingProcedure(
        procedure_id=ev.procedure_id,
        kind=KIND,
        state=REQUESTED,
        profile=profile,
        opened_on=occurred_on,
        last_moved_on=occurred_on,
        filed_on=occurred_on,
        unit=ev.unit,
        initiators=list(ev.initiators),
        prep_group=list(ev.prep_group),
    )


def trigger_for(proc: Procedure, ev: ProcedureEvent) -> str | None:
    assert isinstance(proc, FoundingProcedure)
    match ev:
        case FoundingRequestResubmitted():
            return "resubmit_request"
        case PreparatoryGroupApproved():
            return "approve_prep_group"
        case FoundingRequestRejected():
            return "reject_request"
        case MembersRecruited():
            return "record_members"
        case LegalPersonRegistered():
            return "register_legal_person"
        case ProcedureWithdrawn():
            return "withdraw"
    return election.trigger_for(proc, proc.election, ev)


def apply(union: UnionState, proc: Procedure, ev: ProcedureEvent, occurred_on: dt.date) -> None:
    assert isinstance(proc, FoundingProcedure)
    match ev:
        case FoundingRequested():
            union.unit = ev.unit
        case FoundingRequestResubmitted():
            proc.unit, proc.initiators, proc.prep_group = ev.unit, list(ev.initiators), list(ev.prep_group)
            union.unit = ev.unit
        case PreparatoryGroupApproved():
            proc.prep_group_approved_on = occurred_on
        case MembersRecruited():
            proc.members, proc.female_members, proc.employees = ev.members, ev.female_members, ev.employees
            proc.election.members = ev.members
            if union.unit is not None:
                union.unit = union.unit.model_copy(
                    update={
                        "members": ev.members,
                        "female_members": ev.female_members,
                        "employees": ev.employees,
                    }
                )
        case LegalPersonRegistered():
            proc.registration_no = ev.registration_no
            union.legal_person_no = ev.registration_no
        case _:
            proc.election = election.apply(proc.election, ev, occurred_on)
            election.apply_to_union(union, proc, proc.election, ev, occurred_on)


def electorate(proc: FoundingProcedure) -> election.Electorate:
    assert proc.unit is not None
    return election.Electorate(
        members=proc.members,
        female_members=proc.female_members,
        employees=proc.employees,
        unit_type=proc.unit.unit_type,
        has_party_org=proc.unit.has_party_org,
    )


def decide(union: UnionState, proc: Procedure, cmd: c.ProcedureCommand) -> list[ProcedureEvent]:
    assert isinstance(proc, FoundingProcedure)
    pid, profile = proc.procedure_id, proc.profile
    match cmd:
        case c.ResubmitFoundingRequest():
            MACHINE.advance(proc.state, "resubmit_request")
            rules.check_unit_counts(cmd.unit.employees, cmd.unit.members, cmd.unit.female_members)
            size = rules.check_prep_group(len(cmd.prep_group), profile)
            return [
                FoundingRequestResubmitted(
                    procedure_id=pid,
                    unit=cmd.unit,
                    initiators=cmd.initiators,
                    prep_group=cmd.prep_group,
                    evidence=[size],
                )
            ]
        case c.RecordMembersRecruited():
            MACHINE.advance(proc.state, "record_members")
            rules.check_unit_counts(cmd.employees, cmd.members, cmd.female_members)
            return [
                MembersRecruited(
                    procedure_id=pid,
                    members=cmd.members,
                    female_members=cmd.female_members,
                    employees=cmd.employees,
                )
            ]
        case c.RegisterLegalPerson():
            MACHINE.advance(proc.state, "register_legal_person")
            return [LegalPersonRegistered(procedure_id=pid, registration_no=cmd.registration_no)]
        case c.ApproveFiling():
            if proc.state == REQUESTED:
                size = rules.check_prep_group(len(proc.prep_group), profile)
                return [
                    PreparatoryGroupApproved(
                        procedure_id=pid, document_no=cmd.document_no, remarks=cmd.remarks, evidence=[size]
                    )
                ]
        case c.RejectFiling():
            if proc.state == REQUESTED:
                return [FoundingRequestRejected(procedure_id=pid, reasons=cmd.reasons)]
        case c.WithdrawProcedure():
            return [withdraw(MACHINE, proc, cmd)]
    return election.decide(MACHINE, proc, proc.election, cmd, electorate(proc), profile)


def decide_request(
    union: UnionState, procedure_id: str, cmd: c.RequestFounding, profile: RuleProfile
) -> FoundingRequested:
    # RULES.md §1: federations of grassroots unions and joint grassroots unions are grassroots-level
    # bodies too, founded (and re-elected) like a grassroots union.
    if union.level not in GRASSROOTS_LEVELS:
        raise StepOutOfOrder(
            "R-FOUNDED",
            f"{union.org_id} is a {union.level} organisation, not a grassroots-level union",
            {"level": union.level},
        )
    if union.founded or any(p.state != WITHDRAWN for p in union.procedures_of(KIND)):
        raise StepOutOfOrder(
            "R-FOUNDED",
            f"union {union.org_id} is already founded or has a founding under way",
            {"union": union.org_id},
        )
    rules.check_unit_counts(cmd.unit.employees, cmd.unit.members, cmd.unit.female_members)
    size = rules.check_prep_group(len(cmd.prep_group), profile)
    return FoundingRequested(
        procedure_id=procedure_id,
        profile_name=profile.name,
        profile_version=profile.version,
        profile=profile.model_dump(mode="json"),
        unit=cmd.unit,
        initiators=cmd.initiators,
        prep_group=cmd.prep_group,
        evidence=[size],
    )


DEFINITION = ProcedureKind(
    kind=KIND,
    machine=MACHINE,
    opening_event=FoundingRequested,
    awaiting_approval=AWAITING_APPROVAL,
    open_procedure=open_procedure,  # type: ignore[arg-type]
    trigger_for=trigger_for,
    apply=apply,
    decide=decide,
)
