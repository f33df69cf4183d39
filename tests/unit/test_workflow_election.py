"""The election rules of RULES.md §2 and §4 up to the filing of the results (R-QUORUM, R-ELECTED,
R-CANDIDATES, the form and sizes, R-WOMEN, R-FUNDS-REVIEW, R-RESULTS-FILED) as the workflow
enforces them, through the service, on the worked examples' numbers (§8) and at the boundaries.
Given a union driven to the step, when the command is sent, then the events (or the refusal naming
the rule and its numbers); the rest of §4 is in test_workflow_election_candidates."""

from __future__ import annotations

from typing import Any

import pytest

from events.catalogue import CongressTypeDecided
from tests.unit.workflow_support import (
    COMMITTEE,
    Driver,
    Scenario,
    congress_event,
    evidence_of,
    found_union,
    progress,
)
from tests.unit.workflow_world import World, candidates, profile
from workflow.errors import RuleViolation, StepOutOfOrder

A, B, C, D_, E, F, G, H = COMMITTEE  # 赵 钱 孙 李 周 吴 郑 王


def decided(d: Driver, **kw: Any) -> CongressTypeDecided:
    """The congress type the union decides now (the event its step wrote)."""
    ev = d.congress_type(**kw).events[0].event
    assert isinstance(ev, CongressTypeDecided)
    return ev


# --------------------------------------------------------------------------- R-QUORUM


def test_53_of_80_present_refused_r_quorum_example_5(world: World) -> None:
    """Worked example 5: 80 due, 53 present fails (159 < 160); the message gives 53, 80 and the 54
    needed, and nothing is written."""
    d = found_union(world, until="candidates_approved")
    before = world.version("U1")
    with pytest.raises(RuleViolation) as err:
        d.congress(due=80, present=53)
    assert err.value.rule_id == "R-QUORUM"
    assert all(n in err.value.message for n in ("53", "80", "54"))
    assert err.value.evidence == {"rule": "R-QUORUM", "due": 80, "present": 53, "needed": 54}
    assert world.version("U1") == before
    assert d.state == "candidates_approved"


def test_54_of_80_present_passes_r_quorum_example_5(world: World) -> None:
    d = found_union(world, until="candidates_approved")
    r = d.congress(due=80, present=54)
    assert evidence_of(r, "R-QUORUM") == [{"rule": "R-QUORUM", "due": 80, "present": 54, "needed": 54}]
    assert d.state == "congress_held"


def test_exactly_two_thirds_passes_r_quorum(world: World) -> None:
    """R-QUORUM: 3 × 54 = 2 × 81, exactly 2/3, passes."""
    d = found_union(world, scenario=Scenario(members=81), until="candidates_approved")
    d.congress(due=81, present=54)
    assert d.state == "congress_held"


def test_due_must_be_everyone_with_a_vote_r_quorum(world: World) -> None:
    """Those due to attend are the members on record: a smaller `due` cannot lower the quorum."""
    d = found_union(world, until="candidates_approved")
    with pytest.raises(RuleViolation) as err:
        d.congress(due=60, present=40)
    assert err.value.rule_id == "R-QUORUM"
    assert err.value.evidence == {"rule": "R-QUORUM", "due": 60, "electorate": 80}


# --------------------------------------------------------------------------- R-ELECTED


def _sixty_present(g_votes: int) -> dict[str, int]:
    return {A: 55, B: 54, C: 53, D_: 52, E: 50, F: 45, G: g_votes, H: 20}


def test_40_yes_of_80_due_not_elected_r_elected_example_6(world: World) -> None:
    """Worked example 6: 80 due, 60 present; a candidate with 40 yes is not elected (80 is not >
    80), however many were present: the seat is left for a supplementary vote."""
    d = found_union(world, until="candidates_approved")
    r = d.congress(due=80, present=60, committee=_sixty_present(40))
    ev = congress_event(r)
    assert ev.committee.elected == [A, B, C, D_, E, F]
    assert (ev.committee.shortfall_seats, ev.committee.shortfall_action) == (1, "supplementary_vote")
    assert d.state == "runoff_needed"
    committee_evidence = next(e for e in ev.evidence if e.get("body") == "committee")
    assert committee_evidence["needed"] == 41


