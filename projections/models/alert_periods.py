"""The periods in which each alert kind fires (RULES.md §6), computed from a union's dated facts
(`projections.models.alert_facts`): what the alerts projection (`projections.models.alerts`)
renders into `proj_alerts`, and what a replay as of a date reads."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from events.messages import basis, window
from projections.calendar import OPEN, add_days_iso, add_months_iso, day_after, day_before
from projections.models.alert_facts import AlertFacts, Deadline
from projections.on_time import last_overdue_day

TERM_DUE = "A-TERM-DUE"
TERM_OVERDUE = "A-TERM-OVERDUE"
APPROVAL_PENDING = "A-APPROVAL-PENDING"
VACANCY_OVERDUE = "A-VACANCY-OVERDUE"
NO_ANNUAL_CONGRESS = "A-NO-ANNUAL-CONGRESS"
PREP_STALLED = "A-PREP-STALLED"
LEGAL_PERSON = "A-LEGAL-PERSON"
KINDS = (TERM_DUE, TERM_OVERDUE, APPROVAL_PENDING, VACANCY_OVERDUE, NO_ANNUAL_CONGRESS, PREP_STALLED, LEGAL_PERSON)


def _subtract(a: str, b: str, cuts: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """The parts of [a, b] outside every [start, end] of `cuts` (sorted by start)."""
    out: list[tuple[str, str]] = []
    cur = a
    for cs, ce in cuts:
        if ce < cur or cs > b:
            continue
        if cs > cur:
            out.append((cur, day_before(cs)))
        cur = max(cur, day_after(ce))
        if cur > b:
            return out
    if cur <= b:
        out.append((cur, b))
    return out


Row = tuple[Any, ...]

# The periods of facts already seen, by the facts' JSON (`AlertFacts.to_json`: equal facts give
# equal text), without the union's org_id and path: the registry's imported unions share their
# term's start, length and last congress by the thousand, and the periods depend on nothing else.
_SEEN: dict[str, list[Row]] = {}
SEEN_MAX = 8192  # distinct facts kept; the memo starts afresh when full


def periods_of(org_id: str, path: str, f: AlertFacts, facts_json: str) -> list[Row]:
    """`periods(org_id, path, f)`, `facts_json` being `f.to_json()`: computed once per distinct
    facts, then copied with this union's org_id and path."""
    shape = _SEEN.get(facts_json)
    if shape is None:
        shape = [(*r[1:3], *r[4:]) for r in periods("", "", f)]
        if len(_SEEN) >= SEEN_MAX:
            _SEEN.clear()
        _SEEN[facts_json] = shape
    return [(org_id, r[0], r[1], path, *r[2:]) for r in shape]


def periods(org_id: str, path: str, f: AlertFacts) -> list[Row]:
    """Every period in which an alert fires for this union, as `proj_alerts` rows
    (org_id, kind, seq, path, fires_from, fires_until, deadline, rule, procedure_id, window, basis)."""
    rows = _term_periods(org_id, path, f) if f.terms else []
    # A-APPROVAL-PENDING (R-APPROVER): waited longer than the reply window.
    waits = (
        (
            w.procedure_id,
            add_days_iso(w.filed, w.reply_days),
            w.decided,
            window("days", n=w.reply_days),
            basis("filed", filing=w.filing, date=w.filed),
        )
        for w in f.waits
    )
    rows += _overdue(org_id, path, APPROVAL_PENDING, "R-APPROVER", waits)
    # A-VACANCY-OVERDUE (R-VACANCY): no chair after the by-election's due date.
    rows += _overdue(org_id, path, VACANCY_OVERDUE, "R-VACANCY", _due(f.vacancies, "vacant-since"))
    if f.terms:
        rows += _annual_periods(org_id, path, f)
    # A-PREP-STALLED (R-PREP-GROUP): no congress within the window of the group's approval.
    stalls = _due(f.preparatory_groups, "prep-approved")
    rows += _overdue(org_id, path, PREP_STALLED, "R-PREP-GROUP", stalls)
    # A-LEGAL-PERSON (RULES.md §3 step 9, after R-FOUNDED): not registered within the window.
    rows += _overdue(org_id, path, LEGAL_PERSON, "R-FOUNDED", _due(f.legal_person, "founded"))
    return _until_dissolved(rows, f.dissolved_on) if f.dissolved_on is not None else rows


def _until_dissolved(rows: list[Row], dissolved_on: str) -> list[Row]:
    """R-DISSOLVE: a dissolved union raises no alert from the day of its dissolution; the periods
    before it stay as they were (its history stays)."""
    last = day_before(dissolved_on)
    return [(*r[:5], min(r[5], last), *r[6:]) for r in rows if r[4] <= last]


def _due(items: Iterable[Deadline], since: str) -> Iterator[tuple[Any, ...]]:
    """Each deadline as `_overdue` takes it, its basis `since` (a key of the catalogue's bases)."""
    return ((d.procedure_id, d.due, d.ended, d.window, basis(since, date=d.since)) for d in items)


