"""Form of organisation and congress type (RULES.md §2, §3): R-FORM-25, R-CONGRESS-TYPE, R-REP-BANDS,
R-COMMITTEE-SIZE, R-WOMEN, R-FUNDS-REVIEW, R-FULLTIME, R-PREP-GROUP."""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.rules_support import N, profile
from workflow.errors import RuleViolation
from workflow.rules import (
    check_committee_size,
    check_congress_type,
    check_form_of_organisation,
    check_funds_review,
    check_prep_group,
    check_representative_count,
    check_women_committee,
    committee_size_range,
    fulltime_chair_warning,
    representative_range,
    women_organisation_required,
)

# --- R-FORM-25 ----------------------------------------------------------------------------------


@pytest.mark.parametrize("form", ["organiser", "chair", "joint_union"])
def test_twenty_five_members_need_a_committee_r_form_25(form: Any) -> None:
    """R-FORM-25: at 25 members (the threshold itself) only a committee will do."""
    with pytest.raises(RuleViolation) as excinfo:
        check_form_of_organisation(25, form, N)
    assert excinfo.value.rule_id == "R-FORM-25"
    assert "25 members (at least 25)" in excinfo.value.message


@pytest.mark.parametrize("form", ["committee", "organiser", "chair", "joint_union"])
def test_below_twenty_five_any_form_is_allowed_r_form_25(form: Any) -> None:
    assert check_form_of_organisation(24, form, N) == {
        "rule": "R-FORM-25",
        "members": 24,
        "form": form,
        "threshold": 25,
    }


def test_committee_is_allowed_at_any_size_r_form_25() -> None:
    check_form_of_organisation(25, "committee", N)
    check_form_of_organisation(3000, "committee", N)


def test_unknown_form_is_a_programming_error_r_form_25() -> None:
    with pytest.raises(ValueError, match="unknown form of organisation 'council'"):
        check_form_of_organisation(10, "council", N)  # type: ignore[arg-type]


# --- R-CONGRESS-TYPE ----------------------------------------------------------------------------


def test_hundred_members_must_hold_members_meeting_r_congress_type() -> None:
    """R-CONGRESS-TYPE boundary: 100 members (the maximum) still must hold a members' meeting."""
    with pytest.raises(RuleViolation) as excinfo:
        check_congress_type(100, "representative_congress", N)
    assert excinfo.value.rule_id == "R-CONGRESS-TYPE"
    assert "100 members (at most 100)" in excinfo.value.message


def test_above_hundred_either_type_is_allowed_r_congress_type() -> None:
    assert check_congress_type(101, "representative_congress", N)["members"] == 101
    check_congress_type(101, "members_meeting", N)
    check_congress_type(5000, "members_meeting", N)
    check_congress_type(1, "members_meeting", N)


# --- R-REP-BANDS --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("members", "expected"),
    [
        (101, (31, 101)),  # ≤ 200: ≥ 30 %, ceil(30.3) = 31
        (150, (45, 150)),
        (200, (60, 200)),
        (201, (41, 50)),  # 201–500: 20–25 %, ceil(40.2) .. floor(50.25)
        (500, (100, 125)),
        (501, (51, 100)),  # 501–1000: 10–20 %
        (1000, (100, 200)),
        (1001, (61, 100)),  # 1001–3000: 6–10 %, ceil(60.06) .. floor(100.1)
        (3000, (180, 300)),
        (3001, (151, 3001)),  # > 3000: at least 5 %
        (60, (30, 60)),  # never fewer than 30 (only reachable for small unions)
        (20, (20, 20)),  # ... but never more than the members
    ],
)
def test_representative_range_per_band_r_rep_bands(members: int, expected: tuple[int, int]) -> None:
    """R-REP-BANDS: fewest rounds the share up, most rounds the cap down, minimum 30."""
    assert representative_range(members, N) == expected


def test_representative_count_at_band_edges_r_rep_bands() -> None:
    """R-REP-BANDS: 201 members: 41 and 50 pass, 40 and 51 fail."""
    assert check_representative_count(201, 41, N)["min"] == 41
    check_representative_count(201, 50, N)
    for reps in (40, 51):
        with pytest.raises(RuleViolation) as excinfo:
            check_representative_count(201, reps, N)
        assert excinfo.value.rule_id == "R-REP-BANDS"
        assert f"{reps} representatives for 201 members; 41 to 50 required" in excinfo.value.message


def test_representative_count_message_names_the_band_r_rep_bands() -> None:
    with pytest.raises(RuleViolation) as excinfo:
        check_representative_count(1000, 25, N)
    assert excinfo.value.message == (
        "25 representatives for 1000 members; 100 to 200 required (10% to 20% of members, never fewer than 30)"
    )
    assert excinfo.value.evidence["band_max_members"] == 1000


def test_representative_minimum_wins_over_a_low_rate_r_rep_bands() -> None:
    """R-REP-BANDS: "never fewer than 30" even when a local band's rate gives fewer."""
    low = profile(representative_bands=[{"max_members": None, "min_rate": "0.05", "max_rate": "0.08"}])
    assert representative_range(300, low) == (30, 30)  # 5 % = 15, cap 8 % = 24: the minimum wins
    check_representative_count(300, 30, low)
    with pytest.raises(RuleViolation, match="29 representatives for 300 members; 30 to 30"):
        check_representative_count(300, 29, low)


