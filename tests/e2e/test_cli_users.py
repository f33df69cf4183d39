"""`unionflow user add|list|disable|set-password` on SQLite and PostgreSQL: the password from
standard input (never an argument), the account's roles checked, and what disabling does to its
sessions and tokens; `token issue` for an account."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from api.accounts import Grant
from api.cli import app as cli
from api.runtime import Runtime
from api.web.sessions import SessionTable
from tests.e2e.conftest import tree_runtime

runner = CliRunner()
PASSWORD = "a long enough password"


@pytest.fixture
def url(db_url: str) -> Iterator[str]:
    rt = tree_runtime(db_url)
    rt.engine.dispose()
    yield db_url


def run(url: str, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    r = runner.invoke(cli, [*args, "--database-url", url], input=stdin)
    return r.exit_code, r.stdout, r.stderr


def test_add_list_set_password_and_disable(url: str) -> None:
    code, out, err = run(
        url, "user", "add", "p1", "--name", "张三", "--role", "staff:U1", "--password-stdin", stdin=PASSWORD + "\n"
    )
    assert code == 0, err
    assert out.strip() == "account p1 (张三): staff:U1"
    assert run(url, "user", "list")[1] == "p1\t张三\tactive\tstaff:U1\n"
    rt = Runtime.open(url)
    assert rt.accounts.check_password("p1", PASSWORD) is not None
    sessions = SessionTable(rt.engine, rt.accounts, idle=dt.timedelta(hours=1), longest=dt.timedelta(hours=8))
    before = sessions.open("p1", Grant("staff", "U1"))
    code, _, err = run(url, "user", "set-password", "p1", "--password-stdin", stdin="a brand new password\n")
    assert code == 0, err
    assert rt.accounts.check_password("p1", PASSWORD) is None
    assert rt.accounts.check_password("p1", "a brand new password") is not None
    assert sessions.find(before.cookie) is None  # a new password ends the sessions
    token = rt.tokens.issue("p1", "staff", "U1").token
    after = sessions.open("p1", Grant("staff", "U1"))
    code, out, _ = run(url, "user", "disable", "p1")
    assert code == 0 and "disabled p1" in out
    assert sessions.find(after.cookie) is None and rt.tokens.authenticate(token) is None
    assert run(url, "user", "list")[1].split("\t")[2] == "disabled"
    assert [e.action for e in rt.accounts.log("p1")] == ["created", "password_set", "disabled"]
    rt.engine.dispose()


def test_a_password_is_never_an_argument(url: str) -> None:
    code, _, err = run(url, "user", "add", "p1", "--name", "n", "--role", "staff:U1", "--password", PASSWORD)
    assert code == 2 and "--password" in err
    code, _, err = run(url, "user", "add", "p1", "--name", "n", "--role", "staff:U1", "--password-stdin", stdin="")
    assert code == 2 and "no password" in err


def test_a_prompted_password_is_typed_twice(url: str) -> None:
    code, _, err = run(url, "user", "add", "p1", "--name", "n", "--role", "staff:U1", stdin=f"{PASSWORD}\n{PASSWORD}\n")
    assert code == 0, err
    rt = Runtime.open(url)
    assert rt.accounts.check_password("p1", PASSWORD) is not None
    rt.engine.dispose()
    code, _, err = run(
        url, "user", "add", "p2", "--name", "n", "--role", "staff:U1", stdin=f"{PASSWORD}\nanother one!!\n"
    )
    assert code != 0  # the two did not match: asked again until input ends, nothing opened
    rt = Runtime.open(url)
    assert rt.accounts.get("p2") is None
    rt.engine.dispose()


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--role", "boss:U1"], "unknown role"),
        (["--role", "staff"], "ROLE:ORG"),
        (["--role", "staff:NOPE"], "no organisation NOPE"),
    ],
)
def test_bad_roles_are_one_line_errors(url: str, args: list[str], needle: str) -> None:
    code, _, err = run(url, "user", "add", "p1", "--name", "n", *args, "--password-stdin", stdin=PASSWORD)
    assert code == 2 and needle in err and len(err.strip().splitlines()) == 1


def test_errors_for_missing_accounts_weak_passwords_and_taken_ids(url: str) -> None:
    assert run(url, "user", "disable", "ghost")[0] == 1
    assert run(url, "user", "set-password", "ghost", "--password-stdin", stdin=PASSWORD)[0] == 1
    code, _, err = run(url, "user", "add", "p1", "--name", "n", "--role", "staff:U1", "--password-stdin", stdin="short")
    assert code == 1 and "at least 10" in err
    run(url, "user", "add", "p1", "--name", "n", "--role", "staff:U1", "--password-stdin", stdin=PASSWORD)
    code, _, err = run(
        url, "user", "add", "p1", "--name", "n", "--role", "staff:U1", "--password-stdin", stdin=PASSWORD
    )
    assert code == 1 and "already has an account" in err


def test_a_token_for_an_account_holds_one_of_its_roles(url: str) -> None:
    run(url, "user", "add", "p1", "--name", "n", "--role", "staff:U1", "--password-stdin", stdin=PASSWORD)
    code, _, err = run(url, "token", "issue", "--person", "p1", "--role", "auditor", "--org", "U1")
    assert code == 1 and "holds staff:U1" in err
    code, out, _ = run(url, "token", "issue", "--person", "p1", "--role", "staff", "--org", "U1")
    assert code == 0 and out.startswith("uf_")
    run(url, "user", "disable", "p1")
    code, _, err = run(url, "token", "issue", "--person", "p1", "--role", "staff", "--org", "U1")
    assert code == 1 and "disabled" in err


@pytest.mark.parametrize("command", ["add", "list", "disable", "set-password"])
def test_every_user_command_has_help(command: str) -> None:
    r = runner.invoke(cli, ["user", command, "--help"])
    assert r.exit_code == 0 and "Usage" in r.stdout
