"""The situations a grassroots union of the demo is in (RULES.md §3-§6), how many of each, how one
union's story is planned for its situation, and how many unions are in each situation once loaded
(read back from the read models)."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from typing import TYPE_CHECKING, Any

from api.demo.elections import Election
from api.demo.founding import founded, founding_under_way
from api.demo.naming import CITY
from api.demo.story import Federation, Story
from api.demo.terms import reelection_under_way, terms
from api.demo.timeline import DAY, place
from api.demo.vacancies import vacancy
from workflow import commands as c
from workflow import rules
from workflow.calendar import add_months, add_years

if TYPE_CHECKING:
    from api.demo.builder import DemoBuilder
    from api.runtime import Runtime

# How many unions of each situation, as weights; every situation appears at least once.
SITUATIONS: tuple[tuple[str, float], ...] = (
    ("no_union_yet", 7),
    ("founding_requested", 2),
    ("founding_request_waiting_long", 2),
    ("founding_request_resubmitted", 1.5),
    ("founding_preparing", 2),
    ("founding_prep_stalled", 1.5),
    ("founding_members_recruited", 2),
    ("founding_candidates_filed", 2),
    ("founding_candidates_rejected_refiled", 1),
    ("founding_candidates_approved", 2),
    ("founding_congress_held", 1.5),
    ("founding_results_filed", 2),
    ("founding_results_rejected_refiled", 1),
    ("founded_recently_registered", 4),
    ("founded_legal_person_late", 2),
    ("founded_just_now", 1.5),
    ("term_in_force", 28),
    ("term_due_soon", 5),
    ("term_overdue", 4),
    ("term_extended", 2.5),
    ("extension_requested", 1.5),
    ("early_reelection", 2),
    ("no_annual_congress", 3),
    ("reelection_plan_filed", 2.5),
    ("reelection_in_progress", 4),
    ("reelection_results_filed", 2.5),
    ("reelection_overdue_in_progress", 2),
    ("chair_vacant", 1.5),
    ("chair_vacancy_overdue", 1.5),
    ("by_election_consent_requested", 1.5),
    ("by_election_filled", 2),
)
MIN_UNIONS = len(SITUATIONS)


def _days(rng: random.Random, lo: int, hi: int) -> dt.timedelta:
    return rng.randint(lo, hi) * DAY


def plan_story(demo: DemoBuilder, situation: str, union_id: str, fed: Federation) -> Story:
    """One grassroots union below `fed`, its unit drawn, its steps planned for `situation`."""
    unit = demo.unit(fed)
    s = Story(demo, union_id, fed, unit, f"{unit.unit_name}工会委员会")
    rng, today = demo.rng, demo.today
    ago = lambda lo, hi: today - _days(rng, lo, hi)  # noqa: E731
    # Every entry is drawn, whatever the situation: the seeded sequence stays the same.
    founding = {
        "founding_requested": ("requested", ago(0, 12), None),
        "founding_request_waiting_long": ("requested", ago(20, 60), None),
        "founding_request_resubmitted": ("requested", ago(2, 30), "request"),
        "founding_preparing": ("preparing", ago(10, 120), None),
        "founding_prep_stalled": ("preparing", ago(200, 400), None),
        "founding_members_recruited": ("members_recruited", ago(5, 90), None),
        "founding_candidates_filed": ("candidates_filed", ago(1, 30), None),
        "founding_candidates_rejected_refiled": ("candidates_filed", ago(1, 20), "candidates"),
        "founding_candidates_approved": ("candidates_approved", ago(1, 10), None),
        "founding_congress_held": ("congress_held", ago(1, 6), None),
        "founding_results_filed": ("results_filed", ago(1, 40), None),
        "founding_results_rejected_refiled": ("results_filed", ago(1, 20), "results"),
    }
    if situation == "no_union_yet":
        s.register(ago(30, 2000), s.without_members())
    elif situation in founding:
        until, last_on, reject = founding[situation]
        founding_under_way(s, until, last_on, reject)
    elif situation.startswith("founded_"):
        congress = {
            "founded_recently_registered": ago(90, 700),
            "founded_legal_person_late": ago(110, 400),
            "founded_just_now": ago(25, 45),
        }[situation]
        e = founded(s, congress, legal_person=situation == "founded_recently_registered")
        s.annual_congresses(congress, today, e)
    else:
        _founded_story(s, situation)
    return s


def _planned_deadline(rng: random.Random, today: dt.date, years: int, situation: str) -> dt.date:
    """The current term's deadline that puts the union in `situation` today (every entry drawn)."""
    return {
        "term_in_force": today + _days(rng, 70, 365 * years - 60),
        "term_due_soon": today + _days(rng, 5, 55),
        "term_overdue": today - _days(rng, 5, 400),
        "term_extended": today - _days(rng, 10, 80),
        "extension_requested": today + _days(rng, 10, 50),
        "early_reelection": today + _days(rng, 300, 700),
        "no_annual_congress": today + _days(rng, 60, 365 * years - 500),
        "reelection_plan_filed": today + _days(rng, 20, 55),
        "reelection_in_progress": today + _days(rng, 5, 40),
        "reelection_results_filed": today + _days(rng, 5, 20),
        "reelection_overdue_in_progress": today - _days(rng, 60, 300),
        "chair_vacant": today + _days(rng, 200, 365 * years - 200),
        "chair_vacancy_overdue": today + _days(rng, 200, 365 * years - 400),
        "by_election_consent_requested": today + _days(rng, 200, 365 * years - 200),
        "by_election_filled": today + _days(rng, 200, 365 * years - 500),
    }[situation]


