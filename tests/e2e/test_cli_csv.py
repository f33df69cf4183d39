"""The command line's CSV (issue 19): a UTF-8 byte-order mark first, so that Excel on Chinese
Windows reads it as UTF-8; the columns' keys as headers by default, their Chinese names with
UNIONFLOW_LANG=zh; text a spreadsheet would compute neutralised."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from api.cli import app as cli
from tests.e2e.conftest import tree_runtime
from tests.e2e.lists_support import FORMULA, register
from tests.unit.workflow_support import Driver, given_union
from tests.unit.workflow_world import World

runner = CliRunner()


@pytest.fixture
def url(sqlite_url: str) -> Iterator[str]:
    rt = tree_runtime(sqlite_url)
    world = World(rt.engine, rt.store, rt.service.profiles, rt.service)
    given_union(world, "F1").found()
    register(rt, "A3", FORMULA, "JA")
    Driver(world, "A3").request()  # waits on JA: an alert once the reply window has passed
    rt.engine.dispose()
    yield sqlite_url


def csv_of(url: str, *args: str) -> list[list[str]]:
    r = runner.invoke(cli, [*args, "--format", "csv", "--database-url", url])
    assert r.exit_code == 0, r.output + r.stderr
    assert r.stdout.startswith("\ufeff")
    return list(csv.reader(io.StringIO(r.stdout.removeprefix("\ufeff"))))


def test_keys_as_headers_by_default(url: str) -> None:
    rows = csv_of(url, "alerts")
    assert rows[0] == ["kind", "org_id", "name", "deadline", "days_overdue", "procedure_id", "basis"]
    assert {r[1] for r in rows[1:]} == {"F1", "A3"}


def test_chinese_headers_with_the_chinese_setting(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UNIONFLOW_LANG", "zh")
    assert csv_of(url, "alerts")[0] == ["类别", "编号", "名称", "期限", "逾期天数", "程序编号", "依据"]
    assert csv_of(url, "history", "F1")[0][:4] == ["版本", "业务日期", "记录时间（UTC）", "事项"]
    coverage = csv_of(url, "coverage", "--org", "JA")[0]
    assert "建会率" in coverage and "founding_rate" not in coverage


def test_a_formula_like_name_is_neutralised(url: str) -> None:
    names = {r[1]: r[2] for r in csv_of(url, "alerts")[1:]}
    assert names["A3"] == "'" + FORMULA  # read as text, never as a formula
    assert {r[3]: r[4] for r in csv_of(url, "inbox", "--org", "JA")[1:]} == {"A3": "'" + FORMULA}
