"""The listener's per-union state cache: with two Projections instances writing to one database
(two processes' caches) the read models still equal a rebuild, and a listener that ran in a
transaction that then rolled back leaves no cache entry that a later command would use."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection

import projections
from events import RecordedEvent
from events.store import AppendListener
from projections import Projections
from tests.integration.projections.support import D, World


def _twin(world: World, listener: AppendListener | None = None) -> World:
    """Another writer on the same database, with its own Projections (its own cache)."""
    other = World.__new__(World)
    other.__dict__.update(world.__dict__)
    other.projections = Projections(world.engine)
    other.svc = world.svc.__class__(
        world.store, world.profiles, clock=world.svc.clock, listener=listener or other.projections.listener
    )
    return other


def test_two_caches_interleaved_equal_a_rebuild(world: World, engine: sa.Engine) -> None:
    other = _twin(world)
    writers = (world, other)
    unions = [f"U{i}" for i in range(6)]
    for i, union in enumerate(unions):
        writers[i % 2].add_union(union, ("JA", "QS", "GZ")[i % 3])
    # Each union's procedure runs on one writer, then the other takes over that union.
    for i, union in enumerate(unions):
        writers[i % 2].found(union, D(2019, 3 + i, 1))
    for i, union in enumerate(unions):
        w = writers[(i + 1) % 2]
        pid = w.request_extension(union, D(2024, 1, 10 + i), D(2024, 9, 1))
        writers[i % 2].approve(union, pid, D(2024, 2, 1 + i))
        w.vacancy(union, D(2024, 3, 1 + i))
    assert len(world.projections._cache) and len(other.projections._cache)
    report = Projections(engine).compare_with_rebuild()
    assert report.ok, str(report)
    assert {s.lag for s in world.projections.status()} == {0}


def test_a_rolled_back_append_does_not_poison_the_cache(world: World, engine: sa.Engine) -> None:
    world.add_union("U1")
    world.found("U1", legal_person_on=D(2019, 4, 1))  # the cache holds U1 now
    failing = {"on": False}

    def listener(conn: Connection, recorded: Sequence[RecordedEvent]) -> None:
        world.projections.listener(conn, recorded)  # the cache now holds the state after these
        if failing["on"]:
            raise RuntimeError("the append fails after the projections ran")

    first = _twin(world, listener)
    first.projections = world.projections
    failing["on"] = True
    with pytest.raises(RuntimeError):
        first.vacancy("U1", D(2024, 3, 10))  # never committed, though folded into the cache
    failing["on"] = False
    # Another process writes as many events to U1, different ones: the stream is now at the
    # version the stale entry claims.
    second = _twin(world)
    second.vacancy("U1", D(2024, 3, 20))
    # Back in the first process: the stale entry must not be used.
    first.request_extension("U1", D(2024, 4, 1), D(2024, 9, 1))
    report = Projections(engine).compare_with_rebuild()
    assert report.ok, str(report)
    union = projections.union(engine, "U1")
    assert union is not None
