"""Terms and re-election, RULES.md §5, through the service: extension (R-EXTENSION), early
re-election (R-EARLY), by-election of a departed chair (R-VACANCY), re-election (R-REELECTION), and
the rule profile each procedure pins."""

from __future__ import annotations

from typing import Any

import pytest

from events.catalogue import (
    ChairVacancyRecorded,
    ExtensionApproved,
    FoundingRequested,
    ReelectionOpened,
    ResultsApproved,
)
from tests.unit.workflow_support import COMMITTEE, Driver, Scenario, event_types, found_union, given_union
from tests.unit.workflow_world import D, World, approver, ballot, candidates, profile, staff, unit
from workflow import commands as c
from workflow.errors import InvalidDate, RuleViolation, StepOutOfOrder
from workflow.service import CommandResult

TERM_END = D(2024, 3, 1)  # worked example 1: congress 2019-03-01, 5 years


def request_extension(world: World, new_deadline: D, on: D = D(2024, 2, 1), union: str = "U1") -> CommandResult:
    return world.run(
        c.RequestExtension(union_id=union, reason="企业重组，换届推迟", new_deadline=new_deadline, occurred_on=on),
        staff(union),
    )


def request_early(world: World, planned: D, on: D = D(2023, 5, 1), union: str = "U1") -> CommandResult:
    return world.run(
        c.RequestEarlyReelection(union_id=union, reason="主席调离", planned_congress_on=planned, occurred_on=on),
        staff(union),
    )


def decide(world: World, result: CommandResult, on: D, *, approve: bool = True, union: str = "U1") -> CommandResult:
    assert result.procedure_id is not None
    cmd: c.Command
    if approve:
        cmd = c.ApproveFiling(
            union_id=union, procedure_id=result.procedure_id, document_no="江工复〔2024〕2号", occurred_on=on
        )
    else:
        cmd = c.RejectFiling(union_id=union, procedure_id=result.procedure_id, reasons="理由不充分", occurred_on=on)
    return world.run(cmd, approver())


# --------------------------------------------------------------------------- R-EXTENSION


def test_six_month_extension_approved_moves_the_deadline_r_extension_example_2(world: World) -> None:
    """Worked example 2: the term ends 2024-03-01; a 6-month extension to 2024-09-01, once
    approved, makes 2024-09-01 the union's deadline (the term end itself does not move)."""
    found_union(world)
    req = request_extension(world, D(2024, 9, 1))
    assert world.load("U1").term.deadline == TERM_END  # type: ignore[union-attr]
    r = decide(world, req, D(2024, 2, 10))
    ev = r.events[0].event
    assert isinstance(ev, ExtensionApproved)
    assert ev.new_deadline == D(2024, 9, 1)
    assert ev.evidence[0]["latest_allowed"] == "2024-09-01"
    term = world.load("U1").term
    assert term is not None
    assert (term.end, term.deadline, term.extension_procedure) == (TERM_END, D(2024, 9, 1), req.procedure_id)


@pytest.mark.parametrize("new_deadline", [D(2024, 11, 1), D(2024, 9, 2)])
def test_extension_beyond_six_months_refused_r_extension(world: World, new_deadline: D) -> None:
    """Worked example 2: 8 months is refused; so is one day over the 6-month limit."""
    found_union(world)
    before = world.version("U1")
    with pytest.raises(RuleViolation) as err:
        request_extension(world, new_deadline)
    assert err.value.rule_id == "R-EXTENSION"
    assert err.value.evidence["latest_allowed"] == "2024-09-01"
    assert world.version("U1") == before


def test_extension_not_after_term_end_refused_r_extension(world: World) -> None:
    found_union(world)
    with pytest.raises(RuleViolation, match="not after the term end"):
        request_extension(world, TERM_END)


def test_unapproved_extension_changes_nothing_r_extension_example_3(world: World) -> None:
    """Worked example 3: an extension requested but never approved leaves the deadline at the term
    end (the union is overdue from 2024-03-02); a rejected one likewise."""
    found_union(world)
    request_extension(world, D(2024, 9, 1))
    u = world.load("U1")
    assert u.term is not None and u.term.deadline == TERM_END
    assert u.term.extension_procedure is None
    [proc] = u.procedures_of("extension")
    assert (proc.state, proc.filed_on) == ("requested", D(2024, 2, 1))


