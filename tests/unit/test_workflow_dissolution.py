"""Dissolution (注销, R-DISSOLVE): filed by the union (Charter §16: its congress votes for a merger
or a move) or by the higher-level union when the unit closed (Law §13), approved by the direct
higher-level union only (R-APPROVER); from the approval the union's record takes no step."""

from __future__ import annotations

from typing import Any

import pytest

from events.catalogue import DissolutionApproved, DissolutionRequested
from tests.unit.workflow_support import event_types, evidence_of, found_union, given_union
from tests.unit.workflow_world import COUNTY, D, World, admin, approver, staff, unit
from workflow import commands as c
from workflow.affordances import allowed_steps, allowed_union_commands
from workflow.authority import Actor
from workflow.errors import InvalidDate, NotAuthorised, RuleViolation, StepOutOfOrder
from workflow.service import CommandResult

FILED = D(2024, 5, 10)
APPROVED = D(2024, 6, 1)


def request(world: World, union: str = "U1", actor: Actor | None = None, on: D = FILED, **kw: Any) -> CommandResult:
    fields: dict[str, Any] = {
        "reason": "merged",
        "unit_changed_on": D(2024, 4, 30),
        "document": "会员大会关于注销工会的决议",
        "congress_on": D(2024, 5, 6),
    } | kw
    return world.run(c.RequestDissolution(union_id=union, occurred_on=on, **fields), actor or staff(union))


def decide(world: World, pid: str, actor: Actor | None = None, on: D = APPROVED, union: str = "U1") -> CommandResult:
    cmd = c.ApproveFiling(union_id=union, procedure_id=pid, document_no="江工发〔2024〕9号", occurred_on=on)
    return world.run(cmd, actor or approver())


def dissolved(world: World, union: str = "U1", **kw: Any) -> CommandResult:
    r = request(world, union, **kw)
    assert r.procedure_id is not None
    return decide(world, r.procedure_id, union=union)


# --------------------------------------------------------------------------- filing


def test_r_dissolve_a_founded_unions_merger_is_filed_with_its_congress_and_approved(world: World) -> None:
    found_union(world)
    r = request(world)
    assert r.procedure_id == "U1:dissolution-1"
    ev = r.events[0].event
    assert isinstance(ev, DissolutionRequested) and ev.filed_by == "union"
    assert evidence_of(r, "R-DISSOLVE")[0]["basis"] == "Charter §16"
    assert world.load("U1").dissolved_on is None  # nothing changes until the approval
    done = decide(world, r.procedure_id)
    assert event_types(done) == ["DissolutionApproved"]
    union = world.load("U1")
    assert (union.dissolved_on, union.dissolution_reason) == (APPROVED, "merged")
    assert union.procedures["U1:dissolution-1"].state == "approved"


def test_r_dissolve_a_founded_unions_merger_without_the_congress_vote_is_refused(world: World) -> None:
    found_union(world)
    with pytest.raises(RuleViolation) as refused:
        request(world, congress_on=None)
    assert refused.value.rule_id == "R-DISSOLVE" and "Charter §16" in refused.value.message
    r = request(world, reason="closed", congress_on=None)  # Law §13: the union goes with its unit
    assert evidence_of(r, "R-DISSOLVE")[0]["basis"] == "Law §13"


def test_r_dissolve_the_higher_union_files_a_closure_but_not_a_founded_unions_merger(world: World) -> None:
    found_union(world)
    with pytest.raises(RuleViolation) as refused:
        request(world, actor=approver())
    assert refused.value.rule_id == "R-DISSOLVE"
    r = request(world, actor=approver(), reason="closed", congress_on=None)
    ev = r.events[0].event
    assert isinstance(ev, DissolutionRequested) and ev.filed_by == "higher_union"


def test_r_dissolve_a_unit_never_unionised_leaves_on_the_higher_unions_filing(world: World) -> None:
    given_union(world)
    r = request(world, actor=approver(), reason="moved", congress_on=None)
    assert evidence_of(r, "R-DISSOLVE")[0]["founded"] is False
    assert r.procedure_id is not None
    decide(world, r.procedure_id)
    assert world.load("U1").dissolved_on == APPROVED


def test_r_approver_only_the_direct_higher_union_files_or_decides(world: World) -> None:
    found_union(world)
    with pytest.raises(NotAuthorised) as refused:
        request(world, actor=approver("QS"), reason="closed", congress_on=None)
    assert refused.value.rule_id == "R-APPROVER"
    r = request(world)
    assert r.procedure_id is not None
    for wrong in (approver("QS"), approver("WH"), staff("U1")):
        with pytest.raises(NotAuthorised):
            decide(world, r.procedure_id, actor=wrong)
    assert world.load("U1").dissolved_on is None


def test_r_dissolve_one_request_at_a_time_and_dates_in_order(world: World) -> None:
    found_union(world)
    with pytest.raises(InvalidDate) as late:
        request(world, unit_changed_on=D(2024, 5, 11))  # the day after the filing
    assert late.value.rule_id == "DATE-ORDER"
    request(world)
    with pytest.raises(StepOutOfOrder) as twice:
        request(world)
    assert twice.value.rule_id == "R-DISSOLVE"