# --- R-COMMITTEE-SIZE ---------------------------------------------------------------------------


# R-COMMITTEE-SIZE's bands: the fewest and the most members of each (the last has no most), and
# the fewest and the most seats it allows; each band is tested at both its edges.
COMMITTEE_BANDS = [
    ((3, 24), (3, 5)),
    ((25, 200), (3, 7)),
    ((201, 1000), (7, 15)),
    ((1001, 5000), (15, 21)),
    ((5001, 10000), (21, 29)),
    ((10001, 50000), (29, 37)),
    ((50001,), (37, 45)),
]


@pytest.mark.parametrize(("members", "expected"), [(m, seats) for edges, seats in COMMITTEE_BANDS for m in edges])
def test_committee_size_band_edges_r_committee_size(members: int, expected: tuple[int, int]) -> None:
    assert committee_size_range(members, N) == expected
    low, high = expected
    check_committee_size(members, low, N)
    if high <= members:
        check_committee_size(members, high, N)
    for seats in (low - 1, high + 1):
        with pytest.raises(RuleViolation) as excinfo:
            check_committee_size(members, seats, N)
        assert excinfo.value.rule_id == "R-COMMITTEE-SIZE"
        assert f"{seats} seats for {members} members; {low} to {high} allowed" == excinfo.value.message


def test_committee_cannot_have_more_seats_than_members_r_committee_size() -> None:
    with pytest.raises(RuleViolation, match="5 seats cannot be filled from 4 members"):
        check_committee_size(4, 5, N)


def test_even_committee_allowed_by_default_refused_when_profile_requires_odd_r_committee_size() -> None:
    """R-COMMITTEE-SIZE: "odd sizes in practice" is a profile switch, off in the national default."""
    assert check_committee_size(150, 6, N)["odd_required"] is False
    odd = profile(odd_committee_size_required=True)
    check_committee_size(150, 7, odd)
    with pytest.raises(RuleViolation, match="6 seats: this profile requires an odd committee size"):
        check_committee_size(150, 6, odd)


# --- R-WOMEN ------------------------------------------------------------------------------------


def test_women_committee_threshold_boundary_r_women() -> None:
    """R-WOMEN: 10 female members need a committee; 9 need one women workers' member."""
    assert women_organisation_required(10, N) == "committee"
    assert women_organisation_required(9, N) == "member"
    assert women_organisation_required(0, N) == "none"
    with pytest.raises(RuleViolation) as excinfo:
        check_women_committee(10, False, N)
    assert excinfo.value.rule_id == "R-WOMEN"
    assert "10 female members (at least 10)" in excinfo.value.message
    check_women_committee(9, False, N)


def test_women_committee_below_threshold_is_still_allowed_r_women() -> None:
    evidence = check_women_committee(5, True, N)
    assert evidence["required"] == "member"
    assert evidence["has_women_committee"] is True


# --- R-FUNDS-REVIEW -----------------------------------------------------------------------------


def test_funds_review_without_office_holders_passes_r_funds_review() -> None:
    evidence = check_funds_review({"zhou", "wu", "zheng"}, "zhang", ["li", "wang"], "zhao")
    assert evidence["funds_review_members"] == ["wu", "zheng", "zhou"]
    assert evidence["conflicts"] == []


@pytest.mark.parametrize(("member", "role"), [("zhang", "chair"), ("li", "vice-chair"), ("zhao", "finance person")])
def test_office_holders_may_not_sit_on_funds_review_r_funds_review(member: str, role: str) -> None:
    with pytest.raises(RuleViolation) as excinfo:
        check_funds_review({"zhou", member}, "zhang", ["li", "wang"], "zhao")
    assert excinfo.value.rule_id == "R-FUNDS-REVIEW"
    assert f"{member} ({role})" in excinfo.value.message
    assert excinfo.value.evidence["conflicts"] == [member]


def test_funds_review_committee_must_exist_r_funds_review() -> None:
    with pytest.raises(RuleViolation, match="no funds review committee"):
        check_funds_review(set(), "zhang", [], None)


# --- R-FULLTIME ---------------------------------------------------------------------------------


def test_fulltime_chair_is_a_warning_from_200_employees_r_fulltime() -> None:
    """R-FULLTIME: a warning, never a refusal."""
    warnings = fulltime_chair_warning(200, False, N)
    assert len(warnings) == 1
    assert warnings[0]["rule"] == "R-FULLTIME"
    assert "200 employees (at least 200)" in warnings[0]["warning"]
    assert fulltime_chair_warning(199, False, N) == []
    assert fulltime_chair_warning(5000, True, N) == []


# --- R-PREP-GROUP -------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [3, 5, 7])
def test_prep_group_of_three_to_seven_passes_r_prep_group(size: int) -> None:
    assert check_prep_group(size, N) == {"rule": "R-PREP-GROUP", "size": size, "min": 3, "max": 7}


@pytest.mark.parametrize("size", [0, 2, 8])
def test_prep_group_outside_three_to_seven_fails_r_prep_group(size: int) -> None:
    with pytest.raises(RuleViolation) as excinfo:
        check_prep_group(size, N)
    assert excinfo.value.rule_id == "R-PREP-GROUP"
    assert f"preparatory group of {size}; 3 to 7 people required" == excinfo.value.message
