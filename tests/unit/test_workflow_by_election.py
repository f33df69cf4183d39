"""The by-election of a departed chair, RULES.md §5 (R-VACANCY), through the service: who holds it
and how it counts (R-QUORUM, R-CHAIR-COMPETITIVE), and how it ends when a re-election or a later
vacancy overtakes it."""

from __future__ import annotations

import pytest

from events.catalogue import (
    ChairVacancyRecorded,
)
from tests.unit.by_election_support import (
    COMMITTEE_QUORUM_4_OF_6,
    consented,
    hold,
    record_vacancy,
    request_by_election,
    vacant_union,
)
from tests.unit.workflow_support import Driver, Scenario, event_types, found_union, given_union
from tests.unit.workflow_world import D, World, staff, unit
from workflow import by_election
from workflow import commands as c
from workflow.errors import InvalidDate, RuleViolation, StepOutOfOrder

# --------------------------------------------------------------------------- R-VACANCY


def _vacancy(world: World, chair_elected_by: str = "committee") -> Driver:
    """U1 (a members' meeting of 80, committee of 7), whose chair leaves on 2024-05-10 (worked
    example 10)."""
    return vacant_union(world, D(2024, 5, 10), chair_elected_by)


def _consented(d: Driver) -> None:
    """Requested on 2024-05-20 for 2024-07-01, 孙 and 李 standing; consented to on 2024-05-25."""
    consented(d, D(2024, 5, 20), D(2024, 7, 1), D(2024, 5, 25))


def test_chair_leaves_by_election_due_in_three_months_r_vacancy_example_10(world: World) -> None:
    """Worked example 10: the chair leaves 2024-05-10; the by-election is due by 2024-08-10."""
    d = _vacancy(world)
    ev = world.stream("U1")[-1].event
    assert isinstance(ev, ChairVacancyRecorded)
    assert (ev.departed_chair, ev.acting_chair, ev.by_election_due) == ("赵", "钱", D(2024, 8, 10))
    assert ev.evidence == [{"rule": "R-VACANCY", "left_on": "2024-05-10", "months": 3, "by_election_due": "2024-08-10"}]
    u = d.union
    assert (u.chair, u.acting_chair) == (None, "钱")
    assert d.state == "vacant"


def test_by_election_with_consent_held_and_approved_replaces_the_chair_r_vacancy(world: World) -> None:
    d = _vacancy(world)
    request_by_election(d, D(2024, 5, 20), D(2024, 7, 1))
    assert d.state == "consent_requested"
    assert d.proc.filed_on == D(2024, 5, 20)
    d.approve(D(2024, 5, 25))
    assert d.state == "consented"
    r = hold(d, D(2024, 7, 1), due=6, present=6, votes={"孙": 5, "李": 1})
    assert d.state == "held"
    assert [e["rule"] for e in r.events[0].event.evidence] == ["R-QUORUM", "R-ELECTED"]  # type: ignore[attr-defined]
    r = d.approve(D(2024, 7, 10))
    assert event_types(r) == ["ByElectionApproved"]
    u = d.union
    assert (u.chair, u.acting_chair) == ("孙", None)
    assert d.state == "filled"


def test_vice_chair_elected_chair_at_a_by_election_leaves_the_vice_chairs_post_r_vacancy(world: World) -> None:
    d = _vacancy(world)
    assert d.union.vice_chairs == ["钱"]
    consented(d, D(2024, 5, 20), D(2024, 7, 1), D(2024, 5, 25), names=("钱", "李"))
    hold(d, D(2024, 7, 1), due=6, present=6, votes={"钱": 5, "李": 1})
    d.approve(D(2024, 7, 10))
    assert (d.union.chair, d.union.vice_chairs) == ("钱", [])


def test_by_election_electing_nobody_is_held_again_r_vacancy(world: World) -> None:
    d = _vacancy(world)
    _consented(d)
    hold(d, D(2024, 7, 1), due=6, present=6, votes={"孙": 3, "李": 3})
    assert d.state == "consented"
    with pytest.raises(RuleViolation, match="R-QUORUM"):
        hold(d, D(2024, 7, 8), due=6, present=3, votes={"孙": 3})
    hold(d, D(2024, 7, 8), due=6, present=6, votes={"孙": 4, "李": 2})
    assert d.state == "held"


