"""A national read side loaded directly, for `bench.bench_national --generate`: what the dashboard's
summaries read, for millions of unions, in minutes rather than the hours a log of that size takes
to generate and replay.

The federations are registered through the event store (what a subtree is looked up by). Each
union's facts are drawn at random (registration, founding, unit, terms and their re-elections,
dissolutions), and its rows are made from them by the read side's own code where the summaries
read them: its coverage marks by `projections.models.coverage_marks`, and alert periods of every
kind shaped as `projections.models.alert_periods` makes them (a term's reminder before its
deadline, overdue after it until the re-election, annual congresses missed, approvals waited on,
legal personality not registered). The rows are copied in path order into the live tables, then
the tallies are summed by `projections.models.tallies.build`, the step a rebuild runs after its
replay. The other read models (organisations, terms, procedures) are not loaded: no summary reads
them. The tables and indexes are the live ones, but the tables are UNLOGGED unless `logged` (a
crash of the server empties them: load again), and each index is built once, after the rows."""

from __future__ import annotations

import datetime as dt
import random
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.schema import CreateIndex

from bench import synthetic
from bench.synthetic import Shape
from events import make_engine
from events import schema as event_schema
from events.catalogue import org_stream
from projections import schema
from projections.calendar import OPEN
from projections.models import alert_periods as k
from projections.models import tallies
from projections.models.coverage_marks import coverage_marks

START = dt.date(2012, 1, 1)
END = dt.date(2026, 6, 30)
DAY = dt.timedelta(days=1)
_TABLES = ("proj_alerts", "proj_coverage_marks", "proj_alert_tallies", "proj_coverage_tallies")


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _d(day: dt.date) -> str:
    return day.isoformat()


def _years(day: dt.date, n: int) -> dt.date:
    return day.replace(year=day.year + n, day=min(day.day, 28))


class _Union:
    """One union's facts drawn at random, and its rows."""

    def __init__(self, org_id: str, path: str, rng: random.Random) -> None:
        self.org_id, self.path, self.rng = org_id, path, rng
        self.registered = START + rng.randrange((END - START).days) * DAY
        imported = rng.random() < 0.3
        self.founded = self.registered - rng.randrange(3000) * DAY if imported else self.registered
        self.dissolved = self.registered + rng.randrange(200, 4000) * DAY if rng.random() < 0.04 else None
        self.alerts: list[tuple[Any, ...]] = []
        self.seq: dict[str, int] = {}

    def alert(self, kind: str, frm: dt.date, until: dt.date | None, deadline: dt.date, rule: str) -> None:
        if self.dissolved is not None:
            if frm >= self.dissolved:
                return
            until = min(until, self.dissolved - DAY) if until is not None else self.dissolved - DAY
        if until is not None and until < frm:
            return
        n = self.seq[kind] = self.seq.get(kind, 0) + 1
        row = (self.org_id, kind, n, self.path, _d(frm), _d(until) if until else OPEN, _d(deadline), rule)
        self.alerts.append((*row, None, "", f"since {_d(deadline)}"))

    def terms(self) -> list[dict[str, Any]]:
        rng, out = self.rng, []
        start = self.founded
        while start <= END:
            deadline = _years(start, rng.choice((3, 5)))
            approved = deadline + rng.randint(-90, 240) * DAY if rng.random() < 0.85 else None
            approved = approved if approved is None or approved > start else start + DAY
            self.alert(
                k.TERM_DUE,
                max(start, deadline - 182 * DAY),
                min(deadline, (approved or deadline) - DAY),
                deadline,
                "R-ON-TIME",
            )
            if approved is None or approved > deadline:
                self.alert(k.TERM_OVERDUE, deadline + DAY, approved, deadline, "R-ON-TIME")
            by = rng.choice(("congress", "committee", None))
            full_time = rng.choice((True, False, None))
            out.append(
                {
                    **{"start": _d(start), "deadline": _d(deadline), "started_on": _d(max(start, self.registered))},
                    **{"succeeded_approved_on": _d(approved) if approved and approved <= END else None},
                    **{"on_time": (approved <= deadline) if approved and approved <= END else None},
                    **{"chair_elected_by": by, "chair_full_time": full_time},
                }
            )
            if approved is None or approved > END:
                break
            start = approved
        return out

    def other_alerts(self) -> None:
        rng, f = self.rng, self.founded
        for _ in range(rng.choice((0, 0, 1, 2))):
            due = f + rng.randrange(365, 4000) * DAY
            self.alert(
                k.NO_ANNUAL_CONGRESS,
                due + DAY,
                due + rng.randrange(400) * DAY if rng.random() < 0.8 else None,
                due,
                "R-ANNUAL",
            )
        if rng.random() < 0.15:
            due = f + rng.randrange(4000) * DAY
            self.alert(k.APPROVAL_PENDING, due + DAY, due + rng.randrange(60) * DAY, due, "R-APPROVER")
        if rng.random() < 0.2:
            due = self.registered + 90 * DAY
            met = due + rng.randrange(500) * DAY if rng.random() < 0.7 else None
            self.alert(k.LEGAL_PERSON, due + DAY, met, due, "R-FOUNDED")
        if rng.random() < 0.05:
            due = f + rng.randrange(4000) * DAY
            self.alert(
                k.VACANCY_OVERDUE,
                due + DAY,
                due + rng.randrange(300) * DAY if rng.random() < 0.7 else None,
                due,
                "R-VACANCY",
            )

    def rows(self) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        rng = self.rng
        employees = int(rng.lognormvariate(3.4, 1.3)) + 1
        org = {
            "level": "grassroots",
            "registered_on": _d(self.registered),
            "founded_at_latest": _d(self.founded),
            "dissolved_on": _d(self.dissolved) if self.dissolved else None,
            "employees": employees,
            "members": rng.randint(0, employees),
            "unit_type": rng.choice(("enterprise", "enterprise", "enterprise", "institution", "public", "other")),
        }
        terms = self.terms()
        self.other_alerts()
        marks = [(self.path, *m) for m in coverage_marks(org, terms, [])]
        return self.alerts, marks


