"""A real uvicorn server on a loopback port, driven with httpx: the app as deployed, not only
through the ASGI test client."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import httpx
import pytest
import uvicorn

from api.app import create_app
from tests.e2e.conftest import Api, request_body


class _Server(uvicorn.Server):
    """Signals when it is listening (no sleeping and hoping)."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.listening = threading.Event()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        self.listening.set()


@pytest.fixture
def base_url(api: Api) -> Iterator[str]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))  # a free port, held from here on: no race with another process
    port = sock.getsockname()[1]
    server = _Server(uvicorn.Config(create_app(api.rt), log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        assert server.listening.wait(timeout=15), "uvicorn did not start"
        assert server.started
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        sock.close()


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
