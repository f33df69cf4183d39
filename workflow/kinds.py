"""What every procedure kind provides to the fold and to the command handler: its declaration
(`events.flows`, from which its machine is built), how its first event opens a procedure, how its
events change the state, and one handler per step. With what the kinds share: the higher-level
union's decisions and the withdrawal (commands and handlers), and opening a procedure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Literal, TypeVar

from pydantic import Field

from events.catalogue import ProcedureEvent, ProcedureWithdrawn
from events.flows import FLOWS, OUTCOME_EVENTS, Flow, Step
from events.outcomes import outcome_of
from workflow import rules
from workflow.authority import Actor, require_staff_of
from workflow.bounds import Name, RequiredText, Text
from workflow.command import ProcedureCommand, UnionCommand
from workflow.errors import NotFound, StepOutOfOrder
from workflow.machine import ProcedureMachine
from workflow.profile import RuleProfile
from workflow.state import Procedure, UnionState

if TYPE_CHECKING:
    from workflow.unit_of_work import Decision, UnitOfWork

# A step's handler: checks the step's rules through the guards and returns the events recording it.
StepHandler = Callable[[UnionState, Procedure, ProcedureCommand], list[ProcedureEvent]]
# How a kind's first event opens a procedure (`opener`).
OpenProcedure = Callable[[UnionState, ProcedureEvent, dt.date, RuleProfile], Procedure]
# The commands of the steps the higher-level union's approvers decide (R-APPROVER), by the flows.
APPROVER_COMMANDS = frozenset(s.command for f in FLOWS.values() for s in f.steps if s.decided_by == "approver")


@dataclass(frozen=True)
class ProcedureKind:
    flow: Flow
    open_procedure: OpenProcedure
    apply: Callable[[UnionState, Procedure, ProcedureEvent, dt.date], None]
    handlers: Mapping[str, StepHandler]  # step name -> its handler
    # Checks that come before the step's order (a by-election whose vacancy is over: R-VACANCY).
    precheck: Callable[[UnionState, Procedure, ProcedureCommand], None] | None = None
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
            outcome, _ = outcome_of(ev, proc.pending_runoffs())
        step = self.flow.step_of_event(event_type, outcome)
        return step.trigger if step is not None else None

    def decide(self, union: UnionState, proc: Procedure, cmd: ProcedureCommand) -> list[ProcedureEvent]:
        """Take `cmd` as the step the machine allows from the procedure's state, through its handler."""
        if self.precheck is not None:
            self.precheck(union, proc, cmd)
        step = self._step_for(proc, cmd)
        if isinstance(cmd, RejectFiling) and cmd.redo_from is not None:
            require_redo_applies(self.flow, proc, cmd.redo_from)
        return self.handlers[step.name](union, proc, cmd)

    def _step_for(self, proc: Procedure, cmd: ProcedureCommand) -> Step:
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


_C = TypeVar("_C", bound=ProcedureCommand)
_E = TypeVar("_E", bound=ProcedureEvent)
_P = TypeVar("_P", bound=Procedure)
_U = TypeVar("_U", bound=UnionCommand)


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


def opener(
    cls: type[Procedure], flow: Flow, *facts: str, **derived: Callable[[UnionState, Any, dt.date], Any]
) -> OpenProcedure:
    """A kind's `open_procedure`: the procedure `opened` with the `facts` its first event names
    (lists copied, as the procedure's own) and those `derived` from the union, the event and its day."""

    def open_procedure(union: UnionState, ev: ProcedureEvent, on: dt.date, profile: RuleProfile) -> Procedure:
        values = {name: _own(getattr(ev, name)) for name in facts}
        values |= {name: fn(union, ev, on) for name, fn in derived.items()}
        return opened(cls, flow, ev.procedure_id, on, profile, **values)

    return open_procedure


def _own(value: Any) -> Any:
    return list(value) if isinstance(value, list) else value


def as_command(cmd: ProcedureCommand, kind: type[_C]) -> _C:
    """`cmd` as the command its step takes (the flow names it; the dispatch went by it)."""
    assert isinstance(cmd, kind)
    return cmd


# --------------------------------------------------------------------------- what every kind shares


class ApproveFiling(ProcedureCommand):
    """Approve whatever the procedure has filed and is waiting on (R-APPROVER): the founding request
    and preparatory group, a re-election plan, a candidate list, election results, an extension,
    an early re-election, a by-election's consent or results."""

    examples: ClassVar[list[dict[str, Any]]] = [
        {"document_no": "江工发〔2019〕1号", "remarks": "", "occurred_on": "2019-01-10"}
    ]
    step_name = "approve"

    document_no: Name = Field(description="批复文号: the higher-level union's reply number")
    remarks: Text = ""


class RejectFiling(ProcedureCommand):
    examples: ClassVar[list[dict[str, Any]]] = [{"reasons": "材料不全", "occurred_on": "2019-01-10"}]
    step_name = "reject"

    reasons: RequiredText
    redo_from: Literal["congress_type", "candidates", "congress"] | None = None


