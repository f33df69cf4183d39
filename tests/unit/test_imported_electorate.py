"""An imported union's by-election (R-VACANCY, R-QUORUM, R-ELECTED), removal of a chair or
vice-chair (R-REMOVAL) and yearly congress (R-ANNUAL) are counted against its real electorate
from the imported facts, exactly as for a union founded here: the committee without the departed
chair when the committee elects, else the congress (its members, or its representatives)."""

from __future__ import annotations

from typing import Any

import pytest

from events.catalogue import ChairVacancyRecorded, RemovalVote
from tests.unit.workflow_support import Scenario, evidence_of, given_union
from tests.unit.workflow_world import COUNTY, D, World, admin, approver, ballot, candidates, staff, unit
from workflow import commands as c
from workflow.errors import InvalidDate, RuleViolation, StepOutOfOrder
from workflow.service import CommandResult

IMPORTED_ON = D(2026, 11, 1)
LEFT_ON = D(2026, 11, 2)


def imported(world: World, members: int = 80, **facts: Any) -> None:
    given_union(world, scenario=Scenario(facts=unit(members=members, female_members=12)))
    world.run(
        c.ImportExistingTerm(union_id="U1", term_start=D(2022, 6, 30), term_years=5, occurred_on=IMPORTED_ON, **facts),
        admin(),
    )


def vacancy(world: World, **kw: Any) -> CommandResult:
    return world.run(
        c.RecordChairVacancy(union_id="U1", acting_chair="李强", reason="调离", occurred_on=LEFT_ON, **kw), staff("U1")
    )


def consented(world: World, names: list[str]) -> dict[str, str]:
    """A vacancy whose by-election list (`names`) was posted, vetted and consented to."""
    pid = vacancy(world).procedure_id
    assert pid is not None
    ids = {"union_id": "U1", "procedure_id": pid}
    world.run(
        c.RequestByElection(
            **ids,
            candidates=candidates(names),
            planned_on=D(2026, 11, 20),
            party_org="公司党支部",
            party_approved=True,
            occurred_on=D(2026, 11, 3),
        ),
        staff("U1"),
    )
    world.run(c.ApproveFiling(**ids, document_no="江工发〔2026〕9号", occurred_on=D(2026, 11, 4)), approver())
    return ids


def hold(world: World, ids: dict[str, str], due: int, present: int, tallies: dict[str, int]) -> CommandResult:
    vote = ballot(1, present, tallies)
    return world.run(
        c.HoldByElection(**ids, due=due, present=present, vote=vote, occurred_on=D(2026, 11, 20)), staff("U1")
    )


# --------------------------------------------------------------------------- R-VACANCY by-elections


def test_r_vacancy_the_congress_that_elected_the_chair_holds_the_by_election_with_all_its_members(
    world: World,
) -> None:
    """Worked examples 5 and 6 on an imported members' meeting of 80: `due` is the 80 on record;
    53 present miss the quorum, 54 make it; 40 yes of 80 is not elected."""
    imported(world, congress_type="members_meeting", chair="王芳", chair_elected_by="congress")
    ids = consented(world, ["孙", "李"])
    with pytest.raises(RuleViolation, match="R-QUORUM: 7 due to attend, but the members' meeting that elected"):
        hold(world, ids, 7, 6, {"孙": 5, "李": 1})
    with pytest.raises(RuleViolation, match="R-QUORUM: 53 of 80 present"):
        hold(world, ids, 80, 53, {"孙": 53})
    held = hold(world, ids, 80, 54, {"孙": 40, "李": 14})
    assert held.events[0].event.outcome.elected == []  # type: ignore[attr-defined]
    assert evidence_of(held, "R-QUORUM")[0]["electing_body"] == "the members' meeting"