def test_rejected_extension_changes_nothing_r_extension(world: World) -> None:
    found_union(world)
    req = request_extension(world, D(2024, 9, 1))
    decide(world, req, D(2024, 2, 10), approve=False)
    term = world.load("U1").term
    assert term is not None and term.deadline == TERM_END
    # a rejected request does not use up the term's extension
    request_extension(world, D(2024, 6, 1), on=D(2024, 2, 11))


def test_second_extension_in_the_same_term_refused_r_extension(world: World) -> None:
    found_union(world)
    decide(world, request_extension(world, D(2024, 6, 1)), D(2024, 2, 10))
    with pytest.raises(StepOutOfOrder) as err:
        request_extension(world, D(2024, 9, 1), on=D(2024, 5, 1))
    assert err.value.rule_id == "R-EXTENSION"
    assert err.value.evidence["deadline"] == "2024-06-01"


def test_two_waiting_extension_requests_refused_r_extension(world: World) -> None:
    found_union(world)
    request_extension(world, D(2024, 6, 1))
    with pytest.raises(StepOutOfOrder, match="already has an extension request waiting"):
        request_extension(world, D(2024, 9, 1))


def test_extension_for_an_ended_term_cannot_be_approved_after_reelection(world: World) -> None:
    d = found_union(world)
    req = request_extension(world, D(2024, 9, 1), on=D(2024, 1, 2))
    d.s = Scenario(congress_on=D(2024, 2, 26))
    d.reelect(D(2024, 1, 5))
    with pytest.raises(StepOutOfOrder, match="R-EXTENSION"):
        decide(world, req, D(2024, 3, 20))


# --------------------------------------------------------------------------- R-EARLY


def test_reelection_before_the_reminder_window_refused_without_early_approval_r_early(world: World) -> None:
    """The reminder window opens 2024-01-01 (two months before 2024-03-01): a re-election opened on
    2023-12-31 is early and is refused without an approved early re-election."""
    d = found_union(world)
    with pytest.raises(StepOutOfOrder) as err:
        d.open_reelection(D(2023, 12, 31), planned=D(2024, 2, 1))
    assert err.value.rule_id == "R-EARLY"
    assert err.value.evidence["window_opens"] == "2024-01-01"
    r = d.open_reelection(D(2024, 1, 1), planned=D(2024, 2, 1))
    ev = r.events[0].event
    assert isinstance(ev, ReelectionOpened)
    assert (ev.early, ev.term_end) == (False, TERM_END)


def test_early_reelection_allowed_once_approved_r_early(world: World) -> None:
    d = found_union(world)
    req = request_early(world, D(2023, 9, 1))
    with pytest.raises(StepOutOfOrder):  # requested is not approved
        d.open_reelection(D(2023, 6, 1), planned=D(2023, 9, 1))
    decide(world, req, D(2023, 5, 20))
    r = d.open_reelection(D(2023, 6, 1), planned=D(2023, 9, 1))
    ev = r.events[0].event
    assert isinstance(ev, ReelectionOpened)
    assert ev.early is True
    assert {"rule": "R-EARLY", "approved_by": req.procedure_id} in ev.evidence


def test_early_reelection_rejected_does_not_allow_it_r_early(world: World) -> None:
    d = found_union(world)
    decide(world, request_early(world, D(2023, 9, 1)), D(2023, 5, 20), approve=False)
    with pytest.raises(StepOutOfOrder, match="R-EARLY"):
        d.open_reelection(D(2023, 6, 1), planned=D(2023, 9, 1))


@pytest.mark.parametrize("planned", [TERM_END, D(2024, 3, 5)])
def test_early_request_with_congress_not_before_term_end_refused_r_early(world: World, planned: D) -> None:
    found_union(world)
    with pytest.raises(RuleViolation) as err:
        request_early(world, planned)
    assert err.value.rule_id == "R-EARLY"
    assert err.value.evidence["term_end"] == "2024-03-01"


def test_early_reelection_term_starts_on_the_new_congress_r_early(world: World) -> None:
    d = found_union(world)
    decide(world, request_early(world, D(2023, 9, 1)), D(2023, 5, 20))
    d.s = Scenario(congress_on=D(2023, 9, 1))
    d.reelect(D(2023, 6, 1))
    term = d.union.term
    assert term is not None
    assert (term.number, term.start, term.end) == (2, D(2023, 9, 1), D(2028, 9, 1))
    assert term.early_reelection_procedure is None  # the approval belonged to the previous term


