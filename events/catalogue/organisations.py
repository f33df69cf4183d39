"""The organisation tree and what a union records outside its procedures."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import Field, SerializerFunctionWrapHandler, model_serializer

from events.catalogue.base import CongressType, Event, Evidence, OrgLevel, RemovalVote, UnitFacts

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
    deadlines feed the alerts from day one, and with what the registry knows of it.

    Every fact after `term_end` is optional: None (or empty) means the registry did not say, and the
    read side shows it as unknown, never as a date or count made up from the term. The facts were
    added after the first imports were stored, with defaults that read those as "not given", so
    schema version 1 still decodes every stored payload and no upcaster is needed."""

    org_id: str
    term_start: dt.date
    term_years: int
    term_end: dt.date
    chair: str | None = None
    source: str = "import"
    evidence: Evidence = Field(default_factory=list)
    # R-FOUNDED: the founding approval's date and document number, as the registry gives them.
    founded_on: dt.date | None = None
    founding_document_no: str | None = None
    # R-CONGRESS-TYPE: the congress that elected this term, and its representatives (R-REP-BANDS).
    congress_type: CongressType | None = None
    representatives: int | None = None
    # The committee in office: its members' names if given, and always their number when known.
    committee: list[str] = Field(default_factory=list)
    committee_size: int | None = None
    vice_chairs: list[str] = Field(default_factory=list)
    chair_elected_by: Literal["congress", "committee"] | None = None  # 直选 by the congress, or the committee
    chair_full_time: bool | None = None  # R-FULLTIME
    last_congress_on: dt.date | None = None  # R-ANNUAL: the last congress, yearly or electoral
    # R-EXTENSION: an approved extension in force.
    extension_deadline: dt.date | None = None
    extension_document_no: str | None = None
    # Legal-person registration (工会法人登记, RULES.md §3 step 9).
    legal_person_no: str | None = None
    legal_person_on: dt.date | None = None

    @model_serializer(mode="wrap")
    def _given_facts_only(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """The payload carries the registry's facts that were given, and leaves out those that were
        not (absent reads back as unknown): an import that gave only its term is stored as before
        the facts existed, and a large registry's log does not repeat a dozen nulls per union."""
        data: dict[str, Any] = handler(self)
        return {k: v for k, v in data.items() if k not in _REGISTRY_FACTS or v not in (None, [])}


# The fields of ExistingTermImported after the term: each optional, stored only when given.
_REGISTRY_FACTS = frozenset(ExistingTermImported.model_fields) - {
    "org_id",
    "term_start",
    "term_years",
    "term_end",
    "chair",
    "source",
    "evidence",
}


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


# --------------------------------------------------------------------------- settings of a region

# The coverage figures of RULES.md §7 a region may set a target for (the one list: the commands
# check keys against it, coverage reads it), each with how its target reads: "at_least" for a
# figure the plans want high (Dalian: enterprise founding rate ≥ 91 %), "at_most" for one they
# want low (unions of 200+ employees without a full-time chair, R-FULLTIME).
COVERAGE_FIGURES: dict[str, Literal["at_least", "at_most"]] = {
    "founding_rate": "at_least",
    "membership_rate": "at_least",
    "on_time_rate": "at_least",
    "founding_rate_enterprises": "at_least",
    "founding_rate_25plus": "at_least",
    "direct_election_share": "at_least",
    "without_full_time_chair": "at_most",
}


class RuleProfileAssigned(Event):
    """An administrator assigned a rule profile to an organisation (RULES.md §5): every union at or
    below it opens its procedures under this profile unless a nearer organisation has another.
    Without a version, a procedure pins the profile's latest version when it opens."""

    org_id: str
    profile_name: str
    profile_version: int | None = None
    previous_name: str | None = None
    previous_version: int | None = None


class CoverageTargetsSet(Event):
    """An administrator set the region's targets for its coverage figures (RULES.md §7), as a
    whole: a figure left out has no target of this region (a nearer ancestor's applies)."""

    org_id: str
    targets: dict[str, float]
    previous: dict[str, float] = Field(default_factory=dict)


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
