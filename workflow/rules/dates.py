"""DATE-FUTURE and DATE-ORDER: the business dates a command carries make sense against the clock
and against the history they continue. Each guard asks that one date fall on or before another; a
refusal is an InvalidDate naming the dates compared."""

from __future__ import annotations

from datetime import date

from workflow.errors import InvalidDate


def _require_in_order(rule: str, earlier: date, later: date, message: str, **named: date) -> None:
    """`earlier` falls on or before `later`; else the refusal of `rule`, with the `named` dates (ISO)."""
    if earlier > later:
        raise InvalidDate(rule, message, {name: day.isoformat() for name, day in named.items()})


def require_not_in_the_future(occurred_on: date, today: date) -> None:
    """DATE-FUTURE: a fact is recorded once it has happened."""
    message = f"occurred_on {occurred_on} is in the future (today is {today})"
    _require_in_order("DATE-FUTURE", occurred_on, today, message, occurred_on=occurred_on, today=today)


def require_not_before_term(occurred_on: date, term_start: date | None) -> None:
    """DATE-ORDER: a request about the current term cannot predate it (a vacancy, an extension...).
    ``term_start`` is None while the union has no term."""
    if term_start is not None:
        message = f"occurred_on {occurred_on} is before the current term began ({term_start})"
        _require_in_order(
            "DATE-ORDER", term_start, occurred_on, message, occurred_on=occurred_on, term_start=term_start
        )


def require_not_before_previous_step(occurred_on: date, previous_step_on: date) -> None:
    """DATE-ORDER: a procedure's steps happen in order."""
    message = (
        f"occurred_on {occurred_on} is before the procedure's previous step ({previous_step_on}): steps happen in order"
    )
    _require_in_order(
        "DATE-ORDER", previous_step_on, occurred_on, message, occurred_on=occurred_on, previous_step_on=previous_step_on
    )


def require_congress_planned_after_plan(planned_congress_on: date, plan_on: date) -> None:
    """DATE-ORDER: a re-election plan (R-REELECTION) plans a congress still to come."""
    message = f"the planned congress ({planned_congress_on}) is before the plan's date ({plan_on})"
    _require_in_order("DATE-ORDER", plan_on, planned_congress_on, message, planned_congress_on=planned_congress_on)


def require_by_election_planned_after_request(planned_on: date, requested_on: date) -> None:
    """DATE-ORDER: a by-election (R-VACANCY) is planned for a day after it is requested."""
    message = f"the by-election ({planned_on}) is planned before the request"
    _require_in_order("DATE-ORDER", requested_on, planned_on, message)


def require_term_started_by(term_start: date, imported_on: date) -> None:
    """DATE-ORDER: an imported term is already running on the day it is imported."""
    message = f"term_start {term_start} is after the import's date {imported_on}"
    _require_in_order("DATE-ORDER", term_start, imported_on, message, term_start=term_start, occurred_on=imported_on)
