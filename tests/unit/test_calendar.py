"""workflow.calendar: R-TERM-END month/year arithmetic and R-NOTICE working days."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workflow.calendar import (
    OFFICIAL,
    OFFICIAL_YEARS,
    CalendarUnknown,
    WorkingCalendar,
    add_months,
    add_working_days,
    add_years,
    days_in_month,
    working_days_between,
)

# 2024-03-04 is a Monday.
MON = date(2024, 3, 4)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2023, 8, 31), 6, date(2024, 2, 29)),  # R-TERM-END: leap year, last day of February
        (date(2022, 8, 31), 6, date(2023, 2, 28)),  # R-TERM-END: common year
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2024, 3, 31), 1, date(2024, 4, 30)),
        (date(2024, 3, 1), 6, date(2024, 9, 1)),  # R-EXTENSION worked example 2
        (date(2024, 5, 10), 3, date(2024, 8, 10)),  # R-VACANCY worked example 10
        (date(2024, 11, 15), 2, date(2025, 1, 15)),  # crosses the year
        (date(2024, 3, 1), 0, date(2024, 3, 1)),
    ],
)
def test_add_months_lands_on_same_day_or_month_end_r_term_end(start: date, months: int, expected: date) -> None:
    """R-TERM-END: same day of the target month, or its last day when that day does not exist."""
    assert add_months(start, months) == expected


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2024, 3, 1), -2, date(2024, 1, 1)),  # A-TERM-DUE worked example 1
        (date(2024, 4, 30), -2, date(2024, 2, 29)),
        (date(2024, 3, 31), -1, date(2024, 2, 29)),
        (date(2023, 3, 31), -1, date(2023, 2, 28)),
        (date(2024, 1, 15), -1, date(2023, 12, 15)),  # crosses the year backwards
    ],
)
def test_add_months_negative_goes_back_with_same_clamp_r_term_end(start: date, months: int, expected: date) -> None:
    """R-TERM-END applies to "N months before" too (A-TERM-DUE)."""
    assert add_months(start, months) == expected


def test_add_years_from_29_february_lands_on_28_february_r_term_end() -> None:
    """R-TERM-END / worked example 4: 2020-02-29 + 3 years = 2023-02-28."""
    assert add_years(date(2020, 2, 29), 3) == date(2023, 2, 28)
    assert add_years(date(2020, 2, 29), 4) == date(2024, 2, 29)
    assert add_years(date(2019, 3, 1), 5) == date(2024, 3, 1)


def test_add_months_outside_date_range_raises_overflow_r_term_end() -> None:
    with pytest.raises(OverflowError):
        add_months(date(9999, 12, 1), 1)
    with pytest.raises(OverflowError):
        add_months(date(1, 1, 31), -1)


def test_days_in_month() -> None:
    assert [days_in_month(2024, m) for m in range(1, 13)] == [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    assert days_in_month(2023, 2) == 28
    assert days_in_month(1900, 2) == 28
    assert days_in_month(2000, 2) == 29


@given(
    d=st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)),
    months=st.integers(min_value=-1200, max_value=1200),
)
def test_add_months_property_right_month_and_clamped_day_r_term_end(d: date, months: int) -> None:
    """R-TERM-END property: the result is in the month `months` away, on the same day or the last
    day of that month, and adding months never overflows into the following month."""
    result = add_months(d, months)
    assert (result.year * 12 + result.month) - (d.year * 12 + d.month) == months
    assert result.day == min(d.day, days_in_month(result.year, result.month))


@given(
    d=st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)),
    years=st.integers(min_value=-100, max_value=100),
)
def test_add_years_property_same_date_except_29_february_r_term_end(d: date, years: int) -> None:
    result = add_years(d, years)
    assert result.year == d.year + years
    if (d.month, d.day) == (2, 29) and result.day != 29:
        assert (result.month, result.day) == (2, 28)
    else:
        assert (result.month, result.day) == (d.month, d.day)


def test_official_calendar_weekends_holidays_and_make_up_days_r_notice() -> None:
    """RULES.md §5: working days are the State Council's, make-up days (调休) included."""
    assert OFFICIAL.is_working_day(MON)
    assert not OFFICIAL.is_working_day(date(2024, 3, 9))  # Saturday
    assert not OFFICIAL.is_working_day(date(2024, 3, 10))  # Sunday
    assert not OFFICIAL.is_working_day(date(2026, 10, 1))  # National Day, a Thursday
    assert not OFFICIAL.is_working_day(date(2026, 9, 25))  # Mid-Autumn Festival, a Friday
    assert OFFICIAL.is_working_day(date(2026, 10, 10))  # a Saturday made a working day
    assert OFFICIAL.is_working_day(date(2026, 9, 20))  # a Sunday made a working day


def test_local_days_override_the_official_calendar_r_notice() -> None:
    """A profile may add local days: a local holiday on an official working day, a local working
    day on a weekend."""
    local = WorkingCalendar(local_holidays=frozenset({MON}), local_working_days=frozenset({date(2024, 3, 9)}))
    assert not local.is_working_day(MON)
    assert local.is_working_day(date(2024, 3, 9))
    assert local.is_working_day(date(2024, 3, 5))  # untouched days stay official


