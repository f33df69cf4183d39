"""A union's share of the coverage figures of RULES.md §7 as dated marks: each figure it counts
towards is a step function of the date, stored as +n on the day it starts counting and -n on the
day it stops. The register renders them into `proj_coverage_marks` with the union's other rows;
`projections.models.tallies` adds them up per ancestor, so that a figure on date D for a subtree
is the sum of its ancestor's marks up to D (`projections.queries.register_reads.coverage`).

Each figure here says, as spans of days, what the full-scan conditions of coverage said row by
row: the two must stay the same definition (tests compare them for random dates and subtrees)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from projections.calendar import day_after, iso

BIG_UNIT = 25  # RULES.md §7: the seeds' figures for units with 25 or more employees
FULL_TIME_CHAIR_EMPLOYEES = 200  # R-FULLTIME

Span = Callable[..., None]
Marks = list[tuple[str, str, int]]  # (figure, day, n), zeros left out, in (figure, day) order


def _end(*days: str | None) -> str | None:
    """The earliest of the days given (None: no end)."""
    known = [d for d in days if d is not None]
    return min(known) if known else None


def _units(span: Span, start: str, founded: str | None, end: str | None, facts: Mapping[str, Any]) -> None:
    """A unit in scope from `start` until `end` (exclusive), founded from `founded` (R-DISSOLVE)."""
    employees, members = facts["employees"], facts["members"]
    big = employees is not None and employees >= BIG_UNIT
    enterprise = facts["unit_type"] == "enterprise"
    span("units", start, end)
    if big:
        span("units_25", start, end)
    if enterprise:
        span("units_enterprise", start, end)
    if founded is None:
        return
    span("founded", founded, end)
    span("members", founded, end, members or 0)
    span("employees_unionised", founded, end, employees or 0)
    if big:
        span("founded_25", founded, end)
    if enterprise:
        span("founded_enterprise", founded, end)


def _terms(span: Span, org: Mapping[str, Any], terms: Sequence[Mapping[str, Any]]) -> None:
    """terms_ended, terms_on_time (R-ON-TIME; R-DISSOLVE: a term running at the dissolution never
    lapsed), and over the grassroots unions' current terms the chairs' figures (R-FULLTIME)."""
    dissolved = iso(org["dissolved_on"])
    grassroots = org["level"] == "grassroots"
    employees = org["employees"]
    enterprise = org["unit_type"] == "enterprise"
    big = employees is not None and employees >= FULL_TIME_CHAIR_EMPLOYEES
    for t in terms:
        start, deadline = iso(t["start"]), iso(t["deadline"])
        assert start is not None and deadline is not None
        approved = iso(t["succeeded_approved_on"])
        lapses = day_after(deadline) if dissolved is None or deadline < dissolved else None
        ended = _end(approved, lapses)
        if ended is not None:
            span("terms_ended", max(start, ended), None)
        if approved is not None and t["on_time"] is not None and bool(t["on_time"]):
            span("terms_on_time", max(start, approved), None)
        if not grassroots:
            continue
        current_from, current_end = iso(t["started_on"]), _end(approved, dissolved)
        assert current_from is not None
        if enterprise:
            by = t["chair_elected_by"]
            figure = {"congress": "chairs_direct", "committee": "chairs_by_committee", None: "chairs_election_unknown"}
            if by in figure:
                span(figure[by], current_from, current_end)
        if big:
            span("unions_200", current_from, current_end)
            full_time = t["chair_full_time"]
            if full_time is None:
                span("full_time_unknown", current_from, current_end)
            elif not full_time:
                span("without_full_time_chair", current_from, current_end)


def coverage_marks(
    org: Mapping[str, Any], terms: Sequence[Mapping[str, Any]], covered: Sequence[Mapping[str, Any]]
) -> Marks:
    """The marks of one union from its register rows (as dicts: dates as ISO text or dates)."""
    acc: dict[tuple[str, str], int] = {}

    def span(figure: str, start: str, end: str | None, n: int = 1) -> None:
        if n == 0 or (end is not None and end <= start):
            return
        acc[figure, start] = acc.get((figure, start), 0) + n
        if end is not None:
            acc[figure, end] = acc.get((figure, end), 0) - n

    if org["level"] == "grassroots":
        registered, founded = iso(org["registered_on"]), iso(org["founded_at_latest"])
        assert registered is not None
        start = min(registered, founded) if founded is not None else registered
        _units(span, start, founded, iso(org["dissolved_on"]), org)
    for c in covered:
        since = iso(c["since"])
        assert since is not None
        end = _end(iso(c["until"]), iso(c["union_dissolved_on"]))
        founded = iso(c["union_founded_on"])
        _units(span, since, max(since, founded) if founded is not None else None, end, c)
        span("units_covered", since, end)
    _terms(span, org, terms)
    return sorted((f, d, n) for (f, d), n in acc.items() if n)
