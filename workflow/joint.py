"""The units a joint grassroots union (联合基层工会) covers: small units that join it rather than
found a committee of their own (R-FORM-25). From the day a unit joins until the day it leaves it
counts as covered in the coverage of RULES.md §7 (founded once the joint union is; its members in
the membership rate). A federation (工会联合会) covers no units: its member unions are registered
below it as unions of their own, and count as themselves.

Recorded by the joint union's staff, or by an administrator over it (like the unit's facts)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import Field, model_validator

from events.catalogue import CoveredUnit, CoveredUnitLeft, UnitsCovered
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


class CoverUnits(UnionCommand):
    """Units that join the joint grassroots union on `occurred_on`, or whose facts changed while
    covered (the same `unit_id`)."""

    examples: ClassVar[list[dict[str, Any]]] = [
        {"units": [{"unit_id": "JA-J1-01", "unit": _SMALL_UNIT}], "occurred_on": "2024-03-01"}
    ]

    units: list[CoveredUnit] = Field(min_length=1, max_length=500)

    @model_validator(mode="after")
    def _distinct(self) -> CoverUnits:
        ids = [u.unit_id for u in self.units]
        if len(set(ids)) != len(ids):
            raise ValueError("each unit is named once (unit_id)")
        return self


class UncoverUnit(UnionCommand):
    """A unit the joint union no longer covers from `occurred_on` (it closed, moved away or founded
    a union of its own)."""

    examples: ClassVar[list[dict[str, Any]]] = [
        {"unit_id": "JA-J1-01", "reason": "单位注销", "occurred_on": "2025-01-15"}
    ]

    unit_id: str = Field(min_length=1, max_length=120)
    reason: str = Field(min_length=1, max_length=500)


def _authorised(actor: Actor, union: UnionState, uow: UnitOfWork) -> None:
    if actor.role == "admin":
        require_admin_over(actor, union.org_id, uow.ancestors(union.parent_id))
    else:
        require_staff_of(actor, union)


@handles(CoverUnits)
def cover_units(cmd: CoverUnits, union: UnionState, uow: UnitOfWork, actor: Actor) -> Decision:
    _authorised(actor, existing(union), uow)
    return None, [decide_cover(union, cmd, term_profile(union, uow))]


@handles(UncoverUnit)
def uncover_unit(cmd: UncoverUnit, union: UnionState, uow: UnitOfWork, actor: Actor) -> Decision:
    _authorised(actor, existing(union), uow)
    return None, [decide_uncover(union, cmd)]


def decide_cover(union: UnionState, cmd: CoverUnits, profile: RuleProfile) -> UnitsCovered:
    rules.require_joint_union(union.org_id, union.level)
    evidence: list[dict[str, Any]] = []
    for u in cmd.units:
        known = union.covered_units.get(u.unit_id)
        if known is not None:
            last = known.since if known.left_on is None else known.left_on
            rules.require_not_before("R-FORM-25", f"unit {u.unit_id}'s last change", cmd.occurred_on, last)
        rules.check_unit_counts(u.unit.employees, u.unit.members, u.unit.female_members)
        evidence.append(rules.check_covered_unit(u.unit_id, u.unit.members, profile))
    return UnitsCovered(org_id=union.org_id, units=list(cmd.units), evidence=evidence)


def decide_uncover(union: UnionState, cmd: UncoverUnit) -> CoveredUnitLeft:
    rules.require_joint_union(union.org_id, union.level)
    known = union.covered_units.get(cmd.unit_id)
    if known is None or known.left_on is not None:
        raise NotFound("NOT-FOUND", f"{union.org_id} covers no unit {cmd.unit_id} now", {"unit_id": cmd.unit_id})
    rules.require_not_before("R-FORM-25", f"unit {cmd.unit_id} joined", cmd.occurred_on, known.since)
    return CoveredUnitLeft(org_id=union.org_id, unit_id=cmd.unit_id, reason=cmd.reason)


def evolve(union: UnionState, ev: UnitsCovered | CoveredUnitLeft, on: dt.date) -> None:
    """The fold of the joint union's units: joined (or facts changed while covered), or left."""
    if isinstance(ev, CoveredUnitLeft):
        union.covered_units[ev.unit_id].left_on = on
        return
    for u in ev.units:
        known = union.covered_units.get(u.unit_id)
        if known is not None and known.left_on is None:
            known.unit = u.unit
        else:
            union.covered_units[u.unit_id] = CoveredUnitState(unit=u.unit, since=on)
