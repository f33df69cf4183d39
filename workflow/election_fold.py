"""The election's fold: how each event of the election steps (workflow.election) changes the
`ElectionProgress` of a founding or a re-election, and what the congress and the approval change
for the union itself. Nothing is re-checked here: the events were decided under the rules of
their time, and a history replays as it was recorded."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from events.catalogue import (
    CandidatesApproved,
    CandidatesPosted,
    CandidatesProposed,
    ChairElected,
    CongressHeld,
    CongressTypeDecided,
    ElectionOutcome,
    ProcedureEvent,
    RepresentativesElected,
    ResultsApproved,
    ResultsFiled,
    ResultsRejected,
    RunoffHeld,
)
from events.flows import FOUNDING
from workflow.state import ElectionProgress, PendingRunoff, Procedure, UnionState


def apply(e: ElectionProgress, ev: ProcedureEvent, occurred_on: dt.date) -> ElectionProgress:
    """Fold one election event into the progress; returns the progress to keep (a fresh one when
    the results were sent back to the very start of the election)."""
    match ev:
        case CongressTypeDecided():
            e.congress_type, e.form, e.members = ev.congress_type, ev.form, ev.members
            e.committee_seats, e.women_organisation = ev.committee_seats, ev.women_organisation
            if ev.congress_type != "representative_congress":
                e.representatives = None
        case RepresentativesElected():
            e.representatives = ev.representatives
        case CandidatesProposed():
            _apply_candidates(e, ev)
        case CandidatesPosted():
            e.posted_on = occurred_on
        case CandidatesApproved():
            e.candidates_approved_on = occurred_on
        case CongressHeld():
            _apply_congress(e, ev, occurred_on)
        case RunoffHeld():
            _apply_runoff(e, ev)
        case ChairElected():
            e.chair, e.vice_chairs = ev.chair, list(ev.vice_chairs)
        case ResultsFiled():
            e.funds_review_director = ev.funds_review_director
            e.finance_person = ev.finance_person
            e.women_director = ev.women_director
            e.term_years = ev.term_years
        case ResultsRejected():
            return _apply_results_rejected(e, ev)
    return e


def _apply_candidates(e: ElectionProgress, ev: CandidatesProposed) -> None:
    e.committee_candidates = list(ev.committee_candidates)
    e.chair_candidates = list(ev.chair_candidates)
    e.funds_review_candidates = list(ev.funds_review_candidates)
    e.chair_elected_by = ev.chair_elected_by
    e.committee_seats = e.proposed_committee_seats = ev.committee_seats
    e.funds_review_seats = e.proposed_funds_review_seats = ev.funds_review_seats
    e.posted_on = None


def _apply_congress(e: ElectionProgress, ev: CongressHeld, occurred_on: dt.date) -> None:
    e.congress_on, e.present = occurred_on, ev.present
    e.committee = list(ev.committee.elected)
    e.funds_review = list(ev.funds_review.elected)
    # R-SHORTFALL: a reduction makes the body as large as those elected.
    if ev.committee.shortfall_action == "reduce_seats":
        e.committee_seats = len(ev.committee.elected)
    if ev.funds_review.shortfall_action == "reduce_seats":
        e.funds_review_seats = len(ev.funds_review.elected)
    e.runoffs = [
        r
        for r in (
            _runoff_after("committee", ev.committee, (x.name for x in e.committee_candidates)),
            _runoff_after("funds_review", ev.funds_review, (x.name for x in e.funds_review_candidates)),
        )
        if r is not None
    ]
    e.chair, e.vice_chairs = None, []


def _apply_runoff(e: ElectionProgress, ev: RunoffHeld) -> None:
    pending = next(r for r in e.runoffs if r.body == ev.body)
    e.present = ev.present
    seated = e.committee if ev.body == "committee" else e.funds_review
    seated.extend(ev.outcome.elected)
    if ev.outcome.shortfall_action == "reduce_seats":
        if ev.body == "committee":
            e.committee_seats = len(seated)
        else:
            e.funds_review_seats = len(seated)
    e.runoffs.remove(pending)
    nxt = _runoff_after(ev.body, ev.outcome, pending.candidates)
    if nxt is not None:
        e.runoffs.append(nxt)


def _apply_results_rejected(e: ElectionProgress, ev: ResultsRejected) -> ElectionProgress:
    """The higher-level union sends the results back to the step to redo (redo_from)."""
    if ev.redo_from in ("congress", "candidates"):
        e.congress_on, e.present, e.committee, e.funds_review, e.runoffs = None, None, [], [], []
        e.chair, e.vice_chairs = None, []
        # R-SHORTFALL: a reduction was the rejected congress's; the seats are as proposed
        e.committee_seats, e.funds_review_seats = e.proposed_committee_seats, e.proposed_funds_review_seats
    if ev.redo_from == "candidates":
        e.posted_on = e.candidates_approved_on = None
    if ev.redo_from == "congress_type":
        return ElectionProgress(members=e.members)
    return e


def _runoff_after(body: str, outcome: ElectionOutcome, candidates: Iterable[str]) -> PendingRunoff | None:
    """R-TIE: a tie at the cut-off waits for a re-vote among the tied; R-SHORTFALL: missing seats
    not reduced wait for a supplementary vote among the candidates left."""
    if outcome.tied:
        return PendingRunoff(body, "tie", outcome.tie_seats, list(outcome.tied))
    if outcome.shortfall_seats and outcome.shortfall_action != "reduce_seats":
        rest = [n for n in candidates if n not in outcome.elected]
        return PendingRunoff(body, "shortfall", outcome.shortfall_seats, rest)
    return None


def apply_to_union(
    union: UnionState, proc: Procedure, e: ElectionProgress, ev: ProcedureEvent, occurred_on: dt.date
) -> None:
    """What the election's events change for the union itself."""
    match ev:
        case CongressHeld():
            union.last_congress_on = occurred_on  # A-NO-ANNUAL-CONGRESS reads this
        case ResultsApproved():
            # R-FOUNDED / R-REELECTION: the approval starts the (new) term from the congress date.
            term = union.start_term(ev.term_start, ev.term_years, ev.term_end, proc.procedure_id, since=occurred_on)
            term.chair_elected_by = e.chair_elected_by
            term.representatives = e.representatives if e.congress_type == "representative_congress" else None
            term.congress_type = e.congress_type
            # R-FOUNDED: the founding's approval is the founding date; a re-election of a union
            # imported without one leaves it unknown.
            if union.founded_on is None and proc.kind == FOUNDING:
                union.founded_on = occurred_on
            union.committee, union.funds_review = list(e.committee), list(e.funds_review)
            union.chair, union.vice_chairs, union.acting_chair = e.chair, list(e.vice_chairs), None
