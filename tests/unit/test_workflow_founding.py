"""Founding (建会) through the service, RULES.md §3: the steps in order, business dates, the
preparatory group, withdrawal, the reply of the higher-level union and the term it starts."""

from __future__ import annotations

import pytest

from events.catalogue import (
    CongressHeld,
    FoundingRequested,
    ResultsApproved,
)
from tests.unit.workflow_support import Driver, Scenario, event_types, evidence_of, found_union, given_union
from tests.unit.workflow_world import COUNTY, DAY, D, World, staff
from workflow import commands as c
from workflow.errors import InvalidDate, NotFound, RuleViolation, StepOutOfOrder


def test_founding_from_request_to_approval_r_founded(world: World) -> None:
    """Given a registered union, when every founding step is taken in order, then the union is
    founded: its first term runs from the congress date with the committee, chair and funds review
    committee the congress elected, and the stream holds one event per step."""
    d = found_union(world)
    u = d.union
    assert d.state == "founded"
    assert u.founded
    assert u.term is not None
    assert (u.term.number, u.term.start, u.term.years, u.term.end) == (1, D(2019, 3, 1), 5, D(2024, 3, 1))
    assert u.term.started_by == d.pid
    assert u.chair == "赵"
    assert u.vice_chairs == ["钱"]
    assert u.committee == ["赵", "钱", "孙", "李", "周", "吴", "郑"]
    assert u.funds_review == ["冯", "陈", "褚"]
    assert u.last_congress_on == D(2019, 3, 1)
    assert [r.event_type for r in world.stream("U1")] == [
        "OrganisationRegistered",
        "FoundingRequested",
        "PreparatoryGroupApproved",
        "MembersRecruited",
        "CongressTypeDecided",
        "CandidatesProposed",
        "CandidatesPosted",
        "CandidatesFiled",
        "CandidatesApproved",
        "CongressHeld",
        "ChairElected",
        "ResultsFiled",
        "ResultsApproved",
    ]
    assert d.proc.history[-3:] == ["chair_elected", "results_filed", "founded"]


def test_legal_person_registration_after_approval(world: World) -> None:
    d = found_union(world)
    d.step(c.RegisterLegalPerson, D(2019, 4, 1), registration_no="工法人 420102-001")
    assert d.state == "registered"
    assert d.union.legal_person_no == "工法人 420102-001"


def test_congress_before_prep_group_approved_is_out_of_order_example_11(world: World) -> None:
    """Worked example 11: recording the congress before the preparatory group is approved is refused
    with a StepOutOfOrder naming the state and the steps allowed now; nothing is written."""
    d = found_union(world, until="requested")
    before = world.version("U1")
    with pytest.raises(StepOutOfOrder) as err:
        d.congress(D(2019, 3, 1), due=80, present=54)
    e = err.value
    assert e.rule_id == "STEP-ORDER"
    assert "'requested'" in e.message
    assert e.evidence["state"] == "requested"
    assert e.evidence["allowed"] == ["approve_prep_group", "reject_request", "withdraw"]
    assert "approve_prep_group" in e.message
    assert world.version("U1") == before


def test_candidates_before_members_recruited_are_out_of_order(world: World) -> None:
    d = found_union(world, until="preparing")
    with pytest.raises(StepOutOfOrder) as err:
        d.propose()
    assert err.value.evidence["state"] == "preparing"
    assert err.value.evidence["allowed"] == ["record_members", "withdraw"]


def test_future_business_date_refused_date_future(world: World) -> None:
    """DATE-FUTURE: a step dated after today (the clock) is refused; today itself is accepted."""
    world.today = D(2019, 1, 20)
    d = given_union(world)
    d.request(D(2019, 1, 5))
    d.approve(D(2019, 1, 10))
    with pytest.raises(InvalidDate) as err:
        d.recruit(D(2019, 1, 21))
    assert err.value.rule_id == "DATE-FUTURE"
    assert err.value.evidence == {"occurred_on": "2019-01-21", "today": "2019-01-20"}
    d.recruit(D(2019, 1, 20))
    assert d.state == "members_recruited"


def test_step_dated_before_previous_step_refused_date_order(world: World) -> None:
    """DATE-ORDER: a step dated before the procedure's previous step is refused; the same day is
    accepted."""
    d = found_union(world, until="preparing")  # approved on 2019-01-10
    before = world.version("U1")
    with pytest.raises(InvalidDate) as err:
        d.recruit(D(2019, 1, 9))
    assert err.value.rule_id == "DATE-ORDER"
    assert err.value.evidence == {"occurred_on": "2019-01-09", "previous_step_on": "2019-01-10"}
    assert world.version("U1") == before
    d.recruit(D(2019, 1, 10))
    assert d.state == "members_recruited"


