"""The unions and procedures lists (issue 19) at national scale on PostgreSQL: 2.8 million unions.

    .venv/bin/python -m bench.bench_lists                    # loads once (a few minutes), then times
    .venv/bin/python -m bench.bench_lists --reload --unions 300000

What a list costs depends only on the read-model rows it walks, so the rows are written straight
into the live tables (`projections.schema`, with their indexes) by SQL, not replayed from a log:
31 provinces of 10 cities of 10 counties of 10 townships of `--unions` / 31,000 unions each, names
of two pseudo-random CJK characters and a suffix, 70 % with a term (deadlines spread over ten
years), every fifth with a re-election under way (one in ten of those waiting on its township),
an overdue alert for each term past its deadline on the date asked about. The national union and
the first province, city, county and township are registered through the workflow (their events
give the subtree's path, as on a real system); everything else only has its rows.

Then each list query (`projections.queries.unions`, `procedure_list`), the first page of 50 and its
count bounded at 10,000, as the pages ask for them, is timed `--repeat` times over the whole
country, a province, a county and a township; median and worst ms. The loaded database is kept
and reused (`--reload` loads it again).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from api.runtime import Runtime
from bench.support import ensure_database
from projections import queries
from workflow import commands as c
from workflow.authority import Actor

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/unionflow_bench_lists"
ON = dt.date(2026, 6, 1)
ROOTS = (("CN", None, "national"), ("P00", "CN", "province"), ("P00C0", "P00", "city"))
ROOTS += (("P00C0K0", "P00C0", "county"), ("P00C0K0T0", "P00C0K0", "township"))

# Rows by SQL. The federations: every township x (0..30,999) names its province, city and county.
_TREE = """
WITH t AS (
  SELECT 'P' || lpad((x / 1000)::text, 2, '0') AS p, 'C' || ((x / 100) % 10) AS c, 'K' || ((x / 10) % 10) AS k,
         'T' || (x % 10) AS tw
  FROM generate_series(0, 30999) x
), ids AS (
  SELECT p, p || c AS c, p || c || k AS k, p || c || k || tw AS tw FROM t
)
INSERT INTO proj_orgs (org_id, parent_id, path, depth, name, level, registered_on, term_number, internal,
                       stream_version)
SELECT DISTINCT {id}, {parent}, {path}, {depth}, {id} || '总工会', '{level}', DATE '2018-01-01', 0, '{{}}', 1
FROM ids ON CONFLICT DO NOTHING
"""
_LEVELS = (
    ("province", "p", "'CN'", "'CN/' || p || '/'", 1),
    ("city", "c", "p", "'CN/' || p || '/' || c || '/'", 2),
    ("county", "k", "c", "'CN/' || p || '/' || c || '/' || k || '/'", 3),
    ("township", "tw", "k", "'CN/' || p || '/' || c || '/' || k || '/' || tw || '/'", 4),
)

# The unions: n numbers them, township n / per holds them.
_UNIONS = """
INSERT INTO proj_orgs (org_id, parent_id, path, depth, name, level, registered_on, unit_name, unit_type,
                       employees, members, term_number, deadline, founded_at_latest, internal, stream_version)
SELECT 'U' || lpad(n::text, 7, '0'), t.org_id, t.path || 'U' || lpad(n::text, 7, '0') || '/', 5,
       chr((19968 + (n * 7919) % 20900)::int) || chr((19968 + (n * 104729) % 20900)::int) || '有限公司工会' || n,
       'grassroots', DATE '2018-01-01', '单位' || n, 'enterprise', (100 + n % 400)::int, (50 + n % 300)::int,
       CASE WHEN n % 10 < 7 THEN 1 ELSE 0 END,
       CASE WHEN n % 10 < 7 THEN DATE '2021-01-01' + ((n * 37) % 3650)::int END,
       CASE WHEN n % 10 < 7 THEN DATE '2016-01-01' + ((n * 37) % 3650)::int END, '{}', 1
FROM generate_series(0::bigint, :unions - 1) n
JOIN proj_orgs t ON t.level = 'township' AND t.org_id = 'P' || lpad((n / :per / 1000)::text, 2, '0')
     || 'C' || ((n / :per / 100) % 10) || 'K' || ((n / :per / 10) % 10) || 'T' || ((n / :per) % 10)
"""

# `\:` is a colon to sa.text(), not a parameter's name.
_PROCEDURES = r"""
INSERT INTO proj_procedures (org_id, procedure_id, path, approver_org, kind, state, closed, opened_on,
       last_moved_on, last_event, waiting_on, inbox_org, filed_on, profile_name, profile_version, reply_days,
       internal, last_version)
