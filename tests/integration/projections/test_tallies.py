"""The national summaries read from dated tallies per ancestor (`projections.models.tallies`):
for any date and subtree they equal a full scan of the subtree's rows, after the ways the rows are
written (bulk catch-up in pages, commands with the listener attached, a rebuild), on SQLite and
PostgreSQL; the tallies kept live equal the rebuilt ones row for row; and on the days around each
alert period's start and end the counts change exactly there."""

from __future__ import annotations

import datetime as dt
import random

import pytest
import sqlalchemy as sa

import projections
from bench import national_load, synthetic
from events import make_engine
from projections import Projections, schema
from projections.base import Writer
from projections.models import tallies
from projections.models.tallies import ancestors
from tests.integration.projections.scan_reads import scan_alert_counts, scan_coverage
from tests.integration.projections.test_property import SHAPE, _live

DAY = dt.timedelta(days=1)


def _random_day(rng: random.Random) -> dt.date:
    return dt.date(2011, 1, 1) + rng.randrange(20 * 366) * DAY


def _subtrees(engine: sa.Engine, rng: random.Random) -> list[str | None]:
    """The whole register, and organisations of every level."""
    o = schema.orgs.c
    with engine.connect() as conn:
        by_level: dict[str, list[str]] = {}
        for org_id, level in conn.execute(sa.select(o.org_id, o.level).order_by(o.org_id)):
            by_level.setdefault(level, []).append(org_id)
    return [None, *(rng.choice(ids) for ids in by_level.values() for _ in range(2))]


def _assert_equal_to_scans(engine: sa.Engine, rng: random.Random, dates: int) -> None:
    with engine.connect() as conn:
        for subtree in _subtrees(engine, rng):
            for _ in range(dates):
                on = _random_day(rng)
                want = scan_coverage(conn, subtree, on)
                got = projections.coverage(conn, subtree, on=on)
                assert {k: getattr(got, k) for k in want} == want, (subtree, on)
                counts = {k: n for k, n in scan_alert_counts(conn, subtree, on).items() if n}
                assert projections.alert_counts(conn, on, subtree) == counts, (subtree, on)


def _assert_alert_boundaries(engine: sa.Engine, rng: random.Random, periods: int) -> None:
    """The day before, the first, the last and the day after a period: the counts of its union's
    ancestors change on exactly those days, as the scan's do."""
    a = schema.alerts.c
    o = schema.orgs.c
    with engine.connect() as conn:
        rows = conn.execute(sa.select(a.path, a.fires_from, a.fires_until).order_by(a.path, a.kind, a.seq)).all()
        ids = dict(conn.execute(sa.select(o.path, o.org_id)).all())
        for path, frm, until in rng.sample(rows, min(periods, len(rows))):
            subtree = rng.choice([*(ids[p] for p in ancestors(path)), ids[path], None])
            days = [frm - DAY, frm] + ([until, until + DAY] if until < dt.date(9999, 12, 31) else [])
            for on in days:
                want = {k: n for k, n in scan_alert_counts(conn, subtree, on).items() if n}
                assert projections.alert_counts(conn, on, subtree) == want, (path, subtree, on)


@pytest.fixture(params=["as arrays", "staged"])
def tally_writes(request: pytest.FixtureRequest, engine: sa.Engine, monkeypatch: pytest.MonkeyPatch) -> str:
    """How the tallies' changes reach PostgreSQL: a batch's keys as array parameters, or, from
    `_STAGED_MIN_ROWS` keys (here every batch), by COPY into a staging table first."""
    if request.param == "staged":
        if engine.dialect.name != "postgresql":
            pytest.skip("only PostgreSQL stages a bulk batch's tally changes")
        monkeypatch.setattr(tallies, "_STAGED_MIN_ROWS", 1)
    return str(request.param)


def test_summaries_equal_full_scans_after_live_writes_and_a_rebuild(engine: sa.Engine, tally_writes: str) -> None:
    rng = random.Random(20261203)
    items = list(synthetic.generate(400, seed=11, shape=SHAPE))
    _live(engine, items, rng, (50, 400))
    runner = Projections(engine)
    report = runner.compare_with_rebuild()
    assert report.ok, str(report)
    assert report.rows_compared["proj_alert_tallies"] > 1000
    assert report.rows_compared["proj_coverage_tallies"] > 1000
    _assert_equal_to_scans(engine, rng, dates=6)
    _assert_alert_boundaries(engine, rng, periods=60)
    runner.rebuild()
    assert runner.compare_with_rebuild().ok
    _assert_equal_to_scans(engine, rng, dates=3)


