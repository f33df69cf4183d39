"""What every procedure kind provides to the fold and to the command handler: its declaration
(`events.flows`, from which its machine is built), how its first event opens a procedure, how its
events change the state, and one handler per step."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from events.catalogue import ProcedureEvent, ProcedureWithdrawn
from events.flows import FLOWS, OUTCOME_EVENTS, Flow, Step, outcome_of
from workflow import commands as c
from workflow.errors import StepOutOfOrder
from workflow.machine import ProcedureMachine
from workflow.profile import RuleProfile
from workflow.state import Procedure, UnionState

# A step's handler: checks the step's rules through the guards and returns the events recording it.
StepHandler = Callable[[UnionState, Procedure, c.ProcedureCommand], list[ProcedureEvent]]
# The commands of the steps the higher-level union's approvers decide (R-APPROVER), by the flows.
APPROVER_COMMANDS = frozenset(s.command for f in FLOWS.values() for s in f.steps if s.decided_by == "approver")


@dataclass(frozen=True)
class ProcedureKind:
    flow: Flow
    open_procedure: Callable[[UnionState, ProcedureEvent, dt.date, RuleProfile], Procedure]
    apply: Callable[[UnionState, Procedure, ProcedureEvent, dt.date], None]
    handlers: Mapping[str, StepHandler]  # step name -> its handler
    # Checks that come before the step's order (a by-election whose vacancy is over: R-VACANCY).
    precheck: Callable[[UnionState, Procedure, c.ProcedureCommand], None] | None = None
    machine: ProcedureMachine = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "machine", ProcedureMachine(self.flow))
        missing = {s.name for s in self.flow.steps} - set(self.handlers)
        if missing:
            raise ValueError(f"{self.flow.kind}: no handler for the steps {sorted(missing)}")

    @property
    def kind(self) -> str:
        return self.flow.kind

    def waits_on_approver(self, state: str) -> str | None:
        return self.flow.awaiting(state)

    def trigger_for(self, proc: Procedure, event_type: str, ev: ProcedureEvent) -> str | None:
        """The trigger an event of this kind fires; its content decides between outcome variants."""
        outcome = None
        if event_type in OUTCOME_EVENTS:
            outcome, _ = outcome_of(event_type, ev.model_dump(mode="json"), proc.pending_runoffs())
        step = self.flow.step_of_event(event_type, outcome)
        return step.trigger if step is not None else None

    def decide(self, union: UnionState, proc: Procedure, cmd: c.ProcedureCommand) -> list[ProcedureEvent]:
        """Take `cmd` as the step the machine allows from the procedure's state, through its handler."""
        if self.precheck is not None:
            self.precheck(union, proc, cmd)
        return self.handlers[self._step_for(proc, cmd).name](union, proc, cmd)

    def _step_for(self, proc: Procedure, cmd: c.ProcedureCommand) -> Step:
        """The step `cmd` takes: the first of its command's steps the machine allows from the
        procedure's state; else the machine's refusal, naming what is allowed."""
        command = type(cmd).__name__
        steps = [s for s in self.flow.steps if s.command == command]
        for step in steps:
            if self.machine.destination(proc.state, step.trigger) is not None:
                return step
        if steps and command not in APPROVER_COMMANDS:
            self.machine.advance(proc.state, steps[0].trigger, steps[0].out_of_order_rule)  # raises, naming the rule
        raise not_applicable(self.machine, proc, cmd)


_C = TypeVar("_C", bound=c.ProcedureCommand)
_P = TypeVar("_P", bound=Procedure)


def opened(cls: type[_P], flow: Flow, procedure_id: str, on: dt.date, profile: RuleProfile, **facts: Any) -> _P:
    """A procedure as its first event opens it: in its flow's first state, on that day, and filed
    that day when the first state waits on the higher-level union (R-APPROVER)."""
    filed_on = on if flow.awaiting(flow.initial) else None
    return cls(
        procedure_id=procedure_id,
        kind=flow.kind,
        state=flow.initial,
        profile=profile,
        opened_on=on,
        last_moved_on=on,
        filed_on=filed_on,
        **facts,
    )


def as_command(cmd: c.ProcedureCommand, kind: type[_C]) -> _C:
    """`cmd` as the command its step takes (the flow names it; the dispatch went by it)."""
    assert isinstance(cmd, kind)
    return cmd


def withdraw(union: UnionState, proc: Procedure, cmd: c.ProcedureCommand) -> list[ProcedureEvent]:
    assert isinstance(cmd, c.WithdrawProcedure)
    return [ProcedureWithdrawn(procedure_id=proc.procedure_id, reason=cmd.reason)]


def not_applicable(machine: ProcedureMachine, proc: Procedure, cmd: c.ProcedureCommand) -> StepOutOfOrder:
    """The error for a command that this procedure cannot take now."""
    name = type(cmd).__name__
    if name in APPROVER_COMMANDS:
        return StepOutOfOrder(
            "STEP-ORDER",
            f"{machine.kind} {proc.procedure_id} is '{proc.state}': nothing waits on the higher-level union",
            {"state": proc.state, "command": name},
        )
    allowed = machine.steps_from(proc.state)
    return StepOutOfOrder(
        "STEP-ORDER",
        f"{name} does not apply to {machine.kind} {proc.procedure_id} in state '{proc.state}'"
        + (f"; allowed now: {', '.join(allowed)}" if allowed else "; the procedure is closed"),
        {"state": proc.state, "command": name, "allowed": allowed},
    )