def test_41_yes_of_80_due_elected_r_elected_example_6(world: World) -> None:
    d = found_union(world, until="candidates_approved")
    r = d.congress(due=80, present=60, committee=_sixty_present(41))
    ev = congress_event(r)
    assert ev.committee.elected == [A, B, C, D_, E, F, G]
    assert ev.committee.shortfall_seats == 0
    assert d.state == "congress_held"
    assert progress(d).committee == [A, B, C, D_, E, F, G]


def test_chair_with_exactly_half_of_due_refused_r_elected(world: World) -> None:
    d = found_union(world, until="congress_held")
    d.s.vice_chairs = ()  # the chair's vote alone (the vice-chairs': tests/unit/test_annual_and_vice_chairs.py)
    with pytest.raises(RuleViolation) as err:
        d.elect_chair(due=80, yes=40)
    assert err.value.rule_id == "R-ELECTED"
    assert err.value.evidence == {"rule": "R-ELECTED", "due": 80, "yes": 40, "needed": 41}
    r = d.elect_chair(due=80, yes=41)
    assert evidence_of(r, "R-ELECTED") == [
        {"rule": "R-ELECTED", "due": 80, "yes": 41, "needed": 41, "elected_by": "congress"}
    ]


def test_chair_elected_by_committee_counts_the_committee(world: World) -> None:
    """Chair elected by the new committee at its first meeting: the 7 committee members are due;
    a due of 80 is refused."""
    d = found_union(world, scenario=Scenario(chair_elected_by="committee"), until="congress_held")
    with pytest.raises(RuleViolation) as err:
        d.elect_chair(due=80, yes=60)
    assert err.value.evidence == {"rule": "R-ELECTED", "due": 80, "expected": 7}
    with pytest.raises(RuleViolation):
        d.elect_chair(due=7, yes=3)
    d.elect_chair(due=7, yes=4)
    assert d.state == "chair_elected"


def test_chair_must_be_a_vetted_chair_candidate_on_the_committee(world: World) -> None:
    d = found_union(world, until="congress_held")
    with pytest.raises(RuleViolation) as err:
        d.elect_chair(chair=C)  # elected to the committee, but not a chair candidate
    assert err.value.rule_id == "R-VETTING"
    with pytest.raises(RuleViolation) as err:
        d.elect_chair(vice_chairs=[H])  # not elected to the committee
    assert err.value.rule_id == "R-ELECTED"


# --------------------------------------------------------------------------- R-CANDIDATES


def test_7_candidates_for_7_seats_refused_r_candidates_example_7(world: World) -> None:
    d = found_union(world, until="congress_type_decided")
    with pytest.raises(RuleViolation) as err:
        d.propose(committee_candidates=candidates(COMMITTEE[:7]))
    assert err.value.rule_id == "R-CANDIDATES"
    assert err.value.evidence == {"rule": "R-CANDIDATES", "seats": 7, "candidates": 7, "needed": 8, "rate": "0.05"}


def test_8_candidates_for_7_seats_pass_r_candidates_example_7(world: World) -> None:
    d = found_union(world, until="congress_type_decided")
    r = d.propose(committee_candidates=candidates(COMMITTEE))
    assert evidence_of(r, "R-CANDIDATES") == [
        {"rule": "R-CANDIDATES", "seats": 7, "candidates": 8, "needed": 8, "rate": "0.05"}
    ]
    assert d.state == "candidates_proposed"


def test_chair_candidates_stand_for_the_committee_too(world: World) -> None:
    d = found_union(world, until="congress_type_decided")
    with pytest.raises(RuleViolation) as err:
        d.propose(chair_candidates=candidates([A, "外人"]))
    assert err.value.evidence["not_on_committee"] == ["外人"]


# --------------------------------------------------------------------------- §2 form, congress type, sizes


def test_150_members_electing_9_refused_r_committee_size_example_8(world: World) -> None:
    d = found_union(world, scenario=Scenario(members=150), until="members_recruited")
    with pytest.raises(RuleViolation) as err:
        d.congress_type(committee_seats=9)
    assert err.value.rule_id == "R-COMMITTEE-SIZE"
    assert (err.value.evidence["min"], err.value.evidence["max"], err.value.evidence["seats"]) == (3, 7, 9)
    d.congress_type(committee_seats=7)
    assert d.state == "congress_type_decided"


