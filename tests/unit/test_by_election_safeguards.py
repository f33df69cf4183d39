"""A by-election is an election (R-VACANCY): the safeguards of an ordinary election apply to it,
counted against the body that elects the chair: R-NOTICE (with the enterprise chair's 7 days,
measured to that body's meeting), R-VETTING, R-INELIGIBLE, R-FUNDS-REVIEW, R-QUORUM and R-ELECTED;
when the committee elects, the candidate sits on it and the committee counts without the departed
chair. Each test is given-when-then at the rule's boundary."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from events.catalogue import ByElectionRequested
from tests.unit.by_election_support import (
    COMMITTEE_QUORUM_4_OF_6,
    VETTED,
    consented,
    hold,
    request_by_election,
    vacant_union,
)
from tests.unit.workflow_support import Driver, evidence_of
from tests.unit.workflow_world import D, World, candidates, unit
from workflow import commands as c
from workflow.errors import InvalidDate, RuleViolation


def _vacancy(
    world: World, left: dt.date = D(2024, 6, 20), chair_elected_by: str = "committee", **scenario: Any
) -> Driver:
    """Given U1 (a members' meeting of 80, a committee of 7, 冯 on the funds review committee), whose
    chair 赵 leaves on `left`."""
    return vacant_union(world, left, chair_elected_by, **scenario)


def _request(d: Driver, on: dt.date, planned_on: dt.date, names: tuple[str, ...] = ("孙", "李"), **given: Any) -> Any:
    """The by-election requested on `on`, its list posted that day unless `given` says otherwise."""
    return request_by_election(d, on, planned_on, names, **({"posted_on": on} | given))


def _consented(d: Driver, posted_on: dt.date = D(2024, 7, 1), planned_on: dt.date = D(2024, 7, 9)) -> None:
    consented(d, posted_on, planned_on, posted_on + dt.timedelta(days=1), posted_on=posted_on)


# --------------------------------------------------------------------------- R-NOTICE


def test_by_election_planned_the_day_before_the_notice_deadline_is_refused_r_notice(world: World) -> None:
    """Given a list posted Monday 2024-07-01 (5 full working days in between: 2, 3, 4, 5 and 8 July),
    when the by-election is planned for 2024-07-08, then R-NOTICE refuses it; 2024-07-09 is accepted
    and its evidence records the notice."""
    d = _vacancy(world)
    with pytest.raises(RuleViolation, match="R-NOTICE") as err:
        _request(d, D(2024, 7, 1), D(2024, 7, 8))
    assert err.value.evidence["earliest_congress_on"] == "2024-07-09"
    r = _request(d, D(2024, 7, 1), D(2024, 7, 9))
    assert d.state == "consent_requested"
    [notice] = evidence_of(r, "R-NOTICE")
    assert (notice["working_days"], notice["posted_on"]) == (5, "2024-07-01")


def test_by_election_list_posted_when_requested_unless_told_r_notice(world: World) -> None:
    """Given a request of 2024-07-01 that does not say when the list was posted, the notice counts
    from the request's day (the latest the list can have been posted before it was filed)."""
    d = _vacancy(world)
    with pytest.raises(RuleViolation, match="R-NOTICE"):
        request_by_election(d, D(2024, 7, 1), D(2024, 7, 8))
    r = request_by_election(d, D(2024, 7, 1), D(2024, 7, 9))
    assert evidence_of(r, "R-NOTICE")[0]["posted_on"] == "2024-07-01"


def test_by_election_list_posted_after_the_request_is_refused_date_order(world: World) -> None:
    d = _vacancy(world)
    with pytest.raises(InvalidDate, match="DATE-ORDER"):
        _request(d, D(2024, 7, 1), D(2024, 7, 20), posted_on=D(2024, 7, 2))


def test_enterprise_chair_notice_is_measured_to_the_committee_meeting_r_notice(world: World) -> None:
    """Given an enterprise list posted Saturday 2024-02-03 (Sunday 2-4 a make-up working day, so 5
    working days lie between it and 2024-02-09 but only 6 calendar days), and a by-election planned
    for 2024-02-12, when the committee meets on 2024-02-09 instead, then R-NOTICE refuses it (the
    enterprise chair's 7 days, counted to the meeting that elects); meeting on 2024-02-10 passes."""
    d = _vacancy(world, left=D(2024, 1, 20))
    _consented(d, D(2024, 2, 3), D(2024, 2, 12))
    before = world.version("U1")
    with pytest.raises(RuleViolation, match="6 days for an enterprise chair list; at least 7 needed"):
        hold(d, D(2024, 2, 9), due=6, present=6, votes={"孙": 4, "李": 2})
    assert world.version("U1") == before
    r = hold(d, D(2024, 2, 10), due=6, present=6, votes={"孙": 4, "李": 2})
    assert d.state == "held"
    [notice] = evidence_of(r, "R-NOTICE")
    assert (notice["congress_on"], notice["calendar_days"], notice["calendar_days_needed"]) == ("2024-02-10", 7, 7)


def test_chair_notice_of_7_days_is_for_enterprises_only_r_notice(world: World) -> None:
    """Given the same posting at a public institution's union, the 6 days to 2024-02-09 suffice:
    the 5 working days are all R-NOTICE asks there."""
    d = _vacancy(world, left=D(2024, 1, 20), facts=unit("public_institution"))
    _request(d, D(2024, 2, 3), D(2024, 2, 9), names=("孙",))
    assert d.state == "consent_requested"


# --------------------------------------------------------------------------- R-VETTING


def test_by_election_list_unvetted_by_the_party_organisation_is_refused_r_vetting(world: World) -> None:
    """Given a unit with a Party organisation, when the list is filed without its approval, then
    R-VETTING refuses it; with its approval it goes to the higher-level union, whose consent is
    recorded as its part of the vetting."""
    d = _vacancy(world)
    with pytest.raises(RuleViolation, match="R-VETTING"):
        _request(d, D(2024, 7, 1), D(2024, 7, 9), party_org=None, party_approved=None)
    with pytest.raises(RuleViolation, match="R-VETTING"):
        _request(d, D(2024, 7, 1), D(2024, 7, 9), party_approved=False)
    r = _request(d, D(2024, 7, 1), D(2024, 7, 9))
    assert evidence_of(r, "R-VETTING") == [{"rule": "R-VETTING", "has_party_org": True, "party_approved": True}]
    r = d.approve(D(2024, 7, 2))
    assert evidence_of(r, "R-VETTING") == [{"rule": "R-VETTING", "higher_union": True}]


def test_by_election_without_a_party_organisation_needs_no_party_vetting_r_vetting(world: World) -> None:
    d = _vacancy(world, facts=unit(has_party_org=False))
    _request(d, D(2024, 7, 1), D(2024, 7, 9), party_org=None, party_approved=None)
    assert d.state == "consent_requested"


# --------------------------------------------------------------------------- R-INELIGIBLE, R-FUNDS-REVIEW


@pytest.mark.parametrize("bar", ["hr_head", "close_relative_of_principal_leader", "administrative_head_or_deputy"])
def test_ineligible_by_election_candidate_is_refused_r_ineligible(world: World, bar: str) -> None:
    d = _vacancy(world)
    with pytest.raises(RuleViolation, match="R-INELIGIBLE: candidate 孙 may not be"):
        d.step(
            c.RequestByElection,
            D(2024, 7, 1),
            candidates=[*candidates(["孙"], **{bar: True}), *candidates(["李"])],
            planned_on=D(2024, 7, 9),
            **VETTED,
        )


def test_by_election_candidate_on_the_funds_review_committee_is_refused_r_funds_review(world: World) -> None:
    """Given a chair elected by the congress and 冯 on the funds review committee, when 冯 stands
    for chair, then R-FUNDS-REVIEW refuses the list (the chair may not sit on it)."""
    d = _vacancy(world, chair_elected_by="congress")
    with pytest.raises(RuleViolation, match=r"R-FUNDS-REVIEW: may not sit on the funds review committee: 冯 \(chair\)"):
        _request(d, D(2024, 7, 1), D(2024, 7, 9), names=("冯", "孙"))
    _request(d, D(2024, 7, 1), D(2024, 7, 9), names=("孙", "李"))
    assert d.state == "consent_requested"


# --------------------------------------------------------------------------- the committee elects


def test_candidate_not_on_the_committee_is_refused_when_the_committee_elects_r_vacancy(world: World) -> None:
    """Given a chair elected by the committee, when 王 (not elected to it) or 赵 (the departed
    chair) stands, then the list is refused: the committee elects its chair from among itself."""
    d = _vacancy(world)
    for outsider in ("王", "赵"):
        with pytest.raises(
            RuleViolation, match=f"R-CANDIDATES: chair candidates must stand for the committee too: {outsider}"
        ):
            _request(d, D(2024, 7, 1), D(2024, 7, 9), names=(outsider, "孙"))


def test_congress_may_elect_a_chair_from_outside_the_committee_r_vacancy(world: World) -> None:
    d = _vacancy(world, chair_elected_by="congress")
    _request(d, D(2024, 7, 1), D(2024, 7, 9), names=("王", "孙"))
    assert d.state == "consent_requested"


# --------------------------------------------------------------------------- R-QUORUM, R-ELECTED


def test_committee_by_election_exactly_two_thirds_present_passes_one_fewer_fails_r_quorum(world: World) -> None:
    """Given the 6 committee members due, when 3 attend (9 < 12) then R-QUORUM refuses the vote;
    when exactly 4 attend (12 ≥ 12) it passes."""
    d = _vacancy(world)
    _consented(d)
    with pytest.raises(RuleViolation, match="R-QUORUM: 3 of 6 present; at least 4 needed"):
        hold(d, D(2024, 7, 9), due=6, present=3, votes={"孙": 3})
    r = hold(d, D(2024, 7, 9), due=6, present=4, votes={"孙": 4})
    assert evidence_of(r, "R-QUORUM")[0] == COMMITTEE_QUORUM_4_OF_6


def test_committee_by_election_exactly_half_yes_elects_nobody_one_more_elects_r_elected(world: World) -> None:
    """Given the 6 committee members due, when 孙 gets exactly 3 yes (2 × 3 = 6, not > 6) then nobody
    is elected and the by-election is to be held again; 4 yes elect 孙."""
    d = _vacancy(world)
    _consented(d)
    hold(d, D(2024, 7, 9), due=6, present=6, votes={"孙": 3, "李": 3})
    assert (d.state, d.proc.elected) == ("consented", None)
    hold(d, D(2024, 7, 10), due=6, present=6, votes={"孙": 4, "李": 2})
    assert (d.state, d.proc.elected) == ("held", "孙")


def test_congress_by_election_counts_yes_against_all_members_due_r_elected_example_6(world: World) -> None:
    """Worked example 6 on a by-election by the members' meeting: 80 due, 60 present, 40 yes is not
    elected (80 is not > 80); 41 is."""
    d = _vacancy(world, chair_elected_by="congress")
    _consented(d)
    hold(d, D(2024, 7, 9), due=80, present=60, votes={"孙": 40, "李": 20})
    assert d.state == "consented"
    hold(d, D(2024, 7, 10), due=80, present=60, votes={"孙": 41, "李": 19})
    assert d.state == "held"


# --------------------------------------------------------------------------- stored events


def test_by_election_request_stored_before_the_notice_fields_still_reads() -> None:
    """A request recorded before posted_on and the vetting existed reads with them unknown; the
    by-election then counts the notice from the request's day."""
    ev = ByElectionRequested.model_validate(
        {"procedure_id": "P1", "candidates": [{"name": "孙"}], "planned_on": "2024-07-09"}
    )
    assert (ev.posted_on, ev.party_org, ev.party_approved) == (None, None, None)
