"""What the request path remembers between requests, and when it stops trusting it (issue 21):
a token's check for `cache_seconds` on the store's clock (a revocation elsewhere, in another
process, is refused once they have passed; one through the same store at once), the tree's places
for good (a place never changes) but never an organisation not found (one registered since is
read at the next request), and a union's folded state until its stream moves on."""

from __future__ import annotations

import datetime as dt
from typing import Any

import anyio.to_thread
import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.tokens import TokenStore
from tests.e2e.conftest import Api, register_union, tree_runtime
from tests.unit.workflow_world import TODAY, unit
from workflow import service as service_module

T0 = dt.datetime(2026, 12, 2, 8, 0, 0)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> dt.datetime:
        return self.now


def test_a_token_revoked_elsewhere_is_refused_once_the_cache_seconds_have_passed(any_api: Api) -> None:
    clock = Clock()
    engine = any_api.rt.engine
    server = TokenStore(engine, now=clock, cache_seconds=5)
    elsewhere = TokenStore(engine, now=clock)  # another process's store, on the same database
    issued = elsewhere.issue("p-1", "staff", "U1", days=1)
    assert server.authenticate(issued.token) is not None
    elsewhere.revoke(issued.info.token_id)
    clock.now = T0 + dt.timedelta(seconds=4)
    assert server.remembered(issued.token) is not None  # still within the seconds configured
    assert server.authenticate(issued.token) is not None
    clock.now = T0 + dt.timedelta(seconds=5)
    assert server.remembered(issued.token) is None
    assert server.authenticate(issued.token) is None
    clock.now = T0 + dt.timedelta(seconds=6)
    assert server.authenticate(issued.token) is None  # a refusal is not remembered as a pass


def test_a_token_revoked_or_disabled_through_the_same_store_is_refused_at_once(any_api: Api) -> None:
    clock = Clock()
    tokens = TokenStore(any_api.rt.engine, now=clock, cache_seconds=60)
    one = tokens.issue("p-1", "staff", "U1", days=1)
    two = tokens.issue("p-2", "staff", "U1", days=1)
    assert tokens.authenticate(one.token) is not None and tokens.authenticate(two.token) is not None
    tokens.revoke(one.info.token_id)
    assert tokens.authenticate(one.token) is None
    with any_api.rt.engine.begin() as conn:
        tokens.revoke_person(conn, "p-2")
    assert tokens.authenticate(two.token) is None


def test_a_remembered_token_still_expires_on_time(any_api: Api) -> None:
    clock = Clock()
    tokens = TokenStore(any_api.rt.engine, now=clock, cache_seconds=60)
    issued = tokens.issue("p-1", "staff", "U1", days=1)
    clock.now = T0 + dt.timedelta(days=1) - dt.timedelta(seconds=1)
    assert tokens.authenticate(issued.token) is not None
    clock.now = T0 + dt.timedelta(days=1)
    assert tokens.remembered(issued.token) is None
    assert tokens.authenticate(issued.token) is None


def test_a_cache_of_zero_seconds_reads_the_database_every_time(any_api: Api) -> None:
    clock = Clock()
    tokens = TokenStore(any_api.rt.engine, now=clock, cache_seconds=0)
    issued = tokens.issue("p-1", "staff", "U1", days=1)
    assert tokens.authenticate(issued.token) is not None
    assert tokens.remembered(issued.token) is None
    TokenStore(any_api.rt.engine, now=clock).revoke(issued.info.token_id)
    assert tokens.authenticate(issued.token) is None


def test_the_server_refuses_a_revoked_token_over_http(any_api: Api) -> None:
    headers = any_api.staff()
    assert any_api.client.get("/unions/U1", headers=headers).status_code == 200
    token_id = next(t.token_id for t in any_api.rt.tokens.list() if t.person_id == "staff-U1")
    any_api.rt.tokens.revoke(token_id)
    assert any_api.client.get("/unions/U1", headers=headers).status_code == 401


def test_a_union_registered_after_a_404_is_readable_at_the_next_request(any_api: Api) -> None:
    approver = any_api.approver()
    assert any_api.client.get("/unions/U7", headers=approver).status_code == 404
    register_union(any_api.rt, "U7", "U7 工会")
    answer = any_api.client.get("/unions/U7", headers=approver)
    assert answer.status_code == 200, answer.text
    assert answer.json()["org_id"] == "U7"


def test_a_union_read_again_after_a_command_shows_the_command(any_api: Api) -> None:
    staff = any_api.staff()
    before = any_api.client.get("/unions/U1", headers=staff)
    again = any_api.client.get("/unions/U1", headers=staff)
    assert again.json() == before.json()
    facts = {"unit": unit().model_dump(mode="json") | {"employees": 321}, "occurred_on": TODAY.isoformat()}
    written = any_api.post("/unions/U1/facts", facts, staff)
    assert written.status_code == 200, written.text
    after = any_api.client.get("/unions/U1", headers=staff)
    assert after.headers["ETag"] == written.headers["ETag"] != before.headers["ETag"]
    assert after.json()["unit"]["employees"] == 321


def test_a_union_unchanged_since_the_last_read_is_not_folded_again(
    any_api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    folds: list[str] = []
    real = service_module.fold

    def counted(org_id: str, records: Any) -> Any:
        folds.append(org_id)
        return real(org_id, records)

    monkeypatch.setattr(service_module, "fold", counted)
    staff = any_api.staff()
    for _ in range(3):
        assert any_api.client.get("/unions/U1", headers=staff).status_code == 200
    assert folds == ["U1"]


def _pool_size(client: TestClient) -> int:
    async def tokens() -> int:
        return int(anyio.to_thread.current_default_thread_limiter().total_tokens)

    return int(client.portal.call(tokens))


def test_the_route_threads_setting_sizes_the_servers_thread_pool(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    rt = tree_runtime(sqlite_url)
    try:
        with TestClient(create_app(rt)) as client:
            assert _pool_size(client) == 16  # the default, below the PostgreSQL pool's 20 connections
        monkeypatch.setenv("UNIONFLOW_ROUTE_THREADS", "3")
        with TestClient(create_app(rt)) as client:
            assert _pool_size(client) == 3
            assert client.get("/health").status_code == 200
        monkeypatch.setenv("UNIONFLOW_ROUTE_THREADS", "0")
        with pytest.raises(ValueError, match="route_threads"):
            create_app(rt)
    finally:
        rt.engine.dispose()
