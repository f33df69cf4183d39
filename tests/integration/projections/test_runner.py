"""Keeping the read models current: the listener, catch-up, rebuild (drop, replay, swap) and the
check that a rebuild equals the live tables; and the projections stopping, with a clear error, on
an event type they do not know."""

from __future__ import annotations

import datetime as dt
import sqlite3
from typing import Any, ClassVar

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

import projections
from events import DomainEvent, EventMetadata, EventRegistry, EventStore, NewEvent
from events import schema as event_schema
from events.catalogue import CATALOGUE, org_stream
from events.db import make_engine
from projections import CorruptHistory, Progress, ProjectionOutdated, Projections, UnknownEvent
from projections import schema as proj_schema
from projections.checkpoints import CLASSES, NAMES
from projections.feed import StreamPages
from projections.models import tallies
from projections.rebuild import streams
from tests.integration.projections.support import D, World


class MysteryHappened(DomainEvent):
    """An event type no projection knows (say, written by a newer version of the workflow)."""

    event_type: ClassVar[str] = "MysteryHappened"
    note: str


def _registry_with_mystery() -> EventRegistry:
    reg = EventRegistry()
    reg.include(CATALOGUE)
    reg.register(MysteryHappened)
    return reg


def _snapshot(engine: sa.Engine) -> dict[str, list[tuple[object, ...]]]:
    out = {}
    with engine.connect() as conn:
        for name, table in proj_schema.LIVE.items():
            keys = [table.c[k] for k in proj_schema.SPECS[name].primary_key]
            out[name] = [tuple(r) for r in conn.execute(sa.select(table).order_by(*keys))]
    return out


def _history(world: World) -> None:
    for union, parent in (("U1", "JA"), ("U2", "QS"), ("U3", "GZ")):
        world.add_union(union, parent)
    world.found("U1", legal_person_on=D(2019, 4, 1))
    world.found("U2", D(2019, 6, 1), until="results")
    world.found("U3", until="prep")
    pid = world.request_extension("U1", D(2024, 2, 1), D(2024, 9, 1))
    world.approve("U1", pid, D(2024, 2, 20))
    world.vacancy("U1", D(2024, 3, 10))


def test_every_catalogue_event_type_is_handled_or_ignored_by_every_projection() -> None:
    for cls in CLASSES.values():
        p = cls(projections.tree.Tree())
        assert p.known() == CATALOGUE.event_types, cls.name
        assert not (set(p.handlers) & p.ignored), cls.name


def _ours(item: sa.Table | sa.Index) -> bool:
    table = item if isinstance(item, sa.Table) else item.table
    return table is not None and table.name.startswith("proj_")


def test_migrations_create_exactly_the_tables_the_specs_describe(engine: sa.Engine) -> None:
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), proj_schema.metadata)
    # The event store's and the api's tables (and their indexes) are not in this metadata;
    # everything of ours must match.
    ours = [d for d in diffs if not (d[0] in ("remove_table", "remove_index") and not _ours(d[1]))]
    assert ours == []


def test_catch_up_after_writes_without_the_listener(engine: sa.Engine) -> None:
    world = World(engine, listen=False)
    _history(world)
    assert projections.union(engine, "U1") is None
    seen: list[Progress] = []
    reached = world.projections.catch_up(progress=seen.append)
    head = world.store.last_position()
    assert reached == {"register": head, "procedures": head, "alerts": head}
    assert seen and seen[-1].phase == "catch-up" and seen[-1].done == seen[-1].total
    assert projections.union(engine, "U1").acting_chair == "钱"  # type: ignore[union-attr]
    assert world.projections.compare_with_rebuild().ok


def test_small_pages_give_the_same_read_models(engine: sa.Engine) -> None:
    world = World(engine, listen=False)
    _history(world)
    Projections(engine, page_size=3, batch_events=7).catch_up()
    assert Projections(engine).compare_with_rebuild().ok


def test_the_listener_applies_a_gap_left_by_writes_without_it(engine: sa.Engine) -> None:
    quiet = World(engine, listen=False)
    _history(quiet)
    loud = World.__new__(World)
    loud.__dict__.update(quiet.__dict__)
    loud.svc = quiet.svc.__class__(
        quiet.store, quiet.profiles, clock=quiet.svc.clock, listener=quiet.projections.listener
    )
    loud.add_union("U4")  # one command: the listener catches up everything before it, inline
    assert {s.lag for s in quiet.projections.status()} == {0}
    assert projections.union(engine, "U1") is not None and projections.union(engine, "U4") is not None


def test_the_listener_leaves_a_long_gap_to_catch_up(engine: sa.Engine) -> None:
    quiet = World(engine, listen=False)
    _history(quiet)
    runner = Projections(engine, max_inline_lag=5)
    store = quiet.store
    withdrawn: Any = CATALOGUE.class_for("ProcedureWithdrawn")
    store.append(
        org_stream("U3"),
        [NewEvent(withdrawn(procedure_id="U3:founding-1", reason="x"), D(2019, 2, 1))],
        expected_version=store.stream_version(org_stream("U3")),
        metadata=EventMetadata(actor_id="t", role="staff", acting_org="U3"),
        listener=runner.listener,
    )
    assert {s.position for s in runner.status()} == {0}  # consistent, but behind: nothing half-applied
    runner.catch_up()
    assert projections.procedure_status(engine, "U3:founding-1").state == "withdrawn"  # type: ignore[union-attr]


