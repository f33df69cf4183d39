"""The alert periods computed once per distinct facts (`alert_periods.periods_of`) and copied for
every union with the same facts equal the periods computed for that union, row for row: for
imported terms of every start and length, with and without an extension or a last congress, and
for re-elections approved the day before, the day of and the day after their deadline (R-ON-TIME:
the day of is on time, the day after is overdue on its own day)."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from projections.models import alert_facts as af
from projections.models import alert_periods as ap


def _imported(start: dt.date, years: int, rng: random.Random) -> af.AlertFacts:
    """Facts as an import folds them (`Alerts._imported`), sometimes with an extension in force
    and sometimes without a last congress."""
    end = start.replace(year=start.year + years)
    term = af.Term(start.isoformat(), end.isoformat(), 2, None)
    facts = af.AlertFacts(terms=[term])
    if rng.random() < 0.2:
        term.extensions.append(af.Extension("2026-11-21", (end + dt.timedelta(days=180)).isoformat()))
    if rng.random() < 0.5:
        facts.congresses.append(af.Congress((start + dt.timedelta(days=rng.randrange(900))).isoformat(), 12))
    else:
        facts.congresses.append(af.Congress(start.isoformat(), 12))
        facts.congresses_unknown_until = "2026-11-21"
    return facts


def _reelected(deadline: dt.date, offset: int) -> af.AlertFacts:
    """A founded term whose re-election, opened three months before the deadline, was approved
    `offset` days after it (-1: the day before, 0: the day of)."""
    pid, approved = "U:reelection-1", deadline + dt.timedelta(days=offset)
    win = af.Windows.of(None)
    return af.AlertFacts(
        terms=[
            af.Term("2021-05-10", deadline.isoformat(), 2, "U:founding-1"),
            af.Term(approved.isoformat(), "2031-05-10", 2, pid),
        ],
        reelections=[af.Reelection(pid, (deadline - dt.timedelta(days=90)).isoformat(), approved.isoformat())],
        congresses=[af.Congress("2021-05-01", 12), af.Congress(approved.isoformat(), 12)],
        waits=[af.Wait(pid, (deadline - dt.timedelta(days=90)).isoformat(), 15, "plan", approved.isoformat())],
        procedures={"U:founding-1": af.Procedure("founding", win), pid: af.Procedure("reelection", win)},
    )


def _check(facts: af.AlertFacts, n: int) -> None:
    text = facts.to_json()
    for i in range(n):  # the first computes, the others copy
        org_id, path = f"U{i}", f"ACFTU/HB/U{i}/"
        assert ap.periods_of(org_id, path, facts, text) == ap.periods(org_id, path, facts)


def test_imported_terms_copied_from_the_memo_equal_their_own_periods() -> None:
    rng = random.Random(21)
    for _ in range(400):
        start = dt.date(2019, 1, 1) + dt.timedelta(days=rng.randrange(2600))
        _check(_imported(start, rng.choice([3, 4, 5]), rng), 3)


@pytest.mark.parametrize("offset", [-1, 0, 1])
@pytest.mark.parametrize("deadline", [dt.date(2026, 5, 10), dt.date(2024, 2, 29), dt.date(2026, 12, 31)])
def test_r_on_time_a_reelection_the_day_before_of_and_after_its_deadline(deadline: dt.date, offset: int) -> None:
    facts = _reelected(deadline, offset)
    _check(facts, 3)
    first = deadline.isoformat()
    overdue = [(r[4], r[5]) for r in ap.periods("U", "p/", facts) if r[1] == ap.TERM_OVERDUE and r[6] == first]
    # R-ON-TIME: approved by the deadline, never overdue; a day late, overdue on that day only
    late = (deadline + dt.timedelta(days=1)).isoformat()
    assert overdue == ([] if offset <= 0 else [(late, late)])


def test_different_facts_are_never_served_each_others_periods() -> None:
    a = _reelected(dt.date(2026, 5, 10), 0)
    b = _reelected(dt.date(2026, 5, 10), 1)
    assert a.to_json() != b.to_json()
    _check(a, 2)
    _check(b, 2)
    assert ap.periods_of("U", "p/", a, a.to_json()) != ap.periods_of("U", "p/", b, b.to_json())


def test_the_memo_starts_afresh_when_full(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ap, "SEEN_MAX", 5)
    ap._SEEN.clear()
    rng = random.Random(3)
    for i in range(12):
        _check(_imported(dt.date(2020, 1, 1) + dt.timedelta(days=i), 5, rng), 2)
        assert len(ap._SEEN) <= 5