@pytest.mark.parametrize("size", [2, 8])
def test_prep_group_outside_3_to_7_refused_r_prep_group(world: World, size: int) -> None:
    d = given_union(world)
    with pytest.raises(RuleViolation) as err:
        d.request(prep_group=size)
    assert err.value.rule_id == "R-PREP-GROUP"
    assert err.value.evidence == {"rule": "R-PREP-GROUP", "size": size, "min": 3, "max": 7}
    assert world.load("U1").procedures == {}


@pytest.mark.parametrize("size", [3, 7])
def test_prep_group_of_3_and_7_pass_r_prep_group(world: World, size: int) -> None:
    d = given_union(world)
    r = d.request(prep_group=size)
    assert evidence_of(r, "R-PREP-GROUP") == [{"rule": "R-PREP-GROUP", "size": size, "min": 3, "max": 7}]
    d.approve(d.s.on("preparing"))
    assert d.state == "preparing"


def test_request_pins_the_profile_and_records_the_unit(world: World) -> None:
    d = given_union(world)
    r = d.request()
    ev = r.events[0].event
    assert isinstance(ev, FoundingRequested)
    assert (ev.profile_name, ev.profile_version) == ("national", 1)
    assert ev.profile["candidate_surplus_rate"] == "0.05"
    assert d.proc.filed_on == d.s.on("requested")


def test_second_founding_refused_while_one_is_under_way_r_founded(world: World) -> None:
    d = found_union(world, until="requested")
    with pytest.raises(StepOutOfOrder) as err:
        d.request(D(2019, 1, 6))
    assert err.value.rule_id == "R-FOUNDED"


def test_founding_refused_for_a_county_federation(world: World) -> None:
    """Only a grassroots-level body is founded through this procedure; a county federation is not."""
    with pytest.raises(StepOutOfOrder) as err:
        world.run(
            c.RequestFounding(
                union_id=COUNTY, unit=Scenario().facts, initiators=["x"], prep_group=[], occurred_on=D(2019, 1, 1)
            ),
            staff(COUNTY),
        )
    assert err.value.rule_id == "R-FOUNDED"


def test_joint_grassroots_union_can_be_founded(world: World) -> None:
    """RULES.md §1: a joint grassroots union (联合基层工会) is a grassroots-level body; it is
    founded like a grassroots union."""
    world.add_union("J1", level="joint")
    drv = Driver(world, "J1")
    drv.found()
    assert drv.union.founded


def test_withdrawal_before_approval(world: World) -> None:
    """A founding may be withdrawn at any step before the approval; a new one may then start."""
    d = found_union(world, until="candidates_approved")
    r = d.withdraw(D(2019, 2, 20))
    assert event_types(r) == ["ProcedureWithdrawn"]
    assert d.state == "withdrawn"
    assert not d.union.founded
    first = d.pid
    d.request(D(2019, 2, 21))
    assert d.pid != first
    assert d.state == "requested"


def test_withdrawal_after_approval_refused(world: World) -> None:
    d = found_union(world)
    with pytest.raises(StepOutOfOrder) as err:
        d.withdraw(D(2019, 4, 1))
    assert err.value.evidence["state"] == "founded"


@pytest.mark.parametrize("until", ["preparing", "members_recruited", "candidates_posted", "candidates_approved"])
def test_approve_filing_when_nothing_waits_refused(world: World, until: str) -> None:
    d = found_union(world, until=until)
    before = world.version("U1")
    with pytest.raises(StepOutOfOrder) as err:
        d.approve(d.s.on("results_filed"))
    assert "nothing waits on the higher-level union" in err.value.message
    assert err.value.evidence["state"] == until
    assert world.version("U1") == before


def test_unknown_procedure_not_found(world: World) -> None:
    d = found_union(world, until="requested")
    d.pid = "U1:founding-9"
    with pytest.raises(NotFound):
        d.approve(D(2019, 1, 10))


def test_rejected_request_resubmitted_then_approved(world: World) -> None:
    d = found_union(world, until="requested")
    d.reject(D(2019, 1, 8), reasons="筹备组缺少党组织代表")
    assert d.state == "request_rejected"
    assert d.proc.filed_on is None
    with pytest.raises(RuleViolation):
        d.step(
            c.ResubmitFoundingRequest,
            D(2019, 1, 9),
            unit=d.s.facts,
            initiators=["张三"],
            prep_group=[{"name": "甲"}, {"name": "乙"}],
        )
    d.step(
        c.ResubmitFoundingRequest,
        D(2019, 1, 9),
        unit=d.s.facts,
        initiators=["张三"],
        prep_group=[{"name": n, "affiliation": "party_org"} for n in "甲乙丙"],
    )
    assert d.state == "requested"
    assert d.proc.filed_on == D(2019, 1, 9)
    d.approve(D(2019, 1, 10))
    assert d.state == "preparing"