def test_stale_early_reelection_cannot_be_approved_for_the_next_term_r_early(world: World) -> None:
    """An early re-election requested for term 1 and still waiting when term 2 starts is about a
    term that has ended: approving it would let term 2 be re-elected early without the higher-level
    union ever deciding on that (R-EARLY)."""
    d = found_union(world)
    req = request_early(world, D(2023, 12, 1), on=D(2023, 6, 1))
    d.s = Scenario(congress_on=D(2024, 2, 26))
    d.reelect(D(2024, 1, 5))
    before = world.version("U1")
    with pytest.raises(StepOutOfOrder) as err:
        decide(world, req, D(2024, 4, 1))
    assert err.value.rule_id == "R-EARLY"
    assert world.version("U1") == before
    term = world.load("U1").term
    assert term is not None and term.early_reelection_procedure is None
    with pytest.raises(StepOutOfOrder, match="R-EARLY"):
        d.open_reelection(D(2025, 1, 1), planned=D(2025, 3, 1))


# --------------------------------------------------------------------------- R-VACANCY


def _vacancy(world: World, chair_elected_by: str = "committee", **scenario: Any) -> tuple[Driver, CommandResult]:
    """U1 founded at a congress on 2022-03-01 (members' meeting of 80, committee of 7), whose chair
    leaves on 2024-05-10 (worked example 10)."""
    d = found_union(world, scenario=Scenario(congress_on=D(2022, 3, 1), chair_elected_by=chair_elected_by, **scenario))
    r = d.send(c.RecordChairVacancy(union_id="U1", acting_chair="钱", reason="调离", occurred_on=D(2024, 5, 10)))
    assert r.procedure_id is not None
    d.pid = r.procedure_id
    return d, r


def test_chair_leaves_by_election_due_in_three_months_r_vacancy_example_10(world: World) -> None:
    """Worked example 10: the chair leaves 2024-05-10; the by-election is due by 2024-08-10."""
    d, r = _vacancy(world)
    ev = r.events[0].event
    assert isinstance(ev, ChairVacancyRecorded)
    assert (ev.departed_chair, ev.acting_chair, ev.by_election_due) == ("赵", "钱", D(2024, 8, 10))
    assert ev.evidence == [{"rule": "R-VACANCY", "left_on": "2024-05-10", "months": 3, "by_election_due": "2024-08-10"}]
    u = d.union
    assert (u.chair, u.acting_chair) == (None, "钱")
    assert d.state == "vacant"


def test_by_election_with_consent_held_and_approved_replaces_the_chair_r_vacancy(world: World) -> None:
    d, _ = _vacancy(world)
    d.step(c.RequestByElection, D(2024, 5, 20), candidates=candidates(["孙", "李"]), planned_on=D(2024, 7, 1))
    assert d.state == "consent_requested"
    assert d.proc.filed_on == D(2024, 5, 20)
    d.approve(D(2024, 5, 25))
    assert d.state == "consented"
    r = d.step(c.HoldByElection, D(2024, 7, 1), due=7, present=6, vote=ballot(1, 6, {"孙": 5, "李": 1}))
    assert d.state == "held"
    assert [e["rule"] for e in r.events[0].event.evidence] == ["R-QUORUM", "R-ELECTED"]  # type: ignore[attr-defined]
    r = d.approve(D(2024, 7, 10))
    assert event_types(r) == ["ByElectionApproved"]
    u = d.union
    assert (u.chair, u.acting_chair) == ("孙", None)
    assert d.state == "filled"


def test_vice_chair_elected_chair_at_a_by_election_leaves_the_vice_chairs_post_r_vacancy(world: World) -> None:
    d, _ = _vacancy(world)
    assert d.union.vice_chairs == ["钱"]
    d.step(c.RequestByElection, D(2024, 5, 20), candidates=candidates(["钱", "李"]), planned_on=D(2024, 7, 1))
    d.approve(D(2024, 5, 25))
    d.step(c.HoldByElection, D(2024, 7, 1), due=7, present=6, vote=ballot(1, 6, {"钱": 5, "李": 1}))
    d.approve(D(2024, 7, 10))
    assert (d.union.chair, d.union.vice_chairs) == ("钱", [])


