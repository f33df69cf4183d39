"""The command line: schema upgrade with the api branch, bootstrapping a fresh system, and tokens
(issue shows the secret once; list never does; a revoked or expired token gets 401)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.cli import app as cli
from api.main import create_app
from api.runtime import Runtime
from api.tokens import hash_token, utcnow
from events import migrate

runner = CliRunner()


@pytest.fixture
def fresh_url(tmp_path: Path) -> str:
    """An empty database: no schema at all."""
    return f"sqlite:///{tmp_path / 'fresh.db'}"


@pytest.fixture
def bootstrapped(fresh_url: str) -> Iterator[str]:
    """A fresh system after `db upgrade` and `org register-root`."""
    assert runner.invoke(cli, ["db", "upgrade", "--database-url", fresh_url]).exit_code == 0
    r = runner.invoke(
        cli,
        [
            *("org", "register-root", "--id", "ACFTU", "--name", "全国总工会", "--person", "root-admin"),
            *("--on", "2018-01-01", "--database-url", fresh_url),
        ],
    )
    assert r.exit_code == 0, r.output
    yield fresh_url


def issue(url: str, *args: str) -> str:
    r = runner.invoke(cli, ["token", "issue", *args, "--database-url", url])
    assert r.exit_code == 0, r.output
    token = r.stdout.strip()
    assert token.startswith("uf_")
    return token


def client(url: str, rt: Runtime | None = None) -> TestClient:
    return TestClient(create_app(rt or Runtime.open(url)))


def test_db_upgrade_includes_the_api_branch_and_ready_sees_it(fresh_url: str) -> None:
    rt = Runtime.open(fresh_url)
    assert rt.pending()
    r = client(fresh_url, rt).get("/ready")
    assert r.status_code == 503
    assert r.headers["content-type"].startswith("application/problem+json")
    result = runner.invoke(cli, ["db", "upgrade", "--database-url", fresh_url])
    assert result.exit_code == 0, result.output
    assert "0002_accounts" in migrate.current_revisions(rt.engine)  # the api branch's head (tokens, then accounts)
    assert not rt.pending()
    assert client(fresh_url, rt).get("/ready").status_code == 200


def test_token_commands_need_the_schema(fresh_url: str) -> None:
    r = runner.invoke(cli, ["token", "list", "--database-url", fresh_url])
    assert r.exit_code == 1
    assert "db upgrade" in r.stderr


def test_bootstrap_token_only_on_an_empty_log_and_only_for_admins(fresh_url: str) -> None:
    runner.invoke(cli, ["db", "upgrade", "--database-url", fresh_url])
    base = ["token", "issue", "--person", "p", "--org", "ACFTU", "--database-url", fresh_url]
    refused = runner.invoke(cli, [*base, "--role", "admin"])
    assert refused.exit_code == 1
    assert "no organisation ACFTU" in refused.stderr
    assert runner.invoke(cli, [*base, "--role", "staff", "--bootstrap"]).exit_code == 1
    token = issue(fresh_url, "--person", "p", "--org", "ACFTU", "--role", "admin", "--bootstrap")
    # The bootstrap admin registers the root through HTTP (the root registers itself).
    body = {"org_id": "ACFTU", "name": "全国总工会", "level": "national", "occurred_on": "2018-01-01"}
    r = client(fresh_url).post("/organisations", json=body, headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 201, r.text
    # Now the log is not empty: no more bootstrap tokens for organisations that do not exist.
    else_org = ["token", "issue", "--person", "p", "--org", "ELSE", "--role", "admin", "--bootstrap"]
    again = runner.invoke(cli, [*else_org, "--database-url", fresh_url])
    assert again.exit_code == 1
    assert "not empty" in again.stderr


def test_register_root_refuses_a_non_empty_log(bootstrapped: str) -> None:
    r = runner.invoke(
        cli, ["org", "register-root", "--id", "X", "--name", "X", "--person", "p", "--database-url", bootstrapped]
    )
    assert r.exit_code == 1


def test_issue_list_revoke(bootstrapped: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # A running server remembers a token's check for UNIONFLOW_TOKEN_CACHE_SECONDS (that a
    # revocation from another process is refused once they have passed is tested on a clock in
    # test_lean_request_caches.py); with 0 it asks the database at every request.
    monkeypatch.setenv("UNIONFLOW_TOKEN_CACHE_SECONDS", "0")
    url = bootstrapped
    token = issue(url, "--person", "alice", "--role", "auditor", "--org", "ACFTU", "--days", "7", "--note", "audit")
    bad_role = runner.invoke(cli, ["token", "issue", "--person", "a", "--role", "boss", "--org", "ACFTU"])
    assert bad_role.exit_code == 2
    listed = runner.invoke(cli, ["token", "list", "--database-url", url])
    assert listed.exit_code == 0
    assert "alice\tauditor\tACFTU" in listed.stdout and "active" in listed.stdout
    assert token not in listed.stdout and hash_token(token) not in listed.stdout
    token_id = listed.stdout.split("\t")[0]

    c = client(url)
    auth = {"Authorization": f"Bearer {token}"}
    assert c.get("/unions/ACFTU", headers=auth).status_code == 200

    revoked = runner.invoke(cli, ["token", "revoke", token_id, "--database-url", url])
    assert revoked.exit_code == 0, revoked.output
    r = c.get("/unions/ACFTU", headers=auth)
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"].startswith("Bearer")
    assert "revoked" in runner.invoke(cli, ["token", "list", "--database-url", url]).stdout
    assert runner.invoke(cli, ["token", "revoke", "tok_nope", "--database-url", url]).exit_code == 1


def test_the_secret_is_stored_only_as_its_hash(bootstrapped: str) -> None:
    token = issue(bootstrapped, "--person", "bob", "--role", "admin", "--org", "ACFTU")
    rt = Runtime.open(bootstrapped)
    with rt.engine.connect() as conn:
        dump = "\n".join(str(row) for row in conn.exec_driver_sql("SELECT * FROM api_tokens"))
    assert token not in dump
    assert hash_token(token) in dump


def test_an_expired_token_is_401(bootstrapped: str) -> None:
    token = issue(bootstrapped, "--person", "carol", "--role", "admin", "--org", "ACFTU", "--days", "1")
    rt = Runtime.open(bootstrapped)
    auth = {"Authorization": f"Bearer {token}"}
    assert client(bootstrapped, rt).get("/unions/ACFTU", headers=auth).status_code == 200
    rt.tokens.now = lambda: utcnow() + dt.timedelta(days=1, minutes=1)
    assert client(bootstrapped, rt).get("/unions/ACFTU", headers=auth).status_code == 401


def test_events_record_the_tokens_person_role_and_org(bootstrapped: str) -> None:
    token = issue(bootstrapped, "--person", "dave", "--role", "admin", "--org", "ACFTU")
    body = {
        "org_id": "HB",
        "name": "湖北省总工会",
        "level": "province",
        "parent_id": "ACFTU",
        "occurred_on": "2018-01-02",
    }
    r = client(bootstrapped).post("/organisations", json=body, headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 201, r.text
    rt = Runtime.open(bootstrapped)
    (record,) = rt.store.read_stream("org-HB")
    assert (record.metadata.actor_id, record.metadata.role, record.metadata.acting_org) == ("dave", "admin", "ACFTU")


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["status"], "unionflow status: Missing argument 'UNION_OR_PROCEDURE_ID'"),
        (["alerts", "--limit", "x"], "unionflow alerts: Invalid value for '--limit'"),
        (["token", "issue", "--person", "a"], "unionflow token issue: Missing option '--role'"),
        (["nope"], "unionflow: No such command 'nope'"),
    ],
)
def test_usage_errors_are_one_line_with_exit_2(args: list[str], says: str) -> None:
    """Through the installed entry point (`main`), not the test runner: what a person at a shell sees."""
    import subprocess
    import sys

    script = Path(sys.executable).with_name("unionflow")  # the console script `pip install` made
    done = subprocess.run([str(script), *args], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {says}"), done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_a_store_error_is_one_line_with_exit_1(tmp_path: Path) -> None:
    """Through the installed entry point: a database without the schema is refused in one line
    (EventStoreError), whatever typer release vends click's exceptions (typer 0.29 has no
    `typer._click.exceptions.Abort`: looking it up there turned this into a traceback)."""
    import subprocess
    import sys

    script = Path(sys.executable).with_name("unionflow")
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    done = subprocess.run([str(script), "verify", "--database-url", url], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1, done.stderr
    assert done.stderr.strip() == "error: the database has no unionflow schema: run `unionflow db upgrade`"
    assert done.stdout == ""
