"""What the by-election tests share (RULES.md §5, R-VACANCY): a founded union whose chair leaves,
and the by-election's request and the higher-level union's consent to it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from tests.unit.workflow_support import Driver, Scenario, found_union
from tests.unit.workflow_world import D, World, ballot, candidates
from workflow import commands as c
from workflow.service import CommandResult

# The list approved by the unit's Party organisation (R-VETTING).
VETTED: dict[str, Any] = {"party_org": "公司党支部", "party_approved": True}

# R-QUORUM's evidence when the committee of 7 elected the chair and 4 of the 6 left on it attend
# (the committee counts without the departed chair, R-VACANCY).
COMMITTEE_QUORUM_4_OF_6: dict[str, Any] = {
    "rule": "R-QUORUM",
    "due": 6,
    "present": 4,
    "needed": 4,
    "electorate": 6,
    "electing_body": "the committee",
}


def record_vacancy(d: Driver, on: dt.date, acting_chair: str = "钱", reason: str = "调离") -> Driver:
    """The chair of `d`'s union leaves on `on`; returns a driver of the by-election that opens."""
    r = d.send(c.RecordChairVacancy(union_id=d.union_id, acting_chair=acting_chair, reason=reason, occurred_on=on))
    assert r.procedure_id is not None
    by = Driver(d.world, d.union_id, d.s, d.parent)
    by.pid = r.procedure_id
    return by


def vacant_union(world: World, left: dt.date, chair_elected_by: str = "committee", **scenario: Any) -> Driver:
    """U1, founded at a members' meeting of 80 on 2022-03-01 with a committee of 7 (赵 chair, 钱
    vice chair, 冯 on the funds review committee), whose chair 赵 leaves on `left` (钱 acting);
    returns the by-election's driver."""
    s = Scenario(congress_on=D(2022, 3, 1), chair_elected_by=chair_elected_by, **scenario)
    return record_vacancy(found_union(world, scenario=s), left)


def request_by_election(
    d: Driver, on: dt.date, planned_on: dt.date, names: Sequence[str] = ("孙", "李"), **given: Any
) -> CommandResult:
    """Request the by-election on `on` for `planned_on`, `names` standing, the list vetted unless
    `given` says otherwise."""
    return d.step(c.RequestByElection, on, candidates=candidates(names), planned_on=planned_on, **(VETTED | given))


def consented(d: Driver, on: dt.date, planned_on: dt.date, approved_on: dt.date, **given: Any) -> None:
    """The by-election requested on `on` and consented to on `approved_on`."""
    request_by_election(d, on, planned_on, **given)
    d.approve(approved_on)


def hold(d: Driver, on: dt.date, *, due: int, present: int, votes: dict[str, int]) -> CommandResult:
    """Hold the by-election on `on`: one seat, a ballot issued to and returned by each of the
    `present`, `votes` the yes votes each candidate won."""
    return d.step(c.HoldByElection, on, due=due, present=present, vote=ballot(1, present, votes))