def test_by_election_electing_nobody_is_held_again_r_vacancy(world: World) -> None:
    d, _ = _vacancy(world)
    d.step(c.RequestByElection, D(2024, 5, 20), candidates=candidates(["孙", "李"]), planned_on=D(2024, 7, 1))
    d.approve(D(2024, 5, 25))
    d.step(c.HoldByElection, D(2024, 7, 1), due=7, present=6, vote=ballot(1, 6, {"孙": 3, "李": 3}))
    assert d.state == "consented"
    with pytest.raises(RuleViolation, match="R-QUORUM"):
        d.step(c.HoldByElection, D(2024, 7, 8), due=7, present=4, vote=ballot(1, 4, {"孙": 4}))
    d.step(c.HoldByElection, D(2024, 7, 8), due=7, present=7, vote=ballot(1, 7, {"孙": 4, "李": 3}))
    assert d.state == "held"


def _consented(d: Driver) -> None:
    d.step(c.RequestByElection, D(2024, 5, 20), candidates=candidates(["孙", "李"]), planned_on=D(2024, 7, 1))
    d.approve(D(2024, 5, 25))


def test_by_election_is_held_by_the_committee_that_elected_the_chair_r_vacancy_r_quorum(world: World) -> None:
    """The committee of 7 elected the chair: it holds the by-election, all 7 due to attend."""
    d, _ = _vacancy(world, chair_elected_by="committee")
    _consented(d)
    before = world.version("U1")
    with pytest.raises(RuleViolation) as err:
        d.step(c.HoldByElection, D(2024, 7, 1), due=80, present=60, vote=ballot(1, 60, {"孙": 50, "李": 10}))
    assert err.value.rule_id == "R-QUORUM"
    assert "80 due to attend, but the committee that elected the chair has 7 with a vote" in err.value.message
    assert world.version("U1") == before
    r = d.step(c.HoldByElection, D(2024, 7, 1), due=7, present=5, vote=ballot(1, 5, {"孙": 4, "李": 1}))
    assert r.events[0].event.evidence[0] == {  # type: ignore[attr-defined]
        "rule": "R-QUORUM",
        "due": 7,
        "present": 5,
        "needed": 5,
        "electorate": 7,
        "electing_body": "the committee",
    }


def test_by_election_of_a_directly_elected_chair_counts_every_member_r_quorum_example_5(world: World) -> None:
    """A chair elected directly by the members' meeting: the by-election is that meeting, every one
    of the 80 members due; worked example 5's numbers then hold: 53 present fails, 54 passes."""
    d, _ = _vacancy(world, chair_elected_by="congress")
    _consented(d)
    with pytest.raises(RuleViolation, match="7 due to attend, but the members' meeting that elected the chair has 80"):
        d.step(c.HoldByElection, D(2024, 7, 1), due=7, present=7, vote=ballot(1, 7, {"孙": 5, "李": 2}))
    with pytest.raises(RuleViolation, match="R-QUORUM: 53 of 80 present"):
        d.step(c.HoldByElection, D(2024, 7, 1), due=80, present=53, vote=ballot(1, 53, {"孙": 45, "李": 8}))
    d.step(c.HoldByElection, D(2024, 7, 1), due=80, present=54, vote=ballot(1, 54, {"孙": 45, "李": 9}))
    assert d.state == "held"


def test_by_election_members_meeting_counts_the_members_on_record_now_r_quorum(world: World) -> None:
    """Membership grew to 90 after the congress (unit facts updated): all 90 are due."""
    d, _ = _vacancy(world, chair_elected_by="congress")
    d.send(c.UpdateUnitFacts(union_id="U1", unit=unit(members=90, female_members=12), occurred_on=D(2024, 5, 15)))
    _consented(d)
    with pytest.raises(RuleViolation, match="has 90 with a vote"):
        d.step(c.HoldByElection, D(2024, 7, 1), due=80, present=60, vote=ballot(1, 60, {"孙": 50, "李": 10}))
    d.step(c.HoldByElection, D(2024, 7, 1), due=90, present=60, vote=ballot(1, 60, {"孙": 50, "李": 10}))
    assert d.state == "held"