class WithdrawProcedure(ProcedureCommand):
    examples: ClassVar[list[dict[str, Any]]] = [{"reason": "单位改制", "occurred_on": "2019-02-10"}]

    reason: RequiredText


def require_redo_applies(flow: Flow, proc: Procedure, redo_from: str) -> None:
    """A rejection names a step to redo only where its flow offers that choice (the results'
    rejection: events.flows.election); a choice that does not apply is refused, never dropped."""
    choices = [s.outcome for s in flow.redo_choices(proc.state)]
    if redo_from in choices:
        return
    waiting = flow.awaiting(proc.state) or proc.state
    message = f"redo_from {redo_from!r} does not apply to rejecting the {waiting} of {proc.procedure_id}"
    message += f": choose one of {', '.join(map(str, choices))}" if choices else ": it names no step to redo"
    raise StepOutOfOrder(
        "STEP-ORDER",
        message,
        {"state": proc.state, "redo_from": redo_from, "allowed": choices, "field": "redo_from"},
        case="redo",
    )


def approval(event: Callable[..., _E], proc: Procedure, cmd: ProcedureCommand, **facts: Any) -> _E:
    """The event recording the higher-level union's approval of what `proc` filed (R-APPROVER): its
    reply number and remarks, with the `facts` the approval decides."""
    cmd = as_command(cmd, ApproveFiling)
    return event(procedure_id=proc.procedure_id, document_no=cmd.document_no, remarks=cmd.remarks, **facts)


def approved(event: Callable[..., ProcedureEvent], **facts: Any) -> StepHandler:
    """The handler of an approval that records the reply (R-APPROVER) and checks nothing more."""
    return lambda u, proc, cmd: [approval(event, proc, cmd, **facts)]


def rejected(event: Callable[..., ProcedureEvent]) -> StepHandler:
    """The handler of a rejection: the reasons are all it records."""
    return lambda u, proc, cmd: [event(procedure_id=proc.procedure_id, reasons=as_command(cmd, RejectFiling).reasons)]


def withdraw(union: UnionState, proc: Procedure, cmd: ProcedureCommand) -> list[ProcedureEvent]:
    return [ProcedureWithdrawn(procedure_id=proc.procedure_id, reason=as_command(cmd, WithdrawProcedure).reason)]


def existing(union: UnionState) -> UnionState:
    if not union.exists:
        raise NotFound("NOT-FOUND", f"no organisation {union.org_id}", {"org_id": union.org_id}, case="org")
    return union


def staff_record(union: UnionState, cmd: UnionCommand, actor: Actor) -> None:
    """What the union's own staff record: on an existing union, in order (`require_in_order`)."""
    require_staff_of(actor, existing(union))
    require_in_order(union, cmd)


def require_in_order(union: UnionState, cmd: UnionCommand) -> None:
    """DATE-ORDER for a union's record: not dated before the last of the facts it depends on (its
    command's `depends_on`). A procedure's steps are kept in order by `handlers.take_step`."""
    facts = union.dated_facts()
    rules.require_not_before_facts(cmd.occurred_on, {name: facts[name] for name in cmd.depends_on})


def next_id(union: UnionState, kind: str) -> str:
    n = len(union.procedures_of(kind)) + 1
    return f"{union.org_id}:{kind.replace('_', '-')}-{n}"


def opening(
    union: UnionState,
    cmd: _U,
    actor: Actor,
    kind: str,
    decide: Callable[[UnionState, str, _U, RuleProfile], ProcedureEvent],
    profile: Callable[[], RuleProfile],
) -> Decision:
    """A procedure of `kind` that the union's staff open with `cmd`: its new id and the first event,
    as `decide` records it under the profile `profile` gives. Staff never choose it: it is their
    region's (RULES.md §5), found once the actor may open the procedure."""
    staff_record(union, cmd, actor)
    procedure_id = next_id(union, kind)
    return procedure_id, [decide(union, procedure_id, cmd, profile())]


def term_profile(union: UnionState, uow: UnitOfWork) -> RuleProfile:
    """A term's own procedures use the profile of the election that started the term, so the rules
    of a term do not shift under it; an imported term's use its region's (RULES.md §5)."""
    if union.term is not None and union.term.started_by in union.procedures:
        return union.procedures[union.term.started_by].profile
    return uow.profile_of(union)


def not_applicable(machine: ProcedureMachine, proc: Procedure, cmd: ProcedureCommand) -> StepOutOfOrder:
    """The error for a command that this procedure cannot take now."""
    name = type(cmd).__name__
    if name in APPROVER_COMMANDS:
        return StepOutOfOrder(
            "STEP-ORDER",
            f"{machine.kind} {proc.procedure_id} is '{proc.state}': nothing waits on the higher-level union",
            {"state": proc.state, "command": name},
            case="nothing-waits",
        )
    allowed = machine.steps_from(proc.state)
    return StepOutOfOrder(
        "STEP-ORDER",
        f"{name} does not apply to {machine.kind} {proc.procedure_id} in state '{proc.state}'"
        + (f"; allowed now: {', '.join(allowed)}" if allowed else "; the procedure is closed"),
        {"state": proc.state, "command": name, "allowed": allowed},
        case="not-now",
    )
