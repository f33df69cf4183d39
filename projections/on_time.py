"""R-ON-TIME, said once for the read side. A term is re-elected **on time** when the re-election
that succeeds it is approved by its deadline (the term end, or an approved extension's end): the
moment A-TERM-OVERDUE stops. The alert fires from the day after the deadline through the day the
re-election is approved, so an approval on the deadline leaves no overdue day, and a late approval's
own day is overdue (the term was overdue until it came). The register's terms (`proj_terms.on_time`,
which the coverage's on-time rate and the term list read) and the alerts' periods both use these two
functions, so every figure and list that says "on time" agrees with the alerts.

Dates are ISO text, as the projections keep them (`projections.calendar`), or dates as a stored row
gives them back."""

from __future__ import annotations

from projections.calendar import OPEN, iso


def reelected_on_time(deadline: object, reelected_on: object) -> bool | None:
    """R-ON-TIME: whether a term whose deadline is `deadline` was re-elected on time, its
    re-election approved on `reelected_on`; None while it has not been (the term is current)."""
    approved, due = iso(reelected_on), iso(deadline)
    return None if approved is None or due is None else approved <= due


def last_overdue_day(reelected_on: str | None) -> str:
    """A-TERM-OVERDUE: the last day it can fire for a term, the day its re-election is approved
    (OPEN while none is): a re-election approved after the deadline was late on its own day."""
    return OPEN if reelected_on is None else reelected_on
