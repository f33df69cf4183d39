"""RULES.md §8 worked examples 1, 2, 4, 5, 6, 7, 8, 9 and 10, with their exact numbers.

(Example 3 is about an unapproved extension request and example 11 about step order: both belong to
the procedure, not to these pure rules.)"""

from __future__ import annotations

from datetime import date

import pytest

from workflow.errors import RuleViolation
from workflow.profile import NATIONAL_DEFAULT, RuleProfile
from workflow.rules import (
    check_candidates,
    check_committee_size,
    check_congress_type,
    check_elected,
    check_extension,
    check_form_of_organisation,
    check_quorum,
    check_women_committee,
    count_election,
    is_overdue,
    term_due_from,
    term_end,
    vacancy_deadline,
    women_organisation_required,
)

N = NATIONAL_DEFAULT


def test_example_1_five_year_term_r_term_end_a_term_due_a_term_overdue() -> None:
    """Given a congress on 2019-03-01 and a 5-year term, the term ends 2024-03-01, A-TERM-DUE runs
    from 2024-01-01, and the union is overdue from 2024-03-02."""
    end = term_end(date(2019, 3, 1), 5)
    assert end == date(2024, 3, 1)
    assert term_due_from(end, N) == date(2024, 1, 1)
    assert not is_overdue(end, date(2024, 3, 1))
    assert is_overdue(end, date(2024, 3, 2))


def test_example_2_six_month_extension_r_extension() -> None:
    """Given the same term, a 6-month extension gives the deadline 2024-09-01: not overdue that day,
    overdue on 2024-09-02. An 8-month extension (2024-11-01) is refused."""
    end = date(2024, 3, 1)
    check_extension(end, date(2024, 9, 1), N)
    assert not is_overdue(date(2024, 9, 1), date(2024, 9, 1))
    assert is_overdue(date(2024, 9, 1), date(2024, 9, 2))
    with pytest.raises(RuleViolation) as excinfo:
        check_extension(end, date(2024, 11, 1), N)
    assert excinfo.value.rule_id == "R-EXTENSION"
    assert "2024-11-01" in excinfo.value.message
    assert "2024-09-01" in excinfo.value.message


def test_example_4_term_from_29_february_r_term_end() -> None:
    """A term starting 2020-02-29 for 3 years ends 2023-02-28."""
    assert term_end(date(2020, 2, 29), 3) == date(2023, 2, 28)


def test_example_5_quorum_of_80_due_r_quorum() -> None:
    """Members' meeting with 80 due: 53 present fails (159 < 160); 54 passes."""
    with pytest.raises(RuleViolation) as excinfo:
        check_quorum(80, 53)
    assert excinfo.value.rule_id == "R-QUORUM"
    assert str(excinfo.value) == "R-QUORUM: 53 of 80 present; at least 54 needed (2/3)"
    assert check_quorum(80, 54) == {"rule": "R-QUORUM", "due": 80, "present": 54, "needed": 54}


def test_example_6_majority_of_due_not_present_r_elected() -> None:
    """80 due, 60 present: 40 yes is not elected (80 is not > 80); 41 is."""
    check_quorum(80, 60)
    with pytest.raises(RuleViolation) as excinfo:
        check_elected(80, 40)
    assert excinfo.value.rule_id == "R-ELECTED"
    assert "40 yes of 80 due" in excinfo.value.message
    assert check_elected(80, 41)["needed"] == 41
    # The same in a counted round: 60 ballots, one seat.
    result = count_election(1, 80, {"zhang": 41, "li": 19}, 60, 60, 0, N)
    assert result.elected == ("zhang",)
    result = count_election(1, 80, {"zhang": 40, "li": 20}, 60, 60, 0, N)
    assert result.elected == ()
    assert result.shortfall_seats == 1


def test_example_7_seven_seats_need_eight_candidates_r_candidates() -> None:
    """7 committee seats at 5 %: at least 8 candidates; 7 are refused."""
    assert check_candidates(7, 8, N)["needed"] == 8
    with pytest.raises(RuleViolation) as excinfo:
        check_candidates(7, 7, N)
    assert excinfo.value.rule_id == "R-CANDIDATES"
    assert "7 candidates for 7 seats; at least 8 needed" in excinfo.value.message


def test_example_8_committee_of_9_for_150_members_r_committee_size() -> None:
    """150 members electing a committee of 9: refused (3–7)."""
    with pytest.raises(RuleViolation) as excinfo:
        check_committee_size(150, 9, N)
    assert excinfo.value.rule_id == "R-COMMITTEE-SIZE"
    assert excinfo.value.message == "9 seats for 150 members; 3 to 7 allowed"


def test_example_8_representative_congress_for_95_members_r_congress_type() -> None:
    """95 members asking for a representative congress: refused."""
    with pytest.raises(RuleViolation) as excinfo:
        check_congress_type(95, "representative_congress", N)
    assert excinfo.value.rule_id == "R-CONGRESS-TYPE"
    assert "95 members (at most 100)" in excinfo.value.message
    check_congress_type(95, "members_meeting", N)


def test_example_8_organiser_for_30_members_r_form_25() -> None:
    """30 members electing only an organiser: refused."""
    with pytest.raises(RuleViolation) as excinfo:
        check_form_of_organisation(30, "organiser", N)
    assert excinfo.value.rule_id == "R-FORM-25"
    assert excinfo.value.message == "30 members (at least 25): a union committee is required, not organiser"


def test_example_9_twelve_female_members_r_women() -> None:
    """12 female members: a women's committee under the national profile, one women's member under
    a 25-threshold (Beijing) profile."""
    beijing = RuleProfile.model_validate(
        N.model_dump(mode="json") | {"name": "beijing", "women_committee_threshold": 25}
    )
    assert women_organisation_required(12, N) == "committee"
    with pytest.raises(RuleViolation) as excinfo:
        check_women_committee(12, False, N)
    assert excinfo.value.rule_id == "R-WOMEN"
    assert "12 female members (at least 10)" in excinfo.value.message
    assert women_organisation_required(12, beijing) == "member"
    assert check_women_committee(12, False, beijing)["required"] == "member"


def test_example_10_chair_vacancy_r_vacancy_a_vacancy_overdue() -> None:
    """Chair leaves 2024-05-10: by-election due by 2024-08-10; A-VACANCY-OVERDUE on 2024-08-11."""
    deadline = vacancy_deadline(date(2024, 5, 10), N)
    assert deadline == date(2024, 8, 10)
    assert not is_overdue(deadline, date(2024, 8, 10))
    assert is_overdue(deadline, date(2024, 8, 11))
