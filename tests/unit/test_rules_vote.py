"""The vote: R-QUORUM, R-ELECTED, R-BALLOTS, R-TIE, R-SHORTFALL, R-REMOVAL."""

from __future__ import annotations

import json
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.unit.rules_support import refused
from workflow.errors import RuleViolation
from workflow.profile import NATIONAL_DEFAULT, RuleProfile
from workflow.rules import (
    check_elected,
    check_quorum,
    check_removal,
    count_election,
)

REDUCE = RuleProfile.model_validate(
    NATIONAL_DEFAULT.model_dump(mode="json") | {"name": "reduce", "shortfall_policy": "reduce_seats"}
)


# --- R-QUORUM -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("due", "present"), [(81, 54), (3, 2), (80, 54), (6, 4), (1, 1), (80, 80)])
def test_quorum_at_or_above_two_thirds_passes_r_quorum(due: int, present: int) -> None:
    """R-QUORUM: exactly 2/3 present passes (54 of 81, 2 of 3, 4 of 6)."""
    evidence = check_quorum(due, present)
    assert evidence["rule"] == "R-QUORUM"
    assert (evidence["due"], evidence["present"]) == (due, present)
    assert evidence["needed"] <= present


@pytest.mark.parametrize(("due", "present", "needed"), [(81, 53, 54), (3, 1, 2), (80, 53, 54), (6, 3, 4)])
def test_quorum_one_below_two_thirds_fails_r_quorum(due: int, present: int, needed: int) -> None:
    """R-QUORUM: one fewer than 2/3 fails, and the message names present, due and needed."""
    with pytest.raises(RuleViolation) as excinfo:
        check_quorum(due, present)
    err = excinfo.value
    assert err.rule_id == "R-QUORUM"
    assert err.message == f"{present} of {due} present; at least {needed} needed (2/3)"
    assert err.evidence == {"rule": "R-QUORUM", "due": due, "present": present, "needed": needed}


@pytest.mark.parametrize(
    ("due", "present", "fragment"),
    [
        (80, 81, "81 present but only 80 due"),
        (-1, 0, "due cannot be negative"),
        (10, -1, "present"),
        (0, 0, "nobody"),
    ],
)
def test_quorum_impossible_counts_are_refused_r_quorum(due: int, present: int, fragment: str) -> None:
    with pytest.raises(RuleViolation, match=fragment) as excinfo:
        check_quorum(due, present)
    assert excinfo.value.rule_id == "R-QUORUM"


@given(due=st.integers(min_value=1, max_value=100_000), data=st.data())
def test_quorum_agrees_with_exact_fraction_r_quorum(due: int, data: st.DataObject) -> None:
    """R-QUORUM property: passes exactly when present/due >= 2/3."""
    present = data.draw(st.integers(min_value=0, max_value=due))
    expected = Fraction(present, due) >= Fraction(2, 3)
    try:
        check_quorum(due, present)
        passed = True
    except RuleViolation:
        passed = False
    assert passed is expected


