"""The domain events of unionflow: the published language that the workflow writes and the
projections read. They live here, below both, because projections must decode them without
importing `workflow/`.

Streams: one per organisation, ``org-{org_id}``. A grassroots union's stream also carries its
procedures (founding, re-election, extension, early re-election, by-election, dissolution) as sub-entities:
every procedure event names its ``procedure_id``. The union is the consistency boundary: its term,
chair and open procedures change together, in one append, under one expected version.

Every event that a rule allowed carries the rule's ``evidence`` (rule ID and the numbers checked),
so an auditor later sees why the step was allowed. Stored type names are stable and past tense;
a payload change bumps ``schema_version`` and registers an upcaster (see events.model)."""

from __future__ import annotations

from events.catalogue.base import (
    CATALOGUE,
    BallotCount,
    Candidate,
    CongressType,
    ElectionOutcome,
    Event,
    Evidence,
    FilingDecision,
    FilingRejection,
    OrganisationForm,
    OrgLevel,
    PrepGroupMember,
    ProcedureEvent,
    ProcedureKind,
    ProcedureOpenedMixin,
    RemovalVote,
    UnitFacts,
    UnitType,
)
from events.catalogue.organisations import (
    COVERAGE_FIGURES,
    AnnualCongressHeld,
    CoverageTargetsSet,
    CoveredUnitLeft,
    ExistingTermImported,
    OrganisationRegistered,
    RuleProfileAssigned,
    UnitCovered,
    UnitFactsUpdated,
    ViceChairRemoved,
)

# Each procedure kind declares its events beside its flow (events.flows); they are the catalogue's.
from events.flows import by_election, dissolution, election, founding, reelection, term_change
from events.flows.by_election import *  # noqa: F403
from events.flows.dissolution import *  # noqa: F403
from events.flows.election import *  # noqa: F403
from events.flows.founding import *  # noqa: F403
from events.flows.model import ProcedureWithdrawn
from events.flows.reelection import *  # noqa: F403
from events.flows.term_change import *  # noqa: F403

__all__ = [
    "CATALOGUE",
    "COVERAGE_FIGURES",
    "AnnualCongressHeld",
    "BallotCount",
    "Candidate",
    "CongressType",
    "CoverageTargetsSet",
    "CoveredUnitLeft",
    "ElectionOutcome",
    "Event",
    "Evidence",
    "ExistingTermImported",
    "FilingDecision",
    "FilingRejection",
    "OrgLevel",
    "OrganisationForm",
    "OrganisationRegistered",
    "PrepGroupMember",
    "ProcedureEvent",
    "ProcedureKind",
    "ProcedureOpenedMixin",
    "ProcedureWithdrawn",
    "RemovalVote",
    "RuleProfileAssigned",
    "UnitCovered",
    "UnitFacts",
    "UnitFactsUpdated",
    "UnitType",
    "ViceChairRemoved",
    "org_stream",
]
__all__ += [
    name for kind in (by_election, dissolution, election, founding, reelection, term_change) for name in kind.__all__
]


def org_stream(org_id: str) -> str:
    return f"org-{org_id}"
