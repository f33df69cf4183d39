"""The world of the workflow tests: a WorkflowService on a fresh SQLite database with a fixed
clock and the organisation tree already registered, the actors who act in it, and ballots.

The schema and the tree are written once per process into a template file; each world copies the
file, which is much faster than migrating (and registering the tree) for every test."""

from __future__ import annotations

import atexit
import datetime as dt
import functools
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from events import EventStore, RecordedEvent, make_engine
from events.catalogue import CATALOGUE, BallotCount, Candidate, UnitFacts, org_stream
from events.migrate import upgrade
from workflow import commands as c
from workflow.authority import Actor
from workflow.profile import NATIONAL_DEFAULT, ProfileRegistry, RuleProfile
from workflow.service import CommandResult, WorkflowService
from workflow.state import UnionState

D = dt.date
DAY = dt.timedelta(days=1)

# The fixed clock: every business date in the tests lies before it.
TODAY = D(2030, 1, 1)
TREE_ON = D(2018, 1, 1)

# --------------------------------------------------------------------------- the organisation tree

ROOT = "ACFTU"
PROVINCE = "HB"
CITY = "WH"
COUNTY = "JA"  # the direct higher-level union of the test unions
OTHER_COUNTY = "QS"  # a sibling county: its approvers decide nothing of JA's unions
OTHER_PROVINCE = "GD"

TREE: tuple[tuple[str, str, str, str | None], ...] = (
    (ROOT, "全国总工会", "national", None),
    (PROVINCE, "湖北省总工会", "province", ROOT),
    (CITY, "武汉市总工会", "city", PROVINCE),
    (COUNTY, "江岸区总工会", "county", CITY),
    (OTHER_COUNTY, "硚口区总工会", "county", CITY),
    (OTHER_PROVINCE, "广东省总工会", "province", ROOT),
)


def admin(org: str = ROOT) -> Actor:
    return Actor(person_id=f"admin-{org}", role="admin", org_id=org)


def staff(org: str) -> Actor:
    return Actor(person_id=f"staff-{org}", role="staff", org_id=org)


def approver(org: str = COUNTY) -> Actor:
    return Actor(person_id=f"approver-{org}", role="approver", org_id=org)


def auditor(org: str = COUNTY) -> Actor:
    return Actor(person_id=f"auditor-{org}", role="auditor", org_id=org)


def unit(
    unit_type: str = "enterprise",
    *,
    employees: int | None = None,
    members: int = 0,
    female_members: int = 0,
    has_party_org: bool = True,
    name: str = "江岸某科技有限公司",
) -> UnitFacts:
    return UnitFacts(
        unit_name=name,
        unit_type=unit_type,
        # UNIT-COUNTS: members are among the employees; tests that do not care get enough of them
        employees=max(120, members) if employees is None else employees,
        members=members,
        female_members=female_members,
        has_party_org=has_party_org,
    )


def profile(name: str, version: int = 1, **settings: Any) -> RuleProfile:
    """A profile like the national default with some settings changed."""
    return RuleProfile.model_validate(
        NATIONAL_DEFAULT.model_dump(mode="json") | settings | {"name": name, "version": version}
    )


# --------------------------------------------------------------------------- databases


def _register_tree(svc: WorkflowService) -> None:
    for org_id, name, level, parent in TREE:
        svc.execute(
            c.RegisterOrganisation(org_id=org_id, name=name, level=level, parent_id=parent, occurred_on=TREE_ON),
            admin(),
        )


@functools.cache
def template_db() -> Path:
    """A migrated database holding the organisation tree, built once per process."""
    folder = Path(tempfile.mkdtemp(prefix="unionflow-wf-template-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = folder / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    _register_tree(WorkflowService(EventStore(engine, CATALOGUE), clock=lambda: TODAY))
    engine.dispose()  # checkpoints the WAL: the file alone holds everything
    return path


@dataclass
class World:
    """One test's service, store and profile registry (tests may register profiles in it)."""

    engine: Engine
    store: EventStore
    profiles: ProfileRegistry
    svc: WorkflowService
    today: dt.date = TODAY

    def service(self, profiles: ProfileRegistry | None = None) -> WorkflowService:
        """Another service on the same store (e.g. after a new profile version is published)."""
        return WorkflowService(self.store, profiles or self.profiles, clock=lambda: self.today)

    def run(self, cmd: c.Command, actor: Actor, **kw: Any) -> CommandResult:
        return self.svc.execute(cmd, actor, **kw)

    def load(self, org_id: str) -> UnionState:
        return self.svc.load(org_id)

    def stream(self, org_id: str) -> list[RecordedEvent]:
        return list(self.store.read_stream(org_stream(org_id)))

    def version(self, org_id: str) -> int:
        return self.store.stream_version(org_stream(org_id))

    def add_union(
        self, union_id: str, *, parent: str = COUNTY, facts: UnitFacts | None = None, level: str = "grassroots"
    ) -> str:
        self.run(
            c.RegisterOrganisation(
                org_id=union_id,
                name=f"{union_id} 工会",
                level=level,
                parent_id=parent,
                unit=facts or unit(),
                occurred_on=TREE_ON,
            ),
            admin(),
        )
        return union_id

    def assign_profile(self, org_id: str, name: str, version: int | None = None, actor: Actor | None = None) -> None:
        """An administrator assigns a rule profile to the organisation (staff never choose one:
        RULES.md §5); nothing is recorded when it already has that one."""
        mine = self.load(org_id).rule_profile
        if mine is None or (mine.name, mine.version) != (name, version):
            cmd = c.AssignRuleProfile(union_id=org_id, profile_name=name, profile_version=version, occurred_on=TREE_ON)
            self.run(cmd, actor or admin())

    def dispose(self) -> None:
        self.engine.dispose()


def make_world(folder: Path) -> World:
    db = folder / "unionflow.db"
    shutil.copyfile(template_db(), db)
    engine = make_engine(f"sqlite:///{db}")
    store = EventStore(engine, CATALOGUE)
    profiles = ProfileRegistry.with_defaults()
    world = World(engine, store, profiles, WorkflowService(store, profiles, clock=lambda: TODAY))
    # The service reads the clock through the world, so a test may move `world.today`.
    world.svc.clock = lambda: world.today
    return world


# --------------------------------------------------------------------------- votes


def tallies(
    candidates: Sequence[str], seats: int, due: int, present: int, *, winners: int | None = None
) -> dict[str, int]:
    """A plausible count: the first `winners` (default: `seats`) candidates win a majority of those
    due (decreasing, so no tie at the cut-off), the rest get no votes."""
    winners = seats if winners is None else winners
    majority = due // 2 + 1
    return {name: (max(present - i, majority) if i < winners else 0) for i, name in enumerate(candidates)}


def ballot(
    seats: int, present: int, counts: dict[str, int], *, issued: int | None = None, returned: int | None = None
) -> BallotCount:
    issued = present if issued is None else issued
    return BallotCount(
        seats=seats,
        ballots_issued=issued,
        ballots_returned=issued if returned is None else returned,
        tallies=counts,
    )


def candidates(names: Iterable[str], **flags: bool) -> list[Candidate]:
    return [Candidate(name=n, **flags) for n in names]
