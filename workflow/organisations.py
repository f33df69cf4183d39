"""The organisation tree (R-APPROVER reads it): registering organisations under their parent and
keeping a unit's facts current. Managed by administrators within their subtree; a union's staff
may update its own unit facts. A union founded before unionflow is brought in with its current
term by `workflow.imported`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import Field, model_validator

from events.catalogue import OrganisationRegistered, OrgLevel, UnitFacts, UnitFactsUpdated
from workflow import rules
from workflow.authority import Actor, require_admin_over, require_staff_of
from workflow.bounds import Name
from workflow.command import UNIT_EXAMPLE, Command, UnionCommand, handles
from workflow.errors import NotFound
from workflow.kinds import existing, require_in_order

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
    name: Name
    level: OrgLevel
    parent_id: Name | None = None
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


@handles(RegisterOrganisation)
def register_organisation(cmd: RegisterOrganisation, union: UnionState, uow: UnitOfWork, actor: Actor) -> Decision:
    parent = uow.load(cmd.parent_id) if cmd.parent_id else None
    # Only administrators learn whether a parent exists (role first, then existence).
    if actor.role == "admin" and parent is not None and not parent.exists:
        raise NotFound(
            "ORG-PARENT", f"parent organisation {cmd.parent_id} does not exist", {"parent_id": cmd.parent_id}
        )
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
