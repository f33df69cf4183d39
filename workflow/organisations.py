"""The organisation tree (R-APPROVER reads it): registering organisations under their parent and
keeping a unit's facts current. Managed by administrators within their subtree; a union's staff
may update its own unit facts."""

from __future__ import annotations

from events.catalogue import OrganisationRegistered, UnitFactsUpdated
from workflow import commands as c
from workflow.errors import RuleViolation, StepOutOfOrder
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
    return OrganisationRegistered(
        org_id=cmd.org_id, name=cmd.name, level=cmd.level, parent_id=cmd.parent_id, unit=cmd.unit
    )


def decide_update_facts(org: UnionState, cmd: c.UpdateUnitFacts) -> UnitFactsUpdated:
    if org.level not in GRASSROOTS_LEVELS:
        raise StepOutOfOrder("ORG-LEVEL", f"{org.org_id} is a {org.level} organisation without unit facts", {})
    return UnitFactsUpdated(org_id=org.org_id, unit=cmd.unit, previous=org.unit)
