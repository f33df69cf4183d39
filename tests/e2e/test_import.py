"""`unionflow import`: a registry of unions from CSV, every row checked (each bad row reported with
its line, column and rule) before anything is written, the facts written through the workflow in
batched transactions with the read models current (the imported terms raise their alerts at once),
--only-valid, --dry-run, and an interrupted import resumed by running it again. On SQLite and
PostgreSQL."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import workflow
from api.cli import app as cli
from api.importer import COLUMNS, ImportInterrupted, plan_import, write_import
from api.runtime import Runtime
from events.catalogue import ExistingTermImported, OrganisationRegistered, org_stream
from projections import queries
from workflow import commands as c
from workflow.authority import Actor
from workflow.service import WorkflowService

runner = CliRunner()
TODAY = dt.date(2026, 11, 21)
ROOT = "ACFTU"
ADMIN = Actor(person_id="alice", role="admin", org_id=ROOT)

TREE_ROWS = [
    {"org_id": "HB", "name": "湖北省总工会", "level": "province", "parent_id": ROOT},
    {"org_id": "WH", "name": "武汉市总工会", "level": "city", "parent_id": "HB"},
    {"org_id": "JA", "name": "江岸区总工会", "level": "county", "parent_id": "WH"},
    {"org_id": "JA-T1", "name": "某街道总工会", "level": "township", "parent_id": "JA"},
]


def union_row(org_id: str, parent: str = "JA-T1", **extra: str) -> dict[str, str]:
    row = {
        "org_id": org_id,
        "name": f"{org_id} 工会",
        "level": "grassroots",
        "parent_id": parent,
        "unit_name": f"{org_id} 有限公司",
        "unit_type": "enterprise",
        "employees": "120",
        "members": "80",
        "female_members": "12",
        "has_party_org": "是",
        "term_start": "2019-03-01",
        "term_years": "5",
        "chair": "赵",
    }
    row.update(extra)
    return row


def write_csv(path: Path, rows: list[dict[str, str]], columns: tuple[str, ...] = COLUMNS) -> Path:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


@pytest.fixture
def rt(db_url: str) -> Iterator[Runtime]:
    """A system holding only the national root, on SQLite and PostgreSQL."""
    runtime = Runtime.open(db_url, clock=lambda: TODAY)
    runtime.upgrade()
    runtime.service.execute(
        c.RegisterOrganisation(org_id=ROOT, name="中华全国总工会", level="national", occurred_on=dt.date(2018, 1, 1)),
        ADMIN,
    )
    yield runtime
    runtime.engine.dispose()


def run_import(rt: Runtime, path: Path, *args: str) -> Any:
    url = rt.engine.url.render_as_string(hide_password=False)
    return runner.invoke(cli, ["import", str(path), "--person", "alice", *args, "--database-url", url])


def test_a_valid_registry_is_imported_through_the_workflow_and_its_terms_raise_alerts(
    rt: Runtime, tmp_path: Path
) -> None:
    # Children before their parents: any order is fine.
    rows = [
        union_row("U1"),  # term 2019-03-01 + 5 years: ended 2024-03-01, overdue today (A-TERM-OVERDUE)
        union_row("U2", term_start="2022-02-20", term_years="5"),
        union_row("U3", term_start="", term_years="", chair=""),  # not founded yet: no term
        union_row("F1", level="federation", parent="JA"),
        union_row("U4", parent="F1", term_start="2024-01-15", term_years="3"),  # ends 2027-01-15: due soon
        union_row("J1", level="joint", parent="JA-T1", chair=""),
        *reversed(TREE_ROWS),
    ]
    path = write_csv(tmp_path / "registry.csv", rows)

    r = run_import(rt, path)

    assert r.exit_code == 0, r.output
    assert "imported 10 rows" in r.stdout
    u1 = rt.service.load("U1")
    assert (u1.level, u1.parent_id, u1.chair) == ("grassroots", "JA-T1", "赵")
    assert u1.term is not None and u1.term.end == dt.date(2024, 3, 1)
    assert rt.service.load("U3").term is None
    assert rt.service.load("U4").parent_id == "F1"
    # Read-your-writes: the register and the alerts know the imported terms at once.
    with rt.engine.connect() as conn:
        record = queries.union(conn, "U1")
        alerts = {(a.org_id, a.kind) for a in queries.alerts(conn, on=TODAY, limit=None).items}
        below_ja = {u.org_id for u in queries.register(conn, subtree="JA", limit=None).items}
    assert record is not None and record.deadline == dt.date(2024, 3, 1)
    # Children written in the same transaction as their parents still get their place in the tree.
    assert below_ja == {"JA", "JA-T1", "U1", "U2", "U3", "F1", "U4", "J1"}
    assert ("U1", "A-TERM-OVERDUE") in alerts
    assert ("U4", "A-TERM-DUE") in alerts
    assert not any(org == "U2" and kind in ("A-TERM-OVERDUE", "A-TERM-DUE") for org, kind in alerts)
    # Events name the importing administrator and share the import's correlation id.
    records = list(rt.store.read_stream(org_stream("U1")))
    assert [type(x.event) for x in records] == [OrganisationRegistered, ExistingTermImported]
    assert {x.metadata.actor_id for x in records} == {"alice"}
    assert records[0].metadata.correlation_id == records[1].metadata.correlation_id
    assert (records[0].metadata.correlation_id or "").startswith("import-")
    imported = records[1].event
    assert isinstance(imported, ExistingTermImported) and imported.source == "import"
    assert rt.store.verify().ok


BAD_ROWS: list[tuple[dict[str, str], str, str | None]] = [
    # (row, column named, rule named)
    (union_row("B1", level="village"), "level", None),
    (union_row("B2", members="130"), "members", "UNIT-COUNTS"),
    (union_row("B3", female_members="90"), "female_members", "UNIT-COUNTS"),
    (union_row("B4", term_years="4"), "term_years", "R-TERM"),
    (union_row("B5", term_start="2027-01-01"), "term_start", "DATE-FUTURE"),
    (union_row("B6", term_start="2019-02-30"), "term_start", None),
    (union_row("B7", employees="many"), "employees", None),
    (union_row("B8", parent="NOWHERE"), "parent_id", "ORG-PARENT"),
    ({"org_id": "B9", "name": "x区总工会", "level": "county", "parent_id": "HB"}, "level", "R-APPROVER"),
    (
        {"org_id": "B10", "name": "y街道", "level": "township", "parent_id": "JA", "term_years": "5"},
        "term_years",
        "ORG-LEVEL",
    ),
    (union_row("B11", unit_type=""), "unit_type", "R-FORM-25"),
    (union_row("U1", name="again"), "org_id", "ORG-DUPLICATE"),
    (union_row("B12", term_start="", chair=""), "term_start", "R-TERM"),
    (union_row("bad id!"), "org_id", None),
]


def test_every_bad_row_is_reported_with_line_column_and_rule_and_nothing_is_written(
    rt: Runtime, tmp_path: Path
) -> None:
    rows = [*TREE_ROWS, union_row("U1"), *(row for row, _, _ in BAD_ROWS), union_row("C1", parent="B9")]
    path = write_csv(tmp_path / "bad.csv", rows)
    before = rt.store.last_position()

    r = run_import(rt, path)

    assert r.exit_code == 1
    lines = r.stderr.splitlines()
    first_bad = len(TREE_ROWS) + 3  # header, tree rows, U1
    for offset, (row, column, rule) in enumerate(BAD_ROWS):
        expected = f"line {first_bad + offset}"
        matching = [ln for ln in lines if f"{expected} " in ln or f"{expected}," in ln]
        assert matching, f"no report for {row['org_id']} ({expected}): {r.stderr}"
        assert any(f"column {column}:" in ln and (rule is None or f"{rule}:" in ln) for ln in matching), matching
    # The row below the invalid county is skipped, and says why.
    child_line = first_bad + len(BAD_ROWS)
    assert any(f"line {child_line} (C1), column parent_id: ORG-PARENT: skipped" in ln for ln in lines), r.stderr
    assert "Nothing was written" in lines[-1] and "--only-valid" in lines[-1]
    assert rt.store.last_position() == before


def test_only_valid_writes_the_valid_rows_and_skips_those_below_an_invalid_one(rt: Runtime, tmp_path: Path) -> None:
    rows = [
        *TREE_ROWS,
        {"org_id": "BADCITY", "name": "z", "level": "city", "parent_id": "JA"},  # R-APPROVER
        union_row("UNDER", parent="BADCITY"),  # a grassroots union may sit below a city, but not this one
        union_row("OK1"),
        union_row("BAD", term_years="7"),
    ]
    path = write_csv(tmp_path / "mixed.csv", rows)

    r = run_import(rt, path, "--only-valid")

    assert r.exit_code == 0, r.output
    assert "R-APPROVER" in r.stderr and "R-TERM" in r.stderr
    assert "(UNDER), column parent_id: ORG-PARENT: skipped: its higher-level union BADCITY" in r.stderr
    assert rt.service.load("OK1").term is not None
    assert rt.service.load("JA-T1").exists
    assert not rt.service.load("BAD").exists
    assert not rt.service.load("BADCITY").exists
    assert not rt.service.load("UNDER").exists


def test_dry_run_checks_everything_and_writes_nothing(rt: Runtime, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "ok.csv", [*TREE_ROWS, union_row("U1")])
    before = rt.store.last_position()
    r = run_import(rt, path, "--dry-run")
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("dry run: 5 rows: 5 to write (6 commands), 0 invalid")
    assert rt.store.last_position() == before


def test_the_workflow_decides_every_row_the_file_checks_cannot(rt: Runtime, tmp_path: Path) -> None:
    """What only the workflow knows is checked before writing too: the administrator's authority
    over each row's place (AUTH-ORG), and a union that already has a term (TERM-EXISTS)."""
    write_csv(
        tmp_path / "tree.csv", [*TREE_ROWS, {"org_id": "GD", "name": "广东", "level": "province", "parent_id": ROOT}]
    )
    assert run_import(rt, tmp_path / "tree.csv").exit_code == 0
    rt.service.execute(
        c.RegisterOrganisation(
            org_id="U9",
            name="U9 工会",
            level="grassroots",
            parent_id="JA-T1",
            unit=union_row_unit("U9"),
            occurred_on=TODAY,
        ),
        ADMIN,
    )
    rt.service.execute(
        c.ImportExistingTerm(union_id="U9", term_start=dt.date(2021, 5, 1), term_years=3, occurred_on=TODAY), ADMIN
    )
    path = write_csv(tmp_path / "more.csv", [union_row("G1", parent="GD"), union_row("U9"), union_row("U10")])
    url = rt.engine.url.render_as_string(hide_password=False)

    r = runner.invoke(cli, ["import", str(path), "--person", "hb-admin", "--org", "HB", "--database-url", url])

    assert r.exit_code == 1
    assert "line 2 (G1), column org_id: AUTH-ORG: administrator of HB may not manage G1" in r.stderr
    assert "line 3 (U9), column term_start: TERM-EXISTS" in r.stderr
    assert "line 4" not in r.stderr


