"""R-ON-TIME means one thing everywhere: a term is re-elected on time when its re-election is
approved by its deadline (the term end, or an approved extension's end), which is when
A-TERM-OVERDUE stops. Histories built at the boundary, on SQLite and PostgreSQL, through the real
workflow: the re-election approved on the deadline day is on time, with no overdue alert that
day; approved the day after, it is not, and the alert fires on that day. The term list's
`on_time`, the coverage's on-time figure and the alerts agree on each, and a rebuild gives the
same read models."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

import projections
from projections import Projections
from tests.integration.projections.support import REELECTION, D, World

DAY = dt.timedelta(days=1)
TERM_END = D(2024, 3, 1)  # worked example 1: congress 2019-03-01, 5 years
EXTENDED_TO = D(2024, 9, 1)  # worked example 2: a 6-month extension approved


def _overdue_on(engine: sa.Engine, on: dt.date, org: str) -> bool:
    return any(a.kind == "A-TERM-OVERDUE" and a.org_id == org for a in projections.alerts(engine, on, limit=None).items)


def _reelected_on(world: World, union: str, deadline: dt.date, late_by: int) -> dt.date:
    """U founded on worked example 1 (with worked example 2's extension when `deadline` is its
    end), and re-elected by a congress whose results are approved `late_by` days after the deadline."""
    world.add_union(union)
    world.found(union, legal_person_on=D(2019, 4, 1))
    if deadline == EXTENDED_TO:
        world.approve(union, world.request_extension(union, D(2024, 2, 1), EXTENDED_TO), D(2024, 2, 10))
    approved = deadline + late_by * DAY
    congress = approved - REELECTION["approve_results"] * DAY
    world.reelect(union, congress, opened_on=congress + REELECTION["approve_plan"] * DAY)
    return approved


@pytest.mark.parametrize("deadline", [TERM_END, EXTENDED_TO], ids=["term_end", "extension_end"])
@pytest.mark.parametrize("late_by", [0, 1], ids=["on_the_deadline", "the_day_after"])
def test_term_list_coverage_and_alerts_agree_on_time_at_the_deadline_r_on_time(
    world: World, engine: sa.Engine, deadline: dt.date, late_by: int
) -> None:
    approved = _reelected_on(world, "U1", deadline, late_by)
    on_time = late_by == 0

    # The term list: the first term, succeeded by the re-election approved on `approved`.
    first = projections.terms(engine, "U1")[0]
    assert (first.deadline, first.succeeded_approved_on, first.on_time) == (deadline, approved, on_time)
    # The coverage, as of the approval's day: the term has ended, on time or not.
    cov = projections.coverage(engine, "U1", on=approved)
    assert (cov.terms_ended, cov.terms_on_time) == (1, int(on_time))
    # The alerts: never overdue on the deadline; on the approval's day exactly when it was late;
    # never after it.
    assert not _overdue_on(engine, deadline, "U1")
    assert _overdue_on(engine, approved, "U1") is not on_time
    assert not _overdue_on(engine, approved + DAY, "U1")

    assert first.on_time is (cov.terms_on_time == 1) is (not _overdue_on(engine, approved, "U1"))
    assert Projections(engine).compare_with_rebuild().ok


def test_on_time_counts_the_approval_not_the_congress_r_on_time(world: World, engine: sa.Engine) -> None:
    """A congress held before the deadline whose results are approved after it is not on time:
    R-ON-TIME counts the approval (the moment A-TERM-OVERDUE stops), not the congress."""
    world.add_union("U1")
    world.found("U1", legal_person_on=D(2019, 4, 1))
    world.reelect("U1", D(2024, 2, 20), opened_on=D(2024, 1, 2))  # approved 2024-03-10
    first = projections.terms(engine, "U1")[0]
    assert (first.succeeded_on, first.succeeded_approved_on, first.on_time) == (D(2024, 2, 20), D(2024, 3, 10), False)
    assert projections.coverage(engine, "U1", on=D(2024, 3, 10)).terms_on_time == 0
    assert _overdue_on(engine, D(2024, 3, 10), "U1") and not _overdue_on(engine, D(2024, 3, 11), "U1")
    assert projections.terms(engine, "U1")[1].on_time is None  # the current term: not yet re-elected
