"""Read-side benchmark on SQLite: rebuilding every projection from zero, and the alerts query.

    .venv/bin/python -m bench.bench_projections                 # 100,000 unions, ~2 million events
    .venv/bin/python -m bench.bench_projections --unions 40000  # about one million events

1. A log is generated (bench.synthetic: realistic histories of `--unions` grassroots unions
   under a federation tree of 1 + 4 + 16 + 80 + 400 organisations, every procedure and accident the
   alerts are about) and written through the event store's `append_many` into a SQLite file, kept in
   `--dir` and reused by the next run with the same parameters (generating takes a few minutes).
2. Rebuild: `Projections(engine).rebuild()` of all projections, from an empty read side to the
   swapped-in tables with their indexes (written tables included), timed end to end; events/s is
   the log's length over that time. Memory: the processes' maximum resident size, and (second run,
   `--trace-memory`, slower) the peak of Python allocations (tracemalloc) in every replay process.
3. Alerts: `projections.alerts(engine, on=D, subtree=S, limit=100)` (the first page, as a
   dashboard asks for it) for `--queries` random dates between 2013 and 2028 and random subtrees
   (the whole country, a province, a city, a county, a township), then the second page through the
   cursor, and `alert_counts` (every alert of the subtree on that date, counted by kind); latency
   percentiles in ms.
4. The eventsourcing library's own fold, in the same run on the same machine (the `bench` extra):
   as many aggregates as unions, each with as many events as a union has on average, payloads of
   about the same size, saved once into its SQLite recorder (kept in `--dir`), then its whole log
   read in order, decoded and folded into the aggregates (no read model written), timed; its
   events/s is printed beside the rebuild's, with their ratio (`--no-es-fold` skips it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa

import projections
from bench import synthetic
from bench.synthetic import Shape, township_ids
from events import make_engine, migrate, schema
from projections import Projections

DEFAULT_DIR = Path(os.environ.get("UNIONFLOW_BENCH_DIR", "/tmp/unionflow-bench"))


def _log(quiet: bool) -> Callable[[str], None]:
    def log(message: str) -> None:
        if not quiet:
            print(message, file=sys.stderr, flush=True)

    return log


def build_log(path: Path, unions: int, seed: int, start: dt.date, log: Callable[[str], None]) -> sa.Engine:
    """The generated log in `path` (made if missing)."""
    done = path.with_suffix(".done")
    if path.exists() and done.exists():
        log(f"reusing {path}")
        return make_engine(f"sqlite:///{path}")
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(f"sqlite:///{path}")
    projections.register_migrations()
    migrate.upgrade(engine)
    log(f"generating {unions} unions into {path} ...")
    started = time.perf_counter()

    def progress(n: int) -> None:
        log(f"  {n:,} events written ({n / (time.perf_counter() - started):,.0f}/s)")

    written = synthetic.write_log(
        engine,
        synthetic.generate(unions, seed=seed, start=start),
        batch=50_000,
        on_batch=progress,
    )
    engine.dispose()  # checkpoints the WAL into the file
    done.write_text(f"{written}\n")
    log(f"generated {written:,} events in {time.perf_counter() - started:.0f}s")
    return make_engine(f"sqlite:///{path}")


def _rss_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def bench_rebuild(engine: sa.Engine, workers: int, log: Callable[[str], None]) -> dict[str, Any]:
    last = [0.0]

    def progress(p: projections.Progress) -> None:
        now = time.perf_counter()
        if now - last[0] > 5 or p.phase != "replay":
            last[0] = now
            log(f"  {p.phase}: {p.done:,}/{p.total:,}")

    cpu0 = os.times()
    report = Projections(engine, workers=workers).rebuild(progress=progress)
    cpu1 = os.times()
    cpu = (cpu1.user - cpu0.user) + (cpu1.system - cpu0.system)
    cpu += (cpu1.children_user - cpu0.children_user) + (cpu1.children_system - cpu0.children_system)
    return {
        "events": report.events,
        "seconds": round(report.seconds, 2),
        "events_per_s": round(report.events_per_second),
        "cpu_seconds": round(cpu, 1),
        "phases": {k: round(v, 2) for k, v in report.phases.items()},
        "rows": report.rows,
        "max_rss_mb_parent": round(_rss_mb(resource.RUSAGE_SELF)),
        "max_rss_mb_workers": round(_rss_mb(resource.RUSAGE_CHILDREN)),
    }


def bench_memory(engine: sa.Engine, workers: int) -> dict[str, Any]:
    report = Projections(engine, workers=workers, trace_memory=True).rebuild()
    return {"peak_python_mb": round((report.peak_memory or 0) / 2**20, 1), "seconds_traced": round(report.seconds, 1)}


def _percentiles(samples: list[float]) -> dict[str, float]:
    samples = sorted(samples)
    q = statistics.quantiles(samples, n=100, method="inclusive")
    return {"p50": round(q[49], 2), "p99": round(q[98], 2), "max": round(samples[-1], 2)}


def bench_alerts(engine: sa.Engine, queries: int, seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    towns = township_ids(Shape())
    subtrees: list[str | None] = [None]
    subtrees += sorted({t[:3] for t in towns}) + sorted({t[:7] for t in towns})
    subtrees += sorted({t[:11] for t in towns}) + towns
    first, second, counts = [], [], []
    found = 0
    with engine.connect() as conn:
        unions = conn.execute(sa.select(sa.func.count()).select_from(projections.schema.alert_facts)).scalar()
        for i in range(queries + 20):
            on = dt.date(2013, 1, 1) + dt.timedelta(days=rng.randrange(16 * 365))
            r = rng.random()
            subtree = (
                None
                if r < 0.2
                else rng.choice(subtrees[1:5])
                if r < 0.4
                else rng.choice(subtrees[5:21])
                if r < 0.6
                else rng.choice(subtrees[21:101])
                if r < 0.8
                else rng.choice(towns)
            )
            t = time.perf_counter()
            page = projections.alerts(conn, on, subtree, limit=100)
            t1 = time.perf_counter()
            if page.next_cursor is not None:
                projections.alerts(conn, on, subtree, limit=100, cursor=page.next_cursor)
            t2 = time.perf_counter()
            projections.alert_counts(conn, on, subtree)
            t3 = time.perf_counter()
            if i < 20:  # warm-up
                continue
            found += len(page.items)
            first.append((t1 - t) * 1000)
            if page.next_cursor is not None:
                second.append((t2 - t1) * 1000)
            counts.append((t3 - t2) * 1000)
    return {
        "unions": unions,
        "queries": queries,
        "avg_alerts_on_first_page": round(found / queries, 1),
        "first_page_ms": _percentiles(first),
        "second_page_ms": _percentiles(second) if len(second) > 1 else None,
        "counts_by_kind_ms": _percentiles(counts),
    }


def bench_eventsourcing_fold(
    folder: Path, aggregates: int, per_aggregate: int, log: Callable[[str], None], note_chars: int = 600
) -> dict[str, Any]:
    """eventsourcing's own fold of its whole log, no read model written (see the module docstring)."""
    from eventsourcing.application import Application

    from bench.es_union import Union

    path = folder / f"eventsourcing-{aggregates}-{per_aggregate}-{note_chars}.db"
    done = path.with_suffix(".done")
    app = Application[Any](env={"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(path)})
    if not done.exists():
        log(f"writing the eventsourcing log ({aggregates:,} aggregates x {per_aggregate} events) ...")
        rng = random.Random(1)
        text = "x" * note_chars  # 600: payloads of about the size of unionflow's (~1 KB of JSON)
        for i in range(aggregates):
            agg = Union(name=f"U{i}")
            for k in range(per_aggregate - 1):
                agg.step(
                    kind=f"Step{k % 12}",
                    on=f"2020-01-{1 + k % 28:02d}",
                    by=f"staff-U{i}",
                    payload={"n": rng.randint(1, 500), "names": ["赵", "钱", "孙"], "note": text},
                )
            app.save(agg)
        done.touch()
    # Its log in order, a page of notifications at a time, each decoded to its domain event and
    # folded into its aggregate (`mutate`), every aggregate kept in memory: eventsourcing's fastest
    # way through a whole log, with no read model written. (`repository.get` of each aggregate in
    # turn runs at about a third of this rate here.)
    recorder, to_event = app.recorder, app.mapper.to_domain_event
    started, cpu = time.perf_counter(), time.process_time()
    aggregates_by_id: dict[Any, Any] = {}
    n, start = 0, 1
    while True:
        page = recorder.select_notifications(start=start, limit=5000)
        if not page:
            break
        for note in page:
            agg_id = note.originator_id
            event: Any = to_event(note)
            aggregates_by_id[agg_id] = event.mutate(aggregates_by_id.get(agg_id))
        n += len(page)
        start = page[-1].id + 1
    seconds, cpu_s = time.perf_counter() - started, time.process_time() - cpu
    app.close()
    return {
        "events": n,
        "aggregates": len(aggregates_by_id),
        "seconds": round(seconds, 2),
        "events_per_s": round(n / seconds),
        "cpu_seconds": round(cpu_s, 1),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--unions", type=int, default=100_000, help="grassroots unions (default 100000)")
    parser.add_argument("--start", type=dt.date.fromisoformat, default=dt.date(2012, 1, 1), help="first day")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR, help=f"where the log is kept (default {DEFAULT_DIR})")
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1), help="rebuild processes")
    parser.add_argument("--repeat", type=int, default=1, help="rebuild runs; the best is reported")
    parser.add_argument("--queries", type=int, default=1000, help="alert queries (default 1000)")
    parser.add_argument("--trace-memory", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument(
        "--es-fold", action=argparse.BooleanOptionalAction, default=True, help="eventsourcing's fold too"
    )
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    log = _log(args.quiet)

    path = args.dir / f"projections-{args.unions}-{args.seed}-{args.start.isoformat()}.db"
    engine = build_log(path, args.unions, args.seed, args.start, log)
    with engine.connect() as conn:
        events = int(conn.execute(sa.select(schema.log_head.c.position)).scalar() or 0)
    log(f"log: {events:,} events, {path.stat().st_size / 2**30:.2f} GiB; load average {os.getloadavg()[0]:.2f}")

    runs = []
    for i in range(args.repeat):
        log(f"rebuild {i + 1}/{args.repeat} ...")
        runs.append(bench_rebuild(engine, args.workers, log))
        log(f"  {runs[-1]['events_per_s']:,} events/s in {runs[-1]['seconds']}s")
    rebuild = max(runs, key=lambda r: r["events_per_s"])
    results: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "load_average_1m": round(os.getloadavg()[0], 2)},
        "rebuild": rebuild,
    }
    if args.es_fold:
        unions = max(1, args.unions)
        es = bench_eventsourcing_fold(args.dir, unions, max(2, round(events / unions)), log)
        es["rebuild_ratio"] = round(rebuild["events_per_s"] / es["events_per_s"], 2)
        results["eventsourcing_fold"] = es
        log(f"  eventsourcing fold {es['events_per_s']:,} events/s; rebuild / that = {es['rebuild_ratio']}")
    if args.trace_memory:
        log("rebuild with tracemalloc ...")
        results["memory"] = bench_memory(engine, args.workers)
    log("alerts queries ...")
    results["alerts"] = bench_alerts(engine, args.queries, args.seed)
    engine.dispose()

    text = json.dumps(results, indent=2, ensure_ascii=False)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")


if __name__ == "__main__":
    main()
