"""Sessions and commands across server processes, on one SQLite file and on one PostgreSQL
database: a web session opened on one process works on the other, a command taken on one is read
on the other, signing out on one ends the session on both, disabling the account from the command
line ends it everywhere, and a restart keeps it. Then `serve --workers 2` serves one session on
every connection, and spreads connections over its workers."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import httpx
from typer.testing import CliRunner

from api.accounts import Grant
from api.cli import app as cli
from tests.e2e.conftest import request_body, tree_runtime
from tests.e2e.processes import server_process, serving, sockets_by_process

PASSWORD = "a long enough password"


def _csrf(text: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', text)
    assert found is not None, text[:300]
    return found.group(1)


def _sign_in(base: str) -> str:
    """The session cookie's value after signing in as p-staff on `base`."""
    with httpx.Client(base_url=base) as client:
        form = {"person_id": "p-staff", "password": PASSWORD, "csrf": _csrf(client.get("/ui/sign-in").text)}
        signed = client.post("/ui/sign-in", data=form)
        assert signed.status_code == 303, signed.text
        return signed.cookies["uf_session"]


def _page(base: str, cookie: str) -> httpx.Response:
    """GET /ui/ with the session cookie, on a connection of its own."""
    with httpx.Client(base_url=base, cookies={"uf_session": cookie}) as client:
        return client.get("/ui/")


def _signed_in(base: str, cookie: str) -> bool:
    page = _page(base, cookie)
    return page.status_code == 200 and '<strong title="p-staff">张三</strong>' in page.text


def _prepare(url: str) -> str:
    """The tree, an account and a token on `url`; the token."""
    rt = tree_runtime(url)
    rt.accounts.add("p-staff", "张三", [Grant("staff", "U1")], PASSWORD, by="test")
    token = rt.tokens.issue("p-staff", "staff", "U1").token
    rt.engine.dispose()
    return token


def test_a_session_and_commands_work_across_two_processes_and_a_restart(db_url: str) -> None:
    token = _prepare(db_url)
    with serving(db_url) as one, serving(db_url) as two:
        cookie = _sign_in(one)
        assert _signed_in(two, cookie)  # opened on one, good on the other
        bearer = {"Authorization": f"Bearer {token}"}
        opened = httpx.post(f"{one}/unions/U1/procedures/founding", json=request_body(), headers=bearer)
        assert opened.status_code == 201, opened.text
        pid = opened.json()["procedure_id"]
        assert httpx.get(f"{two}/procedures/{pid}", headers=bearer).status_code == 200
        page = _page(two, cookie)
        with httpx.Client(base_url=two, cookies={"uf_session": cookie}) as client:
            assert client.post("/ui/sign-out", data={"csrf": _csrf(page.text)}).status_code == 303
        assert not _signed_in(one, cookie) and not _signed_in(two, cookie)  # signed out on both
        cookie = _sign_in(two)
    with serving(db_url) as restarted:
        assert _signed_in(restarted, cookie)  # a restart signs nobody out
        disabled = CliRunner().invoke(cli, ["user", "disable", "p-staff", "--database-url", db_url])
        assert disabled.exit_code == 0, disabled.output
        assert not _signed_in(restarted, cookie)
        assert httpx.get(f"{restarted}/procedures/{pid}", headers=bearer).status_code == 401


def test_serve_with_two_workers_serves_the_session_on_every_connection(sqlite_url: str) -> None:
    _prepare(sqlite_url)
    with serving(sqlite_url, workers=2) as base:
        cookie = _sign_in(base)
        assert all(_signed_in(base, cookie) for _ in range(12))


def test_each_request_writes_one_access_line_naming_its_client(db_url: str) -> None:
    """The app's JSON access line is the only one a request writes (uvicorn's own is off): one line
    per request, with its request ID, status and the client's address."""
    token = _prepare(db_url)
    output: list[str] = []
    with server_process(db_url, output=output) as (base, _proc), httpx.Client(base_url=base) as client:
        for rid in ("line-1", "line-2"):
            r = client.get("/unions/U1", headers={"Authorization": f"Bearer {token}", "X-Request-ID": rid})
            assert r.status_code == 200, r.text
    about_u1 = [line for line in output if "/unions/U1" in line]
    assert len(about_u1) == 2, output
    lines = [json.loads(line) for line in about_u1]
    assert [(x["request_id"], x["status"], x["client"]) for x in lines] == [
        ("line-1", 200, "127.0.0.1"),
        ("line-2", 200, "127.0.0.1"),
    ]


def test_serve_with_two_workers_gives_each_its_own_socket_and_both_connections(sqlite_url: str) -> None:
    """Each worker listens on a socket of its own (the kernel spreads new connections over them),
    so that a burst of keep-alive connections does not all land on the worker that woke first; a
    second server on the same port is refused rather than let in to share it."""
    _prepare(sqlite_url)
    with server_process(sqlite_url, workers=2) as (base, proc):
        port = int(base.rsplit(":", 1)[1])
        listening = sockets_by_process(proc.pid, port, "0A")
        assert len(listening) == 2 and proc.pid not in listening, listening  # a socket each, none in the parent
        clients = [httpx.Client(base_url=base) for _ in range(32)]
        try:
            assert all(client.get("/health").status_code == 200 for client in clients)
            held = sockets_by_process(proc.pid, port, "01")
        finally:
            for client in clients:
                client.close()
        # Spread by a hash: all 32 on one worker would happen once in 2**31 runs.
        assert sorted(held) == sorted(listening) and sum(held.values()) == 32, held
        second = subprocess.run(
            [sys.executable, "-m", "api.cli", "serve", "--workers", "2", "--port", str(port)],
            env=os.environ | {"UNIONFLOW_DATABASE_URL": sqlite_url},
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert second.returncode == 2, second.stdout + second.stderr
    assert f"cannot listen on 127.0.0.1:{port}" in second.stderr and "--port" in second.stderr, second.stderr