def test_enterprise_by_election_needs_two_candidates_r_chair_competitive(world: World) -> None:
    d, _ = _vacancy(world)
    with pytest.raises(RuleViolation, match="R-CHAIR-COMPETITIVE"):
        d.step(c.RequestByElection, D(2024, 5, 20), candidates=candidates(["孙"]), planned_on=D(2024, 7, 1))


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
    d, _ = _vacancy(world)
    with pytest.raises(InvalidDate, match="DATE-ORDER"):
        d.step(c.RequestByElection, D(2024, 5, 20), candidates=candidates(["孙", "李"]), planned_on=D(2024, 5, 19))


# --------------------------------------------------------------------------- R-REELECTION


def test_full_reelection_starts_term_2_on_the_new_congress_r_reelection(world: World) -> None:
    """R-REELECTION: plan filed and approved, the election steps of founding, results approved: term
    2 starts on the re-election congress (2024-02-26), with the new committee and chair."""
    d = found_union(world)
    founding = d.pid
    d.s = Scenario(congress_on=D(2024, 2, 26), chair="钱", vice_chairs=("赵",), term_years=3)
    r = d.open_reelection(D(2024, 1, 5))
    assert r.events[0].event.evidence[0]["rule"] == "R-ON-TIME"  # type: ignore[attr-defined]
    assert d.proc.filed_on == D(2024, 1, 5)
    d.reelect(D(2024, 1, 5))
    assert d.state == "reelected"
    approved = world.stream("U1")[-1].event
    assert isinstance(approved, ResultsApproved)
    assert (approved.term_start, approved.term_end) == (D(2024, 2, 26), D(2027, 2, 26))
    u = d.union
    assert u.term is not None
    assert (u.term.number, u.term.start, u.term.end, u.term.started_by) == (2, D(2024, 2, 26), D(2027, 2, 26), d.pid)
    assert (u.terms, u.chair, u.vice_chairs) == (2, "钱", ["赵"])
    assert u.founded_on == D(2019, 3, 20)  # founding is unchanged
    assert u.procedures[founding].state == "founded"


def test_reelection_plan_rejected_closes_it(world: World) -> None:
    d = found_union(world)
    d.open_reelection(D(2024, 1, 5), planned=D(2024, 2, 26))
    d.reject(D(2024, 1, 10))
    assert d.state == "plan_rejected"
    with pytest.raises(StepOutOfOrder):
        d.congress_type(D(2024, 1, 20))
    d.open_reelection(D(2024, 1, 11), planned=D(2024, 2, 26))
    assert d.state == "plan_filed"


def test_one_reelection_at_a_time_r_reelection(world: World) -> None:
    d = found_union(world)
    d.open_reelection(D(2024, 1, 5), planned=D(2024, 2, 26))
    with pytest.raises(StepOutOfOrder, match="already has a re-election under way"):
        d.open_reelection(D(2024, 1, 6), planned=D(2024, 2, 26))


def test_reelection_of_an_unfounded_union_refused_r_reelection(world: World) -> None:
    d = given_union(world)
    with pytest.raises(StepOutOfOrder) as err:
        d.open_reelection(D(2024, 1, 5))
    assert err.value.rule_id == "R-REELECTION"


def test_reelection_congress_planned_before_the_plan_refused(world: World) -> None:
    d = found_union(world)
    with pytest.raises(InvalidDate, match="DATE-ORDER"):
        d.open_reelection(D(2024, 1, 5), planned=D(2024, 1, 4))


# --------------------------------------------------------------------------- profile pinning


def test_procedure_keeps_its_pinned_profile_when_a_new_version_is_published(world: World) -> None:
    """A founding opened under ("national", 1) keeps v1's 5 % candidate surplus after ("national", 2)
    with 30 % is published and a new service started: 8 candidates for 7 seats still pass. A
    founding opened after that pins v2 and needs 10."""
    d1 = found_union(world, "U1", until="congress_type_decided")
    world.profiles.register(profile("national", 2, candidate_surplus_rate="0.30"))
    world.svc = world.service()

    d1.propose()
    assert d1.state == "candidates_proposed"
    assert d1.proc.profile.version == 1

    d2 = found_union(world, "U2", until="congress_type_decided")
    opened = world.stream("U2")[1].event
    assert isinstance(opened, FoundingRequested)
    assert (opened.profile_name, opened.profile_version) == ("national", 2)
    with pytest.raises(RuleViolation) as err:
        d2.propose()
    assert err.value.evidence["needed"] == 10
    d2.s.committee = (*COMMITTEE, "冯二", "陈二")
    d2.propose()
    assert d2.state == "candidates_proposed"


