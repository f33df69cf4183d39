"""The benchmarks in `bench/` run as an operator runs them, at a tiny size: they are not timed here
(their figures are for `bench/README.md`), but a change that breaks one must fail a test. One did:
UNIT-COUNTS refused the workflow benchmark's founding request (12 female members of 0), and nothing
noticed until the benchmark was next run by hand."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PG_BASE, require_postgres

ROOT = Path(__file__).resolve().parents[2]


def run_bench(module: str, *args: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "-m", f"bench.{module}", *args],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, f"bench.{module} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def table_rows(out: str, database: str) -> dict[str, list[str]]:
    """The workflow benchmark's result rows for `database`, by engine."""
    return {cols[1]: cols for line in out.splitlines() if (cols := line.split()) and cols[0] == database}


def test_workflow_bench_sqlite_runs_every_command_through_both_loops() -> None:
    out = run_bench("bench_workflow", "--unions", "3", "--db", "sqlite", "--projections")
    rows = table_rows(out, "sqlite")
    assert set(rows) == {"unionflow+proj", "eventsourcing"}, out
    # 3 unions x 12 commands each, through unionflow and through eventsourcing
    assert rows["unionflow+proj"][2] == rows["eventsourcing"][2] == "36"
    assert float(rows["unionflow+proj"][-1]) > 0


@pytest.mark.postgres
def test_workflow_bench_postgres() -> None:
    require_postgres()
    out = run_bench("bench_workflow", "--unions", "2", "--db", "postgres", env={"UNIONFLOW_BENCH_PG_URL": PG_BASE})
    rows = table_rows(out, "postgres")
    assert rows["unionflow"][2] == rows["eventsourcing"][2] == "24", out


def test_store_bench_sqlite() -> None:
    out = run_bench("bench_store", "--events", "60", "--batch", "20", "--backend", "sqlite", "--quiet")
    assert "append, 1 event per transaction" in out
    assert "unionflow / eventsourcing" in out


def test_import_bench_sqlite_checks_writes_and_verifies() -> None:
    out = run_bench("bench_import", "--rows", "40", "--db", "sqlite")
    assert "rows 40" in out
    assert "verify ok" in out


def test_projections_bench_rebuilds_and_queries(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    run_bench(
        "bench_projections",
        "--unions",
        "40",
        "--dir",
        str(tmp_path),
        "--queries",
        "3",
        "--no-trace-memory",
        "--quiet",
        "--json",
        str(report),
    )
    result = json.loads(report.read_text())
    rebuild = result["rebuild"]
    assert rebuild["events"] > 40
    assert rebuild["rows"]["proj_orgs"] > 40  # the unions and the federation tree above them
    assert result["alerts"]["queries"] == 3


@pytest.mark.postgres
def test_national_bench_loads_copies_of_a_rebuilt_read_side_and_times_the_dashboard(tmp_path: Path) -> None:
    require_postgres()
    run_bench("bench_projections", "--unions", "40", "--dir", str(tmp_path), "--queries", "3", "--quiet")
    (source,) = tmp_path.glob("projections-40-*.db")
    report = tmp_path / "national.json"
    url = PG_BASE.rsplit("/", 1)[0] + "/unionflow_test_national"
    run_bench(
        "bench_national",
        "--source",
        str(source),
        "--url",
        url,
        "--copies",
        "3",
        "--queries",
        "2",
        "--json",
        str(report),
    )
    result = json.loads(report.read_text())
    assert result["unions"] == 3 * 40  # every copy has the source's unions, under the same provinces
    for where in ("country", "province", "city", "county"):
        assert result[f"{where} coverage"]["p50"] > 0


@pytest.mark.slow
def test_http_bench_quick_sqlite_fills_every_cell_without_errors(tmp_path: Path) -> None:
    report = tmp_path / "http.json"
    out = run_bench("bench_http", "--quick", "--backend", "sqlite", "--json", str(report))
    result = json.loads(report.read_text())
    sqlite = result["backends"]["sqlite"]
    assert sqlite["in_process"]["requests"] > 0
    cells = {(c["workload"], c["clients"]): c for c in sqlite["cells"]}
    expected = {(w, n) for w in ("facts", "alerts", "union", "inbox") for n in (1, 8, 32)}
    assert set(cells) == expected, out
    for where, cell in cells.items():
        assert cell["errors"] == 0, (where, cell["statuses"], cell["first_error"])
        # every client had its answer at least once: the warm-up is not counted, so the timed
        # requests are at least one per client
        assert cell["requests"] >= where[1], (where, cell)
        assert cell["server_cpu_ms"] is not None and cell["server_cpu_ms"] >= 0
    assert "HTTP commands/s at 8 clients ÷ in-process" in out