def test_r_vacancy_the_committee_without_the_departed_chair_elects_by_name(world: World) -> None:
    committee = ["王芳", "李强", "张敏", "刘洋", "陈静"]
    imported(world, committee=committee, chair="王芳", chair_elected_by="committee")
    vacancy_event = vacancy(world).events[0].event
    assert isinstance(vacancy_event, ChairVacancyRecorded) and vacancy_event.departed_chair == "王芳"
    pid = vacancy_event.procedure_id
    with pytest.raises(RuleViolation, match="R-CANDIDATES: chair candidates must stand for the committee") as out:
        world.run(
            c.RequestByElection(
                union_id="U1",
                procedure_id=pid,
                candidates=candidates(["王芳", "张敏"]),
                planned_on=D(2026, 11, 20),
                party_org="公司党支部",
                party_approved=True,
                occurred_on=D(2026, 11, 3),
            ),
            staff("U1"),
        )
    assert out.value.evidence["not_on_committee"] == ["王芳"]


def test_r_vacancy_the_committee_elects_with_four_of_five_due(world: World) -> None:
    imported(world, committee=["王芳", "李强", "张敏", "刘洋", "陈静"], chair="王芳", chair_elected_by="committee")
    ids = consented(world, ["张敏", "刘洋"])
    with pytest.raises(RuleViolation, match="5 due to attend, but the committee that elected the chair has 4"):
        hold(world, ids, 5, 4, {"张敏": 3, "刘洋": 1})
    held = hold(world, ids, 4, 3, {"张敏": 3, "刘洋": 0})  # 3 × 3 ≥ 2 × 4; 2 × 3 > 4
    assert held.events[0].event.outcome.elected == ["张敏"]  # type: ignore[attr-defined]


def test_r_vacancy_a_committee_known_by_its_number_counts_the_departed_chair_as_one_of_them(world: World) -> None:
    imported(world, committee_size=7, chair_elected_by="committee")
    ids = consented(world, ["张敏", "刘洋"])  # no names on record: nobody to check by name
    with pytest.raises(RuleViolation, match="7 due to attend, but the committee that elected the chair has 6"):
        hold(world, ids, 7, 6, {"张敏": 6})
    hold(world, ids, 6, 4, {"张敏": 4})


def test_r_vacancy_recorded_on_an_imported_union_with_no_chair_on_record(world: World) -> None:
    imported(world)
    opened = vacancy(world)
    event = opened.events[0].event
    assert isinstance(event, ChairVacancyRecorded) and event.departed_chair is None
    u = world.load("U1")
    assert (u.chair, u.acting_chair) == (None, "李强")
    with pytest.raises(StepOutOfOrder, match="R-VACANCY: the chair of U1 is already vacant"):
        vacancy(world)


# --------------------------------------------------------------------------- R-REMOVAL


def test_r_removal_of_an_imported_chair_counts_all_representatives(world: World) -> None:
    imported(world, members=600, congress_type="representative_congress", representatives=60, chair="王芳")
    removal = lambda total, yes: vacancy(world, removal=RemovalVote(total=total, yes=yes))  # noqa: E731
    with pytest.raises(RuleViolation, match="counted 600 with a vote, but the representatives' congress has 60"):
        removal(600, 301)
    with pytest.raises(RuleViolation, match=r"R-REMOVAL: 30 yes of all 60 .* more than half \(31\)"):
        removal(60, 30)
    result = removal(60, 31)
    assert evidence_of(result, "R-REMOVAL")[0]["congress"] == "the representatives' congress"


def test_r_removal_of_an_imported_vice_chair_counts_all_80_members(world: World) -> None:
    imported(
        world, congress_type="members_meeting", committee=["王芳", "李强", "张敏"], chair="王芳", vice_chairs=["李强"]
    )

    def remove(total: int, yes: int) -> CommandResult:
        return world.run(
            c.RemoveViceChair(
                union_id="U1",
                vice_chair="李强",
                removal=RemovalVote(total=total, yes=yes),
                reason="会员大会罢免",
                occurred_on=LEFT_ON,
            ),
            staff("U1"),
        )

    with pytest.raises(RuleViolation, match="counted 54 with a vote, but the members' meeting has 80"):
        remove(54, 41)
    with pytest.raises(RuleViolation, match=r"40 yes of all 80"):
        remove(80, 40)
    remove(80, 41)
    assert world.load("U1").vice_chairs == []


