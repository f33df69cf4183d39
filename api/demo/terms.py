"""A union's terms: the re-elections (换届) that started each term after the first (completed, or
under way at any step), and the chain of terms back to the first one, founded through unionflow or
imported with the registry."""

from __future__ import annotations

import datetime as dt
import itertools

from api.demo.election_steps import election_items
from api.demo.elections import Election, plan_election
from api.demo.founding import founded
from api.demo.story import Story
from api.demo.timeline import DAY, Item, place
from workflow import commands as c
from workflow import rules
from workflow.calendar import add_months, add_years

# A first term that began before go-live, or soon after it, came in with the registry import.
IMPORTED_BEFORE = dt.timedelta(days=200)


def reelection_items(s: Story, e: Election, planned: dt.date, reject: str | None = None) -> tuple[str, list[Item]]:
    pid = s.pid("reelection")
    u = s.union_id
    opened = s.step(
        "plan_filed",
        0,
        0,
        lambda on: c.OpenReelection(
            union_id=u,
            plan=f"关于{s.name}换届选举的请示：拟于{max(on, planned):%Y年%m月}召开大会选举新一届委员会",
            planned_congress_on=max(on, planned),
            occurred_on=on,
        ),
    )
    return pid, [opened, s.approve("plan_approved", pid, 1, 12), *election_items(s, pid, e, reject=reject)]


def reelected_term(s: Story, deadline: dt.date, congress_on: dt.date, years: int) -> Election:
    """A completed re-election whose congress (the new term's start) is on `congress_on`, for a
    term of `years`."""
    window = add_months(deadline, -s.profile.term_due_reminder_months)
    s.update_facts(window - s.rng.randint(1, 20) * DAY)
    e = plan_election(s.rng, s.people, s.unit, s.profile)
    e.term_years = years
    pid, items = reelection_items(s, e, congress_on)
    items.append(s.approve("reelected", pid, 5, 13))
    anchor = next(i for i, item in enumerate(items) if item.label == "congress_held")
    dates = place(s.rng, items, anchor, congress_on, floor=window)
    if dates[anchor] != congress_on:
        raise ValueError("re-election congress moved")
    s.add(items, dates)
    s.committee = e.elected
    return e


def reelection_under_way(
    s: Story, deadline: dt.date, until: str, last_on: dt.date, *, early: bool = False, floor: dt.date | None = None
) -> None:
    """A re-election whose latest step is `until`, taken on `last_on` (not before `floor`, by
    default the window before the deadline, R-EARLY)."""
    window = floor or add_months(deadline, -s.profile.term_due_reminder_months)
    s.update_facts(window - s.rng.randint(1, 20) * DAY)
    e = plan_election(s.rng, s.people, s.unit, s.profile)
    _, items = reelection_items(s, e, last_on + s.rng.randint(10, 40) * DAY)
    cut = max(i for i, item in enumerate(items) if item.label == until) + 1
    items = items[:cut]
    dates = place(s.rng, items, len(items) - 1, last_on, floor=window, ceiling=s.today)
    s.add(items, dates)


def terms(
    s: Story, current_start: dt.date, current_years: int, *, imported: bool = False, reelected: bool = False
) -> tuple[Election | None, dt.date]:
    """The union's terms up to the current one, which starts on `current_start`: earlier terms
    (re-elected on time or late) back to the first, which was founded through unionflow or
    imported from the registry (`imported`: certainly; `reelected`: the current term certainly
    came from a re-election). Returns the current term's election (None if imported) and the
    day its approval was recorded (from then on the term is current)."""
    go_live, rng = s.demo.go_live, s.rng
    starts = [(current_start, current_years)]
    while True:
        start, _ = starts[0]
        if start < go_live + IMPORTED_BEFORE:
            break  # imported with the registry
        must_go_back = imported or (reelected and len(starts) == 1)
        if not must_go_back and (start < go_live + 400 * DAY or rng.random() < 0.3):
            break  # founded through unionflow
        years = 5 if rng.random() < 0.6 else 3
        late = rng.random() < 0.25
        deadline = start - rng.randint(20, 300) * DAY if late else start + rng.randint(0, 35) * DAY
        starts.insert(0, (add_years(deadline, -years), years))
    e: Election | None
    first_start, first_years = starts[0]
    if first_start < go_live + IMPORTED_BEFORE:
        e, known_from = None, s.imported(first_start, first_years, current=len(starts) == 1)
    else:
        e = founded(s, first_start, first_years, legal_person=rng.random() < 0.93)
        known_from = first_start + 20 * DAY  # the founding's approval, at the latest
    for (start, years), (next_start, next_years) in itertools.pairwise(starts):
        deadline = rules.term_end(start, years)
        # R-ANNUAL counts the members on record: the yearly congresses end before the re-election
        # updates the unit's facts (`reelected_term`, at most 20 days before its window).
        window = add_months(deadline, -s.profile.term_due_reminder_months)
        s.annual_congresses(start, min(next_start - 60 * DAY, window - 21 * DAY), e, not_before=known_from)
        e = reelected_term(s, deadline, next_start, next_years)
        known_from = next_start + 20 * DAY
    return e, known_from
