"""The write appends what the check decided, as long as the database is as the check saw it: a
row's stream written meanwhile, or a parent in the database that moved on (here: dissolved,
R-DISSOLVE), sends the rows back to the workflow, which refuses them as a fresh batch would be
refused; nothing of the refused batch is written. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from api.importer import ImportInterrupted, checking, plan_import, write_import
from api.runtime import Runtime
from events.catalogue import org_stream
from events.catalogue.base import UnitFacts
from projections import Projections, queries
from tests.e2e.test_import import ADMIN, ROOT, TODAY, TREE_ROWS, union_row, write_csv
from workflow import commands as c
from workflow.authority import Actor

ON = dt.date(2018, 1, 1)


@pytest.fixture
def rt(db_url: str) -> Iterator[Runtime]:
    """The national root and, below it, a tree down to a federation (FED), on SQLite and PostgreSQL."""
    runtime = Runtime.open(db_url, clock=lambda: TODAY)
    runtime.upgrade()
    runtime.service.execute(
        c.RegisterOrganisation(org_id=ROOT, name="中华全国总工会", level="national", occurred_on=ON), ADMIN
    )
    _tree_with_federation(runtime)
    yield runtime
    runtime.engine.dispose()


def _tree_with_federation(rt: Runtime) -> None:
    for row in TREE_ROWS:
        cmd = c.RegisterOrganisation(
            org_id=row["org_id"], name=row["name"], level=row["level"], parent_id=row["parent_id"], occurred_on=ON
        )
        rt.service.execute(cmd, ADMIN)
    _register_with_unit(rt, "FED", "某行业工会联合会", "federation", "JA-T1", ("某行业", 300, 200, 50, True))


def _register_with_unit(
    rt: Runtime, org_id: str, name: str, level: str, parent: str, unit: tuple[str, int, int, int, bool]
) -> None:
    """An organisation registered under `parent` with its enterprise's facts: (name, employees,
    members, female members, has a Party organisation)."""
    unit_name, employees, members, female, party = unit
    facts = UnitFacts(
        unit_name=unit_name,
        unit_type="enterprise",
        employees=employees,
        members=members,
        female_members=female,
        has_party_org=party,
    )
    cmd = c.RegisterOrganisation(org_id=org_id, name=name, level=level, parent_id=parent, unit=facts, occurred_on=ON)
    rt.service.execute(cmd, ADMIN)


def test_rows_are_written_as_the_check_decided_them(rt: Runtime, tmp_path: Path) -> None:
    plan = plan_import(rt, write_csv(tmp_path / "r.csv", [union_row(f"U{i}", parent="FED") for i in range(5)]), ADMIN)
    assert plan.ok and all(len(r.parts) == 2 for r in plan.rows)
    report = write_import(rt, plan, batch_rows=2)
    assert report.rows_written == 5 and report.events_written == 10 and report.batches == 3
    for i in range(5):
        stored = [r.event for r in rt.store.read_stream(org_stream(f"U{i}"))]
        assert [e.event_type for e in stored] == ["OrganisationRegistered", "ExistingTermImported"]
    assert rt.store.verify().ok


def test_a_parent_dissolved_since_the_check_refuses_the_rows_below_it_r_dissolve(rt: Runtime, tmp_path: Path) -> None:
    plan = plan_import(rt, write_csv(tmp_path / "r.csv", [union_row(f"U{i}", parent="FED") for i in range(3)]), ADMIN)
    assert plan.ok
    approver = Actor(person_id="bob", role="approver", org_id="JA-T1")
    requested = rt.service.execute(
        c.RequestDissolution(
            union_id="FED",
            reason="closed",
            unit_changed_on=dt.date(2026, 10, 1),
            document="注销通知",
            occurred_on=dt.date(2026, 10, 10),
        ),
        approver,
    )
    assert requested.procedure_id is not None
    rt.service.execute(
        c.ApproveFiling(
            union_id="FED",
            procedure_id=requested.procedure_id,
            document_no="江工发〔2026〕9号",
            occurred_on=dt.date(2026, 10, 20),
        ),
        approver,
    )
    assert rt.service.load("FED").dissolved_on is not None

    with pytest.raises(ImportInterrupted) as stopped:
        write_import(rt, plan)
    assert "the database changed since the check" in str(stopped.value) and "R-DISSOLVE" in str(stopped.value)
    assert stopped.value.report.rows_written == 0
    assert not any(rt.service.load(f"U{i}").exists for i in range(3))


def test_a_row_registered_since_the_check_with_other_facts_stops_the_write(rt: Runtime, tmp_path: Path) -> None:
    plan = plan_import(rt, write_csv(tmp_path / "r.csv", [union_row(f"U{i}", parent="FED") for i in range(4)]), ADMIN)
    assert plan.ok
    _register_with_unit(rt, "U3", "别的工会", "grassroots", "FED", ("别的单位", 10, 5, 1, False))
    with pytest.raises(ImportInterrupted) as stopped:
        write_import(rt, plan, batch_rows=2)
    # The first batch (U0, U1) was written as decided; the second is refused as a whole.
    assert stopped.value.report.rows_written == 2
    assert "ORG-EXISTS" in str(stopped.value)
    assert [rt.service.load(f"U{i}").exists for i in range(3)] == [True, True, False]
    assert rt.service.load("U3").name == "别的工会"
    assert rt.store.verify().ok


def test_a_bulk_batch_reads_back_as_written_and_equals_a_rebuild(rt: Runtime, tmp_path: Path) -> None:
    # Batches of 100 rows: on PostgreSQL the events and the read models' rows go by COPY.
    rows = [union_row(f"U{i:03d}", parent="FED", chair=f"主席{i}") for i in range(200)]
    plan = plan_import(rt, write_csv(tmp_path / "r.csv", rows), ADMIN)
    assert plan.ok
    report = write_import(rt, plan, batch_rows=100)
    assert report.events_written == 400
    assert rt.store.verify().ok
    for i in (0, 137, 199):
        stored = [r.event for r in rt.store.read_stream(org_stream(f"U{i:03d}"))]
        assert [e.event_type for e in stored] == ["OrganisationRegistered", "ExistingTermImported"]
        assert getattr(stored[1], "chair", None) == f"主席{i}"
    with rt.engine.connect() as conn:
        union = queries.union(conn, "U137")
    assert union is not None and union.name == "U137 工会"
    assert Projections(rt.engine).compare_with_rebuild(None).ok


def test_rows_beyond_the_kept_decisions_are_decided_again_as_they_are_written(
    rt: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(checking, "KEEP_DECIDED_ROWS", 1)
    monkeypatch.setattr(checking, "_DRY_RUN_ROWS", 2)
    plan = plan_import(rt, write_csv(tmp_path / "r.csv", [union_row(f"U{i}", parent="FED") for i in range(5)]), ADMIN)
    assert plan.ok and [bool(r.parts) for r in plan.rows] == [True, True, False, False, False]
    report = write_import(rt, plan, batch_rows=2)
    assert report.rows_written == 5 and report.events_written == 10
    for i in range(5):
        stored = [r.event for r in rt.store.read_stream(org_stream(f"U{i}"))]
        assert [e.event_type for e in stored] == ["OrganisationRegistered", "ExistingTermImported"]
    assert rt.store.verify().ok and Projections(rt.engine).compare_with_rebuild(None).ok


def test_rows_are_written_parents_first_then_in_tree_order(rt: Runtime, tmp_path: Path) -> None:
    # The file's order is any order: unions before their townships, siblings apart. Written in
    # tree order, a batch's rows are neighbours in the read models' path-keyed tables.
    towns = [{"org_id": t, "name": f"{t} 街道总工会", "level": "township", "parent_id": "JA"} for t in ("T-B", "T-A")]
    unions = [union_row(f"U{i:02d}", parent=("T-A", "T-B", "FED", "JA-T1")[i % 4]) for i in range(12)]
    plan = plan_import(rt, write_csv(tmp_path / "r.csv", [*unions[:5], towns[0], *unions[5:], towns[1]]), ADMIN)
    assert plan.ok
    order = [r.data.org_id for r in plan.rows]
    parent_of = {r.data.org_id: r.data.parent_id for r in plan.rows}
    assert all(order.index(parent_of[o]) < order.index(o) for o in order if parent_of[o] in order)
    for parent in ("T-A", "T-B", "FED", "JA-T1"):
        at = [i for i, o in enumerate(order) if parent_of[o] == parent]
        assert at == list(range(at[0], at[0] + 3)), f"the unions below {parent} are apart: {order}"
    assert write_import(rt, plan, batch_rows=3).rows_written == 14
    assert [rt.service.load(o).parent_id for o in order] == [parent_of[o] for o in order]
