"""DATE-FUTURE and DATE-ORDER: the business dates a command carries make sense against the clock
and against the history they continue. A refusal is an InvalidDate naming the dates compared."""

from __future__ import annotations

from datetime import date

from workflow.errors import InvalidDate


def require_not_in_the_future(occurred_on: date, today: date) -> None:
    """DATE-FUTURE: a fact is recorded once it has happened."""
    if occurred_on > today:
        raise InvalidDate(
            "DATE-FUTURE",
            f"occurred_on {occurred_on} is in the future (today is {today})",
            {"occurred_on": occurred_on.isoformat(), "today": today.isoformat()},
        )


def require_not_before_term(occurred_on: date, term_start: date | None) -> None:
    """DATE-ORDER: a request about the current term cannot predate it (a vacancy, an extension...).
    ``term_start`` is None while the union has no term."""
    if term_start is not None and occurred_on < term_start:
        raise InvalidDate(
            "DATE-ORDER",
            f"occurred_on {occurred_on} is before the current term began ({term_start})",
            {"occurred_on": occurred_on.isoformat(), "term_start": term_start.isoformat()},
        )


def require_not_before_previous_step(occurred_on: date, previous_step_on: date) -> None:
    """DATE-ORDER: a procedure's steps happen in order."""
    if occurred_on < previous_step_on:
        raise InvalidDate(
            "DATE-ORDER",
            f"occurred_on {occurred_on} is before the procedure's previous step ({previous_step_on}): "
            "steps happen in order",
            {"occurred_on": occurred_on.isoformat(), "previous_step_on": previous_step_on.isoformat()},
        )


def require_congress_planned_after_plan(planned_congress_on: date, plan_on: date) -> None:
    """DATE-ORDER: a re-election plan (R-REELECTION) plans a congress still to come."""
    if planned_congress_on < plan_on:
        raise InvalidDate(
            "DATE-ORDER",
            f"the planned congress ({planned_congress_on}) is before the plan's date ({plan_on})",
            {"planned_congress_on": planned_congress_on.isoformat()},
        )


def require_by_election_planned_after_request(planned_on: date, requested_on: date) -> None:
    """DATE-ORDER: a by-election (R-VACANCY) is planned for a day after it is requested."""
    if planned_on < requested_on:
        raise InvalidDate("DATE-ORDER", f"the by-election ({planned_on}) is planned before the request", {})


def require_term_started_by(term_start: date, imported_on: date) -> None:
    """DATE-ORDER: an imported term is already running on the day it is imported."""
    if term_start > imported_on:
        raise InvalidDate(
            "DATE-ORDER",
            f"term_start {term_start} is after the import's date {imported_on}",
            {"term_start": term_start.isoformat(), "occurred_on": imported_on.isoformat()},
        )


def require_dates_in_order(earlier: tuple[str, date], later: tuple[str, date]) -> None:
    """DATE-ORDER: a fact is not dated before a fact it follows (each given as what it is and its
    date): a registry's last congress not before its term began, a legal-person registration not
    before the founding approval."""
    (first, first_on), (then, then_on) = earlier, later
    if then_on < first_on:
        raise InvalidDate(
            "DATE-ORDER",
            f"{then} ({then_on}) is before {first} ({first_on})",
            {"earlier": first, "earlier_on": first_on.isoformat(), "later": then, "later_on": then_on.isoformat()},
        )


def require_dated_by_import(what: str, on: date, imported_on: date) -> None:
    """DATE-ORDER: a registry records what has happened by the day it is imported (a founding, a
    congress, a registration), as an imported term is already running (`require_term_started_by`)."""
    if on > imported_on:
        raise InvalidDate(
            "DATE-ORDER",
            f"{what} {on} is after the import's date {imported_on}",
            {what: on.isoformat(), "occurred_on": imported_on.isoformat()},
        )
