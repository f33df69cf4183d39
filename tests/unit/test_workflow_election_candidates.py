"""The election rules of RULES.md §4 from the candidates' posting to the count (R-NOTICE, R-VETTING,
R-INELIGIBLE, R-CHAIR-COMPETITIVE, R-BALLOTS, R-TIE, R-SHORTFALL) as the workflow enforces them,
through the service, at the worked examples' numbers (§8) and the boundaries."""

from __future__ import annotations

import pytest

from events.catalogue import Candidate, RunoffHeld, UnitFacts
from tests.unit.notice_support import PUBLIC, congress_notice, posted
from tests.unit.workflow_support import COMMITTEE, Scenario, congress_event, evidence_of, found_union, progress
from tests.unit.workflow_world import D, World, ballot, candidates, profile, unit
from workflow.errors import RuleViolation, StepOutOfOrder
from workflow.state import PendingRunoff

A, B, C, D_, E, F, G, H = COMMITTEE  # 赵 钱 孙 李 周 吴 郑 王


# --------------------------------------------------------------------------- R-NOTICE


# Each case: the list's posting, the unit (None: worked example 1's enterprise), the congress,
# whether it passes, and what R-NOTICE's evidence says of it.
FIVE_WORKING_DAYS = [
    # Posted Monday 2019-02-11: 4 full working days before Monday 2019-02-18, 5 before Tuesday the 19th.
    (D(2019, 2, 11), PUBLIC, D(2019, 2, 18), False, {"working_days": 4, "earliest_congress_on": "2019-02-19"}),
    (D(2019, 2, 11), PUBLIC, D(2019, 2, 19), True, {"working_days": 5, "working_days_needed": 5}),
    # Posted Monday 2026-09-28, National Day off from 1 to 7 October and Saturday 10 October a
    # working day: the 10th has 4 (29, 30 September, 8, 9 October), Sunday the 11th has 5.
    (D(2026, 9, 28), None, D(2026, 10, 10), False, {"working_days": 4, "earliest_congress_on": "2026-10-11"}),
    (D(2026, 9, 28), None, D(2026, 10, 11), True, {"working_days": 5, "earliest_congress_on": "2026-10-11"}),
]


@pytest.mark.parametrize(
    ("posted_on", "facts", "congress_on", "ok", "evidence"),
    FIVE_WORKING_DAYS,
    ids=["week-4-days", "week-5-days", "national-day-4-days", "national-day-5-days"],
)
def test_five_full_working_days_of_notice_r_notice(
    world: World, posted_on: D, facts: UnitFacts | None, congress_on: D, ok: bool, evidence: dict[str, object]
) -> None:
    """R-NOTICE: a congress needs 5 full working days between the list's posting and its day,
    counted on the official calendar (make-up working days count, public holidays do not)."""
    passed, ev = congress_notice(posted(world, posted_on, facts), congress_on)
    assert passed is ok
    assert {k: ev[k] for k in evidence} == evidence


def test_enterprise_chair_list_needs_7_days_r_notice(world: World) -> None:
    """R-NOTICE: posted Sunday 2019-02-10, a congress on Saturday 2019-02-16 has the 5 working days
    but only 6 calendar days: refused for an enterprise (chair list, 7 days), passes on the 17th."""
    d = posted(world, D(2019, 2, 10), unit("enterprise"))
    passed, ev = congress_notice(d, D(2019, 2, 16))
    assert not passed
    assert (ev["working_days"], ev["calendar_days"]) == (5, 6)
    assert ev["calendar_days_needed"] == 7
    d.congress(D(2019, 2, 17))
    assert d.state == "congress_held"


def test_non_enterprise_needs_only_the_working_days_r_notice(world: World) -> None:
    passed, ev = congress_notice(posted(world, D(2019, 2, 10), PUBLIC), D(2019, 2, 16))
    assert passed
    assert (ev["working_days"], ev["calendar_days"], ev["calendar_days_needed"]) == (5, 6, None)


# --------------------------------------------------------------------------- R-VETTING


@pytest.mark.parametrize("party_approved", [None, False])
def test_unit_with_party_org_files_without_party_approval_refused_r_vetting(
    world: World, party_approved: bool | None
) -> None:
    d = found_union(world, until="candidates_posted")
    with pytest.raises(RuleViolation) as err:
        d.file_candidates(party_approved=party_approved)
    assert err.value.rule_id == "R-VETTING"
    assert err.value.evidence["party_approved"] is party_approved
    assert d.state == "candidates_posted"