def test_no_zero_tally_is_kept(engine: sa.Engine, tally_writes: str) -> None:
    """Marks that cancel out leave no row behind, live as rebuilt (so the two compare equal)."""
    items = list(synthetic.generate(150, seed=3, shape=SHAPE))
    _live(engine, items, random.Random(3), (20, 200))
    with engine.connect() as conn:
        for t in (schema.alert_tallies, schema.coverage_tallies):
            assert conn.execute(sa.select(sa.func.count()).where(t.c.n == 0).select_from(t)).scalar() == 0


def test_tallies_built_a_subtree_at_a_time_equal_those_kept_live(engine: sa.Engine) -> None:
    """`build(at=...)` for each province (as on several connections), then `build(built=...)` for
    the levels above them, gives the live tallies row for row."""
    items = list(synthetic.generate(200, seed=5, shape=SHAPE))
    _live(engine, items, random.Random(5), (30, 300))
    md = sa.MetaData()
    sources = {t: schema.LIVE[t] for t in tallies.SOURCES}
    split = {t: schema.SPECS[t].build(md, t + "__split", indexes=False) for t in tallies.TALLY_TABLES}
    with engine.begin() as conn:
        md.create_all(conn)
    provinces: set[str] = set()
    for source, (tally, _, _) in tallies.SOURCES.items():
        with engine.connect() as conn:
            mine = [
                p
                for n in tallies.children_of(conn, sources[source], "")
                for p in tallies.children_of(conn, sources[source], n)
            ]
        assert len(mine) > 1
        provinces.update(mine)
        for province in mine:
            with engine.begin() as conn:
                tallies.build(conn, {source: sources[source], tally: split[tally]}, at=province)
    with engine.begin() as conn:
        tallies.build(conn, {**sources, **split}, built=provinces)
    with engine.connect() as conn:
        for t in tallies.TALLY_TABLES:
            _assert_same_rows(conn, schema.LIVE[t], split[t])
        md.drop_all(conn)
        conn.commit()


def test_the_whole_register_is_every_root_with_its_own_rows(engine: sa.Engine) -> None:
    """The whole register is read from its roots' tallies and the roots' own rows. No step gives a
    root rows of its own or registers a second national union today; the reads do not rely on it.
    Such rows are added here as the live path adds them, their tallies with them."""
    _live(engine, list(synthetic.generate(80, seed=11, shape=SHAPE)), random.Random(11), (20, 200))
    o, a = schema.orgs, schema.alerts
    with engine.begin() as conn:
        root = conn.execute(sa.select(o).where(o.c.parent_id.is_(None))).mappings().one()
        period = dict(conn.execute(sa.select(a).order_by(a.c.path).limit(1)).mappings().one())
        conn.execute(o.insert(), [{**root, "org_id": "R2", "path": "R2/", "name": "第二个根"}])
        added = [
            {**period, "org_id": root["org_id"], "path": root["path"]},  # the root's own
            {**period, "org_id": "R2", "path": "R2/"},  # the second root's own
            {**period, "org_id": "R2-U", "path": "R2/R2-U/"},  # below the second root: tallied
        ]
        conn.execute(a.insert(), added)
        deltas, writer = tallies.TallyDeltas(), Writer(conn)
        deltas.add("proj_alerts", [tuple(r[c.name] for c in a.columns) for r in added], 1)
        deltas.write(writer, schema.LIVE)
        writer.close()
    t = schema.alert_tallies.c
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).where(t.ancestor == "")).scalar() == 0
        assert conn.execute(sa.select(sa.func.count()).where(t.ancestor == "R2/")).scalar() > 0
        frm, until = period["fires_from"], period["fires_until"]
        for on in [frm - DAY, frm, *([until, until + DAY] if until < dt.date(9999, 12, 31) else [])]:
            want = {k: n for k, n in scan_alert_counts(conn, None, on).items() if n}
            assert projections.alert_counts(conn, on) == want, on


