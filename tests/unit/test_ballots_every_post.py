"""R-BALLOTS on every elected post and every path: yes votes never exceed the valid ballots, nor
those present. The committee and the funds review committee at the founding and the re-election
congress, the chair and vice-chairs elected by the congress or by the committee, and the chair at
a by-election. Each test is given-when-then at the boundary: exactly those present (or exactly the
valid ballots) passes, one more is refused naming the numbers, and nothing is written."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from events.catalogue import BallotCount, ChairElected
from tests.unit.workflow_support import Driver, Scenario, evidence_of, found_union
from tests.unit.workflow_world import D, World, ballot, candidates
from workflow import commands as c
from workflow.errors import RuleViolation


def _vote(seats: int, present: int, tallies: dict[str, int], invalid: int = 0) -> BallotCount:
    """A round where every voter present returned a ballot, `invalid` of them invalid."""
    return BallotCount(
        seats=seats, ballots_issued=present, ballots_returned=present, invalid_ballots=invalid, tallies=tallies
    )


def _refused(world: World, send: Any, rule: str = "R-BALLOTS") -> RuleViolation:
    """`send()` is refused with `rule` and writes nothing."""
    before = world.version("U1")
    with pytest.raises(RuleViolation) as refused:
        send()
    assert refused.value.rule_id == rule
    assert world.version("U1") == before
    return refused.value


def _at_congress(world: World, path: str) -> Driver:
    """U1 ready to hold its electing congress: its founding's (2019-03-01), or its re-election's
    (2024-02-26) after a founding."""
    d = found_union(world, until="candidates_approved" if path == "founding" else "founded")
    if path == "reelection":
        d.s = Scenario(congress_on=D(2024, 2, 26))
        d.reelect(D(2024, 1, 5), until="candidates_approved")
    return d


# --------------------------------------------------------------------------- the congress's bodies


@pytest.mark.parametrize("path", ["founding", "reelection"])
@pytest.mark.parametrize("body", ["committee", "funds"])
def test_congress_yes_equal_to_those_present_passes_one_more_is_refused_r_ballots(
    world: World, path: str, body: str
) -> None:
    """Given 54 of 80 present, when a committee (or funds review) candidate has 55 yes votes, then
    R-BALLOTS refuses the round; exactly 54 (every ballot) is counted."""
    d = _at_congress(world, path)
    seats, names = (7, d.s.committee) if body == "committee" else (3, d.s.funds)
    tallies = dict.fromkeys(names[:seats], 50)
    err = _refused(world, lambda: d.congress(present=54, **{body: _vote(seats, 54, tallies | {names[0]: 55})}))
    assert "55 votes but there are 54 valid ballots" in err.message
    r = d.congress(present=54, **{body: _vote(seats, 54, tallies | {names[0]: 54})})
    assert d.state == "congress_held"
    [counted] = [
        e
        for e in r.events[0].event.evidence
        if e.get("body") == ("committee" if body == "committee" else "funds_review")
    ]  # type: ignore[attr-defined]
    assert counted["tallies"][names[0]] == 54 and counted["valid_ballots"] == 54


@pytest.mark.parametrize("path", ["founding", "reelection"])
def test_congress_yes_equal_to_the_valid_ballots_passes_one_more_is_refused_r_ballots(world: World, path: str) -> None:
    """Given 54 present and 4 invalid ballots (50 valid), when a candidate has 51 yes votes, then
    R-BALLOTS refuses the round, though 51 ≤ 54 present; exactly 50 is counted."""
    d = _at_congress(world, path)
    tallies = dict.fromkeys(d.s.committee[:7], 45)
    err = _refused(world, lambda: d.congress(present=54, committee=_vote(7, 54, tallies | {"赵": 51}, invalid=4)))
    assert "51 votes but there are 50 valid ballots" in err.message
    assert (err.evidence["valid_ballots"], err.evidence["invalid_ballots"]) == (50, 4)
    d.congress(present=54, committee=_vote(7, 54, tallies | {"赵": 50}, invalid=4))
    assert d.state == "congress_held"


def test_runoff_yes_equal_to_those_present_passes_one_more_is_refused_r_ballots(world: World) -> None:
    """The runoff that fills a seat left open (R-SHORTFALL) is a round like any: 60 present, 61
    yes refused, 60 counted."""
    d = found_union(world, until="candidates_approved")
    d.congress(present=60, committee={n: (60 if i < 6 else 30) for i, n in enumerate(d.s.committee)})
    assert d.state == "runoff_needed"
    _refused(world, lambda: d.runoff("committee", {"郑": 61, "王": 0}, seats=1, present=60))
    d.runoff("committee", {"郑": 60, "王": 0}, seats=1, present=60)
    assert d.state == "congress_held"


# --------------------------------------------------------------------------- the chair and vice-chairs


@pytest.mark.parametrize("path", ["founding", "reelection"])
@pytest.mark.parametrize("post", ["chair", "vice_chair"])
def test_congress_elected_officer_yes_above_those_present_at_the_congress_refused_r_ballots(
    world: World, path: str, post: str
) -> None:
    """Given a congress with 54 of 80 present that elects the chair and vice-chair directly, when
    the chair (or the vice-chair) is recorded with 55 yes votes, then R-BALLOTS refuses it, though
    55 is a majority of those due; 54 passes, and the event records the 54 present it was checked
    against."""
    d = _at_congress(world, path)
    d.congress(present=54)
    votes = {"chair": {"yes": 55}, "vice_chair": {"vice_chair_yes": {"钱": 55}}}[post]
    err = _refused(world, lambda: d.elect_chair(**votes))
    assert "has 55 yes votes but only 54 voters present" in err.message
    assert err.evidence == {
        "rule": "R-BALLOTS",
        "body": "the congress",
        "due": 80,
        "present": 54,
        "valid_ballots": None,
    }
    r = d.elect_chair(yes=54, vice_chair_yes={"钱": 54})
    event = r.events[0].event
    assert isinstance(event, ChairElected) and (event.present, event.yes, event.vice_chair_yes) == (54, 54, {"钱": 54})
    assert evidence_of(r, "R-BALLOTS")[0]["present"] == 54


@pytest.mark.parametrize("post", ["chair", "vice_chair"])
def test_congress_elected_officer_yes_above_the_valid_ballots_refused_r_ballots(world: World, post: str) -> None:
    """Given 54 present at the congress and 50 valid ballots in the chair's vote, when the chair (or
    the vice-chair) has 51 yes votes, then R-BALLOTS refuses it; 50 passes. More valid ballots than
    voters present (55 of 54) is refused too."""
    d = found_union(world, until="congress_held")
    votes = {"chair": {"yes": 51}, "vice_chair": {"vice_chair_yes": {"钱": 51}}}[post]
    err = _refused(world, lambda: d.elect_chair(valid_ballots=50, **votes))
    assert "has 51 yes votes but 50 valid ballots" in err.message
    err = _refused(world, lambda: d.elect_chair(valid_ballots=55))
    assert "55 valid ballots but only 54 voters present" in err.message
    d.elect_chair(valid_ballots=50, yes=50, vice_chair_yes={"钱": 50})
    assert d.state == "chair_elected"


@pytest.mark.parametrize("post", ["chair", "vice_chair"])
def test_committee_elected_officer_yes_above_those_present_at_its_meeting_refused_r_ballots(
    world: World, post: str
) -> None:
    """Given a chair elected by the committee of 7 at its first meeting with 6 present, when the
    chair (or the vice-chair) has 7 yes votes, then R-BALLOTS refuses it; 6 passes. More present
    than the committee's 7 is refused."""
    d = found_union(world, scenario=Scenario(chair_elected_by="committee"), until="congress_held")
    votes = {"chair": {"yes": 7, "vice_chair_yes": {"钱": 6}}, "vice_chair": {"yes": 6, "vice_chair_yes": {"钱": 7}}}
    err = _refused(world, lambda: d.elect_chair(due=7, present=6, **votes[post]))
    assert "has 7 yes votes but only 6 voters present" in err.message
    assert err.evidence["body"] == "the committee"
    err = _refused(world, lambda: d.elect_chair(due=7, present=8, yes=6, vice_chair_yes={"钱": 6}))
    assert "8 present but only 7 have a vote" in err.message
    r = d.elect_chair(due=7, present=6, yes=6, vice_chair_yes={"钱": 6})
    assert evidence_of(r, "R-BALLOTS") == [
        {"rule": "R-BALLOTS", "body": "the committee", "due": 7, "present": 6, "valid_ballots": None}
    ]