def test_95_members_asking_for_representative_congress_refused_r_congress_type_example_8(world: World) -> None:
    d = found_union(world, scenario=Scenario(members=95), until="members_recruited")
    with pytest.raises(RuleViolation) as err:
        d.congress_type(congress_type="representative_congress")
    assert err.value.rule_id == "R-CONGRESS-TYPE"
    assert err.value.evidence["members"] == 95


@pytest.mark.parametrize(("members", "allowed"), [(100, False), (101, True)])
def test_representative_congress_boundary_r_congress_type(world: World, members: int, allowed: bool) -> None:
    d = found_union(world, scenario=Scenario(members=members), until="members_recruited")
    if allowed:
        d.congress_type(congress_type="representative_congress")
        assert d.state == "congress_type_decided"
    else:
        with pytest.raises(RuleViolation, match="R-CONGRESS-TYPE"):
            d.congress_type(congress_type="representative_congress")


def test_30_members_electing_only_an_organiser_refused_r_form_25_example_8(world: World) -> None:
    d = found_union(world, scenario=Scenario(members=30), until="members_recruited")
    with pytest.raises(RuleViolation) as err:
        d.congress_type(form="organiser", committee_seats=1)
    assert err.value.rule_id == "R-FORM-25"
    assert err.value.evidence == {"rule": "R-FORM-25", "members": 30, "form": "organiser", "threshold": 25}


def test_24_members_may_elect_an_organiser_r_form_25(world: World) -> None:
    d = found_union(world, scenario=Scenario(members=24, female_members=5), until="members_recruited")
    ev = decided(d, form="organiser", committee_seats=1)
    assert (ev.form, ev.committee_seats, ev.women_organisation) == ("organiser", 1, "member")


@pytest.mark.parametrize(("representatives", "ok"), [(59, False), (60, True), (75, True), (76, False)])
def test_representative_count_in_band_r_rep_bands(world: World, representatives: int, ok: bool) -> None:
    """R-REP-BANDS: 300 members (201–500 band) elect 20–25 %: 60 to 75 representatives."""
    d = found_union(world, scenario=Scenario(members=300), until="members_recruited")
    d.congress_type(congress_type="representative_congress", committee_seats=9)
    if ok:
        r = d.elect_representatives(representatives=representatives)
        [ev] = evidence_of(r, "R-REP-BANDS")
        assert (ev["min"], ev["max"], ev["representatives"]) == (60, 75, representatives)
        assert progress(d).electorate == representatives
    else:
        with pytest.raises(RuleViolation) as err:
            d.elect_representatives(representatives=representatives)
        assert err.value.rule_id == "R-REP-BANDS"
        assert (err.value.evidence["min"], err.value.evidence["max"]) == (60, 75)


def test_representative_congress_counts_representatives_as_due(world: World) -> None:
    """At a representative congress the representatives are due to attend (R-QUORUM, R-ELECTED),
    not the members; candidates wait for the representatives."""
    s = Scenario(members=300, congress_type="representative_congress", seats=9, representatives=60)
    s.committee = (*COMMITTEE, "冯二", "陈二")
    s.chairs = (A, B)
    d = found_union(world, scenario=s, until="congress_type_decided")
    with pytest.raises(StepOutOfOrder) as err:
        d.propose()
    assert err.value.rule_id == "R-REP-BANDS"
    d.elect_representatives()
    d.propose()
    d.post()
    d.file_candidates()
    d.approve(s.on("candidates_approved"))
    with pytest.raises(RuleViolation):
        d.congress(due=300, present=200)
    r = d.congress(due=60, present=40)
    assert evidence_of(r, "R-QUORUM") == [{"rule": "R-QUORUM", "due": 60, "present": 40, "needed": 40}]


def test_members_meeting_elects_no_representatives_r_congress_type(world: World) -> None:
    d = found_union(world, until="congress_type_decided")
    with pytest.raises(RuleViolation) as err:
        d.elect_representatives(representatives=30)
    assert err.value.rule_id == "R-CONGRESS-TYPE"


# --------------------------------------------------------------------------- R-WOMEN


