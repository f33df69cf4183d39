"""HTTP load on the real server: `unionflow serve` in its own process, on loopback, against the
app's own demo database (`unionflow demo`), driven by 1, 8 and 32 concurrent clients, each with a
keep-alive connection and tokens of its own issued through the app's token store.

    .venv/bin/python -m bench.bench_http                               # SQLite and PostgreSQL
    .venv/bin/python -m bench.bench_http --backend sqlite --duration 10 --json /tmp/http.json
    .venv/bin/python -m bench.bench_http --workers 2 --clients 8,32
    .venv/bin/python -m bench.bench_http --quick                       # a smoke run of a few seconds
    .venv/bin/python -m bench.bench_http --baseline /tmp/before.json   # beside a run of another commit

Workloads (each a cell per number of clients, for `--duration` seconds after one warm-up request
per client): a command every client may send again and again (its union's unit facts, `POST
/unions/{id}/facts`, as the union's staff), and three reads: `GET /alerts` and `GET /inbox` as the
approver of the organisation above the client's union, `GET /unions/{id}` as its staff. Reported
per cell: requests answered per second, p50 and p99 latency, errors (any answer other than 2xx, or
no answer), and CPU time per request of the server's processes, of the PostgreSQL backends, and of
this benchmark's own clients (which share the machine's cores with the server).

Beside them, in the same run, the in-process rate of the same command: `WorkflowService.execute`
called directly, one thread, round robin over the unions the command cell at `--ratio-clients`
clients uses, on a copy of the same database made before the server's first request.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import signal
import sys
import time
from pathlib import Path
from typing import Any

from api.runtime import Runtime
from bench.http_load import CpuMeter, Load, process_tree, run
from bench.http_report import WORKLOAD_LABELS as WORKLOADS
from bench.http_report import markdown
from bench.http_setup import Client, Demo, PostgresMeter, demo_database
from bench.support import percentile
from tests.e2e.processes import server_process
from workflow import commands as c

PG_URL = os.environ.get(
    "UNIONFLOW_BENCH_HTTP_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/unionflow_bench_http"
)


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def facts_body(client: Client, n: int, today: dt.date) -> dict[str, Any]:
    return {"unit": client.facts(n).model_dump(mode="json"), "occurred_on": today.isoformat()}


def load_for(demo: Demo, workload: str, clients: int) -> Load:
    """Each client's token and requests for `workload`."""

    def facts(client: Client) -> tuple[str, Any]:
        path = f"/unions/{client.union_id}/facts"
        return client.staff_token, lambda n: ("POST", path, facts_body(client, n, demo.today))

    def read(token: str, path: str) -> tuple[str, Any]:
        return token, lambda n: ("GET", path, None)

    if workload == "facts":
        return Load(workload, [facts(cl) for cl in demo.commands[:clients]])
    if workload == "union":
        return Load(workload, [read(cl.staff_token, f"/unions/{cl.union_id}") for cl in demo.reads[:clients]])
    path = {"alerts": "/alerts", "inbox": "/inbox"}[workload]
    return Load(workload, [read(cl.approver_token, path) for cl in demo.reads[:clients]])


