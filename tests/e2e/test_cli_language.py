"""The command line says why a step was refused in English by default, in Chinese with `--lang zh`,
the setting UNIONFLOW_LANG=zh or a Chinese LANG (in that order): the catalogue of messages, with
the numbers of the refusal's evidence; the rule ID leads the line either way."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from api.cli import app as cli
from tests.e2e.conftest import tree_runtime

runner = CliRunner()
ASSIGN = ("region", "profile", "--org", "JA", "--person", "p", "--profile", "nowhere")
ENGLISH = "PROFILE-UNKNOWN: no rule profile named 'nowhere'"
CHINESE = "PROFILE-UNKNOWN: 本系统没有登记规则配置 nowhere（或没有所指的版本）。"


@pytest.fixture
def url(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.delenv("UNIONFLOW_LANG", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    tree_runtime(sqlite_url).engine.dispose()
    yield sqlite_url


@pytest.mark.parametrize(
    ("options", "env", "says"),
    [
        ((), {}, ENGLISH),
        (("--lang", "zh"), {}, CHINESE),
        ((), {"LANG": "zh_CN.UTF-8"}, CHINESE),
        ((), {"UNIONFLOW_LANG": "zh"}, CHINESE),
        ((), {"UNIONFLOW_LANG": "en", "LANG": "zh_CN.UTF-8"}, ENGLISH),
        (("--lang", "en"), {"UNIONFLOW_LANG": "zh"}, ENGLISH),
    ],
)
def test_a_refusal_in_the_language_chosen(
    url: str, monkeypatch: pytest.MonkeyPatch, options: tuple[str, ...], env: dict[str, str], says: str
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    r = runner.invoke(cli, [*options, *ASSIGN, "--database-url", url])
    assert r.exit_code == 1 and says in r.stderr, r.output


def test_a_refusal_naming_organisations_in_chinese(url: str) -> None:
    r = runner.invoke(
        cli, ["--lang", "zh", *ASSIGN[:-2], "--profile", "national", "--admin-of", "QS", "--database-url", url]
    )
    assert r.exit_code == 1
    assert "AUTH-ORG: QS 的管理员不能管理其下级范围以外的 JA。" in r.stderr, r.output


def test_an_unknown_language_is_a_usage_error(url: str) -> None:
    r = runner.invoke(cli, ["--lang", "fr", *ASSIGN, "--database-url", url])
    assert r.exit_code == 2 and "--lang: 'fr' is neither en nor zh" in r.stderr
