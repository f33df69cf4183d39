"""UNIT-COUNTS: female members are counted among the members, and members among the unit's
employees (RULES.md §7, membership rate = members ÷ employees). Every command that states the
unit's counts is checked: registering a grassroots union, updating its facts, requesting (and
resubmitting) a founding, and recording the members recruited. Equal counts are the boundary and
pass; one more is refused, naming the numbers, and nothing is written."""

from __future__ import annotations

import pytest

from events.catalogue import MembersRecruited, UnitFactsUpdated
from tests.unit.workflow_support import event_types, found_union, given_union
from tests.unit.workflow_world import COUNTY, TREE_ON, D, World, admin, staff, unit
from workflow import commands as c
from workflow.errors import RuleViolation


def update_facts(world: World, employees: int, members: int, female_members: int) -> object:
    facts = unit(employees=employees, members=members, female_members=female_members)
    return world.run(c.UpdateUnitFacts(union_id="U1", unit=facts, occurred_on=D(2026, 11, 2)), staff("U1"))


def test_facts_with_as_many_members_as_employees_and_only_female_members_pass(world: World) -> None:
    given_union(world)
    result = update_facts(world, employees=60, members=60, female_members=60)
    assert event_types(result) == ["UnitFactsUpdated"]  # type: ignore[arg-type]
    event = result.events[0].event  # type: ignore[attr-defined]
    assert isinstance(event, UnitFactsUpdated)
    assert (event.unit.employees, event.unit.members, event.unit.female_members) == (60, 60, 60)
    assert world.load("U1").unit == event.unit


@pytest.mark.parametrize(
    ("employees", "members", "female_members", "message"),
    [
        (60, 60, 61, "UNIT-COUNTS: 61 female members but only 60 members"),
        (60, 61, 12, "UNIT-COUNTS: 61 members but only 60 employees"),
    ],
)
def test_facts_with_one_too_many_are_refused_and_nothing_is_written(
    world: World, employees: int, members: int, female_members: int, message: str
) -> None:
    given_union(world)
    before = world.version("U1")
    with pytest.raises(RuleViolation, match=message) as refused:
        update_facts(world, employees, members, female_members)
    assert refused.value.rule_id == "UNIT-COUNTS"
    assert refused.value.evidence == {
        "rule": "UNIT-COUNTS",
        "employees": employees,
        "members": members,
        "female_members": female_members,
    }
    assert world.version("U1") == before


def test_registering_a_union_with_more_members_than_employees_is_refused(world: World) -> None:
    cmd = c.RegisterOrganisation(
        org_id="U9",
        name="U9 工会",
        level="grassroots",
        parent_id=COUNTY,
        unit=unit(employees=30, members=31, female_members=5),
        occurred_on=TREE_ON,
    )
    with pytest.raises(RuleViolation, match="UNIT-COUNTS: 31 members but only 30 employees"):
        world.run(cmd, admin())
    assert not world.load("U9").exists


def test_a_founding_request_with_impossible_counts_is_refused(world: World) -> None:
    driver = given_union(world)
    driver.s.facts = unit(employees=40, members=0, female_members=1)
    with pytest.raises(RuleViolation, match="UNIT-COUNTS: 1 female members but only 0 members"):
        driver.request()
    assert world.load("U1").procedures == {}


def test_members_recruited_beyond_the_employees_are_refused_at_the_boundary(world: World) -> None:
    driver = found_union(world, until="preparing")
    with pytest.raises(RuleViolation, match="UNIT-COUNTS: 121 members but only 120 employees"):
        driver.recruit(members=121, female_members=12, employees=120)
    with pytest.raises(RuleViolation, match="UNIT-COUNTS: 81 female members but only 80 members"):
        driver.recruit(members=80, female_members=81, employees=120)
    result = driver.recruit(members=120, female_members=120, employees=120)
    event = result.events[0].event
    assert isinstance(event, MembersRecruited)
    assert (event.members, event.female_members, event.employees) == (120, 120, 120)


def test_a_resubmitted_founding_request_is_checked_like_the_first(world: World) -> None:
    driver = found_union(world, until="requested")
    driver.reject(D(2019, 1, 8), reasons="职工人数有误")
    before = world.version("U1")

    def resubmit(employees: int, members: int) -> object:
        return driver.step(
            c.ResubmitFoundingRequest,
            D(2019, 1, 9),
            unit=unit(employees=employees, members=members),
            initiators=["张三"],
            prep_group=[{"name": n, "affiliation": "party_org"} for n in "甲乙丙"],
        )

    with pytest.raises(RuleViolation, match="UNIT-COUNTS: 50 members but only 45 employees"):
        resubmit(employees=45, members=50)
    assert world.version("U1") == before
    resubmit(employees=50, members=50)
    assert driver.state == "requested"