def _founded_story(s: Story, situation: str) -> None:
    """Unions with a current term: its deadline relative to today decides the situation."""
    rng, today = s.rng, s.today
    years = 5 if rng.random() < 0.7 else 3
    start = add_years(_planned_deadline(rng, today, years, situation), -years)
    deadline = rules.term_end(start, years)
    # Guaranteed in every demo: a union imported from the registry (the overdue ones were), and
    # a term that came from a completed re-election.
    e, current_from = terms(
        s, start, years, imported=situation == "term_overdue", reelected=situation == "term_in_force"
    )
    if e is not None and e.term_years != years:
        raise ValueError("term length")
    window = add_months(deadline, -s.profile.term_due_reminder_months)
    # Annual congresses until today, or until a re-election's congress takes their place.
    stop = today
    if situation == "no_annual_congress":
        stop = today - _days(rng, 400, 600)
    elif situation.startswith("reelection_"):
        stop = min(today, window) - 30 * DAY
    s.annual_congresses(start, stop, e, not_before=current_from)
    _under_way_today(s, situation, deadline, window, current_from, e)


def _under_way_today(
    s: Story, situation: str, deadline: dt.date, window: dt.date, current_from: dt.date, e: Election | None
) -> None:
    """The procedure the union is in the middle of today, if its situation has one."""
    rng, today = s.rng, s.today
    match situation:
        case "term_extended" | "extension_requested":
            _extension(s, deadline, current_from, approved=situation == "term_extended")
        case "early_reelection":
            _early_reelection(s, deadline, current_from)
        case "reelection_plan_filed":
            filed_on = max(window + _days(rng, 0, 5), today - _days(rng, 0, 30))
            reelection_under_way(s, deadline, "plan_filed", min(filed_on, today))
        case "reelection_in_progress":
            until = rng.choice(
                (
                    "plan_approved",
                    "congress_type_decided",
                    "candidates_posted",
                    "candidates_filed",
                    "candidates_approved",
                )
            )
            reelection_under_way(s, deadline, until, today - _days(rng, 0, 8))
        case "reelection_results_filed":
            reelection_under_way(s, deadline, "results_filed", today - _days(rng, 0, 25))
        case "reelection_overdue_in_progress":
            until = rng.choice(("plan_filed", "plan_approved", "candidates_filed", "congress_held", "results_filed"))
            reelection_under_way(s, deadline, until, today - _days(rng, 0, 30), floor=deadline + _days(rng, 5, 30))
        case "chair_vacant" | "chair_vacancy_overdue" | "by_election_consent_requested" | "by_election_filled":
            left = {
                "chair_vacant": today - _days(rng, 3, 60),
                "chair_vacancy_overdue": today - _days(rng, 100, 300),
                "by_election_consent_requested": today - _days(rng, 30, 80),
                "by_election_filled": today - _days(rng, 150, 400),
            }[situation]
            vacancy(s, max(left, current_from + 30 * DAY), situation, e)
        case _:
            pass


