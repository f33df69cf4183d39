"""Business-date arithmetic for the read models, on ISO date strings (``YYYY-MM-DD``).

Projections keep dates as ISO text: it is what the log stores, it compares correctly as text, and
it needs no conversion on SQLite. Month arithmetic follows R-TERM-END (**inferred**): land on the
same day of the target month, or on its last day when that day does not exist (31 August + 6
months = 28 or 29 February). This deliberately re-implements the rule instead of importing
`workflow.calendar`: projections depend on `events/` only.

`OPEN` stands for "no end yet" in alert periods, so that "fires until" is never NULL and an
interval query stays a plain indexable range."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

OPEN = "9999-12-31"


def days_in_month(year: int, month: int) -> int:
    if month == 12:
        return 31
    return (dt.date(year, month + 1, 1) - dt.date(year, month, 1)).days


def add_months(d: dt.date, months: int) -> dt.date:
    """``d`` plus ``months`` (negative goes back), clamped to the target month's last day
    (R-TERM-END)."""
    index = d.year * 12 + (d.month - 1) + months
    year, month0 = divmod(index, 12)
    month = month0 + 1
    return dt.date(year, month, min(d.day, days_in_month(year, month)))


@lru_cache(maxsize=1 << 16)
def add_months_iso(iso: str, months: int) -> str:
    return add_months(dt.date.fromisoformat(iso), months).isoformat()


@lru_cache(maxsize=1 << 16)
def add_days_iso(iso: str, days: int) -> str:
    if iso == OPEN:
        return OPEN
    return (dt.date.fromisoformat(iso) + dt.timedelta(days=days)).isoformat()


@lru_cache(maxsize=1 << 17)
def day_before(iso: str) -> str:
    return (dt.date.fromisoformat(iso) - dt.timedelta(days=1)).isoformat()


@lru_cache(maxsize=1 << 17)
def day_after(iso: str) -> str:
    if iso == OPEN:
        return OPEN
    return (dt.date.fromisoformat(iso) + dt.timedelta(days=1)).isoformat()


def iso(value: object) -> str | None:
    """A date from a row or payload as ISO text (SQLite gives text, PostgreSQL gives dates)."""
    if value is None:
        return None
    if isinstance(value, str):
        return value[:10]
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"not a date: {value!r}")