def test_unit_without_party_org_files_without_party_approval(world: World) -> None:
    d = found_union(world, scenario=Scenario(facts=PUBLIC), until="candidates_posted")
    r = d.file_candidates()
    assert evidence_of(r, "R-VETTING") == [{"rule": "R-VETTING", "has_party_org": False, "party_approved": None}]


def test_votes_for_an_unvetted_name_refused_r_vetting(world: World) -> None:
    d = found_union(world, until="candidates_approved")
    counts = {A: 60, B: 59, C: 58, D_: 57, E: 56, F: 55, "外人": 50}
    with pytest.raises(RuleViolation) as err:
        d.congress(due=80, present=60, committee=counts)
    assert err.value.rule_id == "R-VETTING"
    assert err.value.evidence["unknown"] == ["外人"]


def test_candidates_rejected_then_proposed_again(world: World) -> None:
    d = found_union(world, until="candidates_filed")
    d.reject(D(2019, 2, 8), reasons="候选人需调整")
    assert d.state == "candidates_rejected"
    d.propose(D(2019, 2, 9))
    d.post(D(2019, 2, 9))
    assert progress(d).posted_on == D(2019, 2, 9)


# --------------------------------------------------------------------------- R-INELIGIBLE, R-CHAIR-COMPETITIVE


def test_hr_head_as_enterprise_chair_candidate_refused_r_ineligible(world: World) -> None:
    d = found_union(world, until="congress_type_decided")
    chairs = [Candidate(name=A), Candidate(name=B, hr_head=True)]
    with pytest.raises(RuleViolation) as err:
        d.propose(chair_candidates=chairs)
    assert err.value.rule_id == "R-INELIGIBLE"
    assert err.value.evidence["candidate"] == B
    assert err.value.evidence["bars"] == ["hr_head"]


def test_hr_head_may_chair_a_public_institution_union_r_ineligible(world: World) -> None:
    d = found_union(world, scenario=Scenario(facts=PUBLIC), until="congress_type_decided")
    d.propose(chair_candidates=[Candidate(name=A), Candidate(name=B, hr_head=True)])
    assert d.state == "candidates_proposed"


def test_close_relative_of_principal_leader_barred_from_committee_r_ineligible(world: World) -> None:
    d = found_union(world, scenario=Scenario(facts=PUBLIC), until="congress_type_decided")
    committee = [*candidates(COMMITTEE[:7]), Candidate(name=H, close_relative_of_principal_leader=True)]
    with pytest.raises(RuleViolation) as err:
        d.propose(committee_candidates=committee)
    assert err.value.rule_id == "R-INELIGIBLE"


def test_enterprise_single_chair_candidate_refused_r_chair_competitive(world: World) -> None:
    d = found_union(world, until="congress_type_decided")
    with pytest.raises(RuleViolation) as err:
        d.propose(chair_candidates=candidates([A]))
    assert err.value.rule_id == "R-CHAIR-COMPETITIVE"
    assert (err.value.evidence["chair_candidates"], err.value.evidence["needed"]) == (1, 2)


def test_public_institution_single_chair_candidate_allowed_r_chair_competitive(world: World) -> None:
    d = found_union(world, scenario=Scenario(facts=PUBLIC, chairs=(A,)), until="congress_type_decided")
    r = d.propose()
    [ev] = evidence_of(r, "R-CHAIR-COMPETITIVE")
    assert (ev["competitive"], ev["needed"], ev["chair_candidates"]) == (False, 1, 1)


# --------------------------------------------------------------------------- R-BALLOTS


def test_more_ballots_returned_than_issued_voids_the_round_r_ballots(world: World) -> None:
    d = found_union(world, until="candidates_approved")
    vote = ballot(7, 54, {A: 50}, issued=54, returned=55)
    before = world.version("U1")
    with pytest.raises(RuleViolation) as err:
        d.congress(due=80, present=54, committee=vote)
    assert err.value.rule_id == "R-BALLOTS"
    assert "void" in err.value.message
    assert (err.value.evidence["ballots_issued"], err.value.evidence["ballots_returned"]) == (54, 55)
    assert world.version("U1") == before


def test_more_ballots_issued_than_present_refused_no_proxies_r_ballots(world: World) -> None:
    d = found_union(world, until="candidates_approved")
    vote = ballot(7, 54, {A: 50}, issued=55)
    with pytest.raises(RuleViolation) as err:
        d.congress(due=80, present=54, committee=vote)
    assert err.value.rule_id == "R-BALLOTS"
    assert err.value.evidence == {"rule": "R-BALLOTS", "ballots_issued": 55, "present": 54}


