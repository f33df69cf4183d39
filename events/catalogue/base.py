"""The catalogue's registry and what its events share: value objects, the kinds of organisation
and unit, and the common shape of a procedure's events."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from events.model import DomainEvent, EventRegistry

CATALOGUE = EventRegistry()

Evidence = list[dict[str, Any]]

OrgLevel = Literal["national", "province", "city", "county", "township", "grassroots", "federation", "joint"]
UnitType = Literal["enterprise", "public_institution", "government", "social_organisation", "other"]
CongressType = Literal["members_meeting", "representative_congress"]
OrganisationForm = Literal["committee", "joint_union", "organiser", "chair"]
ProcedureKind = Literal["founding", "reelection", "extension", "early_reelection", "by_election", "dissolution"]


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
    # Law §10: barred from the committee in any unit.
    close_relative_of_principal_leader: bool = False
    # Chair Measures §6: barred from chairing an enterprise union.
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


class ElectionOutcome(_Value):
    seats: int
    elected: list[str]
    tied: list[str] = Field(default_factory=list)
    tie_seats: int = 0
    shortfall_seats: int = 0
    # R-SHORTFALL: "supplementary_vote" leaves the seats open for a runoff; "reduce_seats" means the
    # body keeps only the elected (the profile allowed it and R-COMMITTEE-SIZE still holds).
    shortfall_action: Literal["supplementary_vote", "reduce_seats"] | None = None


# --------------------------------------------------------------------------- the events' common shape


class Event(DomainEvent):
    """An event of the catalogue: its stored type name is its class name unless it says otherwise,
    and declaring it registers it (stored names never change, so stored logs keep reading)."""

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        if cls.__module__ == __name__:  # the shapes below are not events themselves
            return
        if "event_type" not in cls.__dict__:
            cls.event_type = cls.__name__
        CATALOGUE.register(cls)


class ProcedureEvent(Event):
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
