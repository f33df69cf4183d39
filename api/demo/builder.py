"""Building the whole demo and loading it (`load_demo`): the tree down to the streets, a unit and a
story for each grassroots union, then every step sent through the workflow service in the order of
their business dates."""

from __future__ import annotations

import datetime as dt
import random
import string
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

from api.demo.naming import (
    CITY,
    DISTRICTS,
    GOVERNMENT,
    INSTITUTIONS,
    OTHER,
    PROVINCE,
    ROOT,
    SOCIAL,
    TRADE_NAMES,
    TRADES,
    People,
)
from api.demo.scope import plan_scope
from api.demo.situations import MIN_UNIONS, SITUATIONS, plan_story
from api.demo.story import Federation
from api.demo.timeline import Step
from api.runtime import Runtime
from events.catalogue import UnitFacts
from workflow import commands as c
from workflow import rules
from workflow.authority import Actor
from workflow.by_election import congress_electorate
from workflow.calendar import OFFICIAL_YEARS
from workflow.profile import RuleProfile
from workflow.service import WorkflowService


class DemoRefused(Exception):
    """The demo loads only into an empty database."""


@dataclass
class DemoResult:
    unions: int
    commands: int
    events: int
    seconds: float
    situations: Counter[str]
    tokens: list[dict[str, Any]] = field(default_factory=list)


def _pinned_profile(rt: Runtime, today: dt.date) -> RuleProfile:
    """The profile the demo's procedures pin. Working days in a year the official calendar package
    does not carry yet are unknown, and R-NOTICE refuses to count them (RULES.md §5); so that the
    demo still loads in such a year, it publishes a version of the profile that declares those
    years as plain weekdays: demo data, as an administrator would declare them."""
    latest = rt.service.profiles.latest(rt.service.default_profile)
    beyond = frozenset(range(OFFICIAL_YEARS.stop, today.year + 1))
    if beyond <= latest.calendar_years:
        return latest
    declared = latest.model_copy(
        update={"version": latest.version + 1, "calendar_years": latest.calendar_years | beyond}
    )
    return rt.service.profiles.register(declared)


