"""An extension request (R-EXTENSION) amended while it waits on the higher-level union: the
amended deadline is held to the same limit, and the approval decides the request as amended."""

from __future__ import annotations

import pytest

from events.catalogue import ExtensionApproved, ExtensionRequestAmended
from tests.unit.test_workflow_terms import TERM_END, decide, request_extension
from tests.unit.workflow_support import found_union
from tests.unit.workflow_world import D, World, approver, staff
from workflow.errors import NotAuthorised, RuleViolation, StepOutOfOrder
from workflow.service import CommandResult
from workflow.term_change import AmendExtensionRequest


def amend(world: World, pid: str, new_deadline: D, on: D = D(2024, 2, 5)) -> CommandResult:
    cmd = AmendExtensionRequest(
        union_id="U1", procedure_id=pid, reason="重组推迟至八月", new_deadline=new_deadline, occurred_on=on
    )
    return world.run(cmd, staff("U1"))


def test_r_extension_an_amended_request_is_approved_as_amended(world: World) -> None:
    """Given a request to 2024-08-01 for the term ending 2024-03-01, when it is amended to
    2024-09-01 (exactly six months, R-EXTENSION) and approved, then the deadline is 2024-09-01."""
    found_union(world)
    req = request_extension(world, D(2024, 8, 1))
    assert req.procedure_id is not None
    amended = amend(world, req.procedure_id, D(2024, 9, 1)).events[0].event
    assert isinstance(amended, ExtensionRequestAmended)
    assert amended.evidence[0]["latest_allowed"] == "2024-09-01"
    approved = decide(world, req, D(2024, 2, 10)).events[0].event
    assert isinstance(approved, ExtensionApproved) and approved.new_deadline == D(2024, 9, 1)
    term = world.load("U1").term
    assert term is not None and (term.end, term.deadline) == (TERM_END, D(2024, 9, 1))


def test_r_extension_an_amendment_one_day_over_six_months_is_refused(world: World) -> None:
    found_union(world)
    req = request_extension(world, D(2024, 8, 1))
    assert req.procedure_id is not None
    before = world.version("U1")
    with pytest.raises(RuleViolation, match="R-EXTENSION") as err:
        amend(world, req.procedure_id, D(2024, 9, 2))
    assert err.value.evidence["latest_allowed"] == "2024-09-01"
    assert world.version("U1") == before


def test_only_the_committee_amends_and_only_while_the_request_waits(world: World) -> None:
    """The approvers do not amend a union's request (AUTH-ROLE: the committee asks, the
    higher-level union decides); a decided request is not amended (STEP-ORDER)."""
    found_union(world)
    req = request_extension(world, D(2024, 8, 1))
    assert req.procedure_id is not None
    cmd = AmendExtensionRequest(
        union_id="U1", procedure_id=req.procedure_id, reason="x", new_deadline=D(2024, 9, 1), occurred_on=D(2024, 2, 5)
    )
    with pytest.raises(NotAuthorised, match="AUTH-ROLE: only the union's staff"):
        world.run(cmd, approver())
    decide(world, req, D(2024, 2, 10))
    with pytest.raises(StepOutOfOrder):
        amend(world, req.procedure_id, D(2024, 9, 1), on=D(2024, 2, 11))