def _extension(s: Story, deadline: dt.date, current_from: dt.date, *, approved: bool) -> None:
    """A longer term asked for (R-EXTENSION): approved (the deadline passed since) or waiting."""
    rng, today = s.rng, s.today
    pid = s.pid("extension")
    new_deadline = add_months(deadline, rng.randint(4, 6) if approved else rng.randint(3, 6))
    asked = deadline - _days(rng, 20, 45) if approved else today - _days(rng, 3, 25)
    items = [
        s.command_step(
            "requested",
            0,
            0,
            c.RequestExtension,
            reason="单位正在进行改制重组，会员人数变动较大，申请延期换届",
            new_deadline=new_deadline,
        )
    ]
    if approved:
        items.append(s.approve("approved", pid, 5, 14))
    s.add(items, place(rng, items, 0, max(asked, current_from)))


def _early_reelection(s: Story, deadline: dt.date, current_from: dt.date) -> None:
    """An early re-election asked for and approved, the re-election under way since."""
    rng, today = s.rng, s.today
    pid = s.pid("early_reelection")
    asked = today - _days(rng, 60, 100)
    planned = asked + _days(rng, 50, 80)
    items = [
        s.command_step(
            "requested",
            0,
            0,
            c.RequestEarlyReelection,
            reason="单位合并重组，委员会成员多数已调离",
            planned_congress_on=planned,
        ),
        s.approve("approved", pid, 5, 12),
    ]
    dates = place(rng, items, 0, max(asked, current_from))
    s.add(items, dates)
    reelection_under_way(
        s,
        deadline,
        rng.choice(("plan_approved", "candidates_filed", "candidates_approved", "results_filed")),
        today - _days(rng, 0, 5),
        early=True,
        floor=dates[-1] + 2 * DAY,
    )


def situations_now(rt: Runtime, today: dt.date) -> Counter[str]:
    """How many grassroots unions are in each situation, read back from the read models: the open
    procedure (kind and state) if any, otherwise whether the union is founded and its term's state."""
    import projections

    unions = projections.register(rt.engine, CITY, level="grassroots", limit=None).items
    open_procs: dict[str, list[Any]] = {}
    for p in projections.procedures(rt.engine, CITY, open_only=True, limit=None).items:
        open_procs.setdefault(p.org_id, []).append(p)
    order = {"founding": 0, "by_election": 1, "reelection": 2, "early_reelection": 3, "extension": 4}
    counts: Counter[str] = Counter()
    for u in unions:
        procs = sorted(open_procs.get(u.org_id, []), key=lambda p: order.get(p.kind, 9))
        if u.dissolved_on is not None:
            counts["dissolved (R-DISSOLVE)"] += 1
        elif procs and procs[0].kind == "founding" and procs[0].state == "founded":
            counts["founded: legal person not registered yet"] += 1
        elif procs:
            p = procs[0]
            label = {"by_election": "chair vacant, by-election", "early_reelection": "early re-election asked"}
            counts[f"{label.get(p.kind, p.kind.replace('_', ' '))}: {p.state.replace('_', ' ')}"] += 1
        elif u.founded_at_latest is None:
            counts["no union yet (unit registered)"] += 1
        elif u.deadline is not None and u.deadline < today:
            counts["founded: term overdue, no re-election"] += 1
        elif u.deadline is not None and add_months(u.deadline, -2) <= today:
            counts["founded: term due within 2 months"] += 1
        elif u.extension_until is not None:
            counts["founded: term extended (R-EXTENSION)"] += 1
        else:
            counts["founded: term in force"] += 1
    return counts
