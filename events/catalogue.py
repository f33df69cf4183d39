"""The domain events of unionflow: the published language that the workflow writes and the
projections read. They live here, below both, because projections must decode them without
importing `workflow/`.

Streams: one per organisation, ``org-{org_id}``. A grassroots union's stream also carries its
procedures (founding, re-election, extension, early re-election, by-election) as sub-entities:
every procedure event names its ``procedure_id``. The union is the consistency boundary: its term,
chair and open procedures change together, in one append, under one expected version.

Every event that a rule allowed carries the rule's ``evidence`` (rule ID and the numbers checked),
so an auditor later sees why the step was allowed. Stored type names are stable and past tense;
a payload change bumps ``schema_version`` and registers an upcaster (see events.model)."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from events.model import DomainEvent, EventRegistry

CATALOGUE = EventRegistry()

Evidence = list[dict[str, Any]]

OrgLevel = Literal["national", "province", "city", "county", "township", "grassroots", "federation", "joint"]
UnitType = Literal["enterprise", "public_institution", "government", "social_organisation", "other"]
CongressType = Literal["members_meeting", "representative_congress"]
OrganisationForm = Literal["committee", "joint_union", "organiser", "chair"]
ProcedureKind = Literal["founding", "reelection", "extension", "early_reelection", "by_election"]


class _Value(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class UnitFacts(_Value):
    """The employing unit's facts that rules read (R-FORM-25, R-WOMEN, R-FULLTIME, R-VETTING...)."""

    unit_name: str
    unit_type: UnitType
    employees: int = Field(ge=0)
    members: int = Field(ge=0)
    female_members: int = Field(ge=0)
    has_party_org: bool


class Candidate(_Value):
    """A person standing for election, with the facts R-INELIGIBLE reads."""

    name: str = Field(min_length=1)
    close_relative_of_principal_leader: bool = False
    administrative_head_or_deputy: bool = False
    partner_or_relative_of_partner: bool = False
    hr_head: bool = False
    foreign_employee: bool = False


class RemovalVote(_Value):
    """The congress's vote removing the chair (罢免, R-REMOVAL): more than half of **all** members
    (members' meeting) or representatives (representative congress) must vote yes."""

    total: int = Field(ge=1, description="all members or representatives with a vote, present or not")
    yes: int = Field(ge=0, description="yes votes for the removal")


class PrepGroupMember(_Value):
    name: str = Field(min_length=1)
    affiliation: Literal["party_org", "worker_representative", "higher_union", "other"] = "worker_representative"


class BallotCount(_Value):
    """One round of voting for one body (committee, funds review committee, chair...)."""

    seats: int = Field(ge=1)
    ballots_issued: int = Field(ge=0)
    ballots_returned: int = Field(ge=0)
    invalid_ballots: int = Field(ge=0, default=0)
    tallies: dict[str, int]


# --------------------------------------------------------------------------- organisations


@CATALOGUE.register
class OrganisationRegistered(DomainEvent):
    event_type: ClassVar[str] = "OrganisationRegistered"
    org_id: str
    name: str
    level: OrgLevel
    parent_id: str | None
    unit: UnitFacts | None = None


@CATALOGUE.register
class UnitFactsUpdated(DomainEvent):
    event_type: ClassVar[str] = "UnitFactsUpdated"
    org_id: str
    unit: UnitFacts
    previous: UnitFacts | None = None


@CATALOGUE.register
class ExistingTermImported(DomainEvent):
    """A union founded before unionflow, with its current term, brought in from a registry so its
    deadlines feed the alerts from day one."""

    event_type: ClassVar[str] = "ExistingTermImported"
    org_id: str
    term_start: dt.date
    term_years: int
    term_end: dt.date
    chair: str | None = None
    source: str = "import"
    evidence: Evidence = Field(default_factory=list)


@CATALOGUE.register
class AnnualCongressHeld(DomainEvent):
    """A congress (members' meeting or representative congress) held outside an election: the
    yearly congress that R-ANNUAL asks for, to hear the committee's report and the funds review."""

    event_type: ClassVar[str] = "AnnualCongressHeld"
    org_id: str
    due: int
    present: int
    agenda: str
    evidence: Evidence = Field(default_factory=list)


@CATALOGUE.register
class ViceChairRemoved(DomainEvent):
    """A vice-chair removed from the post by the congress (罢免, R-REMOVAL: more than half of all
    members or representatives voted yes). Recorded on the union, not as a procedure: nothing waits
    on the higher-level union, and no by-election is required for a vice-chair."""

    event_type: ClassVar[str] = "ViceChairRemoved"
    org_id: str
    vice_chair: str
    removal: RemovalVote
    reason: str
    evidence: Evidence = Field(default_factory=list)


# --------------------------------------------------------------------------- procedures (common)


class ProcedureEvent(DomainEvent):
    procedure_id: str
    evidence: Evidence = Field(default_factory=list)


class ProcedureOpenedMixin(BaseModel):
    """Every procedure's first event pins the rule profile it will use to the end (by name and
    version, and the whole settings object, so later changes to the default cannot reach it)."""

    profile_name: str
    profile_version: int
    profile: dict[str, Any]


class FilingDecision(BaseModel):
    document_no: str = Field(min_length=1, description="批复文号: the higher-level union's reply number")
    remarks: str = ""


class FilingRejection(BaseModel):
    reasons: str = Field(min_length=1)


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


# --------------------------------------------------------------------------- election steps (shared)