def in_process(demo: Demo, clients: int, duration: float) -> dict[str, Any]:
    """The same command through `WorkflowService.execute` on the copy, one thread, round robin over
    the first `clients` command unions, for `duration` seconds (after one untimed command each)."""
    rt = Runtime.open(demo.copy_url)
    try:
        unions = demo.commands[:clients]

        def command(client: Client, n: int) -> c.UpdateUnitFacts:
            return c.UpdateUnitFacts(union_id=client.union_id, unit=client.facts(n), occurred_on=demo.today)

        for client in unions:
            rt.service.execute(command(client, 0), client.staff)
        latencies: list[float] = []
        n = 1
        cpu, started = time.process_time(), time.perf_counter()
        deadline = started + duration
        while (now := time.perf_counter()) < deadline:
            client = unions[n % len(unions)]
            rt.service.execute(command(client, n // len(unions) + 1), client.staff)
            latencies.append(time.perf_counter() - now)
            n += 1
        seconds, spent = time.perf_counter() - started, time.process_time() - cpu
    finally:
        rt.engine.dispose()
    done = len(latencies)
    return {
        "workload": "facts",
        "unions": len(unions),
        "requests": done,
        "rate": done / seconds,
        "p50_ms": percentile(latencies, 0.50) * 1e3,
        "p99_ms": percentile(latencies, 0.99) * 1e3,
        "cpu_ms": spent / done * 1e3,
    }


def run_backend(backend: str, args: argparse.Namespace) -> dict[str, Any]:
    most = max(args.clients)
    with demo_database(backend, args.pg_url, args.unions, most, keep=args.keep) as demo:
        if demo.shared:
            _log(f"the demo has fewer suitable unions than {most} clients: some clients share a union")
        _log(f"{backend}: in-process, {args.ratio_clients} unions, {args.duration:g} s")
        inproc = in_process(demo, args.ratio_clients, args.duration)
        cells = []
        with server_process(demo.url, workers=args.workers, command=_profiled(args)) as (base, proc):
            # Under the profiler, what it gathered before the first timed request is dropped.
            restart = (lambda: os.kill(proc.pid, signal.SIGUSR1)) if args.profile else None
            server = CpuMeter(lambda: process_tree(proc.pid), restart)
            db = PostgresMeter(demo.url) if backend == "postgres" else None
            for workload in args.workloads:
                for clients in args.clients:
                    _log(f"{backend}: {WORKLOADS[workload]}, {clients} clients, {args.duration:g} s")
                    cell = run(base, load_for(demo, workload, clients), args.duration, server, db)
                    cells.append(cell.as_json())
        return {
            "demo_unions": demo.unions,
            "shared_unions": demo.shared,
            "in_process": inproc,
            "cells": cells,
        }


def _profiled(args: argparse.Namespace) -> list[str] | None:
    """`bench.profile_http`'s launcher for the server, or None to run `unionflow serve` itself."""
    if args.profile is None:
        return None
    return [sys.executable, "-m", "bench.profiled_server", "--out", str(args.profile), "--timer", args.profile_timer]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--clients", default="1,8,32", help="concurrent clients per cell, comma-separated")
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per cell (default 5)")
    parser.add_argument("--workers", type=int, default=1, help="`unionflow serve --workers` (default 1)")
    parser.add_argument("--workloads", default=",".join(WORKLOADS), help=f"of {', '.join(WORKLOADS)}")
    parser.add_argument("--unions", type=int, default=300, help="`unionflow demo --unions` (default 300)")
    parser.add_argument(
        "--ratio-clients", type=int, help="clients of the cell the in-process rate stands beside (default: 8)"
    )
    parser.add_argument("--quick", action="store_true", help="a smoke run: a small demo and short cells")
    parser.add_argument("--pg-url", default=PG_URL, help="a database of its own: dropped and created again")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--baseline", type=Path, help="a --json file of another run, to show each rate beside it")
    parser.add_argument("--keep", action="store_true", help="keep the demo databases")
    # bench.profile_http's: the server under cProfile, its stats written here
    parser.add_argument("--profile", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--profile-timer", choices=("cpu", "wall"), default="cpu", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.clients = sorted({int(n) for n in args.clients.split(",")})
    args.workloads = [w for w in args.workloads.split(",") if w]
    unknown = set(args.workloads) - set(WORKLOADS)
    if unknown or min(args.clients) < 1:
        parser.error(f"unknown workloads {sorted(unknown)}" if unknown else "--clients: at least 1")
    if args.quick:
        args.duration = min(args.duration, 0.1)
        args.unions = min(args.unions, 80)
    if args.ratio_clients is None:
        args.ratio_clients = 8 if 8 in args.clients else max(args.clients)
    return args


def measure(args: argparse.Namespace) -> dict[str, Any]:
    """Every backend's cells and in-process rate, with the run's settings and machine."""
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    result: dict[str, Any] = {
        "started": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "load_before": os.getloadavg()},
        "settings": {
            "clients": args.clients,
            "duration": args.duration,
            "workers": args.workers,
            "unions": args.unions,
            "ratio_clients": args.ratio_clients,
            "workloads": {w: WORKLOADS[w] for w in args.workloads},
        },
        "backends": {},
    }
    for backend in backends:
        result["backends"][backend] = run_backend(backend, args)
    result["machine"]["load_after"] = os.getloadavg()
    return result


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    result = measure(args)
    baseline = json.loads(args.baseline.read_text()) if args.baseline else None
    print(markdown(result, baseline))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