def test_term_procedures_use_the_profile_of_the_election_that_started_the_term(world: World) -> None:
    """An extension of a term elected under v1 (6 months) is judged by v1 even after v2 (3 months)
    is published."""
    found_union(world)
    world.profiles.register(profile("national", 2, extension_max_months=3))
    world.svc = world.service()
    r = request_extension(world, D(2024, 9, 1))
    assert r.events[0].event.profile_version == 1  # type: ignore[attr-defined]
    given_union(world, "U2").found()
    # U2's founding pinned v2, so its term's extension is limited to 3 months
    with pytest.raises(RuleViolation, match="R-EXTENSION"):
        request_extension(world, D(2024, 9, 1), union="U2")
    request_extension(world, D(2024, 6, 1), union="U2")


def _by_election_overtaken_by_reelection(world: World) -> tuple[Driver, Driver]:
    """U1's chair leaves on 2023-12-01; its by-election is consented to; then the re-election with
    its congress on 2024-02-26 elects 钱 chair. Returns the union's driver and the by-election's."""
    d = found_union(world, scenario=Scenario(congress_on=D(2019, 3, 1)))
    r = d.send(c.RecordChairVacancy(union_id="U1", acting_chair="钱", reason="调离", occurred_on=D(2023, 12, 1)))
    by = Driver(world, "U1")
    by.pid = r.procedure_id  # type: ignore[assignment]
    by.step(c.RequestByElection, D(2023, 12, 5), candidates=candidates(["孙", "李"]), planned_on=D(2024, 3, 1))
    by.approve(D(2023, 12, 10))
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
        by.step(c.HoldByElection, D(2024, 3, 20), due=7, present=7, vote=ballot(1, 7, {"孙": 5, "李": 2}))
    assert err.value.rule_id == "R-VACANCY"
    assert world.version("U1") == before
    # the new chair leaves too: only the new by-election may fill that vacancy
    r2 = d.send(c.RecordChairVacancy(union_id="U1", acting_chair="赵", reason="退休", occurred_on=D(2024, 4, 1)))
    assert r2.procedure_id != by.pid
    with pytest.raises(StepOutOfOrder, match="R-VACANCY"):
        by.step(c.HoldByElection, D(2024, 4, 2), due=7, present=7, vote=ballot(1, 7, {"孙": 5, "李": 2}))
    assert d.union.chair is None


def test_by_election_cannot_be_withdrawn_while_the_chair_is_vacant_r_vacancy(world: World) -> None:
    """Worked example 10's vacancy: the by-election is due by 2024-08-10 (R-VACANCY), so it may
    not be withdrawn, in any of its open states; nothing is written."""
    d, _ = _vacancy(world)
    for on, advance in ((D(2024, 5, 12), None), (D(2024, 5, 21), "request"), (D(2024, 5, 26), "consent")):
        if advance == "request":
            d.step(c.RequestByElection, D(2024, 5, 20), candidates=candidates(["孙", "李"]), planned_on=D(2024, 7, 1))
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
    d = found_union(world, scenario=Scenario(congress_on=D(2019, 3, 1)))
    r = d.send(c.RecordChairVacancy(union_id="U1", acting_chair="钱", reason="调离", occurred_on=D(2023, 12, 1)))
    old = Driver(world, "U1")
    old.pid = r.procedure_id  # type: ignore[assignment]
    d.s = Scenario(congress_on=D(2024, 2, 26), chair="钱", vice_chairs=("赵",))
    d.reelect(D(2024, 1, 5))
    r2 = d.send(c.RecordChairVacancy(union_id="U1", acting_chair="赵", reason="退休", occurred_on=D(2024, 4, 1)))
    new = Driver(world, "U1")
    new.pid = r2.procedure_id  # type: ignore[assignment]
    with pytest.raises(RuleViolation, match="R-VACANCY"):
        new.withdraw(D(2024, 4, 2))
    old.withdraw(D(2024, 4, 2))
    assert (old.state, new.state) == ("withdrawn", "vacant")