@CATALOGUE.register
class CongressTypeDecided(ProcedureEvent):
    event_type: ClassVar[str] = "CongressTypeDecided"
    congress_type: CongressType
    form: OrganisationForm
    members: int
    committee_seats: int
    women_organisation: Literal["committee", "member", "none"]
    warnings: Evidence = Field(default_factory=list)


@CATALOGUE.register
class RepresentativesElected(ProcedureEvent):
    event_type: ClassVar[str] = "RepresentativesElected"
    representatives: int


@CATALOGUE.register
class CandidatesProposed(ProcedureEvent):
    event_type: ClassVar[str] = "CandidatesProposed"
    committee_seats: int
    committee_candidates: list[Candidate]
    chair_candidates: list[Candidate]
    funds_review_seats: int
    funds_review_candidates: list[Candidate]
    chair_elected_by: Literal["congress", "committee"]


@CATALOGUE.register
class CandidatesPosted(ProcedureEvent):
    """The candidate list publicly posted (R-NOTICE counts from this business date)."""

    event_type: ClassVar[str] = "CandidatesPosted"
    where: str = ""


@CATALOGUE.register
class CandidatesFiled(ProcedureEvent):
    """The posted list submitted to the higher-level union for vetting (R-VETTING), with the
    same-level Party organisation's opinion where the unit has one."""

    event_type: ClassVar[str] = "CandidatesFiled"
    party_org: str | None = None
    party_approved: bool | None = None
    remarks: str = ""


@CATALOGUE.register
class CandidatesApproved(ProcedureEvent, FilingDecision):
    event_type: ClassVar[str] = "CandidatesApproved"


@CATALOGUE.register
class CandidatesRejected(ProcedureEvent, FilingRejection):
    event_type: ClassVar[str] = "CandidatesRejected"


class ElectionOutcome(_Value):
    seats: int
    elected: list[str]
    tied: list[str] = Field(default_factory=list)
    tie_seats: int = 0
    shortfall_seats: int = 0
    # R-SHORTFALL: "supplementary_vote" leaves the seats open for a runoff; "reduce_seats" means the
    # body keeps only the elected (the profile allowed it and R-COMMITTEE-SIZE still holds).
    shortfall_action: Literal["supplementary_vote", "reduce_seats"] | None = None


@CATALOGUE.register
class CongressHeld(ProcedureEvent):
    """The congress (its date is the event's occurred_on) with the vote counts of the committee and
    the funds review committee (R-FUNDS-REVIEW: same congress, same term)."""

    event_type: ClassVar[str] = "CongressHeld"
    due: int
    present: int
    committee_vote: BallotCount
    funds_review_vote: BallotCount
    committee: ElectionOutcome
    funds_review: ElectionOutcome


@CATALOGUE.register
class RunoffHeld(ProcedureEvent):
    """A re-vote among the tied (R-TIE) or a supplementary vote for missing seats (R-SHORTFALL)."""

    event_type: ClassVar[str] = "RunoffHeld"
    body: Literal["committee", "funds_review"]
    reason: Literal["tie", "shortfall"]
    due: int
    present: int
    vote: BallotCount
    outcome: ElectionOutcome


@CATALOGUE.register
class ChairElected(ProcedureEvent):
    """Chair and vice-chairs elected by the new committee at its first meeting (or recorded from
    the congress's direct vote)."""

    event_type: ClassVar[str] = "ChairElected"
    chair: str
    vice_chairs: list[str]
    by: Literal["congress", "committee"]
    due: int
    yes: int


@CATALOGUE.register
class ResultsFiled(ProcedureEvent):
    event_type: ClassVar[str] = "ResultsFiled"
    committee: list[str]
    chair: str
    vice_chairs: list[str]
    funds_review: list[str]
    funds_review_director: str
    finance_person: str | None = None
    women_committee_formed: bool = False
    women_director: str | None = None
    fulltime_chair: bool = False
    term_years: int


@CATALOGUE.register
class ResultsApproved(ProcedureEvent, FilingDecision):
    """The higher-level union's reply (批复): the union is founded or re-elected; the term runs from
    the congress date (R-FOUNDED, R-TERM-END)."""

    event_type: ClassVar[str] = "ResultsApproved"
    term_start: dt.date
    term_years: int
    term_end: dt.date


@CATALOGUE.register
class ResultsRejected(ProcedureEvent, FilingRejection):
    event_type: ClassVar[str] = "ResultsRejected"
    redo_from: str


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
# inbox and A-APPROVAL-PENDING are built from these.
FILING_EVENTS: dict[str, str] = {
    "FoundingRequested": "founding_request",
    "FoundingRequestResubmitted": "founding_request",
    "ReelectionOpened": "reelection_plan",
    "CandidatesFiled": "candidates",
    "ResultsFiled": "results",
    "ExtensionRequested": "extension",
    "EarlyReelectionRequested": "early_reelection",
    "ByElectionRequested": "by_election_consent",
    "ByElectionHeld": "by_election_results",
}
DECISION_EVENTS: frozenset[str] = frozenset(
    {
        "PreparatoryGroupApproved",
        "FoundingRequestRejected",
        "ReelectionPlanApproved",
        "ReelectionPlanRejected",
        "CandidatesApproved",
        "CandidatesRejected",
        "ResultsApproved",
        "ResultsRejected",
        "ExtensionApproved",
        "ExtensionRejected",
        "EarlyReelectionApproved",
        "EarlyReelectionRejected",
        "ByElectionConsented",
        "ByElectionConsentRefused",
        "ByElectionApproved",
        "ByElectionRejected",
    }
)


def org_stream(org_id: str) -> str:
    return f"org-{org_id}"
