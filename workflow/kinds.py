"""What every procedure kind provides to the fold and to the command handler."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from events.catalogue import ProcedureEvent, ProcedureWithdrawn
from workflow import commands as c
from workflow.errors import StepOutOfOrder
from workflow.machine import ProcedureMachine
from workflow.profile import RuleProfile
from workflow.state import Procedure, UnionState


@dataclass(frozen=True)
class ProcedureKind:
    kind: str
    machine: ProcedureMachine
    opening_event: type[ProcedureEvent]
    # state -> what filing waits there on the higher-level union
    awaiting_approval: dict[str, str]
    open_procedure: Callable[[UnionState, ProcedureEvent, dt.date, RuleProfile], Procedure]
    trigger_for: Callable[[Procedure, ProcedureEvent], str | None]
    apply: Callable[[UnionState, Procedure, ProcedureEvent, dt.date], None]
    decide: Callable[[UnionState, Procedure, c.ProcedureCommand], list[ProcedureEvent]]

    def waits_on_approver(self, state: str) -> str | None:
        return self.awaiting_approval.get(state)


def withdraw(machine: ProcedureMachine, proc: Procedure, cmd: c.WithdrawProcedure) -> ProcedureWithdrawn:
    machine.advance(proc.state, "withdraw")
    return ProcedureWithdrawn(procedure_id=proc.procedure_id, reason=cmd.reason)


def not_applicable(machine: ProcedureMachine, proc: Procedure, cmd: c.ProcedureCommand) -> StepOutOfOrder:
    """The error for a command that this procedure cannot take now."""
    name = type(cmd).__name__
    if isinstance(cmd, c.ApproveFiling | c.RejectFiling):
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
