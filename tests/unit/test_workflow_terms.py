"""Terms and re-election, RULES.md §5, through the service: extension (R-EXTENSION), early
re-election (R-EARLY), re-election (R-REELECTION), and the rule profile each procedure pins (the
by-election of a departed chair, R-VACANCY, is in test_workflow_by_election)."""

from __future__ import annotations

import pytest

from events.catalogue import (
    ExtensionApproved,
    FoundingRequested,
    ReelectionOpened,
    ResultsApproved,
)
from tests.unit.workflow_support import COMMITTEE, Scenario, found_union, given_union
from tests.unit.workflow_world import D, World, approver, profile, staff
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
