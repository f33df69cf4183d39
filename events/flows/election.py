"""The election phase (RULES.md §3 steps 4–8), shared by founding and re-election (R-REELECTION):
congress type, representatives, candidates (proposed, posted, filed, vetted), the congress and its
counts, runoffs, the chair, the results filing and the higher-level union's reply. Its events, its
states and its steps."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Literal

from pydantic import Field

from events.catalogue.base import (
    BallotCount,
    Candidate,
    CongressType,
    ElectionOutcome,
    Evidence,
    FilingDecision,
    FilingRejection,
    OrganisationForm,
    ProcedureEvent,
)
from events.flows.model import State, Step, approval_round, approve, filed, reject, step

__all__ = [
    "CandidatesApproved",
    "CandidatesFiled",
    "CandidatesPosted",
    "CandidatesProposed",
    "CandidatesRejected",
    "ChairElected",
    "CongressHeld",
    "CongressTypeDecided",
    "RepresentativesElected",
    "ResultsApproved",
    "ResultsFiled",
    "ResultsRejected",
    "RunoffHeld",
]


class CongressTypeDecided(ProcedureEvent):
    congress_type: CongressType
    form: OrganisationForm
    members: int
    committee_seats: int
    women_organisation: Literal["committee", "member", "none"]
    warnings: Evidence = Field(default_factory=list)


class RepresentativesElected(ProcedureEvent):
    representatives: int


class CandidatesProposed(ProcedureEvent):
    committee_seats: int
    committee_candidates: list[Candidate]
    chair_candidates: list[Candidate]
    funds_review_seats: int
    funds_review_candidates: list[Candidate]
    chair_elected_by: Literal["congress", "committee"]


class CandidatesPosted(ProcedureEvent):
    """The candidate list publicly posted (R-NOTICE counts from this business date)."""

    where: str = ""


class CandidatesFiled(ProcedureEvent):
    """The posted list submitted to the higher-level union for vetting (R-VETTING), with the
    same-level Party organisation's opinion where the unit has one."""

    party_org: str | None = None
    party_approved: bool | None = None
    remarks: str = ""


class CandidatesApproved(ProcedureEvent, FilingDecision):
    pass


class CandidatesRejected(ProcedureEvent, FilingRejection):
    pass


class CongressHeld(ProcedureEvent):
    """The congress (its date is the event's occurred_on) with the vote counts of the committee and
    the funds review committee (R-FUNDS-REVIEW: same congress, same term)."""

    due: int
    present: int
    committee_vote: BallotCount
    funds_review_vote: BallotCount
    committee: ElectionOutcome
    funds_review: ElectionOutcome


class RunoffHeld(ProcedureEvent):
    """A re-vote among the tied (R-TIE) or a supplementary vote for missing seats (R-SHORTFALL)."""

    body: Literal["committee", "funds_review"]
    reason: Literal["tie", "shortfall"]
    due: int
    present: int
    vote: BallotCount
    outcome: ElectionOutcome


class ChairElected(ProcedureEvent):
    """Chair and vice-chairs elected by the new committee at its first meeting (or recorded from
    the congress's direct vote)."""

    chair: str
    vice_chairs: list[str]
    by: Literal["congress", "committee"]
    due: int
    yes: int
    # Each vice-chair's yes votes (R-ELECTED); empty in events stored before they were recorded.
    vice_chair_yes: dict[str, int] = Field(default_factory=dict)
    # Those present and the valid ballots the yes votes were checked against (R-BALLOTS); None in
    # events stored before they were recorded, or when not given at the committee's meeting.
    present: int | None = None
    valid_ballots: int | None = None


class ResultsFiled(ProcedureEvent):
    committee: list[str]
    chair: str
    vice_chairs: list[str]
    funds_review: list[str]
    funds_review_director: str
    finance_person: str | None = None
    women_committee_formed: bool = False
    women_director: str | None = None
    fulltime_chair: bool = False
    term_years: int


class ResultsApproved(ProcedureEvent, FilingDecision):
    """The higher-level union's reply (批复): the union is founded or re-elected; the term runs from
    the congress date (R-FOUNDED, R-TERM-END)."""

    term_start: dt.date
    term_years: int
    term_end: dt.date


class ResultsRejected(ProcedureEvent, FilingRejection):
    redo_from: str


