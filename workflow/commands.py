"""Commands: what a person asks the engine to do, in the imperative. They are not events (which
say what happened) and not HTTP request bodies (the API maps its requests onto these).

Every command names the union it acts on; procedure commands also name the procedure. The
business date of the fact (`occurred_on`: the congress date, the date of the reply...) is given by
the caller and checked for sense; the recording time is the store's."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from events.catalogue import (
    BallotCount,
    Candidate,
    CongressType,
    OrganisationForm,
    OrgLevel,
    PrepGroupMember,
    RemovalVote,
    UnitFacts,
)


class Command(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    occurred_on: dt.date


class UnionCommand(Command):
    union_id: str = Field(min_length=1)


class ProcedureCommand(UnionCommand):
    procedure_id: str = Field(min_length=1)


# --------------------------------------------------------------------------- organisations


class RegisterOrganisation(Command):
    org_id: str = Field(min_length=1, max_length=120, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    name: str = Field(min_length=1)
    level: OrgLevel
    parent_id: str | None = None
    unit: UnitFacts | None = None

    @model_validator(mode="after")
    def _unit_for_grassroots(self) -> RegisterOrganisation:
        if self.level == "grassroots" and self.unit is None:
            raise ValueError("a grassroots union needs its unit facts (unit)")
        return self


class UpdateUnitFacts(UnionCommand):
    unit: UnitFacts


class ImportExistingTerm(UnionCommand):
    """Bring in a union founded before unionflow with its current term (an administrator's
    registry import), so its deadline feeds the alerts from day one."""

    term_start: dt.date
    term_years: int = Field(ge=1)
    chair: str | None = Field(default=None, min_length=1)
    source: str = Field(default="import", min_length=1, max_length=200)


class RecordCongress(UnionCommand):
    """Record the yearly congress held outside an election (R-ANNUAL), with its attendance."""

    due: int = Field(ge=1, description="voters due to attend (members or representatives)")
    present: int = Field(ge=0)
    agenda: str = Field(min_length=1, max_length=2000)


class RemoveViceChair(UnionCommand):
    """Record that the congress removed a vice-chair from the post (罢免, R-REMOVAL)."""

    vice_chair: str = Field(min_length=1)
    removal: RemovalVote
    reason: str = Field(min_length=1, max_length=2000)


# --------------------------------------------------------------------------- founding (建会)


class RequestFounding(UnionCommand):
    unit: UnitFacts
    initiators: list[str] = Field(min_length=1)
    prep_group: list[PrepGroupMember]
    profile_name: str | None = None
    profile_version: int | None = None


class ResubmitFoundingRequest(ProcedureCommand):
    unit: UnitFacts
    initiators: list[str] = Field(min_length=1)
    prep_group: list[PrepGroupMember]


class RecordMembersRecruited(ProcedureCommand):
    members: int = Field(ge=0)
    female_members: int = Field(ge=0)
    employees: int = Field(ge=0)


class RegisterLegalPerson(ProcedureCommand):
    registration_no: str = Field(min_length=1)


# --------------------------------------------------------------------------- re-election (换届)


class OpenReelection(UnionCommand):
    plan: str = Field(min_length=1)
    planned_congress_on: dt.date
    profile_name: str | None = None
    profile_version: int | None = None


# --------------------------------------------------------------------------- election steps (shared)


class DecideCongressType(ProcedureCommand):
    congress_type: CongressType
    form: OrganisationForm = "committee"
    committee_seats: int = Field(ge=1)


class ElectRepresentatives(ProcedureCommand):
    representatives: int = Field(ge=1)


class ProposeCandidates(ProcedureCommand):
    committee_candidates: list[Candidate] = Field(min_length=1)
    chair_candidates: list[Candidate] = Field(min_length=1)
    funds_review_seats: int = Field(ge=1)
    funds_review_candidates: list[Candidate] = Field(min_length=1)
    chair_elected_by: Literal["congress", "committee"] = "congress"


class PostCandidates(ProcedureCommand):
    where: str = ""


class FileCandidates(ProcedureCommand):
    party_org: str | None = None
    party_approved: bool | None = None
    remarks: str = ""


class HoldCongress(ProcedureCommand):
    due: int = Field(ge=1)
    present: int = Field(ge=0)
    committee_vote: BallotCount
    funds_review_vote: BallotCount


class HoldRunoff(ProcedureCommand):
    body: Literal["committee", "funds_review"]
    due: int = Field(ge=1)
    present: int = Field(ge=0)
    vote: BallotCount


class ElectChair(ProcedureCommand):
    chair: str = Field(min_length=1)
    vice_chairs: list[str] = Field(default_factory=list)
    due: int = Field(ge=1)
    yes: int = Field(ge=0)


class FileResults(ProcedureCommand):
    funds_review_director: str = Field(min_length=1)
    finance_person: str | None = None
    women_committee_formed: bool = False
    women_director: str | None = None
    fulltime_chair: bool = False
    term_years: int


# --------------------------------------------------------------------------- decisions of the higher-level union


class ApproveFiling(ProcedureCommand):
    """Approve whatever the procedure has filed and is waiting on (R-APPROVER): the founding request
    and preparatory group, a re-election plan, a candidate list, election results, an extension,
    an early re-election, a by-election's consent or results."""

    document_no: str = Field(min_length=1)
    remarks: str = ""


class RejectFiling(ProcedureCommand):
    reasons: str = Field(min_length=1)
    redo_from: Literal["congress_type", "candidates", "congress"] | None = None


class WithdrawProcedure(ProcedureCommand):
    reason: str = Field(min_length=1)


# --------------------------------------------------------------------------- extension / early re-election


class RequestExtension(UnionCommand):
    reason: str = Field(min_length=1)
    new_deadline: dt.date


class RequestEarlyReelection(UnionCommand):
    reason: str = Field(min_length=1)
    planned_congress_on: dt.date


# --------------------------------------------------------------------------- by-election (补选)


class RecordChairVacancy(UnionCommand):
    acting_chair: str = Field(min_length=1)
    reason: str = Field(min_length=1)
    removal: RemovalVote | None = None  # when the congress removed the chair (罢免, R-REMOVAL)


class RequestByElection(ProcedureCommand):
    candidates: list[Candidate] = Field(min_length=1)
    planned_on: dt.date


class HoldByElection(ProcedureCommand):
    due: int = Field(ge=1)
    present: int = Field(ge=0)
    vote: BallotCount
