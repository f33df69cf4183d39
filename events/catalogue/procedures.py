"""The procedures' own events: founding (建会), re-election (换届), extension (延期换届), early
re-election (提前换届) and the by-election of a chair (补选)."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from events.catalogue.base import (
    CATALOGUE,
    BallotCount,
    Candidate,
    ElectionOutcome,
    FilingDecision,
    FilingRejection,
    PrepGroupMember,
    ProcedureEvent,
    ProcedureOpenedMixin,
    RemovalVote,
    UnitFacts,
)


@CATALOGUE.register
class ProcedureWithdrawn(ProcedureEvent):
    event_type: ClassVar[str] = "ProcedureWithdrawn"
    reason: str


# --------------------------------------------------------------------------- founding (建会)


@CATALOGUE.register
class FoundingRequested(ProcedureEvent, ProcedureOpenedMixin):
    event_type: ClassVar[str] = "FoundingRequested"
    unit: UnitFacts
    initiators: list[str]
    prep_group: list[PrepGroupMember]


@CATALOGUE.register
class FoundingRequestResubmitted(ProcedureEvent):
    event_type: ClassVar[str] = "FoundingRequestResubmitted"
    unit: UnitFacts
    initiators: list[str]
    prep_group: list[PrepGroupMember]


@CATALOGUE.register
class PreparatoryGroupApproved(ProcedureEvent, FilingDecision):
    event_type: ClassVar[str] = "PreparatoryGroupApproved"


@CATALOGUE.register
class FoundingRequestRejected(ProcedureEvent, FilingRejection):
    event_type: ClassVar[str] = "FoundingRequestRejected"


@CATALOGUE.register
class MembersRecruited(ProcedureEvent):
    event_type: ClassVar[str] = "MembersRecruited"
    members: int
    female_members: int
    employees: int


@CATALOGUE.register
class LegalPersonRegistered(ProcedureEvent):
    event_type: ClassVar[str] = "LegalPersonRegistered"
    registration_no: str


# --------------------------------------------------------------------------- re-election (换届)


@CATALOGUE.register
class ReelectionOpened(ProcedureEvent, ProcedureOpenedMixin):
    event_type: ClassVar[str] = "ReelectionOpened"
    plan: str
    planned_congress_on: dt.date
    term_end: dt.date | None
    early: bool = False


@CATALOGUE.register
class ReelectionPlanApproved(ProcedureEvent, FilingDecision):
    event_type: ClassVar[str] = "ReelectionPlanApproved"


@CATALOGUE.register
class ReelectionPlanRejected(ProcedureEvent, FilingRejection):
    event_type: ClassVar[str] = "ReelectionPlanRejected"


# --------------------------------------------------------------------------- extension and early re-election


@CATALOGUE.register
class ExtensionRequested(ProcedureEvent, ProcedureOpenedMixin):
    event_type: ClassVar[str] = "ExtensionRequested"
    reason: str
    term_end: dt.date
    new_deadline: dt.date


@CATALOGUE.register
class ExtensionApproved(ProcedureEvent, FilingDecision):
    event_type: ClassVar[str] = "ExtensionApproved"
    new_deadline: dt.date


@CATALOGUE.register
class ExtensionRejected(ProcedureEvent, FilingRejection):
    event_type: ClassVar[str] = "ExtensionRejected"


@CATALOGUE.register
class EarlyReelectionRequested(ProcedureEvent, ProcedureOpenedMixin):
    event_type: ClassVar[str] = "EarlyReelectionRequested"
    reason: str
    term_end: dt.date
    planned_congress_on: dt.date


@CATALOGUE.register
class EarlyReelectionApproved(ProcedureEvent, FilingDecision):
    event_type: ClassVar[str] = "EarlyReelectionApproved"


@CATALOGUE.register
class EarlyReelectionRejected(ProcedureEvent, FilingRejection):
    event_type: ClassVar[str] = "EarlyReelectionRejected"


# --------------------------------------------------------------------------- by-election (补选)


@CATALOGUE.register
class ChairVacancyRecorded(ProcedureEvent, ProcedureOpenedMixin):
    event_type: ClassVar[str] = "ChairVacancyRecorded"
    departed_chair: str | None
    acting_chair: str
    reason: str
    by_election_due: dt.date
    # Set when the chair was removed by the congress (R-REMOVAL); absent in events recorded before
    # the field existed, which read as a vacancy without a removal vote.
    removal: RemovalVote | None = None


@CATALOGUE.register
class ByElectionRequested(ProcedureEvent):
    event_type: ClassVar[str] = "ByElectionRequested"
    candidates: list[Candidate]
    planned_on: dt.date


@CATALOGUE.register
class ByElectionConsented(ProcedureEvent, FilingDecision):
    event_type: ClassVar[str] = "ByElectionConsented"


@CATALOGUE.register
class ByElectionConsentRefused(ProcedureEvent, FilingRejection):
    event_type: ClassVar[str] = "ByElectionConsentRefused"


@CATALOGUE.register
class ByElectionHeld(ProcedureEvent):
    event_type: ClassVar[str] = "ByElectionHeld"
    due: int
    present: int
    vote: BallotCount
    outcome: ElectionOutcome


@CATALOGUE.register
class ByElectionApproved(ProcedureEvent, FilingDecision):
    event_type: ClassVar[str] = "ByElectionApproved"
    chair: str


@CATALOGUE.register
class ByElectionRejected(ProcedureEvent, FilingRejection):
    event_type: ClassVar[str] = "ByElectionRejected"


# Events that put a filing before the higher-level union, and those that answer it: the approval