# --- R-ELECTED ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("due", "yes"), [(80, 41), (81, 41), (1, 1), (2, 2), (3, 2)])
def test_more_than_half_of_due_is_elected_r_elected(due: int, yes: int) -> None:
    evidence = check_elected(due, yes)
    assert evidence == {"rule": "R-ELECTED", "due": due, "yes": yes, "needed": due // 2 + 1}


@pytest.mark.parametrize(("due", "yes", "needed"), [(80, 40, 41), (81, 40, 41), (2, 1, 2), (1, 0, 1)])
def test_half_of_due_or_less_is_not_elected_r_elected(due: int, yes: int, needed: int) -> None:
    """R-ELECTED: exactly half of those due fails; one more passes."""
    with pytest.raises(RuleViolation) as excinfo:
        check_elected(due, yes)
    assert excinfo.value.rule_id == "R-ELECTED"
    assert excinfo.value.message == f"{yes} yes of {due} due to attend; more than half ({needed}) needed"


def test_yes_votes_above_due_are_refused_r_elected() -> None:
    with pytest.raises(RuleViolation, match="81 yes votes but only 80 due") as excinfo:
        check_elected(80, 81)
    assert excinfo.value.rule_id == "R-ELECTED"


@given(due=st.integers(min_value=1, max_value=100_000), data=st.data())
def test_elected_agrees_with_exact_fraction_r_elected(due: int, data: st.DataObject) -> None:
    """R-ELECTED property: elected exactly when yes/due > 1/2."""
    yes = data.draw(st.integers(min_value=0, max_value=due))
    try:
        check_elected(due, yes)
        passed = True
    except RuleViolation:
        passed = False
    assert passed is (Fraction(yes, due) > Fraction(1, 2))


# --- R-REMOVAL ----------------------------------------------------------------------------------


def test_removal_needs_more_than_half_of_all_r_removal() -> None:
    """R-REMOVAL: > half of ALL members or representatives: 51 of 100 passes, 50 fails."""
    assert check_removal(100, 51) == {"rule": "R-REMOVAL", "total": 100, "yes": 51, "needed": 51}
    with refused("R-REMOVAL", "50 yes of all 100", "(51)"):
        check_removal(100, 50)


def test_removal_with_odd_total_r_removal() -> None:
    check_removal(101, 51)
    with pytest.raises(RuleViolation, match="51"):
        check_removal(101, 50)
    with pytest.raises(RuleViolation, match="102 yes votes"):
        check_removal(101, 102)


# --- count_election: R-BALLOTS, R-ELECTED, R-TIE, R-SHORTFALL ------------------------------------


def count(
    tallies: dict[str, int],
    *,
    seats: int = 3,
    due: int = 80,
    issued: int = 80,
    returned: int = 80,
    invalid: int = 0,
    profile: RuleProfile = NATIONAL_DEFAULT,
    **kwargs: Any,
) -> Any:
    return count_election(seats, due, tallies, issued, returned, invalid, profile, **kwargs)


def test_count_all_seats_filled_by_majority_r_elected() -> None:
    """R-ELECTED: 80 due, 3 seats; 41+ yes wins, 40 does not (majority of due, not of present)."""
    result = count({"zhang": 55, "li": 41, "wang": 50, "zhao": 40})
    assert result.elected == ("zhang", "wang", "li")
    assert result.complete
    assert result.tied == ()
    assert result.shortfall_seats == 0
    assert result.evidence["needed"] == 41
    assert result.evidence["majority"] == ["zhang", "wang", "li"]
    assert result.evidence["rules_applied"] == ["R-BALLOTS", "R-ELECTED"]


def test_count_more_winners_than_seats_goes_by_votes_r_tie() -> None:
    """R-TIE: 4 majority winners for 3 seats with a clean cut-off: the top 3 take the seats."""
    result = count({"a": 60, "b": 55, "c": 50, "d": 45})
    assert result.elected == ("a", "b", "c")
    assert result.complete
    assert "R-TIE" in result.evidence["rules_applied"]
    assert result.evidence["cutoff_votes"] == 50


def test_count_tie_at_cutoff_revotes_among_tied_only_r_tie() -> None:
    """R-TIE: a tie at the cut-off goes to a re-vote among the tied only, for the seats left."""
    result = count({"a": 60, "b": 50, "c": 50, "d": 50, "e": 30})
    assert result.elected == ("a",)
    assert result.tied == ("b", "c", "d")
    assert result.tie_seats == 2
    assert not result.complete
    assert result.shortfall_seats == 0
    assert result.evidence["tied"] == ["b", "c", "d"]


def test_count_tie_below_cutoff_does_not_matter_r_tie() -> None:
    """R-TIE: a tie among candidates who all fit, or all miss, needs no re-vote."""
    result = count({"a": 52, "b": 50, "c": 50, "d": 42, "e": 42})
    assert result.elected == ("a", "b", "c")
    assert result.complete


def test_count_exact_fit_with_ties_needs_no_revote_r_tie() -> None:
    """Three winners tied for three seats: all are elected."""
    result = count({"a": 50, "b": 50, "c": 50, "d": 20})
    assert result.elected == ("a", "b", "c")
    assert result.complete


def test_count_shortfall_supplementary_vote_by_default_r_shortfall() -> None:
    """R-SHORTFALL: 2 of 3 seats filled; national profile: supplementary vote for 1 seat."""
    result = count({"a": 60, "b": 41, "c": 40, "d": 10})
    assert result.elected == ("a", "b")
    assert result.shortfall_seats == 1
    assert result.shortfall_action == "supplementary_vote"
    assert not result.complete
    assert result.evidence["shortfall_policy"] == "supplementary_vote"
    assert "R-SHORTFALL" in result.evidence["rules_applied"]


def test_count_shortfall_reduce_seats_when_committee_size_still_holds_r_shortfall() -> None:
    """R-SHORTFALL under a reduce_seats profile: 150 members (3–7 seats) elect 4 of 5: reduce to 4."""
    result = count(
        {"a": 60, "b": 55, "c": 50, "d": 45, "e": 40, "f": 10}, seats=5, profile=REDUCE, committee_members=150
    )
    assert result.elected == ("a", "b", "c", "d")
    assert result.shortfall_seats == 1
    assert result.shortfall_action == "reduce_seats"


def test_count_shortfall_cannot_reduce_below_committee_size_r_shortfall() -> None:
    """R-SHORTFALL: reducing 9 seats to 6 for 500 members breaks R-COMMITTEE-SIZE (7–15), so the
    missing seats go to a supplementary vote even under a reduce_seats profile."""
    tallies = {f"c{i}": 60 - i for i in range(6)} | {"x": 20, "y": 20, "z": 20}
    result = count(tallies, seats=9, profile=REDUCE, committee_members=500)
    assert len(result.elected) == 6
    assert result.shortfall_seats == 3
    assert result.shortfall_action == "supplementary_vote"


def test_count_nobody_elected_always_supplementary_r_shortfall() -> None:
    result = count({"a": 40, "b": 12}, profile=REDUCE)
    assert result.elected == ()
    assert result.shortfall_seats == 3
    assert result.shortfall_action == "supplementary_vote"


def test_count_more_ballots_returned_than_issued_voids_round_r_ballots() -> None:
    """R-BALLOTS: 61 returned of 60 issued voids the round."""
    with refused("R-BALLOTS", "61 ballots returned but only 60 issued", "void", ballots_returned=61):
        count({"a": 50}, issued=60, returned=61)


def test_count_returned_equal_issued_is_fine_r_ballots() -> None:
    result = count({"a": 50}, seats=1, issued=60, returned=60, invalid=2)  # 58 valid ballots
    assert result.elected == ("a",)
    assert result.evidence["valid_ballots"] == 58


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"issued": 81, "returned": 81}, "81 ballots issued but only 80"),
        ({"issued": 60, "returned": 60, "invalid": 61}, "61 invalid ballots"),
        ({"invalid": 30, "tallies": {"a": 51}}, "a has 51 votes but there are 50 valid"),
        ({"seats": 1, "issued": 60, "returned": 60, "tallies": {"a": 41, "b": 20}}, "61 votes on 60 valid"),
        ({"issued": -1}, "ballots issued cannot be negative"),
    ],
)
def test_count_impossible_tallies_are_refused_r_ballots(kwargs: dict[str, Any], fragment: str) -> None:
    tallies = kwargs.pop("tallies", {"a": 45})
    with pytest.raises(RuleViolation, match=fragment) as excinfo:
        count(tallies, **kwargs)
    assert excinfo.value.rule_id == "R-BALLOTS"


def test_count_evidence_is_json_safe() -> None:
    result = count({"a": 60, "b": 50, "c": 50, "d": 50})
    assert json.loads(json.dumps(result.evidence)) == result.evidence
