"""Harness for the workflow tests: the world (`tests.unit.workflow_world`, whose names are
re-exported here) and a driver that takes a union's procedure step by step (given-when-then: drive
the union to a point, then send the command under test).

The default founding is RULES.md §8 worked example 1: an enterprise with a Party organisation, 80
members (12 female), a members' meeting on 2019-03-01 electing a committee of 7 from 8 candidates
and a funds review committee of 3, a 5-year term. Every other business date is an offset from the
congress date, so moving the congress moves the whole founding."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from events.catalogue import BallotCount, CongressHeld, PrepGroupMember, UnitFacts
from tests.unit.workflow_world import (  # noqa: F401  (D and profile: the workflow tests import them from here)
    COUNTY,
    DAY,
    D,
    World,
    approver,
    ballot,
    candidates,
    profile,
    staff,
    tallies,
    unit,
)
from workflow import commands as c
from workflow.authority import Actor
from workflow.service import CommandResult
from workflow.state import ElectionProgress, Procedure, UnionState

# --------------------------------------------------------------------------- driving a procedure

COMMITTEE = ("赵", "钱", "孙", "李", "周", "吴", "郑", "王")
CHAIRS = ("赵", "钱")
FUNDS = ("冯", "陈", "褚")
PREP_GROUP = ("甲", "乙", "丙", "丁")

# The founding's dates as offsets (days) from the congress (worked example 1: 2019-03-01).
OFFSETS = {
    "requested": -55,
    "preparing": -50,
    "members_recruited": -40,
    "congress_type_decided": -35,
    "representatives_elected": -33,
    "candidates_proposed": -28,
    "candidates_posted": -28,
    "candidates_filed": -24,
    "candidates_approved": -19,
    "congress_held": 0,
    "chair_elected": 0,
    "results_filed": 4,
    "founded": 19,
}


@dataclass
class Scenario:
    """The numbers of a union's election (founding, or the election phase of a re-election)."""

    congress_on: dt.date = dt.date(2019, 3, 1)
    facts: UnitFacts = field(default_factory=unit)
    members: int = 80
    female_members: int = 12
    employees: int | None = None  # max(120, members) unless given (UNIT-COUNTS)
    congress_type: str = "members_meeting"
    form: str = "committee"
    seats: int = 7
    representatives: int | None = None
    committee: tuple[str, ...] = COMMITTEE
    chairs: tuple[str, ...] = CHAIRS
    funds: tuple[str, ...] = FUNDS
    funds_seats: int = 3
    chair_elected_by: str = "congress"
    present: int | None = None  # None: two thirds of those due, rounded up (the quorum)
    chair: str = "赵"
    vice_chairs: tuple[str, ...] = ("钱",)
    director: str = "冯"
    women_director: str | None = "孙"
    women_committee: bool = True
    term_years: int = 5
    profile_name: str | None = None
    profile_version: int | None = None

    def on(self, state: str) -> dt.date:
        return self.congress_on + OFFSETS[state] * DAY


EXECUTE_OPTIONS = ("expected_version", "idempotency_key", "correlation_id", "causation_id")


