"""Procedure status, the approval inbox, the union register and coverage (read models 1, 2, 3, 5)
kept live by the append listener."""

from __future__ import annotations

import sqlalchemy as sa

import projections
from events.catalogue import BallotCount
from tests.integration.projections.support import FOUNDING, D, World
from workflow import commands as c


def test_procedure_status_follows_every_step_and_says_who_acts_next(world: World, engine: sa.Engine) -> None:
    world.add_union("U1")
    pid = world.found("U1", until="approve_candidates")  # candidates filed 2019-02-05

    status = projections.procedure_status(engine, pid)
    assert status is not None
    assert (status.org_id, status.kind, status.state, status.closed) == ("U1", "founding", "candidates_filed", False)
    assert (status.waiting_on, status.approver_org, status.awaiting_approval) == ("JA", "JA", True)
    assert status.waiting_for == "candidate list (R-VETTING)"
    assert (status.opened_on, status.last_moved_on, status.filed_on) == (D(2019, 1, 5), D(2019, 2, 5), D(2019, 2, 5))

    world.approve("U1", pid, D(2019, 2, 10))
    status = projections.procedure_status(engine, pid)
    assert status is not None and (status.state, status.waiting_on, status.awaiting_approval) == (
        "candidates_approved",
        "U1",
        False,
    )
    assert status.waiting_for is not None and "congress" in status.waiting_for
    assert projections.procedure_status(engine, "U1:founding-9") is None


def test_a_tie_goes_to_a_runoff_and_back(world: World, engine: sa.Engine) -> None:
    world.add_union("U1")
    pid = world.found("U1", until="congress")
    tied = {"赵": 50, "钱": 49, "孙": 48, "李": 47, "周": 46, "吴": 45, "郑": 44, "王": 44}
    world.step(
        "U1",
        pid,
        c.HoldCongress,
        D(2019, 3, 1),
        due=80,
        present=54,
        committee_vote=BallotCount(seats=7, ballots_issued=54, ballots_returned=54, tallies=tied),
        funds_review_vote=BallotCount(
            seats=3, ballots_issued=54, ballots_returned=54, tallies={"冯": 50, "陈": 49, "褚": 45}
        ),
    )
    assert projections.procedure_status(engine, pid).state == "runoff_needed"  # type: ignore[union-attr]
    world.step(
        "U1",
        pid,
        c.HoldRunoff,
        D(2019, 3, 2),
        body="committee",
        due=80,
        present=54,
        vote=BallotCount(seats=1, ballots_issued=54, ballots_returned=54, tallies={"郑": 45, "王": 9}),
    )
    assert projections.procedure_status(engine, pid).state == "congress_held"  # type: ignore[union-attr]


def test_inbox_of_the_approving_organisation_oldest_first(world: World, engine: sa.Engine) -> None:
    world.add_union("U1")
    world.add_union("U2")
    world.add_union("U3", parent="QS")
    p2 = world.found("U2", D(2019, 2, 1), until="prep")  # filed 2018-12-08
    p1 = world.found("U1", until="approve_results")  # results filed 2019-03-05
    p3 = world.found("U3", until="prep")

    page = projections.inbox(engine, "JA", on=D(2019, 3, 25))
    assert [i.procedure_id for i in page.items] == [p2, p1] and page.next_cursor is None
    first, second = page.items
    assert (first.filing, first.filing_event, first.filed_on, first.waited_days) == (
        "founding_request",
        "FoundingRequested",
        D(2018, 12, 8),
        107,
    )
    assert first.overdue and first.reply_days == 15
    assert first.filed_by["actor_id"] == "staff-U2" and first.filed_by["role"] == "staff"
    assert [m["name"] for m in first.content["prep_group"]] == ["甲", "乙", "丙", "丁"]
    assert second.filing == "results" and second.content["term_years"] == 5 and second.waited_days == 20
    assert any(e["rule"] == "R-TERM" for e in second.content["evidence"])  # the rule evidence travels with it

    one = projections.inbox(engine, "JA", on=D(2019, 3, 25), limit=1)
    rest = projections.inbox(engine, "JA", on=D(2019, 3, 25), limit=1, cursor=one.next_cursor)
    assert [i.procedure_id for i in one.items + rest.items] == [p2, p1] and rest.next_cursor is None
    assert [i.procedure_id for i in projections.inbox(engine, "JA", limit=None).items] == [p2, p1]
    assert [i.procedure_id for i in projections.inbox(engine, "JA", procedure_id=p1).items] == [p1]
    assert projections.inbox(engine, "JA", procedure_id=p3).items == []  # p3 waits on QS, not JA
    assert [i.procedure_id for i in projections.inbox(engine, "QS").items] == [p3]
    assert projections.inbox(engine, "WH").items == []  # R-APPROVER: only the direct higher-level union

    world.approve("U1", p1, D(2019, 3, 20))
    assert [i.procedure_id for i in projections.inbox(engine, "JA").items] == [p2]


