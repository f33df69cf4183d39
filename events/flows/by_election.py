"""The by-election of a chair who left mid-term (补选), R-VACANCY: its events and its flow."""

from __future__ import annotations

import datetime as dt

from events.catalogue.base import (
    BallotCount,
    Candidate,
    ElectionOutcome,
    FilingDecision,
    FilingRejection,
    ProcedureEvent,
    ProcedureOpenedMixin,
    RemovalVote,
)
from events.flows.model import WITHDRAWN, Flow, State, approval_round, approve, filed, reject, step, withdraw

__all__ = [
    "ByElectionApproved",
    "ByElectionConsentRefused",
    "ByElectionConsented",
    "ByElectionHeld",
    "ByElectionRejected",
    "ByElectionRequested",
    "ChairVacancyRecorded",
]


class ChairVacancyRecorded(ProcedureEvent, ProcedureOpenedMixin):
    departed_chair: str | None
    acting_chair: str
    reason: str
    by_election_due: dt.date
    # Set when the chair was removed by the congress (R-REMOVAL); absent in events recorded before
    # the field existed, which read as a vacancy without a removal vote.
    removal: RemovalVote | None = None


class ByElectionRequested(ProcedureEvent):
    candidates: list[Candidate]
    planned_on: dt.date
    # R-NOTICE and R-VETTING (a by-election is an election, R-VACANCY). Absent in events recorded
    # before the fields existed: such a list reads as posted on the day of the request, the latest
    # day it can have been posted, and as vetted by no Party organisation on record.
    posted_on: dt.date | None = None
    party_org: str | None = None
    party_approved: bool | None = None


class ByElectionConsented(ProcedureEvent, FilingDecision):
    pass


class ByElectionConsentRefused(ProcedureEvent, FilingRejection):
    pass


class ByElectionHeld(ProcedureEvent):
    due: int
    present: int
    vote: BallotCount
    outcome: ElectionOutcome


class ByElectionApproved(ProcedureEvent, FilingDecision):
    chair: str


class ByElectionRejected(ProcedureEvent, FilingRejection):
    pass


BY_ELECTION_FLOW = Flow(
    kind="by_election",
    label_zh="补选主席",
    label_en="by-election",
    opened_by=ChairVacancyRecorded.event_type,
    states=(
        State(
            "vacant",
            "主席空缺",
            "chair vacant",
            next="ask the higher-level union's consent to a by-election (R-VACANCY)",
        ),
        filed("consent_requested", "已请求同意补选", "by_election_consent", "consent to a by-election (R-VACANCY)"),
        State("consented", "已同意补选", next="hold the by-election (R-VACANCY)"),
        filed("held", "补选已举行", "by_election_results", "by-election result (R-VACANCY)", "by-election held"),
        State("filled", "已补选"),
        WITHDRAWN,
    ),
    initial="vacant",
    terminal=frozenset({"filled", "withdrawn"}),
    steps=(
        step(
            "request_by_election",
            "vacant",
            "consent_requested",
            ByElectionRequested,
            "RequestByElection",
            "ask the higher union's consent to a by-election",
            "请求同意补选",
        ),
        approve(
            "consent",
            "consent_requested",
            "consented",
            ByElectionConsented,
            "consent to the by-election (higher union)",
            "同意补选",
        ),
        reject(
            "refuse_consent",
            "consent_requested",
            "vacant",
            ByElectionConsentRefused,
            "refuse the by-election (higher union)",
            "不同意补选",
        ),
        step(
            "hold_by_election",
            "consented",
            "held",
            ByElectionHeld,
            "HoldByElection",
            "record the by-election that elected a chair",
            "补选选出主席",
        ),
        # A vote that elects nobody is recorded too (it happened) and leaves the by-election to be
        # held again.
        step(
            "hold_by_election_undecided",
            "consented",
            "consented",
            ByElectionHeld,
            "HoldByElection",
            "record a by-election that elected nobody",
            "补选未选出",
            outcome="undecided",
            name="hold_by_election",
        ),
        *approval_round(
            "held",
            "by-election result",
            ("approve_result", "filled", ByElectionApproved, "批准补选结果"),
            ("reject_result", "consented", ByElectionRejected, "驳回补选结果"),
        ),
        # R-VACANCY: only once its vacancy is over (the workflow checks that).
        withdraw(
            ["vacant", "consent_requested", "consented", "held"],
            "withdraw a by-election whose vacancy is over (R-VACANCY)",
        ),
    ),
)
