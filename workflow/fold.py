"""Rebuild a union from its stream: a pure fold, with no I/O, no clock and no rule re-checks.
Events carry the evidence of the rules that allowed them; the fold only moves each procedure along
its machine and records what the events say."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import orjson

from events import RecordedEvent
from events.catalogue import (
    AnnualCongressHeld,
    CoverageTargetsSet,
    CoveredUnitLeft,
    ExistingTermImported,
    OrganisationRegistered,
    ProcedureEvent,
    ProcedureOpenedMixin,
    RuleProfileAssigned,
    UnitCovered,
    UnitFactsUpdated,
    ViceChairRemoved,
)
from workflow import by_election, dissolution, founding, imported, joint, reelection, term_change
from workflow.kinds import ProcedureKind
from workflow.profile import RuleProfile
from workflow.state import ProfileAssignment, UnionState

KINDS: dict[str, ProcedureKind] = {
    k.kind: k
    for k in (
        founding.DEFINITION,
        reelection.DEFINITION,
        term_change.EXTENSION,
        term_change.EARLY_REELECTION,
        by_election.DEFINITION,
        dissolution.DEFINITION,
    )
}
_OPENED_BY: dict[str, ProcedureKind] = {k.flow.opened_by: k for k in KINDS.values()}


class CorruptHistory(Exception):
    """A stored event does not fit the procedure's machine: the stream was written by something
    other than this workflow, or the workflow changed incompatibly. Never silently skipped."""


@lru_cache(maxsize=64)
def _profile(pinned: bytes) -> RuleProfile:
    return RuleProfile.model_validate_json(pinned)


def pinned_profile(ev: ProcedureOpenedMixin) -> RuleProfile:
    """The profile a procedure pinned in its first event (parsed once per distinct profile)."""
    return _profile(orjson.dumps(ev.profile, option=orjson.OPT_SORT_KEYS))


def fold(org_id: str, records: Iterable[RecordedEvent]) -> UnionState:
    union = UnionState(org_id=org_id)
    for r in records:
        evolve(union, r)
    return union


def evolve(union: UnionState, r: RecordedEvent) -> None:
    ev = r.event
    union.version = r.version
    match ev:
        case OrganisationRegistered():
            union.name, union.level, union.parent_id, union.unit = ev.name, ev.level, ev.parent_id, ev.unit
            union.registered_on = r.occurred_on
        case UnitFactsUpdated():
            union.unit = ev.unit
        case ExistingTermImported():
            imported.apply(union, ev)  # what the register gave; the rest stays unknown
        case AnnualCongressHeld():
            # R-ANNUAL: the latest congress with quorum (one without it does not count).
            if ev.quorate and (union.last_congress_on is None or r.occurred_on > union.last_congress_on):
                union.last_congress_on = r.occurred_on  # R-ANNUAL: the latest congress, not the last recorded
        case ViceChairRemoved():
            union.leave_vice_chair(ev.vice_chair)
        case RuleProfileAssigned():
            union.rule_profile = ProfileAssignment(union.org_id, ev.profile_name, ev.profile_version)
        case CoverageTargetsSet():
            union.coverage_targets = dict(ev.targets)
        case UnitCovered() | CoveredUnitLeft():
            joint.evolve(union, ev, r.occurred_on)
        case ProcedureEvent():
            _evolve_procedure(union, ev, r)


def _evolve_procedure(union: UnionState, ev: ProcedureEvent, r: RecordedEvent) -> None:
    opened_kind = _OPENED_BY.get(r.event_type)
    if opened_kind is not None:
        assert isinstance(ev, ProcedureOpenedMixin)
        proc = opened_kind.open_procedure(union, ev, r.occurred_on, pinned_profile(ev))
        proc.history.append(proc.state)
        union.procedures[ev.procedure_id] = proc
        opened_kind.apply(union, proc, ev, r.occurred_on)
        return
    proc = union.procedures.get(ev.procedure_id)
    if proc is None:
        raise CorruptHistory(f"{r.stream_id} v{r.version}: {r.event_type} for unknown procedure {ev.procedure_id}")
    kind = KINDS[proc.kind]
    trigger = kind.trigger_for(proc, r.event_type, ev)
    dest = kind.machine.destination(proc.state, trigger) if trigger else None
    if dest is None:
        raise CorruptHistory(
            f"{r.stream_id} v{r.version}: {r.event_type} does not fit {proc.kind} {proc.procedure_id} in state "
            f"'{proc.state}'"
        )
    kind.apply(union, proc, ev, r.occurred_on)
    proc.state = dest
    proc.last_moved_on = r.occurred_on
    proc.history.append(dest)
    proc.filed_on = r.occurred_on if kind.waits_on_approver(dest) else None
