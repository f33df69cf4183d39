"""A small world for the read-side tests: the real WorkflowService (tests may use workflow/; the
projections may not) with the projections' listener attached, a fixed clock, the organisation
tree registered, and a driver for the procedures whose dates the tests choose.

The default founding is RULES.md §8 worked example 1: 80 members, a members' meeting on 2019-03-01
electing a committee of 7 from 8 candidates, a 5-year term; the other steps are offsets from the
congress date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from events import EventStore
from events.catalogue import CATALOGUE, BallotCount, Candidate, PrepGroupMember, UnitFacts
from projections import Projections
from workflow import commands as c
from workflow.authority import Actor
from workflow.profile import NATIONAL_DEFAULT, ProfileRegistry, RuleProfile
from workflow.service import CommandResult, WorkflowService

D = dt.date
DAY = dt.timedelta(days=1)
TODAY = D(2030, 1, 1)
TREE_ON = D(2018, 1, 1)

# (org, level, parent): the county JA decides the filings of the test unions (R-APPROVER).
TREE: tuple[tuple[str, str, str | None], ...] = (
    ("ACFTU", "national", None),
    ("HB", "province", "ACFTU"),
    ("WH", "city", "HB"),
    ("JA", "county", "WH"),
    ("QS", "county", "WH"),
    ("GD", "province", "ACFTU"),
    ("GZ", "city", "GD"),
)

COMMITTEE = ("赵", "钱", "孙", "李", "周", "吴", "郑", "王")
FUNDS = ("冯", "陈", "褚")

# The election's steps as day offsets from the congress, in a founding and in a re-election alike.
_ELECTION = {
    "congress_type": -35,
    "propose": -28,
    "file_candidates": -24,
    "approve_candidates": -19,
    "congress": 0,
    "results": 4,
    "approve_results": 19,
}
# Founding steps (worked example 1: congress 2019-03-01, so the preparatory group is approved on
# 2019-01-10 and the results on 2019-03-20).
FOUNDING = {"request": -55, "prep": -50, "recruit": -40, **_ELECTION}
# Re-election: the same election steps, after the plan's approval.
REELECTION = {"approve_plan": -40, **_ELECTION}


def profile(name: str, version: int = 1, **settings: Any) -> RuleProfile:
    return RuleProfile.model_validate(
        NATIONAL_DEFAULT.model_dump(mode="json") | settings | {"name": name, "version": version}
    )


def unit(employees: int = 120, members: int = 0, female: int = 0) -> UnitFacts:
    return UnitFacts(
        unit_name="江岸某科技有限公司",
        unit_type="enterprise",
        employees=employees,
        members=members,
        female_members=female,
        has_party_org=True,
    )


class World:
    def __init__(self, engine: sa.Engine, *, listen: bool = True, profiles: ProfileRegistry | None = None) -> None:
        self.engine = engine
        self.store = EventStore(engine, CATALOGUE)
        self.projections = Projections(engine)
        self.profiles = profiles or ProfileRegistry.with_defaults()
        # Who elects the chair in the elections to come (RULES.md §7: 直选 or the committee) and
        # whether the results file a full-time chair (R-FULLTIME).
        self.chair_by = "congress"
        self.full_time_chair = False
        self.svc = WorkflowService(
            self.store,
            self.profiles,
            clock=lambda: TODAY,
            listener=self.projections.listener if listen else None,
        )
        for org_id, level, parent in TREE:
            self.run(
                c.RegisterOrganisation(
                    org_id=org_id, name=f"{org_id}总工会", level=level, parent_id=parent, occurred_on=TREE_ON
                ),
                Actor(person_id="admin", role="admin", org_id="ACFTU"),
            )

    # ------------------------------------------------------------------ plumbing

    def run(self, cmd: c.Command, actor: Actor) -> CommandResult:
        return self.svc.execute(cmd, actor)

    @staticmethod
    def staff(org: str) -> Actor:
        return Actor(person_id=f"staff-{org}", role="staff", org_id=org)

    def approver(self, union_id: str) -> Actor:
        parent = self.svc.load(union_id).parent_id
        assert parent is not None
        return Actor(person_id=f"approver-{parent}", role="approver", org_id=parent)

    def step(
        self, union_id: str, pid: str, cmd_cls: type[c.ProcedureCommand], on: dt.date, **fields: Any
    ) -> CommandResult:
        actor = self.approver(union_id) if cmd_cls in (c.ApproveFiling, c.RejectFiling) else self.staff(union_id)
        return self.run(cmd_cls(union_id=union_id, procedure_id=pid, occurred_on=on, **fields), actor)

    def approve(self, union_id: str, pid: str, on: dt.date) -> CommandResult:
        return self.step(union_id, pid, c.ApproveFiling, on, document_no=f"江工发〔{on.year}〕{on.toordinal() % 997}号")

    def reject(self, union_id: str, pid: str, on: dt.date, **kw: Any) -> CommandResult:
        return self.step(union_id, pid, c.RejectFiling, on, reasons="材料不全", **kw)

    # ------------------------------------------------------------------ organisations

    def add_union(self, union_id: str, parent: str = "JA", employees: int = 120, on: dt.date = TREE_ON) -> str:
        self.run(
            c.RegisterOrganisation(
                org_id=union_id,
                name=f"{union_id}工会",
                level="grassroots",
                parent_id=parent,
                unit=unit(employees),
                occurred_on=on,
            ),
            Actor(person_id="admin", role="admin", org_id="ACFTU"),
        )
        return union_id

    # ------------------------------------------------------------------ procedures

    def request_founding(self, union_id: str, on: dt.date, profile_name: str | None = None) -> str:
        if profile_name is not None:  # staff never choose it: an administrator assigns it (RULES.md §5)
            self.run(
                c.AssignRuleProfile(union_id=union_id, profile_name=profile_name, occurred_on=on),
                Actor(person_id="admin", role="admin", org_id="ACFTU"),
            )
        r = self.run(
            c.RequestFounding(
                union_id=union_id,
                unit=unit(),
                initiators=["张三"],
                prep_group=[PrepGroupMember(name=n) for n in "甲乙丙丁"],
                occurred_on=on,
            ),
            self.staff(union_id),
        )
        assert r.procedure_id is not None
        return r.procedure_id

    def election(
        self,
        union_id: str,
        pid: str,
        congress_on: dt.date,
        offsets: dict[str, int],
        term_years: int = 5,
        *,
        until: str | None = None,
    ) -> None:
        """The election steps (RULES.md §3 steps 4–8) with the congress on `congress_on`, each on
        its offset from it in days; stops before step `until` when given."""
        steps: list[tuple[str, Callable[[str, str, dt.date], object]]] = [
            ("congress_type", self._decide_congress_type),
            ("propose", self._propose_candidates),
            ("file_candidates", self._file_candidates),
            ("approve_candidates", self.approve),
            ("congress", self._hold_congress),
            ("results", lambda union, proc, day: self._file_results(union, proc, day, term_years)),
            ("approve_results", self.approve),
        ]
        for name, send in steps:
            if name == until:
                return
            send(union_id, pid, congress_on + offsets[name] * DAY)

    def _decide_congress_type(self, union_id: str, pid: str, on: dt.date) -> None:
        self.step(union_id, pid, c.DecideCongressType, on, congress_type="members_meeting", committee_seats=7)

    def _propose_candidates(self, union_id: str, pid: str, on: dt.date) -> None:
        self.step(
            union_id,
            pid,
            c.ProposeCandidates,
            on,
            committee_candidates=[Candidate(name=n) for n in COMMITTEE],
            chair_candidates=[Candidate(name=n) for n in COMMITTEE[:2]],
            funds_review_seats=3,
            funds_review_candidates=[Candidate(name=n) for n in FUNDS],
            chair_elected_by=self.chair_by,
        )
        self.step(union_id, pid, c.PostCandidates, on, where="公告栏")

    def _file_candidates(self, union_id: str, pid: str, on: dt.date) -> None:
        self.step(union_id, pid, c.FileCandidates, on, party_org="党支部", party_approved=True)

    def _hold_congress(self, union_id: str, pid: str, on: dt.date) -> None:
        """RULES.md §8 worked example 1: 54 of 80 present elect the committee of 7, the funds
        review committee of 3, then the chair."""
        committee = dict(zip(COMMITTEE, (54, 53, 52, 50, 48, 45, 42, 30), strict=True))
        self.step(
            union_id,
            pid,
            c.HoldCongress,
            on,
            due=80,
            present=54,
            committee_vote=BallotCount(seats=7, ballots_issued=54, ballots_returned=54, tallies=committee),
            funds_review_vote=BallotCount(
                seats=3, ballots_issued=54, ballots_returned=54, tallies={n: 50 - i for i, n in enumerate(FUNDS)}
            ),
        )
        due, yes = (80, 54) if self.chair_by == "congress" else (7, 5)  # the congress, or the committee of 7
        self.step(
            union_id,
            pid,
            c.ElectChair,
            on,
            chair="赵",
            vice_chairs=["钱"],
            due=due,
            yes=yes,
            vice_chair_yes={"钱": yes},
        )

    def _file_results(self, union_id: str, pid: str, on: dt.date, term_years: int) -> None:
        self.step(
            union_id,
            pid,
            c.FileResults,
            on,
            funds_review_director="冯",
            women_committee_formed=True,
            women_director="孙",
            term_years=term_years,
            fulltime_chair=self.full_time_chair,
        )

    def found(
        self,
        union_id: str,
        congress_on: dt.date = D(2019, 3, 1),
        *,
        term_years: int = 5,
        profile_name: str | None = None,
        until: str | None = None,
        legal_person_on: dt.date | None = None,
    ) -> str:
        """Found the union (worked example 1 by default); stop before step `until` if given."""

        def on(step: str) -> dt.date:
            return congress_on + FOUNDING[step] * DAY

        pid = self.request_founding(union_id, on("request"), profile_name)
        if until == "prep":
            return pid
        self.approve(union_id, pid, on("prep"))
        if until == "recruit":
            return pid
        self.step(union_id, pid, c.RecordMembersRecruited, on("recruit"), members=80, female_members=12, employees=120)
        self.election(union_id, pid, congress_on, FOUNDING, term_years, until=until)
        if legal_person_on is not None:
            self.step(union_id, pid, c.RegisterLegalPerson, legal_person_on, registration_no=f"法{union_id}")
        return pid

    def open_reelection(self, union_id: str, on: dt.date, planned: dt.date | None = None) -> str:
        r = self.run(
            c.OpenReelection(
                union_id=union_id, plan="换届方案", planned_congress_on=planned or on + 60 * DAY, occurred_on=on
            ),
            self.staff(union_id),
        )
        assert r.procedure_id is not None
        return r.procedure_id

    def reelect(
        self, union_id: str, congress_on: dt.date, *, opened_on: dt.date | None = None, until: str | None = None
    ) -> str:
        pid = self.open_reelection(union_id, opened_on or congress_on - 45 * DAY)
        if until == "approve_plan":
            return pid
        self.approve(union_id, pid, congress_on + REELECTION["approve_plan"] * DAY)
        self.election(union_id, pid, congress_on, REELECTION, until=until)
        return pid

    def request_extension(self, union_id: str, on: dt.date, new_deadline: dt.date) -> str:
        r = self.run(
            c.RequestExtension(union_id=union_id, reason="企业重组", new_deadline=new_deadline, occurred_on=on),
            self.staff(union_id),
        )
        assert r.procedure_id is not None
        return r.procedure_id

    def vacancy(self, union_id: str, on: dt.date) -> str:
        r = self.run(
            c.RecordChairVacancy(union_id=union_id, acting_chair="钱", reason="调离", occurred_on=on),
            self.staff(union_id),
        )
        assert r.procedure_id is not None
        return r.procedure_id

    def by_election(self, union_id: str, pid: str, requested: dt.date, approved: dt.date) -> None:
        self.step(
            union_id,
            pid,
            c.RequestByElection,
            requested,
            candidates=[Candidate(name="李"), Candidate(name="周")],
            planned_on=requested + 20 * DAY,
            party_org="公司党支部",
            party_approved=True,
        )
        self.approve(union_id, pid, requested + 5 * DAY)
        held = requested + 20 * DAY
        self.step(
            union_id,
            pid,
            c.HoldByElection,
            held,
            due=80,
            present=60,
            vote=BallotCount(seats=1, ballots_issued=60, ballots_returned=60, tallies={"李": 50, "周": 10}),
        )
        self.approve(union_id, pid, approved)
