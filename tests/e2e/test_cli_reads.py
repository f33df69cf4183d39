"""The command line's read commands on real data (the demo: every step through the workflow):
status, history, alerts, inbox and coverage in each format, past moments, rebuild and compare, and
bad input answered with one line naming the option and a non-zero exit, never a traceback."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner, Result

import projections
from api.cli import app as cli
from api.demo import MIN_UNIONS
from api.demo.scope import EXTRA_UNITS
from api.runtime import Runtime
from bench.support import fresh_schemas, in_schema
from events.catalogue import org_stream
from tests.conftest import PG_BASE, require_postgres

runner = CliRunner()


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def demo_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo, loaded once per module on each database (on PostgreSQL in a schema of its own)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('reads') / 'demo.db'}"
        load_demo(url)
        yield url
        return
    require_postgres()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with fresh_schemas(PG_BASE, schema):
        load_demo(in_schema(PG_BASE, schema))
        yield in_schema(PG_BASE, schema)


def load_demo(url: str) -> None:
    r = runner.invoke(cli, ["demo", "--unions", str(MIN_UNIONS), "--database-url", url])
    assert r.exit_code == 0, r.output + r.stderr


@pytest.fixture(scope="module")
def rt(demo_url: str) -> Iterator[Runtime]:
    runtime = Runtime.open(demo_url)
    yield runtime
    runtime.engine.dispose()


def run(url: str, *args: str) -> Result:
    return runner.invoke(cli, [*args, "--database-url", url])


def ok(url: str, *args: str) -> str:
    r = run(url, *args)
    assert r.exit_code == 0, r.output + r.stderr
    assert r.stderr == ""  # machine formats keep stdout clean for pipes; messages would go to stderr
    return r.stdout


def as_json(url: str, *args: str) -> Any:
    return json.loads(ok(url, *args, "--format", "json"))


def as_csv(url: str, *args: str) -> list[dict[str, str]]:
    text = ok(url, *args, "--format", "csv")
    assert text.startswith("\ufeff")  # the byte-order mark: Excel reads the file as UTF-8
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def open_procedure(rt: Runtime, kind: str, state: str) -> projections.ProcedureStatus:
    found = projections.procedures(rt.engine, kind=kind, state=state, open_only=True).items
    assert found, f"the demo has no {kind} in {state}"
    return found[0]


# --------------------------------------------------------------------------- status


def test_status_of_a_union_in_each_format(demo_url: str, rt: Runtime) -> None:
    proc = open_procedure(rt, "reelection", "plan_filed")
    union = rt.service.load(proc.org_id)
    table = ok(demo_url, "status", proc.org_id)
    for text in (proc.org_id, union.name, "Current term", proc.procedure_id, "approver"):
        assert text in table
    body = as_json(demo_url, "status", proc.org_id)
    assert body["org_id"] == proc.org_id and body["version"] == union.version
    assert union.term is not None and body["term"]["number"] == union.term.number
    listed = {p["procedure_id"]: p for p in body["procedures"]}
    assert listed[proc.procedure_id]["state"] == "plan_filed" and not listed[proc.procedure_id]["closed"]
    assert listed[proc.procedure_id]["waiting_on"].startswith(f"the higher-level union {union.parent_id} (approver)")
    today = rt.service.clock()
    expected = [(a.kind, a.org_id) for a in projections.alerts(rt.engine, today, proc.org_id, limit=None).items]
    assert [(a["kind"], a["org_id"]) for a in body["alerts"]] == expected


def test_status_of_a_federation_counts_its_subtree(demo_url: str, rt: Runtime) -> None:
    table = ok(demo_url, "status", "DL")
    assert "大连市总工会" in table and "Alerts in the subtree" in table
    counts = projections.alert_counts(rt.engine, rt.service.clock(), "DL")
    assert all(kind in table for kind in counts)


def test_status_of_a_procedure_says_whom_it_waits_on(demo_url: str, rt: Runtime) -> None:
    waiting = open_procedure(rt, "founding", "results_filed")
    body = as_json(demo_url, "status", waiting.procedure_id)
    union = rt.service.load(waiting.org_id)
    assert (body["state"], body["kind"], body["version"]) == ("results_filed", "founding", union.version)
    assert body["waiting_on"].startswith(f"the higher-level union {union.parent_id} (approver): election results")
    assert body["facts"]["election.congress_type"] in ("members_meeting", "representative_congress")
    staff_turn = open_procedure(rt, "founding", "candidates_approved")
    table = ok(demo_url, "status", staff_turn.procedure_id)
    assert f"the union {staff_turn.org_id} (staff): record the congress" in table
    assert "withdraw" not in table.split("waiting on", 1)[1].splitlines()[0]


def test_status_at_a_past_moment(demo_url: str, rt: Runtime) -> None:
    proc = open_procedure(rt, "founding", "members_recruited")
    records = list(rt.store.read_stream(org_stream(proc.org_id)))
    requested = next(r for r in records if r.event_type == "FoundingRequested")
    # As of the business date before the request: registered, nothing under way.
    day_before = (requested.occurred_on - dt.timedelta(days=1)).isoformat()
    then = as_json(demo_url, "status", proc.org_id, "--as-of", day_before)
    assert then["procedures"] == [] and then["as_of"] == day_before
    on_the_day = as_json(demo_url, "status", proc.procedure_id, "--as-of", requested.occurred_on.isoformat())
    assert on_the_day["state"] == "requested"
    # As recorded when only the registration had been recorded.
    first = records[0].recorded_at.isoformat()
    known = as_json(demo_url, "status", proc.org_id, "--recorded-at", first)
    assert known["version"] == 1 and known["procedures"] == []
    # Before anything was recorded, the union did not exist.
    r = run(demo_url, "status", proc.org_id, "--recorded-at", "2000-01-01T00:00:00+00:00")
    assert r.exit_code == 1 and "did not exist yet" in r.stderr


# --------------------------------------------------------------------------- history


def test_history_in_each_format(demo_url: str, rt: Runtime) -> None:
    proc = open_procedure(rt, "founding", "results_filed")
    records = list(rt.store.read_stream(org_stream(proc.org_id)))
    table = ok(demo_url, "history", proc.org_id)
    assert f"({len(records)} events)" in table and "ResultsFiled" in table and "R-QUORUM" in table
    entries = as_json(demo_url, "history", proc.org_id)
    assert [e["event_type"] for e in entries] == [r.event_type for r in records]
    congress = next(e for e in entries if e["event_type"] == "CongressHeld")
    assert congress["role"] == "staff" and congress["acting_org"] == proc.org_id and congress["actor_id"]
    assert {"R-NOTICE", "R-QUORUM", "R-ELECTED"} <= {e["rule"] for e in congress["evidence"]}
    rows = as_csv(demo_url, "history", proc.org_id)
    assert len(rows) == len(records)
    assert json.loads(rows[-1]["evidence"]) == entries[-1]["evidence"]
    only = as_json(demo_url, "history", proc.procedure_id)
    assert {e["procedure_id"] for e in only} == {proc.procedure_id}
    assert len(only) == len(records) - 1  # all but the registration


# --------------------------------------------------------------------------- alerts, inbox, coverage


def test_alerts_in_each_format(demo_url: str, rt: Runtime) -> None:
    today = rt.service.clock()
    expected = projections.alerts(rt.engine, today, limit=None).items
    body = as_json(demo_url, "alerts")
    assert [(a["kind"], a["org_id"], a["deadline"]) for a in body] == [
        (a.kind, a.org_id, a.deadline.isoformat()) for a in expected
    ]
    assert all(a["name"] for a in body)
    rows = as_csv(demo_url, "alerts")
    assert [(r["kind"], r["org_id"]) for r in rows] == [(a.kind, a.org_id) for a in expected]
    table = ok(demo_url, "alerts")
    assert f"{len(expected)} alert(s) on {today}" in table
    overdue = as_json(demo_url, "alerts", "--kind", "A-TERM-OVERDUE", "--kind", "A-VACANCY-OVERDUE")
    assert overdue and {a["kind"] for a in overdue} == {"A-TERM-OVERDUE", "A-VACANCY-OVERDUE"}
    district = as_json(demo_url, "alerts", "--org", "DL-ZS")
    assert district and all(a["path"].startswith("ACFTU/LN/DL/DL-ZS/") for a in district)
    assert len(as_json(demo_url, "alerts", "--limit", "3")) == 3
    long_ago = as_json(demo_url, "alerts", "--as-of", "2000-01-01")
    assert long_ago == []


def test_inbox_in_each_format(demo_url: str, rt: Runtime) -> None:
    waiting = open_procedure(rt, "founding", "results_filed")
    approver = rt.service.load(waiting.org_id).parent_id
    assert approver is not None
    expected = projections.inbox(rt.engine, approver, on=rt.service.clock(), limit=None).items
    body = as_json(demo_url, "inbox", "--org", approver)
    assert [i["procedure_id"] for i in body] == [i.procedure_id for i in expected]
    assert waiting.procedure_id in {i["procedure_id"] for i in body}
    assert all("overdue" in i and i["content"] for i in body)
    rows = as_csv(demo_url, "inbox", "--org", approver)
    assert [r["procedure_id"] for r in rows] == [i.procedure_id for i in expected]
    assert waiting.procedure_id in ok(demo_url, "inbox", "--org", approver)


def test_coverage_in_each_format(demo_url: str, rt: Runtime) -> None:
    today = rt.service.clock()
    body = as_json(demo_url, "coverage", "--org", "DL")
    assert [r["subtree"] for r in body] == [
        "DL",
        *sorted(("DL-ZS", "DL-XG", "DL-SHK", "DL-GJZ", "DL-LSK")),
    ]  # tree order
    whole = projections.coverage(rt.engine, "DL", today)
    assert (body[0]["units"], body[0]["founded"], body[0]["founding_rate"]) == (
        whole.units,
        whole.founded,
        whole.founding_rate,
    )
    # Every situation's unit, and those of the scope's stories (a dissolved union's unit no longer
    # counts, R-DISSOLVE; the units a joint union covers do, RULES.md §7).
    assert sum(r["units"] for r in body[1:]) == whole.units == MIN_UNIONS + EXTRA_UNITS
    rows = as_csv(demo_url, "coverage")
    assert rows[0]["subtree"] == "(all)" and int(rows[0]["units"]) == MIN_UNIONS + EXTRA_UNITS
    assert "founding rate" in ok(demo_url, "coverage", "--org", "DL-ZS", "--as-of", str(today))


# --------------------------------------------------------------------------- rebuild and compare


def test_rebuild_then_compare_equals(demo_url: str, rt: Runtime) -> None:
    head = rt.store.last_position()
    r = run(demo_url, "rebuild")
    assert r.exit_code == 0, r.output
    assert f"to position {head}" in r.stdout and "events/s" in r.stdout
    # The progress bar is drawn as the work goes, not by a timer: its last state is the swap's.
    assert "swap" in r.stderr and f"{head}/{head} events" in r.stderr
    out = ok_with_progress(demo_url, "rebuild", "--projection", "alerts")
    assert out.startswith("rebuilt alerts ")
    compared = run(demo_url, "rebuild", "--compare")
    assert compared.exit_code == 0, compared.output
    assert "equal the live ones" in compared.stdout


def ok_with_progress(url: str, *args: str) -> str:
    r = run(url, *args)
    assert r.exit_code == 0, r.output
    return r.stdout


def test_compare_reports_a_read_model_that_differs(demo_url: str, rt: Runtime) -> None:
    with rt.engine.begin() as conn:
        conn.execute(sa.text("UPDATE proj_orgs SET name = 'tampered' WHERE org_id = 'DL'"))
    try:
        r = run(demo_url, "rebuild", "--compare")
        assert r.exit_code == 1
        assert "proj_orgs" in r.stdout and "tampered" in r.stdout
        assert r.stderr.startswith("error: the rebuilt read models differ")
    finally:
        ok_with_progress(demo_url, "rebuild")  # the rebuild repairs it
    assert run(demo_url, "rebuild", "--compare").exit_code == 0


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["alerts", "--as-of", "2026-13-01"], "error: --as-of: '2026-13-01' is not a date"),
        (["alerts", "--org", "NOPE"], "error: --org: no organisation 'NOPE'"),
        (["alerts", "--kind", "A-SOON"], "error: --kind: unknown alert kind 'A-SOON'; known: A-TERM-DUE"),
        (["alerts", "--format", "xml"], "error: --format: 'xml' is not a format here"),
        (["inbox"], "error: --org: name the organisation"),
        (["inbox", "--org", "NOPE"], "error: --org: no organisation 'NOPE'"),
        (["coverage", "--org", "NOPE"], "error: --org: no organisation 'NOPE'"),
        (["coverage", "--as-of", "yesterday"], "error: --as-of: 'yesterday' is not a date"),
        (["status", "NOPE"], "error: no organisation 'NOPE'"),
        (["status", "DL-ZS:founding-9"], "error: union DL-ZS has no procedure DL-ZS:founding-9"),
        (["status", "DL", "--recorded-at", "noon"], "error: --recorded-at: 'noon' is not a time"),
        (["status", "DL", "--format", "csv"], "error: --format: 'csv' is not a format here; choose one of table, json"),
        (["history", "NOPE"], "error: no organisation 'NOPE'"),
        (["rebuild", "--projection", "inbox"], "error: --projection: unknown read model 'inbox'"),
    ],
)
def test_bad_input_is_one_line_and_a_non_zero_exit(demo_url: str, args: list[str], says: str) -> None:
    r = run(demo_url, *args)
    assert r.exit_code != 0
    assert r.stderr.startswith(says), r.stderr
    assert r.stderr.count("\n") == 1 and "Traceback" not in r.output
    assert r.stdout == ""


def test_reads_need_the_schema(tmp_path: Path) -> None:
    r = run(f"sqlite:///{tmp_path / 'empty.db'}", "alerts")
    assert r.exit_code == 1 and "unionflow db upgrade" in r.stderr


@pytest.mark.parametrize("command", ["status", "history", "alerts", "inbox", "coverage"])
def test_help_says_the_cli_reads_unscoped(command: str) -> None:
    r = runner.invoke(cli, [command, "--help"])
    assert r.exit_code == 0
    assert "unscoped" in r.stdout
