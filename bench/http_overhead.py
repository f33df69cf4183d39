"""What the HTTP layer costs around a request, without a server, a network or other clients: the
ASGI app (`create_app`, every middleware, the routing, the dependencies, the body's validation,
the response, the log line) called directly from one event loop, one request at a time, on the
workflow tests' tree in a SQLite file, against the same work done in-process. The CPU of the whole
process (every thread: the loop's and the pool's) is measured per request.

    .venv/bin/python -m bench.http_overhead                      # every workload
    .venv/bin/python -m bench.http_overhead --workloads facts --stub --requests 3000
    .venv/bin/python -m bench.http_overhead --workloads facts --profile /tmp/facts.prof

`--stub` replaces the workflow service's `execute` by one answering a result made beforehand, so a
command's figure is the HTTP layer's alone (the in-process line is then that stub's cost). The
uvicorn side (parsing the request, writing the answer) is not in these figures: see
`bench.bench_http` and `bench.profile_http` for the real server."""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import logging
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from api.logs import configure_logging
from api.main import create_app
from api.runtime import Runtime
from tests.e2e.conftest import tree_runtime
from tests.unit.workflow_world import COUNTY, TODAY, unit
from workflow import commands as c
from workflow.authority import Actor

Call = tuple[str, str, bytes, list[tuple[bytes, bytes]]]


async def call(app: Any, method: str, path: str, body: bytes, headers: list[tuple[bytes, bytes]]) -> int:
    """One request through the ASGI app; its status."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"bench"), *headers, (b"content-length", str(len(body)).encode())],
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 8000),
    }
    sent = False
    status = 0

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            await asyncio.sleep(3600)
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope, receive, send)
    return status


def facts_command(n: int) -> c.UpdateUnitFacts:
    return c.UpdateUnitFacts(union_id="U1", unit=unit(employees=200, members=50 + n % 100), occurred_on=TODAY)


def workloads(rt: Runtime) -> dict[str, Callable[[int], Call]]:
    staff = rt.tokens.issue("staff-U1", "staff", "U1", days=30).token
    approver = rt.tokens.issue("approver-JA", "approver", COUNTY, days=30).token

    def auth(token: str) -> list[tuple[bytes, bytes]]:
        return [(b"authorization", f"Bearer {token}".encode()), (b"content-type", b"application/json")]

    def facts(n: int) -> Call:
        body = {"unit": facts_command(n).unit.model_dump(mode="json"), "occurred_on": TODAY.isoformat()}
        return "POST", "/unions/U1/facts", json.dumps(body).encode(), auth(staff)

    return {
        "facts": facts,
        "union": lambda n: ("GET", "/unions/U1", b"", auth(staff)),
        "inbox": lambda n: ("GET", "/inbox", b"", auth(approver)),
    }


def stub_execute(rt: Runtime) -> None:
    """The service's `execute` answering one result made beforehand (see the module's docstring)."""
    result = rt.service.execute(facts_command(-1), Actor(person_id="staff-U1", role="staff", org_id="U1"))
    rt.service.execute = lambda *args, **kwargs: result  # type: ignore[method-assign]


async def measure(app: Any, make: Callable[[int], Call], requests: int, batches: int = 40) -> float:
    """CPU seconds per request (the whole process), after a warm-up of 50: the least of `batches`
    batches, as other work on the machine only ever adds to a batch's figure."""
    for n in range(50):
        status = await call(app, *make(n))
        assert status < 300, status
    size = max(1, requests // batches)
    best = float("inf")
    for b in range(batches):
        prepared = [make(b * size + n) for n in range(size)]
        started = time.process_time()
        for one in prepared:
            await call(app, *one)
        best = min(best, (time.process_time() - started) / size)
    return best


def in_process(rt: Runtime, requests: int) -> float:
    actor = Actor(person_id="staff-U1", role="staff", org_id="U1")
    commands = [facts_command(n) for n in range(requests)]
    started = time.process_time()
    for command in commands:
        rt.service.execute(command, actor)
    return (time.process_time() - started) / requests


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workloads", default="facts,union,inbox")
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--stub", action="store_true", help="commands answered by a stub (the HTTP layer alone)")
    parser.add_argument("--profile", type=Path, help="profile the timed requests into this file (pstats)")
    args = parser.parse_args()
    configure_logging()
    logging.getLogger("unionflow").handlers[0].stream = open("/dev/null", "w")  # noqa: SIM115
    with tempfile.TemporaryDirectory() as tmp:
        rt = tree_runtime(f"sqlite:///{tmp}/overhead.db")
        made = workloads(rt)
        if args.stub:
            stub_execute(rt)
        app = create_app(rt)
        profile = cProfile.Profile(time.thread_time) if args.profile else None  # the loop's thread
        for name in args.workloads.split(","):
            if profile:
                profile.enable()
            cpu = asyncio.run(measure(app, made[name], args.requests))
            if profile:
                profile.disable()
            print(f"{name}: {cpu * 1e6:,.0f} µs of CPU per request through the app")
        if "facts" in args.workloads:
            print(f"facts in-process: {in_process(rt, args.requests) * 1e6:,.0f} µs per command")
        if profile:
            profile.dump_stats(str(args.profile))
        rt.engine.dispose()


if __name__ == "__main__":
    main()
