"""A-NO-ANNUAL-CONGRESS (R-ANNUAL) is reset only by a congress that counts: those due taken from
the record, and quorum (R-QUORUM) reached. Through the real workflow with the projections' listener."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

import projections
from events import EventMetadata, NewEvent
from events.catalogue import AnnualCongressHeld, org_stream
from projections import Alert, Projections
from tests.integration.projections.support import D, World
from workflow import commands as c
from workflow.errors import RuleViolation


def fired(engine: sa.Engine, on: dt.date, org: str = "U1") -> dict[str, Alert]:
    return {a.kind: a for a in projections.alerts(engine, on, limit=None).items if a.org_id == org}


def _members(world: World, members: int) -> None:
    """R-ANNUAL: those due are the members on record, so the union's facts say how many."""
    unit = world.svc.load("U1").unit
    assert unit is not None
    world.run(
        c.UpdateUnitFacts(union_id="U1", unit=unit.model_copy(update={"members": members}), occurred_on=D(2020, 1, 10)),
        world.staff("U1"),
    )


def _congress(world: World, present: int, on: dt.date = D(2020, 2, 20), due: int | None = None) -> None:
    cmd = c.RecordCongress(union_id="U1", due=due, present=present, agenda="工作报告", occurred_on=on)
    world.run(cmd, world.staff("U1"))


def test_r_quorum_one_fewer_than_two_thirds_does_not_reset_the_alert(world: World, engine: sa.Engine) -> None:
    world.add_union("U1")
    world.found("U1", legal_person_on=D(2019, 4, 1))  # congress 2019-03-01
    _members(world, 60)
    with pytest.raises(RuleViolation) as refused:
        _congress(world, 39)  # 3 × 39 = 117 < 120 = 2 × 60
    assert refused.value.rule_id == "R-QUORUM"
    alert = fired(engine, D(2020, 3, 2))["A-NO-ANNUAL-CONGRESS"]
    assert alert.deadline == D(2020, 3, 1)
    assert projections.union(engine, "U1").last_congress_on == D(2019, 3, 1)  # type: ignore[union-attr]


def test_r_quorum_exactly_two_thirds_resets_the_alert(world: World, engine: sa.Engine) -> None:
    world.add_union("U1")
    world.found("U1", legal_person_on=D(2019, 4, 1))
    _members(world, 60)
    _congress(world, 40)  # 3 × 40 = 2 × 60
    assert "A-NO-ANNUAL-CONGRESS" not in fired(engine, D(2020, 3, 2))
    assert fired(engine, D(2021, 2, 21))["A-NO-ANNUAL-CONGRESS"].deadline == D(2021, 2, 20)


def test_r_annual_a_due_that_differs_from_the_record_is_refused_and_resets_nothing(
    world: World, engine: sa.Engine
) -> None:
    world.add_union("U1")
    world.found("U1", legal_person_on=D(2019, 4, 1))  # 80 members
    with pytest.raises(RuleViolation) as refused:
        _congress(world, 40, due=60)
    assert refused.value.rule_id == "R-ANNUAL"
    assert "A-NO-ANNUAL-CONGRESS" in fired(engine, D(2020, 3, 2))


def test_r_annual_a_stored_congress_without_quorum_does_not_count_and_rebuilds_equal(
    world: World, engine: sa.Engine
) -> None:
    """A congress stored as not quorate (the workflow refuses one, but the log may hold it) does
    not reset the alert, nor move the last congress; a rebuild reads it the same way."""
    world.add_union("U1")
    world.found("U1", legal_person_on=D(2019, 4, 1))
    store, stream = world.store, org_stream("U1")
    held = AnnualCongressHeld(org_id="U1", due=80, present=53, agenda="工作报告", quorate=False)
    store.append(
        stream,
        [NewEvent(held, D(2020, 2, 20))],
        expected_version=store.stream_version(stream),
        metadata=EventMetadata(actor_id="t", role="staff", acting_org="U1"),
        listener=world.projections.listener,
    )
    assert "A-NO-ANNUAL-CONGRESS" in fired(engine, D(2020, 3, 2))
    assert projections.union(engine, "U1").last_congress_on == D(2019, 3, 1)  # type: ignore[union-attr]
    assert world.svc.load("U1").last_congress_on == D(2019, 3, 1)
    report = Projections(engine).compare_with_rebuild()
    assert report.ok, str(report)
