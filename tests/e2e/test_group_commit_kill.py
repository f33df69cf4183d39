"""Group commit under a real load and a crash, on SQLite and PostgreSQL: 32 clients post commands to
a real `unionflow serve` (four clients to a union, so that their appends meet in groups and their
If-Match versions go stale), some with If-Match, some repeating an Idempotency-Key with the same
request or reusing it for another; the server is killed (SIGKILL) in the middle of the load and
started again. Then every command answered 2xx is in the log at the positions its answer gave,
none answered with an error is, the hash chains verify and the read models equal their rebuild."""

from __future__ import annotations

import datetime as dt
import signal
import threading
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from api.cli import app as cli
from events import make_engine
from tests.e2e.conftest import register_union, tree_runtime
from tests.e2e.processes import server_process
from tests.unit.workflow_world import unit

CLIENTS = 32
UNIONS = [f"U{i}" for i in range(1, 9)]
# The server is killed once this many commands have been answered 2xx (a count, not a time).
KILL_AFTER = 160
ON = dt.date(2026, 1, 2).isoformat()  # a business date the server's real clock has passed


@dataclass
class Sent:
    """Every answer each Idempotency-Key got: (status, positions of the events answered), or
    (None, []) for a request that got no answer (the server died under it)."""

    answers: dict[str, list[tuple[int | None, list[int]]]] = field(default_factory=dict)
    accepted: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, key: str, status: int | None, positions: list[int]) -> None:
        with self.lock:
            self.answers.setdefault(key, []).append((status, positions))
            if status is not None and 200 <= status < 300:
                self.accepted += 1


def _prepare(url: str) -> list[str]:
    """The tree, eight unions and a staff token for each client (client i on union i % 8)."""
    rt = tree_runtime(url)
    for org in UNIONS[1:]:
        register_union(rt, org, f"{org} 工会")
    tokens = [rt.tokens.issue(f"staff-{i}", "staff", UNIONS[i % 8], days=1).token for i in range(CLIENTS)]
    rt.engine.dispose()
    return tokens


def _body(employees: int) -> dict[str, Any]:
    return {"unit": unit(employees=employees).model_dump(mode="json"), "occurred_on": ON}


def _client(base: str, i: int, token: str, sent: Sent, stop: threading.Event) -> None:
    """One client's loop: by turns a new command, the same again (its Idempotency-Key and body), a
    new one with If-Match (the last ETag it saw, or a stale one) and the first key with another
    body."""
    path = f"/unions/{UNIONS[i % 8]}/facts"
    etag: str | None = None
    first, body = "", _body(100)
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60) as http:
        for n in range(10_000):
            if stop.is_set():
                return
            turn, key = n % 4, first
            headers: dict[str, str] = {}
            if turn == 0:  # a new request
                first, body = f"c{i}-{n}", _body(100 + (i * 7 + n) % 50)
                key, sent_body = first, body
            elif turn == 1:  # the same request again
                sent_body = body
            elif turn == 2:  # a new one with If-Match: the last ETag seen, or one long stale
                key, sent_body = f"c{i}-{n}", _body(100 + (i * 7 + n) % 50)
                headers["If-Match"] = etag if n % 8 == 2 and etag is not None else '"1"'
            else:  # the first key with another request
                sent_body = _body(body["unit"]["employees"] + 1)
            headers["Idempotency-Key"] = key
            try:
                answer = http.post(path, json=sent_body, headers=headers)
            except httpx.TransportError:
                sent.note(key, None, [])
                return
            positions = [e["position"] for e in answer.json().get("events", [])] if answer.is_success else []
            etag = answer.headers.get("ETag", etag)
            sent.note(key, answer.status_code, positions)


def _load_and_kill(url: str, tokens: list[str]) -> Sent:
    sent = Sent()
    stop = threading.Event()
    with server_process(url) as (base, proc):
        threads = [threading.Thread(target=_client, args=(base, i, tokens[i], sent, stop)) for i in range(CLIENTS)]
        for t in threads:
            t.start()
        tick = threading.Event()
        while sent.accepted < KILL_AFTER and any(t.is_alive() for t in threads):
            tick.wait(0.005)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        stop.set()
        for t in threads:
            t.join()
    return sent


def _logged(url: str) -> dict[str, list[int]]:
    """The positions of the events written under each Idempotency-Key."""
    engine = make_engine(url)
    found: dict[str, list[int]] = {}
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text(
                    "SELECT idempotency_key, position FROM events WHERE idempotency_key IS NOT NULL ORDER BY position"
                )
            )
            for key, position in rows:
                found.setdefault(key, []).append(position)
    finally:
        engine.dispose()
    return found


def _check_log(sent: Sent, logged: dict[str, list[int]]) -> None:
    accepted = errors = 0
    for key, answers in sent.answers.items():
        good = [positions for status, positions in answers if status is not None and 200 <= status < 300]
        if good:
            accepted += 1
            assert key in logged, (key, answers)
            assert all(positions == logged[key] for positions in good), (key, answers, logged[key])
        elif all(status is not None for status, _ in answers):
            errors += 1
            assert key not in logged, (key, answers, logged[key])
    assert accepted >= KILL_AFTER // 2 and errors > 0, (accepted, errors)  # the load did both


def _cli(*args: str) -> str:
    done = CliRunner().invoke(cli, list(args))
    assert done.exit_code == 0, done.output
    return str(done.output)


@pytest.mark.slow
def test_every_accepted_command_survives_a_kill_and_nothing_else_is_written(db_url: str) -> None:
    tokens = _prepare(db_url)
    sent = _load_and_kill(db_url, tokens)
    assert any(status is None for answers in sent.answers.values() for status, _ in answers)  # died under load
    # Started again: what it answers for an accepted key is what it answered before the kill.
    with server_process(db_url) as (base, _proc):
        key, positions = next((k, a[0][1]) for k, a in sent.answers.items() if a[0][0] == 200)
        i, n = (int(part) for part in key[1:].split("-"))
        again = httpx.post(
            f"{base}/unions/{UNIONS[i % 8]}/facts",
            json=_body(100 + (i * 7 + n) % 50),
            headers={"Authorization": f"Bearer {tokens[i]}", "Idempotency-Key": key},
        )
        assert again.status_code == 200 and again.headers.get("Idempotent-Replayed") == "true", again.text
        assert [e["position"] for e in again.json()["events"]] == positions
    _check_log(sent, _logged(db_url))
    assert _cli("verify", "--database-url", db_url).startswith("ok:")
    _cli("rebuild", "--compare", "--database-url", db_url)
