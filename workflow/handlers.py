"""One handler per command: check the actor's authority, decide through the named guards, and
return what to record. The handlers read organisations through a unit of work and never write:
the unit of work appends what they return with the version it loaded (`workflow.unit_of_work`).

A procedure's steps all go one way (`take_step`): the procedure's declaration (events.flows) says
which step the command takes from the current state, the kind's machine allows it, and the step's
handler in the procedure's module decides it."""

from __future__ import annotations

from collections.abc import Callable

from events import DomainEvent
from events.flows import FLOWS
from workflow import by_election, congress, founding, organisations, reelection, rules, term_change
from workflow import commands as c
from workflow.authority import Actor, require_admin_over, require_approver_of, require_staff_of
from workflow.errors import NotFound
from workflow.fold import KINDS
from workflow.kinds import APPROVER_COMMANDS
from workflow.profile import RuleProfile
from workflow.state import UnionState
from workflow.unit_of_work import Decision, UnitOfWork

Handler = Callable[[c.Command, UnionState, UnitOfWork, Actor], Decision]


def _existing(union: UnionState) -> UnionState:
    if not union.exists:
        raise NotFound("NOT-FOUND", f"no organisation {union.org_id}", {"org_id": union.org_id})
    return union


def _next_id(union: UnionState, kind: str) -> str:
    n = len(union.procedures_of(kind)) + 1
    return f"{union.org_id}:{kind.replace('_', '-')}-{n}"


def term_profile(union: UnionState, uow: UnitOfWork) -> RuleProfile:
    """A term's own procedures use the profile of the election that started the term, so the rules
    of a term do not shift under it; imported terms use the default."""
    if union.term is not None and union.term.started_by in union.procedures:
        return union.procedures[union.term.started_by].profile
    return uow.profile()


# --------------------------------------------------------------------------- the organisation tree


def register_organisation(cmd: c.Command, union: UnionState, uow: UnitOfWork, actor: Actor) -> Decision:
    assert isinstance(cmd, c.RegisterOrganisation)
    parent = uow.load(cmd.parent_id) if cmd.parent_id else None
    # Only administrators learn whether a parent exists (role first, then existence).
    if actor.role == "admin" and parent is not None and not parent.exists:
        raise NotFound("ORG-PARENT", f"parent organisation {cmd.parent_id} does not exist", {})
    # Only the root registers itself; below it, an administrator of the parent or above places the
    # organisation, so nobody grafts their own into someone else's subtree.
    require_admin_over(actor, cmd.org_id, uow.ancestors(cmd.parent_id), own_org=cmd.parent_id is None)
    return None, [organisations.decide_register(union, parent, cmd)]


def update_unit_facts(cmd: c.Command, union: UnionState, uow: UnitOfWork, actor: Actor) -> Decision:
    assert isinstance(cmd, c.UpdateUnitFacts)
    _existing(union)
    if actor.role == "admin":
        require_admin_over(actor, union.org_id, uow.ancestors(union.parent_id))
    else:
        require_staff_of(actor, union)
    return None, [organisations.decide_update_facts(union, cmd)]


def import_existing_term(cmd: c.Command, union: UnionState, uow: UnitOfWork, actor: Actor) -> Decision:
    assert isinstance(cmd, c.ImportExistingTerm)
    # A registry import is the administrators' work, like the tree it fills.
    require_admin_over(actor, _existing(union).org_id, uow.ancestors(union.parent_id))
    return None, [organisations.decide_import_term(union, cmd, uow.profile())]


# --------------------------------------------------------------------------- what the union's staff record


def _staff_record(union: UnionState, cmd: c.Command, actor: Actor) -> None:
    require_staff_of(actor, _existing(union))
    rules.require_not_before_term(cmd.occurred_on, union.term.start if union.term is not None else None)


def request_founding(cmd: c.Command, union: UnionState, uow: UnitOfWork, actor: Actor) -> Decision:
    assert isinstance(cmd, c.RequestFounding)
    _staff_record(union, cmd, actor)
    pid = _next_id(union, founding.KIND)
    return pid, [founding.decide_request(union, pid, cmd, uow.profile(cmd.profile_name, cmd.profile_version))]