@pytest.mark.parametrize(
    ("path", "keys"),
    [
        # a root: its own rows are read as rows, under no tally (the whole register is its roots')
        ("ACFTU/", []),
        ("ACFTU/HB/WH/U1/", ["ACFTU/", "ACFTU/HB/", "ACFTU/HB/WH/"]),
        # below the tallied levels (a county and under): read by a range of paths
        ("ACFTU/HB/WH/JA/T1/U1/", ["ACFTU/", "ACFTU/HB/", "ACFTU/HB/WH/"]),
    ],
)
def test_a_row_counts_under_every_tallied_organisation_strictly_above_it(path: str, keys: list[str]) -> None:
    assert ancestors(path) == keys


@pytest.mark.postgres
def test_the_national_bench_load_sums_the_same_tallies_as_one_build(pg_url: str) -> None:
    """`bench.national_load` sums the tallies per province on several connections into UNLOGGED
    tables indexed afterwards: the same rows as one `build` over the same source rows."""
    national_load.load(pg_url, copies=2, unions=300, seed=3, jobs=2)
    engine = make_engine(pg_url)
    md = sa.MetaData()
    again = {t: schema.SPECS[t].build(md, t + "__again", indexes=False) for t in tallies.TALLY_TABLES}
    try:
        with engine.begin() as conn:
            md.create_all(conn)
            tallies.build(conn, {**{t: schema.LIVE[t] for t in tallies.SOURCES}, **again})
        with engine.connect() as conn:
            for t in tallies.TALLY_TABLES:
                _assert_same_rows(conn, schema.LIVE[t], again[t])
                names = {ix["name"] for ix in sa.inspect(conn).get_indexes(t)}
                assert names == {ix.name for ix in schema.SPECS[t].indexes}
    finally:
        engine.dispose()


def _assert_same_rows(conn: sa.Connection, live: sa.Table, built: sa.Table) -> None:
    """`built` holds exactly `live`'s rows (more than a thousand of them, so the test means something)."""
    order = [c.name for c in live.columns]
    want = conn.execute(sa.select(live).order_by(*order)).all()
    assert len(want) > 1000
    assert conn.execute(sa.select(built).order_by(*(built.c[c] for c in order))).all() == want


@pytest.mark.postgres
def test_a_role_without_temporary_tables_writes_bulk_tallies_as_arrays(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database may deny its roles temporary tables: a bulk batch's tally changes then go as
    array parameters, not through the staging table, and are written all the same."""
    monkeypatch.setattr(tallies, "_STAGED_MIN_ROWS", 1)
    url = sa.make_url(pg_url)
    schema_name = url.query["options"].split("=", 1)[1]
    role = f"uf_{schema_name}"
    admin = make_engine(pg_url)
    database = url.database
    try:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'CREATE ROLE "{role}" LOGIN')
            conn.exec_driver_sql(f'GRANT USAGE ON SCHEMA "{schema_name}" TO "{role}"')
            conn.exec_driver_sql(f'GRANT ALL ON ALL TABLES IN SCHEMA "{schema_name}" TO "{role}"')
            conn.exec_driver_sql(f'GRANT ALL ON ALL SEQUENCES IN SCHEMA "{schema_name}" TO "{role}"')
            conn.exec_driver_sql(f'REVOKE TEMPORARY ON DATABASE "{database}" FROM PUBLIC')
        engine = make_engine(url.set(username=role).render_as_string(hide_password=False))
        try:
            with engine.connect() as conn:
                allowed = conn.exec_driver_sql("SELECT has_database_privilege(current_database(), 'TEMPORARY')")
                assert allowed.scalar() is False
            items = list(synthetic.generate(60, seed=8, shape=SHAPE))
            _live(engine, items, random.Random(8), (20, 200))
        finally:
            engine.dispose()
        report = Projections(admin).compare_with_rebuild()  # the rebuild's shadow tables: the owner's
        assert report.ok, str(report)
        assert report.rows_compared["proj_coverage_tallies"] > 0
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'GRANT TEMPORARY ON DATABASE "{database}" TO PUBLIC')
            conn.exec_driver_sql(f'DROP OWNED BY "{role}"')
            conn.exec_driver_sql(f'DROP ROLE "{role}"')
        admin.dispose()
