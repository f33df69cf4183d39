"""Terms and re-election (RULES.md §5, §6): R-TERM, R-TERM-END, R-EXTENSION, R-EARLY, R-VACANCY and
the A-TERM-DUE / A-TERM-OVERDUE date helpers."""

from __future__ import annotations

from datetime import date

import pytest

from tests.unit.rules_support import N, profile
from workflow.errors import RuleViolation
from workflow.rules import (
    check_early_reelection,
    check_extension,
    check_term_years,
    is_overdue,
    term_due_from,
    term_end,
    vacancy_deadline,
)

# --- R-TERM -------------------------------------------------------------------------------------


@pytest.mark.parametrize("years", [3, 5])
def test_three_or_five_year_terms_allowed_nationally_r_term(years: int) -> None:
    assert check_term_years(years, N) == {"rule": "R-TERM", "years": years, "allowed": [3, 5]}


@pytest.mark.parametrize("years", [2, 4, 6])
def test_other_term_lengths_refused_nationally_r_term(years: int) -> None:
    """R-TERM: the Law says 3 or 5 years; 4 is only allowed by a profile that opts in."""
    with pytest.raises(RuleViolation) as excinfo:
        check_term_years(years, N)
    assert excinfo.value.rule_id == "R-TERM"
    assert excinfo.value.message == f"a term of {years} years is not allowed; allowed: 3, 5 years"


def test_four_year_term_allowed_by_a_charter_profile_r_term() -> None:
    """R-TERM: the Charter's 3 to 5 may be configured."""
    charter = profile(term_years_allowed=[3, 4, 5])
    assert check_term_years(4, charter)["allowed"] == [3, 4, 5]


# --- R-TERM-END ---------------------------------------------------------------------------------


def test_term_end_is_start_plus_years_r_term_end() -> None:
    assert term_end(date(2019, 3, 1), 5) == date(2024, 3, 1)
    assert term_end(date(2020, 2, 29), 3) == date(2023, 2, 28)
    assert term_end(date(2020, 2, 29), 4) == date(2024, 2, 29)


# --- R-EXTENSION --------------------------------------------------------------------------------


def test_extension_exactly_at_the_limit_passes_r_extension() -> None:
    """R-EXTENSION: term end 2024-03-01 + 6 months = 2024-09-01, inclusive."""
    evidence = check_extension(date(2024, 3, 1), date(2024, 9, 1), N)
    assert evidence == {
        "rule": "R-EXTENSION",
        "term_end": "2024-03-01",
        "new_deadline": "2024-09-01",
        "latest_allowed": "2024-09-01",
        "max_months": 6,
    }


def test_extension_one_day_past_the_limit_fails_r_extension() -> None:
    with pytest.raises(RuleViolation) as excinfo:
        check_extension(date(2024, 3, 1), date(2024, 9, 2), N)
    assert excinfo.value.rule_id == "R-EXTENSION"
    assert excinfo.value.message == (
        "new deadline 2024-09-02 is after 2024-09-01, the latest allowed (term end 2024-03-01 + 6 months)"
    )


def test_extension_limit_from_month_end_is_clamped_r_extension() -> None:
    """R-TERM-END inside R-EXTENSION: 2023-08-31 + 6 months = 2024-02-29."""
    check_extension(date(2023, 8, 31), date(2024, 2, 29), N)
    with pytest.raises(RuleViolation, match="latest allowed"):
        check_extension(date(2023, 8, 31), date(2024, 3, 1), N)


@pytest.mark.parametrize("new_deadline", [date(2024, 3, 1), date(2024, 2, 1)])
def test_extension_must_move_deadline_after_term_end_r_extension(new_deadline: date) -> None:
    with pytest.raises(RuleViolation, match="is not after the term end 2024-03-01") as excinfo:
        check_extension(date(2024, 3, 1), new_deadline, N)
    assert excinfo.value.rule_id == "R-EXTENSION"


def test_extension_limit_is_configurable_r_extension() -> None:
    three = profile(extension_max_months=3)
    check_extension(date(2024, 3, 1), date(2024, 6, 1), three)
    with pytest.raises(RuleViolation, match=r"\+ 3 months"):
        check_extension(date(2024, 3, 1), date(2024, 6, 2), three)


# --- R-EARLY ------------------------------------------------------------------------------------


def test_early_reelection_before_term_end_passes_r_early() -> None:
    assert check_early_reelection(date(2024, 3, 1), date(2024, 2, 29)) == {
        "rule": "R-EARLY",
        "term_end": "2024-03-01",
        "new_congress_on": "2024-02-29",
    }


@pytest.mark.parametrize("congress_on", [date(2024, 3, 1), date(2024, 4, 1)])
def test_early_reelection_on_or_after_term_end_is_not_early_r_early(congress_on: date) -> None:
    with pytest.raises(RuleViolation) as excinfo:
        check_early_reelection(date(2024, 3, 1), congress_on)
    assert excinfo.value.rule_id == "R-EARLY"
    assert f"congress on {congress_on} is not before the term end 2024-03-01" in excinfo.value.message


# --- R-VACANCY and alert dates ------------------------------------------------------------------


def test_vacancy_deadline_is_three_months_r_vacancy() -> None:
    assert vacancy_deadline(date(2024, 5, 10), N) == date(2024, 8, 10)
    assert vacancy_deadline(date(2023, 11, 30), N) == date(2024, 2, 29)  # R-TERM-END clamp
    assert vacancy_deadline(date(2024, 5, 10), profile(vacancy_months=2)) == date(2024, 7, 10)


def test_term_due_from_is_two_months_before_deadline_a_term_due() -> None:
    assert term_due_from(date(2024, 3, 1), N) == date(2024, 1, 1)
    assert term_due_from(date(2024, 4, 30), N) == date(2024, 2, 29)
    assert term_due_from(date(2024, 3, 1), profile(term_due_reminder_months=3)) == date(2023, 12, 1)


def test_overdue_only_after_the_deadline_day_a_term_overdue() -> None:
    assert not is_overdue(date(2024, 3, 1), date(2024, 3, 1))
    assert is_overdue(date(2024, 3, 1), date(2024, 3, 2))
    assert not is_overdue(date(2024, 3, 1), date(2024, 2, 29))