def test_vote_for_another_number_of_seats_refused_r_ballots(world: World) -> None:
    d = found_union(world, until="candidates_approved")
    with pytest.raises(RuleViolation) as err:
        d.congress(due=80, present=54, committee=ballot(6, 54, {A: 50}))
    assert err.value.evidence == {"rule": "R-BALLOTS", "vote_seats": 6, "seats": 7}


# --------------------------------------------------------------------------- R-TIE


TIE = {A: 60, B: 59, C: 58, D_: 57, E: 56, F: 55, G: 50, H: 50}


def test_tie_at_the_cutoff_needs_a_runoff_among_the_tied_r_tie(world: World) -> None:
    """R-TIE: 8 majority winners for 7 seats, 郑 and 王 tied at the cut-off: the six above are
    elected and the last seat goes to a re-vote among the tied only."""
    d = found_union(world, until="candidates_approved")
    r = d.congress(due=80, present=70, committee=TIE)
    ev = congress_event(r)
    assert ev.committee.elected == [A, B, C, D_, E, F]
    assert (ev.committee.tied, ev.committee.tie_seats) == ([H, G], 1)  # equal votes: by name
    assert d.state == "runoff_needed"
    assert progress(d).runoffs == [PendingRunoff("committee", "tie", 1, [H, G])]

    r = d.runoff("committee", {G: 50, H: 20}, seats=1, present=70)
    runoff = r.events[0].event
    assert isinstance(runoff, RunoffHeld)
    assert (runoff.reason, runoff.outcome.elected) == ("tie", [G])
    assert d.state == "congress_held"
    assert progress(d).committee == [A, B, C, D_, E, F, G]


def test_runoff_naming_a_non_tied_candidate_refused_r_tie(world: World) -> None:
    d = found_union(world, until="candidates_approved")
    d.congress(due=80, present=70, committee=TIE)
    before = world.version("U1")
    with pytest.raises(RuleViolation) as err:
        d.runoff("committee", {G: 50, A: 20}, seats=1, present=70)
    assert err.value.rule_id == "R-TIE"
    assert err.value.evidence["unknown"] == [A]
    assert world.version("U1") == before


def test_runoff_for_a_body_without_pending_seats_refused(world: World) -> None:
    d = found_union(world, until="candidates_approved")
    d.congress(due=80, present=70, committee=TIE)
    with pytest.raises(StepOutOfOrder) as err:
        d.runoff("funds_review", {"冯": 60}, seats=1, present=70)
    assert err.value.evidence == {"pending": ["committee"]}


def test_ties_in_both_bodies_need_both_runoffs(world: World) -> None:
    d = found_union(world, scenario=Scenario(funds_seats=2), until="candidates_approved")
    d.congress(due=80, present=70, committee=TIE, funds={"冯": 50, "陈": 45, "褚": 45})
    assert [r.body for r in progress(d).runoffs] == ["committee", "funds_review"]
    d.runoff("committee", {G: 50, H: 20}, seats=1, present=70)
    assert d.state == "runoff_needed"
    d.runoff("funds_review", {"陈": 20, "褚": 50}, seats=1, present=70)
    assert d.state == "congress_held"
    assert progress(d).funds_review == ["冯", "褚"]
    assert progress(d).runoffs == []


def test_a_runoff_that_decides_nothing_keeps_the_seats_open(world: World) -> None:
    d = found_union(world, until="candidates_approved")
    d.congress(due=80, present=70, committee=TIE)
    d.runoff("committee", {G: 35, H: 35}, seats=1, present=70)
    assert d.state == "runoff_needed"
    assert progress(d).runoffs == [PendingRunoff("committee", "shortfall", 1, [H, G])]


# --------------------------------------------------------------------------- R-SHORTFALL

SHORT = {A: 60, B: 59, C: 58, D_: 57, E: 56, F: 55, G: 30, H: 20}


def test_shortfall_supplementary_vote_under_default_profile_r_shortfall(world: World) -> None:
    d = found_union(world, until="candidates_approved")
    r = d.congress(due=80, present=70, committee=SHORT)
    ev = congress_event(r)
    assert (ev.committee.shortfall_seats, ev.committee.shortfall_action) == (1, "supplementary_vote")
    assert d.state == "runoff_needed"
    assert progress(d).runoffs == [PendingRunoff("committee", "shortfall", 1, [G, H])]
    with pytest.raises(RuleViolation) as err:
        d.runoff("committee", {A: 50}, seats=1, present=70)
    assert err.value.rule_id == "R-SHORTFALL"
    r = d.runoff("committee", {G: 45, H: 20}, seats=1, present=70)
    assert d.state == "congress_held"
    assert len(progress(d).committee) == 7


