"""The organisation tree (R-APPROVER reads it): registering organisations under their parent and
keeping a unit's facts current. Managed by administrators within their subtree; a union's staff
may update its own unit facts."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import Field, model_validator

from events.catalogue import ExistingTermImported, OrganisationRegistered, OrgLevel, UnitFacts, UnitFactsUpdated
from workflow import rules
from workflow.authority import Actor, require_admin_over, require_staff_of
from workflow.command import UNIT_EXAMPLE, Command, UnionCommand, handles
from workflow.errors import NotFound
from workflow.kinds import existing, require_in_order
from workflow.profile import RuleProfile

# The tree's levels (RULES.md §1) belong to the rules (workflow.rules.organisation); the registry
# import (api/importer.py) reads them from here.
from workflow.rules import GRASSROOTS_LEVELS as GRASSROOTS_LEVELS
from workflow.rules import PARENT_LEVELS as PARENT_LEVELS
from workflow.state import UnionState

if TYPE_CHECKING:
    from workflow.unit_of_work import Decision, UnitOfWork


class RegisterOrganisation(Command):
    examples: ClassVar[list[dict[str, Any]]] = [
        {
            "org_id": "U1",
            "name": "江岸某科技有限公司工会",
            "level": "grassroots",
            "parent_id": "JA",
            "unit": UNIT_EXAMPLE,
            "occurred_on": "2019-01-01",
        }
    ]

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
    # DATE-ORDER: a unit's facts change once its union is registered.
    depends_on: ClassVar[tuple[str, ...]] = ("registered_on",)
    examples: ClassVar[list[dict[str, Any]]] = [
        {"unit": UNIT_EXAMPLE | {"employees": 130}, "occurred_on": "2019-02-01"}
    ]

    unit: UnitFacts


class ImportExistingTerm(UnionCommand):
    """Bring in a union founded before unionflow with its current term (an administrator's
    registry import), so its deadline feeds the alerts from day one."""

    examples: ClassVar[list[dict[str, Any]]] = [
        {"term_start": "2022-06-30", "term_years": 5, "chair": "王芳", "occurred_on": "2026-11-01"}
    ]

    term_start: dt.date = Field(description="The current term's start (its electing congress)")
    term_years: int = Field(ge=1, description="R-TERM: 3 or 5 years under the national profile")
    chair: str | None = Field(default=None, min_length=1)
    source: str = Field(default="import", min_length=1, max_length=200, description="Where the record comes from")


@handles(RegisterOrganisation)
def register_organisation(cmd: RegisterOrganisation, union: UnionState, uow: UnitOfWork, actor: Actor) -> Decision:
    parent = uow.load(cmd.parent_id) if cmd.parent_id else None
    # Only administrators learn whether a parent exists (role first, then existence).
    if actor.role == "admin" and parent is not None and not parent.exists:
        raise NotFound("ORG-PARENT", f"parent organisation {cmd.parent_id} does not exist", {})
    # Only the root registers itself; below it, an administrator of the parent or above places the
    # organisation, so nobody grafts their own into someone else's subtree.
    require_admin_over(actor, cmd.org_id, uow.ancestors(cmd.parent_id), own_org=cmd.parent_id is None)
    return None, [decide_register(union, parent, cmd)]


@handles(UpdateUnitFacts)
def update_unit_facts(cmd: UpdateUnitFacts, union: UnionState, uow: UnitOfWork, actor: Actor) -> Decision:
    existing(union)
    if actor.role == "admin":
        require_admin_over(actor, union.org_id, uow.ancestors(union.parent_id))
    else:
        require_staff_of(actor, union)
    require_in_order(union, cmd)
    return None, [decide_update_facts(union, cmd)]


@handles(ImportExistingTerm)
def import_existing_term(cmd: ImportExistingTerm, union: UnionState, uow: UnitOfWork, actor: Actor) -> Decision:
    # A registry import is the administrators' work, like the tree it fills.
    require_admin_over(actor, existing(union).org_id, uow.ancestors(union.parent_id))
    return None, [decide_import_term(union, cmd, uow.profile_of(union))]


def decide_register(org: UnionState, parent: UnionState | None, cmd: RegisterOrganisation) -> OrganisationRegistered:
    rules.require_new_organisation(cmd.org_id, org.exists)
    rules.require_parent_exists(cmd.parent_id, parent is not None and parent.exists)
    if parent is not None:
        rules.require_not_dissolved(parent.org_id, parent.dissolved_on)  # R-DISSOLVE: nothing new below it
    rules.require_parent_level(cmd.level, parent.level if parent is not None else None)
    rules.require_unit_facts(cmd.level, cmd.unit is not None)
    if cmd.unit is not None:
        rules.check_unit_counts(cmd.unit.employees, cmd.unit.members, cmd.unit.female_members)
    return OrganisationRegistered(**cmd.given("org_id", "name", "level", "parent_id", "unit"))


def decide_update_facts(org: UnionState, cmd: UpdateUnitFacts) -> UnitFactsUpdated:
    rules.require_unit_level(org.org_id, org.level)
    rules.check_unit_counts(cmd.unit.employees, cmd.unit.members, cmd.unit.female_members)
    return UnitFactsUpdated(org_id=org.org_id, unit=cmd.unit, previous=org.unit)


def decide_import_term(union: UnionState, cmd: ImportExistingTerm, profile: RuleProfile) -> ExistingTermImported:
    """A union founded before unionflow, brought in with its current term. Only a union that has no
    history here yet: once unionflow knows a union, its terms come from its elections."""
    rules.require_term_holding_level(union.org_id, union.level)
    rules.require_no_term(union.org_id, union.term)
    rules.require_no_history(union.org_id, list(union.procedures))
    rules.require_term_started_by(cmd.term_start, cmd.occurred_on)
    years = rules.check_term_years(cmd.term_years, profile)  # R-TERM
    end, reckoned = rules.reckon_term_end(cmd.term_start, cmd.term_years)
    imported = cmd.given("term_start", "term_years", "chair", "source")
    return ExistingTermImported(org_id=union.org_id, **imported, term_end=end, evidence=[years, reckoned])