class DemoBuilder:
    def __init__(self, rt: Runtime, unions: int, seed: int) -> None:
        self.rt = rt
        self.rng = random.Random(seed)
        self.people = People(self.rng)
        self.today = rt.service.clock()
        self.profile = _pinned_profile(rt, self.today)
        self.go_live = dt.date(self.today.year - 7, 3, 1)
        self.unions = unions
        self.steps: list[Step] = []
        self.federations: list[Federation] = []
        self.city_admin = self.people.actor("admin", CITY)
        self.situations: Counter[str] = Counter()
        self.staff_of: dict[str, Actor] = {}
        self._unit_names: set[str] = set()

    def open_accounts(self) -> None:
        """An account, without a password (nobody signs in with it), for each person who acted in
        the demo: the register of the people a union office keeps, so that pages name them."""
        from api.accounts import Grant

        for person_id, (name, actor) in self.people.acting.items():
            if self.rt.accounts.get(person_id) is None:
                grant = Grant(actor.role, actor.org_id)
                self.rt.accounts.add(person_id, name, [grant], None, by="unionflow demo")

    def credit_code(self) -> str:
        """A union legal person's unified social credit code (统一社会信用代码): 81 (工会), the
        Dalian division code, ten more characters."""
        chars = string.digits + "ABCDEFGHJKLMNPQRTUWXY"
        return "81210200" + "".join(self.rng.choice(chars) for _ in range(10))

    # ------------------------------------------------------------------ the tree

    def tree(self) -> None:
        on = self.go_live
        root_admin = self.people.actor("admin", ROOT)
        province_admin = self.people.actor("admin", PROVINCE)
        reg = c.RegisterOrganisation
        self.steps += [
            Step(on, root_admin, reg(org_id=ROOT, name="中华全国总工会", level="national", occurred_on=on)),
            Step(
                on,
                root_admin,
                reg(org_id=PROVINCE, name="辽宁省总工会", level="province", parent_id=ROOT, occurred_on=on),
            ),
            Step(
                on,
                province_admin,
                reg(org_id=CITY, name="大连市总工会", level="city", parent_id=PROVINCE, occurred_on=on),
            ),
        ]
        for district_id, district, streets in DISTRICTS:
            self.steps.append(
                Step(
                    on,
                    self.city_admin,
                    reg(org_id=district_id, name=f"{district}总工会", level="county", parent_id=CITY, occurred_on=on),
                )
            )
            for i, street in enumerate(streets, 1):
                org_id = f"{district_id}-{i:02d}"
                name = f"{street}总工会" if street.endswith("街道") else f"{street}工会委员会"
                self.steps.append(
                    Step(
                        on,
                        self.city_admin,
                        reg(org_id=org_id, name=name, level="township", parent_id=district_id, occurred_on=on),
                    )
                )
                self.federations.append(
                    Federation(
                        org_id=org_id,
                        name=street,
                        short=street[:2],
                        district=district,
                        approver=self.people.actor("approver", org_id),
                        admin=self.people.actor("admin", org_id),
                    )
                )

    # ------------------------------------------------------------------ units

    def unit(self, fed: Federation) -> UnitFacts:
        rng = self.rng
        kind = rng.choices(
            ("enterprise", "public_institution", "government", "social_organisation", "other"), (70, 12, 8, 6, 4)
        )[0]
        # Employees by kind of unit: firms of every size; schools, hospitals and offices of tens to
        # hundreds; associations and firms of professionals small.
        sizes = ((12, 24), (25, 100), (101, 200), (201, 800), (801, 3000), (3001, 6000))
        weights = {
            "enterprise": (8, 40, 17, 22, 10, 3),
            "public_institution": (2, 35, 30, 28, 5, 0),
            "government": (5, 50, 30, 15, 0, 0),
        }.get(kind, (45, 50, 5, 0, 0, 0))
        bucket = rng.choices(sizes, weights)[0]
        employees = rng.randint(*bucket)
        members = min(employees, max(10, round(employees * rng.uniform(0.82, 0.98))))
        female = round(members * rng.uniform(0.15, 0.65))
        for _ in range(1000):
            t, s = rng.choice(TRADE_NAMES), fed.name.removesuffix("街道")
            match kind:
                case "enterprise":
                    suffix = "集团有限公司" if employees > 800 else rng.choice(("有限公司", "有限公司", "股份有限公司"))
                    name = f"大连{t}{rng.choice(TRADES)}{suffix}"
                case "public_institution":
                    name = rng.choice(INSTITUTIONS).format(d=fed.district, s=s, n=rng.randint(2, 80))
                case "government":
                    name = rng.choice(GOVERNMENT).format(d=fed.district, s=fed.name)
                case "social_organisation":
                    name = rng.choice(SOCIAL).format(d=fed.district, t=rng.choice(TRADES))
                case _:
                    name = rng.choice(OTHER).format(t=f"辽宁{t}")
            if name not in self._unit_names:
                self._unit_names.add(name)
                break
        has_party = kind in ("public_institution", "government") or rng.random() < (0.85 if employees > 200 else 0.5)
        return UnitFacts(
            unit_name=name,
            unit_type=kind,
            employees=employees,
            members=members,
            female_members=female,
            has_party_org=has_party,
        )

    def situations_for(self, n: int) -> list[str]:
        """Every situation once, the rest drawn by weight, shuffled over the streets."""
        names = [s for s, _ in SITUATIONS]
        chosen = names + self.rng.choices(names, [w for _, w in SITUATIONS], k=n - len(names))
        self.rng.shuffle(chosen)
        return chosen

    # ------------------------------------------------------------------ building and sending

    def plan(self) -> None:
        self.tree()
        per_street: Counter[str] = Counter()
        for n, situation in enumerate(self.situations_for(self.unions)):
            fed = self.federations[n % len(self.federations)]
            per_street[fed.org_id] += 1
            union_id = f"{fed.org_id}-{per_street[fed.org_id]:03d}"
            story = plan_story(self, situation, union_id, fed)
            self.situations[situation] += 1
            self.steps += story.steps
        plan_scope(self)  # a joint union and a dissolved one (RULES.md §7, R-DISSOLVE)

    def send(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Every step through the workflow service, in business-date order (a union's own steps keep
        their planned order on the same day)."""
        ordered = sorted(enumerate(self.steps), key=lambda p: (p[1].on, p[0]))
        service = self.rt.service
        for done, (_, step) in enumerate(ordered, 1):
            command = step.command
            if isinstance(command, c.RecordCongress) and command.due is not None:
                command = _due_on_record(service, command)
            service.execute(command, step.actor)
            if progress is not None and (done % 200 == 0 or done == len(ordered)):
                progress(done, len(ordered))
        return len(ordered)


def _due_on_record(service: WorkflowService, cmd: c.RecordCongress) -> c.RecordCongress:
    """R-ANNUAL: the union's staff count those due as the record has them on the congress's day
    (the members may have changed since the year's congress was planned), with the planned turnout
    kept in proportion and within quorum."""
    on_record = congress_electorate(service.load(cmd.union_id))
    if on_record is None or cmd.due is None or on_record[0] == cmd.due:
        return cmd
    due = on_record[0]
    present = min(due, max(rules.quorum_needed(due), cmd.present * due // max(1, cmd.due)))
    return cmd.model_copy(update={"due": due, "present": present})


@contextmanager
def relaxed_commits(engine: Engine) -> Iterator[None]:
    """During the load only, commits do not wait for the disk (SQLite: synchronous=NORMAL in WAL
    mode; PostgreSQL: synchronous_commit off). Each command is still its own transaction, checked
    and hash-chained as always, and the database stays consistent; what a power cut could cost is
    the last moments of a demo, loaded again in seconds, while the fsync per command would make
    the load several times slower. The pool is emptied afterwards, so every later connection
    commits with the store's own durable settings."""
    statement = "PRAGMA synchronous=NORMAL" if engine.dialect.name == "sqlite" else "SET synchronous_commit TO off"

    def relax(dbapi_conn: Any, _record: Any, _proxy: Any) -> None:
        cur = dbapi_conn.cursor()
        cur.execute(statement)
        cur.close()

    event.listen(engine, "checkout", relax)
    try:
        yield
    finally:
        event.remove(engine, "checkout", relax)
        engine.dispose()


def load_demo(
    rt: Runtime, unions: int = 300, seed: int = 2026, progress: Callable[[int, int], None] | None = None
) -> tuple[DemoBuilder, DemoResult]:
    """Load the demo into `rt`'s database, which must hold no events (DemoRefused otherwise)."""
    if unions < MIN_UNIONS:
        raise ValueError(f"at least {MIN_UNIONS} unions, so that every situation appears once")
    if rt.store.last_position() > 0:
        raise DemoRefused(
            f"the database already holds {rt.store.last_position()} events: the demo loads only into an empty one"
        )
    started = time.perf_counter()
    builder = DemoBuilder(rt, unions, seed)
    builder.plan()
    with relaxed_commits(rt.engine):
        commands = builder.send(progress)
        builder.open_accounts()
    result = DemoResult(
        unions=unions,
        commands=commands,
        events=rt.store.last_position(),
        seconds=time.perf_counter() - started,
        situations=builder.situations,
    )
    return builder, result
