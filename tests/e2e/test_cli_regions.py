"""The command line's settings of a region (RULES.md §5, §7): `region profile`, `region targets`
and `region show`, with bad input answered in one line and a non-zero exit; and `coverage` with
each figure's target beside it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from api.cli import app as cli
from tests.e2e.conftest import tree_runtime
from tests.unit.workflow_world import profile

runner = CliRunner()


@pytest.fixture
def url(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The workflow tests' tree (U1 under JA), with a local profile "jiangan" in the profiles directory."""
    (tmp_path / "profiles").mkdir()
    (tmp_path / "profiles" / "jiangan.json").write_text(profile("jiangan").model_dump_json(), encoding="utf-8")
    monkeypatch.setenv("UNIONFLOW_PROFILES_DIR", str(tmp_path / "profiles"))
    rt = tree_runtime(db_url)
    rt.engine.dispose()
    yield db_url


def run(url: str, *args: str) -> Result:
    return runner.invoke(cli, [*args, "--database-url", url])


def test_assign_a_profile_and_show_it(url: str) -> None:
    r = run(url, "region", "profile", "--org", "JA", "--profile", "jiangan", "--person", "admin-wh", "--admin-of", "WH")
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("RuleProfileAssigned on JA")
    shown = json.loads(run(url, "region", "show", "--org", "U1", "--format", "json").stdout)
    assert shown["rule_profile"] == {"name": "jiangan", "version": None, "org": "JA"}
    assert "jiangan, latest version (assigned to JA)" in run(url, "region", "show", "--org", "U1").stdout


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        (("--profile", "nowhere"), 1, "PROFILE-UNKNOWN: no rule profile named 'nowhere'"),
        (("--profile", "jiangan", "--version", "3"), 1, "'jiangan' version 3"),
        (("--profile", "jiangan", "--admin-of", "QS"), 1, "AUTH-ORG"),
    ],
)
def test_a_bad_assignment_is_one_line(url: str, args: tuple[str, ...], code: int, says: str) -> None:
    r = run(url, "region", "profile", "--org", "JA", "--person", "p", *args)
    assert r.exit_code == code and says in r.stderr, r.output
    assert "Traceback" not in r.output


@pytest.mark.parametrize(
    ("target", "says"),
    [
        ("founding_rate=1.5", "targets.founding_rate: Input should be less than or equal to 1"),
        ("founding_rate=-1", "targets.founding_rate: Input should be greater than or equal to 0"),
        ("founding_rate=high", "'founding_rate=high': expected FIGURE=SHARE"),
        ("founding_rate", "expected FIGURE=SHARE"),
        ("fame=0.5", "no coverage figure fame"),
    ],
)
def test_a_bad_target_is_one_line(url: str, target: str, says: str) -> None:
    r = run(url, "region", "targets", "--org", "JA", "--person", "p", target)
    assert r.exit_code == 2 and says in r.stderr, r.output


def test_coverage_shows_each_target_beside_its_figure(url: str) -> None:
    r = run(url, "region", "targets", "--org", "WH", "--person", "p", "founding_rate=0.91", "on_time_rate=1")
    assert r.exit_code == 0, r.output
    table = run(url, "coverage", "--org", "JA").stdout
    assert "≥ 91.0% ✗" in table and "≥ 100.0%" in table  # U1 is not founded: 0 % of 1 unit
    rows = json.loads(run(url, "coverage", "--org", "JA", "--format", "json").stdout)
    assert rows[0]["targets"]["founding_rate"] == {
        "value": 0.0,
        "target": 0.91,
        "set_by": "WH",
        "reads": "at_least",
        "met": False,
    }
    csv_lines = run(url, "coverage", "--org", "JA", "--format", "csv").stdout.splitlines()
    header = csv_lines[0].split(",")
    assert "founding_rate_target" in header and "on_time_rate_target" in header
    assert csv_lines[1].split(",")[header.index("founding_rate_target")] == "0.91"
    cleared = run(url, "region", "targets", "--org", "WH", "--person", "p")
    assert (
        cleared.exit_code == 0
        and json.loads(run(url, "region", "show", "--org", "JA", "--format", "json").stdout)["coverage_targets"] == {}
    )
