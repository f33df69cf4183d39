"""`unionflow import` at registry scale: a realistic CSV of N organisations (a province's tree of
cities, counties and townships, then grassroots unions, federations and joint unions below them,
most with a current term), rows shuffled so parents often come after their children, imported
into a fresh database holding only the national root, on SQLite and PostgreSQL.

    .venv/bin/python -m bench.bench_import --rows 100000              # both databases
    .venv/bin/python -m bench.bench_import --rows 100000 --db sqlite
    .venv/bin/python -m bench.bench_import --rows 2000 --write-csv /tmp/registry.csv   # the file only

Reported per database: the decide phase (reading, per-row and cross-row checks, and the workflow
deciding every command without writing), the write phase (the decided events appended through the
store's batched append, the read models updated in the same transactions), rows/s and events/s,
then what a reader sees right after: the register's count, the alerts the imported deadlines raise
today, and the hash-chain verification of the whole log.

The floor, measured in the same run on the same database: the rows the write phase wrote, read
back, then inserted again through SQLAlchemy's batched insert (`conn.execute(table.insert(), rows)`,
an executemany) into scratch tables of the same columns without keys or indexes, one transaction:
the event rows alone, and every row written (events, streams and the read models' tables). The
write phase's ratio to each is reported.

Also reported: this process's CPU time in each phase (on a machine others load, steadier than
the wall clock; PostgreSQL's own work is not in it), and the process's peak resident size after
the write (the CSV held, the plan kept from the check to the write; the largest so far in the
process, so measure one database per run for it)."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import os
import random
import resource
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from api.importer import COLUMNS, DEFAULT_BATCH_ROWS, plan_import, write_import
from api.runtime import Runtime
from bench.support import ensure_database, fresh_schemas, in_schema
from workflow import commands as c
from workflow.authority import Actor

PG_ADMIN_URL = os.environ.get("UNIONFLOW_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/unionflow_bench")
ROOT = "ACFTU"
TODAY = dt.date(2026, 11, 21)
ADMIN = Actor(person_id="bench-admin", role="admin", org_id=ROOT)
TARGETS = {"sqlite": 5_000, "postgres": 3_000}  # rows/s, decide and write together (issue 21)

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚"
_TRADES = ["机械", "电子", "纺织", "食品", "化工", "建材", "物流", "医药", "软件", "汽车配件"]
_UNIT_TYPES = ["enterprise"] * 8 + ["public_institution", "social_organisation"]


def _federation_tree(rows: int) -> tuple[list[dict[str, str]], list[str]]:
    """The province, its cities, counties and townships for `rows` organisations in all, and the
    townships (the grassroots unions' parents)."""
    out: list[dict[str, str]] = []

    def tree_row(org_id: str, name: str, level: str, parent: str) -> None:
        out.append({"org_id": org_id, "name": name, "level": level, "parent_id": parent})

    tree_row("HB", "湖北省总工会", "province", ROOT)
    cities = [f"HB-C{i:02d}" for i in range(max(1, rows // 8000))]
    for i, city in enumerate(cities):
        tree_row(city, f"第{i + 1}市总工会", "city", "HB")
    counties = [f"{cities[i % len(cities)]}-K{i:03d}" for i in range(max(1, rows // 1000))]
    for i, county in enumerate(counties):
        tree_row(county, f"第{i + 1}区县总工会", "county", county.rsplit("-", 1)[0])
    townships = [f"{counties[i % len(counties)]}-T{i:04d}" for i in range(max(1, rows // 100))]
    for i, town in enumerate(townships):
        tree_row(town, f"第{i + 1}街道总工会", "township", town.rsplit("-", 1)[0])
    return out, townships


def registry_rows(rows: int, seed: int = 7) -> list[dict[str, str]]:
    """`rows` organisations below the national root ACFTU: one province, then cities, counties and
    townships in realistic proportions, the rest grassroots-level unions (about 2 % federations,
    3 % joint unions). 85 % of the unions have a current term (3 or 5 years, started 2019..2026),
    so some are overdue today, some due soon."""
    rnd = random.Random(seed)
    out, townships = _federation_tree(rows)
    federations: list[str] = []
    n = 0
    while len(out) < rows:
        n += 1
        roll = rnd.random()
        if roll < 0.02:
            level, parent = "federation", rnd.choice(townships)
        elif roll < 0.05:
            level, parent = "joint", rnd.choice(townships)
        else:
            level = "grassroots"
            parent = rnd.choice(federations) if federations and rnd.random() < 0.05 else rnd.choice(townships)
        org_id = f"U{n:07d}"
        if level == "federation":
            federations.append(org_id)
        employees = int(rnd.lognormvariate(4.0, 1.1)) + 3
        members = max(1, int(employees * rnd.uniform(0.6, 1.0)))
        female = int(members * rnd.uniform(0.1, 0.6))
        trade = rnd.choice(_TRADES)
        row = {
            "org_id": org_id,
            "name": f"{trade}公司{n}工会" if level == "grassroots" else f"{trade}行业工会{n}",
            "level": level,
            "parent_id": parent,
            "unit_name": f"{trade}有限公司{n}",
            "unit_type": rnd.choice(_UNIT_TYPES),
            "employees": str(employees),
            "members": str(members),
            "female_members": str(female),
            "has_party_org": rnd.choice(["true", "false", "是", "否"]),
        }
        if rnd.random() < 0.85:
            years = rnd.choice([3, 5, 5])
            start = dt.date(2019, 1, 1) + dt.timedelta(days=rnd.randrange((TODAY - dt.date(2019, 1, 1)).days))
            row["term_start"] = start.isoformat()
            row["term_years"] = str(years)
            row["chair"] = rnd.choice(_SURNAMES) + rnd.choice(_GIVEN) + rnd.choice(_GIVEN)
        out.append(row)
    rnd.shuffle(out)  # any order: parents need not come first
    return out


def registry_csv(rows: list[dict[str, str]]) -> bytes:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue().encode()


@contextmanager
def sqlite_url() -> Iterator[str]:
    with tempfile.TemporaryDirectory() as tmp:
        yield f"sqlite:///{tmp}/unionflow.db"


@contextmanager
def postgres_url() -> Iterator[str]:
    ensure_database(PG_ADMIN_URL)
    schema = f"imp_{uuid.uuid4().hex[:8]}"
    with fresh_schemas(PG_ADMIN_URL, schema):
        yield in_schema(PG_ADMIN_URL, schema)


def run(url: str, data: bytes, batch_rows: int, rebuild: bool = False) -> dict[str, float | int | str]:
    rt = Runtime.open(url, clock=lambda: TODAY)
    rt.upgrade()
    rt.service.execute(
        c.RegisterOrganisation(org_id=ROOT, name="中华全国总工会", level="national", occurred_on=TODAY), ADMIN
    )
    with tempfile.NamedTemporaryFile(suffix=".csv") as fh:
        fh.write(data)
        fh.flush()
        t0, cpu0 = time.perf_counter(), time.process_time()
        plan = plan_import(rt, fh.name, ADMIN)
        checked, cpu1 = time.perf_counter() - t0, time.process_time()
    if not plan.ok:
        raise SystemExit(f"the generated file has invalid rows: {plan.errors[:3]} {plan.skipped[:3]}")
    report = write_import(rt, plan, batch_rows=batch_rows)
    cpu2 = time.process_time()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # before the floor reads rows back
    from projections import queries

    with rt.engine.connect() as conn:
        orgs = conn.execute(sa.text("SELECT count(*) FROM proj_orgs")).scalar_one()
        counts = queries.alert_counts(conn, TODAY)
    t1 = time.perf_counter()
    verified = rt.store.verify()
    verify_s = time.perf_counter() - t1
    floor_events, floor_all = insert_floor(rt.engine)
    rebuilt = rebuild_log(rt.engine) if rebuild else {}
    rt.engine.dispose()
    return {
        **rebuilt,
        "floor_events_s": floor_events,
        "floor_all_s": floor_all,
        "rows": plan.rows_total,
        "commands": plan.commands,
        "check_s": checked,
        "check_cpu_s": cpu1 - cpu0,
        "write_cpu_s": cpu2 - cpu1,
        "peak_mb": peak_mb,
        "write_s": report.write_seconds,
        "events": report.events_written,
        "batches": report.batches,
        "orgs_in_register": int(orgs),
        "alerts": str(counts),
        "verify": "ok" if verified.ok else str(verified.broken),
        "verify_s": verify_s,
    }


def _written_tables(engine: sa.Engine) -> list[str]:
    names = sa.inspect(engine).get_table_names()
    return ["events", "streams", *sorted(n for n in names if n.startswith("proj_"))]


def insert_floor(engine: sa.Engine) -> tuple[float, float]:
    """Seconds to insert the event rows, and every row the import wrote, again through SQLAlchemy's
    batched insert into scratch tables of the same columns (no keys, no indexes), one transaction."""
    source = sa.MetaData()
    scratch = sa.MetaData()
    copies: list[tuple[str, sa.Table, list[dict[str, object]]]] = []
    with engine.connect() as conn:
        for name in _written_tables(engine):
            table = sa.Table(name, source, autoload_with=conn)
            rows = [dict(r._mapping) for r in conn.execute(sa.select(table))]
            if not rows:
                continue
            copy = sa.Table(f"scratch_{name}", scratch, *(sa.Column(c.name, c.type) for c in table.columns))
            copies.append((name, copy, rows))
    scratch.create_all(engine)
    try:
        timings: dict[str, float] = {}
        with engine.begin() as conn:
            for name, copy, rows in copies:
                t0 = time.perf_counter()
                conn.execute(copy.insert(), rows)
                timings[name] = time.perf_counter() - t0
            t0 = time.perf_counter()
        commit = time.perf_counter() - t0
    finally:
        scratch.drop_all(engine)
    return timings.get("events", 0.0) + commit, sum(timings.values()) + commit


def rebuild_log(engine: sa.Engine) -> dict[str, float | int | str]:
    """`unionflow rebuild` of the read models from the imported log, and `--compare` after it."""
    from projections import Projections

    report = Projections(engine).rebuild(None)
    same = Projections(engine).compare_with_rebuild(None).ok
    phases = ", ".join(f"{k} {v:.2f} s" for k, v in report.phases.items())
    return {
        "rebuild_events_s": report.events_per_second,
        "rebuild_s": report.seconds,
        "rebuild_phases": phases,
        "compare": str(same),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--batch-rows", type=int, default=DEFAULT_BATCH_ROWS, help="rows per write transaction")
    parser.add_argument("--rebuild", action="store_true", help="then rebuild the read models from the log")
    parser.add_argument("--write-csv", help="write the generated CSV to this path and stop")
    args = parser.parse_args()
    t0 = time.perf_counter()
    data = registry_csv(registry_rows(args.rows))
    print(f"generated {args.rows} rows ({len(data) / 1e6:.1f} MB) in {time.perf_counter() - t0:.1f} s")
    if args.write_csv:
        with open(args.write_csv, "wb") as fh:
            fh.write(data)
        print(f"wrote {args.write_csv}")
        return
    targets = {"sqlite": sqlite_url, "postgres": postgres_url}
    for name in ["sqlite", "postgres"] if args.db == "both" else [args.db]:
        with targets[name]() as url:
            r = run(url, data, args.batch_rows, args.rebuild)
        decide, write = float(r["check_s"]), float(r["write_s"])
        total = decide + write
        floor_events, floor_all = float(r["floor_events_s"]), float(r["floor_all_s"])
        target = TARGETS[name]
        rate = int(r["rows"]) / total
        print(
            f"{name:<9} rows {r['rows']}  commands {r['commands']}  "
            f"events {r['events']} in {r['batches']} transactions\n"
            f"          decide {decide:.1f} s ({decide / total:.0%})  write {write:.1f} s ({write / total:.0%})  "
            f"total {total:.1f} s  {rate:,.0f} rows/s (target >= {target:,}: {'ok' if rate >= target else 'MISSED'}); "
            f"write {int(r['events']) / write:,.0f} events/s\n"
            f"          floor (SQLAlchemy executemany into scratch tables): event rows {floor_events:.2f} s, "
            f"every row written {floor_all:.2f} s; write / floor = {write / floor_events:.1f}x (events), "
            f"{write / floor_all:.1f}x (every row)\n"
            f"          this process's CPU: decide {float(r['check_cpu_s']):.1f} s, "
            f"write {float(r['write_cpu_s']):.1f} s (not the database server's); "
            f"peak resident size after the write {float(r['peak_mb']):,.0f} MB\n"
            f"          register {r['orgs_in_register']} organisations; alerts today {r['alerts']}; "
            f"verify {r['verify']} in {float(r['verify_s']):.1f} s"
        )
        if args.rebuild:
            print(
                f"          rebuild {float(r['rebuild_s']):.1f} s ({float(r['rebuild_events_s']):,.0f} events/s: "
                f"{r['rebuild_phases']}); compare with a rebuild equal: {r['compare']}"
            )


if __name__ == "__main__":
    main()