def test_rejected_results_redo_from_congress(world: World) -> None:
    """The higher-level union rejects the results; the congress is held again and the new results
    approved: the term runs from the second congress."""
    d = found_union(world, until="results_filed")
    d.reject(D(2019, 3, 10), reasons="计票有误", redo_from="congress")
    assert d.state == "candidates_approved"
    assert d.proc.election.committee == []  # type: ignore[attr-defined]
    d.congress(D(2019, 3, 15))
    d.elect_chair(D(2019, 3, 15))
    d.file_results(D(2019, 3, 16))
    d.approve(D(2019, 3, 25))
    u = d.union
    assert u.term is not None and u.term.start == D(2019, 3, 15)


def test_rejected_results_redo_from_congress_type_restarts_the_election(world: World) -> None:
    d = found_union(world, until="results_filed")
    d.reject(D(2019, 3, 10), redo_from="congress_type")
    assert d.state == "members_recruited"
    assert d.proc.election.congress_type is None  # type: ignore[attr-defined]
    assert d.proc.election.members == 80  # type: ignore[attr-defined]


def test_congress_evidence_records_quorum_numbers(world: World) -> None:
    """An accepted step records the evidence of the rules it passed: CongressHeld carries R-QUORUM
    with due, present and needed, R-NOTICE and the counts of both bodies."""
    d = found_union(world, until="candidates_approved")
    r = d.congress(due=80, present=54)
    ev = r.events[0].event
    assert isinstance(ev, CongressHeld)
    assert {"rule": "R-QUORUM", "due": 80, "present": 54, "needed": 54} in ev.evidence
    assert [e["rule"] for e in ev.evidence] == ["R-NOTICE", "R-QUORUM", "R-ELECTED", "R-ELECTED"]
    assert [e["body"] for e in ev.evidence[2:]] == ["committee", "funds_review"]
    assert world.stream("U1")[-1].event == ev  # what the store keeps is what the command returned


@pytest.mark.parametrize(
    ("congress_on", "years", "end"),
    [
        (D(2019, 3, 1), 5, D(2024, 3, 1)),  # worked example 1
        (D(2020, 2, 29), 3, D(2023, 2, 28)),  # worked example 4
        (D(2020, 2, 29), 5, D(2025, 2, 28)),
    ],
)
def test_results_approved_term_end_r_term_end(world: World, congress_on: D, years: int, end: D) -> None:
    """R-TERM-END (worked examples 1 and 4): the term runs from the congress date, not from the
    reply's date, and 29 February + 3 years lands on 28 February."""
    d = found_union(world, scenario=Scenario(congress_on=congress_on, term_years=years), until="results_filed")
    r = d.approve(congress_on + 19 * DAY)
    ev = r.events[0].event
    assert isinstance(ev, ResultsApproved)
    assert (ev.term_start, ev.term_years, ev.term_end) == (congress_on, years, end)
    assert ev.evidence == [
        {"rule": "R-TERM-END", "start": congress_on.isoformat(), "years": years, "end": end.isoformat()}
    ]
    term = d.union.term
    assert term is not None and (term.end, term.deadline) == (end, end)


def test_term_of_4_years_refused_under_default_r_term(world: World) -> None:
    d = found_union(world, until="chair_elected")
    with pytest.raises(RuleViolation) as err:
        d.file_results(term_years=4)
    assert err.value.rule_id == "R-TERM"
    assert err.value.evidence == {"rule": "R-TERM", "years": 4, "allowed": [3, 5]}


@pytest.mark.parametrize("years", [3, 5])
def test_terms_of_3_and_5_years_pass_r_term(world: World, years: int) -> None:
    d = found_union(world, until="chair_elected")
    r = d.file_results(term_years=years)
    assert evidence_of(r, "R-TERM") == [{"rule": "R-TERM", "years": years, "allowed": [3, 5]}]


def test_fulltime_chair_is_a_warning_not_a_refusal_r_fulltime(world: World) -> None:
    """R-FULLTIME: 250 employees and no full-time chair: the results are filed, with the warning in
    their evidence; with a full-time chair there is no warning."""
    d = found_union(world, scenario=Scenario(employees=250), until="chair_elected")
    r = d.file_results()
    [warning] = evidence_of(r, "R-FULLTIME")
    assert (warning["employees"], warning["threshold"], warning["fulltime_chair"]) == (250, 200, False)
    assert "full-time chair is expected" in warning["warning"]
    d.reject(D(2019, 3, 10), redo_from="congress")
    d.congress(D(2019, 3, 12))
    d.elect_chair(D(2019, 3, 12))
    assert evidence_of(d.file_results(D(2019, 3, 13), fulltime_chair=True), "R-FULLTIME") == []