def test_by_election_is_held_by_the_committee_that_elected_the_chair_r_vacancy_r_quorum(world: World) -> None:
    """The committee of 7 elected the chair: it holds the by-election, the 6 besides the departed
    chair due to attend (R-VACANCY: the committee without the departed chair): 80 or 7 due is
    refused, 6 accepted."""
    d = _vacancy(world, chair_elected_by="committee")
    assert by_election.electorate(d.union) == (6, "the committee")
    _consented(d)
    before = world.version("U1")
    with pytest.raises(RuleViolation) as err:
        hold(d, D(2024, 7, 1), due=80, present=60, votes={"孙": 50, "李": 10})
    assert err.value.rule_id == "R-QUORUM"
    assert "80 due to attend, but the committee that elected the chair has 6 with a vote" in err.value.message
    with pytest.raises(RuleViolation, match="7 due to attend, but the committee that elected the chair has 6"):
        hold(d, D(2024, 7, 1), due=7, present=7, votes={"孙": 5, "李": 2})
    assert world.version("U1") == before
    r = hold(d, D(2024, 7, 1), due=6, present=4, votes={"孙": 4})
    assert r.events[0].event.evidence[0] == COMMITTEE_QUORUM_4_OF_6  # type: ignore[attr-defined]
    assert d.state == "held"


def test_by_election_of_a_directly_elected_chair_counts_every_member_r_quorum_example_5(world: World) -> None:
    """A chair elected directly by the members' meeting: the by-election is that meeting, every one
    of the 80 members due; worked example 5's numbers then hold: 53 present fails, 54 passes."""
    d = _vacancy(world, chair_elected_by="congress")
    _consented(d)
    with pytest.raises(RuleViolation, match="7 due to attend, but the members' meeting that elected the chair has 80"):
        hold(d, D(2024, 7, 1), due=7, present=7, votes={"孙": 5, "李": 2})
    with pytest.raises(RuleViolation, match="R-QUORUM: 53 of 80 present"):
        hold(d, D(2024, 7, 1), due=80, present=53, votes={"孙": 45, "李": 8})
    hold(d, D(2024, 7, 1), due=80, present=54, votes={"孙": 45, "李": 9})
    assert d.state == "held"


def test_by_election_members_meeting_counts_the_members_on_record_now_r_quorum(world: World) -> None:
    """Membership grew to 90 after the congress (unit facts updated): all 90 are due."""
    d = _vacancy(world, chair_elected_by="congress")
    d.send(c.UpdateUnitFacts(union_id="U1", unit=unit(members=90, female_members=12), occurred_on=D(2024, 5, 15)))
    _consented(d)
    with pytest.raises(RuleViolation, match="has 90 with a vote"):
        hold(d, D(2024, 7, 1), due=80, present=60, votes={"孙": 50, "李": 10})
    hold(d, D(2024, 7, 1), due=90, present=60, votes={"孙": 50, "李": 10})
    assert d.state == "held"


def test_enterprise_by_election_needs_two_candidates_r_chair_competitive(world: World) -> None:
    d = _vacancy(world)
    with pytest.raises(RuleViolation, match="R-CHAIR-COMPETITIVE"):
        request_by_election(d, D(2024, 5, 20), D(2024, 7, 1), names=("孙",))


def test_vacancy_refused_when_already_vacant_or_not_founded_r_vacancy(world: World) -> None:
    _vacancy(world)
    with pytest.raises(StepOutOfOrder, match="already vacant"):
        world.run(
            c.RecordChairVacancy(union_id="U1", acting_chair="孙", reason="x", occurred_on=D(2024, 6, 1)), staff("U1")
        )
    given_union(world, "U2")
    with pytest.raises(StepOutOfOrder, match="not founded"):
        world.run(
            c.RecordChairVacancy(union_id="U2", acting_chair="孙", reason="x", occurred_on=D(2024, 6, 1)), staff("U2")
        )


def test_by_election_planned_before_request_refused(world: World) -> None:
    d = _vacancy(world)
    with pytest.raises(InvalidDate, match="DATE-ORDER"):
        request_by_election(d, D(2024, 5, 20), D(2024, 5, 19))


