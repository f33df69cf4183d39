"""One handler per command: check the actor's authority, decide through the named guards, and
return what to record. The handlers read organisations through a unit of work and never write:
the unit of work appends what they return with the version it loaded (`workflow.unit_of_work`).

Each module registers the handlers of its commands where it declares them (`workflow.command`):
the organisation tree's, the union's records', the opening of a procedure of each kind. A
procedure's steps all go one way (`take_step`): the procedure's declaration (events.flows) says
which step the command takes from the current state, the kind's machine allows it, and the step's
handler in the procedure's module decides it."""

from __future__ import annotations

from events import DomainEvent
from events.flows import FLOWS
from workflow import commands as c
from workflow import rules
from workflow.authority import Actor, require_approver_of, require_staff_of
from workflow.command import COMMANDS, HANDLERS, Handler
from workflow.errors import NotFound
from workflow.fold import KINDS
from workflow.kinds import APPROVER_COMMANDS, existing
from workflow.state import UnionState
from workflow.unit_of_work import Decision, UnitOfWork


def take_step(cmd: c.Command, union: UnionState, uow: UnitOfWork, actor: Actor) -> Decision:
    assert isinstance(cmd, c.ProcedureCommand)
    proc = existing(union).procedures.get(cmd.procedure_id)
    if proc is None:
        raise NotFound(
            "NOT-FOUND",
            f"union {union.org_id} has no procedure {cmd.procedure_id}",
            {"procedure_id": cmd.procedure_id},
            case="procedure",
        )
    # R-APPROVER: filings are decided by the higher-level union; every other step is the union's.
    if type(cmd).__name__ in APPROVER_COMMANDS:
        require_approver_of(actor, union)
    else:
        require_staff_of(actor, union)
    rules.require_not_before_previous_step(cmd.occurred_on, proc.last_moved_on)
    events: list[DomainEvent] = list(KINDS[proc.kind].decide(union, proc, cmd))
    return cmd.procedure_id, events


# What each module registered (the organisation tree, the union's records, opening a procedure of
# each kind), and every command a procedure's declaration names: one of its steps.
COMMAND_HANDLERS: dict[type[c.Command], Handler] = {
    **HANDLERS,
    **{COMMANDS[step.command]: take_step for flow in FLOWS.values() for step in flow.steps},
}


def target_of(cmd: c.Command) -> str:
    """The union (organisation) a command acts on: its stream."""
    return cmd.org_id if isinstance(cmd, c.RegisterOrganisation) else getattr(cmd, "union_id")  # noqa: B009


def decide(cmd: c.Command, union: UnionState, uow: UnitOfWork, actor: Actor) -> Decision:
    handler = COMMAND_HANDLERS.get(type(cmd))
    if handler is None:
        raise TypeError(f"no handler for {type(cmd).__name__}")
    # R-DISSOLVE: a dissolved union's record takes no further step, whatever the command.
    rules.require_not_dissolved(union.org_id, union.dissolved_on)
    return handler(cmd, union, uow, actor)
