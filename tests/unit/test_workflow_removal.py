"""R-REMOVAL (Law §18): a chair removed by the congress (罢免) leaves a vacancy (R-VACANCY) only when
more than half of **all** members or representatives voted yes, not of those present. The vote is
given with the vacancy; its total must be everyone with a vote at the union's congress this term:
the members on record for a members' meeting, the representatives of a representative congress.
A vice-chair's removal (RemoveViceChair) is held to the same vote."""

from __future__ import annotations

from typing import Any

import pytest

from events.catalogue import CATALOGUE, ChairVacancyRecorded, RemovalVote, ViceChairRemoved
from tests.unit.workflow_support import Driver, Scenario, found_union, given_union
from tests.unit.workflow_world import D, World, auditor
from workflow import commands as c
from workflow.errors import InvalidDate, NotAuthorised, RuleViolation, StepOutOfOrder

REMOVED_ON = D(2024, 5, 10)


def _founded(world: World, **scenario: Any) -> Driver:
    return found_union(world, scenario=Scenario(congress_on=D(2022, 3, 1), **scenario))


def _remove(d: Driver, total: int, yes: int) -> Any:
    return d.send(
        c.RecordChairVacancy(
            union_id="U1",
            acting_chair="钱",
            reason="会员大会罢免",
            removal=RemovalVote(total=total, yes=yes),
            occurred_on=REMOVED_ON,
        )
    )


def test_removal_by_more_than_half_of_all_80_members_passes_and_is_recorded(world: World) -> None:
    d = _founded(world)
    result = _remove(d, total=80, yes=41)
    event = result.events[0].event
    assert isinstance(event, ChairVacancyRecorded)
    assert event.removal == RemovalVote(total=80, yes=41)
    assert event.evidence[1] == {
        "rule": "R-REMOVAL",
        "total": 80,
        "yes": 41,
        "needed": 41,
        "congress": "the members' meeting",
    }
    assert (d.union.chair, d.union.acting_chair) == (None, "钱")


def test_removal_by_exactly_half_of_all_members_is_refused_and_nothing_written(world: World) -> None:
    """40 of 80 is not more than half, even if all 54 present voted and 40 of them said yes."""
    d = _founded(world)
    before = world.version("U1")
    refusal = r"R-REMOVAL: 40 yes of all 80 members or representatives; more than half \(41\)"
    with pytest.raises(RuleViolation, match=refusal):
        _remove(d, total=80, yes=40)
    assert world.version("U1") == before
    assert d.union.chair == "赵"


def test_removal_counted_against_those_present_is_refused(world: World) -> None:
    """A majority of the 54 present (28) is not a majority of all 80 members."""
    d = _founded(world)
    with pytest.raises(
        RuleViolation, match="R-REMOVAL: the removal vote counted 54 with a vote, but the members' meeting has 80"
    ) as refused:
        _remove(d, total=54, yes=28)
    assert refused.value.evidence["electorate"] == 80


def test_removal_at_a_representative_congress_counts_all_representatives(world: World) -> None:
    d = _founded(world, members=600, congress_type="representative_congress", representatives=90)
    with pytest.raises(RuleViolation, match="counted 600 with a vote, but the representatives' congress has 90"):
        _remove(d, total=600, yes=301)
    with pytest.raises(RuleViolation, match=r"45 yes of all 90 .* more than half \(46\)"):
        _remove(d, total=90, yes=45)
    event = _remove(d, total=90, yes=46).events[0].event
    assert event.evidence[1]["congress"] == "the representatives' congress"


def test_a_vacancy_without_a_removal_vote_checks_no_removal() -> None:
    """Vacancies recorded before the removal vote existed read back without one."""
    payload = (
        '{"procedure_id":"U1:by-election-1","evidence":[],"profile_name":"national","profile_version":1,'
        '"profile":{},"departed_chair":"赵","acting_chair":"钱","reason":"调离","by_election_due":"2024-08-10"}'
    )
    event = CATALOGUE.decode("ChairVacancyRecorded", 1, payload)
    assert isinstance(event, ChairVacancyRecorded)
    assert event.removal is None


