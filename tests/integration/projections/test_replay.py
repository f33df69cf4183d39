"""Replay for auditors: a union's or a procedure's history, its state as of a business date and as
recorded at a time (tested on a backdated entry), and the alerts as they stood on a past date."""

from __future__ import annotations

import datetime as dt
import time

import sqlalchemy as sa

import projections
from projections import alerts_as_recorded, history, procedure_as_of, union_as_of
from tests.integration.projections.support import D, World


def _backdated(world: World) -> tuple[str, str]:
    """A union re-electing from 2024-02-15; then, recorded later, its chair's departure on
    2024-01-20 (a backdated entry: recorded after the re-election, dated before it)."""
    world.add_union("U1")
    world.found("U1", legal_person_on=D(2019, 4, 1))
    reelection = world.open_reelection("U1", D(2024, 2, 15))
    time.sleep(0.01)  # so that the two entries have distinct recording times
    vacancy = world.vacancy("U1", D(2024, 1, 20))
    return reelection, vacancy


def test_history_of_a_union_and_of_a_procedure(world: World) -> None:
    reelection, vacancy = _backdated(world)
    entries = history(world.store, "U1")
    assert [e.version for e in entries] == list(range(1, len(entries) + 1))
    first = entries[0]
    assert (first.event_type, first.actor_id, first.role, first.acting_org) == (
        "OrganisationRegistered",
        "admin",
        "admin",
        "ACFTU",
    )
    approval = next(e for e in entries if e.event_type == "ResultsApproved")
    assert (approval.role, approval.acting_org, approval.occurred_on) == ("approver", "JA", D(2019, 3, 20))
    assert approval.evidence[0]["rule"] == "R-TERM-END" and approval.payload["term_end"] == "2024-03-01"
    assert approval.recorded_at.tzinfo is not None and approval.hash

    only = history(world.store, procedure_id=vacancy)
    assert [e.event_type for e in only] == ["ChairVacancyRecorded"]
    assert (
        only[0].occurred_on == D(2024, 1, 20)
        and only[0].recorded_at > history(world.store, procedure_id=reelection)[0].recorded_at
    )
    assert only[0].evidence[0]["rule"] == "R-VACANCY"


def test_as_of_a_business_date_and_as_recorded_at_a_time(world: World) -> None:
    reelection, vacancy = _backdated(world)
    opened_at = history(world.store, procedure_id=reelection)[0].recorded_at

    # What had happened by 2024-02-01, known now: the chair had left; no re-election yet.
    then = union_as_of(world.store, "U1", D(2024, 2, 1))
    assert then.union is not None and (then.union.chair, then.union.acting_chair) == (None, "钱")
    assert then.procedure(reelection) is None and then.procedure(vacancy).state == "vacant"  # type: ignore[union-attr]

    # What the system knew when the re-election was recorded: the departure was not yet entered.
    known = union_as_of(world.store, "U1", recorded_until=opened_at)
    assert known.union is not None and known.union.chair == "赵"
    assert known.procedure(reelection).state == "plan_filed" and known.procedure(vacancy) is None  # type: ignore[union-attr]

    both = union_as_of(world.store, "U1", D(2024, 2, 1), recorded_until=opened_at)
    assert both.union is not None and both.union.chair == "赵" and both.procedure(reelection) is None

    # Before the founding's approval there was no term; the procedure waited on the county.
    early = union_as_of(world.store, "U1", D(2019, 3, 10))
    assert early.union is not None and early.union.term_number == 0 and early.union.founded_on is None
    status = procedure_as_of(world.store, "U1:founding-1", D(2019, 3, 10))
    assert status is not None and (status.state, status.waiting_on) == ("results_filed", "JA")

    # Replayed in memory through the same projection logic, the present equals the live tables.
    now = union_as_of(world.store, "U1")
    assert now.union == projections.union(world.engine, "U1")
    by_id = sorted(now.procedures, key=lambda p: p.procedure_id)
    assert by_id == projections.procedures(world.engine, org_id="U1", limit=None).items
    assert now.terms == projections.terms(world.engine, "U1")


def test_alerts_as_they_stood(world: World, engine: sa.Engine) -> None:
    reelection, _ = _backdated(world)
    opened_at = history(world.store, procedure_id=reelection)[0].recorded_at
    on = D(2024, 5, 1)

    def kinds(alerts: list[projections.Alert]) -> set[str]:
        return {a.kind for a in alerts}

    # Known now: the chair left 2024-01-20, the by-election was due 2024-04-20.
    live = projections.alerts(engine, on, limit=None).items
    assert "A-VACANCY-OVERDUE" in kinds(live)
    # Replaying everything recorded so far gives exactly the live table's answer.
    everything = alerts_as_recorded(world.store, on, recorded_until=dt.datetime.now(dt.UTC), subtree="ACFTU")
    assert everything == live
    # By default, as recorded by the end of the date asked about: this test's entries were all
    # recorded today, long after 2024-05-01, so the system knew of nothing then.
    assert alerts_as_recorded(world.store, on) == []
    # As the system knew it when the re-election was recorded: no vacancy entered yet.
    stood = alerts_as_recorded(world.store, on, recorded_until=opened_at)
    assert "A-VACANCY-OVERDUE" not in kinds(stood)
    assert "A-TERM-OVERDUE" in kinds(stood)
    # The business-date view of the union as of 2024-05-01 sees the vacancy, as the live table does.
    snapshot = union_as_of(world.store, "U1", on)
    assert kinds(snapshot.alerts(on)) == kinds([a for a in live if a.org_id == "U1"])
    assert alerts_as_recorded(world.store, on, recorded_until=dt.datetime.now(dt.UTC), subtree="GD") == []
