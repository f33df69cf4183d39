"""The bounds of what a person may give the engine, declared once: every command checks its fields
against them (`workflow.command.Command`), so the HTTP API, the web forms and the registry import,
which all build commands, refuse exactly the same input.

- Counts (employees, members, votes, those due and present, seats...) are whole numbers from 0 to
  `COUNT_MAX`, the largest the read models' integer columns hold on both databases (PostgreSQL's
  `integer`, 2^31 − 1). No count of one union comes near it (the national federation has some 300
  million members), so the columns stay as they are rather than widened: a larger number is a
  typing error, refused before it reaches the log. Figures summed over a subtree are summed by the
  reads, never stored.
- Text: names, ids and document numbers at most `NAME_MAX` characters; free text (reasons, agendas,
  remarks) at most `TEXT_MAX`; no text anywhere longer than `TEXT_MAX`. No text carries U+0000
  (PostgreSQL cannot keep it) or a lone surrogate (it cannot be written as UTF-8).
- Lists and tables (candidates, initiators, tallies) at most `ITEMS_MAX` entries.
- Dates are ISO dates, `YYYY-MM-DD`, and nothing else: a number or a numeric string is never a
  date (pydantic's lax parsing would read 0 or "0" as 1970-01-01). They lie from `DATE_MIN`, the
  founding of the national federation (1925), to `DATE_MAX`; business dates of commands are further
  held to today by DATE-FUTURE; dates asked about (`as_of`) are held to `DATE_MAX` only.

The event catalogue's value objects (`UnitFacts`, `Candidate`, ...) stay as they are: the log is
history, and a bound tightened later must never make a stored event unreadable. The commands that
carry them check them here."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, Field, WithJsonSchema

COUNT_MAX = 2**31 - 1
NAME_MAX = 200
TEXT_MAX = 2000
ITEMS_MAX = 1000
DATE_MIN = dt.date(1925, 1, 1)
DATE_MAX = dt.date(2099, 12, 31)

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SURROGATE = re.compile("[\ud800-\udfff]")


def text_problem(value: str) -> str | None:
    """Why `value` cannot be kept as text, if it cannot."""
    if "\x00" in value:
        return "contains a NUL character (U+0000)"
    if _SURROGATE.search(value):
        return "contains a lone surrogate (not a Unicode character)"
    if len(value) > TEXT_MAX:
        return f"is longer than {TEXT_MAX} characters"
    return None


def _clean_text(value: str) -> str:
    problem = text_problem(value)
    if problem is not None:
        raise ValueError(f"text {problem}")
    return value


def date_problem(value: dt.date) -> str | None:
    if not DATE_MIN <= value <= DATE_MAX:
        return f"a date from {DATE_MIN} to {DATE_MAX}"
    return None


def _from_iso(value: Any, shape: re.Pattern[str], parse: Callable[[str], Any], what: str) -> Any:
    """`value` parsed when it is text of the ISO `shape` (refused, naming `what`, when that text is
    not a real one), else `value` as given: a number or a numeric string never reaches `parse`."""
    if isinstance(value, str) and shape.fullmatch(value):
        try:
            return parse(value)
        except ValueError:
            raise ValueError(f"{value!r} is not {what}") from None
    return value


def strict_date(value: Any) -> dt.date:
    """An ISO date (`YYYY-MM-DD`, or a date object), within the plausible range; never a number."""
    if isinstance(value, dt.datetime):
        raise ValueError("a date (YYYY-MM-DD), not a time")
    value = _from_iso(value, _ISO_DATE, dt.date.fromisoformat, "a calendar date")
    if not isinstance(value, dt.date):
        raise ValueError("an ISO date, YYYY-MM-DD")
    problem = date_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


_ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}.*")


def strict_moment(value: Any) -> dt.datetime:
    """An ISO date and time (an offset optional), whose day in UTC lies within the plausible range;
    never a number."""
    value = _from_iso(value, _ISO_MOMENT, dt.datetime.fromisoformat, "a date and time")
    if not isinstance(value, dt.datetime):
        raise ValueError("an ISO date and time, YYYY-MM-DDTHH:MM:SS with an optional offset")
    try:
        utc = value if value.tzinfo is None else value.astimezone(dt.UTC)
    except OverflowError:
        raise ValueError(f"a time from {DATE_MIN} to {DATE_MAX}") from None
    problem = date_problem(utc.date())
    if problem is not None:
        raise ValueError(f"a time from {DATE_MIN} to {DATE_MAX}")
    return value


_DATE_SCHEMA = {"type": "string", "format": "date"}

Date = Annotated[dt.date, BeforeValidator(strict_date), WithJsonSchema(_DATE_SCHEMA)]
Moment = Annotated[
    dt.datetime, BeforeValidator(strict_moment), WithJsonSchema({"type": "string", "format": "date-time"})
]
Count = Annotated[int, Field(ge=0, le=COUNT_MAX)]
PositiveCount = Annotated[int, Field(ge=1, le=COUNT_MAX)]
Name = Annotated[str, Field(min_length=1, max_length=NAME_MAX), AfterValidator(_clean_text)]
Text = Annotated[str, Field(max_length=TEXT_MAX), AfterValidator(_clean_text)]
RequiredText = Annotated[str, Field(min_length=1, max_length=TEXT_MAX), AfterValidator(_clean_text)]


def out_of_bounds(value: Any, path: str = "") -> str | None:
    """Where in `value` (a command's field: numbers, text, dates, lists, tables, value objects)
    something lies outside the bounds, and why; None when all is within them."""
    found = _find(value)
    if found is None:
        return None
    trail, say = found
    where = ".".join([path, *reversed(trail)] if path else reversed(trail))
    return say(where or "value")


# A problem found: the keys from it up to the value checked (innermost first), and its message
# for the place they name. The places are spelled only for a problem: every command checks every
# field, and nearly all are within bounds.
_Found = tuple[list[str], Callable[[str], str]]


def _find(value: Any) -> _Found | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return None if -COUNT_MAX <= value <= COUNT_MAX else ([], lambda here: f"{here}: at most {COUNT_MAX} in size")
    if isinstance(value, float):
        if math.isfinite(value) and abs(value) <= COUNT_MAX:
            return None
        return [], lambda here: f"{here}: not a finite number in range"
    if isinstance(value, str):
        problem = text_problem(value)
        return None if problem is None else ([], lambda here: f"{here} {problem}")
    if isinstance(value, dt.date):
        out = date_problem(value)
        return None if out is None else ([], lambda here: f"{here}: {out}")
    if isinstance(value, BaseModel):
        return _within_items(((name, getattr(value, name)) for name in type(value).model_fields), counted=False)
    if isinstance(value, dict):
        return _within_items(value.items(), counted=True)
    if isinstance(value, list | tuple | set | frozenset):
        return _within_items(enumerate(value), counted=True)
    return None


def _within_items(items: Any, *, counted: bool) -> _Found | None:
    for n, (key, item) in enumerate(items):
        if counted and n >= ITEMS_MAX:
            return [], lambda here: f"{here}: at most {ITEMS_MAX} entries"
        if isinstance(key, str):
            problem = text_problem(key)
            if problem is not None:
                return [f"{key} (its name)"], lambda here, why=problem: f"{here} {why}"
        found = _find(item)
        if found is not None:
            found[0].append(str(key))
            return found
    return None