# --------------------------------------------------------------------------- vice-chairs


def _remove_vice(d: Driver, total: int, yes: int, vice_chair: str = "钱", **kw: Any) -> Any:
    return d.send(
        c.RemoveViceChair(
            union_id="U1",
            vice_chair=vice_chair,
            removal=RemovalVote(total=total, yes=yes),
            reason="会员大会罢免",
            occurred_on=kw.pop("occurred_on", REMOVED_ON),
        ),
        **kw,
    )


def test_vice_chair_removed_by_41_of_all_80_members(world: World) -> None:
    d = _founded(world, vice_chairs=("钱", "孙"))
    committee = list(d.union.committee)
    event = _remove_vice(d, total=80, yes=41).events[0].event
    assert isinstance(event, ViceChairRemoved)
    assert (event.vice_chair, event.removal) == ("钱", RemovalVote(total=80, yes=41))
    assert event.evidence == [
        {
            "rule": "R-REMOVAL",
            "total": 80,
            "yes": 41,
            "needed": 41,
            "congress": "the members' meeting",
            "vice_chair": "钱",
        }
    ]
    # Removed from the post only: the chair and the committee stay as elected.
    assert (d.union.vice_chairs, d.union.chair, d.union.committee) == (["孙"], "赵", committee)


def test_vice_chair_removal_by_exactly_half_of_all_members_refused_nothing_written(world: World) -> None:
    d = _founded(world)
    before = world.version("U1")
    with pytest.raises(RuleViolation, match=r"R-REMOVAL: 40 yes of all 80 members or representatives; more than half"):
        _remove_vice(d, total=80, yes=40)
    assert world.version("U1") == before
    assert d.union.vice_chairs == ["钱"]


def test_vice_chair_removal_counted_against_those_present_refused(world: World) -> None:
    d = _founded(world)
    with pytest.raises(RuleViolation, match="counted 54 with a vote, but the members' meeting has 80"):
        _remove_vice(d, total=54, yes=28)


def test_vice_chair_removal_at_a_representative_congress(world: World) -> None:
    d = _founded(world, members=600, congress_type="representative_congress", representatives=90)
    with pytest.raises(RuleViolation, match=r"45 yes of all 90 .* more than half \(46\)"):
        _remove_vice(d, total=90, yes=45)
    assert _remove_vice(d, total=90, yes=46).events[0].event.evidence[0]["congress"] == "the representatives' congress"


def test_only_a_vice_chair_in_office_can_be_removed(world: World) -> None:
    d = _founded(world)
    with pytest.raises(RuleViolation, match=r"R-REMOVAL: 赵 is not a vice-chair of U1 \(vice-chairs: 钱\)") as err:
        _remove_vice(d, total=80, yes=60, vice_chair="赵")
    assert err.value.evidence["vice_chairs"] == ["钱"]
    _remove_vice(d, total=80, yes=60)
    with pytest.raises(RuleViolation, match=r"钱 is not a vice-chair of U1 \(vice-chairs: none\)"):
        _remove_vice(d, total=80, yes=60)


def test_no_vice_chair_to_remove_before_the_union_is_founded(world: World) -> None:
    d = given_union(world, "U1")
    with pytest.raises(StepOutOfOrder) as err:
        _remove_vice(d, total=80, yes=60)
    assert err.value.rule_id == "R-REMOVAL"


def test_vice_chair_removal_is_the_unions_own_act(world: World) -> None:
    d = _founded(world)
    with pytest.raises(NotAuthorised):
        _remove_vice(d, total=80, yes=60, actor=auditor())
    with pytest.raises(InvalidDate) as err:
        _remove_vice(d, total=80, yes=60, occurred_on=D(2021, 1, 1))
    assert err.value.rule_id == "DATE-ORDER"
