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
)
from events.flows import FOUNDING_FLOW
from workflow import commands as c
from workflow import election, election_fold, rules
from workflow.kinds import ProcedureKind, StepHandler, as_command, opened, withdraw
from workflow.profile import RuleProfile
from workflow.state import FoundingProcedure, Procedure, UnionState

KIND = FOUNDING_FLOW.kind
WITHDRAWN = "withdrawn"


def open_procedure(union: UnionState, ev: FoundingRequested, occurred_on: dt.date, profile: RuleProfile) -> Procedure:
    return opened(
        FoundingProcedure,
        FOUNDING_FLOW,
        ev.procedure_id,
        occurred_on,
        profile,
        unit=ev.unit,
        initiators=list(ev.initiators),
        prep_group=list(ev.prep_group),
    )


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
            proc.election = election_fold.apply(proc.election, ev, occurred_on)
            election_fold.apply_to_union(union, proc, proc.election, ev, occurred_on)


def _resubmit(union: UnionState, proc: Procedure, cmd: c.ProcedureCommand) -> list[ProcedureEvent]:
    cmd = as_command(cmd, c.ResubmitFoundingRequest)
    rules.check_unit_counts(cmd.unit.employees, cmd.unit.members, cmd.unit.female_members)
    size = rules.check_prep_group(len(cmd.prep_group), proc.profile)
    return [
        FoundingRequestResubmitted(
            procedure_id=proc.procedure_id,
            unit=cmd.unit,
            initiators=cmd.initiators,
            prep_group=cmd.prep_group,
            evidence=[size],
        )
    ]


def _record_members(union: UnionState, proc: Procedure, cmd: c.ProcedureCommand) -> list[ProcedureEvent]:
    cmd = as_command(cmd, c.RecordMembersRecruited)
    rules.check_unit_counts(cmd.employees, cmd.members, cmd.female_members)
    return [
        MembersRecruited(
            procedure_id=proc.procedure_id,
            members=cmd.members,
            female_members=cmd.female_members,
            employees=cmd.employees,
        )
    ]


def _approve_prep_group(union: UnionState, proc: Procedure, cmd: c.ProcedureCommand) -> list[ProcedureEvent]:
    assert isinstance(proc, FoundingProcedure)
    cmd = as_command(cmd, c.ApproveFiling)
    size = rules.check_prep_group(len(proc.prep_group), proc.profile)  # R-PREP-GROUP
    return [
        PreparatoryGroupApproved(
            procedure_id=proc.procedure_id, document_no=cmd.document_no, remarks=cmd.remarks, evidence=[size]
        )
    ]


HANDLERS: dict[str, StepHandler] = {
    "approve_prep_group": _approve_prep_group,
    "reject_request": lambda u, p, cmd: [
        FoundingRequestRejected(procedure_id=p.procedure_id, reasons=as_command(cmd, c.RejectFiling).reasons)
    ],
    "resubmit_request": _resubmit,
    "record_members": _record_members,
    **election.HANDLERS,
    "register_legal_person": lambda u, p, cmd: [
        LegalPersonRegistered(
            procedure_id=p.procedure_id, registration_no=as_command(cmd, c.RegisterLegalPerson).registration_no
        )
    ],
    "withdraw": withdraw,
}


def decide_request(
    union: UnionState, procedure_id: str, cmd: c.RequestFounding, profile: RuleProfile
) -> FoundingRequested:
    rules.require_grassroots_level(union.org_id, union.level)
    under_way = any(p.state != WITHDRAWN for p in union.procedures_of(KIND))
    rules.require_not_founded(union.org_id, union.founded or under_way)
    rules.check_unit_counts(cmd.unit.employees, cmd.unit.members, cmd.unit.female_members)
    size = rules.check_prep_group(len(cmd.prep_group), profile)
    return FoundingRequested(
        procedure_id=procedure_id,
        **profile.pinned(),
        unit=cmd.unit,
        initiators=cmd.initiators,
        prep_group=cmd.prep_group,
        evidence=[size],
    )


DEFINITION = ProcedureKind(flow=FOUNDING_FLOW, open_procedure=open_procedure, apply=apply, handlers=HANDLERS)  # type: ignore[arg-type]
