"""Business-date arithmetic for the rules (RULES.md §5, R-TERM-END, R-NOTICE).

Pure functions of their arguments: nothing here reads the clock, so every rule that uses them can be
replayed from events and tested with fixed dates.

Conventions
-----------
* Month and year arithmetic (R-TERM-END, **inferred**): land on the same day of the target month, or
  on its last day when that day does not exist. 2020-02-29 + 3 years = 2023-02-28;
  2023-08-31 + 6 months = 2024-02-29. The same applies backwards (for "2 months before").
* Working days: Monday to Friday, minus the profile's holidays. Weekend make-up working days
  (调休) are not modelled; ignoring them can only ask for *more* notice, never less.
* ``working_days_between(start, end)`` counts the working days **strictly between** the two dates:
  neither ``start`` nor ``end`` counts. R-NOTICE ("posted ≥ 5 working days before the congress")
  is read as: at least 5 *full* working days lie between the posting day and the congress day.
"""

from __future__ import annotations

from datetime import date, timedelta

_SATURDAY = 5  # date.weekday(): Monday == 0 ... Sunday == 6
_ONE_DAY = timedelta(days=1)


def days_in_month(year: int, month: int) -> int:
    """Number of days in ``month`` of ``year`` (Gregorian)."""
    if month == 12:
        return 31
    return (date(year, month + 1, 1) - date(year, month, 1)).days


def add_months(d: date, months: int) -> date:
    """``d`` plus ``months`` calendar months (negative goes back), clamped to the target month's
    last day when ``d.day`` does not exist there (R-TERM-END).

    Raises ``OverflowError`` if the result falls outside ``date.min``..``date.max``.
    """
    index = d.year * 12 + (d.month - 1) + months
    year, month0 = divmod(index, 12)
    if not 1 <= year <= 9999:
        raise OverflowError(f"{d.isoformat()} + {months} months is outside the supported date range")
    month = month0 + 1
    return date(year, month, min(d.day, days_in_month(year, month)))


def add_years(d: date, years: int) -> date:
    """``d`` plus ``years`` years with the R-TERM-END clamp (29 February → 28 February)."""
    return add_months(d, 12 * years)


def is_working_day(d: date, holidays: frozenset[date] = frozenset()) -> bool:
    """Monday to Friday and not one of ``holidays``."""
    return d.weekday() < _SATURDAY and d not in holidays


def working_days_between(start: date, end: date, holidays: frozenset[date] = frozenset()) -> int:
    """Working days strictly between ``start`` and ``end`` (both excluded); 0 when ``end`` is not
    after ``start``.

    R-NOTICE: a list posted on Monday 2024-03-04 for a congress on Monday 2024-03-11 has 4 full
    working days between them (Tue..Fri), which is not enough; a congress on Tuesday 2024-03-12
    has 5 (Tue..Fri and Mon), which is.
    """
    first = start + _ONE_DAY
    if end <= first:
        return 0
    # Whole weeks contribute 5 weekdays each; walk only the remainder, then drop holidays.
    span = (end - first).days
    weeks, rest = divmod(span, 7)
    count = weeks * 5
    day = first + timedelta(weeks=weeks)
    for _ in range(rest):
        if day.weekday() < _SATURDAY:
            count += 1
        day += _ONE_DAY
    count -= sum(1 for h in holidays if first <= h < end and h.weekday() < _SATURDAY)
    return count


def add_working_days(start: date, days: int, holidays: frozenset[date] = frozenset()) -> date:
    """The ``days``-th working day after ``start`` (``start`` itself never counts); with a
    negative ``days``, the ``|days|``-th working day before it. ``days == 0`` returns ``start``.

    Consistent with :func:`working_days_between`: for ``n >= 1``,
    ``working_days_between(start, add_working_days(start, n)) == n - 1``, so the earliest congress
    with ``n`` full working days of notice is the day *after* ``add_working_days(posted_on, n)``.
    """
    step = _ONE_DAY if days >= 0 else -_ONE_DAY
    remaining = abs(days)
    day = start
    while remaining:
        day += step
        if is_working_day(day, holidays):
            remaining -= 1
    return day
