"""Founding a union (建会), RULES.md §3: its events and its flow."""

from __future__ import annotations

from events.catalogue.base import (
    FilingDecision,
    FilingRejection,
    PrepGroupMember,
    ProcedureEvent,
    ProcedureOpenedMixin,
    UnitFacts,
)
from events.flows.election import ELECTION_STATE_NAMES, ELECTION_STATES, election_steps
from events.flows.model import WITHDRAWN, Flow, State, approval_round, filed, step, withdraw

__all__ = [
    "FoundingRequestRejected",
    "FoundingRequestResubmitted",
    "FoundingRequested",
    "LegalPersonRegistered",
    "MembersRecruited",
    "PreparatoryGroupApproved",
]


class FoundingRequested(ProcedureEvent, ProcedureOpenedMixin):
    unit: UnitFacts
    initiators: list[str]
    prep_group: list[PrepGroupMember]


class FoundingRequestResubmitted(ProcedureEvent):
    unit: UnitFacts
    initiators: list[str]
    prep_group: list[PrepGroupMember]


class PreparatoryGroupApproved(ProcedureEvent, FilingDecision):
    pass


class FoundingRequestRejected(ProcedureEvent, FilingRejection):
    pass


class MembersRecruited(ProcedureEvent):
    members: int
    female_members: int
    employees: int


class LegalPersonRegistered(ProcedureEvent):
    registration_no: str


FOUNDING_FLOW = Flow(
    kind="founding",
    label_zh="建会",
    label_en="founding",
    opened_by=FoundingRequested.event_type,
    states=(
        filed("requested", "已申请", "founding_request", "founding request and preparatory group (R-PREP-GROUP)"),
        State("request_rejected", "申请被驳回", next="file the founding request again (R-PREP-GROUP)"),
        State("preparing", "筹备中", next="record the members recruited"),
        State("members_recruited", "已发展会员", next="decide the congress type (R-CONGRESS-TYPE)"),
        *ELECTION_STATES,
        State("founded", "已建会", next="register as a legal person (A-LEGAL-PERSON)"),
        State("registered", "已法人登记"),
        WITHDRAWN,
    ),
    initial="requested",
    terminal=frozenset({"registered", "withdrawn"}),
    steps=(
        *approval_round(
            "requested",
            ("request and preparatory group", "founding request"),
            ("approve_prep_group", "preparing", PreparatoryGroupApproved, "批准建会申请和筹备组"),
            ("reject_request", "request_rejected", FoundingRequestRejected, "驳回建会申请"),
        ),
        step(
            "resubmit_request",
            "request_rejected",
            "requested",
            FoundingRequestResubmitted,
            "ResubmitFoundingRequest",
            "file the founding request again",
            "重新提交建会申请",
        ),
        step(
            "record_members",
            ["preparing", "members_recruited"],
            "members_recruited",
            MembersRecruited,
            "RecordMembersRecruited",
            "record the members recruited",
            "登记会员",
        ),
        *election_steps(entry="members_recruited", done="founded"),
        step(
            "register_legal_person",
            "founded",
            "registered",
            LegalPersonRegistered,
            "RegisterLegalPerson",
            "record the legal-person registration",
            "法人登记",
        ),
        # Withdrawal is possible at any step before the results are approved.
        withdraw(
            ["requested", "request_rejected", "preparing", "members_recruited", *ELECTION_STATE_NAMES],
            "withdraw the founding",
        ),
    ),
)
