"""Changing when a term is renewed, a request the higher-level union decides: extension (延期换届,
R-EXTENSION) and early re-election (提前换届, R-EARLY). Their events and their flows."""

from __future__ import annotations

import datetime as dt

from events.catalogue.base import FilingDecision, FilingRejection, ProcedureEvent, ProcedureOpenedMixin
from events.flows.model import request_flow, step

__all__ = [
    "EarlyReelectionApproved",
    "EarlyReelectionRejected",
    "EarlyReelectionRequested",
    "ExtensionApproved",
    "ExtensionRejected",
    "ExtensionRequestAmended",
    "ExtensionRequested",
]


class ExtensionRequested(ProcedureEvent, ProcedureOpenedMixin):
    reason: str
    term_end: dt.date
    new_deadline: dt.date


class ExtensionRequestAmended(ProcedureEvent):
    """The committee changed its waiting request (its reason, its new deadline) before the
    higher-level union decided; the decision is on the request as amended."""

    reason: str
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


EXTENSION_FLOW = request_flow(
    "extension",
    (ExtensionRequested, ExtensionApproved, ExtensionRejected),
    ("延期换届", "extension"),
    "extension of the term (R-EXTENSION)",
    own_steps=(
        step(
            "amend_request",
            "requested",
            "requested",
            ExtensionRequestAmended,
            "AmendExtensionRequest",
            "amend the extension request",
            "修改延期换届申请",
        ),
    ),
)
EARLY_REELECTION_FLOW = request_flow(
    "early_reelection",
    (EarlyReelectionRequested, EarlyReelectionApproved, EarlyReelectionRejected),
    ("提前换届", "early re-election"),
    "early re-election (R-EARLY)",
)
