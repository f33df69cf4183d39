"""DATE-FUTURE and DATE-ORDER: the business dates a command carries make sense against the clock
and against the history they continue. A refusal is an InvalidDate naming the dates compared."""

from __future__ import annotations

from collections.abc import Mapping
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


def require_not_before(
    occurred_on: date, fact: str, fact_on: date | None, key: str = "not_before", what: str = "occurred_on"
) -> None:
    """DATE-ORDER, the one rule for dates in a history: a fact is not dated before the last fact it
    depends on (``fact``, dated ``fact_on``; None when there is none). The same day passes. The
    refusal names both dates; its evidence gives them under ``what`` and ``key``."""
    if fact_on is not None and occurred_on < fact_on:
        raise InvalidDate(
            "DATE-ORDER",
            f"{what} {occurred_on} is before {fact} ({fact_on})",
            {what: occurred_on.isoformat(), key: fact_on.isoformat()},
            case="before",
        )


def require_not_before_facts(occurred_on: date, facts: Mapping[str, tuple[str, date | None]]) -> None:
    """DATE-ORDER for a union's record: not before the latest of the facts it depends on, given as
    ``{evidence key: (what the fact is, its date or None)}``; the refusal names that latest fact."""
    dated = [(on, key, fact) for key, (fact, on) in facts.items() if on is not None]
    if dated:
        on, key, fact = max(dated)
        require_not_before(occurred_on, fact, on, key)


def require_not_before_previous_step(occurred_on: date, previous_step_on: date) -> None:
    """DATE-ORDER: a procedure's steps happen in order, each not before the procedure's last."""
    require_not_before(occurred_on, "the procedure's previous step", previous_step_on, "previous_step_on")


def require_congress_planned_after_plan(planned_congress_on: date, plan_on: date) -> None:
    """DATE-ORDER: a re-election plan (R-REELECTION) plans a congress still to come."""
    require_not_before(planned_congress_on, "the plan's date", plan_on, "occurred_on", "planned_congress_on")


def require_by_election_planned_after_request(planned_on: date, requested_on: date) -> None:
    """DATE-ORDER: a by-election (R-VACANCY) is planned for a day not before it is requested."""
    require_not_before(planned_on, "the by-election's request", requested_on, "occurred_on", "planned_on")


def require_term_started_by(term_start: date, imported_on: date) -> None:
    """DATE-ORDER: an imported term is already running on the day it is imported."""
    require_not_before(imported_on, "the imported term's start", term_start, "term_start")


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
            case="in-order",
        )


def require_dated_by_import(what: str, on: date, imported_on: date) -> None:
    """DATE-ORDER: a registry records what has happened by the day it is imported (a founding, a
    congress, a registration), as an imported term is already running (`require_term_started_by`)."""
    if on > imported_on:
        raise InvalidDate(
            "DATE-ORDER",
            f"{what} {on} is after the import's date {imported_on}",
            {what: on.isoformat(), "occurred_on": imported_on.isoformat()},
            case="after-import",
        )
