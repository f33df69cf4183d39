"""The read models of an imported union (issue 18): the register shows what the registry gave and
leaves the rest unknown (never the term's start as the founding date or the last congress);
coverage as of any date counts a union founded from its founding date, an imported one without it
from its imported term's start (a lower bound); A-NO-ANNUAL-CONGRESS says "unknown" rather than
assume no congress was held before the import; an extension in force moves the deadline. On
SQLite and PostgreSQL, and every history rebuilds to the same tables."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

import projections
from projections import Alert, Projections
from tests.integration.projections.support import TREE_ON, D, World, unit
from workflow import commands as c
from workflow.authority import Actor

ADMIN = Actor(person_id="admin", role="admin", org_id="ACFTU")
IMPORTED_ON = D(2026, 11, 1)


def imported(world: World, union_id: str, members: int = 80, **facts: Any) -> None:
    world.run(
        c.RegisterOrganisation(
            org_id=union_id,
            name=f"{union_id}工会",
            level="grassroots",
            parent_id="JA",
            unit=unit(employees=max(120, members), members=members, female=12),
            occurred_on=TREE_ON,
        ),
        ADMIN,
    )
    fields: dict[str, Any] = {"term_start": D(2022, 6, 30), "term_years": 5, "occurred_on": IMPORTED_ON} | facts
    world.run(c.ImportExistingTerm(union_id=union_id, **fields), ADMIN)


def annual(engine: sa.Engine, on: dt.date, org: str = "U1") -> Alert | None:
    found = [a for a in projections.alerts(engine, on, limit=None).items if a.org_id == org]
    return next((a for a in found if a.kind == "A-NO-ANNUAL-CONGRESS"), None)


def rebuilds_equal(engine: sa.Engine) -> None:
    report = Projections(engine).compare_with_rebuild()
    assert report.ok, str(report)


def test_the_register_shows_every_fact_the_registry_gave(world: World, engine: sa.Engine) -> None:
    imported(
        world,
        "U1",
        members=600,
        founded_on=D(2013, 5, 20),
        founding_document_no="江工发〔2013〕12号",
        congress_type="representative_congress",
        representatives=60,
        committee_size=9,
        chair="王芳",
        vice_chairs=["李强"],
        chair_elected_by="committee",
        chair_full_time=True,
        last_congress_on=D(2025, 12, 20),
        extension_deadline=D(2027, 12, 30),
        extension_document_no="江工发〔2027〕3号",
        legal_person_no="工法证字第1号",
        legal_person_on=D(2013, 7, 1),
    )
    r = projections.union(engine, "U1")
    assert r is not None
    assert (r.founded_on, r.founded_at_latest, r.founding_document_no) == (
        D(2013, 5, 20),
        D(2013, 5, 20),
        "江工发〔2013〕12号",
    )
    assert (r.congress_type, r.representatives, r.form, r.committee_size, r.committee) == (
        "representative_congress",
        60,
        "committee",
        9,
        [],
    )
    assert (r.chair, r.vice_chairs, r.chair_elected_by, r.chair_full_time) == ("王芳", ["李强"], "committee", True)
    assert (r.last_congress_on, r.legal_person_no, r.legal_person_on) == (
        D(2025, 12, 20),
        "工法证字第1号",
        D(2013, 7, 1),
    )
    assert (r.term_end, r.extension_until, r.deadline) == (D(2027, 6, 30), D(2027, 12, 30), D(2027, 12, 30))
    (term,) = projections.terms(engine, "U1")
    assert (term.deadline, term.extended, term.started_by) == (D(2027, 12, 30), True, "import")
    rebuilds_equal(engine)


def test_what_the_registry_did_not_give_is_unknown_in_the_register(world: World, engine: sa.Engine) -> None:
    imported(world, "U1")
    r = projections.union(engine, "U1")
    assert r is not None
    assert (r.founded_on, r.last_congress_on, r.founding_document_no) == (None, None, None)
    assert (r.chair_elected_by, r.chair_full_time, r.representatives, r.committee_size, r.form) == (
        None,
        None,
        None,
        None,
        None,
    )
    assert r.founded_at_latest == D(2022, 6, 30)  # surely founded by its term's congress
    assert [u.org_id for u in projections.register(engine, "JA", founded=True, limit=None).items] == ["U1"]
    rebuilds_equal(engine)


def test_coverage_as_of_any_date_counts_from_the_founding_date_or_the_imported_terms_start(
    world: World, engine: sa.Engine
) -> None:
    """RULES.md §7: the founding date is the founding approval's (the registry's for an import);
    an import without one counts from its term's start, a documented lower bound."""
    imported(world, "U1", founded_on=D(2013, 5, 20))
    imported(world, "U2")  # term from 2022-06-30, founding date unknown
    world.add_union("U3")
    world.found("U3")  # worked example 1: congress 2019-03-01, approved 2019-03-20

    def founded(on: dt.date) -> int:
        return projections.coverage(engine, "JA", on).founded

    # A unit is in scope from its registration here, or from its union's founding if earlier.
    assert projections.coverage(engine, "JA", D(2013, 5, 19)).units == 0
    assert (founded(D(2013, 5, 20)), projections.coverage(engine, "JA", D(2013, 5, 20)).units) == (1, 1)
    assert projections.coverage(engine, "JA", TREE_ON).units == 3
    assert founded(D(2019, 3, 19)) == 1  # U3's congress was held, its approval not yet given
    assert founded(D(2019, 3, 20)) == 2
    assert founded(D(2022, 6, 29)) == 2
    assert founded(D(2022, 6, 30)) == 3
    rebuilds_equal(engine)


