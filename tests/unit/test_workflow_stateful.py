"""Property-based, stateful: random sequences of commands against three unions, sent through two
service instances sharing one store (two processes), with refusals of every kind mixed in: a
wrong actor, a future or backdated business date, numbers that break a rule, a step out of order,
a stale expected version, idempotent retries and reused keys.

After every command: a refusal wrote nothing anywhere; an accepted command's events, folded onto
the state known before, give exactly the state folded from the whole stream. After every step the
invariants hold: versions are contiguous, every decision was taken by an approver of the union's
direct parent (R-APPROVER), no union is founded and no term exists without an approved election
(or an imported term), every procedure is in a state of its machine, and the read side (which
derives its states from the procedures' declarations in events.flows without the workflow's
machines) puts every procedure in the same state, open or closed, as the workflow's machines do."""

from __future__ import annotations

import copy
import datetime as dt
import shutil
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from events import ConcurrencyError, EventMetadata, IdempotencyKeyReused, NewEvent
from events.catalogue import ExistingTermImported, ResultsApproved, org_stream
from events.flows import DECISION_EVENTS
from projections.base import Folder
from projections.feed import as_events
from projections.models.procedures import COLUMNS as PROCEDURE_COLUMNS
from projections.models.procedures import Procedures
from projections.tree import Tree
from tests.unit.workflow_support import COMMITTEE, FUNDS
from tests.unit.workflow_world import (
    CITY,
    COUNTY,
    DAY,
    ROOT,
    D,
    World,
    approver,
    auditor,
    ballot,
    candidates,
    make_world,
    staff,
    tallies,
    unit,
)
from workflow import by_election, rules
from workflow import commands as c
from workflow.authority import Actor
from workflow.calendar import add_months
from workflow.errors import DomainError, InvalidDate, NotAuthorised, RuleViolation
from workflow.fold import KINDS, evolve, fold
from workflow.profile import NATIONAL_DEFAULT, RuleProfile
from workflow.state import ByElectionProcedure, Procedure, TermChangeProcedure, UnionState

UNIONS = ("U1", "U2", "U3")  # U3 comes with a term imported from a registry
IMPORTED_START = D(2017, 3, 1)
CLOCK = D(2200, 1, 1)
PREP = [{"name": n} for n in ("甲", "乙", "丙", "丁")]


@dataclass(frozen=True)
class Step:
    cmd: c.Command
    actor: Actor
    must_pass: bool = True


class WorkflowMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="unionflow-wf-stateful-"))
        self.world: World = make_world(self.folder)
        self.world.today = CLOCK  # far enough ahead for many terms
        self.services = [self.world.svc, self.world.service()]
        for u in UNIONS:
            self.world.add_union(u, facts=unit(members=80, female_members=12, employees=120))
        self._import_term("U3")
        self.known: dict[str, UnionState] = {u: self.world.load(u) for u in UNIONS}
        self.cursor: dict[str, dt.date] = dict.fromkeys(UNIONS, D(2019, 1, 5))
        self.last_accepted: dict[str, tuple[Step, str, int]] = {}

    def teardown(self) -> None:
        self.world.dispose()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _import_term(self, union_id: str) -> None:
        end = rules.term_end(IMPORTED_START, 3)
        self.world.store.append(
            org_stream(union_id),
            [
                NewEvent(
                    ExistingTermImported(
                        org_id=union_id, term_start=IMPORTED_START, term_years=3, term_end=end, chair="赵"
                    ),
                    IMPORTED_START,
                )
            ],
            expected_version=self.world.version(union_id),
            metadata=EventMetadata(actor_id="registry-import", role="admin", acting_org=ROOT),
        )

    # ----------------------------------------------------------------- sending, with the checks of every command

    def send(self, step: Step, **options: Any) -> tuple[Any, Exception | None]:
        union_id = step.cmd.union_id  # type: ignore[attr-defined]
        versions = {u: self.world.version(u) for u in UNIONS}
        position = self.world.store.last_position()
        try:
            result = self.world.svc.execute(step.cmd, step.actor, **options)
        except (DomainError, ConcurrencyError, IdempotencyKeyReused) as exc:
            event(f"{type(step.cmd).__name__}: {type(exc).__name__}")
            # a refusal writes nothing, anywhere
            assert self.world.store.last_position() == position
            assert {u: self.world.version(u) for u in UNIONS} == versions
            return None, exc
        event(f"{type(step.cmd).__name__}: {'replayed' if result.replayed else 'accepted'}")
        if result.replayed:
            assert self.world.store.last_position() == position
            return result, None
        before = versions[union_id]
        assert [r.version for r in result.events] == list(range(before + 1, result.version + 1))
        assert all(r.stream_id == org_stream(union_id) for r in result.events)
        for r in result.events:
            assert (r.metadata.actor_id, r.metadata.role, r.metadata.acting_org) == (
                step.actor.person_id,
                step.actor.role,
                step.actor.org_id,
            )
            assert r.occurred_on == step.cmd.occurred_on
        assert {u: self.world.version(u) for u in UNIONS if u != union_id} == {
            u: v for u, v in versions.items() if u != union_id
        }
        # the state known before, evolved with the new events, is the state of the whole stream
        evolved = copy.deepcopy(self.known[union_id])
        for r in result.events:
            evolve(evolved, r)
        now = self.world.load(union_id)
        assert evolved == now
        self.known[union_id] = now
        self.cursor[union_id] = max(self.cursor[union_id], step.cmd.occurred_on)
        return result, None

    # ----------------------------------------------------------------- what a union would do next

    def active(self, u: UnionState) -> list[Procedure]:
        return [p for p in u.procedures.values() if p.state not in KINDS[p.kind].machine.terminal]

    def next_step(self, union_id: str, proc: Procedure | None) -> Step:
        """The step that takes `proc` (or, without one, the union) further, as the right person
        with sound numbers and dates."""
        u = self.known[union_id]
        on = self.cursor[union_id]
        me, parent = staff(union_id), approver(COUNTY)
        ids = {"union_id": union_id}
        if proc is None:
            if not u.founded:
                return Step(
                    c.RequestFounding(**ids, unit=u.unit, initiators=["张三"], prep_group=PREP, occurred_on=on), me
                )
            assert u.term is not None
            on = max(on, rules.term_due_from(u.term.deadline, _profile(u)))
            return Step(c.OpenReelection(**ids, plan="换届方案", planned_congress_on=on + 60 * DAY, occurred_on=on), me)
        pid = {"union_id": union_id, "procedure_id": proc.procedure_id}
        approve = Step(c.ApproveFiling(**pid, document_no="批复", occurred_on=on), parent)
        if isinstance(proc, ByElectionProcedure):
            # a by-election overtaken by a re-election, or by a later vacancy, is moot (R-VACANCY)
            live = u.chair is None and u.procedures_of("by_election")[-1] is proc
            if proc.state == "vacant":
                cmd: c.Command = c.RequestByElection(
                    **pid, candidates=candidates(["孙", "李"]), planned_on=on + 30 * DAY, occurred_on=on
                )
                return Step(cmd, me, must_pass=live)
            if proc.state == "consented":
                # the body that elected the chair holds it, all of it due (R-VACANCY, R-QUORUM)
                due = (by_election.electorate(u) or (7, ""))[0]
                vote = ballot(1, due, {"孙": due // 2 + 1, "李": due - due // 2 - 1})
                cmd = c.HoldByElection(**pid, due=due, present=due, vote=vote, occurred_on=on)
                return Step(cmd, me, must_pass=live)
            return Step(approve.cmd, parent, must_pass=live)
        if KINDS[proc.kind].waits_on_approver(proc.state):
            if isinstance(proc, TermChangeProcedure):
                # a request for a term that has since been renewed cannot be approved
                return Step(approve.cmd, parent, must_pass=u.term is not None and u.term.end == proc.term_end)
            return approve
        e = getattr(proc, "election", None)
        match proc.state:
            case "request_rejected":
                return Step(
                    c.ResubmitFoundingRequest(**pid, unit=u.unit, initiators=["张三"], prep_group=PREP, occurred_on=on),
                    me,
                )
            case "preparing":
                return Step(
                    c.RecordMembersRecruited(**pid, members=80, female_members=12, employees=120, occurred_on=on), me
                )
            case "members_recruited" | "plan_approved":
                return Step(
                    c.DecideCongressType(**pid, congress_type="members_meeting", committee_seats=7, occurred_on=on), me
                )
            case "congress_type_decided" | "candidates_rejected":
                return Step(
                    c.ProposeCandidates(
                        **pid,
                        committee_candidates=candidates(COMMITTEE),
                        chair_candidates=candidates(["赵", "钱"]),
                        funds_review_seats=3,
                        funds_review_candidates=candidates(FUNDS),
                        occurred_on=on,
                    ),
                    me,
                )
            case "candidates_proposed":
                return Step(c.PostCandidates(**pid, occurred_on=on), me)
            case "candidates_posted":
                return Step(c.FileCandidates(**pid, party_org="党支部", party_approved=True, occurred_on=on), me)
            case "candidates_approved":
                assert e is not None and e.posted_on is not None
                due = e.electorate
                present = due - due // 4
                on = max(on, e.posted_on + 10 * DAY)
                return Step(
                    c.HoldCongress(
                        **pid,
                        due=due,
                        present=present,
                        committee_vote=ballot(7, present, tallies(COMMITTEE, 7, due, present)),
                        funds_review_vote=ballot(3, present, tallies(FUNDS, 3, due, present)),
                        occurred_on=on,
                    ),
                    me,
                )
            case "runoff_needed":
                assert e is not None and e.runoffs
                pending = e.runoffs[0]
                due, present = e.electorate, e.electorate
                counts = {n: (present if i < pending.seats else 0) for i, n in enumerate(pending.candidates)}
                return Step(
                    c.HoldRunoff(
                        **pid,
                        body=pending.body,
                        due=due,
                        present=present,
                        vote=ballot(pending.seats, present, counts),
                        occurred_on=on,
                    ),
                    me,
                )
            case "congress_held":
                assert e is not None
                # a chair candidate the congress elected to the committee (a runoff may have left one out)
                chair = next(n for n in ("赵", "钱") if n in e.committee)
                return Step(
                    c.ElectChair(
                        **pid,
                        chair=chair,
                        vice_chairs=[n for n in ("钱",) if n in e.committee and n != chair],
                        due=e.electorate,
                        yes=e.electorate // 2 + 1,
                        occurred_on=on,
                    ),
                    me,
                )
            case "chair_elected":
                return Step(
                    c.FileResults(
                        **pid,
                        funds_review_director="冯",
                        women_committee_formed=True,
                        women_director="孙",
                        term_years=5,
                        occurred_on=on,
                    ),
                    me,
                )
            case "founded":
                return Step(c.RegisterLegalPerson(**pid, registration_no="工法人-1", occurred_on=on), me)
        raise AssertionError(f"no next step for {proc.kind} in {proc.state}")

    def pick(self, union_id: str, data: st.DataObject) -> Step:
        active = self.active(self.known[union_id])
        proc = data.draw(st.sampled_from(sorted(active, key=lambda p: p.procedure_id))) if active else None
        return self.next_step(union_id, proc)

    # ----------------------------------------------------------------- rules

    @rule(union_id=st.sampled_from(UNIONS), data=st.data(), steps=st.integers(1, 5))
    def advance(self, union_id: str, data: st.DataObject, steps: int) -> None:
        """The next steps, done right: accepted (unless one depends on a term that has moved on)."""
        for _ in range(steps):
            step = self.pick(union_id, data)
            if isinstance(step.cmd, c.HoldCongress) and data.draw(st.booleans()):
                step = Step(_tied(step.cmd, data.draw(st.integers(2, 8))), step.actor)
            key = str(uuid.uuid4())
            result, error = self.send(step, idempotency_key=key)
            if step.must_pass:
                assert error is None, f"{type(step.cmd).__name__} refused: {error}"
            if result is not None:
                self.last_accepted[union_id] = (step, key, result.version)
                self.cursor[union_id] += data.draw(st.integers(0, 20)) * DAY

    @rule(
        union_id=st.sampled_from(UNIONS),
        data=st.data(),
        how=st.sampled_from(["actor", "future", "backdated", "numbers"]),
    )
    def misfire(self, union_id: str, data: st.DataObject, how: str) -> None:
        """The next step done wrong: refused with the right kind of error, nothing written."""
        step = self.pick(union_id, data)
        cmd, actor = step.cmd, step.actor
        expected: type[DomainError] = DomainError
        if how == "actor":
            others = [staff(o) for o in UNIONS if o != union_id] + [approver(CITY), auditor(COUNTY)]
            others += [staff(union_id)] if actor.role == "approver" else [approver(COUNTY)]
            actor, expected = data.draw(st.sampled_from(others)), NotAuthorised
        elif how == "future":
            cmd, expected = cmd.model_copy(update={"occurred_on": CLOCK + DAY}), InvalidDate
        elif how == "backdated":
            if not isinstance(cmd, c.ProcedureCommand):
                return
            last = self.known[union_id].procedures[cmd.procedure_id].last_moved_on
            cmd, expected = cmd.model_copy(update={"occurred_on": last - DAY}), InvalidDate
        else:
            broken = _break_numbers(cmd)
            if broken is None:
                return
            # the broken rule is the refusal, unless the step was refused anyway
            cmd, expected = broken, (RuleViolation if step.must_pass else DomainError)
        _, error = self.send(Step(cmd, actor))
        assert isinstance(error, expected), f"{type(cmd).__name__} ({how}): {error!r}"

    @rule(union_id=st.sampled_from(UNIONS), data=st.data())
    def anything(self, union_id: str, data: st.DataObject) -> None:
        """Some other command, accepted or refused as the rules say; only the invariants are checked."""
        u = self.known[union_id]
        on = self.cursor[union_id]
        procs = sorted(u.procedures)
        me, parent = staff(union_id), approver(COUNTY)
        choices: list[Step] = [
            Step(
                c.RequestExtension(
                    union_id=union_id,
                    reason="x",
                    new_deadline=_after_term(u, data.draw(st.integers(-1, 8))),
                    occurred_on=on,
                ),
                me,
            ),
            Step(
                c.RequestEarlyReelection(
                    union_id=union_id,
                    reason="x",
                    planned_congress_on=on + data.draw(st.integers(0, 900)) * DAY,
                    occurred_on=on,
                ),
                me,
            ),
            Step(c.RecordChairVacancy(union_id=union_id, acting_chair="钱", reason="调离", occurred_on=on), me),
            Step(
                c.UpdateUnitFacts(
                    union_id=union_id, unit=unit(members=data.draw(st.sampled_from([80, 150]))), occurred_on=on
                ),
                me,
            ),
        ]
        # R-REMOVAL: a vice-chair removed at a members' meeting, by exactly half or by a majority.
        voters = u.unit.members if u.unit is not None else 80
        choices.append(
            Step(
                c.RemoveViceChair(
                    union_id=union_id,
                    vice_chair=(u.vice_chairs or ["钱"])[0],
                    removal=c.RemovalVote(total=max(voters, 1), yes=voters // 2 + data.draw(st.integers(0, 1))),
                    reason="x",
                    occurred_on=on,
                ),
                me,
            )
        )
        if procs:
            pid = data.draw(st.sampled_from(procs))
            redo = data.draw(st.sampled_from([None, "congress", "candidates", "congress_type"]))
            choices += [
                Step(c.WithdrawProcedure(union_id=union_id, procedure_id=pid, reason="x", occurred_on=on), me),
                Step(
                    c.RejectFiling(union_id=union_id, procedure_id=pid, reasons="x", redo_from=redo, occurred_on=on),
                    parent,
                ),
            ]
        # a step meant for another state (out of order, or not)
        other = data.draw(st.sampled_from(UNIONS))
        if other != union_id:
            choices.append(self.pick(other, data))
        self.send(data.draw(st.sampled_from(choices)))

    @rule(union_id=st.sampled_from(UNIONS))
    def chair_leaves(self, union_id: str) -> None:
        """The chair of a founded union leaves (R-VACANCY): a by-election opens, which `advance`
        then takes through consent, vote and approval."""
        u = self.known[union_id]
        if not u.founded or u.chair is None:
            return
        step = Step(
            c.RecordChairVacancy(
                union_id=union_id, acting_chair="钱", reason="调离", occurred_on=self.cursor[union_id]
            ),
            staff(union_id),
        )
        _, error = self.send(step)
        assert error is None, error
        assert self.known[union_id].chair is None

    @rule(union_id=st.sampled_from(UNIONS))
    def retry(self, union_id: str) -> None:
        """The last accepted command again with its idempotency key: the first answer, nothing
        written; the same key with another command: refused."""
        if union_id not in self.last_accepted:
            return
        step, key, version = self.last_accepted[union_id]
        result, error = self.send(step, idempotency_key=key)
        assert error is None and result is not None and result.replayed and result.version == version
        changed = step.cmd.model_copy(update={"occurred_on": step.cmd.occurred_on - DAY})
        _, error = self.send(Step(changed, step.actor), idempotency_key=key)
        assert isinstance(error, IdempotencyKeyReused)

    @rule(union_id=st.sampled_from(UNIONS), data=st.data())
    def stale(self, union_id: str, data: st.DataObject) -> None:
        """The next step sent with the version before the last: a concurrency error, nothing written."""
        version = self.world.version(union_id)
        _, error = self.send(self.pick(union_id, data), expected_version=version - 1)
        assert isinstance(error, ConcurrencyError)

    @rule()
    def switch_service(self) -> None:
        """The next commands go through the other service instance (another process)."""
        self.world.svc = self.services[1] if self.world.svc is self.services[0] else self.services[0]

    # ----------------------------------------------------------------- invariants

    @invariant()
    def streams_replay_to_the_known_state(self) -> None:
        for union_id in UNIONS:
            records = self.world.stream(union_id)
            assert [r.version for r in records] == list(range(1, len(records) + 1))
            u = fold(union_id, records)
            assert u == self.known[union_id]
            parent = u.parent_id
            imported = [r for r in records if isinstance(r.event, ExistingTermImported)]
            approvals = {r.event.procedure_id: r for r in records if isinstance(r.event, ResultsApproved)}
            # R-APPROVER: every decision was taken by an approver of the direct parent
            for r in records:
                if r.event_type in DECISION_EVENTS:
                    assert (r.metadata.role, r.metadata.acting_org) == ("approver", parent), r.event_type
            # R-FOUNDED: founded only by an approved election (or an imported term)
            if u.founded:
                assert approvals or imported
            else:
                assert not approvals and not imported and u.term is None
            # no term without an approved election or an import
            if u.term is not None:
                if u.term.started_by is None:
                    assert imported
                else:
                    approved = approvals[u.term.started_by].event
                    assert isinstance(approved, ResultsApproved)
                    assert (approved.term_start, approved.term_end) == (u.term.start, u.term.end)
                assert u.term.number == u.terms == len(approvals) + len(imported)
            # every procedure is in a state of its machine
            for p in u.procedures.values():
                machine = KINDS[p.kind].machine
                assert p.state in machine.states
                assert p.history[-1] == p.state and p.history[0] == machine.initial
            elections = [p for p in self.active(u) if p.kind in ("founding", "reelection") and p.state != "founded"]
            assert len(elections) <= 1
            # the read side agrees with the machines on every procedure's state
            assert _read_side_states(union_id, records) == {
                p.procedure_id: (p.state, p.state in KINDS[p.kind].machine.terminal) for p in u.procedures.values()
            }


_AT = {c: PROCEDURE_COLUMNS.index(c) for c in ("procedure_id", "state", "closed")}


def _read_side_states(union_id: str, records: list[Any]) -> dict[str, tuple[str, bool]]:
    """Each procedure's (state, closed) as the procedures projection folds the stream."""
    proj = Procedures(Tree())
    state = proj.new(union_id)
    Folder([proj]).fold([state], as_events(records))
    rows = proj.render(state).get("proj_procedures", [])
    return {r[_AT["procedure_id"]]: (r[_AT["state"]], r[_AT["closed"]]) for r in rows}


def _profile(u: UnionState) -> RuleProfile:
    """The profile of the term's election (the default for an imported term)."""
    if u.term is not None and u.term.started_by in u.procedures:
        return u.procedures[u.term.started_by].profile
    return NATIONAL_DEFAULT


def _after_term(u: UnionState, months: int) -> dt.date:
    end = u.term.end if u.term is not None else D(2024, 3, 1)
    return add_months(end, months) if months else end - DAY


def _tied(cmd: c.HoldCongress, tied: int) -> c.HoldCongress:
    """The congress with the last committee seats tied (R-TIE): 8 - `tied` clear winners, then
    `tied` candidates with equal votes for the seats left. Everyone present votes, everyone named has
    a majority of those due, and no more votes are cast than the ballots allow (R-BALLOTS)."""
    due = present = cmd.due
    v = due // 2 + 1
    counts = {n: (v + 8 - i if i < 8 - tied else v) for i, n in enumerate(COMMITTEE)}
    return cmd.model_copy(
        update={
            "present": present,
            "committee_vote": ballot(7, present, counts),
            "funds_review_vote": ballot(3, present, tallies(FUNDS, 3, due, present)),
        }
    )


def _break_numbers(cmd: c.Command) -> c.Command | None:
    """The same command with numbers that break the rule it is checked against."""
    match cmd:
        case c.RequestFounding() | c.ResubmitFoundingRequest():
            return cmd.model_copy(update={"prep_group": PREP[:2]})  # R-PREP-GROUP
        case c.DecideCongressType():
            return cmd.model_copy(update={"committee_seats": 9})  # R-COMMITTEE-SIZE
        case c.ProposeCandidates():
            return cmd.model_copy(update={"committee_candidates": cmd.committee_candidates[:7]})  # R-CANDIDATES
        case c.FileCandidates():
            return cmd.model_copy(update={"party_approved": None})  # R-VETTING
        case c.HoldCongress():
            return cmd.model_copy(update={"present": rules.quorum_needed(cmd.due) - 1})  # R-QUORUM
        case c.HoldRunoff():
            return cmd.model_copy(
                update={"vote": ballot(cmd.vote.seats, cmd.present, {"外人": 1})}
            )  # R-TIE / R-SHORTFALL
        case c.ElectChair():
            return cmd.model_copy(update={"yes": cmd.due // 2})  # R-ELECTED
        case c.FileResults():
            return cmd.model_copy(update={"term_years": 4})  # R-TERM
        case c.RequestByElection():
            return cmd.model_copy(update={"candidates": cmd.candidates[:1]})  # R-CHAIR-COMPETITIVE
        case c.HoldByElection():
            return cmd.model_copy(update={"present": rules.quorum_needed(cmd.due) - 1})  # R-QUORUM
    return None


WorkflowMachine.TestCase.settings = settings(
    max_examples=30,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestWorkflowStateful = pytest.mark.slow(WorkflowMachine.TestCase)