# --------------------------------------------------------------------------- R-ANNUAL


def test_r_annual_those_due_at_an_imported_members_meeting_are_its_members_on_record(world: World) -> None:
    imported(world, congress_type="members_meeting")

    def congress(**kw: Any) -> CommandResult:
        return world.run(c.RecordCongress(union_id="U1", agenda="年度大会", occurred_on=LEFT_ON, **kw), staff("U1"))

    with pytest.raises(RuleViolation, match="R-ANNUAL: 60 due to attend, but the members' meeting has 80"):
        congress(due=60, present=40)
    with pytest.raises(RuleViolation, match="R-QUORUM: 53 of 80 present"):
        congress(present=53)
    result = congress(present=54)
    assert evidence_of(result, "R-QUORUM")[0]["due"] == 80
    # The register gave no last congress: this one is the first known (nothing made up before it).
    assert evidence_of(result, "R-ANNUAL") == [{"rule": "R-ANNUAL", "held_on": "2026-11-02"}]
    assert world.load("U1").last_congress_on == LEFT_ON


def test_r_annual_an_imported_representative_congress_is_due_its_representatives(world: World) -> None:
    imported(
        world, members=600, congress_type="representative_congress", representatives=60, last_congress_on=D(2025, 12, 1)
    )
    result = world.run(
        c.RecordCongress(union_id="U1", present=40, agenda="年度代表大会", occurred_on=LEFT_ON), staff("U1")
    )
    assert evidence_of(result, "R-QUORUM")[0]["due"] == 60
    assert evidence_of(result, "R-ANNUAL")[0]["previous_congress_on"] == "2025-12-01"


# --------------------------------------------------------------------------- DATE-ORDER, before the import


def registered_and_imported_on(world: World, on: D, **facts: Any) -> None:
    """As the registry import does it: the union registered and its term imported the same day."""
    world.run(
        c.RegisterOrganisation(
            org_id="U1", name="U1 工会", level="grassroots", parent_id=COUNTY, unit=unit(members=80), occurred_on=on
        ),
        admin(),
    )
    world.run(
        c.ImportExistingTerm(union_id="U1", term_start=D(2022, 6, 30), term_years=5, occurred_on=on, **facts), admin()
    )


@pytest.mark.parametrize("founded_on", [None, D(2015, 3, 1)])
def test_date_order_an_imported_union_records_facts_from_its_term_start_not_from_the_import(
    world: World, founded_on: D | None
) -> None:
    """Given a union founded long ago (founding date known or not), registered and imported on
    2026-11-01 with a term from 2022-06-30, when the chair left on 2026-10-15 (before the import),
    then the vacancy is recorded; a vacancy dated 2022-06-29, before the chair's term, is refused
    with DATE-ORDER naming the term's start."""
    registered_and_imported_on(world, IMPORTED_ON, chair="王芳", **({"founded_on": founded_on} if founded_on else {}))
    with pytest.raises(InvalidDate, match="DATE-ORDER") as early:
        vacancy_on(world, D(2022, 6, 29))
    assert early.value.evidence["occurred_on"] == "2022-06-29"
    assert "2022-06-30" in early.value.evidence.values()
    assert vacancy_on(world, D(2022, 6, 30)).procedure_id is not None


def test_date_order_a_yearly_congress_before_the_import_is_recorded(world: World) -> None:
    """Given the same union imported on 2026-11-01, its yearly congress of 2026-05-10 (before the
    import, after the term began) is recorded late (补录), as any union's could be."""
    registered_and_imported_on(world, IMPORTED_ON, congress_type="members_meeting")
    held = world.run(
        c.RecordCongress(union_id="U1", present=80, agenda="年度会员大会", occurred_on=D(2026, 5, 10)), staff("U1")
    )
    assert held.events[0].occurred_on == D(2026, 5, 10)


def vacancy_on(world: World, on: D) -> CommandResult:
    return world.run(
        c.RecordChairVacancy(union_id="U1", acting_chair="李强", reason="调离", occurred_on=on), staff("U1")
    )
