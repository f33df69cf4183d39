"""The registry import checks each row with exactly the bounds of the commands it builds
(`workflow.bounds`): what the API refuses, the import refuses, line and column named, and a dry run
that passes writes completely, on SQLite and PostgreSQL (issue 20, points 1 and 4)."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.runtime import Runtime
from tests.e2e.test_import import TREE_ROWS, rt, run_import, union_row, write_csv

__all__ = ["rt"]  # the fixture: a system holding only the national root


@pytest.mark.parametrize(
    ("changes", "column"),
    [
        ({"employees": str(2**31), "members": "80"}, "employees"),
        ({"employees": str(2**63), "members": "80"}, "employees"),
        ({"name": "名" * 201}, "name"),
        ({"chair": "赵" * 201}, "chair"),
        ({"unit_name": "x" * 2001}, "unit_name"),
        ({"term_start": "0001-01-01"}, "term_start"),
        ({"term_start": "1924-12-31"}, "term_start"),
        ({"founded_on": "0"}, "founded_on"),
        ({"founded_on": "20190301"}, "founded_on"),
        ({"term_years": str(2**40)}, "term_years"),
    ],
)
def test_a_row_outside_the_bounds_is_reported_and_nothing_is_written(
    rt: Runtime, tmp_path: Path, changes: dict[str, str], column: str
) -> None:
    path = write_csv(tmp_path / "r.csv", [*TREE_ROWS, union_row("U1", **changes)])
    before = rt.store.last_position()
    r = run_import(rt, path)
    assert r.exit_code == 1, r.output
    line = len(TREE_ROWS) + 2
    assert f"line {line} (U1), column {column}:" in r.stderr, r.stderr
    assert "Traceback" not in r.output
    assert rt.store.last_position() == before


def test_a_nul_in_a_name_is_refused(rt: Runtime, tmp_path: Path) -> None:
    path = tmp_path / "nul.csv"
    write_csv(path, [*TREE_ROWS, union_row("U1", name="U1\x00工会")])
    r = run_import(rt, path)
    assert r.exit_code == 1 and "column name:" in r.stderr, r.output


def test_a_dry_run_that_passes_writes_completely_at_the_edges(rt: Runtime, tmp_path: Path) -> None:
    edge = {"employees": str(2**31 - 1), "members": str(2**31 - 1), "female_members": "0", "name": "名" * 200}
    rows = [*TREE_ROWS, union_row("U1", **edge), union_row("U2", term_start="1925-01-01", term_years="5")]
    path = write_csv(tmp_path / "edge.csv", rows)
    dry = run_import(rt, path, "--dry-run")
    assert dry.exit_code == 0, dry.output
    done = run_import(rt, path)
    assert done.exit_code == 0, done.output
    assert rt.service.load("U1").unit is not None and rt.service.load("U2").exists