def test_rebuild_replaces_the_tables_with_equal_ones(world: World, engine: sa.Engine) -> None:
    _history(world)
    before = _snapshot(engine)
    seen: list[Progress] = []
    report = world.projections.rebuild(progress=seen.append)
    assert report.position == world.store.last_position() and report.events == report.position
    assert {p.phase for p in seen} >= {"replay", "swap"}
    assert report.rows["proj_orgs"] == 10 and report.rows["proj_procedures"] == 5
    assert _snapshot(engine) == before
    if engine.dialect.name == "postgresql":  # statistics from ANALYZE, kept across the swap's rename
        with engine.connect() as conn:
            analysed = conn.exec_driver_sql(
                "SELECT DISTINCT tablename FROM pg_stats WHERE schemaname = current_schema()"
            ).scalars()
            assert {"proj_orgs", "proj_alerts", "proj_procedures"} <= set(analysed)
    # The rebuilt tables carry on live: indexes and all.
    world.add_union("U5")
    world.found("U5", until="prep")
    assert [i.org_id for i in projections.inbox(engine, "JA").items] == ["U5"]
    assert world.projections.compare_with_rebuild().ok


def test_rebuild_one_projection_alone(world: World, engine: sa.Engine) -> None:
    _history(world)
    before = _snapshot(engine)
    with engine.begin() as conn:  # damage the alerts table and the register
        conn.execute(sa.delete(proj_schema.alerts))
        conn.execute(sa.update(proj_schema.orgs).values(chair="nobody"))
    report = world.projections.compare_with_rebuild()
    assert not report.ok and {d.table for d in report.differences} == {"proj_alerts", "proj_orgs"}
    assert "chair" in str(report)
    world.projections.rebuild(["alerts"])
    after = _snapshot(engine)
    assert after["proj_alerts"] == before["proj_alerts"]
    assert after["proj_orgs"] != before["proj_orgs"]  # untouched by a rebuild of "alerts"
    world.projections.rebuild(["register"])
    assert _snapshot(engine) == before


@pytest.mark.slow
@pytest.mark.parametrize(
    ("page", "flush"),
    [
        (500, 50_000),  # the defaults: one page and one write per process
        (4, 50_000),  # each process pages through its range, keyset after keyset
        (4, 5),  # and the two race for SQLite's write lock, every few pages
    ],
)
def test_parallel_rebuild_over_stream_ranges(engine: sa.Engine, page: int, flush: int) -> None:
    world = World(engine)
    _history(world)
    before = _snapshot(engine)
    report = Projections(engine, workers=2, parallel_from=0, rebuild_page_size=page, flush_rows=flush).rebuild()
    assert report.events == world.store.last_position()
    assert _snapshot(engine) == before


