"""The workflow command loop: load the union's stream, fold, check authority and every rule, append
with the expected version, for the full founding of many unions (12 commands each), on SQLite and
PostgreSQL. The same number of load-and-save commands run through the eventsourcing library (no
rules at all) on the same database in the same run, and the ratio is printed beside the figures:
machines here are noisy, the ratio much less so.

    .venv/bin/python -m bench.bench_workflow --unions 300            # both databases
    .venv/bin/python -m bench.bench_workflow --unions 300 --db sqlite
    .venv/bin/python -m bench.bench_workflow --projections           # keep read models current inline
    .venv/bin/python -m bench.bench_workflow --unions 200 --db sqlite --projections --repeat 3 --breakdown

The two loops run on fresh databases with their blocks interleaved (one step of every union's
founding through unionflow, one through eventsourcing, ...), so that load from elsewhere on the
machine slows both alike; "cpu us" is the process CPU time (user + system) per command.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import os
import statistics
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event

from bench.breakdown import Breakdown
from bench.support import percentile, postgres_pair, sqlite_pair
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


# The founding after its request (worked example 1's numbers): each step's command, its fields
# besides the union and procedure ids, and whether the parent's approver sends it.
_FOUNDING_STEPS: list[tuple[type[c.ProcedureCommand], dict[str, Any], bool]] = [
    (c.ApproveFiling, {"document_no": "1", "occurred_on": D(2019, 1, 10)}, True),
    (
        c.RecordMembersRecruited,
        {"members": 80, "female_members": 12, "employees": 120, "occurred_on": D(2019, 1, 20)},
        False,
    ),
    (
        c.DecideCongressType,
        {"congress_type": "members_meeting", "committee_seats": 7, "occurred_on": D(2019, 1, 25)},
        False,
    ),
    (
        c.ProposeCandidates,
        {
            "committee_candidates": COMMITTEE,
            "chair_candidates": COMMITTEE[:2],
            "funds_review_seats": 3,
            "funds_review_candidates": FUNDS,
            "occurred_on": D(2019, 2, 1),
        },
        False,
    ),
    (c.PostCandidates, {"occurred_on": D(2019, 2, 1)}, False),
    (c.FileCandidates, {"party_org": "branch", "party_approved": True, "occurred_on": D(2019, 2, 5)}, False),
    (c.ApproveFiling, {"document_no": "2", "occurred_on": D(2019, 2, 10)}, True),
    (
        c.HoldCongress,
        {
            "due": 80,
            "present": 54,
            "committee_vote": BallotCount(seats=7, ballots_issued=54, ballots_returned=54, tallies=TALLIES),
            "funds_review_vote": BallotCount(
                seats=3, ballots_issued=54, ballots_returned=54, tallies={"f0": 50, "f1": 49, "f2": 45}
            ),
            "occurred_on": D(2019, 3, 1),
        },
        False,
    ),
    (
        c.ElectChair,
        {
            "chair": "c0",
            "vice_chairs": ["c1"],
            "due": 80,
            "yes": 54,
            "vice_chair_yes": {"c1": 54},
            "occurred_on": D(2019, 3, 1),
        },
        False,
    ),
    (
        c.FileResults,
        {
            "funds_review_director": "f0",
            "women_committee_formed": True,
            "women_director": "c2",
            "term_years": 5,
            "occurred_on": D(2019, 3, 5),
        },
        False,
    ),
    (c.ApproveFiling, {"document_no": "3", "occurred_on": D(2019, 3, 20)}, True),
]


def _procedure_step(cls: type[c.ProcedureCommand], union_id: str, fields: dict[str, Any], p: str | None) -> c.Command:
    return cls(union_id=union_id, procedure_id=p, **fields)


def founding_commands(union_id: str) -> Iterator[tuple[Callable[[str | None], c.Command], Actor]]:
    """The twelve commands that found one union, each a function of the procedure id."""
    staff = Actor(person_id=f"staff-{union_id}", role="staff", org_id=union_id)
    unit = UnitFacts(
        unit_name=union_id, unit_type="enterprise", employees=120, members=0, female_members=0, has_party_org=True
    )
    prep_group = [PrepGroupMember(name=n) for n in "abcd"]
    request = c.RequestFounding(
        union_id=union_id, unit=unit, initiators=["a"], prep_group=prep_group, occurred_on=D(2019, 1, 5)
    )
    yield (lambda p: request), staff
    for cls, fields, by_approver in _FOUNDING_STEPS:
        yield functools.partial(_procedure_step, cls, union_id, fields), APPROVER if by_approver else staff


class UnionflowLoop:
    """The founding of `unions` unions through the workflow service, one step (a command per
    union) at a time, so that the eventsourcing loop can run its blocks in between."""

    def __init__(self, url: str, unions: int, with_projections: bool) -> None:
        self.engine = make_engine(url)
        if with_projections:
            import projections

            projections.register_migrations()
        migrations.upgrade(self.engine)
        store = EventStore(self.engine, CATALOGUE)
        listener: Any = None
        if with_projections:
            listener = projections.Projections(self.engine).listener
        self.service = service = WorkflowService(store, clock=lambda: D(2026, 11, 21), listener=listener)
        for org_id, level, parent in (("N", "national", None), ("P1", "province", "N"), ("C1", "city", "P1")):
            service.execute(
                c.RegisterOrganisation(
                    org_id=org_id, name=org_id, level=level, parent_id=parent, occurred_on=D(2018, 1, 1)
                ),
                ADMIN,
            )
        self.ids = ids = [f"U{i:06d}" for i in range(unions)]
        for u in ids:
            service.execute(
                c.RegisterOrganisation(
                    org_id=u,
                    name=u,
                    level="grassroots",
                    parent_id="C1",
                    occurred_on=D(2018, 1, 1),
                    unit=UnitFacts(
                        unit_name=u,
                        unit_type="enterprise",
                        employees=120,
                        members=0,
                        female_members=0,
                        has_party_org=True,
                    ),
                ),
                ADMIN,
            )
        self.plans = {u: list(founding_commands(u)) for u in ids}
        self.pids: dict[str, str | None] = dict.fromkeys(ids)

    def step(self, n: int, latencies: list[float]) -> None:
        """Step `n` (0-11) of every union's founding. The unions take turns, as real traffic
        would, so every command loads a stream that is not the one just written."""
        service, pids = self.service, self.pids
        for u in self.ids:
            make, actor = self.plans[u][n]
            cmd = make(pids[u])
            t0 = time.perf_counter()
            result = service.execute(cmd, actor)
            latencies.append(time.perf_counter() - t0)
            pids[u] = pids[u] or result.procedure_id

    def close(self) -> int:
        """The number of unions founded (checked against the number started)."""
        founded = sum(1 for u in self.ids if self.service.load(u).founded)
        self.engine.dispose()
        return founded


def run_unionflow(url: str, unions: int, with_projections: bool) -> tuple[list[float], int]:
    loop = UnionflowLoop(url, unions, with_projections)
    latencies: list[float] = []
    for n in range(12):
        loop.step(n, latencies)
    return latencies, loop.close()


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


class EventsourcingLoop:
    """The eventsourcing library's plain load-and-save loop: get the aggregate, trigger an event,
    save. No rules, no authority, no dates."""

    def __init__(self, env: dict[str, str], unions: int) -> None:
        self.app = Unions(env=env)
        self.ids = []
        for i in range(unions):
            agg = Union(name=f"U{i}")
            self.app.save(agg)
            self.ids.append(agg.id)

    def step(self, n: int, latencies: list[float]) -> None:
        app = self.app
        for agg_id in self.ids:
            t0 = time.perf_counter()
            agg: Any = app.repository.get(agg_id)
            agg.step(n + 1)
            app.save(agg)
            latencies.append(time.perf_counter() - t0)

    def close(self) -> None:
        self.app.close()


def run_eventsourcing(env: dict[str, str], unions: int) -> list[float]:
    loop = EventsourcingLoop(env, unions)
    latencies: list[float] = []
    for n in range(12):
        loop.step(n, latencies)
    loop.close()
    return latencies


@dataclass
class Run:
    database: str
    ours: list[float]
    theirs: list[float]
    cpu_ours: float  # process CPU seconds (user + system) spent in our blocks
    cpu_theirs: float

    @property
    def rate_ours(self) -> float:
        return len(self.ours) / sum(self.ours)

    @property
    def rate_theirs(self) -> float:
        return len(self.theirs) / sum(self.theirs)

    @property
    def ratio(self) -> float:
        return self.rate_ours / self.rate_theirs


def run_both(database: str, unions: int, with_projections: bool) -> Run:
    """Both loops on fresh databases, their blocks interleaved (ours, theirs, theirs, ours, ...):
    whatever else the machine is doing slows both alike, so the ratio is steadier than either."""
    target = sqlite_pair() if database == "sqlite" else postgres_pair(PG_ADMIN_URL, "b", CREATE_TABLE="y")
    with target as (url, es_env):
        ours_loop = UnionflowLoop(url, unions, with_projections)
        theirs_loop = EventsourcingLoop(es_env, unions)
        ours: list[float] = []
        theirs: list[float] = []
        cpu = {"ours": 0.0, "theirs": 0.0}

        def block(which: str, n: int) -> None:
            t = time.process_time()
            if which == "ours":
                ours_loop.step(n, ours)
            else:
                theirs_loop.step(n, theirs)
            cpu[which] += time.process_time() - t

        for n in range(12):
            for which in ("ours", "theirs") if n % 2 == 0 else ("theirs", "ours"):
                block(which, n)
        founded = ours_loop.close()
        theirs_loop.close()
        if founded != unions:
            raise SystemExit(f"only {founded} of {unions} unions were founded: the workload is wrong")
    return Run(database, ours, theirs, cpu["ours"], cpu["theirs"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--unions", type=int, default=300, help="unions founded (12 commands each)")
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--projections", action="store_true", help="apply projections inline (read-your-writes)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per database, each on fresh databases")
    parser.add_argument("--breakdown", action="store_true", help="also time each part of a command (slows it by ~10%%)")
    args = parser.parse_args()
    chosen = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    label = "unionflow+proj" if args.projections else "unionflow"
    header = (
        f"{'database':<10} {'engine':<14} {'commands':>8} {'cmd/s':>7} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'cpu us':>7} {'ratio':>6}"
    )
    print(header)
    for name in chosen:
        ratios = []
        for _ in range(args.repeat):
            timer = Breakdown() if args.breakdown else None
            if timer is not None:
                timer.install()
            try:
                run = run_both(name, args.unions, args.projections)
            finally:
                if timer is not None:
                    timer.uninstall()
            ratios.append(run.ratio)
            for engine, lat, cpu, ratio in (
                (label, run.ours, run.cpu_ours, run.ratio),
                ("eventsourcing", run.theirs, run.cpu_theirs, 1.0),
            ):
                print(
                    f"{name:<10} {engine:<14} {len(lat):>8} {len(lat) / sum(lat):>7.0f} "
                    f"{percentile(lat, 0.5) * 1000:>7.2f} {percentile(lat, 0.99) * 1000:>7.2f} "
                    f"{cpu / len(lat) * 1e6:>7.0f} {ratio:>6.2f}"
                )
            if timer is not None:
                timer.report(len(run.ours))
        if args.repeat > 1:
            print(
                f"{name:<10} ratio over {args.repeat} runs: median {statistics.median(ratios):.2f}, "
                f"min {min(ratios):.2f}, max {max(ratios):.2f}"
            )


if __name__ == "__main__":
    main()