@pytest.mark.parametrize("post", ["chair", "vice_chair"])
def test_committee_elected_officer_yes_above_the_valid_ballots_refused_r_ballots(world: World, post: str) -> None:
    """Given the committee's 7 present and 5 valid ballots, when the chair (or the vice-chair) has
    6 yes votes, then R-BALLOTS refuses it; 5 passes."""
    d = found_union(world, scenario=Scenario(chair_elected_by="committee"), until="congress_held")
    votes = {"chair": {"yes": 6, "vice_chair_yes": {"钱": 5}}, "vice_chair": {"yes": 5, "vice_chair_yes": {"钱": 6}}}
    err = _refused(world, lambda: d.elect_chair(due=7, present=7, valid_ballots=5, **votes[post]))
    assert "has 6 yes votes but 5 valid ballots" in err.message
    d.elect_chair(due=7, present=7, valid_ballots=5, yes=5, vice_chair_yes={"钱": 5})
    assert d.state == "chair_elected"


# --------------------------------------------------------------------------- the by-election


def _by_election(world: World, chair_elected_by: str) -> Driver:
    """U1 (members' meeting of 80, committee of 7) whose chair left on 2024-06-20, with a
    by-election of 孙 or 李 consented for 2024-07-09."""
    d = found_union(world, scenario=Scenario(congress_on=D(2022, 3, 1), chair_elected_by=chair_elected_by))
    r = d.send(c.RecordChairVacancy(union_id="U1", acting_chair="钱", reason="调离", occurred_on=D(2024, 6, 20)))
    assert r.procedure_id is not None
    d.pid = r.procedure_id
    vetted = {"party_org": "公司党支部", "party_approved": True, "posted_on": D(2024, 7, 1)}
    d.step(c.RequestByElection, D(2024, 7, 1), candidates=candidates(["孙", "李"]), planned_on=D(2024, 7, 9), **vetted)
    d.approve(D(2024, 7, 2))
    return d