def _overdue(org_id: str, path: str, kind: str, rule: str, items: Iterable[tuple[Any, ...]]) -> list[Row]:
    """The periods from the day after each deadline to the day before it was met (open while it
    is not): `items` are (procedure id, deadline, met on or None, window, basis)."""
    rows: list[Row] = []
    n = 0
    for pid, deadline, met, within, counted_from in items:
        frm, until = day_after(deadline), day_before(met) if met else OPEN
        if frm <= until:
            n += 1
            rows.append((org_id, kind, n, path, frm, until, deadline, rule, pid, within, counted_from))
    return rows


def _term_periods(org_id: str, path: str, f: AlertFacts) -> list[Row]:
    """A-TERM-DUE / A-TERM-OVERDUE (R-ON-TIME, R-EXTENSION). A term is current from the day its
    approval (or import) made it so until the day before the next one's; within it, the deadline
    is the term end until an extension's approval, then the extension's end. The reminder stops
    while a re-election is under way (opened, not yet approved, rejected or withdrawn). Overdue
    runs through the day the re-election is approved (`projections.on_time`: approved after the
    deadline, it was late on its own day too)."""
    rows: list[Row] = []
    add, before, after = rows.append, day_before, day_after
    terms = f.terms
    started = sorted((r.opened, before(r.ended) if r.ended else OPEN) for r in f.reelections)
    due = over = 0
    last = len(terms) - 1
    for i, term in enumerate(terms):
        became, due_months, by = term.current_from, term.due_months, term.started_by
        reelected_on = terms[i + 1].current_from if i < last else None
        term_until = before(reelected_on) if reelected_on else OPEN
        segments = [(became, term.ends, False)]
        segments += [(max(x.approved_on, became), x.new_deadline, True) for x in term.extensions]
        for j, (start, deadline, extended) in enumerate(segments):
            latest = j == len(segments) - 1
            until = term_until if latest else min(term_until, before(segments[j + 1][0]))
            overdue_until = last_overdue_day(reelected_on) if latest else until
            if start > overdue_until:
                continue
            counted_from = basis("term-extended" if extended else "term-ends", term_no=i + 1, date=deadline)
            frm = max(start, after(deadline))
            if frm <= overdue_until:
                over += 1
                rule = "R-EXTENSION" if extended else "R-ON-TIME"
                add((org_id, TERM_OVERDUE, over, path, frm, overdue_until, deadline, rule, by, "", counted_from))
            opens = max(start, add_months_iso(deadline, -due_months))
            closes = min(until, deadline)
            if opens <= closes:
                months = window("months", n=due_months)
                for a, b in _subtract(opens, closes, started) if started else ((opens, closes),):
                    due += 1
                    add((org_id, TERM_DUE, due, path, a, b, deadline, "R-ON-TIME", by, months, counted_from))
    return rows


def _annual_periods(org_id: str, path: str, f: AlertFacts) -> list[Row]:
    """A-NO-ANNUAL-CONGRESS (R-ANNUAL): once founded, no congress within the window of the last one."""
    founded = min(t.current_from for t in f.terms)
    congresses = sorted(f.congresses)
    # the next congress held on a later day, for each (one pass from the end)
    later: list[str | None] = [None] * len(congresses)
    nxt: str | None = None
    for i in range(len(congresses) - 1, -1, -1):
        later[i] = nxt
        if i and congresses[i - 1].held < congresses[i].held:
            nxt = congresses[i].held
    rows: list[Row] = []
    unknown_until = f.congresses_unknown_until

    def fire(frm: str, until: str, deadline: str, within: str, counted_from: str) -> None:
        row = (org_id, NO_ANNUAL_CONGRESS, len(rows) + 1, path, frm, until, deadline, "R-ANNUAL", None)
        rows.append((*row, within, counted_from))

    for i, congress in enumerate(congresses):
        held, months = congress.held, congress.annual_months
        deadline = add_months_iso(held, months)
        following = later[i]
        frm, until = max(day_after(deadline), founded), day_before(following) if following else OPEN
        if unknown_until is not None and held < unknown_until:
            # An import that gave no last congress: while the 12 months looked back at reach before
            # the import, a congress may have been held that is not on record: "unknown", not a
            # congress assumed missing. Afterwards none is on record since the import.
            known = add_months_iso(unknown_until, months)
            if frm <= min(until, known):
                counted_from = basis("congress-unknown", date=held, imported_on=unknown_until)
                fire(frm, min(until, known), deadline, window("unknown"), counted_from)
            frm, deadline = max(frm, day_after(known)), known
            counted_from = basis("since-import", imported_on=unknown_until)
        else:
            counted_from = basis("last-congress", date=held)
        if frm <= until:
            fire(frm, until, deadline, window("months", n=months), counted_from)
    return rows
