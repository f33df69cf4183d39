"""The organisation tree and what a union records outside its procedures."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from events.catalogue.base import Event, Evidence, OrgLevel, RemovalVote, UnitFacts

# --------------------------------------------------------------------------- organisations


class OrganisationRegistered(Event):
    org_id: str
    name: str
    level: OrgLevel
    parent_id: str | None
    unit: UnitFacts | None = None


class UnitFactsUpdated(Event):
    org_id: str
    unit: UnitFacts
    previous: UnitFacts | None = None


class ExistingTermImported(Event):
    """A union founded before unionflow, with its current term, brought in from a registry so its
    deadlines feed the alerts from day one."""

    org_id: str
    term_start: dt.date
    term_years: int
    term_end: dt.date
    chair: str | None = None
    source: str = "import"
    evidence: Evidence = Field(default_factory=list)


class AnnualCongressHeld(Event):
    """A congress (members' meeting or representative congress) held outside an election: the
    yearly congress that R-ANNUAL asks for, to hear the committee's report and the funds review."""

    org_id: str
    due: int
    present: int
    agenda: str
    # R-ANNUAL: a congress without quorum (R-QUORUM) does not count, and A-NO-ANNUAL-CONGRESS reads
    # this rather than judging the quorum itself. The workflow refuses such a congress, so it writes
    # True; the default reads events stored before the field, all of which passed R-QUORUM.
    quorate: bool = True
    evidence: Evidence = Field(default_factory=list)


class ViceChairRemoved(Event):
    """A vice-chair removed from the post by the congress (罢免, R-REMOVAL: more than half of all
    members or representatives voted yes). Recorded on the union, not as a procedure: nothing waits
    on the higher-level union, and no by-election is required for a vice-chair."""

    org_id: str
    vice_chair: str
    removal: RemovalVote
    reason: str
    evidence: Evidence = Field(default_factory=list)


# --------------------------------------------------------------------------- a joint union's units


class UnitCovered(Event):
    """A unit joined the joint grassroots union (联合基层工会) on the event's date (R-FORM-25: a
    small unit joins one rather than found a committee of its own), or its facts changed while
    covered: from its joining it counts as covered (founded, once the joint union is) in the
    founding rate and its members in the membership rate (RULES.md §7)."""

    org_id: str
    unit_id: str
    unit: UnitFacts
    evidence: Evidence = Field(default_factory=list)


class CoveredUnitLeft(Event):
    """A unit no longer covered by the joint union from the event's date (it closed, moved away or
    founded a union of its own): it leaves the coverage's counts from that date."""

    org_id: str
    unit_id: str
    reason: str
