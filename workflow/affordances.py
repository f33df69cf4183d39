"""What a person may do now: the steps of a procedure and the records of a union, by its state
and the person's authority, derived from the procedures' declarations (events.flows). The rules
are checked when a step is taken."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from workflow import commands as c
from workflow import organisations
from workflow.authority import Actor, require_admin_over, require_approver_of, require_staff_of
from workflow.command import OPENS_WHEN
from workflow.errors import DomainError, NotAuthorised
from workflow.fold import KINDS
from workflow.state import Procedure, UnionState


@dataclass(frozen=True)
class AllowedStep:
    trigger: str
    label: str
    command: str


def permitted(check: Callable[[], None]) -> bool:
    try:
        check()
    except NotAuthorised:
        return False
    return True


def allowed_steps(union: UnionState, proc: Procedure, actor: Actor) -> list[AllowedStep]:
    """The steps `actor` may take on `proc` now: one per step as a person takes it (the outcome
    variants the count decides are not steps of their own), the approvers' or the staff's."""
    if union.dissolved_on is not None:
        return []  # R-DISSOLVE: the record takes no further step
    machine = KINDS[proc.kind].machine
    may = {
        "approver": permitted(lambda: require_approver_of(actor, union)),
        "staff": permitted(lambda: require_staff_of(actor, union)),
    }
    steps: dict[str, AllowedStep] = {}
    for trigger in machine.triggers_from(proc.state):
        step = machine.flow.step(trigger)
        if may[step.decided_by]:
            steps.setdefault(step.name, AllowedStep(trigger, step.label_en, step.command))
    return list(steps.values())


def allowed_union_commands(union: UnionState, actor: Actor, ancestors: Callable[[], list[str]]) -> list[str]:
    """The commands `actor` may record on the union itself now: its unit's facts (its staff, or an
    administrator over it: `ancestors` is the chain above the union), and for its staff once it is
    founded the yearly congress (R-ANNUAL) and, while it has vice-chairs, a vice-chair's removal
    (R-REMOVAL); for a joint union, the units it covers. Nothing once dissolved (R-DISSOLVE)."""
    if not union.exists or union.level not in organisations.GRASSROOTS_LEVELS or union.dissolved_on is not None:
        return []
    staff = permitted(lambda: require_staff_of(actor, union))
    allowed: list[str] = []
    if staff or (actor.role == "admin" and permitted(lambda: require_admin_over(actor, union.org_id, ancestors()))):
        allowed.append(c.UpdateUnitFacts.__name__)
    if staff and union.founded:
        allowed.append(c.RecordCongress.__name__)
        if union.vice_chairs:
            allowed.append(c.RemoveViceChair.__name__)
    if union.level == "joint" and c.UpdateUnitFacts.__name__ in allowed:
        allowed += [c.CoverUnit.__name__, c.UncoverUnit.__name__]
    return allowed


def openable_kinds(union: UnionState, actor: Actor) -> list[str]:
    """The kinds of procedure `actor` may open on the union now: its staff, where what each kind's
    opening requires of the union holds (`OPENS_WHEN`, the guards the opening itself runs first);
    what the request then says is checked when it is made. Nothing once dissolved (R-DISSOLVE)."""
    if union.dissolved_on is not None or not permitted(lambda: require_staff_of(actor, union)):
        return []
    return [kind for kind, requirement in OPENS_WHEN.items() if _holds(requirement, union)]


def _holds(requirement: Callable[[UnionState], object], union: UnionState) -> bool:
    try:
        requirement(union)
    except DomainError:
        return False
    return True
