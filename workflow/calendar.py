"""Business-date arithmetic for the rules (RULES.md §5, R-TERM-END, R-NOTICE).

Pure functions of their arguments: nothing here reads the clock, so every rule that uses them can be
replayed from events and tested with fixed dates.

Conventions
-----------
* Month and year arithmetic (R-TERM-END, **inferred**): land on the same day of the target month, or
  on its last day when that day does not exist. 2020-02-29 + 3 years = 2023-02-28;
  2023-08-31 + 6 months = 2024-02-29. The same applies backwards (for "2 months before").
* Working days follow China's official calendar (RULES.md §5): the State Council's public holidays
  and make-up working days (调休) of each year, from the maintained ``chinese_calendar`` package,
  with a rule profile's local days on top (:class:`WorkingCalendar`). A date in a year that neither
  the package nor the profile knows raises :class:`CalendarUnknown`: a silent Monday-to-Friday count
  could allow a notice period that the official calendar does not.
* ``working_days_between(start, end)`` counts the working days **strictly between** the two dates:
  neither ``start`` nor ``end`` counts. R-NOTICE ("posted ≥ 5 working days before the congress")
  is read as: at least 5 *full* working days lie between the posting day and the congress day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from chinese_calendar import constants as _official

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


# The years the package's State Council arrangements cover, read once from its own tables.
OFFICIAL_YEARS = range(min(_official.holidays).year, max(_official.holidays).year + 1)


class CalendarUnknown(ValueError):
    """A working-day count reached a year whose official arrangement is not known here."""

    def __init__(self, day: date, known: str) -> None:
        super().__init__(f"the working days of {day.year} are not known (known: {known})")
        self.day = day
        self.known = known


@dataclass(frozen=True)
class WorkingCalendar:
    """China's official working days, with a region's own days on top.

    ``local_holidays`` and ``local_working_days`` override the official calendar for single dates;
    ``declared_years`` are years whose arrangement the profile itself declares complete (the State
    Council publishes next year's in the autumn, before the package may carry it): in those years a
    day is a working day when it is a weekday and not a local holiday, or a local working day."""

    local_holidays: frozenset[date] = frozenset()
    local_working_days: frozenset[date] = frozenset()
    declared_years: frozenset[int] = frozenset()

    def known_years(self) -> str:
        official = f"{OFFICIAL_YEARS.start}-{OFFICIAL_YEARS.stop - 1}"
        extra = sorted(y for y in self.declared_years if y not in OFFICIAL_YEARS)
        return ", ".join([official, *map(str, extra)])

    def is_working_day(self, d: date) -> bool:
        if d in self.local_holidays:
            return False
        if d in self.local_working_days:
            return True
        if d.year in OFFICIAL_YEARS:
            return d in _official.workdays or (d.weekday() < _SATURDAY and d not in _official.holidays)
        if d.year in self.declared_years:
            return d.weekday() < _SATURDAY
        raise CalendarUnknown(d, self.known_years())


OFFICIAL = WorkingCalendar()


def working_days_between(start: date, end: date, calendar: WorkingCalendar = OFFICIAL) -> int:
    """Working days strictly between ``start`` and ``end`` (both excluded); 0 when ``end`` is not
    after ``start``.

    R-NOTICE: a list posted on Monday 2024-03-04 for a congress on Monday 2024-03-11 has 4 full
    working days between them (Tue..Fri), which is not enough; a congress on Tuesday 2024-03-12
    has 5 (Tue..Fri and Mon), which is.
    """
    count = 0
    day = start + _ONE_DAY
    while day < end:
        count += calendar.is_working_day(day)
        day += _ONE_DAY
    return count


def add_working_days(start: date, days: int, calendar: WorkingCalendar = OFFICIAL) -> date:
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
        if calendar.is_working_day(day):
            remaining -= 1
    return day
