"""What a union's staff may start now (the staff home's and the union page's "start a procedure"):
the kinds whose opening's own requirements of the union hold (R-FOUNDED, R-REELECTION,
R-EXTENSION, R-EARLY, R-VACANCY, R-DISSOLVE), asked of the same guards the opening runs first."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.unit.workflow_support import found_union, given_union
from tests.unit.workflow_world import World, approver, staff
from workflow import commands as c
from workflow.affordances import openable_kinds
from workflow.errors import DomainError

TERM_KINDS = {"reelection", "extension", "early_reelection", "by_election"}


def test_r_founded_a_union_not_founded_may_start_its_founding_only_once(world: World) -> None:
    d = given_union(world)
    before = set(openable_kinds(world.load("U1"), staff("U1")))
    assert "founding" in before and not before & TERM_KINDS  # no term to renew, extend or fill
    d.found(until="requested")
    assert "founding" not in openable_kinds(world.load("U1"), staff("U1"))  # R-FOUNDED: one under way


def test_r_reelection_a_founded_union_may_renew_extend_or_fill_its_chair(world: World) -> None:
    d = found_union(world)
    kinds = set(openable_kinds(world.load("U1"), staff("U1")))
    assert kinds >= TERM_KINDS and "founding" not in kinds
    d.open_reelection(dt.date(2024, 1, 5), planned=dt.date(2024, 2, 26))
    assert "reelection" not in openable_kinds(world.load("U1"), staff("U1"))  # one under way


def test_r_extension_one_request_waits_at_a_time(world: World) -> None:
    found_union(world)
    union = world.load("U1")
    assert union.term is not None
    world.run(
        c.RequestExtension(
            union_id="U1",
            reason="单位重组",
            new_deadline=union.term.end + dt.timedelta(days=90),
            occurred_on=union.term.end,
        ),
        staff("U1"),
    )
    assert "extension" not in openable_kinds(world.load("U1"), staff("U1"))


def test_only_the_unions_own_staff_are_offered_to_start_anything(world: World) -> None:
    found_union(world)
    given_union(world, "U2")
    union = world.load("U1")
    assert openable_kinds(union, approver()) == []
    assert openable_kinds(union, staff("U2")) == []


@pytest.mark.parametrize("kind", ["founding", "reelection"])
def test_what_is_not_offered_is_what_the_opening_refuses(world: World, kind: str) -> None:
    """The offer and the opening ask the same guard: a kind not offered is refused when tried."""
    d = found_union(world) if kind == "founding" else given_union(world)
    assert kind not in openable_kinds(world.load("U1"), staff("U1"))
    with pytest.raises(DomainError) as refused:
        if kind == "founding":
            d.request(dt.date(2024, 1, 5))
        else:
            d.open_reelection(dt.date(2024, 1, 5), planned=dt.date(2024, 2, 26))
    assert refused.value.rule_id in {"R-FOUNDED", "R-REELECTION"}