def test_a_year_the_calendar_does_not_know_is_an_error_r_notice() -> None:
    """RULES.md §5: outside the known years there is no silent Monday-to-Friday count."""
    after = date(OFFICIAL_YEARS.stop, 1, 4)
    before = date(OFFICIAL_YEARS.start - 1, 12, 1)
    for day in (after, before):
        with pytest.raises(CalendarUnknown) as raised:
            OFFICIAL.is_working_day(day)
        assert raised.value.day == day
        assert str(day.year) in str(raised.value)
    with pytest.raises(CalendarUnknown):
        working_days_between(date(OFFICIAL_YEARS.stop - 1, 12, 28), date(OFFICIAL_YEARS.stop, 1, 9))


def test_a_profile_declares_a_year_the_package_does_not_carry_r_notice() -> None:
    """Next year's arrangement is published in the autumn: a profile may declare it complete with
    its holidays and make-up working days."""
    year = OFFICIAL_YEARS.stop
    new_year, make_up = date(year, 1, 1), date(year, 1, 2)
    declared = WorkingCalendar(
        local_holidays=frozenset({new_year}), local_working_days=frozenset({make_up}), declared_years=frozenset({year})
    )
    assert not declared.is_working_day(new_year)
    assert declared.is_working_day(make_up) is True
    monday = next(date(year, 1, d) for d in range(3, 10) if date(year, 1, d).weekday() == 0)
    assert declared.is_working_day(monday)
    assert not declared.is_working_day(monday + timedelta(days=5))  # the Saturday after
    assert str(year) in declared.known_years()


def test_working_days_between_monday_to_next_monday_is_four_r_notice() -> None:
    """R-NOTICE convention: only full working days strictly between the two dates count.
    Given a list posted Monday 2024-03-04, when the congress is Monday 2024-03-11,
    then Tue..Fri = 4 working days lie between (neither Monday counts)."""
    assert working_days_between(MON, date(2024, 3, 11)) == 4


def test_working_days_between_monday_to_tuesday_week_after_is_five_r_notice() -> None:
    """R-NOTICE: posted Monday 2024-03-04, congress Tuesday 2024-03-12: Tue..Fri + Mon = 5."""
    assert working_days_between(MON, date(2024, 3, 12)) == 5


def test_working_days_between_friday_to_monday_week_after_is_five_r_notice() -> None:
    """R-NOTICE: posted Friday 2024-03-01, congress Monday 2024-03-11: Mon..Fri = 5."""
    assert working_days_between(date(2024, 3, 1), date(2024, 3, 11)) == 5


def test_working_days_between_skips_holidays_r_notice() -> None:
    """R-NOTICE: a weekday holiday in between does not count; one on a weekend changes nothing."""
    local = WorkingCalendar(local_holidays=frozenset({date(2024, 3, 6), date(2024, 3, 9), date(2024, 3, 12)}))
    assert working_days_between(MON, date(2024, 3, 12), local) == 4
    # A holiday on the congress day itself is not "between" and is not subtracted.
    assert working_days_between(MON, date(2024, 3, 12), WorkingCalendar(frozenset({date(2024, 3, 12)}))) == 5


def test_working_days_across_national_day_count_the_make_up_saturday_r_notice() -> None:
    """R-NOTICE across National Day 2026: posted Monday 28 September, the days between up to
    Sunday 11 October are 29, 30 September, 8, 9 October and Saturday 10 October (调休)."""
    posted = date(2026, 9, 28)
    assert working_days_between(posted, date(2026, 10, 10)) == 4
    assert working_days_between(posted, date(2026, 10, 11)) == 5
    assert add_working_days(posted, 5) == date(2026, 10, 10)


def test_working_days_between_empty_or_reversed_is_zero() -> None:
    assert working_days_between(MON, MON) == 0
    assert working_days_between(MON, MON + timedelta(days=1)) == 0
    assert working_days_between(date(2024, 3, 12), MON) == 0


_KNOWN = {"min_value": date(OFFICIAL_YEARS.start, 1, 1), "max_value": date(OFFICIAL_YEARS.stop - 1, 10, 1)}


@given(
    start=st.dates(**_KNOWN),
    span=st.integers(min_value=0, max_value=60),
    holidays=st.frozensets(st.dates(**_KNOWN), max_size=20),
)
def test_working_days_between_matches_day_by_day_count_r_notice(
    start: date, span: int, holidays: frozenset[date]
) -> None:
    """The count agrees with asking the calendar about every day strictly between the dates."""
    local = WorkingCalendar(local_holidays=holidays)
    end = start + timedelta(days=span)
    naive = sum(1 for k in range(1, span) if local.is_working_day(start + timedelta(days=k)))
    assert working_days_between(start, end, local) == naive


def test_add_working_days_skips_weekends_and_holidays() -> None:
    assert add_working_days(MON, 0) == MON
    assert add_working_days(MON, 1) == date(2024, 3, 5)
    assert add_working_days(MON, 5) == date(2024, 3, 11)  # Tue..Fri, then Monday
    assert add_working_days(MON, 5, WorkingCalendar(frozenset({date(2024, 3, 11)}))) == date(2024, 3, 12)
    assert add_working_days(MON, -1) == date(2024, 3, 1)  # the Friday before


@given(start=st.dates(**_KNOWN), n=st.integers(min_value=1, max_value=40))
def test_add_working_days_agrees_with_working_days_between_r_notice(start: date, n: int) -> None:
    """The n-th working day after `start` has n-1 full working days before it, and the day after it
    has n: so it is the earliest congress date with n working days of notice."""
    nth = add_working_days(start, n)
    assert OFFICIAL.is_working_day(nth)
    assert working_days_between(start, nth) == n - 1
    assert working_days_between(start, nth + timedelta(days=1)) == n
