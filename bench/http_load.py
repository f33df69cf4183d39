"""`bench_http`'s load and meters: clients sending requests one after another over a keep-alive
connection each (as a person's browser or script does), for a fixed time; the latency of every
request; and the CPU time that processes spent meanwhile, read from `/proc/<pid>/stat` (the server
and its worker processes; on PostgreSQL, the database's backends too)."""

from __future__ import annotations

import asyncio
import itertools
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.http_client import ClientError, KeepAlive
from bench.support import percentile

# (method, path, JSON body or None) for a client's n-th request
Request = tuple[str, str, Any]
MakeRequest = Callable[[int], Request]

_TICKS = os.sysconf("SC_CLK_TCK")


def process_cpu(pid: int) -> float | None:
    """User and system CPU seconds of `pid`, with those of its children it has waited for; None
    once it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    # The fields after the command name (which may hold spaces), from the state (field 3) on:
    # utime, stime, cutime and cstime are fields 14 to 17.
    fields = text[text.rindex(")") + 2 :].split()
    return sum(int(f) for f in fields[11:15]) / _TICKS


def process_tree(root: int) -> list[int]:
    """`root` and every process below it (uvicorn's worker processes, their helpers)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            text = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(text[text.rindex(")") + 2 :].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, ()))
    return found


class CpuMeter:
    """CPU seconds spent by a changing set of processes between `start` and `stop`: a process
    that appears meanwhile counts from its start; one that ends meanwhile is lost (on PostgreSQL a
    pooled connection closed during a cell, which the figures then understate)."""

    def __init__(self, pids: Callable[[], Iterable[int]], on_start: Callable[[], None] | None = None) -> None:
        self.pids = pids
        self.on_start = on_start
        self.before: dict[int, float] = {}

    def start(self) -> None:
        if self.on_start is not None:
            self.on_start()
        self.before = {pid: cpu for pid in self.pids() if (cpu := process_cpu(pid)) is not None}

    def stop(self) -> float:
        spent = 0.0
        for pid in set(self.pids()) | set(self.before):
            now = process_cpu(pid)
            if now is not None:
                spent += now - self.before.get(pid, 0.0)
        return spent

    def figures(self) -> dict[str, Any]:
        """What else the meter counted between `start` and `stop`, for the report."""
        return {}


@dataclass
class Cell:
    """One workload at one number of clients."""

    workload: str
    clients: int
    seconds: float
    latencies: list[float]
    statuses: Counter[str]
    server_cpu: float
    db_cpu: float | None
    client_cpu: float
    first_error: str | None = None
    db_figures: dict[str, Any] = field(default_factory=dict)
    ok: int = field(init=False)
    errors: int = field(init=False)

    def __post_init__(self) -> None:
        self.ok = sum(n for status, n in self.statuses.items() if status.isdigit() and int(status) < 400)
        self.errors = sum(self.statuses.values()) - self.ok

    @property
    def requests(self) -> int:
        return self.ok + self.errors

    @property
    def rate(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    def per_request(self, seconds: float | None) -> float | None:
        """Seconds of CPU per request answered (errors included: they cost work too)."""
        return seconds / self.requests if seconds is not None and self.requests else None

    def as_json(self) -> dict[str, Any]:
        lat = self.latencies or [0.0]
        return {
            "workload": self.workload,
            "clients": self.clients,
            "requests": self.requests,
            "errors": self.errors,
            "statuses": dict(self.statuses),
            "first_error": self.first_error,
            "seconds": self.seconds,
            "rate": self.rate,
            "p50_ms": percentile(lat, 0.50) * 1e3,
            "p99_ms": percentile(lat, 0.99) * 1e3,
            "server_cpu_ms": _ms(self.per_request(self.server_cpu)),
            "db_cpu_ms": _ms(self.per_request(self.db_cpu)),
            "client_cpu_ms": _ms(self.per_request(self.client_cpu)),
            **self.db_figures,
        }


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else seconds * 1e3


@dataclass(frozen=True)
class Load:
    """What a cell runs: per client, its token and how it makes its n-th request."""

    workload: str
    clients: list[tuple[str, MakeRequest]]


@dataclass
class _Tally:
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    first_error: str | None = None

    def record(self, started: float, status: str, detail: str) -> None:
        self.latencies.append(time.perf_counter() - started)
        self.statuses[status] += 1
        if self.first_error is None and not (status.isdigit() and int(status) < 400):
            self.first_error = f"{status}: {detail[:300]}"


async def _send(http: KeepAlive, request: Request, tally: _Tally | None) -> None:
    method, path, body = request
    started = time.perf_counter()
    try:
        code, answer = await http.request(method, path, body)
        status, detail = str(code), answer.decode("utf-8", "replace")
    except ClientError as exc:
        status, detail = type(exc).__name__, str(exc)
    if tally is not None:
        tally.record(started, status, detail)


async def _client(http: KeepAlive, make: MakeRequest, numbers: Iterator[int], deadline: float, tally: _Tally) -> None:
    """Requests one after another until the deadline; at least one, so that every client is
    measured even when it starts late (a loaded machine, a short cell)."""
    await _send(http, make(next(numbers)), tally)
    while time.perf_counter() < deadline:
        await _send(http, make(next(numbers)), tally)


async def run_cell(base_url: str, load: Load, duration: float, server: CpuMeter, db: CpuMeter | None) -> Cell:
    """Every client sends one request to open its connection and warm the server's caches (not
    counted), then requests one after another for `duration` seconds; the cell ends when the
    last answer is in."""
    tally = _Tally()
    async with AsyncExitStack() as stack:
        https = [
            await stack.enter_async_context(KeepAlive(base_url, {"Authorization": f"Bearer {token}"}))
            for token, _make in load.clients
        ]
        numbers = [itertools.count() for _ in load.clients]
        warm = _Tally()
        await asyncio.gather(
            *(_send(h, make(next(n)), warm) for h, (_t, make), n in zip(https, load.clients, numbers, strict=True))
        )
        server.start()
        if db is not None:
            db.start()
        client_cpu, started = time.process_time(), time.perf_counter()
        deadline = started + duration
        await asyncio.gather(
            *(
                _client(h, make, n, deadline, tally)
                for h, (_t, make), n in zip(https, load.clients, numbers, strict=True)
            )
        )
        seconds = time.perf_counter() - started
        client_spent = time.process_time() - client_cpu
        server_spent = server.stop()
        db_spent = db.stop() if db is not None else None
    return Cell(
        load.workload,
        len(load.clients),
        seconds,
        tally.latencies,
        tally.statuses + Counter({f"warm-up {k}": v for k, v in warm.statuses.items() if not k.startswith("2")}),
        server_spent,
        db_spent,
        client_spent,
        tally.first_error or warm.first_error,
        db.figures() if db is not None else {},
    )


def run(base_url: str, load: Load, duration: float, server: CpuMeter, db: CpuMeter | None) -> Cell:
    """`run_cell` on its own event loop: uvloop's when installed (uvicorn[standard] installs it),
    so that the clients take less of the CPU the server shares with them."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(run_cell(base_url, load, duration, server, db))
    return uvloop.run(run_cell(base_url, load, duration, server, db))
