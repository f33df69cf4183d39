"""A real uvicorn server on a loopback port, driven with httpx: the app as deployed, not only
through the ASGI test client."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from api.main import create_app
from tests.e2e.conftest import Api, founding_steps, on, request_body
from tests.e2e.serving import served


@pytest.fixture
def base_url(api: Api) -> Iterator[str]:
    with served(create_app(api.rt)) as (url, server):
        assert server.started
        yield url


def test_a_real_server_answers_health_commands_and_problems(api: Api, base_url: str) -> None:
    with httpx.Client(base_url=base_url, timeout=10) as http:
        health = http.get("/health")
        assert health.status_code == 200
        assert health.headers["x-request-id"]
        opened = http.post("/unions/U1/procedures/founding", json=request_body(), headers=api.staff())
        assert opened.status_code == 201, opened.text
        pid = opened.json()["procedure_id"]
        read = http.get(f"/procedures/{pid}", headers=api.approver())
        assert read.json()["state"] == "requested"
        assert read.headers["etag"] == opened.headers["etag"]
        unauthenticated = http.get(f"/procedures/{pid}")
        assert unauthenticated.status_code == 401
        assert unauthenticated.headers["content-type"].startswith("application/problem+json")


def test_the_three_users_main_paths_over_a_real_server(api: Api, base_url: str) -> None:
    """Over a real socket: staff found U1 from request to approval, the approver works the inbox,
    the auditor replays the history, asks for the state as of an earlier date and verifies the chain."""
    staff, approver, auditor = api.staff(), api.approver(), api.auth("auditor", "JA")
    with httpx.Client(base_url=base_url, timeout=10) as http:
        opened = http.post("/unions/U1/procedures/founding", json=request_body(), headers=staff)
        assert opened.status_code == 201, opened.text
        pid = opened.json()["procedure_id"]
        for who, step, body in founding_steps():
            if who == "approver":
                # The approver finds the filing in the inbox, oldest first, and decides it there.
                inbox = http.get("/inbox", headers=approver)
                assert inbox.status_code == 200, inbox.text
                waiting = [item["procedure_id"] for item in inbox.json()["items"]]
                assert waiting == [pid], waiting
                headers = approver
            else:
                headers = staff
            r = http.post(f"/procedures/{pid}/steps/{step}", json=body, headers=headers)
            assert r.status_code == 200, f"{step}: {r.text}"
        assert http.get("/inbox", headers=approver).json()["items"] == []
        assert http.get(f"/procedures/{pid}", headers=staff).json()["state"] == "founded"

        history = http.get(f"/procedures/{pid}/history", headers=auditor)
        assert history.status_code == 200, history.text
        events = history.json()["items"]
        assert events[0]["event_type"] == "FoundingRequested" and events[-1]["event_type"] == "ResultsApproved"
        assert {(e["actor_id"], e["role"]) for e in events if e["event_type"] == "ResultsApproved"} == {
            ("approver-JA", "approver")
        }
        then = http.get(f"/procedures/{pid}", params={"as_of": on("candidates_posted")}, headers=auditor)
        assert then.status_code == 200 and then.json()["state"] == "candidates_posted"
        verified = http.get("/audit/verify", params={"org": "U1"}, headers=auditor)
        assert verified.status_code == 200 and verified.json()["ok"] is True, verified.text
        refused = http.post(
            f"/procedures/{pid}/steps/withdraw", json={"reason": "核查", "occurred_on": on("founded")}, headers=auditor
        )
        assert refused.status_code == 403 and refused.json()["rule"] == "AUTH-ROLE"  # auditors write nothing