def union_row_unit(org_id: str) -> Any:
    from events.catalogue import UnitFacts

    return UnitFacts(
        unit_name=f"{org_id} 有限公司",
        unit_type="enterprise",
        employees=120,
        members=80,
        female_members=12,
        has_party_org=True,
    )


def test_an_interrupted_import_keeps_whole_batches_and_resumes_when_run_again(
    rt: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [*TREE_ROWS, *(union_row(f"U{i}") for i in range(30))]
    path = write_csv(tmp_path / "big.csv", rows)
    plan = plan_import(rt, path, ADMIN)
    assert plan.ok and len(plan.rows) == 34
    # The read models' listener fails inside the third batch's transaction (a disk full, a crash...).
    listener = rt.service.listener
    assert listener is not None
    calls = {"n": 0}

    def failing(conn: Any, recorded: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError("disk full")
        listener(conn, recorded)

    monkeypatch.setattr(rt.service, "listener", failing)
    with pytest.raises(ImportInterrupted) as stopped:
        write_import(rt, plan, batch_rows=10)
    assert stopped.value.report.rows_written == 20
    assert "stopped after writing 20 of 34 rows" in str(stopped.value) and "disk full" in str(stopped.value)
    written = [r.data.org_id for r in plan.rows[:20]]
    assert all(rt.service.load(o).exists for o in written)
    # Nothing of the failed batch: a union and its term are never split.
    assert not any(rt.service.load(r.data.org_id).exists for r in plan.rows[20:30])
    assert rt.store.verify().ok

    monkeypatch.setattr(rt.service, "listener", listener)
    r = run_import(rt, path)

    assert r.exit_code == 0, r.output
    assert "imported 14 rows" in r.stdout and "20 already imported" in r.stdout
    for row in rows:
        records = list(rt.store.read_stream(org_stream(row["org_id"])))
        assert len(records) == (2 if row.get("term_start") else 1), row["org_id"]
    with rt.engine.connect() as conn:
        assert queries.union(conn, "U29") is not None
    # Once complete, running it again writes nothing.
    before = rt.store.last_position()
    again = run_import(rt, path)
    assert again.exit_code == 0 and "imported 0 rows" in again.stdout and "34 already imported" in again.stdout
    assert rt.store.last_position() == before


def test_a_row_already_registered_with_other_facts_is_a_conflict(rt: Runtime, tmp_path: Path) -> None:
    assert run_import(rt, write_csv(tmp_path / "a.csv", [*TREE_ROWS, union_row("U1")])).exit_code == 0
    r = run_import(rt, write_csv(tmp_path / "b.csv", [union_row("U1", employees="500")]))
    assert r.exit_code == 1
    assert "line 2 (U1), column org_id: ORG-EXISTS: organisation U1 is already registered with other facts" in r.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"org_id,name,level,parent_id\nU1,\xff\xfe,grassroots,JA\n", "not UTF-8: invalid byte at line 2"),
        (b"org_id,name,level,parent,chair\n", "unknown column(s) 'parent'"),
        (b"org_id,name,level\n", "missing column(s) parent_id"),
        (b"", "the file is empty"),
    ],
)
def test_an_unreadable_file_is_one_clear_line(rt: Runtime, tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(content)
    r = run_import(rt, path)
    assert r.exit_code == 2
    assert r.stdout == ""
    assert len(r.stderr.strip().splitlines()) == 1 and message in r.stderr, r.stderr
    assert "Traceback" not in r.output


def test_a_byte_order_mark_and_chinese_yes_no_are_accepted(rt: Runtime, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "excel.csv", [*TREE_ROWS, union_row("U1", has_party_org="否")])
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    r = run_import(rt, path)
    assert r.exit_code == 0, r.output
    unit = rt.service.load("U1").unit
    assert unit is not None and unit.has_party_org is False


def test_execute_many_decides_like_execute_and_writes_nothing_when_one_is_refused(rt: Runtime) -> None:
    svc: WorkflowService = rt.service
    cmds: list[c.Command] = [
        c.RegisterOrganisation(org_id="HB", name="湖北", level="province", parent_id=ROOT, occurred_on=TODAY),
        c.RegisterOrganisation(org_id="WH", name="武汉", level="city", parent_id="HB", occurred_on=TODAY),
        c.RegisterOrganisation(
            org_id="U1", name="U1", level="grassroots", parent_id="WH", unit=union_row_unit("U1"), occurred_on=TODAY
        ),
        c.ImportExistingTerm(union_id="U1", term_start=dt.date(2020, 1, 1), term_years=4, occurred_on=TODAY),
        c.ImportExistingTerm(union_id="WH", term_start=dt.date(2020, 1, 1), term_years=5, occurred_on=TODAY),
    ]
    before = rt.store.last_position()
    outcome = svc.execute_many(cmds, ADMIN)
    assert not outcome.written and rt.store.last_position() == before
    assert [(x.index, x.error.rule_id) for x in outcome.refusals] == [(3, "R-TERM"), (4, "ORG-LEVEL")]

    outcome = svc.execute_many(cmds[:3], ADMIN)
    assert outcome.written and [r.union_id for r in outcome.results] == ["HB", "WH", "U1"]
    assert [r.version for r in outcome.results] == [1, 1, 1]
    assert rt.store.verify().ok
    with rt.engine.connect() as conn:
        assert queries.union(conn, "U1") is not None


def test_a_terms_length_is_checked_against_the_rule_profile_of_the_rows_region_r_term(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Given a county whose profile allows terms of 3, 4 or 5 years (RULES.md §5: the Charter's
    3 to 5), when the registry gives a union there a 4-year term, then the dry run passes and the
    import writes it; the same row in a city that keeps the national {3, 5} is refused (R-TERM)."""
    national = json.loads((Path(workflow.__file__).parent / "profiles" / "national.json").read_text())
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    (profiles / "charter.json").write_text(json.dumps(national | {"name": "charter", "term_years_allowed": [3, 4, 5]}))
    monkeypatch.setenv("UNIONFLOW_PROFILES_DIR", str(profiles))
    rt = Runtime.open(db_url, clock=lambda: TODAY)
    rt.upgrade()
    rt.service.execute(c.RegisterOrganisation(org_id=ROOT, name="全总", level="national", occurred_on=TODAY), ADMIN)
    write_csv(
        tmp_path / "tree.csv",
        [*TREE_ROWS, {"org_id": "XG", "name": "孝感市总工会", "level": "city", "parent_id": "HB"}],
    )
    assert run_import(rt, tmp_path / "tree.csv").exit_code == 0
    rt.service.execute(c.AssignRuleProfile(union_id="JA", profile_name="charter", occurred_on=TODAY), ADMIN)
    four = write_csv(tmp_path / "four.csv", [union_row("U4", term_start="2023-01-10", term_years="4")])
    assert run_import(rt, four, "--dry-run").exit_code == 0
    r = run_import(rt, four)
    assert r.exit_code == 0 and "imported 1 rows" in r.stdout, r.output
    assert rt.service.load("U4").term.end == dt.date(2027, 1, 10)  # type: ignore[union-attr]
    elsewhere = write_csv(tmp_path / "xg.csv", [union_row("X4", parent="XG", term_start="2023-01-10", term_years="4")])
    refused = run_import(rt, elsewhere, "--dry-run")
    assert refused.exit_code == 1 and "term_years" in refused.output and "R-TERM" in refused.output
    rt.engine.dispose()
