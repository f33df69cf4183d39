"""DATE-ORDER, one rule: a fact dated before the last fact it depends on is refused, naming both
dates. A procedure's step is not dated before the procedure's last step; a union's record not
before the facts of the union it depends on (its registration, the current term's start, the
approval that put the term in office, the approval that installed the chair or the vice-chairs).
Each test is given-when-then at the boundary: the day before is refused and writes nothing, the
same day passes.

The union of these tests is worked example 1: founded at a congress on 2019-03-01 whose results
were approved on 2019-03-20 (the term runs from the congress, its officers from the approval)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from events.catalogue import RemovalVote
from tests.unit.workflow_support import Driver, Scenario, found_union, given_union
from tests.unit.workflow_world import TREE_ON, D, World, ballot, candidates, staff, unit
from workflow import commands as c
from workflow.errors import InvalidDate, StepOutOfOrder
from workflow.service import CommandResult

APPROVED = D(2019, 3, 20)  # the founding results' approval: the chair and vice-chairs installed
TERM_START = D(2019, 3, 1)  # the founding congress
DAY = dt.timedelta(days=1)


def _refused(world: World, send: Callable[[], Any], *dates: dt.date, union: str = "U1") -> InvalidDate:
    """`send()` is refused with DATE-ORDER naming `dates`, and writes nothing."""
    before = world.version(union)
    with pytest.raises(InvalidDate) as refused:
        send()
    assert refused.value.rule_id == "DATE-ORDER"
    assert all(str(d) in refused.value.message for d in dates), refused.value.message
    assert world.version(union) == before
    return refused.value


def _vacancy(on: dt.date, **fields: Any) -> c.RecordChairVacancy:
    return c.RecordChairVacancy(union_id="U1", acting_chair="钱", reason="调离", occurred_on=on, **fields)


# --------------------------------------------------------------------------- the chair and vice-chairs


@pytest.mark.parametrize("removal", [None, RemovalVote(total=80, yes=41)], ids=["leaves", "removed"])
def test_vacancy_before_the_approval_that_installed_the_chair_is_refused(
    world: World, removal: RemovalVote | None
) -> None:
    """Given 赵 elected at the congress of 2019-03-01 and installed by the approval of 2019-03-20,
    when the chair's leaving (or removal, R-REMOVAL) is dated 2019-03-19, within the term but
    before the approval, then DATE-ORDER refuses it naming both dates; 2019-03-20 is recorded."""
    d = found_union(world)
    err = _refused(world, lambda: d.send(_vacancy(APPROVED - DAY, removal=removal)), APPROVED - DAY, APPROVED)
    assert "installed the chair" in err.message
    assert err.evidence == {"occurred_on": "2019-03-19", "chair_since": "2019-03-20"}
    d.send(_vacancy(APPROVED, removal=removal))
    assert d.union.chair is None


def test_vacancy_before_the_by_election_that_installed_the_chair_is_refused(world: World) -> None:
    """Given 孙 installed as chair by a by-election approved on 2024-07-20, when 孙's leaving is
    dated 2024-07-19, then DATE-ORDER refuses it; 2024-07-20 is recorded."""
    d = found_union(world, scenario=Scenario(congress_on=D(2022, 3, 1)))
    r = d.send(_vacancy(D(2024, 6, 20)))
    assert r.procedure_id is not None
    d.pid = r.procedure_id
    vetted = {"party_org": "公司党支部", "party_approved": True}
    d.step(c.RequestByElection, D(2024, 7, 1), candidates=candidates(["孙", "李"]), planned_on=D(2024, 7, 9), **vetted)
    d.approve(D(2024, 7, 2))
    d.step(c.HoldByElection, D(2024, 7, 9), due=80, present=60, vote=ballot(1, 60, {"孙": 50, "李": 10}))
    d.approve(D(2024, 7, 20))
    assert d.union.chair == "孙"
    _refused(world, lambda: d.send(_vacancy(D(2024, 7, 19))), D(2024, 7, 19), D(2024, 7, 20))
    d.send(_vacancy(D(2024, 7, 20)))
    assert d.union.chair is None


def test_vice_chair_removal_before_the_approval_that_installed_the_vice_chairs_is_refused(world: World) -> None:
    d = found_union(world)

    def remove(on: dt.date) -> CommandResult:
        removal = RemovalVote(total=80, yes=41)
        return d.send(c.RemoveViceChair(union_id="U1", vice_chair="钱", removal=removal, reason="罢免", occurred_on=on))

    err = _refused(world, lambda: remove(APPROVED - DAY), APPROVED - DAY, APPROVED)
    assert err.evidence == {"occurred_on": "2019-03-19", "vice_chairs_since": "2019-03-20"}
    remove(APPROVED)
    assert d.union.vice_chairs == []


# --------------------------------------------------------------------------- the term


def test_yearly_congress_before_the_terms_start_is_refused(world: World) -> None:
    """A yearly congress (R-ANNUAL) dated the day before the congress that started the term is
    refused naming the term's start; one that day is recorded."""
    d = found_union(world)
    congress = lambda on: d.send(c.RecordCongress(union_id="U1", present=54, agenda="工作报告", occurred_on=on))  # noqa: E731
    err = _refused(world, lambda: congress(TERM_START - DAY), TERM_START - DAY, TERM_START)
    assert err.evidence == {"occurred_on": "2019-02-28", "term_start": "2019-03-01"}
    congress(TERM_START)


