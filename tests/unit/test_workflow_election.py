"""The election rules of RULES.md §2 and §4 as the workflow enforces them, through the service, on
the worked examples' numbers (§8) and at the boundaries. Given a union driven to the step, when the
command is sent, then the events (or the refusal naming the rule and its numbers)."""

from __future__ import annotations

import pytest

from events.catalogue import Candidate, CongressHeld, CongressTypeDecided, RunoffHeld
from tests.unit.workflow_support import COMMITTEE, Scenario, evidence_of, found_union
from tests.unit.workflow_world import D, World, ballot, candidates, profile, unit
from workflow.errors import RuleViolation, StepOutOfOrder
from workflow.state import ElectionProgress, PendingRunoff

A, B, C, D_, E, F, G, H = COMMITTEE  # 赵 钱 孙 李 周 吴 郑 王


def progress(d: object) -> ElectionProgress:
    e = d.proc.election  # type: ignore[attr-defined]
    assert isinstance(e, ElectionProgress)
    return e


def congress_event(r: object) -> CongressHeld:
    ev = r.events[0].event  # type: ignore[attr-defined]
    assert isinstance(ev, CongressHeld)
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
    r = d.congress_type(form="organiser", committee_seats=1)
    ev = r.events[0].event
    assert isinstance(ev, CongressTypeDecided)
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
    r = d.congress_type()
    ev = r.events[0].event
    assert isinstance(ev, CongressTypeDecided)
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
    r = d.congress_type()
    ev = r.events[0].event
    assert isinstance(ev, CongressTypeDecided)
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


# --------------------------------------------------------------------------- R-NOTICE


def _posted(world: World, posted_on: D, facts: object) -> object:
    s = Scenario(facts=facts)  # type: ignore[arg-type]
    d = found_union(world, scenario=s, until="candidates_proposed")
    d.post(posted_on)
    d.file_candidates(posted_on)
    d.approve(posted_on)
    return d


PUBLIC = unit("public_institution", has_party_org=False, name="某市第一中学")


@pytest.mark.parametrize(("congress_on", "ok"), [(D(2019, 2, 18), False), (D(2019, 2, 19), True)])
def test_five_working_days_notice_r_notice(world: World, congress_on: D, ok: bool) -> None:
    """R-NOTICE: a list posted Monday 2019-02-11 has 4 full working days before a congress on Monday
    2019-02-18 (refused) and 5 before Tuesday 2019-02-19 (passes)."""
    d = _posted(world, D(2019, 2, 11), PUBLIC)
    if ok:
        r = d.congress(congress_on)  # type: ignore[attr-defined]
        [ev] = evidence_of(r, "R-NOTICE")
        assert (ev["working_days"], ev["working_days_needed"]) == (5, 5)
    else:
        with pytest.raises(RuleViolation) as err:
            d.congress(congress_on)  # type: ignore[attr-defined]
        assert err.value.rule_id == "R-NOTICE"
        assert err.value.evidence["working_days"] == 4
        assert err.value.evidence["earliest_congress_on"] == "2019-02-19"


def test_enterprise_chair_list_needs_7_days_r_notice(world: World) -> None:
    """R-NOTICE: posted Sunday 2019-02-10, a congress on Saturday 2019-02-16 has the 5 working days
    but only 6 calendar days: refused for an enterprise (chair list, 7 days), passes on the 17th."""
    d = _posted(world, D(2019, 2, 10), unit("enterprise"))
    with pytest.raises(RuleViolation) as err:
        d.congress(D(2019, 2, 16))  # type: ignore[attr-defined]
    assert err.value.rule_id == "R-NOTICE"
    assert (err.value.evidence["working_days"], err.value.evidence["calendar_days"]) == (5, 6)
    assert err.value.evidence["calendar_days_needed"] == 7
    d.congress(D(2019, 2, 17))  # type: ignore[attr-defined]
    assert d.state == "congress_held"  # type: ignore[attr-defined]


def test_non_enterprise_needs_only_the_working_days_r_notice(world: World) -> None:
    d = _posted(world, D(2019, 2, 10), PUBLIC)
    r = d.congress(D(2019, 2, 16))  # type: ignore[attr-defined]
    [ev] = evidence_of(r, "R-NOTICE")
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
