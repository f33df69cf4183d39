"""Re-election on term (换届), R-REELECTION: its events and its flow."""

from __future__ import annotations

import datetime as dt

from events.catalogue.base import FilingDecision, FilingRejection, ProcedureEvent, ProcedureOpenedMixin
from events.flows.election import ELECTION_STATE_NAMES, ELECTION_STATES, election_steps
from events.flows.model import WITHDRAWN, Flow, State, approval_round, filed, withdraw

__all__ = ["ReelectionOpened", "ReelectionPlanApproved", "ReelectionPlanRejected"]


class ReelectionOpened(ProcedureEvent, ProcedureOpenedMixin):
    plan: str
    planned_congress_on: dt.date
    term_end: dt.date | None
    early: bool = False


class ReelectionPlanApproved(ProcedureEvent, FilingDecision):
    pass


class ReelectionPlanRejected(ProcedureEvent, FilingRejection):
    pass


REELECTION_FLOW = Flow(
    kind="reelection",
    label_zh="换届",
    label_en="re-election",
    opened_by=ReelectionOpened.event_type,
    states=(
        filed("plan_filed", "换届请示已报", "reelection_plan", "re-election plan (R-REELECTION)"),
        State("plan_rejected", "换届请示被驳回"),
        State("plan_approved", "换届请示已批复", next="decide the congress type (R-CONGRESS-TYPE)"),
        *ELECTION_STATES,
        State("reelected", "已换届", "re-elected"),
        WITHDRAWN,
    ),
    initial="plan_filed",
    terminal=frozenset({"plan_rejected", "reelected", "withdrawn"}),
    steps=(
        *approval_round(
            "plan_filed",
            "re-election plan",
            ("approve_plan", "plan_approved", ReelectionPlanApproved, "批复换届请示"),
            ("reject_plan", "plan_rejected", ReelectionPlanRejected, "驳回换届请示"),
        ),
        *election_steps(entry="plan_approved", done="reelected"),
        withdraw(["plan_filed", "plan_approved", *ELECTION_STATE_NAMES], "withdraw the re-election"),
    ),
)