def test_a_reelection_of_an_import_without_a_founding_date_leaves_it_unknown(world: World, engine: sa.Engine) -> None:
    imported(world, "U1", term_start=D(2019, 5, 1))  # ends 2024-05-01: its re-election opens from 2024-03-01
    world.reelect("U1", D(2024, 4, 20))
    r = projections.union(engine, "U1")
    assert r is not None and r.term_number == 2 and r.term_start == D(2024, 4, 20)
    assert (r.founded_on, r.founded_at_latest) == (None, D(2019, 5, 1))
    assert (r.chair_elected_by, r.chair_full_time, r.committee_size) == ("congress", False, 7)
    assert world.svc.load("U1").founded_on is None
    rebuilds_equal(engine)


def test_a_union_founded_here_has_its_founding_document_and_how_its_chair_was_elected(
    world: World, engine: sa.Engine
) -> None:
    world.add_union("U1")
    world.found("U1")
    r = projections.union(engine, "U1")
    assert r is not None
    assert (r.founded_on, r.founded_at_latest) == (D(2019, 3, 20), D(2019, 3, 20))
    assert r.founding_document_no is not None and r.founding_document_no.startswith("江工发〔2019〕")
    assert (r.chair_elected_by, r.chair_full_time, r.committee_size, r.representatives) == ("congress", False, 7, None)


# --------------------------------------------------------------------------- A-NO-ANNUAL-CONGRESS (R-ANNUAL)


def test_r_annual_an_import_without_a_last_congress_says_unknown_until_a_year_after_it(
    world: World, engine: sa.Engine
) -> None:
    """The term's congress on 2022-06-30 is the last on record; whether one was held between it and
    the import on 2026-11-01 is unknown: the alert says so, and only a year after the import, with
    still none on record, does it say none was held."""
    imported(world, "U1")
    assert annual(engine, D(2023, 6, 30)) is None
    unknown = annual(engine, D(2023, 7, 1))
    assert unknown is not None and unknown.window == "unknown"
    assert unknown.basis == "last congress unknown: none on record after 2022-06-30 (the registry imported 2026-11-01)"
    assert annual(engine, D(2027, 11, 1)).window == "unknown"  # type: ignore[union-attr]
    known = annual(engine, D(2027, 11, 2))
    assert known is not None and (known.deadline, known.days_overdue) == (D(2027, 11, 1), 1)
    assert known.basis == "no congress on record since the registry import 2026-11-01"
    rebuilds_equal(engine)


