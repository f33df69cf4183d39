"""The dashboard's reads at national scale on PostgreSQL: 2.8 million grassroots unions.

    .venv/bin/python -m bench.bench_national --generate 100000 --copies 28   # 2.8 million, generated
    .venv/bin/python -m bench.bench_projections --unions 40000     # or: the rebuilt read side of a log
    .venv/bin/python -m bench.bench_national --copies 70           # 40,000 x 70 = 2.8 million

`--generate` loads the rows the summaries read straight from drawn facts (`bench.national_load`:
the coverage marks made by the read side's own code, alert periods of every kind, the tallies summed
by `projections.models.tallies.build`), in minutes. Without it:

Generating and replaying a log of 2.8 million unions (about 85 million events) takes hours on this
machine, and what these reads cost depends only on the read-model rows they scan. So the read side
that `bench_projections` rebuilt from its generated log (SQLite, kept in `--source`) is loaded into a
PostgreSQL database `--copies` times, each copy under the same provinces but with its own cities,
counties, townships and unions (ids and paths rewritten: `P01-C03` becomes `P01-K7C03`, `U0000001`
becomes `K7U0000001`), with the registrations of the federations in the log so that a subtree can be
looked up. The tables and indexes are the live ones (`projections.schema`), analysed after loading.

Then, for random dates of 2013-2028, each dashboard read (`projections.coverage`, `alert_counts`,
`worst_alerts` and the first page of `alerts`) is timed over the whole country, a province (a
quarter of the country here, more than the largest real province), a city and a county; p50/p99 ms.
The loaded database is kept and reused (`--reload` loads it again). `--cold N` then times each read
N more times on a restarted server with the page cache dropped (`bench.national_cold`: only on a
machine of your own).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import sqlalchemy as sa

import projections
from bench import national_cold, national_load
from bench.support import ensure_database
from events import make_engine
from events import schema as event_schema
from projections import queries, schema
from projections.models import tallies

DEFAULT_SOURCE = Path("/tmp/unionflow-bench/projections-40000-7-2012-01-01.db")
DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/unionflow_national"
_TABLES = (
    *("proj_orgs", "proj_terms", "proj_covered_units", "proj_procedures", "proj_alert_facts", "proj_alerts"),
    *("proj_coverage_marks", "proj_alert_tallies", "proj_coverage_tallies"),
)
# Columns that hold an organisation's id, a path or a procedure id, rewritten for each copy.
_REWRITTEN = {"org_id", "parent_id", "path", "procedure_id", "approver_org", "inbox_org"}


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def rewrite(value: str | None, copy: int) -> str | None:
    """An id, path or procedure id of the source as it is in copy `copy` (copy 0: unchanged). The
    national union and the provinces are shared by every copy; everything below a province is the
    copy's own."""
    if value is None or copy == 0:
        return value
    tag = f"K{copy}"
    value = value.replace("-C", f"-{tag}C")
    if value.startswith("U"):
        value = tag + value
    return value.replace("/U", f"/{tag}U")