def _by_election_overtaken_by_reelection(world: World, consent: bool = True) -> tuple[Driver, Driver]:
    """U1's chair leaves on 2023-12-01; its by-election is consented to (if `consent`); then the
    re-election with its congress on 2024-02-26 elects 钱 chair. Returns the union's driver and the
    by-election's."""
    d = found_union(world, scenario=Scenario(congress_on=D(2019, 3, 1)))
    by = record_vacancy(d, D(2023, 12, 1))
    if consent:
        consented(by, D(2023, 12, 5), D(2024, 3, 1), D(2023, 12, 10))
    d.s = Scenario(congress_on=D(2024, 2, 26), chair="钱", vice_chairs=("赵",))
    d.reelect(D(2024, 1, 5))
    return d, by


def test_by_election_overtaken_by_reelection_cannot_replace_the_new_chair_r_vacancy(world: World) -> None:
    """The chair leaves; before the by-election is held the union is re-elected with a new chair.
    The by-election was for a vacancy that no longer exists: it may not go on and replace the chair
    the congress elected (R-VACANCY), nor fill a later vacancy that has its own by-election."""
    d, by = _by_election_overtaken_by_reelection(world)
    assert d.union.chair == "钱"
    before = world.version("U1")
    with pytest.raises(StepOutOfOrder) as err:
        hold(by, D(2024, 3, 20), due=7, present=7, votes={"孙": 5, "李": 2})
    assert err.value.rule_id == "R-VACANCY"
    assert world.version("U1") == before
    # the new chair leaves too: only the new by-election may fill that vacancy
    later = record_vacancy(d, D(2024, 4, 1), acting_chair="赵", reason="退休")
    assert later.pid != by.pid
    with pytest.raises(StepOutOfOrder, match="R-VACANCY"):
        hold(by, D(2024, 4, 2), due=7, present=7, votes={"孙": 5, "李": 2})
    assert d.union.chair is None


def test_by_election_cannot_be_withdrawn_while_the_chair_is_vacant_r_vacancy(world: World) -> None:
    """Worked example 10's vacancy: the by-election is due by 2024-08-10 (R-VACANCY), so it may
    not be withdrawn, in any of its open states; nothing is written."""
    d = _vacancy(world)
    for on, advance in ((D(2024, 5, 12), None), (D(2024, 5, 21), "request"), (D(2024, 5, 26), "consent")):
        if advance == "request":
            request_by_election(d, D(2024, 5, 20), D(2024, 7, 1))
        elif advance == "consent":
            d.approve(D(2024, 5, 25))
        before = world.version("U1")
        with pytest.raises(RuleViolation) as err:
            d.withdraw(on)
        assert err.value.rule_id == "R-VACANCY"
        assert "vacant since 2024-05-10" in err.value.message and "due by 2024-08-10" in err.value.message
        assert err.value.evidence["by_election_due"] == "2024-08-10"
        assert world.version("U1") == before
    assert d.state == "consented" and d.union.chair is None


def test_by_election_overtaken_by_reelection_can_be_withdrawn_r_vacancy(world: World) -> None:
    """Once a re-election has installed a chair, the by-election for the old vacancy is moot: it
    can be withdrawn (closed) and changes nothing else; a closed one cannot be withdrawn again."""
    d, by = _by_election_overtaken_by_reelection(world)
    term_before = d.union.term
    r = by.withdraw(D(2024, 3, 20))
    assert event_types(r) == ["ProcedureWithdrawn"]
    assert by.state == "withdrawn"
    assert (d.union.chair, d.union.term) == ("钱", term_before)
    with pytest.raises(StepOutOfOrder) as err:
        by.withdraw(D(2024, 3, 21))
    assert err.value.rule_id == "STEP-ORDER" and "the procedure is closed" in err.value.message


def test_earlier_by_election_withdrawn_while_a_later_vacancy_has_its_own_r_vacancy(world: World) -> None:
    """The chair elected at the re-election leaves too: the later vacancy has its own by-election,
    which may not be withdrawn; the earlier, moot one may."""
    d, old = _by_election_overtaken_by_reelection(world, consent=False)
    new = record_vacancy(d, D(2024, 4, 1), acting_chair="赵", reason="退休")
    with pytest.raises(RuleViolation, match="R-VACANCY"):
        new.withdraw(D(2024, 4, 2))
    old.withdraw(D(2024, 4, 2))
    assert (old.state, new.state) == ("withdrawn", "vacant")