def test_r_annual_a_congress_recorded_after_the_import_is_the_last_known(world: World, engine: sa.Engine) -> None:
    imported(world, "U1", congress_type="members_meeting")
    world.run(
        c.RecordCongress(union_id="U1", present=54, agenda="年度大会", occurred_on=D(2026, 12, 1)), world.staff("U1")
    )
    assert annual(engine, D(2026, 11, 30)) is not None
    assert annual(engine, D(2026, 12, 1)) is None
    assert annual(engine, D(2027, 12, 1)) is None
    alert = annual(engine, D(2027, 12, 2))
    assert alert is not None and alert.basis == "last congress 2026-12-01"
    rebuilds_equal(engine)


def test_r_annual_an_import_with_its_last_congress_counts_from_it(world: World, engine: sa.Engine) -> None:
    imported(world, "U1", last_congress_on=D(2026, 3, 1))
    assert annual(engine, D(2026, 2, 28)) is None  # nothing is made up before the last congress
    assert annual(engine, D(2027, 3, 1)) is None
    alert = annual(engine, D(2027, 3, 2))
    assert alert is not None and (alert.basis, alert.window) == ("last congress 2026-03-01", "12 months")
    assert projections.union(engine, "U1").last_congress_on == D(2026, 3, 1)  # type: ignore[union-attr]
    rebuilds_equal(engine)


# --------------------------------------------------------------------------- R-EXTENSION


def test_r_extension_in_force_moves_the_deadline_from_the_import(world: World, engine: sa.Engine) -> None:
    """Worked example 2 on an import: term 2019-03-01 + 5 years, extension to 2024-09-01 in force
    when imported on 2024-05-01; not overdue on 2024-09-01, overdue on 2024-09-02. Before the
    import the approval is not on record, so the term end was the deadline known then."""
    imported(world, "U1", term_start=D(2019, 3, 1), extension_deadline=D(2024, 9, 1), occurred_on=D(2024, 5, 1))

    def overdue(on: dt.date) -> Alert | None:
        found = projections.alerts(engine, on, kinds=["A-TERM-OVERDUE"], limit=None).items
        return next((a for a in found if a.org_id == "U1"), None)

    assert overdue(D(2024, 4, 30)) is not None
    assert overdue(D(2024, 5, 1)) is None and overdue(D(2024, 9, 1)) is None
    late = overdue(D(2024, 9, 2))
    assert late is not None and (late.deadline, late.rule) == (D(2024, 9, 1), "R-EXTENSION")
    rebuilds_equal(engine)


def test_migration_0007_adds_the_columns_and_asks_for_a_rebuild_of_tables_built_before(
    world: World, engine: sa.Engine
) -> None:
    """A database whose register and alerts were built before 0007 (here: as of 0003): the upgrade adds
    the columns, the projections report they need a rebuild (their rows say nothing of the new
    facts), and the rebuild fills them."""
    from alembic import command

    from events import migrate
    from projections.reports import ProjectionStatus

    imported(world, "U1", founded_on=D(2013, 5, 20), chair_elected_by="congress")
    cfg = migrate._config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0003_alerts_logic_2")
    with engine.connect() as conn:
        columns = {c["name"] for c in sa.inspect(conn).get_columns("proj_orgs")}
    assert "founded_at_latest" not in columns
    migrate.upgrade(engine)
    status: dict[str, ProjectionStatus] = {s.name: s for s in Projections(engine).status()}
    assert status["register"].needs_rebuild and status["alerts"].needs_rebuild
    assert not status["procedures"].needs_rebuild
    Projections(engine).rebuild(["register", "alerts"])
    r = projections.union(engine, "U1")
    assert r is not None and (r.founded_at_latest, r.chair_elected_by) == (D(2013, 5, 20), "congress")
    rebuilds_equal(engine)
