"""A filing's whole content, as the approver reads it before deciding (R-APPROVER): every step
recorded on the procedure since the higher-level union last decided on it, the filing itself
last. A candidate list comes with the candidates (each with the facts its eligibility is vetted
on, R-INELIGIBLE) and the Party organisation's opinion (R-VETTING); election results with the
congress's vote counts, the committee elected and the chair; each step with its rule evidence.

Each step's content is put in blocks a page lays out by what they hold: candidates, a ballot
count with its tallies, an election's outcome, a list of people, or any other value."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from events.catalogue import Candidate
from events.flows import DECISION_EVENTS, FLOWS
from projections.replay import HistoryEntry

BlockKind = Literal["candidates", "ballot", "outcome", "people", "value"]

# The facts a candidate's eligibility is vetted on (R-INELIGIBLE), as the candidate records them.
CANDIDATE_FACTS: tuple[str, ...] = tuple(k for k in Candidate.model_fields if k != "name")
_LEFT_OUT = frozenset({"procedure_id", "evidence", "profile"})


@dataclass(frozen=True)
class Block:
    kind: BlockKind
    key: str  # the content's field (its label: "field.<key>")
    value: Any


@dataclass(frozen=True)
class FilingPart:
    entry: HistoryEntry
    label: str  # the catalogue key of the step that recorded it
    blocks: list[Block] = field(default_factory=list)


@dataclass(frozen=True)
class CandidateRow:
    name: str
    barred_by: list[str]  # the vetted facts that hold for this candidate (none: clear)


def _people(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, Mapping) and "name" in v for v in value)


def candidate_rows(value: Sequence[Mapping[str, Any]]) -> list[CandidateRow]:
    return [CandidateRow(str(c["name"]), [k for k in CANDIDATE_FACTS if c.get(k)]) for c in value]


def _block(key: str, value: Any) -> Block:
    if _people(value) and (key.endswith("candidates") or any(k in v for v in value for k in CANDIDATE_FACTS)):
        return Block("candidates", key, candidate_rows(value))
    if _people(value):
        return Block("people", key, value)
    if isinstance(value, Mapping) and "tallies" in value:
        tallies = sorted(value["tallies"].items(), key=lambda kv: (-int(kv[1]), kv[0]))
        return Block("ballot", key, {**value, "tallies": tallies})
    if isinstance(value, Mapping) and "elected" in value:
        return Block("outcome", key, value)
    return Block("value", key, value)


def _label(kind: str, event_type: str) -> str:
    flow = FLOWS[kind]
    if event_type == flow.opened_by:
        return f"open.{kind}"
    step = next((s for s in flow.steps if s.event == event_type), None)
    return f"trigger.{kind}.{step.trigger}" if step is not None else event_type


def filing_parts(kind: str, history: Sequence[HistoryEntry]) -> list[FilingPart]:
    """The steps recorded on a procedure (its `history`, in order) since the higher-level union's
    last decision on it, each as blocks."""
    last_decision = max((i for i, e in enumerate(history) if e.event_type in DECISION_EVENTS), default=-1)
    return [
        FilingPart(
            entry,
            _label(kind, entry.event_type),
            [_block(k, v) for k, v in entry.payload.items() if k not in _LEFT_OUT],
        )
        for entry in history[last_decision + 1 :]
    ]