def _copy_rows(raw: Any, table: str, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> int:
    """COPY the rows into `table` (psycopg 3), in chunks."""
    n = 0
    names = ", ".join(f'"{c}"' for c in columns)
    with raw.cursor() as cur, cur.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(row)
            n += 1
    return n


def load(source: Path, url: str, copies: int) -> None:
    engine = make_engine(url)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    with engine.begin() as conn:
        _fresh_tables(conn)
    raw = engine.raw_connection()
    try:
        _copy_read_models(raw, src, copies)
        _copy_registrations(raw, src, copies)
    finally:
        raw.close()
        src.close()
    _index_and_analyse(engine)
    engine.dispose()


def _fresh_tables(conn: sa.Connection) -> None:
    """The event tables and the read models' tables, empty and without their indexes."""
    for t in reversed(schema.metadata.sorted_tables):
        t.drop(conn, checkfirst=True)
    event_schema.metadata.drop_all(conn)
    event_schema.metadata.create_all(conn)
    # Tables first, indexes after loading (as a rebuild does): faster, and the same indexes.
    md = sa.MetaData()
    for name in _TABLES:
        schema.SPECS[name].build(md, name, indexes=False)
    md.create_all(conn)


def _copy_read_models(raw: Any, src: sqlite3.Connection, copies: int) -> None:
    """The source's read models, `copies` times over (each copy's organisations renamed)."""
    for name in _TABLES:
        if name in tallies.TALLY_TABLES:
            continue  # summed from the copied rows (`_index_and_analyse`)
        columns = [c.name for c in schema.LIVE[name].columns]
        at = [i for i, c in enumerate(columns) if c in _REWRITTEN]
        # Whose row it is: a coverage mark names its union by path alone.
        org_at = columns.index("org_id" if "org_id" in columns else "path")
        rows = src.execute(f'SELECT {", ".join(columns)} FROM "{name}"').fetchall()
        started = time.perf_counter()

        def copied(rows: list[tuple[Any, ...]] = rows, at: list[int] = at, org_at: int = org_at) -> Any:
            for k in range(copies):
                for row in rows:
                    if k and rewrite(row[org_at], k) == row[org_at]:
                        continue  # the national union and the provinces: shared by every copy
                    if k:
                        row = tuple(rewrite(v, k) if i in at else v for i, v in enumerate(row))
                    yield row

        n = _copy_rows(raw, name, columns, copied())
        raw.commit()
        _log(f"  {name}: {n:,} rows in {time.perf_counter() - started:.0f}s")


def _copy_registrations(raw: Any, src: sqlite3.Connection, copies: int) -> None:
    """The federations' registrations (what `Tree.info` reads to place a subtree), for each copy."""
    ev_cols = [c.name for c in event_schema.events.columns]
    regs = src.execute(
        f"SELECT {', '.join(ev_cols)} FROM events WHERE event_type = 'OrganisationRegistered'"
        " AND stream_id NOT LIKE 'org-U%'"
    ).fetchall()
    pos_at, stream_at, payload_at = ev_cols.index("position"), ev_cols.index("stream_id"), ev_cols.index("payload")
    key_at = ev_cols.index("idempotency_key")

    def registrations() -> Any:
        seen: set[str] = set()
        for k in range(copies):
            for row in regs:
                r = list(row)
                r[stream_at] = "org-" + (rewrite(r[stream_at][4:], k) or "")
                if r[stream_at] in seen:
                    continue
                seen.add(r[stream_at])
                r[pos_at] = r[pos_at] + k * 1_000_000_000
                r[payload_at] = r[payload_at].replace("-C", f"-K{k}C") if k else r[payload_at]
                r[key_at] = None
                yield tuple(r)

    _copy_rows(raw, "events", ev_cols, registrations())
    raw.commit()


def _index_and_analyse(engine: sa.Engine) -> None:
    """The read models' indexes, built once the rows are in, and fresh planner statistics."""
    started = time.perf_counter()
    with engine.begin() as conn:
        for name in _TABLES:
            for ix in schema.LIVE[name].indexes:
                ix.create(conn)
        tallies.build(conn, {t: schema.LIVE[t] for t in _TABLES})
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE"))
    _log(f"  indexes and ANALYZE in {time.perf_counter() - started:.0f}s")


# the dashboard's reads, each (connection, date, subtree or None for the country)
READS: dict[str, Callable[[Any, dt.date, str | None], Any]] = {
    "coverage": lambda c, on, s: projections.coverage(c, s, on=on),
    "alert_counts": lambda c, on, s: projections.alert_counts(c, on, s),
    "worst_alerts": lambda c, on, s: queries.worst_alerts(c, on, s, limit=10),
    "alerts_first_page": lambda c, on, s: projections.alerts(c, on, s, limit=100),
}


def _percentiles(ms: list[float]) -> dict[str, float]:
    qs = statistics.quantiles(ms, n=100, method="inclusive")
    return {"p50": round(qs[49], 1), "p99": round(qs[98], 1), "max": round(max(ms), 1)}


def measure(url: str, subtrees: dict[str, str | None], dates: int, seed: int) -> dict[str, Any]:
    """p50/p99/max of each read per subtree over `dates` random dates after 3 warm-ups, and the
    first call's time ("first": the first read of that kind and subtree on this connection)."""
    engine = make_engine(url)
    rng = random.Random(seed)
    out: dict[str, Any] = {}
    with engine.connect() as conn:
        unions = None  # --generate loads no organisations: main() knows how many it made
        if sa.inspect(conn).has_table("proj_orgs"):
            q = "SELECT count(*) FROM proj_orgs WHERE level IN ('grassroots', 'joint')"
            unions = conn.execute(sa.text(q)).scalar()
        alert_rows = conn.execute(sa.text("SELECT count(*) FROM proj_alerts")).scalar()
        out["unions"], out["alert_periods"] = unions, alert_rows
        for t in ("proj_coverage_marks", "proj_alert_tallies", "proj_coverage_tallies"):
            out[t] = conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar()
        for where, subtree in subtrees.items():
            for read_name, read in READS.items():
                times: list[float] = []
                first = 0.0
                for i in range(dates + 3):
                    on = dt.date(2013, 1, 1) + dt.timedelta(days=rng.randrange(16 * 365))
                    started = time.perf_counter()
                    read(conn, on, subtree)
                    conn.rollback()
                    if i >= 3:  # warm-up
                        times.append((time.perf_counter() - started) * 1000)
                    else:
                        first = first if i else (time.perf_counter() - started) * 1000
                out[f"{where} {read_name}"] = _percentiles(times) | {"first": round(first, 1)}
                _log(f"  {where:8} {read_name:18} {out[f'{where} {read_name}']}")
    engine.dispose()
    return out


def _loaded(url: str) -> str | None:
    """What the database holds (the marker kept as the comment of proj_alerts), if anything."""
    engine = make_engine(url)
    with engine.connect() as conn:
        loaded = None
        if sa.inspect(conn).has_table("proj_alerts"):
            loaded = conn.execute(sa.text("SELECT obj_description('proj_alerts'::regclass)")).scalar()
    engine.dispose()
    return loaded


def _mark_loaded(url: str, marker: str) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        quoted = marker.replace("'", "''")  # COMMENT takes no parameters
        conn.execute(sa.text(f"COMMENT ON TABLE proj_alerts IS '{quoted}'"))
    engine.dispose()


def _prepare(args: argparse.Namespace) -> dict[str, str | None]:
    """Load the database unless it holds what is asked for; the subtrees to time."""
    last = args.copies - 1
    if args.generate:
        marker = f"generated {args.generate} x{args.copies} seed {args.seed}"
        if args.reload or _loaded(args.url) != marker:
            _log(f"generating {args.generate:,} unions x {args.copies} copies ...")
            _log(f"  {national_load.load(args.url, args.copies, args.generate, args.seed, args.jobs, args.logged)}")
            _mark_loaded(args.url, marker)
        r = national_load.rewrite
        names = ("P02-C03", "P02-C03-K02", "P02-C03-K02-T01")
        return dict(
            zip(
                ("country", "province", "city", "county", "township"),
                (None, "P02", *(r(n, last) for n in names)),
                strict=True,
            )
        )
    if not args.source.exists():
        raise SystemExit(f"--source {args.source} does not exist: run bench.bench_projections first, or --generate")
    source = args.source.resolve()
    marker = f"{source} ({source.stat().st_mtime_ns}) x{args.copies}"
    if args.reload or _loaded(args.url) != marker:
        _log(f"loading {args.copies} copies of {args.source} into {sa.make_url(args.url).database} ...")
        load(args.source, args.url, args.copies)
        _mark_loaded(args.url, marker)
    return {
        "country": None,
        "province": "P02",
        "city": rewrite("P02-C03", last),
        "county": rewrite("P02-C03-K02", last),
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="SQLite file with the rebuilt read side")
    p.add_argument("--generate", type=int, default=0, help="generate this many unions per copy instead (national_load)")
    p.add_argument("--url", default=DEFAULT_URL, help="PostgreSQL database (created if missing)")
    p.add_argument("--copies", type=int, default=70, help="copies of the source's unions")
    p.add_argument("--queries", type=int, default=30, help="dates per read and subtree")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--reload", action="store_true", help="load the database again even if loaded")
    p.add_argument("--jobs", type=int, default=2, help="--generate: connections that copy, index and sum at once")
    p.add_argument("--logged", action="store_true", help="--generate: make the UNLOGGED tables logged at the end")
    p.add_argument("--json", type=Path, help="also write the results here")
    p.add_argument("--cold", type=int, default=0, help="then each read this many times cold (bench.national_cold)")
    p.add_argument("--restart", help="--cold: the command that restarts the server (default: pg_ctlcluster)")
    args = p.parse_args(argv)
    ensure_database(args.url)
    subtrees = _prepare(args)
    _log("dashboard reads ...")
    result = measure(args.url, subtrees, args.queries, args.seed)
    if args.generate:
        result["unions"] = args.generate * args.copies
    if args.cold:
        _log(f"cold reads ({args.cold} each, restarting the server and dropping the page cache before each) ...")
        restart = args.restart or national_cold.default_restart()
        result["cold"] = national_cold.measure_cold(args.url, subtrees, READS, args.cold, args.seed, restart)
        _log(f"  {result['cold']}")
    text = json.dumps(result, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