def test_procedures_filtered_by_subtree_kind_state_and_paged(world: World, engine: sa.Engine) -> None:
    for union, parent in (("U1", "JA"), ("U2", "JA"), ("U3", "GZ")):
        world.add_union(union, parent)
        world.found(union, legal_person_on=D(2019, 4, 1))
    world.request_extension("U2", D(2024, 2, 1), D(2024, 9, 1))

    everything = projections.procedures(engine, limit=None).items
    assert len(everything) == 4
    assert [p.procedure_id for p in projections.procedures(engine, "HB", kind="extension").items] == ["U2:extension-1"]
    assert {p.org_id for p in projections.procedures(engine, "GD").items} == {"U3"}
    assert [p.state for p in projections.procedures(engine, open_only=True).items] == ["requested"]
    assert len(projections.procedures(engine, state="registered").items) == 3
    assert [p.procedure_id for p in projections.procedures(engine, org_id="U2").items] == [
        "U2:extension-1",
        "U2:founding-1",
    ]
    paged, cursor = [], None
    while True:
        page = projections.procedures(engine, limit=3, cursor=cursor)
        paged += page.items
        cursor = page.next_cursor
        if cursor is None:
            break
    assert paged == everything


def test_register_holds_the_union_its_bodies_term_and_terms(world: World, engine: sa.Engine) -> None:
    world.add_union("U1")
    world.found("U1", legal_person_on=D(2019, 4, 1))
    pid = world.request_extension("U1", D(2024, 2, 1), D(2024, 8, 1))
    world.approve("U1", pid, D(2024, 2, 10))
    world.reelect("U1", D(2024, 7, 20))  # opened 2024-06-05, in the window of the extended deadline

    u = projections.union(engine, "U1")
    assert u is not None
    assert (u.parent_id, u.path, u.depth, u.level) == ("JA", "ACFTU/HB/WH/JA/U1/", 4, "grassroots")
    assert (u.form, u.congress_type, u.members, u.employees) == ("committee", "members_meeting", 80, 120)
    assert (u.chair, u.vice_chairs, u.committee[:2], u.funds_review_director) == ("赵", ["钱"], ["赵", "钱"], "冯")
    assert (u.term_number, u.term_start, u.term_years, u.term_end) == (2, D(2024, 7, 20), 5, D(2029, 7, 20))
    assert (u.extension_until, u.deadline, u.founded_on, u.last_congress_on) == (
        None,
        D(2029, 7, 20),
        D(2019, 3, 20),
        D(2024, 7, 20),
    )
    assert u.version == world.store.stream_version("org-U1")  # read-your-writes, by version

    first, second = projections.terms(engine, "U1")
    assert (first.end, first.deadline, first.extended) == (D(2024, 3, 1), D(2024, 8, 1), True)
    assert (first.succeeded_on, first.started_by) == (D(2024, 7, 20), "U1:founding-1")
    assert (second.start, second.succeeded_on) == (D(2024, 7, 20), None)

    levels = [(r.org_id, r.level) for r in projections.register(engine, "WH", limit=None).items]
    assert levels == [("WH", "city"), ("JA", "county"), ("U1", "grassroots"), ("QS", "county")]
    assert [r.org_id for r in projections.register(engine, level="grassroots", founded=True).items] == ["U1"]
    page = projections.register(engine, limit=4)
    rest = projections.register(engine, limit=100, cursor=page.next_cursor)
    assert len(page.items) + len(rest.items) == 8 and rest.next_cursor is None


def test_coverage_founding_rates_members_and_on_time_reelection(world: World, engine: sa.Engine) -> None:
    for union in ("U1", "U3", "U4"):
        world.add_union(union)
        world.found(union, legal_person_on=D(2019, 4, 1))  # deadlines 2024-03-01
    world.add_union("U2", "QS", employees=10)  # registered, never founded
    world.reelect("U3", D(2024, 5, 1))  # after its deadline: not on time
    # R-ON-TIME counts the re-election's approval: U4's is approved on 2024-03-01, its deadline.
    world.reelect("U4", D(2024, 2, 11), opened_on=D(2024, 1, 2))

    cov = projections.coverage(engine, "ACFTU", on=D(2025, 1, 1))
    assert (cov.units, cov.founded, cov.units_25, cov.founded_25) == (4, 3, 3, 3)
    assert cov.founding_rate == 0.75 and cov.founding_rate_25 == 1.0
    assert (cov.members, cov.employees_unionised) == (240, 360)
    assert (cov.terms_ended, cov.terms_on_time) == (3, 1)
    assert cov.on_time_rate == 1 / 3

    assert projections.coverage(engine, "JA", on=D(2025, 1, 1)).units == 3
    early = projections.coverage(engine, on=D(2019, 3, 19))
    assert (early.units, early.founded, early.terms_ended, early.on_time_rate) == (4, 0, 0, None)
    # Before U4's deadline nothing had ended yet; U4's re-election counts from its approval.
    mid = projections.coverage(engine, on=D(2024, 2, 29))
    assert (mid.terms_ended, mid.terms_on_time) == (0, 0)
    assert projections.coverage(engine, on=D(2024, 3, 11)).terms_on_time == 1


def test_the_listener_keeps_every_read_model_at_the_head(world: World, engine: sa.Engine) -> None:
    world.add_union("U1")
    pid = world.found("U1", until="congress_type")
    head = world.store.last_position()
    assert {s.name: s.lag for s in world.projections.status()} == {"register": 0, "procedures": 0, "alerts": 0}
    assert [s.position for s in world.projections.status()] == [head] * 3
    world.election("U1", pid, D(2019, 3, 1), FOUNDING)
    assert projections.procedure_status(engine, pid).state == "founded"  # type: ignore[union-attr]
    assert world.projections.compare_with_rebuild().ok
