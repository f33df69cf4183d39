"""The organisation tree (R-APPROVER reads it): registering organisations under their parent and
keeping a unit's facts current. Managed by administrators within their subtree; a union's staff
may update its own unit facts."""

from __future__ import annotations

from events.catalogue import ExistingTermImported, OrganisationRegistered, UnitFactsUpdated
from workflow import commands as c
from workflow import rules
from workflow.profile import RuleProfile

# The tree's levels (RULES.md §1) belong to the rules (workflow.rules.organisation); the registry
# import (api/importer.py) reads them from here.
from workflow.rules import GRASSROOTS_LEVELS as GRASSROOTS_LEVELS
from workflow.rules import PARENT_LEVELS as PARENT_LEVELS
from workflow.state import UnionState


def decide_register(org: UnionState, parent: UnionState | None, cmd: c.RegisterOrganisation) -> OrganisationRegistered:
    rules.require_new_organisation(cmd.org_id, org.exists)
    rules.require_parent_exists(cmd.parent_id, parent is not None and parent.exists)
    rules.require_parent_level(cmd.level, parent.level if parent is not None else None)
    rules.require_unit_facts(cmd.level, cmd.unit is not None)
    if cmd.unit is not None:
        rules.check_unit_counts(cmd.unit.employees, cmd.unit.members, cmd.unit.female_members)
    return OrganisationRegistered(
        org_id=cmd.org_id, name=cmd.name, level=cmd.level, parent_id=cmd.parent_id, unit=cmd.unit
    )


def decide_update_facts(org: UnionState, cmd: c.UpdateUnitFacts) -> UnitFactsUpdated:
    rules.require_unit_level(org.org_id, org.level)
    rules.check_unit_counts(cmd.unit.employees, cmd.unit.members, cmd.unit.female_members)
    return UnitFactsUpdated(org_id=org.org_id, unit=cmd.unit, previous=org.unit)


def decide_import_term(union: UnionState, cmd: c.ImportExistingTerm, profile: RuleProfile) -> ExistingTermImported:
    """A union founded before unionflow, brought in with its current term. Only a union that has no
    history here yet: once unionflow knows a union, its terms come from its elections."""
    rules.require_term_holding_level(union.org_id, union.level)
    rules.require_no_term(union.org_id, union.term)
    rules.require_no_history(union.org_id, list(union.procedures))
    rules.require_term_started_by(cmd.term_start, cmd.occurred_on)
    years = rules.check_term_years(cmd.term_years, profile)  # R-TERM
    end = rules.term_end(cmd.term_start, cmd.term_years)
    return ExistingTermImported(
        org_id=union.org_id,
        term_start=cmd.term_start,
        term_years=cmd.term_years,
        term_end=end,
        chair=cmd.chair,
        source=cmd.source,
        evidence=[
            years,
            {
                "rule": "R-TERM-END",
                "start": cmd.term_start.isoformat(),
                "years": cmd.term_years,
                "end": end.isoformat(),
            },
        ],
    )