@pytest.mark.parametrize(("by", "due", "present"), [("committee", 6, 5), ("congress", 80, 60)])
def test_by_election_yes_equal_to_those_present_passes_one_more_is_refused_r_ballots(
    world: World, by: str, due: int, present: int
) -> None:
    """Given the body that elects (the committee without the departed chair, or the members'
    meeting), when 孙 has one yes vote more than those present, then R-BALLOTS refuses the
    by-election; exactly those present elect 孙."""
    d = _by_election(world, by)
    on: dt.date = D(2024, 7, 9)
    hold = lambda yes: d.step(c.HoldByElection, on, due=due, present=present, vote=ballot(1, present, {"孙": yes}))  # noqa: E731
    err = _refused(world, lambda: hold(present + 1))
    assert f"{present + 1} votes but there are {present} valid ballots" in err.message
    hold(present)
    assert (d.state, d.proc.elected) == ("held", "孙")


@pytest.mark.parametrize(("by", "due", "present"), [("committee", 6, 6), ("congress", 80, 60)])
def test_by_election_yes_equal_to_the_valid_ballots_passes_one_more_is_refused_r_ballots(
    world: World, by: str, due: int, present: int
) -> None:
    """Given one invalid ballot among those present, when 孙 has as many yes votes as present (one
    more than the valid ballots), then R-BALLOTS refuses it; the valid ballots exactly elect 孙."""
    d = _by_election(world, by)
    hold = lambda yes: d.step(  # noqa: E731
        c.HoldByElection, D(2024, 7, 9), due=due, present=present, vote=_vote(1, present, {"孙": yes}, invalid=1)
    )
    err = _refused(world, lambda: hold(present))
    assert f"{present} votes but there are {present - 1} valid ballots" in err.message
    hold(present - 1)
    assert (d.state, d.proc.elected) == ("held", "孙")
