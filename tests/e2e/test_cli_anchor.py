"""`unionflow head`, `unionflow verify --expect-head` and the token lifetime bound (issue 20): an anchor kept outside
the database shows a rewrite that is consistent in itself (chains, registry and head recomputed)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from api.cli import app as cli
from events import schema
from tests.integration.test_tamper import rechain

runner = CliRunner()


@pytest.fixture
def url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'anchor.db'}"
    assert runner.invoke(cli, ["db", "upgrade", "--database-url", url]).exit_code == 0
    r = runner.invoke(
        cli,
        [
            *("org", "register-root", "--id", "ACFTU", "--name", "全国总工会", "--person", "root"),
            *("--on", "2018-01-01", "--database-url", url),
        ],
    )
    assert r.exit_code == 0, r.output
    return url


def _head(url: str) -> str:
    r = runner.invoke(cli, ["head", "--database-url", url])
    assert r.exit_code == 0, r.output
    return r.output.strip()


def test_head_prints_position_and_hash(url: str) -> None:
    assert re.fullmatch(r"1:[0-9a-f]{64}", _head(url))


def test_verify_against_the_anchor_passes_while_the_log_is_intact(url: str) -> None:
    anchor = _head(url)
    r = runner.invoke(cli, ["verify", "--expect-head", anchor, "--database-url", url])
    assert r.exit_code == 0, r.output
    assert "matches the anchor at position 1" in r.output


def test_a_consistent_rewrite_passes_alone_and_fails_against_the_anchor(url: str) -> None:
    anchor = _head(url)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.update(schema.events).values(payload=sa.func.replace(schema.events.c.payload, "全国", "某某")))
    rechain(engine)
    engine.dispose()
    assert runner.invoke(cli, ["verify", "--database-url", url]).exit_code == 0  # consistent in itself
    r = runner.invoke(cli, ["verify", "--expect-head", anchor, "--database-url", url])
    assert r.exit_code == 1
    assert "tampering detected: log-head at position 1" in r.output
    assert _head(url) != anchor


@pytest.mark.parametrize(
    "anchor",
    ["garbage", "1:abc", "-1:" + "a" * 64, "1:" + "A" * 64, "1:" + "a" * 65, "9" * 19 + ":" + "a" * 64, ""],
)
def test_a_malformed_anchor_is_a_usage_error_naming_the_option(url: str, anchor: str) -> None:
    r = runner.invoke(cli, ["verify", "--expect-head", anchor, "--database-url", url])
    assert r.exit_code == 2
    assert "--expect-head" in r.output and "POSITION:HASH" in r.output


@pytest.mark.parametrize(("days", "ok"), [("3660", True), ("3661", False), ("99999999", False), ("0", False)])
def test_token_lifetime_is_bounded_to_ten_years(url: str, days: str, ok: bool) -> None:
    """Issue 20: `token issue --days 99999999` was a traceback; ten years (3,660 days) is the bound."""
    r = runner.invoke(
        cli,
        [
            *("token", "issue", "--person", "p", "--role", "auditor", "--org", "ACFTU"),
            *("--days", days, "--database-url", url),
        ],
    )
    assert r.exit_code == (0 if ok else 2), r.output
    if not ok:
        assert "--days" in r.output
        assert r.exception is None or isinstance(r.exception, SystemExit)
