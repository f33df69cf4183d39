"""The workflow command loop: load the union's stream, fold, check authority and every rule, append
with the expected version, for the full founding of many unions (12 commands each), on SQLite and
PostgreSQL. The same number of load-and-save commands run through the eventsourcing library (no
rules at all) on the same database in the same run, and the ratio is printed beside the figures:
machines here are noisy, the ratio much less so.

    .venv/bin/python -m bench.bench_workflow --unions 300            # both databases
    .venv/bin/python -m bench.bench_workflow --unions 300 --db sqlite
    .venv/bin/python -m bench.bench_workflow --projections           # keep read models current inline
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event

from events import EventStore, make_engine
from events import migrate as migrations
from events.catalogue import CATALOGUE, BallotCount, Candidate, PrepGroupMember, UnitFacts
from workflow import commands as c
from workflow.authority import Actor
from workflow.service import WorkflowService

PG_ADMIN_URL = os.environ.get("UNIONFLOW_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/unionflow_bench")
D = dt.date
ADMIN = Actor(person_id="bench-admin", role="admin", org_id="N")
APPROVER = Actor(person_id="bench-approver", role="approver", org_id="C1")
COMMITTEE = [Candidate(name=f"c{i}") for i in range(8)]
FUNDS = [Candidate(name=f"f{i}") for i in range(3)]
TALLIES = {"c0": 54, "c1": 53, "c2": 52, "c3": 50, "c4": 48, "c5": 45, "c6": 42, "c7": 30}


def _pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def founding_commands(union_id: str) -> Iterator[tuple[Callable[[str | None], c.Command], Actor]]:
    """The twelve commands that found one union, each a function of the procedure id."""
    staff = Actor(person_id=f"staff-{union_id}", role="staff", org_id=union_id)
    unit = UnitFacts(
        unit_name=union_id, unit_type="enterprise", employees=120, members=0, female_members=12, has_party_org=True
    )
    u = union_id
    yield (
        (
            lambda p: c.RequestFounding(
                union_id=u,
                unit=unit,
                initiators=["a"],
                prep_group=[PrepGroupMember(name=n) for n in "abcd"],
                occurred_on=D(2019, 1, 5),
            )
        ),
        staff,
    )
    yield (lambda p: c.ApproveFiling(union_id=u, procedure_id=p, document_no="1", occurred_on=D(2019, 1, 10))), APPROVER
    yield (
        (
            lambda p: c.RecordMembersRecruited(
                union_id=u, procedure_id=p, members=80, female_members=12, employees=120, occurred_on=D(2019, 1, 20)
            )
        ),
        staff,
    )
    yield (
        (
            lambda p: c.DecideCongressType(
                union_id=u,
                procedure_id=p,
                congress_type="members_meeting",
                committee_seats=7,
                occurred_on=D(2019, 1, 25),
            )
        ),
        staff,
    )
    yield (
        (
            lambda p: c.ProposeCandidates(
                union_id=u,
                procedure_id=p,
                committee_candidates=COMMITTEE,
                chair_candidates=COMMITTEE[:2],
                funds_review_seats=3,
                funds_review_candidates=FUNDS,
                occurred_on=D(2019, 2, 1),
            )
        ),
        staff,
    )
    yield (lambda p: c.PostCandidates(union_id=u, procedure_id=p, occurred_on=D(2019, 2, 1))), staff
    yield (
        (
            lambda p: c.FileCandidates(
                union_id=u, procedure_id=p, party_org="branch", party_approved=True, occurred_on=D(2019, 2, 5)
            )
        ),
        staff,
    )
    yield (lambda p: c.ApproveFiling(union_id=u, procedure_id=p, document_no="2", occurred_on=D(2019, 2, 10))), APPROVER
    yield (
        (
            lambda p: c.HoldCongress(
                union_id=u,
                procedure_id=p,
                due=80,
                present=54,
                committee_vote=BallotCount(seats=7, ballots_issued=54, ballots_returned=54, tallies=TALLIES),
                funds_review_vote=BallotCount(
                    seats=3, ballots_issued=54, ballots_returned=54, tallies={"f0": 50, "f1": 49, "f2": 45}
                ),
                occurred_on=D(2019, 3, 1),
            )
        ),
        staff,
    )
    yield (
        (
            lambda p: c.ElectChair(
                union_id=u, procedure_id=p, chair="c0", vice_chairs=["c1"], due=80, yes=60, occurred_on=D(2019, 3, 1)
            )
        ),
        staff,
    )
    yield (
        (
            lambda p: c.FileResults(
                union_id=u,
                procedure_id=p,
                funds_review_director="f0",
                women_committee_formed=True,
                women_director="c2",
                term_years=5,
                occurred_on=D(2019, 3, 5),
            )
        ),
        staff,
    )
    yield (lambda p: c.ApproveFiling(union_id=u, procedure_id=p, document_no="3", occurred_on=D(2019, 3, 20))), APPROVER


def run_unionflow(url: str, unions: int, with_projections: bool) -> tuple[list[float], int]:
    engine = make_engine(url)
    if with_projections:
        import projections

        projections.register_migrations()  # type: ignore[attr-defined]
    migrations.upgrade(engine)
    store = EventStore(engine, CATALOGUE)
    listener: Any = None
    if with_projections:
        listener = projections.Projections(engine).listener  # type: ignore[attr-defined]
    service = WorkflowService(store, clock=lambda: D(2026, 11, 21), listener=listener)
    for org_id, level, parent in (("N", "national", None), ("P1", "province", "N"), ("C1", "city", "P1")):
        service.execute(
            c.RegisterOrganisation(
                org_id=org_id, name=org_id, level=level, parent_id=parent, occurred_on=D(2018, 1, 1)
            ),
            ADMIN,
        )
    ids = [f"U{i:06d}" for i in range(unions)]
    for u in ids:
        service.execute(
            c.RegisterOrganisation(
                org_id=u,
                name=u,
                level="grassroots",
                parent_id="C1",
                occurred_on=D(2018, 1, 1),
                unit=UnitFacts(
                    unit_name=u, unit_type="enterprise", employees=120, members=0, female_members=12, has_party_org=True
                ),
            ),
            ADMIN,
        )
    # Interleave the unions step by step, as real traffic would, so every command loads a stream
    # that is not the one just written.
    plans = {u: list(founding_commands(u)) for u in ids}
    pids: dict[str, str | None] = dict.fromkeys(ids)
    latencies: list[float] = []
    for step in range(12):
        for u in ids:
            make, actor = plans[u][step]
            cmd = make(pids[u])
            t0 = time.perf_counter()
            result = service.execute(cmd, actor)
            latencies.append(time.perf_counter() - t0)
            pids[u] = pids[u] or result.procedure_id
    founded = sum(1 for u in ids if service.load(u).founded)
    engine.dispose()
    return latencies, founded


class Union(Aggregate):
    @event("Registered")
    def __init__(self, name: str) -> None:
        self.name = name
        self.steps = 0

    @event("Stepped")
    def step(self, n: int) -> None:
        self.steps = n


class Unions(Application[uuid.UUID]):
    pass


def run_eventsourcing(env: dict[str, str], unions: int) -> list[float]:
    """The eventsourcing library's plain load-and-save loop: get the aggregate, trigger an event,
    save. No rules, no authority, no dates."""
    app = Unions(env=env)
    ids = []
    for i in range(unions):
        agg = Union(name=f"U{i}")
        app.save(agg)
        ids.append(agg.id)
    latencies: list[float] = []
    for n in range(1, 13):
        for agg_id in ids:
            t0 = time.perf_counter()
            agg = app.repository.get(agg_id)
            agg.step(n)
            app.save(agg)
            latencies.append(time.perf_counter() - t0)
    app.close()
    return latencies


@contextmanager
def sqlite_target() -> Iterator[tuple[str, dict[str, str]]]:
    with tempfile.TemporaryDirectory() as tmp:
        yield (
            f"sqlite:///{tmp}/unionflow.db",
            {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": f"{tmp}/eventsourcing.db"},
        )


@contextmanager
def postgres_target() -> Iterator[tuple[str, dict[str, str]]]:
    url = sa.make_url(PG_ADMIN_URL)
    admin = make_engine(
        url.set(database="postgres").render_as_string(hide_password=False), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        if not conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": url.database}).first():
            conn.exec_driver_sql(f'CREATE DATABASE "{url.database}"')
    admin.dispose()
    ours, theirs = f"b_{uuid.uuid4().hex[:8]}", f"es_{uuid.uuid4().hex[:8]}"
    base = make_engine(PG_ADMIN_URL)
    with base.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{ours}"')
        conn.exec_driver_sql(f'CREATE SCHEMA "{theirs}"')
    try:
        yield (
            url.update_query_dict({"options": f"-csearch_path={ours}"}).render_as_string(hide_password=False),
            {
                "PERSISTENCE_MODULE": "eventsourcing.postgres",
                "POSTGRES_DBNAME": str(url.database),
                "POSTGRES_HOST": url.host or "127.0.0.1",
                "POSTGRES_PORT": str(url.port or 5432),
                "POSTGRES_USER": url.username or "postgres",
                "POSTGRES_PASSWORD": url.password or "",
                "POSTGRES_SCHEMA": theirs,
                "CREATE_TABLE": "y",
            },
        )
    finally:
        with base.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{ours}" CASCADE')
            conn.exec_driver_sql(f'DROP SCHEMA "{theirs}" CASCADE')
        base.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--unions", type=int, default=300, help="unions founded (12 commands each)")
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--projections", action="store_true", help="apply projections inline (read-your-writes)")
    args = parser.parse_args()
    targets = {"sqlite": sqlite_target, "postgres": postgres_target}
    chosen = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    print(f"{'database':<10} {'engine':<14} {'commands':>8} {'cmd/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'ratio':>6}")
    for name in chosen:
        with targets[name]() as (url, es_env):
            ours, founded = run_unionflow(url, args.unions, args.projections)
            if founded != args.unions:
                raise SystemExit(f"only {founded} of {args.unions} unions were founded: the workload is wrong")
            theirs = run_eventsourcing(es_env, args.unions)
        rate_ours, rate_theirs = len(ours) / sum(ours), len(theirs) / sum(theirs)
        label = "unionflow+proj" if args.projections else "unionflow"
        print(
            f"{name:<10} {label:<14} {len(ours):>8} {rate_ours:>9.0f} {_pct(ours, 0.5):>8.2f} "
            f"{_pct(ours, 0.99):>8.2f} {rate_ours / rate_theirs:>6.2f}"
        )
        print(
            f"{name:<10} {'eventsourcing':<14} {len(theirs):>8} {rate_theirs:>9.0f} {_pct(theirs, 0.5):>8.2f} "
            f"{_pct(theirs, 0.99):>8.2f} {1.0:>6.2f}"
        )
        print(f"{'':<10} {'median check':<14} {'':>8} {1 / statistics.median(ours):>9.0f}")


if __name__ == "__main__":
    main()
