"""The units a joint grassroots union (联合基层工会) covers: small units that join it rather than
found a committee of their own (R-FORM-25). From the day a unit joins until the day it leaves it
counts as covered in the coverage of RULES.md §7 (founded once the joint union is; its members in
the membership rate). A federation (工会联合会) covers no units: its member unions are registered
below it as unions of their own, and count as themselves.

Recorded by the joint union's staff, or by an administrator over it (like the unit's facts)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import Field

from events.catalogue import CoveredUnitLeft, UnitCovered, UnitFacts
from workflow import rules
from workflow.authority import Actor, require_admin_over, require_staff_of
from workflow.command import UNIT_EXAMPLE, UnionCommand, handles
from workflow.errors import NotFound
from workflow.kinds import existing, term_profile
from workflow.profile import RuleProfile
from workflow.state import CoveredUnitState, UnionState

if TYPE_CHECKING:
    from workflow.unit_of_work import Decision, UnitOfWork

_SMALL_UNIT = UNIT_EXAMPLE | {"unit_name": "江岸某餐饮店", "employees": 12, "members": 10, "female_members": 6}
UNIT_ID = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"


class CoverUnit(UnionCommand):
    """A unit that joins the joint grassroots union on `occurred_on`, or whose facts changed while
    it is covered (the same `unit_id`)."""

    examples: ClassVar[list[dict[str, Any]]] = [
        {"unit_id": "JA-J1-01", "unit": _SMALL_UNIT, "occurred_on": "2024-03-01"}
    ]

    unit_id: str = Field(
        min_length=1, max_length=120, pattern=UNIT_ID, description="The unit's id within the joint union"
    )
    unit: UnitFacts


class UncoverUnit(UnionCommand):
    """A unit the joint union no longer covers from `occurred_on` (it closed, moved away or founded
    a union of its own)."""

    examples: ClassVar[list[dict[str, Any]]] = [
        {"unit_id": "JA-J1-01", "reason": "单位注销", "occurred_on": "2025-01-15"}
    ]

    unit_id: str = Field(min_length=1, max_length=120, pattern=UNIT_ID)
    reason: str = Field(min_length=1, max_length=500)


def _authorised(actor: Actor, union: UnionState, uow: UnitOfWork) -> None:
    if actor.role == "admin":
        require_admin_over(actor, union.org_id, uow.ancestors(union.parent_id))
    else:
        require_staff_of(actor, union)


@handles(CoverUnit)
def cover_unit(cmd: CoverUnit, union: UnionState, uow: UnitOfWork, actor: Actor) -> Decision:
    _authorised(actor, existing(union), uow)
    return None, [decide_cover(union, cmd, term_profile(union, uow))]


@handles(UncoverUnit)
def uncover_unit(cmd: UncoverUnit, union: UnionState, uow: UnitOfWork, actor: Actor) -> Decision:
    _authorised(actor, existing(union), uow)
    return None, [decide_uncover(union, cmd)]


def decide_cover(union: UnionState, cmd: CoverUnit, profile: RuleProfile) -> UnitCovered:
    rules.require_joint_union(union.org_id, union.level)
    known = union.covered_units.get(cmd.unit_id)
    if known is not None:
        last = known.since if known.left_on is None else known.left_on
        rules.require_not_before(cmd.occurred_on, f"unit {cmd.unit_id}'s last change", last, "previous")
    u = cmd.unit
    counts = rules.check_unit_counts(u.employees, u.members, u.female_members)
    form = rules.check_covered_unit(cmd.unit_id, u.members, profile)
    return UnitCovered(org_id=union.org_id, unit_id=cmd.unit_id, unit=u, evidence=[form, counts])


def decide_uncover(union: UnionState, cmd: UncoverUnit) -> CoveredUnitLeft:
    rules.require_joint_union(union.org_id, union.level)
    known = union.covered_units.get(cmd.unit_id)
    if known is None or known.left_on is not None:
        raise NotFound(
            "NOT-FOUND", f"{union.org_id} covers no unit {cmd.unit_id} now", {"unit_id": cmd.unit_id}, case="unit"
        )
    rules.require_not_before(cmd.occurred_on, f"unit {cmd.unit_id} joined", known.since, "previous")
    return CoveredUnitLeft(org_id=union.org_id, unit_id=cmd.unit_id, reason=cmd.reason)


def evolve(union: UnionState, ev: UnitCovered | CoveredUnitLeft, on: dt.date) -> None:
    """The fold of the joint union's units: joined (or facts changed while covered), or left."""
    known = union.covered_units.get(ev.unit_id)
    if isinstance(ev, CoveredUnitLeft):
        if known is not None:
            known.left_on = on
    elif known is not None and known.left_on is None:
        known.unit = ev.unit
    else:
        union.covered_units[ev.unit_id] = CoveredUnitState(unit=ev.unit, since=on)
