"""The yearly congress counts those due from the record (R-ANNUAL, R-QUORUM), and every elected post
has its votes checked: the vice-chairs as the chair (R-ELECTED), no tally above the valid ballots
(R-BALLOTS)."""

from __future__ import annotations

import pytest

from events.catalogue import AnnualCongressHeld
from tests.unit.test_workflow_registry import import_term
from tests.unit.workflow_support import COMMITTEE, Scenario, evidence_of, found_union, given_union
from tests.unit.workflow_world import D, World, ballot, staff, unit
from workflow import commands as c
from workflow.errors import RuleViolation

# --------------------------------------------------------------------------- R-ANNUAL


def congress(world: World, on: D, present: int, due: int | None = None, union: str = "U1") -> object:
    cmd = c.RecordCongress(union_id=union, due=due, present=present, agenda="工会工作报告", occurred_on=on)
    return world.run(cmd, staff(union))


def test_r_annual_due_is_the_members_on_record_when_not_given(world: World) -> None:
    found_union(world)  # a members' meeting of 80
    result = congress(world, D(2020, 2, 20), present=54)
    event = result.events[0].event  # type: ignore[attr-defined]
    assert isinstance(event, AnnualCongressHeld)
    assert (event.due, event.present, event.quorate) == (80, 54, True)


def test_r_annual_a_due_that_differs_from_the_record_is_refused_naming_both(world: World) -> None:
    found_union(world)
    version = world.version("U1")
    with pytest.raises(RuleViolation) as refused:
        congress(world, D(2020, 2, 20), present=40, due=60)
    assert refused.value.rule_id == "R-ANNUAL"
    assert "60" in refused.value.message and "80" in refused.value.message
    assert refused.value.evidence == {
        "rule": "R-ANNUAL",
        "due": 60,
        "electorate": 80,
        "electing_body": "the members' meeting",
    }
    assert world.version("U1") == version
    congress(world, D(2020, 2, 20), present=54, due=80)  # the number on record is accepted


def test_r_annual_members_counted_as_they_stand_after_unit_facts_change(world: World) -> None:
    found_union(world)
    world.run(c.UpdateUnitFacts(union_id="U1", unit=unit(members=90), occurred_on=D(2020, 1, 10)), staff("U1"))
    with pytest.raises(RuleViolation) as refused:
        congress(world, D(2020, 2, 20), present=60, due=80)
    assert refused.value.rule_id == "R-ANNUAL"
    result = congress(world, D(2020, 2, 20), present=60)
    assert evidence_of(result, "R-QUORUM") == [{"rule": "R-QUORUM", "due": 90, "present": 60, "needed": 60}]  # type: ignore[arg-type]


def test_r_quorum_exactly_two_thirds_passes_one_fewer_fails_and_is_not_recorded(world: World) -> None:
    found_union(world)
    world.run(c.UpdateUnitFacts(union_id="U1", unit=unit(members=60), occurred_on=D(2020, 1, 10)), staff("U1"))
    version = world.version("U1")
    with pytest.raises(RuleViolation) as refused:
        congress(world, D(2020, 2, 20), present=39)
    assert refused.value.rule_id == "R-QUORUM"
    assert world.version("U1") == version
    assert world.load("U1").last_congress_on == D(2019, 3, 1)  # the founding congress still
    congress(world, D(2020, 2, 20), present=40)  # 3 × 40 = 2 × 60
    assert world.load("U1").last_congress_on == D(2020, 2, 20)


def test_r_annual_representative_congress_counts_the_terms_representatives(world: World) -> None:
    s = Scenario(members=300, congress_type="representative_congress", seats=9, representatives=60)
    s.committee = (*COMMITTEE, "冯二", "陈二")
    s.chairs = COMMITTEE[:2]
    found_union(world, scenario=s)
    with pytest.raises(RuleViolation) as refused:
        congress(world, D(2020, 2, 20), present=200, due=300)
    assert refused.value.rule_id == "R-ANNUAL" and refused.value.evidence["electorate"] == 60
    result = congress(world, D(2020, 2, 20), present=40)
    assert evidence_of(result, "R-QUORUM") == [{"rule": "R-QUORUM", "due": 60, "present": 40, "needed": 40}]  # type: ignore[arg-type]


