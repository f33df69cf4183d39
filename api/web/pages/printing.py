"""Print views of a procedure's papers, from its history (the log, as recorded): a filing (材料: what
a union files for its higher-level union's approval, with the steps since the last decision that
it rests on: the candidates with their vetting, the votes, the committee elected) and a decision
(批复: who decided, when, approved or not, the reason, the document number). Each prints on its
own (`static/print.css`: the page without the navigation); the procedure page links to them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from api.web.access import PageNotFound, SignedInUser, readable
from api.web.rendering import render, runtime_of, templates
from events.flows import DECISION_EVENTS, FILING_EVENTS, FLOWS
from projections import queries, replay
from projections.replay import HistoryEntry

router = APIRouter(prefix="/ui", include_in_schema=False)

# The step each event records (`trigger.<kind>.<trigger>` of the catalogue).
_STEP: dict[tuple[str, str], str] = {(f.kind, s.event): s.trigger for f in FLOWS.values() for s in reversed(f.steps)}

_CANDIDATE_LISTS = ("committee_candidates", "chair_candidates", "funds_review_candidates", "candidates")
_VOTES = ("committee_vote", "funds_review_vote", "vote", "runoff_vote")
_SHOWN_APART = {*_CANDIDATE_LISTS, *_VOTES, "evidence", "procedure_id", "profile", "committee", "funds_review"}


@dataclass(frozen=True)
class Candidate:
    name: str
    bars: list[str]  # R-INELIGIBLE: why the candidate may not stand (none: may stand)


@dataclass(frozen=True)
class Vote:
    body: str  # the payload's key: committee_vote, funds_review_vote, ...
    numbers: dict[str, Any]  # seats, ballots issued, returned, invalid
    tallies: list[tuple[str, int, bool]]  # name, votes, elected


@dataclass
class Filing:
    entry: HistoryEntry
    steps: list[HistoryEntry]  # since the last decision (or the opening), the filing last
    candidates: dict[str, list[Candidate]] = field(default_factory=dict)  # by list
    votes: list[Vote] = field(default_factory=list)


def _step_label(kind: str, event_type: str) -> tuple[str, str]:
    """The catalogue key of the step an event records (and the event type, its fallback)."""
    trigger = _STEP.get((kind, event_type))
    if trigger:
        return f"trigger.{kind}.{trigger}", event_type
    if event_type in FILING_EVENTS:  # an opening that is itself a filing (a founding request)
        return f"print.filed.{FILING_EVENTS[event_type]}", event_type
    return f"kind.{kind}", event_type


def _candidates(step: HistoryEntry) -> dict[str, list[Candidate]]:
    bars = {
        (e.get("candidate"), e.get("position")): list(e.get("bars") or [])
        for e in step.evidence
        if e.get("rule") == "R-INELIGIBLE"
    }
    out: dict[str, list[Candidate]] = {}
    for key in _CANDIDATE_LISTS:
        people = step.payload.get(key)
        if isinstance(people, list) and people:
            position = "chair" if key == "chair_candidates" else "committee"
            names = [p["name"] if isinstance(p, dict) else str(p) for p in people]
            out[key] = [Candidate(n, bars.get((n, position), bars.get((n, "committee"), []))) for n in names]
    return out


def _votes(step: HistoryEntry) -> list[Vote]:
    out = []
    for key in _VOTES:
        vote = step.payload.get(key)
        if not isinstance(vote, dict) or not isinstance(vote.get("tallies"), dict):
            continue
        result = step.payload.get(key.removesuffix("_vote"))
        elected = set(result.get("elected", [])) if isinstance(result, dict) else set()
        tallies = sorted(vote["tallies"].items(), key=lambda kv: -int(kv[1]))
        numbers = {k: v for k, v in vote.items() if k != "tallies"}
        out.append(Vote(key, numbers, [(n, int(v), n in elected) for n, v in tallies]))
    return out


def filing_of(history: list[HistoryEntry], entry: HistoryEntry) -> Filing:
    """The filing `entry` with the steps it rests on: those since the procedure's last decision
    (or its opening) up to it."""
    before = [h for h in history if h.version <= entry.version]
    start = max((i + 1 for i, h in enumerate(before[:-1]) if h.event_type in DECISION_EVENTS), default=0)
    filing = Filing(entry, before[start:])
    for step in filing.steps:
        filing.candidates |= _candidates(step)
        filing.votes += _votes(step)
    return filing


def printable(history: list[HistoryEntry]) -> list[tuple[HistoryEntry, str]]:
    """The filings and decisions of a procedure's history, with which each is."""
    kinds = {**dict.fromkeys(FILING_EVENTS, "filing"), **dict.fromkeys(DECISION_EVENTS, "decision")}
    return [(h, kinds[h.event_type]) for h in history if h.event_type in kinds]


# The procedure page lists them (_print_links.html).
templates.env.globals["printable"] = printable
templates.env.globals["step_key"] = lambda kind, event_type: _step_label(kind, event_type)


def _context(request: Request, union_id: str, filing: HistoryEntry | None) -> dict[str, Any]:
    engine = runtime_of(request).engine
    record = queries.union(engine, union_id)
    parent = record.parent_id if record else None
    names = queries.org_names(engine, [o for o in (union_id, parent) if o])
    return {
        "record": record,
        "union_name": names.get(union_id, union_id),
        "approver_name": names.get(parent or "", parent),
        "filed_what": f"print.filed.{FILING_EVENTS[filing.event_type]}" if filing else None,
        "shown_apart": _SHOWN_APART,
        "step_label": _step_label,
    }


@router.get("/procedures/{procedure_id}/print/{version}", response_class=HTMLResponse)
def print_view(request: Request, user: SignedInUser, procedure_id: str, version: int) -> Response:
    union_id, sep, rest = procedure_id.partition(":")
    if not sep or not union_id or not rest:
        raise PageNotFound()
    readable(request, user.actor, union_id)
    rt = runtime_of(request)
    status = queries.procedure_status(rt.engine, procedure_id)
    history = replay.history(rt.store, procedure_id=procedure_id) if status is not None else []
    entry = next((h for h in history if h.version == version), None)
    if status is None or entry is None or entry.event_type not in {*FILING_EVENTS, *DECISION_EVENTS}:
        raise PageNotFound()
    kind = status.kind
    if entry.event_type in FILING_EVENTS:
        filing = filing_of(history, entry)
        context = _context(request, union_id, entry) | {"filing": filing, "kind": kind, "pid": procedure_id}
        return render(request, "print_filing.html", context, user=user)
    filed = [h for h in history if h.version < entry.version and h.event_type in FILING_EVENTS]
    decided_on = filed[-1] if filed else None
    context = _context(request, union_id, decided_on) | {
        "decision": entry,
        "decided_on": decided_on,
        "approved": "reasons" not in entry.payload,
        "kind": kind,
        "pid": procedure_id,
    }
    return render(request, "print_decision.html", context, user=user)
