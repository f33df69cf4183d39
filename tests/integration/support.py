"""Event types, helpers and the child-process workers of the event store's integration tests.

Workers run in processes started with the 'spawn' method, so they live here, importable by module
name, and build their own engine from the database URL they are given (the PostgreSQL URL carries
the test's private schema in its query string)."""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp
import threading
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

import sqlalchemy as sa

from events import (
    ConcurrencyError,
    DomainEvent,
    EventMetadata,
    EventRegistry,
    EventStore,
    NewEvent,
    RecordedEvent,
    StoreBusy,
    make_engine,
)

REG = EventRegistry()


@REG.register
class Noted(DomainEvent):
    event_type: ClassVar[str] = "Noted"
    text: str


@REG.register
class MembersCounted(DomainEvent):
    """An event with a few field kinds, for round trips."""

    event_type: ClassVar[str] = "MembersCounted"
    union_id: str
    count: int
    counted_on: dt.date
    names: list[str]
    remark: str | None = None


DAY = dt.date(2024, 5, 20)
META = EventMetadata(actor_id="staff-1", role="union_staff")


def note(text: str, occurred_on: dt.date = DAY) -> NewEvent:
    return NewEvent(Noted(text=text), occurred_on)


def notes(*texts: str) -> list[NewEvent]:
    return [note(t) for t in texts]


def store_for(url: str, *, busy_timeout_s: float | None = None, **kwargs: Any) -> EventStore:
    """A store on its own engine, as a child process builds it."""
    if busy_timeout_s is not None and url.startswith("sqlite"):
        # The connect hook sets PRAGMA busy_timeout from this setting, so change it before the
        # engine's first connection.
        from events import db

        db.SQLITE_BUSY_TIMEOUT_S = busy_timeout_s
    return EventStore(make_engine(url), REG, **kwargs)


def execute(engine: sa.Engine, sql: str, **params: Any) -> None:
    """Run one raw SQL statement in its own transaction (how the tamper tests edit the tables)."""
    with engine.begin() as conn:
        conn.execute(sa.text(sql), params)


def fetch(engine: sa.Engine, sql: str, **params: Any) -> list[Any]:
    with engine.connect() as conn:
        return list(conn.execute(sa.text(sql), params))


def released_together(
    count: int, attempt: Callable[[int], Any], conflict: Callable[[ConcurrencyError], Any]
) -> list[Any]:
    """Run `attempt(i)` for every i below `count`, each on a thread of its own, all released
    together by a barrier. Returns each one's outcome: what `attempt` returned, `conflict(exc)` for
    its ConcurrencyError, or the repr of any other error (for the test's assertion to show)."""
    barrier = threading.Barrier(count)
    outcomes: list[Any] = [None] * count

    def run(i: int) -> None:
        barrier.wait()
        try:
            outcomes[i] = attempt(i)
        except ConcurrencyError as exc:
            outcomes[i] = conflict(exc)
        except Exception as exc:
            outcomes[i] = repr(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


# ---------------------------------------------------------------------- child-process workers


def race_once(url: str, stream_id: str, expected_version: int, tag: str, barrier: Any, results: Any) -> None:
    """Wait for every racer, then append one event at `expected_version`; report the outcome."""
    store = store_for(url)
    try:
        store.stream_version(stream_id)  # connect (and import everything) before the race starts
        barrier.wait()
        try:
            store.append(stream_id, notes(tag), expected_version=expected_version, metadata=META)
            results.put(("ok", tag, None))
        except ConcurrencyError as exc:
            results.put(("conflict", tag, (exc.expected_version, exc.actual_version)))
        except Exception as exc:  # reported to the test, which fails on it
            results.put(("error", tag, repr(exc)))
    finally:
        store.engine.dispose()


def write_many(
    url: str,
    writer: int,
    appends: int,
    shared_stream: str | None,
    busy_timeout_s: float | None,
    barrier: Any,
    results: Any,
) -> None:
    """Append `appends` times: batches of 1-3 events to this writer's own stream, and, when
    `shared_stream` is given, every third append to a stream all writers fight over (reading its
    version, appending, retrying on a conflict). Reports the events written and every failure by
    exception type name."""
    store = store_for(url, busy_timeout_s=busy_timeout_s)
    written = 0
    failures: list[str] = []
    try:
        own = f"writer-{writer}"
        store.stream_version(own)
        barrier.wait()
        version = 0
        for i in range(appends):
            batch = notes(*(f"w{writer}-{i}-{j}" for j in range(1 + i % 3)))
            if shared_stream is not None and i % 3 == 0:
                for _attempt in range(10_000):
                    try:
                        current = store.stream_version(shared_stream)
                        store.append(shared_stream, batch, expected_version=current, metadata=META)
                        written += len(batch)
                        break
                    except (ConcurrencyError, StoreBusy) as exc:
                        failures.append(type(exc).__name__)
                    except Exception as exc:
                        failures.append(f"{type(exc).__name__}: {exc}")
                        break
                continue
            try:
                store.append(own, batch, expected_version=version, metadata=META)
                version += len(batch)
                written += len(batch)
            except StoreBusy as exc:
                failures.append(type(exc).__name__)
            except Exception as exc:
                failures.append(f"{type(exc).__name__}: {exc}")
        results.put((writer, written, failures))
    except Exception as exc:
        results.put((writer, written, [*failures, f"{type(exc).__name__}: {exc}"]))
    finally:
        store.engine.dispose()


def spawn_all(target: Callable[..., None], arg_sets: Sequence[tuple[Any, ...]], timeout_s: float = 120) -> list[Any]:
    """Run `target` in one spawned process per argument tuple; each gets (*args, barrier, queue)
    and puts exactly one result on the queue. Returns the results."""
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(len(arg_sets))
    queue = ctx.Queue()
    procs = [ctx.Process(target=target, args=(*args, barrier, queue)) for args in arg_sets]
    for p in procs:
        p.start()
    try:
        results = [queue.get(timeout=timeout_s) for _ in procs]
    finally:
        for p in procs:
            p.join(timeout=timeout_s)
            if p.is_alive():
                p.kill()
    assert all(p.exitcode == 0 for p in procs), [p.exitcode for p in procs]
    return results


def texts(records: list[RecordedEvent]) -> list[str]:
    """The `Noted` texts of the records, in order."""
    return [r.event.text for r in records]  # type: ignore[attr-defined]


def event_count(engine: sa.Engine) -> int:
    """How many events the whole log holds."""
    return int(fetch(engine, "SELECT count(*) FROM events")[0][0])
