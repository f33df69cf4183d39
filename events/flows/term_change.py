"""Changing when a term is renewed, a request the higher-level union decides: extension (延期换届,
R-EXTENSION) and early re-election (提前换届, R-EARLY). Their events and their flows."""

from __future__ import annotations

import datetime as dt

from events.catalogue.base import FilingDecision, FilingRejection, ProcedureEvent, ProcedureOpenedMixin
from events.flows.model import WITHDRAWN, Flow, State, approve, reject, withdraw

__all__ = [
    "EarlyReelectionApproved",
    "EarlyReelectionRejected",
    "EarlyReelectionRequested",
    "ExtensionApproved",
    "ExtensionRejected",
    "ExtensionRequested",
]


class ExtensionRequested(ProcedureEvent, ProcedureOpenedMixin):
    reason: str
    term_end: dt.date
    new_deadline: dt.date


class ExtensionApproved(ProcedureEvent, FilingDecision):
    new_deadline: dt.date


class ExtensionRejected(ProcedureEvent, FilingRejection):
    pass


class EarlyReelectionRequested(ProcedureEvent, ProcedureOpenedMixin):
    reason: str
    term_end: dt.date
    planned_congress_on: dt.date


class EarlyReelectionApproved(ProcedureEvent, FilingDecision):
    pass


class EarlyReelectionRejected(ProcedureEvent, FilingRejection):
    pass


def _term_change(
    kind: str,
    events: tuple[type[ProcedureEvent], type[ProcedureEvent], type[ProcedureEvent]],
    label: tuple[str, str],
    awaiting: str,
) -> Flow:
    """A request the higher-level union approves or rejects, withdrawn while it waits."""
    requested, approved, rejected = events
    what = label[1]
    return Flow(
        kind=kind,
        label_zh=label[0],
        label_en=what,
        opened_by=requested.event_type,
        states=(
            State("requested", "已申请", "requested", awaiting=awaiting, filing=kind),
            State("approved", "已批准", "approved"),
            State("rejected", "已驳回", "rejected"),
            WITHDRAWN,
        ),
        initial="requested",
        terminal=frozenset({"approved", "rejected", "withdrawn"}),
        steps=(
            approve("approve", "requested", "approved", approved, f"approve the {what} (higher union)", "批准"),
            reject("reject", "requested", "rejected", rejected, f"reject the {what} (higher union)", "驳回"),
            withdraw(["requested"], f"withdraw the {what} request"),
        ),
    )


EXTENSION_FLOW = _term_change(
    "extension",
    (ExtensionRequested, ExtensionApproved, ExtensionRejected),
    ("延期换届", "extension"),
    "extension of the term (R-EXTENSION)",
)
EARLY_REELECTION_FLOW = _term_change(
    "early_reelection",
    (EarlyReelectionRequested, EarlyReelectionApproved, EarlyReelectionRejected),
    ("提前换届", "early re-election"),
    "early re-election (R-EARLY)",
)
