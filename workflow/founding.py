"""Founding a union (建会), RULES.md §3: request → preparatory group approved by the higher-level
union (R-PREP-GROUP) → members recruited → the election phase (workflow.election) → results
approved (R-FOUNDED; the first term starts on the congress date) → legal-person registration.
Withdrawal is possible at any step before the approval."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, Field

from events.catalogue import PrepGroupMember, ProcedureEvent, UnitFacts
from events.flows.founding import (
    FOUNDING_FLOW,
    FoundingRequested,
    FoundingRequestRejected,
    FoundingRequestResubmitted,
    LegalPersonRegistered,
    MembersRecruited,
    PreparatoryGroupApproved,
)
from workflow import election, election_fold, rules
from workflow.bounds import Name
from workflow.command import UNIT_EXAMPLE, ProcedureCommand, UnionCommand, handles, opens_when
from workflow.kinds import (
    ProcedureKind,
    StepHandler,
    approval,
    as_command,
    opener,
    opening,
    rejected,
    withdraw,
)
from workflow.profile import RuleProfile
from workflow.state import FoundingProcedure, Procedure, UnionState

if TYPE_CHECKING:
    from workflow.authority import Actor
    from workflow.unit_of_work import Decision, UnitOfWork

KIND = FOUNDING_FLOW.kind
WITHDRAWN = "withdrawn"


class _FoundingRequestFacts(BaseModel):
    """What a founding request gives (R-PREP-GROUP), filed first or again after a rejection."""

    unit: UnitFacts
    initiators: list[Name] = Field(min_length=1)
    prep_group: list[PrepGroupMember]


class RequestFounding(_FoundingRequestFacts, UnionCommand):
    examples: ClassVar[list[dict[str, Any]]] = [
        {
            "unit": UNIT_EXAMPLE,
            "initiators": ["张三"],
            "prep_group": [{"name": "甲"}, {"name": "乙", "affiliation": "party_org"}, {"name": "丙"}],
            "occurred_on": "2019-01-05",
        }
    ]


class ResubmitFoundingRequest(_FoundingRequestFacts, ProcedureCommand):
    examples: ClassVar[list[dict[str, Any]]] = [
        RequestFounding.examples[0]
        | {"prep_group": [{"name": "甲"}, {"name": "乙"}, {"name": "丙"}], "occurred_on": "2019-01-20"}
    ]


class RecordMembersRecruited(ProcedureCommand):
    examples: ClassVar[list[dict[str, Any]]] = [
        {"members": 80, "female_members": 12, "employees": 120, "occurred_on": "2019-01-20"}
    ]

    members: int = Field(ge=0)
    female_members: int = Field(ge=0)
    employees: int = Field(ge=0)


class RegisterLegalPerson(ProcedureCommand):
    examples: ClassVar[list[dict[str, Any]]] = [{"registration_no": "工法人 420102-001", "occurred_on": "2019-04-01"}]

    registration_no: Name


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


def _resubmit(union: UnionState, proc: Procedure, cmd: ProcedureCommand) -> list[ProcedureEvent]:
    cmd = as_command(cmd, ResubmitFoundingRequest)
    rules.check_unit_counts(cmd.unit.employees, cmd.unit.members, cmd.unit.female_members)
    size = rules.check_prep_group(len(cmd.prep_group), proc.profile)
    request = cmd.given("unit", "initiators", "prep_group")
    return [FoundingRequestResubmitted(procedure_id=proc.procedure_id, **request, evidence=[size])]


def _record_members(union: UnionState, proc: Procedure, cmd: ProcedureCommand) -> list[ProcedureEvent]:
    cmd = as_command(cmd, RecordMembersRecruited)
    rules.check_unit_counts(cmd.employees, cmd.members, cmd.female_members)
    return [MembersRecruited(procedure_id=proc.procedure_id, **cmd.given("members", "female_members", "employees"))]


def _approve_prep_group(union: UnionState, proc: Procedure, cmd: ProcedureCommand) -> list[ProcedureEvent]:
    assert isinstance(proc, FoundingProcedure)
    size = rules.check_prep_group(len(proc.prep_group), proc.profile)  # R-PREP-GROUP
    return [approval(PreparatoryGroupApproved, proc, cmd, evidence=[size])]


HANDLERS: dict[str, StepHandler] = {
    "approve_prep_group": _approve_prep_group,
    "reject_request": rejected(FoundingRequestRejected),
    "resubmit_request": _resubmit,
    "record_members": _record_members,
    **election.HANDLERS,
    "register_legal_person": lambda u, p, cmd: [
        LegalPersonRegistered(
            procedure_id=p.procedure_id, registration_no=as_command(cmd, RegisterLegalPerson).registration_no
        )
    ],
    "withdraw": withdraw,
}


@opens_when(KIND)
def may_be_founded(union: UnionState) -> None:
    """R-FOUNDED: a grassroots union, not founded and with no founding under way."""
    rules.require_grassroots_level(union.org_id, union.level)
    under_way = any(p.state != WITHDRAWN for p in union.procedures_of(KIND))
    rules.require_not_founded(union.org_id, union.founded or under_way)


def decide_request(
    union: UnionState, procedure_id: str, cmd: RequestFounding, profile: RuleProfile
) -> FoundingRequested:
    may_be_founded(union)
    rules.check_unit_counts(cmd.unit.employees, cmd.unit.members, cmd.unit.female_members)
    size = rules.check_prep_group(len(cmd.prep_group), profile)
    request = cmd.given("unit", "initiators", "prep_group")
    return FoundingRequested(procedure_id=procedure_id, **profile.pinned(), **request, evidence=[size])


@handles(RequestFounding)
def request_founding(cmd: RequestFounding, union: UnionState, uow: UnitOfWork, actor: Actor) -> Decision:
    return opening(union, cmd, actor, KIND, decide_request, partial(uow.profile_of, union))


DEFINITION = ProcedureKind(
    flow=FOUNDING_FLOW,
    open_procedure=opener(FoundingProcedure, FOUNDING_FLOW, "unit", "initiators", "prep_group"),
    apply=apply,
    handlers=HANDLERS,
)
