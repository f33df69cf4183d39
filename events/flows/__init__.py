"""Every procedure kind, declared once, as data: its states and its steps.

A step says which trigger moves a procedure from which states to which state, the event that
records it (by its stored type name), the command that takes it, who decides it (the union's
staff, or the approvers of the higher-level union: R-APPROVER) and its labels in Chinese and
English. A state says what waits there on the higher-level union, or what the union itself does
next. Everything else is derived from this module: the workflow's `transitions` machines and the
command for each step ("what may I do now"), the read side's destinations and inbox, the labels
of the pages and of the command line.

Each kind's module (`founding`, `reelection`, `term_change`, `by_election`, `dissolution`, and `election` for
the phase founding and re-election share) declares its events beside its states and steps; the
catalogue (`events.catalogue`) re-exports them under their stored names.

It lives in `events/` beside the catalogue for the same reason the catalogue does: the write side
(`workflow/`) and the read side (`projections/`) both read it and may not import each other.

Four events lead to different states depending on their content; their steps carry an `outcome`
(`events.outcomes.outcome_of` reads it): a congress or runoff that left seats open (R-TIE, R-SHORTFALL), a results
rejection naming the step to redo, a by-election that elected nobody. Steps that differ only in
outcome share a `name`: the step as a person takes it (one command), whatever it turns out to do."""

from __future__ import annotations

# The catalogue first: it re-exports the events the flows below declare (and they import its base).
import events.catalogue  # noqa: F401
from events.flows.by_election import BY_ELECTION_FLOW
from events.flows.dissolution import DISSOLUTION_FLOW
from events.flows.founding import FOUNDING_FLOW
from events.flows.model import DecidedBy, Flow, State, Step
from events.flows.reelection import REELECTION_FLOW
from events.flows.term_change import EARLY_REELECTION_FLOW, EXTENSION_FLOW

__all__ = [
    "BY_ELECTION",
    "BY_ELECTION_FLOW",
    "DECISION_EVENTS",
    "DISSOLUTION",
    "DISSOLUTION_FLOW",
    "EARLY_REELECTION",
    "EARLY_REELECTION_FLOW",
    "EXTENSION",
    "EXTENSION_FLOW",
    "FILING_EVENTS",
    "FLOWS",
    "FOUNDING",
    "FOUNDING_FLOW",
    "OPENED_BY",
    "OUTCOME_EVENTS",
    "PROCEDURE_EVENTS",
    "REELECTION",
    "REELECTION_FLOW",
    "REJECTION_EVENTS",
    "DecidedBy",
    "Flow",
    "State",
    "Step",
]

FOUNDING, REELECTION, EXTENSION = FOUNDING_FLOW.kind, REELECTION_FLOW.kind, EXTENSION_FLOW.kind
EARLY_REELECTION, BY_ELECTION = EARLY_REELECTION_FLOW.kind, BY_ELECTION_FLOW.kind
DISSOLUTION = DISSOLUTION_FLOW.kind

FLOWS: dict[str, Flow] = {
    f.kind: f
    for f in (
        FOUNDING_FLOW,
        REELECTION_FLOW,
        EXTENSION_FLOW,
        EARLY_REELECTION_FLOW,
        BY_ELECTION_FLOW,
        DISSOLUTION_FLOW,
    )
}
OPENED_BY: dict[str, Flow] = {f.opened_by: f for f in FLOWS.values()}

# Every event type that moves a procedure, its opening event included.
PROCEDURE_EVENTS: frozenset[str] = frozenset({s.event for f in FLOWS.values() for s in f.steps} | set(OPENED_BY))

# Events that put a filing before the higher-level union (R-APPROVER), with the filing's name, and
# those that answer one: the approval inbox and A-APPROVAL-PENDING are built from these.
FILING_EVENTS: dict[str, str] = {
    event: filing
    for f in FLOWS.values()
    for event, state in [(f.opened_by, f.initial), *((s.event, s.dest) for s in f.steps)]
    if (filing := f.state(state).filing) is not None
}
DECISION_EVENTS: frozenset[str] = frozenset(
    s.event for f in FLOWS.values() for s in f.steps if s.decided_by == "approver"
)

# The events that record a rejection of a filing (R-APPROVER): the staff's pages say it and why.
REJECTION_EVENTS: frozenset[str] = frozenset(
    s.event for f in FLOWS.values() for s in f.steps if s.command == "RejectFiling"
)

# The events whose destination depends on their content (`events.outcomes.outcome_of`).
OUTCOME_EVENTS: frozenset[str] = frozenset(s.event for f in FLOWS.values() for s in f.steps if s.outcome)