class Driver:
    """Takes one union's current procedure through its steps. Each method sends one command as the
    union's staff (or, for decisions, the parent's approver) and returns the service's result; the
    date defaults to the scenario's date for the step."""

    def __init__(self, world: World, union_id: str, scenario: Scenario | None = None, parent: str = COUNTY) -> None:
        self.world = world
        self.union_id = union_id
        self.parent = parent
        self.s = scenario or Scenario()
        self.pid: str = ""
        self.staff = staff(union_id)
        self.approver = approver(parent)

    # ----------------------------------------------------------------- reading

    @property
    def union(self) -> UnionState:
        return self.world.load(self.union_id)

    @property
    def proc(self) -> Procedure:
        return self.union.procedures[self.pid]

    @property
    def state(self) -> str:
        return self.proc.state

    @property
    def due(self) -> int:
        if self.s.congress_type == "representative_congress":
            assert self.s.representatives is not None
            return self.s.representatives
        return self.s.members

    @property
    def present(self) -> int:
        return self.s.present if self.s.present is not None else -(-2 * self.due // 3)

    # ----------------------------------------------------------------- sending

    def send(self, cmd: c.Command, actor: Actor | None = None, **kw: Any) -> CommandResult:
        return self.world.run(cmd, actor or self.staff, **kw)

    def step(
        self, cmd_cls: type[c.ProcedureCommand], on: dt.date, actor: Actor | None = None, **fields: Any
    ) -> CommandResult:
        # The service's own options go to `execute`, the rest into the command.
        options = {k: fields.pop(k) for k in EXECUTE_OPTIONS if k in fields}
        cmd = cmd_cls(union_id=self.union_id, procedure_id=self.pid, occurred_on=on, **fields)
        return self.send(cmd, actor, **options)

    def approve(self, on: dt.date, actor: Actor | None = None, document_no: str = "江工发〔2019〕1号") -> CommandResult:
        return self.step(c.ApproveFiling, on, actor or self.approver, document_no=document_no)

    def reject(self, on: dt.date, reasons: str = "材料不全", redo_from: str | None = None) -> CommandResult:
        return self.step(c.RejectFiling, on, self.approver, reasons=reasons, redo_from=redo_from)

    def withdraw(self, on: dt.date, reason: str = "单位改制") -> CommandResult:
        return self.step(c.WithdrawProcedure, on, reason=reason)

    # ----------------------------------------------------------------- founding

    def request(
        self, on: dt.date | None = None, prep_group: int | Sequence[str] = PREP_GROUP, **kw: Any
    ) -> CommandResult:
        names = [f"筹{i}" for i in range(prep_group)] if isinstance(prep_group, int) else list(prep_group)
        self.assign_profile()
        r = self.send(
            c.RequestFounding(
                union_id=self.union_id,
                unit=self.s.facts,
                initiators=["张三"],
                prep_group=[PrepGroupMember(name=n) for n in names],
                occurred_on=on or self.s.on("requested"),
            ),
            **kw,
        )
        assert r.procedure_id is not None
        self.pid = r.procedure_id
        return r

    def assign_profile(self) -> None:
        """The scenario's profile, if it names one, as an administrator assigns it (RULES.md §5)."""
        if self.s.profile_name is not None:
            self.world.assign_profile(self.union_id, self.s.profile_name, self.s.profile_version)

    def recruit(self, on: dt.date | None = None, **kw: Any) -> CommandResult:
        fields: dict[str, Any] = {
            "members": self.s.members,
            "female_members": self.s.female_members,
            "employees": max(120, self.s.members) if self.s.employees is None else self.s.employees,
        }
        return self.step(c.RecordMembersRecruited, on or self.s.on("members_recruited"), **(fields | kw))

    # ----------------------------------------------------------------- election phase

    def congress_type(self, on: dt.date | None = None, **kw: Any) -> CommandResult:
        s = self.s
        fields: dict[str, Any] = {"congress_type": s.congress_type, "form": s.form, "committee_seats": s.seats}
        return self.step(c.DecideCongressType, on or self.s.on("congress_type_decided"), **(fields | kw))

    def elect_representatives(self, on: dt.date | None = None, representatives: int | None = None) -> CommandResult:
        n = representatives if representatives is not None else self.s.representatives
        return self.step(c.ElectRepresentatives, on or self.s.on("representatives_elected"), representatives=n)

    def propose(self, on: dt.date | None = None, **kw: Any) -> CommandResult:
        fields: dict[str, Any] = {
            "committee_candidates": candidates(self.s.committee),
            "chair_candidates": candidates(self.s.chairs),
            "funds_review_seats": self.s.funds_seats,
            "funds_review_candidates": candidates(self.s.funds),
            "chair_elected_by": self.s.chair_elected_by,
        }
        return self.step(c.ProposeCandidates, on or self.s.on("candidates_proposed"), **(fields | kw))

    def post(self, on: dt.date | None = None) -> CommandResult:
        return self.step(c.PostCandidates, on or self.s.on("candidates_posted"), where="公告栏")

    def file_candidates(self, on: dt.date | None = None, **kw: Any) -> CommandResult:
        party: dict[str, Any] = (
            {"party_org": "公司党支部", "party_approved": True} if self.s.facts.has_party_org else {}
        )
        return self.step(c.FileCandidates, on or self.s.on("candidates_filed"), **(party | kw))

    def congress(
        self,
        on: dt.date | None = None,
        *,
        due: int | None = None,
        present: int | None = None,
        committee: BallotCount | dict[str, int] | None = None,
        funds: BallotCount | dict[str, int] | None = None,
        actor: Actor | None = None,
    ) -> CommandResult:
        due = self.due if due is None else due
        present = self.present if present is None else present
        if not isinstance(committee, BallotCount):
            committee = ballot(
                self.s.seats, present, committee or tallies(self.s.committee, self.s.seats, due, present)
            )
        if not isinstance(funds, BallotCount):
            funds = ballot(
                self.s.funds_seats, present, funds or tallies(self.s.funds, self.s.funds_seats, due, present)
            )
        return self.step(
            c.HoldCongress,
            on or self.s.congress_on,
            actor,
            due=due,
            present=present,
            committee_vote=committee,
            funds_review_vote=funds,
        )

    def runoff(
        self,
        body: str,
        counts: dict[str, int],
        *,
        seats: int,
        on: dt.date | None = None,
        due: int | None = None,
        present: int | None = None,
    ) -> CommandResult:
        due = self.due if due is None else due
        present = self.present if present is None else present
        return self.step(
            c.HoldRunoff,
            on or self.s.congress_on,
            body=body,
            due=due,
            present=present,
            vote=ballot(seats, present, counts),
        )

    def elect_chair(self, on: dt.date | None = None, **kw: Any) -> CommandResult:
        due = self.due if self.s.chair_elected_by == "congress" else self.s.seats
        vice, yes = kw.get("vice_chairs", self.s.vice_chairs), kw.get("due", due) // 2 + 1
        fields: dict[str, Any] = {"chair": self.s.chair, "vice_chairs": list(self.s.vice_chairs), "due": due}
        fields |= {"yes": due // 2 + 1, "vice_chair_yes": dict.fromkeys(vice, yes)}
        return self.step(c.ElectChair, on or self.s.on("chair_elected"), **(fields | kw))

    def file_results(self, on: dt.date | None = None, **kw: Any) -> CommandResult:
        fields: dict[str, Any] = {
            "funds_review_director": self.s.director,
            "women_committee_formed": self.s.women_committee,
            "women_director": self.s.women_director,
            "term_years": self.s.term_years,
        }
        return self.step(c.FileResults, on or self.s.on("results_filed"), **(fields | kw))

    # ----------------------------------------------------------------- getting somewhere

    def _election_path(self) -> list[tuple[str, Any]]:
        path: list[tuple[str, Any]] = [("congress_type_decided", self.congress_type)]
        if self.s.congress_type == "representative_congress":
            path.append(("representatives_elected", self.elect_representatives))
        return [
            *path,
            ("candidates_proposed", self.propose),
            ("candidates_posted", self.post),
            ("candidates_filed", self.file_candidates),
            ("candidates_approved", lambda: self.approve(self.s.on("candidates_approved"))),
            ("congress_held", self.congress),
            ("chair_elected", self.elect_chair),
            ("results_filed", self.file_results),
        ]

    def found(self, until: str = "founded") -> Driver:
        """Drive the founding from the request until the procedure reaches `until` (a founding
        state on the way to "founded")."""
        path = [
            ("requested", self.request),
            ("preparing", lambda: self.approve(self.s.on("preparing"))),
            ("members_recruited", self.recruit),
            *self._election_path(),
            ("founded", lambda: self.approve(self.s.on("founded"))),
        ]
        self._walk(path, until)
        return self

    def reelect(self, opened_on: dt.date, until: str = "reelected", plan: str = "第二届换届方案") -> Driver:
        """Open a re-election on `opened_on` for the scenario's congress and drive it to `until`."""
        path = [
            ("plan_filed", lambda: self.open_reelection(opened_on, plan=plan)),
            ("plan_approved", lambda: self.approve(opened_on + DAY)),
            *self._election_path(),
            ("reelected", lambda: self.approve(self.s.on("founded"))),
        ]
        self._walk(path, until)
        return self

    def open_reelection(self, on: dt.date, plan: str = "换届方案", planned: dt.date | None = None) -> CommandResult:
        self.assign_profile()
        r = self.send(
            c.OpenReelection(
                union_id=self.union_id,
                plan=plan,
                planned_congress_on=planned or self.s.congress_on,
                occurred_on=on,
            )
        )
        assert r.procedure_id is not None
        self.pid = r.procedure_id
        return r

    def _walk(self, path: list[tuple[str, Any]], until: str) -> None:
        names = [name for name, _ in path]
        if until not in names:
            raise ValueError(f"{until!r} is not on the path {names}")
        # Carry on from where the procedure is, if it is already on this path.
        start = names.index(self.state) + 1 if self.pid and self.state in names else 0
        for name, send in path[start:]:
            send()
            assert self.state == name, f"expected {name}, got {self.state}"
            if name == until:
                return


def given_union(
    world: World, union_id: str = "U1", scenario: Scenario | None = None, *, parent: str = COUNTY
) -> Driver:
    """A registered grassroots union with nothing done yet."""
    s = scenario or Scenario()
    world.add_union(union_id, parent=parent, facts=s.facts)
    return Driver(world, union_id, s, parent)


def found_union(
    world: World,
    union_id: str = "U1",
    scenario: Scenario | None = None,
    *,
    until: str = "founded",
    parent: str = COUNTY,
) -> Driver:
    """A union whose founding has reached `until` (by default: founded, its first term approved)."""
    return given_union(world, union_id, scenario, parent=parent).found(until)


def event_types(result: CommandResult) -> list[str]:
    return [r.event_type for r in result.events]


def evidence_of(result: CommandResult, rule: str) -> list[dict[str, Any]]:
    """The evidence entries for `rule` in the events a command wrote."""
    return [e for r in result.events for e in getattr(r.event, "evidence", []) if e.get("rule") == rule]


def progress(d: Driver) -> ElectionProgress:
    """The election under way in the driver's procedure."""
    e = d.proc.election
    assert isinstance(e, ElectionProgress)
    return e


def congress_event(result: CommandResult) -> CongressHeld:
    """The congress a command recorded (its first event)."""
    ev = result.events[0].event
    assert isinstance(ev, CongressHeld)
    return ev
