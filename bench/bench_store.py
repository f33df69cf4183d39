"""Event store throughput on SQLite and PostgreSQL, side by side with the `eventsourcing` library.

    .venv/bin/python -m bench.bench_store --events 20000

Workloads, each through the store's public API with hashing on (see bench/README.md):
- single append: one event per `append`, i.e. one transaction each, to streams of 10 events
  (a union procedure's worth), with per-call latency percentiles;
- batched append: `--batch` events per `append`, one new stream each;
- read: the whole log (both workloads' events) in position order through `read_all`, decoded to
  event objects;
- the single-append workload through `eventsourcing` (its own SQLite / PostgreSQL persistence
  modules) on the same kind of database, and the ratio.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sqlite3
import sys
import time
import uuid
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, replace
from functools import cache
from importlib import metadata as dist_metadata
from typing import Any, ClassVar

import sqlalchemy as sa

from bench.support import percentile, postgres_pair, sqlite_pair
from events import DomainEvent, EventMetadata, EventRegistry, EventStore, NewEvent, make_engine, migrate

PG_BASE = os.environ.get("UNIONFLOW_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/unionflow_bench")
STREAM_LENGTH = 10
OCCURRED = dt.date(2025, 3, 1)

# The targets on the reference machine (2 cores).
TARGETS: dict[str, dict[str, float]] = {
    "sqlite": {"single": 2_000, "read": 200_000},
    "postgres": {"single": 1_000},
}

registry = EventRegistry()


@registry.register
class MemberNominated(DomainEvent):
    """A typical small event: a candidate put forward for the union committee."""

    event_type: ClassVar[str] = "MemberNominated"
    union_id: str
    member_id: str
    name: str
    position: str
    votes: int
    note: str


def make_event(i: int) -> MemberNominated:
    return MemberNominated(
        union_id=f"U{i // STREAM_LENGTH:08d}",
        member_id=f"M{i:08d}",
        name="张三",
        position="委员",
        votes=i % 97,
        note="经会员代表大会推选产生候选人",
    )


def make_metadata() -> EventMetadata:
    """Who did it: a new command (and so a new command id) for every append, as in real use."""
    command = str(uuid.uuid4())
    return EventMetadata(
        actor_id="staff-0042",
        role="union_staff",
        acting_org="ORG-310101",
        command_id=command,
        correlation_id=command,
        causation_id=command,
    )


@dataclass
class Row:
    backend: str
    workload: str
    rate: float  # per second
    unit: str
    p50_ms: float | None = None
    p99_ms: float | None = None
    target: float | None = None
    note: str = ""

    @classmethod
    def of_appends(
        cls, backend: str, workload: str, rate: float, latencies: list[float], target: float | None = None
    ) -> Row:
        """Appends per second, with the median and 99th percentile of their latencies."""
        p50, p99 = percentile(latencies, 0.5) * 1e3, percentile(latencies, 0.99) * 1e3
        return cls(backend, workload, rate, "appends/s", p50, p99, target)


# ---------------------------------------------------------------- workloads


def bench_single(store: EventStore, n: int, prefix: str) -> tuple[float, list[float]]:
    latencies: list[float] = []
    perf = time.perf_counter
    start = perf()
    for i in range(n):
        events = [NewEvent(make_event(i), OCCURRED)]
        meta = make_metadata()
        t0 = perf()
        store.append(f"{prefix}-{i // STREAM_LENGTH}", events, expected_version=i % STREAM_LENGTH, metadata=meta)
        latencies.append(perf() - t0)
    return n / (perf() - start), latencies


def bench_batched(store: EventStore, n: int, batch: int, prefix: str) -> float:
    perf = time.perf_counter
    start = perf()
    for b in range(0, n, batch):
        events = [NewEvent(make_event(i), OCCURRED) for i in range(b, min(n, b + batch))]
        store.append(f"{prefix}-{b // batch}", events, expected_version=0, metadata=make_metadata())
    return n / (perf() - start)


def bench_read(store: EventStore) -> tuple[float, int]:
    perf = time.perf_counter
    start = perf()
    count = 0
    for _ in store.read_all():
        count += 1
    return count / (perf() - start), count


# ---------------------------------------------------------------- eventsourcing


def require_psycopg_pool() -> None:
    """eventsourcing.postgres needs psycopg_pool, which the `bench` extra installs."""
    try:
        import psycopg_pool  # noqa: F401
    except ImportError as exc:
        raise SystemExit("eventsourcing.postgres needs psycopg_pool: .venv/bin/pip install -e '.[bench]'") from exc


@cache
def eventsourcing_classes() -> tuple[type[Any], type[Any]]:
    """The aggregate and application, defined once (eventsourcing registers classes by name)."""
    from eventsourcing.application import Application
    from eventsourcing.domain import Aggregate, event

    class Union(Aggregate):
        @event("Created")
        def __init__(self, union_id: str) -> None:
            self.union_id = union_id

        @event("MemberNominated")
        def nominate(self, member_id: str, name: str, position: str, votes: int, note: str) -> None:
            pass

    class Unions(Application[Any]):
        pass

    return Union, Unions


def bench_eventsourcing(env: dict[str, str], n: int) -> tuple[float, list[float]]:
    """The single-append workload through eventsourcing's Application: aggregates of 10 events,
    each event saved on its own (one transaction each). Returns the rate and the latencies."""
    if env["PERSISTENCE_MODULE"] == "eventsourcing.postgres":
        require_psycopg_pool()
    Union, Unions = eventsourcing_classes()
    app = Unions(env=env)
    perf = time.perf_counter
    latencies: list[float] = []
    union: Any = None
    start = perf()
    try:
        for i in range(n):
            ev = make_event(i)
            t0 = perf()
            if i % STREAM_LENGTH == 0:
                union = Union(ev.union_id)  # the aggregate's first event
            else:
                union.nominate(ev.member_id, ev.name, ev.position, ev.votes, ev.note)
            app.save(union)
            latencies.append(perf() - t0)
        return n / (perf() - start), latencies
    finally:
        app.close()


# ---------------------------------------------------------------- databases


# ---------------------------------------------------------------- running


def run_backend(
    name: str, url: str, es_env: dict[str, str], args: argparse.Namespace, log: Callable[[str], None]
) -> list[Row]:
    engine = make_engine(url)
    migrate.upgrade(engine)
    store = EventStore(engine, registry)
    targets = TARGETS.get(name, {})
    rows: list[Row] = []

    bench_single(store, 200, "warm-up")  # connections, statement caches, pydantic

    log(f"{name}: {args.events} single-event appends")
    single, lat = bench_single(store, args.events, "single")
    rows.append(Row.of_appends(name, "append, 1 event per transaction", single, lat, targets.get("single")))

    log(f"{name}: {args.events} events in appends of {args.batch}")
    rate = bench_batched(store, args.events, args.batch, "batch")
    rows.append(Row(name, f"append, {args.batch} events per transaction", rate, "events/s"))

    log(f"{name}: reading the whole log")
    rate, count = bench_read(store)
    rows.append(Row(name, f"read_all, {count:,} events decoded", rate, "events/s", target=targets.get("read")))

    report = store.verify()
    if not report.ok:
        raise SystemExit(f"{name}: verify failed after the benchmark: {report.broken}")
    engine.dispose()

    if not args.skip_eventsourcing:
        n = args.es_events or args.events
        log(f"{name}: {n} single-event saves through eventsourcing")
        es_rate, es_lat = bench_eventsourcing(es_env, n)
        rows.append(Row.of_appends(name, "eventsourcing: save, 1 event per transaction", es_rate, es_lat))
    return rows


def best_of(runs: list[list[Row]]) -> list[Row]:
    """Per workload, the run with the highest rate (the least disturbed by other load)."""
    best = [max(same, key=lambda r: r.rate) for same in zip(*runs, strict=True)]
    if len(best) == 4 and best[3].workload.startswith("eventsourcing"):
        best[3] = replace(best[3], note=f"unionflow / eventsourcing = {best[0].rate / best[3].rate:.2f}")
    return best


def print_table(rows: list[Row]) -> None:
    header = ("backend", "workload", "rate", "unit", "p50 ms", "p99 ms", "target", "")
    body = [
        (
            r.backend,
            r.workload,
            f"{r.rate:,.0f}",
            r.unit,
            "" if r.p50_ms is None else f"{r.p50_ms:.3f}",
            "" if r.p99_ms is None else f"{r.p99_ms:.3f}",
            "" if r.target is None else f">= {r.target:,.0f} {'ok' if r.rate >= r.target else 'MISSED'}",
            r.note,
        )
        for r in rows
    ]
    widths = [max(len(h), *(len(b[i]) for b in body)) for i, h in enumerate(header)]
    right = {2, 4, 5}

    def fmt(cells: tuple[str, ...]) -> str:
        return "  ".join(
            c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    print(fmt(header))
    print("  ".join("-" * w for w in widths))
    for b in body:
        print(fmt(b))


def describe_machine(backends: list[str]) -> str:
    parts = [
        f"Python {platform.python_version()}",
        f"SQLAlchemy {sa.__version__}",
        f"SQLite {sqlite3.sqlite_version}",
        f"{os.cpu_count()} CPUs",
        "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()),
    ]
    if "postgres" in backends:
        engine = make_engine(PG_BASE)
        try:
            with engine.connect() as conn:
                parts.insert(3, "PostgreSQL " + str(conn.exec_driver_sql("SHOW server_version").scalar()))
        finally:
            engine.dispose()
    with suppress(dist_metadata.PackageNotFoundError):
        parts.append(f"eventsourcing {dist_metadata.version('eventsourcing')}")
    return ", ".join(parts)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=20_000, help="events per workload (default 20000)")
    parser.add_argument("--batch", type=int, default=100, help="events per batched append (default 100)")
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--repeat", type=int, default=1, help="runs on fresh databases; the best is shown")
    parser.add_argument("--es-events", type=int, default=0, help="events for the eventsourcing run (default: --events)")
    parser.add_argument("--skip-eventsourcing", action="store_true", help="leave out the eventsourcing comparison")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL bench schemas")
    parser.add_argument("--quiet", action="store_true", help="print only the table")
    args = parser.parse_args(argv)

    def log(msg: str) -> None:
        if not args.quiet:
            print(f"... {msg}", file=sys.stderr, flush=True)

    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    before = describe_machine(backends)
    rows: list[Row] = []
    for backend in backends:
        runs = []
        for run in range(args.repeat):
            targets = sqlite_pair() if backend == "sqlite" else postgres_pair(PG_BASE, "bench", keep=args.keep)
            with targets as (url, env):
                log(f"{backend}: run {run + 1} of {args.repeat}")
                runs.append(run_backend(backend, url, env, args, log))
        best = best_of(runs)
        rows += best
    print(f"{before}; after: load average {'{:.2f} {:.2f} {:.2f}'.format(*os.getloadavg())}")
    print(f"{args.events:,} events per workload, best of {args.repeat} run(s) on fresh databases\n")
    print_table(rows)


if __name__ == "__main__":
    main()