def open_reelection(cmd: c.Command, union: UnionState, uow: UnitOfWork, actor: Actor) -> Decision:
    assert isinstance(cmd, c.OpenReelection)
    _staff_record(union, cmd, actor)
    pid = _next_id(union, reelection.KIND)
    return pid, [reelection.decide_open(union, pid, cmd, uow.profile(cmd.profile_name, cmd.profile_version))]


def request_extension(cmd: c.Command, union: UnionState, uow: UnitOfWork, actor: Actor) -> Decision:
    assert isinstance(cmd, c.RequestExtension)
    _staff_record(union, cmd, actor)
    pid = _next_id(union, "extension")
    return pid, [term_change.decide_extension_request(union, pid, cmd, term_profile(union, uow))]


def request_early_reelection(cmd: c.Command, union: UnionState, uow: UnitOfWork, actor: Actor) -> Decision:
    assert isinstance(cmd, c.RequestEarlyReelection)
    _staff_record(union, cmd, actor)
    pid = _next_id(union, "early_reelection")
    return pid, [term_change.decide_early_request(union, pid, cmd, term_profile(union, uow))]


def record_chair_vacancy(cmd: c.Command, union: UnionState, uow: UnitOfWork, actor: Actor) -> Decision:
    assert isinstance(cmd, c.RecordChairVacancy)
    _staff_record(union, cmd, actor)
    pid = _next_id(union, by_election.KIND)
    return pid, [by_election.decide_vacancy(union, pid, cmd, term_profile(union, uow))]


def record_congress(cmd: c.Command, union: UnionState, uow: UnitOfWork, actor: Actor) -> Decision:
    assert isinstance(cmd, c.RecordCongress)
    _staff_record(union, cmd, actor)
    return None, [congress.decide_annual_congress(union, cmd)]


def remove_vice_chair(cmd: c.Command, union: UnionState, uow: UnitOfWork, actor: Actor) -> Decision:
    assert isinstance(cmd, c.RemoveViceChair)
    _staff_record(union, cmd, actor)
    return None, [congress.decide_vice_chair_removal(union, cmd)]


# --------------------------------------------------------------------------- a procedure's steps


def take_step(cmd: c.Command, union: UnionState, uow: UnitOfWork, actor: Actor) -> Decision:
    assert isinstance(cmd, c.ProcedureCommand)
    proc = _existing(union).procedures.get(cmd.procedure_id)
    if proc is None:
        raise NotFound(
            "NOT-FOUND", f"union {union.org_id} has no procedure {cmd.procedure_id}", {"procedure_id": cmd.procedure_id}
        )
    # R-APPROVER: filings are decided by the higher-level union; every other step is the union's.
    if type(cmd).__name__ in APPROVER_COMMANDS:
        require_approver_of(actor, union)
    else:
        require_staff_of(actor, union)
    rules.require_not_before_previous_step(cmd.occurred_on, proc.last_moved_on)
    events: list[DomainEvent] = list(KINDS[proc.kind].decide(union, proc, cmd))
    return cmd.procedure_id, events


COMMAND_HANDLERS: dict[type[c.Command], Handler] = {
    c.RegisterOrganisation: register_organisation,
    c.UpdateUnitFacts: update_unit_facts,
    c.ImportExistingTerm: import_existing_term,
    c.RequestFounding: request_founding,
    c.OpenReelection: open_reelection,
    c.RequestExtension: request_extension,
    c.RequestEarlyReelection: request_early_reelection,
    c.RecordChairVacancy: record_chair_vacancy,
    c.RecordCongress: record_congress,
    c.RemoveViceChair: remove_vice_chair,
    # Every command a procedure's declaration names is one of its steps.
    **{getattr(c, step.command): take_step for flow in FLOWS.values() for step in flow.steps},
}


def target_of(cmd: c.Command) -> str:
    """The union (organisation) a command acts on: its stream."""
    return cmd.org_id if isinstance(cmd, c.RegisterOrganisation) else getattr(cmd, "union_id")  # noqa: B009


def decide(cmd: c.Command, union: UnionState, uow: UnitOfWork, actor: Actor) -> Decision:
    handler = COMMAND_HANDLERS.get(type(cmd))
    if handler is None:
        raise TypeError(f"no handler for {type(cmd).__name__}")
    return handler(cmd, union, uow, actor)