def test_r_annual_an_imported_term_takes_the_due_given_and_needs_one(world: World) -> None:
    given_union(world)
    import_term(world)
    with pytest.raises(RuleViolation) as refused:
        congress(world, D(2023, 6, 20), present=54)
    assert refused.value.rule_id == "R-ANNUAL"
    result = congress(world, D(2023, 6, 20), present=54, due=80)
    assert evidence_of(result, "R-QUORUM")[0]["due"] == 80  # type: ignore[arg-type]


# --------------------------------------------------------------------------- R-ELECTED for vice-chairs


def test_r_elected_vice_chair_with_exactly_half_of_due_fails_one_more_passes(world: World) -> None:
    d = found_union(world, until="congress_held")  # the congress elects the chair; 80 due
    with pytest.raises(RuleViolation) as refused:
        d.elect_chair(due=80, yes=41, vice_chair_yes={"钱": 40})
    assert refused.value.rule_id == "R-ELECTED"
    assert refused.value.evidence == {"rule": "R-ELECTED", "due": 80, "yes": 40, "needed": 41}
    result = d.elect_chair(due=80, yes=41, vice_chair_yes={"钱": 41})
    assert evidence_of(result, "R-ELECTED") == [
        {"rule": "R-ELECTED", "due": 80, "yes": 41, "needed": 41, "elected_by": "congress"},
        {"rule": "R-ELECTED", "due": 80, "yes": 41, "needed": 41, "vice_chair": "钱", "elected_by": "congress"},
    ]
    assert result.events[0].event.vice_chair_yes == {"钱": 41}  # type: ignore[attr-defined]


def test_r_elected_every_vice_chair_has_its_votes_recorded(world: World) -> None:
    d = found_union(world, until="congress_held")
    with pytest.raises(RuleViolation) as missing:
        d.elect_chair(vice_chair_yes={})
    assert missing.value.rule_id == "R-ELECTED" and missing.value.evidence["missing"] == ["钱"]
    with pytest.raises(RuleViolation) as extra:
        d.elect_chair(vice_chair_yes={"钱": 41, "孙": 41})
    assert extra.value.rule_id == "R-ELECTED" and extra.value.evidence["not_vice_chairs"] == ["孙"]


def test_r_elected_vice_chair_yes_never_exceeds_those_due(world: World) -> None:
    d = found_union(world, scenario=Scenario(chair_elected_by="committee"), until="congress_held")
    with pytest.raises(RuleViolation) as refused:
        d.elect_chair(due=7, yes=4, vice_chair_yes={"钱": 8})
    assert refused.value.rule_id == "R-ELECTED" and "8 yes votes but only 7" in refused.value.message
    d.elect_chair(due=7, yes=4, vice_chair_yes={"钱": 4})


def test_an_old_chair_elected_event_without_vice_chair_votes_still_reads() -> None:
    from events.flows.election import ChairElected

    old = {"procedure_id": "P1", "chair": "赵", "vice_chairs": ["钱"], "by": "congress", "due": 80, "yes": 41}
    assert ChairElected.model_validate(old).vice_chair_yes == {}
    assert AnnualCongressHeld.model_validate({"org_id": "U1", "due": 80, "present": 54, "agenda": "x"}).quorate


# --------------------------------------------------------------------------- R-BALLOTS


def test_r_ballots_a_tally_above_the_valid_ballots_is_refused(world: World) -> None:
    d = found_union(world, until="candidates_approved")
    present = d.present
    tallies = dict.fromkeys(d.s.committee, present - 1)
    committee = ballot(d.s.seats, present, tallies | {d.s.committee[0]: present + 1})
    with pytest.raises(RuleViolation) as refused:
        d.congress(committee=committee)
    assert refused.value.rule_id == "R-BALLOTS" and "valid ballots" in refused.value.message
