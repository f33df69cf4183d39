"""When a re-election may open after an extension (R-EARLY, R-ON-TIME; issue 18): the window is the
reminder window before the ORIGINAL term end, and an approved extension never pushes it back. A plan
whose congress falls after the deadline carries a warning for the approver."""

from __future__ import annotations

import pytest

from events.catalogue import ReelectionOpened
from tests.unit.workflow_support import found_union
from tests.unit.workflow_world import D, World, approver, staff
from workflow import commands as c
from workflow.errors import StepOutOfOrder

TERM_END = D(2024, 3, 1)  # worked example 1: the term's window opens 2024-01-01


def _extend(world: World, new_deadline: D) -> None:
    """An extension to `new_deadline`, requested on 2023-11-01 and approved on 2023-11-10."""
    r = world.run(
        c.RequestExtension(union_id="U1", reason="企业重组", new_deadline=new_deadline, occurred_on=D(2023, 11, 1)),
        staff("U1"),
    )
    assert r.procedure_id is not None
    world.run(
        c.ApproveFiling(
            union_id="U1", procedure_id=r.procedure_id, document_no="江工复〔2023〕9号", occurred_on=D(2023, 11, 10)
        ),
        approver(),
    )


def _opened(world: World, on: D, planned: D) -> ReelectionOpened:
    r = world.run(
        c.OpenReelection(union_id="U1", plan="换届方案", planned_congress_on=planned, occurred_on=on), staff("U1")
    )
    event = r.events[0].event
    assert isinstance(event, ReelectionOpened)
    return event


@pytest.mark.parametrize(("opened_on", "early"), [(D(2023, 12, 31), True), (D(2024, 1, 1), False)])
def test_an_extension_does_not_push_the_window_back_r_early(world: World, opened_on: D, early: bool) -> None:
    """Given a term ending 2024-03-01 extended to 2024-09-01: opening on 2024-01-01 (the original
    window's first day) is ordinary; the day before is early and needs an approved early re-election."""
    found_union(world)
    _extend(world, D(2024, 9, 1))
    assert world.load("U1").term.deadline == D(2024, 9, 1)  # type: ignore[union-attr]
    if early:
        with pytest.raises(StepOutOfOrder) as err:
            _opened(world, opened_on, D(2024, 5, 1))
        assert err.value.rule_id == "R-EARLY"
        assert err.value.evidence["window_opens"] == "2024-01-01"
    else:
        event = _opened(world, opened_on, D(2024, 5, 1))
        assert event.early is False
        [on_time] = [e for e in event.evidence if e["rule"] == "R-ON-TIME"]
        assert (on_time["window_opens"], on_time["deadline"]) == ("2024-01-01", "2024-09-01")


def test_after_the_original_term_end_opening_is_ordinary_r_early(world: World) -> None:
    """Once the original term has ended, within an approved extension, opening is never R-EARLY."""
    found_union(world)
    _extend(world, D(2024, 9, 1))
    assert _opened(world, D(2024, 3, 2), D(2024, 6, 1)).early is False


@pytest.mark.parametrize(("planned", "warned"), [(TERM_END, False), (D(2024, 3, 2), True)])
def test_a_congress_planned_after_the_deadline_is_flagged_r_on_time(world: World, planned: D, warned: bool) -> None:
    """Without an extension, a congress on the term end (the deadline) is on time; the day after
    is flagged in the plan's evidence for the approver."""
    found_union(world)
    [on_time] = [e for e in _opened(world, D(2024, 1, 5), planned).evidence if e["rule"] == "R-ON-TIME"]
    if warned:
        assert "falls after the deadline 2024-03-01 and no extension is approved" in on_time["warning"]
    else:
        assert "warning" not in on_time


@pytest.mark.parametrize(("planned", "warned"), [(D(2024, 9, 1), False), (D(2024, 9, 2), True)])
def test_an_approved_extension_moves_the_deadline_the_warning_counts_from_r_on_time(
    world: World, planned: D, warned: bool
) -> None:
    found_union(world)
    _extend(world, D(2024, 9, 1))
    [on_time] = [e for e in _opened(world, D(2024, 1, 5), planned).evidence if e["rule"] == "R-ON-TIME"]
    assert ("warning" in on_time) is warned
    if warned:
        assert on_time["warning"].endswith("falls after the deadline 2024-09-01")