def test_r_dissolve_rejected_or_withdrawn_leaves_the_union_as_it_was(world: World) -> None:
    found_union(world)
    r = request(world)
    world.run(
        c.RejectFiling(union_id="U1", procedure_id="U1:dissolution-1", reasons="材料不全", occurred_on=APPROVED),
        approver(),
    )
    assert world.load("U1").dissolved_on is None
    r = request(world, on=APPROVED)
    world.run(
        c.WithdrawProcedure(union_id="U1", procedure_id="U1:dissolution-2", reason="撤回", occurred_on=APPROVED),
        staff("U1"),
    )
    assert r.procedure_id == "U1:dissolution-2" and world.load("U1").dissolved_on is None
    world.run(c.RecordCongress(union_id="U1", present=54, agenda="年度大会", occurred_on=APPROVED), staff("U1"))


# --------------------------------------------------------------------------- once dissolved


def test_r_dissolve_the_approval_withdraws_what_is_under_way(world: World) -> None:
    found_union(world)
    ext = world.run(
        c.RequestExtension(union_id="U1", reason="单位合并", new_deadline=D(2024, 9, 1), occurred_on=D(2024, 2, 1)),
        staff("U1"),
    )
    done = dissolved(world)
    assert event_types(done) == ["ProcedureWithdrawn", "DissolutionApproved"]
    assert done.events[-1].event.evidence[0]["withdrawn"] == [ext.procedure_id]  # type: ignore[attr-defined]
    union = world.load("U1")
    assert union.procedures[str(ext.procedure_id)].state == "withdrawn"
    # The founding waits only for its legal-person registration: it stays founded.
    assert union.procedures["U1:founding-1"].state == "founded"


def test_r_dissolve_the_approval_is_not_dated_before_a_step_it_closes(world: World) -> None:
    found_union(world)
    world.run(
        c.RequestExtension(union_id="U1", reason="单位合并", new_deadline=D(2024, 9, 1), occurred_on=D(2024, 6, 5)),
        staff("U1"),
    )
    r = request(world)
    assert r.procedure_id is not None
    with pytest.raises(InvalidDate) as refused:
        decide(world, r.procedure_id, on=D(2024, 6, 1))
    assert refused.value.rule_id == "DATE-ORDER"
    decide(world, r.procedure_id, on=D(2024, 6, 5))


@pytest.mark.parametrize(
    ("actor", "command"),
    [
        (
            staff("U1"),
            lambda: c.RecordCongress(union_id="U1", present=54, agenda="年度大会", occurred_on=D(2024, 7, 1)),
        ),
        (staff("U1"), lambda: c.UpdateUnitFacts(union_id="U1", unit=unit(members=80), occurred_on=D(2024, 7, 1))),
        (admin(), lambda: c.UpdateUnitFacts(union_id="U1", unit=unit(members=80), occurred_on=D(2024, 7, 1))),
        (
            staff("U1"),
            lambda: c.OpenReelection(
                union_id="U1", plan="换届", planned_congress_on=D(2024, 9, 1), occurred_on=D(2024, 7, 1)
            ),
        ),
        (
            staff("U1"),
            lambda: c.RecordChairVacancy(union_id="U1", acting_chair="钱", reason="调离", occurred_on=D(2024, 7, 1)),
        ),
        (
            staff("U1"),
            lambda: c.RegisterLegalPerson(
                union_id="U1", procedure_id="U1:founding-1", registration_no="法1", occurred_on=D(2024, 7, 1)
            ),
        ),
        (
            approver(),
            lambda: c.RequestDissolution(
                union_id="U1",
                reason="closed",
                unit_changed_on=D(2024, 4, 30),
                document="通知",
                occurred_on=D(2024, 7, 1),
            ),
        ),
    ],
)
def test_r_dissolve_a_dissolved_union_takes_no_further_step(world: World, actor: Actor, command: Any) -> None:
    found_union(world)
    dissolved(world)
    version = world.version("U1")
    with pytest.raises(StepOutOfOrder) as refused:
        world.run(command(), actor)
    assert refused.value.rule_id == "R-DISSOLVE"
    assert "dissolved on 2024-06-01" in refused.value.message
    assert world.version("U1") == version


def test_r_dissolve_nothing_is_offered_and_the_history_stays(world: World) -> None:
    found_union(world)
    before = world.load("U1")
    assert allowed_union_commands(before, staff("U1"), lambda: [COUNTY])
    dissolved(world)
    union = world.load("U1")
    assert allowed_union_commands(union, staff("U1"), lambda: [COUNTY]) == []
    assert all(allowed_steps(union, p, staff("U1")) == [] for p in union.procedures.values())
    assert union.chair == before.chair and union.term == before.term  # the record is as it was
    assert [r.event_type for r in world.stream("U1")][-1] == "DissolutionApproved"
    assert isinstance(world.stream("U1")[-1].event, DissolutionApproved)
    assert world.store.verify().ok


def test_r_dissolve_nothing_new_is_registered_below_a_dissolved_federation(world: World) -> None:
    world.add_union("F1", level="federation")
    r = request(world, "F1", actor=approver(), reason="closed", congress_on=None)
    assert r.procedure_id is not None
    decide(world, r.procedure_id, union="F1")
    with pytest.raises(StepOutOfOrder) as refused:
        world.add_union("U9", parent="F1")
    assert refused.value.rule_id == "R-DISSOLVE"