def test_a_replay_folds_on_while_another_writer_holds_the_sqlite_write_lock(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A replay process whose buffers are full tries to write without waiting: while the other
    process holds SQLite's write lock it keeps folding (up to `hold_rows` buffered), and writes
    once the lock is free; the tables come out the same."""
    engine = make_engine(sqlite_url)
    world = World(engine)
    _history(world)
    expected = _snapshot(engine)
    head = world.store.last_position()
    md = sa.MetaData()
    shadow = {t: proj_schema.SPECS[t].build(md, t + "__held", indexes=False) for t in proj_schema.LIVE}
    with engine.begin() as conn:
        for table in shadow.values():
            table.create(conn)
    monkeypatch.setattr(streams, "PROGRESS_EVERY", 1)  # a report after every page
    blocker = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"), isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # the other process, writing
    seen: list[tuple[int, int]] = []  # (events replayed, rows written) while the lock was held

    def report(done: int) -> None:
        if blocker.in_transaction:
            written = blocker.execute('SELECT count(*) FROM "proj_orgs__held"').fetchone()[0]
            seen.append((done, written))
            if done >= head // 2:
                blocker.execute("COMMIT")  # the other process is done writing

    done = streams.replay_streams(engine, NAMES, shadow, head, report, 1, 1, hold_rows=10**6)
    blocker.close()
    assert done == head
    # It went on folding, event after event, past the point where its buffer was due a write,
    # and wrote nothing while the lock was held.
    assert len(seen) >= head // 2 and all(written == 0 for _, written in seen)
    with engine.begin() as conn:
        tallies.build(conn, shadow)  # after the replay, as `Rebuild` does
    with engine.connect() as conn:
        for name, table in shadow.items():
            keys = [table.c[k] for k in proj_schema.SPECS[name].primary_key]
            assert [tuple(r) for r in conn.execute(sa.select(table).order_by(*keys))] == expected[name], name
    engine.dispose()


@pytest.mark.parametrize("page", [1, 3, 1000])
def test_stream_pages_read_each_event_of_a_range_once_in_stream_order(engine: sa.Engine, page: int) -> None:
    """The rebuild's reader: every event at or before the cut, of the streams in [low, high),
    once, ordered by (stream, version), whatever the page size."""
    world = World(engine)
    _history(world)
    cut = world.store.last_position() - 5  # the later events are past the replay's head
    ev = event_schema.events
    with engine.connect() as conn:
        stored = conn.execute(
            sa.select(ev.c.stream_id, ev.c.version, ev.c.position).order_by(ev.c.stream_id, ev.c.version)
        ).all()
        streams = sorted({r.stream_id for r in stored})
        low, high = streams[1], streams[-2]
        for lo, hi in ((None, None), (low, None), (None, high), (low, high)):
            expected = [
                (r.stream_id, r.version, r.position)
                for r in stored
                if r.position <= cut and (lo is None or r.stream_id >= lo) and (hi is None or r.stream_id < hi)
            ]
            pages = StreamPages(conn, cut, low=lo, high=hi)
            got: list[tuple[str, int, int]] = []
            last: tuple[str, int] | None = None
            while batch := pages.after(last, page):
                assert len(batch) <= page
                got += [(e.stream_id, e.version, e.position) for e in batch]
                last = (batch[-1].stream_id, batch[-1].version)
                conn.rollback()
            assert got == expected, (lo, hi)
            assert all(isinstance(e.on, str) and e.event is not None for e in pages.after(None, 3))
            conn.rollback()


def test_an_unknown_event_type_stops_the_runner_with_its_name(engine: sa.Engine) -> None:
    world = World(engine, listen=False)
    _history(world)
    store = EventStore(engine, _registry_with_mystery())
    meta = EventMetadata(actor_id="t", role="staff", acting_org="U1")
    stream = org_stream("U1")
    position = store.append(
        stream,
        [NewEvent(MysteryHappened(note="?"), D(2024, 5, 1))],
        expected_version=store.stream_version(stream),
        metadata=meta,
    ).last_position
    world.add_union("U9")  # an event after it

    runner = Projections(engine)
    with pytest.raises(UnknownEvent) as caught:
        runner.catch_up()
    assert caught.value.event_type == "MysteryHappened" and caught.value.position == position
    assert "MysteryHappened" in str(caught.value) and "register" in str(caught.value)
    # It stopped before the unknown event: nothing after it applied, nothing skipped.
    assert {s.position for s in runner.status()} == {position - 1}
    assert projections.union(engine, "U9") is None

    before = _snapshot(engine)
    with pytest.raises(UnknownEvent):
        runner.rebuild()
    assert _snapshot(engine) == before  # the live tables are untouched
    with engine.connect() as conn:
        assert not [t for t in sa.inspect(conn).get_table_names() if t.endswith("__rebuild")]

    # Appending one with the listener attached fails the append itself: never written unseen.
    with pytest.raises(UnknownEvent):
        store.append(
            stream,
            [NewEvent(MysteryHappened(note="again"), D(2024, 5, 2))],
            expected_version=store.stream_version(stream),
            metadata=meta,
            listener=runner.listener,
        )
    assert store.last_position() == world.store.last_position()


def test_corrupt_history_is_an_error_not_a_skip(engine: sa.Engine) -> None:
    world = World(engine, listen=False)
    world.add_union("U1")
    store = world.store
    stream = org_stream("U1")
    posted: Any = CATALOGUE.class_for("CandidatesPosted")
    store.append(
        stream,
        [NewEvent(posted(procedure_id="U1:founding-7"), D(2019, 1, 1))],
        expected_version=store.stream_version(stream),
        metadata=EventMetadata(actor_id="t", role="staff"),
    )
    with pytest.raises(CorruptHistory, match="unknown procedure U1:founding-7"):
        world.projections.catch_up()


def test_read_models_built_by_other_logic_need_a_rebuild(world: World, engine: sa.Engine) -> None:
    _history(world)
    with engine.begin() as conn:
        conn.execute(
            sa.update(proj_schema.checkpoints).where(proj_schema.checkpoints.c.name == "alerts").values(logic_version=0)
        )
    status = {s.name: s for s in world.projections.status()}
    assert status["alerts"].needs_rebuild and not status["register"].needs_rebuild
    with pytest.raises(ProjectionOutdated, match="alerts"):
        world.projections.catch_up()
    world.add_union("U8")  # the listener keeps the others current and leaves "alerts" alone
    status = {s.name: s for s in world.projections.status()}
    assert status["register"].lag == 0 and status["alerts"].lag > 0
    world.projections.rebuild(["alerts"])
    assert not any(s.needs_rebuild or s.lag for s in world.projections.status())
    assert world.projections.compare_with_rebuild().ok


def test_unknown_projection_names_are_refused(engine: sa.Engine) -> None:
    with pytest.raises(ValueError, match="nope"):
        Projections(engine, ["nope"])
    assert isinstance(dt.date.today(), dt.date)
