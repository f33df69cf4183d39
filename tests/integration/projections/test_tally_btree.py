"""Each tally table is one b-tree holding its count (migration 0010): no second index for every
upsert to update, on a migrated database, after a downgrade and upgrade, and after a rebuild. The
whole register has no tally of its own (migration 0011), and a downgrade sums it again."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import command

from events import migrate
from projections import Projections
from projections import schema as proj_schema
from projections.models.tallies import DAYS, SOURCES, TALLY_TABLES
from tests.integration.projections.support import D, World


def _btrees(engine: sa.Engine, table: str) -> list[str]:
    """The table's indexes: PostgreSQL's definitions; SQLite's (name, origin), and "rowid" when the
    rows are stored apart from the key."""
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            sql = "SELECT pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid = to_regclass(%s) ORDER BY 1"
            return [d.split(" USING btree ")[1] for d in conn.exec_driver_sql(sql, (table,)).scalars()]
        found = [f"{r[1]}:{r[3]}" for r in conn.exec_driver_sql(f"PRAGMA index_list({table})")]
        ddl = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).scalar_one()
        return found + ([] if "WITHOUT ROWID" in ddl else ["rowid"])


def _one_btree_with_n(engine: sa.Engine) -> None:
    for table in TALLY_TABLES:
        found = _btrees(engine, table)
        if engine.dialect.name == "postgresql":
            assert found == ["(ancestor, span, day, figure) INCLUDE (n)"], table
        else:  # the WITHOUT ROWID key's b-tree stores the whole row, n included
            assert found == [f"sqlite_autoindex_{table}_1:pk"], table


def _tallies(engine: sa.Engine) -> dict[str, list[tuple[object, ...]]]:
    with engine.connect() as conn:
        return {
            t: [tuple(r) for r in conn.execute(sa.select(proj_schema.LIVE[t]).order_by(*proj_schema.LIVE[t].c))]
            for t in sorted(TALLY_TABLES)
        }


def test_each_tally_is_one_btree_that_holds_its_count(world: World, engine: sa.Engine) -> None:
    world.add_union("U1")
    world.found("U1", legal_person_on=D(2019, 4, 1))
    _one_btree_with_n(engine)
    before = _tallies(engine)
    assert before["proj_coverage_tallies"] and before["proj_alert_tallies"]

    cfg = migrate._config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0009_tallies")
    assert all(len(_btrees(engine, t)) == 2 for t in TALLY_TABLES)  # 0009's key and its (key, n) index
    migrate.upgrade(engine)
    _one_btree_with_n(engine)
    assert _tallies(engine) == before

    Projections(engine).rebuild()
    _one_btree_with_n(engine)  # the shadow tables come from the same specs, renamed into place
    assert _tallies(engine) == before
    world.add_union("U2")  # and carry on live
    world.found("U2", until="prep")
    assert Projections(engine).compare_with_rebuild().ok


def _whole_register_days(engine: sa.Engine) -> dict[str, list[tuple[object, ...]]]:
    """Each tally's "" rows of span DAYS, and what they must be: every source row's marks summed by
    day and figure (the tally of the whole register, as migrations before 0011 kept it)."""
    out: dict[str, list[tuple[object, ...]]] = {}
    with engine.connect() as conn:
        for source, (tally, marks_of, _) in SOURCES.items():
            t = proj_schema.LIVE[tally].c
            kept = conn.execute(
                sa.select(t.day, t.figure, t.n).where(t.ancestor == "", t.span == DAYS).order_by(t.day, t.figure)
            )
            sums: dict[tuple[str, str], int] = {}
            for row in conn.execute(sa.select(proj_schema.LIVE[source])):
                for _path, figure, day, n in marks_of(tuple(row)):
                    sums[day, figure] = sums.get((day, figure), 0) + n
            out[tally] = [(dt.date.fromisoformat(d), f, n) for (d, f), n in sorted(sums.items()) if n]
            out[tally + " kept"] = [tuple(r) for r in kept]
    return out


def test_the_whole_register_has_no_tally_of_its_own_and_a_downgrade_sums_it_again(
    world: World, engine: sa.Engine
) -> None:
    """Migration 0011: the whole register is read from its roots; going back to 0010 puts its ""
    rows back, each the sum of every row's marks on that day."""
    for union in ("U1", "U2"):
        world.add_union(union)
        world.found(union, legal_person_on=D(2019, 4, 1))
    before = _tallies(engine)
    assert not any(r[0] == "" for rows in before.values() for r in rows)
    cfg = migrate._config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0010_tally_key_holds_n")
    sums = _whole_register_days(engine)
    for tally in TALLY_TABLES:
        assert sums[tally] and sums[tally + " kept"] == sums[tally], tally
    migrate.upgrade(engine)
    assert _tallies(engine) == before
