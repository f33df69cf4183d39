"""The election steps shared by founding and re-election (R-REELECTION)."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar, Literal

from pydantic import Field

from events.catalogue.base import (
    CATALOGUE,
    BallotCount,
    Candidate,
    CongressType,
    ElectionOutcome,
    Evidence,
    FilingDecision,
    FilingRejection,
    OrganisationForm,
    ProcedureEvent,
)

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
