"""Candidates (RULES.md §4): R-CANDIDATES, R-CHAIR-COMPETITIVE, R-NOTICE, R-INELIGIBLE. (R-VETTING is
checked at its steps, the filing and the higher-level union's approval: tests/unit/test_workflow_election.py.)"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from events.catalogue import Candidate
from tests.unit.rules_support import N, profile, refused
from workflow.errors import RuleViolation
from workflow.rules import (
    candidates_needed,
    check_candidates,
    check_chair_competitive,
    check_ineligible,
    check_notice,
    earliest_congress_on,
)

TEN_PERCENT = profile(candidate_surplus_rate="0.10")


# --- R-CANDIDATES -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seats", "needed"),
    [
        (1, 2),  # at least one more
        (7, 8),  # worked example 7
        (20, 21),  # ceil(5 % × 20) = 1 exactly
        (21, 23),  # ceil(1.05) = 2
        (40, 42),
        (41, 44),  # ceil(2.05) = 3
    ],
)
def test_candidates_at_exact_minimum_pass_one_less_fails_r_candidates(seats: int, needed: int) -> None:
    """R-CANDIDATES: candidates ≥ seats + max(1, ceil(5 % × seats))."""
    assert candidates_needed(seats, N) == needed
    assert check_candidates(seats, needed, N) == {
        "rule": "R-CANDIDATES",
        "seats": seats,
        "candidates": needed,
        "needed": needed,
        "rate": "0.05",
    }
    with refused("R-CANDIDATES", f"{needed - 1} candidates for {seats} seats; at least {needed} needed"):
        check_candidates(seats, needed - 1, N)


@pytest.mark.parametrize(("seats", "needed"), [(7, 8), (10, 11), (11, 13), (15, 17)])
def test_candidates_under_a_ten_percent_profile_r_candidates(seats: int, needed: int) -> None:
    """R-CANDIDATES: many localities use 10 %."""
    assert candidates_needed(seats, TEN_PERCENT) == needed
    check_candidates(seats, needed, TEN_PERCENT)
    with pytest.raises(RuleViolation, match=r"ceil\(10% × "):
        check_candidates(seats, needed - 1, TEN_PERCENT)


@given(
    seats=st.integers(min_value=1, max_value=500),
    surplus=st.integers(min_value=-3, max_value=60),
    rate=st.sampled_from(["0", "0.05", "0.07", "0.1", "0.14", "0.15", "0.2", "0.28", "0.333"]),
)
def test_candidates_property_surplus_covers_rate_and_one_r_candidates(seats: int, surplus: int, rate: str) -> None:
    """R-CANDIDATES property: passes exactly when the surplus is at least one and at least
    rate × seats, compared as exact fractions."""
    p = profile(candidate_surplus_rate=rate)
    expected = surplus >= 1 and surplus >= Fraction(Decimal(rate)) * seats
    try:
        check_candidates(seats, max(0, seats + surplus), p)
        passed = True
    except RuleViolation:
        passed = False
    assert passed is expected


@pytest.mark.parametrize(("rate", "seats", "needed"), [("0.14", 50, 57), ("0.07", 100, 107), ("0.28", 25, 32)])
def test_candidates_rate_is_exact_not_float_r_candidates(rate: str, seats: int, needed: int) -> None:
    """R-CANDIDATES: 0.14 × 50 is exactly 7, but as floats it is 7.000000000000001 and would
    round up to 8; the rule must ask for 57 candidates, not 58."""
    p = profile(candidate_surplus_rate=rate)
    assert candidates_needed(seats, p) == needed
    check_candidates(seats, needed, p)
    with pytest.raises(RuleViolation):
        check_candidates(seats, needed - 1, p)


def test_candidates_need_a_seat_r_candidates() -> None:
    with pytest.raises(RuleViolation, match="at least one seat"):
        check_candidates(0, 3, N)


# --- R-CHAIR-COMPETITIVE ------------------------------------------------------------------------


def test_enterprise_chair_needs_more_candidates_than_seats_r_chair_competitive() -> None:
    with refused("R-CHAIR-COMPETITIVE", "1 chair candidates for 1 seat(s); at least 2 needed"):
        check_chair_competitive("enterprise", 1, N)
    assert check_chair_competitive("enterprise", 2, N)["competitive"] is True


def test_unopposed_chair_allowed_outside_enterprises_r_chair_competitive() -> None:
    assert check_chair_competitive("public_institution", 1, N)["needed"] == 1
    with pytest.raises(RuleViolation, match="0 chair candidates for 1 seat"):
        check_chair_competitive("public_institution", 0, N)


def test_competitive_unit_types_are_configurable_r_chair_competitive() -> None:
    p = profile(chair_competitive_unit_types=["enterprise", "public_institution"])
    with pytest.raises(RuleViolation):
        check_chair_competitive("public_institution", 1, p)
    check_chair_competitive("enterprise", 3, p, chair_seats=2)
    with pytest.raises(RuleViolation, match="2 chair candidates for 2 seat"):
        check_chair_competitive("enterprise", 2, p, chair_seats=2)


# --- R-NOTICE -----------------------------------------------------------------------------------
# Convention: full working days strictly between the posting day and the congress day.


def test_notice_monday_to_next_monday_is_four_working_days_refused_r_notice() -> None:
    """Given a list posted Monday 2024-03-04, when the congress is Monday 2024-03-11, then only
    Tue..Fri lie between: 4 < 5, refused, and the earliest congress is Tuesday 2024-03-12."""
    says = ("4 full working days in between; at least 5 needed", "earliest congress 2024-03-12")
    with refused("R-NOTICE", *says, working_days=4):
        check_notice(date(2024, 3, 4), date(2024, 3, 11), "enterprise", False, N)


def test_notice_monday_to_tuesday_week_after_passes_r_notice() -> None:
    evidence = check_notice(date(2024, 3, 4), date(2024, 3, 12), "enterprise", False, N)
    assert evidence == {
        "rule": "R-NOTICE",
        "posted_on": "2024-03-04",
        "congress_on": "2024-03-12",
        "working_days": 5,
        "working_days_needed": 5,
        "calendar_days": 8,
        "calendar_days_needed": None,
        "earliest_congress_on": "2024-03-12",
    }


def test_notice_friday_to_monday_week_after_passes_r_notice() -> None:
    check_notice(date(2024, 3, 1), date(2024, 3, 11), "government_organ", False, N)


def test_notice_holiday_in_between_does_not_count_r_notice() -> None:
    p = profile(holidays=["2024-03-06"])
    with pytest.raises(RuleViolation, match="4 full working days"):
        check_notice(date(2024, 3, 4), date(2024, 3, 12), "enterprise", False, p)
    assert earliest_congress_on(date(2024, 3, 4), "enterprise", False, p) == date(2024, 3, 13)


def test_enterprise_chair_list_needs_seven_calendar_days_r_notice() -> None:
    """Posted Sunday 2024-03-03, congress Saturday 2024-03-09: 5 working days (Mon..Fri) but only
    6 calendar days: refused for an enterprise chair list, fine for other lists."""
    posted, congress = date(2024, 3, 3), date(2024, 3, 9)
    says = ("6 days for an enterprise chair list; at least 7 needed", "earliest congress 2024-03-10")
    with refused("R-NOTICE", *says):
        check_notice(posted, congress, "enterprise", True, N)
    check_notice(posted, congress, "enterprise", False, N)
    check_notice(posted, congress, "public_institution", True, N)


def test_enterprise_chair_list_exactly_seven_days_passes_r_notice() -> None:
    """congress_on - posted_on == 7 days is enough for an enterprise chair list."""
    evidence = check_notice(date(2024, 3, 3), date(2024, 3, 10), "enterprise", True, N)
    assert (evidence["calendar_days"], evidence["calendar_days_needed"]) == (7, 7)


def test_notice_posted_after_congress_is_refused_r_notice() -> None:
    with pytest.raises(RuleViolation, match="after the congress"):
        check_notice(date(2024, 3, 12), date(2024, 3, 11), "enterprise", False, N)


# --- R-INELIGIBLE -------------------------------------------------------------------------------


def test_close_relative_of_principal_leader_barred_from_committee_r_ineligible() -> None:
    facts = Candidate(name="zhang", close_relative_of_principal_leader=True)
    for unit_type in ("enterprise", "public_institution"):
        with refused("R-INELIGIBLE", "zhang may not be on the committee"):
            check_ineligible(facts, "committee", unit_type)
    with pytest.raises(RuleViolation, match="close relative"):
        check_ineligible(facts, "chair", "public_institution")


@pytest.mark.parametrize(
    ("flag", "words"),
    [
        ("administrative_head_or_deputy", "administrative head or deputy"),
        ("partner_or_relative_of_partner", "partner"),
        ("hr_head", "head of the HR department"),
        ("foreign_employee", "foreign employee"),
    ],
)
def test_enterprise_chair_bars_r_ineligible(flag: str, words: str) -> None:
    """R-INELIGIBLE (Chair Measures §6): barred from chairing an enterprise union only."""
    facts = Candidate.model_validate({"name": "li", flag: True})
    with refused("R-INELIGIBLE", "li may not be chair (enterprise union)", words, bars=[flag]):
        check_ineligible(facts, "chair", "enterprise")
    check_ineligible(facts, "committee", "enterprise")
    check_ineligible(facts, "chair", "public_institution")


def test_eligible_candidate_evidence_r_ineligible() -> None:
    evidence = check_ineligible(Candidate(name="wang"), "chair", "enterprise")
    assert evidence == {
        "rule": "R-INELIGIBLE",
        "candidate": "wang",
        "position": "chair",
        "unit_type": "enterprise",
        "bars": [],
    }


def test_several_bars_are_all_named_r_ineligible() -> None:
    facts = Candidate(name="zhao", hr_head=True, foreign_employee=True)
    with pytest.raises(RuleViolation) as excinfo:
        check_ineligible(facts, "chair", "enterprise")
    assert excinfo.value.evidence["bars"] == ["hr_head", "foreign_employee"]