@pytest.mark.parametrize("kind", ["extension", "early"])
def test_term_change_request_before_the_term_was_approved_is_refused(world: World, kind: str) -> None:
    """Given a term started by its congress on 2019-03-01 and approved on 2019-03-20, when an
    extension (R-EXTENSION) or early re-election (R-EARLY) request about it is dated 2019-03-19,
    then DATE-ORDER refuses it: the term it is about was not in office yet. 2019-03-20 passes."""
    found_union(world)

    def request(on: dt.date) -> CommandResult:
        cmd: c.Command
        if kind == "extension":
            cmd = c.RequestExtension(union_id="U1", reason="重组", new_deadline=D(2024, 9, 1), occurred_on=on)
        else:
            cmd = c.RequestEarlyReelection(
                union_id="U1", reason="调离", planned_congress_on=D(2020, 6, 1), occurred_on=on
            )
        return world.run(cmd, staff("U1"))

    err = _refused(world, lambda: request(APPROVED - DAY), APPROVED - DAY, APPROVED)
    assert err.evidence == {"occurred_on": "2019-03-19", "term_since": "2019-03-20"}
    _refused(world, lambda: request(TERM_START - DAY), TERM_START - DAY, APPROVED)  # the latest fact is named
    assert request(APPROVED).procedure_id is not None


def test_reelection_opened_before_the_term_was_approved_is_refused_date_order_before_r_early(world: World) -> None:
    """A re-election plan dated before the approval of the term it renews is refused with
    DATE-ORDER; on the approval's day the date is in order, and R-EARLY is what decides."""
    d = found_union(world)
    _refused(world, lambda: d.open_reelection(APPROVED - DAY, planned=D(2019, 6, 1)), APPROVED - DAY, APPROVED)
    with pytest.raises(StepOutOfOrder) as early:
        d.open_reelection(APPROVED, planned=D(2019, 6, 1))
    assert early.value.rule_id == "R-EARLY"


# --------------------------------------------------------------------------- the union's registration


def test_unit_facts_and_founding_request_before_the_unions_registration_are_refused(world: World) -> None:
    """U1 was registered on 2018-01-01 (TREE_ON): its unit's facts or a founding request dated the
    day before are refused naming the registration; that day they are recorded."""
    d = given_union(world)
    facts = lambda on: d.send(c.UpdateUnitFacts(union_id="U1", unit=unit(members=30), occurred_on=on))  # noqa: E731
    err = _refused(world, lambda: facts(TREE_ON - DAY), TREE_ON - DAY, TREE_ON)
    assert err.evidence == {"occurred_on": "2017-12-31", "registered_on": "2018-01-01"}
    facts(TREE_ON)
    _refused(world, lambda: d.request(TREE_ON - DAY), TREE_ON - DAY, TREE_ON)
    d.request(TREE_ON)
    assert d.state == "requested"


# --------------------------------------------------------------------------- a procedure's steps


def _by_election_requested(world: World) -> Driver:
    d = found_union(world, scenario=Scenario(congress_on=D(2022, 3, 1)))
    r = d.send(_vacancy(D(2024, 6, 20)))
    assert r.procedure_id is not None
    d.pid = r.procedure_id
    return d


def test_by_election_step_before_its_request_is_refused(world: World) -> None:
    """Given a by-election requested on 2024-07-01, when its consent is dated 2024-06-30, then
    DATE-ORDER refuses it naming the request's day; the same day passes; the by-election held the
    day before the consent is refused likewise."""
    d = _by_election_requested(world)
    vetted = {"party_org": "公司党支部", "party_approved": True}
    d.step(c.RequestByElection, D(2024, 7, 1), candidates=candidates(["孙", "李"]), planned_on=D(2024, 7, 9), **vetted)
    err = _refused(world, lambda: d.approve(D(2024, 6, 30)), D(2024, 6, 30), D(2024, 7, 1))
    assert err.evidence == {"occurred_on": "2024-06-30", "previous_step_on": "2024-07-01"}
    d.approve(D(2024, 7, 1))
    vote = ballot(1, 60, {"孙": 50, "李": 10})
    hold = lambda on: d.step(c.HoldByElection, on, due=80, present=60, vote=vote)  # noqa: E731
    _refused(world, lambda: hold(D(2024, 6, 30)), D(2024, 6, 30), D(2024, 7, 1))


def test_by_election_planned_before_its_request_names_both_dates(world: World) -> None:
    d = _by_election_requested(world)
    vetted = {"party_org": "公司党支部", "party_approved": True, "posted_on": D(2024, 6, 21)}
    request = lambda planned: d.step(  # noqa: E731
        c.RequestByElection, D(2024, 7, 1), candidates=candidates(["孙", "李"]), planned_on=planned, **vetted
    )
    err = _refused(world, lambda: request(D(2024, 6, 30)), D(2024, 6, 30), D(2024, 7, 1))
    assert err.evidence == {"planned_on": "2024-06-30", "occurred_on": "2024-07-01"}
    request(D(2024, 7, 1))


def test_reelection_congress_planned_before_the_plan_names_both_dates(world: World) -> None:
    d = found_union(world)
    err = _refused(world, lambda: d.open_reelection(D(2024, 1, 5), planned=D(2024, 1, 4)), D(2024, 1, 4), D(2024, 1, 5))
    assert err.evidence == {"planned_congress_on": "2024-01-04", "occurred_on": "2024-01-05"}
