"""How a rebuild reads the log and writes its rows: pages read one ahead and rows copied behind
the fold on PostgreSQL (`projections.rebuild.ahead`, `streams`), dates as ISO text from both
databases, and the same tables whichever way the replay runs and in however many processes."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from events import reading
from events import schema as event_schema
from events.db import make_engine
from projections import Projections
from projections import schema as proj_schema
from projections.checkpoints import NAMES
from projections.feed import StreamPages
from projections.rebuild import streams
from projections.rebuild.ahead import pages_ahead
from tests.integration.projections.support import D, World


def _history(world: World) -> None:
    for union, parent in (("U1", "JA"), ("U2", "QS"), ("U3", "GZ")):
        world.add_union(union, parent)
    world.found("U1", legal_person_on=D(2019, 4, 1))
    world.found("U2", D(2019, 6, 1), until="results")
    world.found("U3", until="prep")
    pid = world.request_extension("U1", D(2024, 2, 1), D(2024, 9, 1))
    world.approve("U1", pid, D(2024, 2, 20))


def _snapshot(engine: sa.Engine) -> dict[str, list[tuple[object, ...]]]:
    out = {}
    with engine.connect() as conn:
        for name, table in proj_schema.LIVE.items():
            keys = [table.c[k] for k in proj_schema.SPECS[name].primary_key]
            out[name] = [tuple(r) for r in conn.execute(sa.select(table).order_by(*keys))]
    return out


def _keys(events: list[object]) -> list[tuple[str, int, int]]:
    return [(e.stream_id, e.version, e.position) for e in events]  # type: ignore[attr-defined]


@pytest.mark.parametrize("page", [1, 3, 1000])
def test_pages_read_ahead_are_the_pages_read_in_turn(engine: sa.Engine, page: int) -> None:
    """Every event at or before the cut, of the streams in [low, high), once, in stream order,
    as `StreamPages` gives them; asking for another page than the one read ahead still answers
    what was asked."""
    world = World(engine)
    _history(world)
    cut = world.store.last_position() - 3
    ev = event_schema.events
    with engine.connect() as conn:
        ids = sorted(set(conn.execute(sa.select(ev.c.stream_id)).scalars()))
        for low, high in ((None, None), (ids[1], ids[-2])):
            pages = StreamPages(conn, cut, low=low, high=high)
            expected: list[tuple[str, int, int]] = []
            last: tuple[str, int] | None = None
            while batch := pages.after(last, page):
                expected += _keys(batch)
                last = (batch[-1].stream_id, batch[-1].version)
            conn.rollback()
            with pages_ahead(engine, cut, low=low, high=high) as ahead:
                got: list[tuple[str, int, int]] = []
                last = None
                while batch := ahead.after(last, page):
                    got += _keys(batch)
                    last = (batch[-1].stream_id, batch[-1].version)
                assert got == expected and got
                # Back to the start, though the page after the first was read ahead.
                first = ahead.after(None, page)
                assert _keys(first) == expected[:page]
                assert _keys(ahead.after(None, page)) == expected[:page]  # not the page ahead either


def test_the_feed_gives_dates_as_iso_text(engine: sa.Engine) -> None:
    world = World(engine)
    _history(world)
    with engine.connect() as conn:
        rows = [reading.FeedRow._make(r) for r in reading.rows_after(conn, 0, None, 1000)]
        dates = conn.execute(
            sa.select(event_schema.events.c.occurred_on).order_by(event_schema.events.c.position)
        ).scalars()
        stored = [d if isinstance(d, str) else d.isoformat() for d in dates]
    assert [r.occurred_on for r in rows] == stored
    assert all(isinstance(r.occurred_on, str) for r in rows)


@pytest.mark.parametrize("overlap", [True, False])
def test_a_replay_gives_the_same_tables_reading_ahead_and_writing_behind_or_not(
    engine: sa.Engine, overlap: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On PostgreSQL the replay reads the next page and copies the last batch of rows while it
    folds (batches of 7 rows here: many of them); the tables are the same without either."""
    monkeypatch.setattr(streams, "READ_AHEAD", overlap)
    monkeypatch.setattr(streams, "WRITE_BEHIND", overlap)
    world = World(engine)
    _history(world)
    before = _snapshot(engine)
    report = Projections(engine, workers=1, rebuild_page_size=2, flush_rows=7).rebuild()
    assert report.events == world.store.last_position()
    assert _snapshot(engine) == before
    assert world.projections.compare_with_rebuild().ok


def test_a_parallel_rebuild_equals_a_single_process_one(engine: sa.Engine) -> None:
    """Three replay processes over stream ranges (on PostgreSQL each reading ahead and writing by
    COPY, on SQLite taking turns at the write lock) write the rows one process writes."""
    world = World(engine)
    _history(world)
    Projections(engine, workers=1).rebuild()
    single = _snapshot(engine)
    report = Projections(engine, workers=3, parallel_from=0, rebuild_page_size=2, flush_rows=3).rebuild()
    assert report.events == world.store.last_position()
    assert _snapshot(engine) == single
    assert Projections(engine, workers=3, parallel_from=0).compare_with_rebuild().ok


def test_a_failed_batch_stops_the_replay_with_its_error(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A batch copied behind the fold that fails (here: a shadow table gone) fails the replay; the
    error is not lost in the writing thread."""
    engine = make_engine(pg_url)
    world = World(engine)
    _history(world)
    md = sa.MetaData()
    shadow = {t: proj_schema.SPECS[t].build(md, t + "__gone", indexes=False) for t in proj_schema.LIVE}
    with engine.begin() as conn:
        for table in shadow.values():
            table.create(conn)
        shadow["proj_orgs"].drop(conn)
    head = world.store.last_position()
    with pytest.raises(Exception, match="proj_orgs__gone"):
        streams.replay_streams(engine, NAMES, shadow, head, None, 2, 3)
    engine.dispose()