SHAPE = Shape(provinces=4, cities=4, counties=10, townships=4)  # one copy's federations


def rewrite(value: str, copy: int) -> str:
    """An id or path of the first copy as it is in copy `copy`: the national union and the
    provinces are shared, everything below a province is the copy's own."""
    return value if copy == 0 else value.replace("-C", f"-X{copy}C").replace("/U", f"/X{copy}U")


def _unions(unions: int, seed: int) -> Iterator[tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]]:
    """Each union's rows of the first copy, in path order (spread evenly over the townships)."""
    townships = synthetic.township_ids(SHAPE)
    per = -(-unions // len(townships))
    i = 0
    for t in townships:
        base = f"ACFTU/{t[:3]}/{t[:7]}/{t[:11]}/{t}/"
        for _ in range(min(per, unions - i)):
            i += 1
            org_id = f"U{i:08d}"
            yield _Union(org_id, f"{base}{org_id}/", random.Random(seed * 1_000_003 + i)).rows()


def _federations(copies: int) -> Iterator[Any]:
    """The registrations of every copy's federations (the national union and provinces once)."""
    seen: set[str] = set()
    for copy in range(copies):
        for item in synthetic.log._federations(SHAPE, START - 30 * DAY):
            ev: Any = item[5]
            org_id = rewrite(ev.org_id, copy)
            if org_id in seen:
                continue
            seen.add(org_id)
            parent = rewrite(ev.parent_id, copy) if ev.parent_id else None
            ev = ev.model_copy(update={"org_id": org_id, "parent_id": parent})
            yield (*item[:3], org_stream(org_id), item[4], ev, item[6])


def load(url: str, copies: int, unions: int, seed: int, jobs: int = 2, logged: bool = False) -> dict[str, float]:
    """Fresh tables; the federations; `unions` unions' rows, then `copies - 1` copies of them by
    SQL; the tallies summed by `tallies.build`; the indexes; VACUUM ANALYZE. Returns the seconds of
    each step. The tables are loaded UNLOGGED and without their indexes (built once at the end from
    sorted rows); `logged` makes them logged afterwards (a rewrite of each into the WAL)."""
    engine = make_engine(url, pool_size=jobs + 2)
    seconds: dict[str, float] = {}
    pool = ThreadPoolExecutor(jobs)

    def step(name: str, fn: Callable[[], object]) -> None:
        mark = time.perf_counter()
        fn()
        seconds[name] = time.perf_counter() - mark
        _log(f"  {name}: {seconds[name]:.1f} s")

    try:
        step("federations", lambda: _create(engine, copies))
        step("first copy", lambda: _copy_unions(engine, unions, seed))
        step("other copies", lambda: _replicate(engine, pool, copies))
        step("primary keys", lambda: _parallel(engine, pool, [_pkey_sql(t) for t in _TABLES[:2]]))
        step("tallies", lambda: _tallies(engine, pool))
        step("indexes", lambda: _parallel(engine, pool, _index_sql()))
        if logged:
            step("set logged", lambda: _parallel(engine, pool, [f"ALTER TABLE {t} SET LOGGED" for t in _TABLES]))
        step("analyse", lambda: _parallel(engine, pool, [f"VACUUM ANALYZE {t}" for t in _TABLES], autocommit=True))
    finally:
        pool.shutdown()
        engine.dispose()
    return seconds


def _create(engine: sa.Engine, copies: int) -> None:
    """The event tables with the federations' registrations; the read tables empty, UNLOGGED (a
    bench's: emptied if the server crashes) and without indexes but the tallies' primary keys."""
    with engine.begin() as conn:
        for t in reversed(schema.metadata.sorted_tables):
            t.drop(conn, checkfirst=True)
        event_schema.metadata.drop_all(conn)
        event_schema.metadata.create_all(conn)
        conn.execute(event_schema.log_head.insert().values(id=1, position=0, hash=event_schema.GENESIS_HASH))
        md = sa.MetaData()
        for name in _TABLES:
            schema.SPECS[name].build(md, name, indexes=False)
        md.create_all(conn)
        for name in _TABLES:
            conn.execute(sa.text(f"ALTER TABLE {name} SET UNLOGGED"))
        for name in _TABLES[:2]:
            conn.execute(sa.text(f"ALTER TABLE {name} DROP CONSTRAINT {name}_pkey"))
    synthetic.write_log(engine, _federations(copies))


def _pkey_sql(name: str) -> str:
    columns = ", ".join(f'"{c}"' for c in schema.SPECS[name].primary_key)
    return f"ALTER TABLE {name} ADD CONSTRAINT {name}_pkey PRIMARY KEY ({columns})"


def _index_sql() -> list[str]:
    md = sa.MetaData()
    out = []
    for name in _TABLES:
        table = schema.SPECS[name].build(md, name)
        out.extend(str(CreateIndex(ix).compile(dialect=postgresql.dialect())) for ix in table.indexes)
    return out


def _parallel(engine: sa.Engine, pool: ThreadPoolExecutor, statements: Sequence[str], autocommit: bool = False) -> None:
    """Each statement in its own transaction, on as many connections as the pool has threads."""

    def run(sql: str) -> None:
        with engine.connect() as conn:
            if autocommit:
                conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            conn.exec_driver_sql("SET maintenance_work_mem = '256MB'")
            conn.exec_driver_sql(sql)
            conn.commit()

    for future in [pool.submit(run, sql) for sql in statements]:
        future.result()


def _tallies(engine: sa.Engine, pool: ThreadPoolExecutor) -> None:
    """`tallies.build` per province and source on the pool's connections, then the levels above
    them on one (the provinces' tallies added up, not summed again)."""
    live = {t: schema.LIVE[t] for t in _TABLES}
    with engine.connect() as conn:
        top = {
            s: [p for n in tallies.children_of(conn, live[s], "") for p in tallies.children_of(conn, live[s], n)]
            for s in tallies.SOURCES
        }

    def run(source: str, province: str) -> None:
        tally = tallies.SOURCES[source][0]
        with engine.begin() as conn:
            tallies.build(conn, {source: live[source], tally: live[tally]}, at=province)

    for future in [pool.submit(run, s, p) for s, provinces in top.items() for p in provinces]:
        future.result()
    with engine.begin() as conn:
        tallies.build(conn, live, built={p for provinces in top.values() for p in provinces})


def _replicate(engine: sa.Engine, pool: ThreadPoolExecutor, copies: int) -> None:
    """Copies 1 .. copies-1 of the first copy's rows, ids and paths rewritten, by INSERT ... SELECT
    (one copy per statement, on the pool's connections)."""
    a_cols = [c.name for c in schema.alerts.columns]
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE UNLOGGED TABLE bench_alerts AS SELECT * FROM proj_alerts"))
        conn.execute(sa.text("CREATE UNLOGGED TABLE bench_marks AS SELECT * FROM proj_coverage_marks"))
    statements = []
    for copy in range(1, copies):
        path = f"replace(replace(path, '-C', '-X{copy}C'), '/U', '/X{copy}U')"
        a_sel = ", ".join(
            path if c == "path" else f"'X{copy}' || org_id" if c == "org_id" else f'"{c}"' for c in a_cols
        )
        names = ", ".join(f'"{c}"' for c in a_cols)
        statements.append(f"INSERT INTO proj_alerts ({names}) SELECT {a_sel} FROM bench_alerts")
        statements.append(f"INSERT INTO proj_coverage_marks SELECT {path}, figure, day, n FROM bench_marks")
    _parallel(engine, pool, statements)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE bench_alerts, bench_marks"))


def _copy_unions(engine: sa.Engine, unions: int, seed: int) -> None:
    """COPY the alert periods and the coverage marks, each on its own connection (one COPY at a
    time per connection), in one pass over the unions."""
    a_raw, m_raw = engine.raw_connection(), engine.raw_connection()
    try:
        columns = ", ".join(f'"{c.name}"' for c in schema.alerts.columns)
        a_cur, m_cur = a_raw.cursor(), m_raw.cursor()
        n = 0
        with (
            a_cur.copy(f"COPY proj_alerts ({columns}) FROM STDIN") as a_copy,
            m_cur.copy("COPY proj_coverage_marks (path, figure, day, n) FROM STDIN") as m_copy,
        ):
            for alerts, marks in _unions(unions, seed):
                for row in alerts:
                    a_copy.write_row(row)
                for row in marks:
                    m_copy.write_row(row)
                n += 1
                if n % 50_000 == 0:
                    _log(f"  {n:,} unions")
        a_raw.commit()
        m_raw.commit()
    finally:
        a_raw.close()
        m_raw.close()
