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
from pathlib import Path
from typing import Any

import pytest
from hypothesis import event
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
from tests.unit.workflow_steps import (
    DECLARED_YEARS,
    Step,
    break_numbers,
    next_step,
    procedure_commands,
    tied,
    union_commands,
)
from tests.unit.workflow_world import (
    CITY,
    COUNTY,
    DAY,
    ROOT,
    D,
    World,
    approver,
    auditor,
    make_world,
    staff,
    unit,
)
from workflow import commands as c
from workflow import rules
from workflow.errors import DomainError, InvalidDate, NotAuthorised, RuleViolation
from workflow.fold import KINDS, evolve, fold
from workflow.state import Procedure, UnionState

UNIONS = ("U1", "U2", "U3")  # U3 comes with a term imported from a registry
IMPORTED_START = D(2017, 3, 1)
CLOCK = D(2200, 1, 1)


class WorkflowMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="unionflow-wf-stateful-"))
        self.world: World = make_world(self.folder)
        self.world.today = CLOCK  # far enough ahead for many terms
        self.world.profiles.register(DECLARED_YEARS)
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

    def pick(self, union_id: str, data: st.DataObject) -> Step:
        active = self.active(self.known[union_id])
        proc = data.draw(st.sampled_from(sorted(active, key=lambda p: p.procedure_id))) if active else None
        return next_step(self.known[union_id], self.cursor[union_id], proc)

    # ----------------------------------------------------------------- rules

    @rule(union_id=st.sampled_from(UNIONS), data=st.data(), steps=st.integers(1, 5))
    def advance(self, union_id: str, data: st.DataObject, steps: int) -> None:
        """The next steps, done right: accepted (unless one depends on a term that has moved on)."""
        for _ in range(steps):
            step = self.pick(union_id, data)
            if isinstance(step.cmd, c.HoldCongress) and data.draw(st.booleans()):
                step = Step(tied(step.cmd, data.draw(st.integers(2, 8))), step.actor)
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
            broken = break_numbers(cmd)
            if broken is None:
                return
            # the broken rule is the refusal, unless the step was refused anyway
            cmd, expected = broken, (RuleViolation if step.must_pass else DomainError)
        _, error = self.send(Step(cmd, actor))
        assert isinstance(error, expected), f"{type(cmd).__name__} ({how}): {error!r}"

    @rule(union_id=st.sampled_from(UNIONS), data=st.data())
    def anything(self, union_id: str, data: st.DataObject) -> None:
        """Some other command, accepted or refused as the rules say; only the invariants are checked."""
        u, on = self.known[union_id], self.cursor[union_id]
        choices = union_commands(u, on, data) + procedure_commands(u, on, data)
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


TestWorkflowStateful = pytest.mark.slow(WorkflowMachine.TestCase)