SELECT o.org_id, o.org_id || '\:reelection-1', o.path, o.parent_id, 'reelection',
       CASE WHEN n % 50 = 0 THEN 'results_filed' ELSE 'plan_approved' END, false, DATE '2025-01-01',
       DATE '2025-01-01' + (n % 500)::int, 'x', CASE WHEN n % 50 = 0 THEN o.parent_id ELSE o.org_id END,
       CASE WHEN n % 50 = 0 THEN o.parent_id END, CASE WHEN n % 50 = 0 THEN DATE '2025-01-01' + (n % 500)::int END,
       'national', 1, 15, '{}', 2
FROM (SELECT org_id, path, parent_id, substr(org_id, 2)::bigint AS n FROM proj_orgs WHERE level = 'grassroots') o
WHERE o.n % 5 = 0
"""

_ALERTS = """
INSERT INTO proj_alerts (org_id, kind, seq, path, fires_from, fires_until, deadline, rule, procedure_id, "window",
                         basis)
SELECT org_id, 'A-TERM-OVERDUE', 1, path, deadline + 1, DATE '9999-12-31', deadline, 'R-ON-TIME', NULL, '0d',
       'term 1 ends ' || deadline
FROM proj_orgs WHERE level = 'grassroots' AND deadline < :on
"""


def load(rt: Runtime, unions: int) -> None:
    admin = Actor(person_id="bench", role="admin", org_id="CN")
    for org_id, parent, level in ROOTS:
        cmd = c.RegisterOrganisation(
            org_id=org_id, name=f"{org_id} 总工会", level=level, parent_id=parent, occurred_on=dt.date(2018, 1, 1)
        )
        rt.service.execute(cmd, admin)
    per = max(1, unions // 31_000)
    with rt.engine.begin() as conn:
        for level, id_, parent, path, depth in _LEVELS:
            conn.execute(sa.text(_TREE.format(id=id_, parent=parent, path=path, depth=depth, level=level)))
        conn.execute(sa.text(_UNIONS), {"unions": per * 31_000, "per": per})
        conn.execute(sa.text(_PROCEDURES))
        conn.execute(sa.text(_ALERTS), {"on": ON})
    with rt.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE")  # the visibility map: index-only scans, as autovacuum keeps them


def _timed(fn: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times), result


def cases(engine: sa.Engine) -> dict[str, Callable[[str], Any]]:
    u, p = queries.UnionSearch, queries.ProcedureSearch

    def unions(search: queries.UnionSearch) -> Callable[[str], Any]:
        return lambda root: queries.unions(engine, root, search, below_only=True, limit=50)

    def procs(search: queries.ProcedureSearch) -> Callable[[str], Any]:
        return lambda root: queries.procedure_list(engine, root, search, limit=50)

    return {
        "unions, tree order": unions(u(ON)),
        "name beginning (2 chars), by name": unions(u(ON, q=chr(19968 + 7919) + chr(19968 + 104729 % 20900))),
        "name beginning (1 char), by name": unions(u(ON, q=chr(19968 + 7919))),
        "code, exactly": unions(u(ON, q="U0000450")),
        "state: term past its deadline": unions(u(ON, state="term_expired")),
        "alert A-TERM-OVERDUE": unions(u(ON, alert="A-TERM-OVERDUE")),
        "overdue": unions(u(ON, overdue=True)),
        "procedure waiting on approval": unions(u(ON, procedure_kind="reelection", procedure_state="results_filed")),
        "sorted by deadline": unions(u(ON, sort="deadline")),
        "sorted by name": unions(u(ON, sort="name")),
        "procedures, tree order": procs(p()),
        "procedures waiting on an approver": procs(p(waiting="approver")),
        "procedures, longest since a step": procs(p(sort="moved")),
    }


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", default=DEFAULT_URL)
    ap.add_argument("--unions", type=int, default=2_790_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--reload", action="store_true")
    args = ap.parse_args(argv)
    ensure_database(args.url)
    rt = Runtime.open(args.url, clock=lambda: ON)
    if args.reload:
        with rt.engine.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    rt.upgrade()
    with rt.engine.connect() as conn:
        loaded = conn.exec_driver_sql("SELECT count(*) FROM proj_orgs").scalar_one()
    if loaded < 1000:
        started = time.perf_counter()
        load(rt, args.unions)
        print(f"loaded in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    roots = [("the country", "CN"), ("a province", "P00"), ("a county", "P00C0K0"), ("a township", "P00C0K0T0")]
    print(f"| list | {' | '.join(name for name, _ in roots)} |")
    print(f"|---|{'---|' * len(roots)}")
    for name, query in cases(rt.engine).items():
        cells = []
        for _, root in roots:
            median, worst, listing = _timed(lambda q=query, r=root: q(r), args.repeat)  # type: ignore[misc]
            more = "" if listing.total_exact else "+"
            cells.append(f"{median:.1f} / {worst:.1f} ({listing.total:,}{more})")
        print(f"| {name} | {' | '.join(cells)} |", flush=True)
    rt.engine.dispose()


if __name__ == "__main__":
    main()
