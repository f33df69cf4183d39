"""What the coverage counts (RULES.md §7), on SQLite and PostgreSQL: a dissolved union leaves the
denominators and raises no alert from its dissolution (R-DISSOLVE), a joint union's units count as
covered while they are, a federation's member unions count once; and the figures the seed plans
set targets for, each at its boundary (25 employees, 200 employees for R-FULLTIME)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa

import projections
from events.catalogue import UnitFacts
from projections import schema
from tests.integration.projections.support import DAY, TREE_ON, D, World
from workflow import commands as c
from workflow.authority import Actor

ADMIN = Actor(person_id="admin", role="admin", org_id="ACFTU")
DISSOLVED = D(2024, 6, 1)


def facts(employees: int = 120, members: int = 0, unit_type: str = "enterprise", name: str = "某单位") -> UnitFacts:
    return UnitFacts(
        unit_name=name,
        unit_type=unit_type,  # type: ignore[arg-type]
        employees=employees,
        members=members,
        female_members=0,
        has_party_org=False,
    )


def register(world: World, org_id: str, level: str = "grassroots", parent: str = "JA", **kw: Any) -> None:
    world.run(
        c.RegisterOrganisation(
            org_id=org_id, name=f"{org_id}工会", level=level, parent_id=parent, unit=facts(**kw), occurred_on=TREE_ON
        ),
        ADMIN,
    )


def set_facts(world: World, org_id: str, on: dt.date = D(2020, 1, 1), **kw: Any) -> None:
    world.run(c.UpdateUnitFacts(union_id=org_id, unit=facts(**kw), occurred_on=on), world.staff(org_id))


def dissolve(world: World, org_id: str, on: dt.date = DISSOLVED) -> None:
    r = world.run(
        c.RequestDissolution(
            union_id=org_id,
            reason="closed",
            unit_changed_on=on - 30 * DAY,
            document="注销通知",
            occurred_on=on - 20 * DAY,
        ),
        world.approver(org_id),
    )
    assert r.procedure_id is not None
    world.approve(org_id, r.procedure_id, on)


def cover(world: World, joint: str, on: dt.date, **units: UnitFacts) -> None:
    for unit_id, unit in units.items():
        world.run(c.CoverUnit(union_id=joint, unit_id=unit_id, unit=unit, occurred_on=on), world.staff(joint))


def cov(world: World, on: dt.date, org: str = "JA") -> projections.Coverage:
    return projections.coverage(world.engine, org, on)


# --------------------------------------------------------------------------- R-DISSOLVE


def test_r_dissolve_leaves_the_denominators_on_the_day_of_the_dissolution(world: World) -> None:
    register(world, "U1")
    register(world, "U2")
    world.found("U1")
    dissolve(world, "U1")
    before, on = cov(world, DISSOLVED - DAY), cov(world, DISSOLVED)
    assert (before.units, before.founded, before.members, before.employees_unionised) == (2, 1, 80, 120)
    assert (on.units, on.founded, on.members, on.employees_unionised) == (1, 0, 0, 0)
    record = projections.union(world.engine, "U1")
    assert record is not None and (record.dissolved_on, record.dissolution_reason) == (DISSOLVED, "closed")
    assert cov(world, D(2019, 12, 31)).founded == 1  # the history stays as it was


def test_r_dissolve_no_alert_from_the_day_of_the_dissolution(world: World) -> None:
    register(world, "U1")
    world.found("U1")  # worked example 1: overdue from 2024-03-02
    dissolve(world, "U1")
    kinds = {a.kind for a in projections.alerts(world.engine, DISSOLVED - DAY, "JA", limit=None).items}
    assert "A-TERM-OVERDUE" in kinds
    assert projections.alerts(world.engine, DISSOLVED, "JA", limit=None).items == []
    assert projections.alerts(world.engine, D(2030, 1, 1), "JA", limit=None).items == []
    with world.engine.connect() as conn:
        until = conn.execute(sa.select(sa.func.max(schema.alerts.c.fires_until))).scalar()
    assert str(until)[:10] == "2024-05-31"


def test_r_dissolve_a_term_running_at_the_dissolution_never_ended_one_overdue_before_did(world: World) -> None:
    register(world, "U1")
    register(world, "U2")
    world.found("U1")  # deadline 2024-03-01: overdue before the dissolution
    world.found("U2", D(2021, 3, 1))  # deadline 2026-03-01: still running
    dissolve(world, "U1")
    dissolve(world, "U2")
    cv = cov(world, D(2027, 1, 1))
    assert (cv.terms_ended, cv.terms_on_time) == (1, 0)


def test_r_dissolve_the_inbox_and_the_procedures_after_the_approval(world: World) -> None:
    register(world, "U1")
    world.found("U1")
    ext = world.request_extension("U1", D(2024, 2, 1), D(2024, 9, 1))
    r = world.run(
        c.RequestDissolution(
            union_id="U1",
            reason="closed",
            unit_changed_on=D(2024, 5, 1),
            document="注销通知",
            occurred_on=D(2024, 5, 10),
        ),
        world.staff("U1"),
    )
    waiting = {i.procedure_id for i in projections.inbox(world.engine, "JA", limit=None).items}
    assert waiting == {ext, r.procedure_id}
    world.approve("U1", str(r.procedure_id), DISSOLVED)
    assert projections.inbox(world.engine, "JA", limit=None).items == []
    states = {p.procedure_id: p for p in projections.procedures(world.engine, org_id="U1", limit=None).items}
    assert states[ext].state == "withdrawn" and states[str(r.procedure_id)].state == "approved"
    founding = states["U1:founding-1"]
    assert founding.state == "founded" and founding.waiting_on is None
    assert world.projections.compare_with_rebuild().ok


# --------------------------------------------------------------------------- joint unions, federations


def test_a_joint_unions_units_count_while_covered_and_once_it_is_founded(world: World) -> None:
    register(world, "J1", level="joint", employees=60, members=40)
    world.found("J1")  # approved 2019-03-20
    cover(world, "J1", D(2024, 3, 1), A=facts(30, 10), B=facts(20, 5, unit_type="public_institution"))
    world.run(c.UncoverUnit(union_id="J1", unit_id="B", reason="迁出", occurred_on=D(2025, 1, 15)), world.staff("J1"))
    before = cov(world, D(2024, 2, 29))
    assert (before.units, before.founded) == (0, 0)  # the joint union itself is no unit
    joined = cov(world, D(2024, 3, 1))
    assert (joined.units, joined.founded, joined.units_covered) == (2, 2, 2)
    assert (joined.units_25, joined.founded_25, joined.units_enterprise, joined.founded_enterprise) == (1, 1, 1, 1)
    assert (joined.members, joined.employees_unionised) == (15, 50)
    assert cov(world, D(2025, 1, 14)).units == 2
    assert (cov(world, D(2025, 1, 15)).units, cov(world, D(2025, 1, 15)).members) == (1, 10)
    dissolve(world, "J1", D(2025, 6, 1))
    assert cov(world, D(2025, 5, 31)).units == 1 and cov(world, D(2025, 6, 1)).units == 0


def test_a_joint_unions_units_count_as_unfounded_until_it_is_founded(world: World) -> None:
    register(world, "J1", level="joint", employees=60, members=40)
    cover(world, "J1", D(2018, 6, 1), A=facts(30, 10))
    world.found("J1")  # approved 2019-03-20
    assert (cov(world, D(2019, 3, 19)).units, cov(world, D(2019, 3, 19)).founded) == (1, 0)
    assert cov(world, D(2019, 3, 20)).founded == 1


def test_a_federations_member_unions_count_as_themselves_once(world: World) -> None:
    register(world, "F1", level="federation", employees=500, members=300)
    register(world, "U5", parent="F1")
    world.found("U5")
    cv = cov(world, D(2020, 1, 1))
    assert (cv.units, cv.founded) == (1, 1)  # U5, not the federation beside it


# --------------------------------------------------------------------------- the figures


def test_founding_rate_of_units_of_25_employees_or_more_24_is_not_25_is(world: World) -> None:
    register(world, "U1", employees=24)
    register(world, "U2", employees=25)
    register(world, "U3", employees=25, unit_type="public_institution")
    world.found("U2")
    set_facts(world, "U2", employees=25, members=20)  # the founding recorded 120 employees
    cv = cov(world, D(2020, 1, 1))
    assert (cv.units, cv.units_25, cv.founded_25) == (3, 2, 1)
    assert cv.figures()["founding_rate_25plus"] == 0.5
    assert (cv.units_enterprise, cv.founded_enterprise, cv.founding_rate_enterprises) == (2, 1, 0.5)


def test_direct_election_share_counts_the_current_enterprise_chairs(world: World) -> None:
    for union in ("U1", "U2", "U3"):
        register(world, union)
    register(world, "U4", unit_type="government")
    world.found("U1")  # the congress elects the chair (直选)
    world.found("U4")
    set_facts(world, "U4", unit_type="government", members=80)  # not an enterprise: not counted
    world.chair_by = "committee"
    world.found("U2")
    world.run(
        c.ImportExistingTerm(union_id="U3", term_start=D(2018, 6, 1), term_years=5, occurred_on=D(2019, 1, 1)), ADMIN
    )
    cv = cov(world, D(2020, 1, 1))
    assert (cv.chairs_direct, cv.chairs_by_committee, cv.chairs_election_unknown) == (1, 1, 1)
    assert cv.figures()["direct_election_share"] == 0.5
    assert cov(world, D(2019, 3, 19)).chairs_election_known == 0  # no term approved yet
    record = projections.union(world.engine, "U2")
    assert record is not None and record.chair_elected_by == "committee"


@pytest.mark.parametrize(("employees", "counted"), [(199, 0), (200, 1)])
def test_r_fulltime_unions_of_200_employees_without_a_full_time_chair(
    world: World, employees: int, counted: int
) -> None:
    register(world, "U1")
    register(world, "U2")
    register(world, "U3")
    world.found("U1")
    world.full_time_chair = True
    world.found("U2")
    world.run(
        c.ImportExistingTerm(union_id="U3", term_start=D(2018, 6, 1), term_years=5, occurred_on=D(2019, 1, 1)), ADMIN
    )
    for union in ("U1", "U2", "U3"):
        set_facts(world, union, employees=employees, members=80)
    cv = cov(world, D(2020, 1, 1))
    assert (cv.unions_200, cv.without_full_time_chair, cv.full_time_unknown) == (3 * counted, counted, counted)
    assert cv.figures()["without_full_time_chair"] == counted
    record = projections.union(world.engine, "U2")
    assert record is not None and record.chair_full_time is True
