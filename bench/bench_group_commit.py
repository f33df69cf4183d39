"""The event store's appends from many threads of one process: appends/s and, where the store has
a group commit (`events.group`), how many appends shared each transaction.

    PYTHONPATH=. .venv/bin/python -m bench.bench_group_commit                 # SQLite and PostgreSQL
    PYTHONPATH=. .venv/bin/python -m bench.bench_group_commit --backend sqlite --threads 1,8,32

Each thread appends one event at a time to a stream of its own (so no append conflicts), on a
fresh SQLite file or a fresh schema of `--pg-url`'s database, until `--appends` are written in
all. Runs on a commit without `events.group` too (then without the group figures), to compare."""

from __future__ import annotations

import argparse
import os
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

from bench.support import ensure_database, fresh_schemas, in_schema
from events import EventStore, make_engine
from events.migrate import upgrade
from tests.integration.support import META, REG, notes

PG_URL = os.environ.get("UNIONFLOW_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/unionflow_bench")


def counted(store: EventStore, sizes: list[int]) -> None:
    """Record each group's size (when the store has a group commit)."""
    group = getattr(store, "_group", None)
    if group is None:
        return
    write: Callable[[list[Any]], Any] = group._write

    def counting(waiters: list[Any]) -> Any:
        sizes.append(len(waiters))
        return write(waiters)

    group._write = counting


def run(url: str, threads: int, appends: int) -> str:
    engine = make_engine(url)
    upgrade(engine)
    store = EventStore(engine, REG)
    sizes: list[int] = []
    counted(store, sizes)
    each = appends // threads

    def writer(i: int) -> None:
        for k in range(each):
            store.append(f"t{threads}-{i}", notes("x"), expected_version=k, metadata=META)

    workers = [threading.Thread(target=writer, args=(i,)) for i in range(threads)]
    started, cpu = time.perf_counter(), time.process_time()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    engine.dispose()
    done = each * threads
    line = f"{threads} threads: {done / seconds:,.0f} appends/s, {cpu / done * 1e6:,.0f} us CPU an append"
    if sizes:
        line += f"; {len(sizes)} groups, mean {sum(sizes) / len(sizes):.1f} appends, largest {max(sizes)}"
    return line


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--threads", default="1,8,32")
    parser.add_argument("--appends", type=int, default=800, help="appends per run, in all")
    parser.add_argument("--pg-url", default=PG_URL)
    args = parser.parse_args()
    counts = [int(t) for t in args.threads.split(",")]
    for backend in ["sqlite", "postgres"] if args.backend == "both" else [args.backend]:
        for threads in counts:
            if backend == "sqlite":
                with tempfile.TemporaryDirectory() as tmp:
                    print("sqlite", run(f"sqlite:///{tmp}/gc.db", threads, args.appends), flush=True)
                continue
            ensure_database(args.pg_url)
            schema = f"gc_{uuid.uuid4().hex[:8]}"
            with fresh_schemas(args.pg_url, schema):
                print("postgres", run(in_schema(args.pg_url, schema), threads, args.appends), flush=True)


if __name__ == "__main__":
    main()
