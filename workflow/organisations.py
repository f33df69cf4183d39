"""The organisation tree (R-APPROVER reads it): registering organisations under their parent and
keeping a unit's facts current. Managed by administrators within their subtree; a union's staff
may update its own unit facts."""

from __future__ import annotations

from events.catalogue import ExistingTermImported, OrganisationRegistered, UnitFactsUpdated
from workflow import commands as c
from workflow import rules
from workflow.errors import InvalidDate, RuleViolation, StepOutOfOrder
from workflow.profile import RuleProfile
from workflow.state import UnionState

# Which level may sit directly below which (RULES.md §1). Grassroots-level bodies (grassroots
# unions, federations of grassroots unions, joint grassroots unions) sit below a federation at
# township, county, city or (for large employers) provincial level.
PARENT_LEVELS: dict[str, frozenset[str | None]] = {
    "national": frozenset({None}),
    "province": frozenset({"national"}),
    "city": frozenset({"province"}),
    "county": frozenset({"city"}),
    "township": frozenset({"county", "city"}),
    "grassroots": frozenset({"province", "city", "county", "township", "federation"}),
    "federation": frozenset({"city", "county", "township"}),
    "joint": frozenset({"city", "county", "township"}),
}

# Levels that hold elections of their own (a union committee, a term).
GRASSROOTS_LEVELS = frozenset({"grassroots", "federation", "joint"})


def decide_register(org: UnionState, parent: UnionState | None, cmd: c.RegisterOrganisation) -> OrganisationRegistered:
    if org.exists:
        raise StepOutOfOrder("ORG-EXISTS", f"organisation {cmd.org_id} is already registered", {"org_id": cmd.org_id})
    parent_level = parent.level if parent is not None else None
    if cmd.parent_id is not None and (parent is None or not parent.exists):
        raise StepOutOfOrder("ORG-PARENT", f"parent organisation {cmd.parent_id} does not exist", {})
    allowed = PARENT_LEVELS[cmd.level]
    if parent_level not in allowed:
        raise RuleViolation(
            "R-APPROVER",
            f"a {cmd.level} organisation cannot sit directly below "
            f"{'nothing' if parent_level is None else 'a ' + parent_level + ' organisation'}; allowed parents: "
            + ", ".join(sorted(x or "none (the root)" for x in allowed)),
            {"level": cmd.level, "parent_level": parent_level},
        )
    if cmd.level in GRASSROOTS_LEVELS and cmd.unit is None:
        raise RuleViolation("R-FORM-25", f"a {cmd.level} union needs its unit facts", {})
    if cmd.unit is not None:
        rules.check_unit_counts(cmd.unit.employees, cmd.unit.members, cmd.unit.female_members)
    return OrganisationRegistered(
        org_id=cmd.org_id, name=cmd.name, level=cmd.level, parent_id=cmd.parent_id, unit=cmd.unit
    )


def decide_update_facts(org: UnionState, cmd: c.UpdateUnitFacts) -> UnitFactsUpdated:
    if org.level not in GRASSROOTS_LEVELS:
        raise StepOutOfOrder("ORG-LEVEL", f"{org.org_id} is a {org.level} organisation without unit facts", {})
    rules.check_unit_counts(cmd.unit.employees, cmd.unit.members, cmd.unit.female_members)
    return UnitFactsUpdated(org_id=org.org_id, unit=cmd.unit, previous=org.unit)


def decide_import_term(union: UnionState, cmd: c.ImportExistingTerm, profile: RuleProfile) -> ExistingTermImported:
    """A union founded before unionflow, brought in with its current term. Only a union that has no
    history here yet: once unionflow knows a union, its terms come from its elections."""
    if union.level not in GRASSROOTS_LEVELS:
        raise StepOutOfOrder(
            "ORG-LEVEL", f"{union.org_id} is a {union.level} organisation: only grassroots-level unions hold terms", {}
        )
    if union.term is not None:
        raise StepOutOfOrder(
            "TERM-EXISTS",
            f"union {union.org_id} already has term {union.term.number} ({union.term.start} to {union.term.end}); "
            "later terms come from re-election",
            {"term_start": union.term.start.isoformat(), "term_end": union.term.end.isoformat()},
        )
    if union.procedures:
        raise StepOutOfOrder(
            "TERM-EXISTS",
            f"union {union.org_id} already has procedures in unionflow ({', '.join(sorted(union.procedures))}): "
            "its term comes from them, not from an import",
            {"procedures": sorted(union.procedures)},
        )
    if cmd.term_start > cmd.occurred_on:
        raise InvalidDate(
            "DATE-ORDER",
            f"term_start {cmd.term_start} is after the import's date {cmd.occurred_on}",
            {"term_start": cmd.term_start.isoformat(), "occurred_on": cmd.occurred_on.isoformat()},
        )
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
