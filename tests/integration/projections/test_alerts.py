"""Alerts of RULES.md §6 on the worked examples of §8, at the boundary days, through the real
workflow with the projections' listener attached (read-your-writes: no catch-up needed)."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

import projections
from projections import Alert
from tests.integration.projections.support import FOUNDING, D, World, profile
from workflow import commands as c
from workflow.authority import Actor
from workflow.errors import RuleViolation


def fired(engine: sa.Engine, on: dt.date, org: str = "U1") -> dict[str, Alert]:
    return {a.kind: a for a in projections.alerts(engine, on, limit=None).items if a.org_id == org}


def test_example_1_term_due_from_two_months_before_and_overdue_the_day_after(world: World, engine: sa.Engine) -> None:
    world.add_union("U1")
    world.found("U1", legal_person_on=D(2019, 4, 1))  # congress 2019-03-01, 5-year term
    assert projections.union(engine, "U1").term_end == D(2024, 3, 1)  # type: ignore[union-attr]

    assert "A-TERM-DUE" not in fired(engine, D(2023, 12, 31))
    due = fired(engine, D(2024, 1, 1))["A-TERM-DUE"]
    assert (due.deadline, due.days_overdue, due.rule, due.window) == (D(2024, 3, 1), -60, "R-ON-TIME", "2 months")

    on_deadline = fired(engine, D(2024, 3, 1))
    assert "A-TERM-DUE" in on_deadline and "A-TERM-OVERDUE" not in on_deadline

    after = fired(engine, D(2024, 3, 2))
    assert "A-TERM-DUE" not in after
    overdue = after["A-TERM-OVERDUE"]
    assert (overdue.deadline, overdue.days_overdue, overdue.rule) == (D(2024, 3, 1), 1, "R-ON-TIME")
    assert overdue.procedure_id == "U1:founding-1"  # the election that started the term
    # Next March is the same query as today: still overdue, a year later.
    assert fired(engine, D(2025, 3, 2))["A-TERM-OVERDUE"].days_overdue == 366


def test_example_2_approved_extension_moves_the_deadline(world: World, engine: sa.Engine) -> None:
    world.add_union("U1")
    world.found("U1", legal_person_on=D(2019, 4, 1))
    pid = world.request_extension("U1", D(2024, 2, 1), D(2024, 9, 1))  # 6 months: the limit
    world.approve("U1", pid, D(2024, 2, 10))

    record = projections.union(engine, "U1")
    assert record is not None and (record.extension_until, record.deadline) == (D(2024, 9, 1), D(2024, 9, 1))
    assert "A-TERM-OVERDUE" not in fired(engine, D(2024, 3, 2))
    assert "A-TERM-OVERDUE" not in fired(engine, D(2024, 9, 1))
    overdue = fired(engine, D(2024, 9, 2))["A-TERM-OVERDUE"]
    assert (overdue.deadline, overdue.days_overdue, overdue.rule) == (D(2024, 9, 1), 1, "R-EXTENSION")
    # The reminder follows the deadline in force: two months before the extended one.
    assert "A-TERM-DUE" not in fired(engine, D(2024, 6, 30))
    assert fired(engine, D(2024, 7, 1))["A-TERM-DUE"].deadline == D(2024, 9, 1)

    # An extension of 8 months is refused by the workflow (R-EXTENSION), so nothing changes.
    world.add_union("U2")
    world.found("U2", legal_person_on=D(2019, 4, 1))
    with pytest.raises(RuleViolation):
        world.request_extension("U2", D(2024, 2, 1), D(2024, 11, 1))
    assert fired(engine, D(2024, 3, 2), "U2")["A-TERM-OVERDUE"].deadline == D(2024, 3, 1)


def test_extension_approved_late_leaves_the_days_before_it_overdue(world: World, engine: sa.Engine) -> None:
    # R-EXTENSION: "an unapproved request changes nothing: the union is overdue until approval".
    # A past date is answered with the deadline in force on that date, not today's.
    world.add_union("U1")
    world.found("U1", legal_person_on=D(2019, 4, 1))
    pid = world.request_extension("U1", D(2024, 2, 20), D(2024, 9, 1))
    world.approve("U1", pid, D(2024, 4, 10))

    assert fired(engine, D(2024, 3, 2))["A-TERM-OVERDUE"].deadline == D(2024, 3, 1)
    assert fired(engine, D(2024, 4, 9))["A-TERM-OVERDUE"].days_overdue == 39
    assert "A-TERM-OVERDUE" not in fired(engine, D(2024, 4, 10))
    assert fired(engine, D(2024, 9, 2))["A-TERM-OVERDUE"].deadline == D(2024, 9, 1)


def test_example_3_extension_never_approved_is_overdue_and_pending(world: World, engine: sa.Engine) -> None:
    world.add_union("U1")
    world.found("U1", legal_person_on=D(2019, 4, 1))
    pid = world.request_extension("U1", D(2024, 2, 1), D(2024, 9, 1))

    assert "A-TERM-OVERDUE" not in fired(engine, D(2024, 3, 1))
    assert fired(engine, D(2024, 3, 2))["A-TERM-OVERDUE"].deadline == D(2024, 3, 1)
    # The request itself waits on the county (R-APPROVER) longer than the 15-day reply window.
    assert "A-APPROVAL-PENDING" not in fired(engine, D(2024, 2, 16))
    pending = fired(engine, D(2024, 2, 17))["A-APPROVAL-PENDING"]
    assert (pending.deadline, pending.days_overdue, pending.procedure_id) == (D(2024, 2, 16), 1, pid)
    assert pending.rule == "R-APPROVER" and pending.window == "15 days"


def test_reelected_in_may_was_overdue_in_april(world: World, engine: sa.Engine) -> None:
    world.add_union("U1")
    world.found("U1", legal_person_on=D(2019, 4, 1))
    pid = world.reelect("U1", D(2024, 4, 1), opened_on=D(2024, 2, 15))  # approved 2024-04-20

    # The reminder stops once the re-election is under way.
    assert "A-TERM-DUE" in fired(engine, D(2024, 2, 14))
    assert "A-TERM-DUE" not in fired(engine, D(2024, 2, 15))
    # Overdue from the day after the deadline through the day of the new term's approval: approved
    # after the deadline, the re-election was late on its own day too (R-ON-TIME).
    assert fired(engine, D(2024, 4, 20))["A-TERM-OVERDUE"].deadline == D(2024, 3, 1)
    assert "A-TERM-OVERDUE" not in fired(engine, D(2024, 4, 21))
    # The new term runs from its congress (R-FOUNDED): 2024-04-01 + 5 years.
    record = projections.union(engine, "U1")
    assert record is not None and (record.term_number, record.term_end) == (2, D(2029, 4, 1))
    assert fired(engine, D(2029, 4, 2))["A-TERM-OVERDUE"].procedure_id == pid


def test_example_10_vacancy_overdue_the_day_after_three_months(world: World, engine: sa.Engine) -> None:
    world.add_union("U1")
    world.found("U1", legal_person_on=D(2019, 4, 1))
    pid = world.vacancy("U1", D(2024, 5, 10))

    assert "A-VACANCY-OVERDUE" not in fired(engine, D(2024, 8, 10))
    alert = fired(engine, D(2024, 8, 11))["A-VACANCY-OVERDUE"]
    assert (alert.deadline, alert.days_overdue, alert.rule, alert.window) == (
        D(2024, 8, 10),
        1,
        "R-VACANCY",
        "3 months",
    )

    world.by_election("U1", pid, D(2024, 8, 1), approved=D(2024, 9, 1))
    assert "A-VACANCY-OVERDUE" in fired(engine, D(2024, 8, 31))
    assert "A-VACANCY-OVERDUE" not in fired(engine, D(2024, 9, 1))
    assert projections.union(engine, "U1").chair == "李"  # type: ignore[union-attr]


def test_by_election_made_moot_by_a_reelection_is_withdrawn_and_closed(world: World, engine: sa.Engine) -> None:
    """R-VACANCY: the re-election installs a chair, which ends the vacancy (and its alert); the
    by-election still open for it is then withdrawn and shows as closed, waiting on nobody."""
    world.add_union("U1")
    world.found("U1", legal_person_on=D(2019, 4, 1))  # term 2019-03-01 .. 2024-03-01
    by = world.vacancy("U1", D(2023, 12, 1))
    world.reelect("U1", D(2024, 2, 26))  # its approval installs a chair
    assert "A-VACANCY-OVERDUE" not in fired(engine, D(2024, 3, 20))
    before = projections.procedure_status(engine, by)
    assert before is not None and (before.state, before.closed, before.waiting_on) == ("vacant", False, "U1")

    world.step("U1", by, c.WithdrawProcedure, D(2024, 3, 20), reason="换届已选出主席")
    after = projections.procedure_status(engine, by)
    assert after is not None
    assert (after.state, after.closed, after.waiting_on, after.last_moved_on) == (
        "withdrawn",
        True,
        None,
        D(2024, 3, 20),
    )
    assert "A-VACANCY-OVERDUE" not in fired(engine, D(2024, 3, 20))


def test_approval_pending_after_the_reply_window(world: World, engine: sa.Engine) -> None:
    world.add_union("U1")
    pid = world.found("U1", until="prep")  # the founding request filed 2019-01-05
    assert "A-APPROVAL-PENDING" not in fired(engine, D(2019, 1, 20))
    alert = fired(engine, D(2019, 1, 21))["A-APPROVAL-PENDING"]
    assert (alert.deadline, alert.days_overdue, alert.basis) == (D(2019, 1, 20), 1, "founding_request filed 2019-01-05")
    world.approve("U1", pid, D(2019, 1, 25))
    assert "A-APPROVAL-PENDING" in fired(engine, D(2019, 1, 24))
    assert "A-APPROVAL-PENDING" not in fired(engine, D(2019, 1, 25))


def test_prep_stalled_until_the_congress(world: World, engine: sa.Engine) -> None:
    world.add_union("U1")
    pid = world.found("U1", until="congress_type")  # preparatory group approved 2019-01-10
    assert "A-PREP-STALLED" not in fired(engine, D(2019, 7, 10))
    alert = fired(engine, D(2019, 7, 11))["A-PREP-STALLED"]
    assert (alert.deadline, alert.rule, alert.window) == (D(2019, 7, 10), "R-PREP-GROUP", "6 months")
    world.election("U1", pid, D(2019, 10, 1), FOUNDING)
    assert "A-PREP-STALLED" in fired(engine, D(2019, 9, 30))
    assert "A-PREP-STALLED" not in fired(engine, D(2019, 10, 1))


def test_legal_person_within_sixty_days_of_the_founding(world: World, engine: sa.Engine) -> None:
    world.add_union("U1")
    world.found("U1", legal_person_on=D(2019, 6, 1))  # founded (approved) 2019-03-20
    assert "A-LEGAL-PERSON" not in fired(engine, D(2019, 5, 19))
    alert = fired(engine, D(2019, 5, 20))["A-LEGAL-PERSON"]
    assert (alert.deadline, alert.days_overdue, alert.window) == (D(2019, 5, 19), 1, "60 days")
    assert "A-LEGAL-PERSON" in fired(engine, D(2019, 5, 31))
    assert "A-LEGAL-PERSON" not in fired(engine, D(2019, 6, 1))
    record = projections.union(engine, "U1")
    assert record is not None and record.legal_person and record.legal_person_on == D(2019, 6, 1)


def test_no_annual_congress_twelve_months_after_the_last(world: World, engine: sa.Engine) -> None:
    world.add_union("U1")
    world.found("U1", legal_person_on=D(2019, 4, 1))  # congress 2019-03-01
    assert "A-NO-ANNUAL-CONGRESS" not in fired(engine, D(2020, 3, 1))
    alert = fired(engine, D(2020, 3, 2))["A-NO-ANNUAL-CONGRESS"]
    assert (alert.deadline, alert.days_overdue, alert.rule) == (D(2020, 3, 1), 1, "R-ANNUAL")
    world.reelect("U1", D(2024, 4, 1), opened_on=D(2024, 2, 15))
    assert "A-NO-ANNUAL-CONGRESS" in fired(engine, D(2024, 3, 31))
    assert "A-NO-ANNUAL-CONGRESS" not in fired(engine, D(2024, 4, 1))


def test_windows_come_from_the_profile_the_procedure_pinned(engine: sa.Engine) -> None:
    world = World(engine)
    world.profiles.register(
        profile(
            "local", term_due_reminder_months=3, approval_reply_days=10, legal_person_days=30, prep_stalled_months=4
        )
    )
    world.add_union("U1")
    # Congress 2019-05-31: the term ends 2024-05-31, and 3 months before is 2024-02-29 (R-TERM-END:
    # the same day of the target month, or its last day).
    pid = world.found("U1", D(2019, 5, 31), profile_name="local", until="prep")
    assert "A-APPROVAL-PENDING" not in fired(engine, D(2019, 4, 15))  # filed 2019-04-06, 10 days
    assert fired(engine, D(2019, 4, 17))["A-APPROVAL-PENDING"].window == "10 days"
    world.approve("U1", pid, D(2019, 4, 17))
    world.step("U1", pid, c.RecordMembersRecruited, D(2019, 4, 21), members=80, female_members=12, employees=120)
    world.election("U1", pid, D(2019, 5, 31), FOUNDING)  # approved 2019-06-19
    assert "A-LEGAL-PERSON" not in fired(engine, D(2019, 7, 19))
    assert fired(engine, D(2019, 7, 20))["A-LEGAL-PERSON"].window == "30 days"
    assert "A-TERM-DUE" not in fired(engine, D(2024, 2, 28))
    assert fired(engine, D(2024, 2, 29))["A-TERM-DUE"].window == "3 months"


def test_subtrees_and_kinds_and_pages(world: World, engine: sa.Engine) -> None:
    for union, parent in (("U1", "JA"), ("U2", "QS"), ("U3", "GZ")):
        world.add_union(union, parent)
        world.found(union, legal_person_on=D(2019, 4, 1))
    on = D(2024, 3, 2)

    def orgs(subtree: str | None, kinds: list[str] | None = None) -> set[str]:
        return {a.org_id for a in projections.alerts(engine, on, subtree, kinds, limit=None).items}

    assert orgs(None) == orgs("ACFTU") == {"U1", "U2", "U3"}
    assert orgs("HB") == orgs("WH") == {"U1", "U2"}
    assert orgs("JA") == {"U1"} and orgs("GD") == {"U3"} and orgs("U2") == {"U2"}
    assert orgs("QS", ["A-TERM-DUE"]) == set()
    with pytest.raises(LookupError):
        projections.alerts(engine, on, "NOPE")

    everything = projections.alerts(engine, on, limit=None).items
    seen, cursor = [], None
    while True:
        page = projections.alerts(engine, on, limit=2, cursor=cursor)
        seen += page.items
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == everything and len(everything) == 6  # overdue + no annual congress, each
    counts = projections.alert_counts(engine, on, "WH")
    assert counts == {"A-TERM-OVERDUE": 2, "A-NO-ANNUAL-CONGRESS": 2}


def test_annual_congress_between_elections_restarts_the_twelve_months(world: World, engine: sa.Engine) -> None:
    # R-ANNUAL: any congress counts, not only electoral ones.
    world.add_union("U1")
    world.found("U1", legal_person_on=D(2019, 4, 1))  # congress 2019-03-01
    world.run(
        c.RecordCongress(union_id="U1", due=80, present=54, agenda="工作报告", occurred_on=D(2020, 2, 20)),
        world.staff("U1"),
    )
    assert "A-NO-ANNUAL-CONGRESS" not in fired(engine, D(2020, 3, 2))
    assert "A-NO-ANNUAL-CONGRESS" not in fired(engine, D(2021, 2, 20))
    alert = fired(engine, D(2021, 2, 21))["A-NO-ANNUAL-CONGRESS"]
    assert (alert.deadline, alert.days_overdue, alert.basis) == (D(2021, 2, 20), 1, "last congress 2020-02-20")
    assert projections.union(engine, "U1").last_congress_on == D(2020, 2, 20)  # type: ignore[union-attr]


def test_imported_term_feeds_the_alerts_from_day_one(world: World, engine: sa.Engine) -> None:
    world.add_union("U1")
    world.run(
        c.ImportExistingTerm(union_id="U1", term_start=D(2019, 3, 1), term_years=5, occurred_on=D(2024, 5, 1)),
        Actor(person_id="admin", role="admin", org_id="ACFTU"),
    )
    overdue = fired(engine, D(2024, 5, 1))["A-TERM-OVERDUE"]
    assert (overdue.deadline, overdue.days_overdue) == (D(2024, 3, 1), 61)
    record = projections.union(engine, "U1")
    assert record is not None and (record.term_start, record.term_end) == (D(2019, 3, 1), D(2024, 3, 1))
