"""The generated log: the federation tree, then every union's events interleaved by recording day
as a real log is (`generate`), written through the event store's own `append_many` (`write_log`)."""

from __future__ import annotations

import datetime as dt
import heapq
import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from sqlalchemy.engine import Engine

from bench.synthetic.union import Union
from bench.synthetic.union_base import Item
from events import EventMetadata, EventStore, NewEvent
from events import catalogue as c
from events.catalogue import CATALOGUE, org_stream
from events.store import StreamAppend


@dataclass(frozen=True)
class Shape:
    """The federation tree above the grassroots unions (RULES.md §1)."""

    provinces: int = 4
    cities: int = 4
    counties: int = 5
    townships: int = 5


def township_ids(shape: Shape) -> list[str]:
    return [
        f"P{p:02d}-C{ci:02d}-K{k:02d}-T{t:02d}"
        for p in range(1, shape.provinces + 1)
        for ci in range(1, shape.cities + 1)
        for k in range(1, shape.counties + 1)
        for t in range(1, shape.townships + 1)
    ]


def _federations(shape: Shape, on: dt.date) -> Iterator[Item]:
    admin = EventMetadata(actor_id="admin", role="admin", acting_org="ACFTU")
    seq = 0

    def reg(org_id: str, name: str, level: str, parent: str | None) -> Item:
        nonlocal seq
        seq += 1
        ev = c.OrganisationRegistered(org_id=org_id, name=name, level=level, parent_id=parent)
        return (on.toordinal(), -1, seq, org_stream(org_id), on, ev, admin)

    yield reg("ACFTU", "中华全国总工会", "national", None)
    for p in range(1, shape.provinces + 1):
        pid = f"P{p:02d}"
        yield reg(pid, f"第{p}省总工会", "province", "ACFTU")
        for ci in range(1, shape.cities + 1):
            cid = f"{pid}-C{ci:02d}"
            yield reg(cid, f"{cid}市总工会", "city", pid)
            for k in range(1, shape.counties + 1):
                kid = f"{cid}-K{k:02d}"
                yield reg(kid, f"{kid}区总工会", "county", cid)
                for t in range(1, shape.townships + 1):
                    tid = f"{kid}-T{t:02d}"
                    yield reg(tid, f"{tid}街道总工会", "township", kid)


def generate(
    unions: int,
    *,
    seed: int = 1,
    start: dt.date = dt.date(2012, 1, 1),
    end: dt.date = dt.date(2026, 6, 30),
    shape: Shape | None = None,
    first: int = 1,
    federations: bool = True,
) -> Iterator[Item]:
    """The whole log in recording order: the federation tree (unless `federations` is false:
    already written), then the events of unions `first` .. `first + unions - 1` interleaved by
    recording date (each union's in its own order)."""
    shape = shape or Shape()
    if federations:
        yield from _federations(shape, start - dt.timedelta(days=30))
    parents = township_ids(shape)
    streams: Iterable[Iterator[Item]] = (
        Union(i, parents[i % len(parents)], random.Random(seed * 1_000_003 + i), start, end).events()
        for i in range(first, first + unions)
    )
    yield from heapq.merge(*streams, key=lambda it: (it[0], it[1], it[2]))


def write_log(
    engine: Engine,
    items: Iterable[Item],
    *,
    batch: int = 20_000,
    on_batch: Callable[[int], None] | None = None,
) -> int:
    """Append `items` after whatever the log holds through `EventStore.append_many`, `batch` events
    per transaction, each event its own part (each carries its command's metadata) expecting the
    version its stream is at. The store chains the hashes and records the time of writing: the
    items' recording days order the log, they are not stored. Returns the events written."""
    store = EventStore(engine, CATALOGUE)
    versions: dict[str, int] = {}
    pending: list[Item] = []
    written = 0

    def flush() -> None:
        nonlocal written
        new = [stream for stream in dict.fromkeys(it[3] for it in pending) if stream not in versions]
        if new:
            found = store.stream_versions(new)
            versions.update((stream, found.get(stream, 0)) for stream in new)
        parts: list[StreamAppend] = []
        for _rec, _key, _seq, stream, on, event, meta in pending:
            version = versions[stream]
            parts.append(StreamAppend(stream, [NewEvent(event, on)], version, meta))
            versions[stream] = version + 1
        store.append_many(parts)
        written += len(pending)
        pending.clear()
        if on_batch is not None:
            on_batch(written)

    for item in items:
        pending.append(item)
        if len(pending) >= batch:
            flush()
    if pending:
        flush()
    return written
