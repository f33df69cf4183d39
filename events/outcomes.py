"""Where an event whose destination depends on its content leads (`events.flows.OUTCOME_EVENTS`),
read from the catalogue's typed event: a congress or runoff that left seats open (R-TIE,
R-SHORTFALL), a results rejection naming the step to redo, a by-election that elected nobody. The
write side's machine and the read side's procedures both ask it, so a destination is decided once."""

from __future__ import annotations

from collections.abc import Sequence

from events.catalogue import ByElectionHeld, CongressHeld, ElectionOutcome, ResultsRejected, RunoffHeld
from events.model import DomainEvent


def seats_open(outcome: ElectionOutcome) -> bool:
    """R-TIE / R-SHORTFALL: seats stay open for a runoff unless the profile reduced the seats."""
    return bool(outcome.tied) or (outcome.shortfall_seats > 0 and outcome.shortfall_action != "reduce_seats")


def outcome_of(event: DomainEvent, runoffs: Sequence[str]) -> tuple[str | None, list[str]]:
    """The outcome of `event` (None for the plain step), and the bodies still waiting for a runoff
    after it, given those waiting before it (`runoffs`): all the election state a destination
    depends on."""
    if isinstance(event, CongressHeld):
        bodies = (("committee", event.committee), ("funds_review", event.funds_review))
        pending = [body for body, outcome in bodies if seats_open(outcome)]
        return ("undecided" if pending else None), pending
    if isinstance(event, RunoffHeld):
        pending = [b for b in runoffs if b != event.body]
        if seats_open(event.outcome):
            pending.append(event.body)
        return ("undecided" if pending else None), pending
    if isinstance(event, ResultsRejected):
        # Every redo (congress, candidates, congress_type) starts the voting again: no runoff waits.
        return event.redo_from or "congress", []
    if isinstance(event, ByElectionHeld):
        return (None if event.outcome.elected else "undecided"), list(runoffs)
    return None, list(runoffs)