def test_12_female_members_need_a_womens_committee_national_r_women_example_9(world: World) -> None:
    d = found_union(world, until="members_recruited")
    ev = decided(d)
    assert ev.women_organisation == "committee"
    d.found("chair_elected")
    with pytest.raises(RuleViolation) as err:
        d.file_results(women_committee_formed=False)
    assert err.value.rule_id == "R-WOMEN"
    assert err.value.evidence["required"] == "committee"
    assert err.value.evidence["threshold"] == 10
    d.file_results(women_committee_formed=True)
    assert d.state == "results_filed"


def test_12_female_members_one_womens_member_under_threshold_25_r_women_example_9(world: World) -> None:
    world.profiles.register(profile("beijing", women_committee_threshold=25))
    d = found_union(world, scenario=Scenario(profile_name="beijing"), until="members_recruited")
    ev = decided(d)
    assert ev.women_organisation == "member"
    d.found("chair_elected")
    with pytest.raises(RuleViolation) as err:
        d.file_results(women_committee_formed=False, women_director=None)
    assert err.value.rule_id == "R-WOMEN"
    assert err.value.evidence["required"] == "member"
    r = d.file_results(women_committee_formed=False, women_director="孙")
    assert evidence_of(r, "R-WOMEN")[0]["required"] == "member"


# --------------------------------------------------------------------------- R-FUNDS-REVIEW


def test_chair_on_funds_review_committee_refused_r_funds_review(world: World) -> None:
    d = found_union(world, scenario=Scenario(funds=(A, "陈", "褚"), director="陈"), until="chair_elected")
    with pytest.raises(RuleViolation) as err:
        d.file_results()
    assert err.value.rule_id == "R-FUNDS-REVIEW"
    assert err.value.evidence["conflicts"] == [A]
    assert "(chair)" in err.value.message


def test_finance_person_on_funds_review_committee_refused_r_funds_review(world: World) -> None:
    d = found_union(world, until="chair_elected")
    with pytest.raises(RuleViolation) as err:
        d.file_results(finance_person="陈")
    assert err.value.evidence["conflicts"] == ["陈"]


def test_funds_review_director_not_elected_refused_r_funds_review(world: World) -> None:
    d = found_union(world, until="chair_elected")
    with pytest.raises(RuleViolation) as err:
        d.file_results(funds_review_director=H)
    assert err.value.rule_id == "R-FUNDS-REVIEW"
    assert err.value.evidence["director"] == H


# --------------------------------------------------------------------------- R-RESULTS-FILED


@pytest.mark.parametrize("until", ["candidates_approved", "congress_held"])
def test_results_filed_before_the_chair_is_elected_refused_r_results_filed(world: World, until: str) -> None:
    """Step 7 follows the congress and the chair's election: filing earlier is refused with the
    rule's ID and the steps allowed instead, and nothing is written."""
    d = found_union(world, until=until)
    before = world.version("U1")
    with pytest.raises(StepOutOfOrder) as err:
        d.file_results()
    assert err.value.rule_id == "R-RESULTS-FILED"
    assert err.value.evidence["state"] == until
    assert "file_results" not in err.value.evidence["allowed"]
    assert world.version("U1") == before


def test_results_filed_twice_refused_r_results_filed(world: World) -> None:
    d = found_union(world, until="results_filed")
    with pytest.raises(StepOutOfOrder) as err:
        d.file_results()
    assert err.value.rule_id == "R-RESULTS-FILED"
    assert d.state == "results_filed"


def test_results_filing_records_what_is_filed_r_results_filed(world: World) -> None:
    """The accepted filing's evidence lists what the higher-level union approves: the committee,
    chair, vice-chairs, funds review committee and its director, women's director, term length."""
    d = found_union(world, until="chair_elected")
    r = d.file_results(term_years=5)
    e = progress(d)
    assert evidence_of(r, "R-RESULTS-FILED") == [
        {
            "rule": "R-RESULTS-FILED",
            "committee": len(e.committee),
            "chair": e.chair,
            "vice_chairs": len(e.vice_chairs),
            "funds_review": len(e.funds_review),
            "funds_review_director": d.s.director,
            "women_director": d.s.women_director,
            "term_years": 5,
        }
    ]
    assert e.chair in e.committee and len(e.committee) == d.s.seats
