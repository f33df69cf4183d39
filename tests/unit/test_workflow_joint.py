"""The units a joint grassroots union (联合基层工会) covers (R-FORM-25; RULES.md §7): named with their
facts, dated when they join and leave; a federation's member unions are unions of their own."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from events.catalogue import UnitCovered
from tests.unit.workflow_world import COUNTY, TREE_ON, D, World, admin, staff, unit
from workflow import commands as c
from workflow.affordances import allowed_union_commands
from workflow.authority import Actor
from workflow.errors import InvalidDate, NotAuthorised, NotFound, RuleViolation, StepOutOfOrder
from workflow.service import CommandResult

JOINED = D(2024, 3, 1)


def small(members: int = 10, employees: int = 12, name: str = "江岸某餐饮店") -> Any:
    return unit(employees=employees, members=members, female_members=min(members, 4), name=name)


def cover(world: World, unit_id: str, facts: Any, on: D = JOINED, actor: Actor | None = None) -> CommandResult:
    cmd = c.CoverUnit(union_id="J1", unit_id=unit_id, unit=facts, occurred_on=on)
    return world.run(cmd, actor or staff("J1"))


def leave(world: World, unit_id: str, on: D, actor: Actor | None = None) -> CommandResult:
    cmd = c.UncoverUnit(union_id="J1", unit_id=unit_id, reason="单位注销", occurred_on=on)
    return world.run(cmd, actor or staff("J1"))


@pytest.fixture
def joint(world: World) -> World:
    world.add_union("J1", level="joint", facts=unit(employees=40, members=30, name="江岸某街道联合工会"))
    return world


def test_a_joint_union_names_the_units_it_covers_with_their_facts(joint: World) -> None:
    r = cover(joint, "J1-01", small())
    cover(joint, "J1-02", small(members=5, name="江岸某理发店"))
    ev = r.events[0].event
    assert isinstance(ev, UnitCovered) and (ev.unit_id, ev.unit.members) == ("J1-01", 10)
    assert [e["rule"] for e in ev.evidence] == ["R-FORM-25", "UNIT-COUNTS"]
    covered = joint.load("J1").covered_units
    assert sorted(covered) == ["J1-01", "J1-02"]
    assert covered["J1-01"].since == JOINED and covered["J1-01"].unit.members == 10


def test_r_form_25_a_unit_of_24_members_joins_one_of_25_needs_its_own_committee(joint: World) -> None:
    cover(joint, "J1-01", small(members=24, employees=30))
    with pytest.raises(RuleViolation) as refused:
        cover(joint, "J1-02", small(members=25, employees=30))
    assert refused.value.rule_id == "R-FORM-25"
    assert refused.value.evidence == {"rule": "R-FORM-25", "unit_id": "J1-02", "members": 25, "threshold": 25}
    with pytest.raises(RuleViolation):  # a covered unit's facts growing to 25 members too
        cover(joint, "J1-01", small(members=25, employees=30), on=D(2024, 4, 1))


@pytest.mark.parametrize("level", ["grassroots", "federation"])
def test_only_a_joint_union_covers_units(world: World, level: str) -> None:
    world.add_union("J1", level=level)
    with pytest.raises(StepOutOfOrder) as refused:
        cover(world, "J1-01", small())
    assert refused.value.rule_id == "ORG-LEVEL" and "member unions" in refused.value.message


def test_unit_counts_and_a_units_id(joint: World) -> None:
    with pytest.raises(RuleViolation) as refused:
        cover(joint, "J1-01", unit(employees=5, members=8))
    assert refused.value.rule_id == "UNIT-COUNTS"
    with pytest.raises(ValidationError):
        c.CoverUnit(union_id="J1", unit_id="J1/01", unit=small(), occurred_on=JOINED)


def test_facts_change_while_covered_and_a_unit_leaves_then_joins_again(joint: World) -> None:
    cover(joint, "J1-01", small())
    cover(joint, "J1-01", small(members=12, employees=15), on=D(2024, 6, 1))
    known = joint.load("J1").covered_units["J1-01"]
    assert (known.since, known.unit.members) == (JOINED, 12)  # still covered since it joined
    with pytest.raises(InvalidDate) as early:
        leave(joint, "J1-01", D(2024, 2, 1))
    assert early.value.rule_id == "DATE-ORDER"
    leave(joint, "J1-01", D(2025, 1, 15))
    assert joint.load("J1").covered_units["J1-01"].left_on == D(2025, 1, 15)
    with pytest.raises(NotFound):
        leave(joint, "J1-01", D(2025, 2, 1))
    with pytest.raises(InvalidDate):
        cover(joint, "J1-01", small(), on=D(2025, 1, 1))  # before it left
    cover(joint, "J1-01", small(), on=D(2025, 3, 1))
    assert joint.load("J1").covered_units["J1-01"].since == D(2025, 3, 1)


def test_who_records_the_units_the_joint_unions_staff_or_an_administrator_over_it(joint: World) -> None:
    with pytest.raises(NotAuthorised):
        cover(joint, "J1-01", small(), actor=staff("U1"))
    with pytest.raises(NotAuthorised):
        cover(joint, "J1-01", small(), actor=admin("QS"))
    cover(joint, "J1-01", small(), actor=admin(COUNTY))
    union = joint.load("J1")
    offered = allowed_union_commands(union, staff("J1"), lambda: [COUNTY])
    assert {"CoverUnit", "UncoverUnit"} <= set(offered)
    assert "CoverUnit" not in allowed_union_commands(union, staff("U1"), lambda: [COUNTY])
    assert union.covered_units["J1-01"].since >= TREE_ON