def test_shortfall_reduces_seats_when_committee_size_holds_r_shortfall(world: World) -> None:
    world.profiles.register(profile("reduce", shortfall_policy="reduce_seats"))
    d = found_union(world, scenario=Scenario(profile_name="reduce"), until="candidates_approved")
    r = d.congress(due=80, present=70, committee=SHORT)
    ev = congress_event(r)
    assert (ev.committee.shortfall_seats, ev.committee.shortfall_action) == (1, "reduce_seats")
    assert d.state == "congress_held"
    assert progress(d).committee_seats == 6
    d.elect_chair()
    d.file_results()
    d.approve(d.s.on("founded"))
    assert len(d.union.committee) == 6


def test_shortfall_no_reduction_below_committee_size_r_shortfall(world: World) -> None:
    """R-SHORTFALL: 3 seats (the smallest committee for 80 members) and 2 elected: reducing to 2
    would break R-COMMITTEE-SIZE, so a supplementary vote is needed."""
    world.profiles.register(profile("reduce", shortfall_policy="reduce_seats"))
    s = Scenario(profile_name="reduce", seats=3, committee=(A, B, C, D_), vice_chairs=())
    d = found_union(world, scenario=s, until="candidates_approved")
    r = d.congress(due=80, present=70, committee={A: 60, B: 55, C: 30, D_: 20})
    ev = congress_event(r)
    assert (ev.committee.shortfall_seats, ev.committee.shortfall_action) == (1, "supplementary_vote")
    assert d.state == "runoff_needed"


def test_runoff_shortfall_reduces_when_the_whole_committee_still_fits_r_shortfall(world: World) -> None:
    """R-SHORTFALL after a runoff: 5 elected at the congress, 3 tied for the last 2 seats; the runoff
    elects 1. The committee would have 6 seats, within 3–7 for 80 members, so the reduce_seats
    profile reduces the seats (R-COMMITTEE-SIZE is read on the whole committee, not on the runoff's
    winners alone)."""
    world.profiles.register(profile("reduce", shortfall_policy="reduce_seats"))
    d = found_union(world, scenario=Scenario(profile_name="reduce"), until="candidates_approved")
    d.congress(due=80, present=70, committee={A: 60, B: 59, C: 58, D_: 57, E: 56, F: 50, G: 50, H: 50})
    assert progress(d).runoffs == [PendingRunoff("committee", "tie", 2, [F, H, G])]
    r = d.runoff("committee", {F: 50, G: 30, H: 30}, seats=2, present=70)
    runoff = r.events[0].event
    assert isinstance(runoff, RunoffHeld)
    assert (runoff.outcome.elected, runoff.outcome.shortfall_action) == ([F], "reduce_seats")
    assert d.state == "congress_held"
    assert progress(d).committee == [A, B, C, D_, E, F]
    assert progress(d).committee_seats == 6


def test_runoff_electing_nobody_reduces_to_those_seated_r_shortfall(world: World) -> None:
    """R-SHORTFALL: 5 elected at the congress, 3 tied for the last 2 seats; the runoff elects nobody.
    The reduce_seats profile keeps the committee at 5 (within 3–7) rather than voting for ever."""
    world.profiles.register(profile("reduce", shortfall_policy="reduce_seats"))
    d = found_union(world, scenario=Scenario(profile_name="reduce"), until="candidates_approved")
    d.congress(due=80, present=70, committee={A: 60, B: 59, C: 58, D_: 57, E: 56, F: 50, G: 50, H: 50})
    d.runoff("committee", {F: 30, G: 30, H: 30}, seats=2, present=70)
    assert d.state == "congress_held"
    assert progress(d).committee == [A, B, C, D_, E]
    assert progress(d).committee_seats == 5


def test_congress_held_again_votes_for_the_seats_proposed_not_the_reduced_ones_r_shortfall(world: World) -> None:
    """The first congress reduced the committee to 6 (R-SHORTFALL, reduce_seats); the higher-level
    union rejects the results and the congress is held again: it elects the 7 seats that were
    decided and proposed, not the 6 the rejected congress ended with."""
    world.profiles.register(profile("reduce", shortfall_policy="reduce_seats"))
    d = found_union(world, scenario=Scenario(profile_name="reduce"), until="candidates_approved")
    d.congress(due=80, present=70, committee=SHORT)
    assert progress(d).committee_seats == 6
    d.elect_chair()
    d.file_results()
    d.reject(D(2019, 3, 10), reasons="计票有误", redo_from="congress")
    assert progress(d).committee_seats == 7
    r = d.congress(D(2019, 3, 15), due=80, present=70)
    assert congress_event(r).committee.elected == [A, B, C, D_, E, F, G]
    assert d.state == "congress_held"