# RULES.md §3 steps 4–8, shared by founding and re-election (R-REELECTION).
ELECTION_STATES: tuple[State, ...] = (
    State(
        "congress_type_decided",
        "已确定大会形式",
        next="elect representatives or propose candidates (R-REP-BANDS, R-CANDIDATES)",
    ),
    State("representatives_elected", "已选出会员代表", next="propose candidates (R-CANDIDATES)"),
    State("candidates_proposed", "已提出候选人", next="post the candidate list (R-NOTICE)"),
    State("candidates_posted", "候选人已公示", next="file the candidates for vetting (R-VETTING)"),
    filed("candidates_filed", "候选人已报审", "candidates", "candidate list (R-VETTING)"),
    State("candidates_approved", "候选人已批复", next="hold the congress (R-QUORUM, R-ELECTED)"),
    State("candidates_rejected", "候选人被驳回", next="propose candidates again (R-CANDIDATES)"),
    State("runoff_needed", "需另行选举", next="hold the runoff (R-TIE, R-SHORTFALL)"),
    State("congress_held", "大会已召开", next="elect the chair (R-ELECTED)"),
    State("chair_elected", "主席已选出", next="file the results (R-RESULTS-FILED)"),
    filed("results_filed", "选举结果已报批", "results", "election results (R-RESULTS-FILED)"),
)
ELECTION_STATE_NAMES = [s.name for s in ELECTION_STATES]


# Stand-ins for the states the phase is entered from and leads to on approval, which differ by
# kind (`election_steps`).
ENTRY = "<entry>"
DONE = "<done>"
_decided, _reps, _proposed, _posted, _filed, _approved, _rejected, _runoff, _held, _chair, _results = (
    ELECTION_STATE_NAMES
)
_entry, _done = ENTRY, DONE

ELECTION_STEPS: tuple[Step, ...] = (
    step(
        "decide_congress_type",
        [_entry, _decided, _reps],
        _decided,
        CongressTypeDecided,
        "DecideCongressType",
        "decide the congress type and committee size",
        "确定大会形式",
    ),
    step(
        "elect_representatives",
        [_decided, _reps],
        _reps,
        RepresentativesElected,
        "ElectRepresentatives",
        "record the member representatives elected",
        "登记会员代表",
    ),
    step(
        "propose_candidates",
        [_decided, _reps, _proposed, _posted, _rejected],
        _proposed,
        CandidatesProposed,
        "ProposeCandidates",
        "propose the candidates",
        "提出候选人",
    ),
    step(
        "post_candidates",
        _proposed,
        _posted,
        CandidatesPosted,
        "PostCandidates",
        "post the candidate list publicly",
        "公示候选人",
    ),
    step(
        "file_candidates",
        _posted,
        _filed,
        CandidatesFiled,
        "FileCandidates",
        "file the candidates for vetting",
        "候选人报审",
    ),
    # R-VETTING, the higher-level union's part.
    *approval_round(
        _filed,
        "candidates",
        ("approve_candidates", _approved, CandidatesApproved, "批复候选人"),
        ("reject_candidates", _rejected, CandidatesRejected, "驳回候选人"),
    ),
    step(
        "hold_congress",
        _approved,
        _held,
        CongressHeld,
        "HoldCongress",
        "record the congress and its votes",
        "召开大会",
    ),
    # R-TIE / R-SHORTFALL: seats left open wait for a _runoff.
    step(
        "hold_congress_undecided",
        _approved,
        _runoff,
        CongressHeld,
        "HoldCongress",
        "record the congress; seats left for a runoff",
        "召开大会（尚有空缺名额）",
        outcome="undecided",
        name="hold_congress",
    ),
    step(
        "hold_runoff",
        _runoff,
        _held,
        RunoffHeld,
        "HoldRunoff",
        "record the runoff that decides the last seats",
        "另行选举",
    ),
    step(
        "hold_runoff_undecided",
        _runoff,
        _runoff,
        RunoffHeld,
        "HoldRunoff",
        "record a runoff; seats still open",
        "另行选举（仍有空缺）",
        outcome="undecided",
        name="hold_runoff",
    ),
    step(
        "elect_chair",
        _held,
        _chair,
        ChairElected,
        "ElectChair",
        "record the chair and vice-chairs elected",
        "登记主席",
    ),
    # R-RESULTS-FILED: _filed once the congress (and any _runoff) seated the committee and the
    # _chair is elected, and only then.
    step(
        "file_results",
        _chair,
        _results,
        ResultsFiled,
        "FileResults",
        "file the election results",
        "选举结果报批",
        rule="R-RESULTS-FILED",
    ),
    approve("approve_results", _results, _done, ResultsApproved, "approve the results (higher union)", "批准选举结果"),
    *(
        reject(
            f"reject_results_redo_{redo}",
            _results,
            dest,
            ResultsRejected,
            label_en,
            label_zh,
            outcome=redo,
        )
        for redo, dest, label_en, label_zh in (
            ("congress", _approved, "reject the results: hold the congress again", "驳回结果：重新召开大会"),
            ("candidates", _rejected, "reject the results: propose candidates again", "驳回结果：重新提出候选人"),
            ("congress_type", _entry, "reject the results: start the election again", "驳回结果：重新开始选举"),
        )
    ),
)


def election_steps(entry: str, done: str) -> list[Step]:
    """The phase's steps, entered from `entry` and leaving to `done` on the results' approval."""
    places = {ENTRY: entry, DONE: done}
    return [
        replace(s, sources=tuple(places.get(x, x) for x in s.sources), dest=places.get(s.dest, s.dest))
        for s in ELECTION_STEPS
    ]
