"""The organisation tree and what a union records outside its procedures."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from pydantic import Field

from events.catalogue.base import (
    CATALOGUE,
    Evidence,
    OrgLevel,
    RemovalVote,
    UnitFacts,
)
from events.model import DomainEvent

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
