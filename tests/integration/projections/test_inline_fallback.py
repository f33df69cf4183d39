"""The listener's fast path claims every checkpoint at the position before the command's events;
when one is elsewhere (events were appended without the listener), it must not write anything of
its own and the general path applies the missing events first. On PostgreSQL the fast path sends
its claim and writes in one round trip inside a savepoint, which it rolls back in that case."""

from __future__ import annotations

import sqlalchemy as sa

from projections import Projections
from tests.integration.projections.support import D, World


def test_a_lagging_checkpoint_falls_back_to_the_general_path(world: World, engine: sa.Engine) -> None:
    world.add_union("U1")
    world.add_union("U2")
    world.found("U1")  # U1's states are in the listener's cache now
    # Another writer, without the read models' listener, moves U2 on: every checkpoint lags.
    silent = World.__new__(World)
    silent.__dict__.update(world.__dict__)
    silent.svc = world.svc.__class__(world.store, world.profiles, clock=world.svc.clock, listener=None)
    silent.request_founding("U2", D(2019, 1, 5))
    assert {s.lag for s in world.projections.status()} == {1}
    # A command on U1 (all its states cached) through the listening service.
    pid = world.request_extension("U1", D(2023, 12, 1), D(2024, 9, 1))
    assert pid
    assert {s.lag for s in world.projections.status()} == {0}
    report = Projections(engine).compare_with_rebuild()
    assert report.ok, str(report)
