"""Dissolving a union (注销), R-DISSOLVE: its events and its flow.

A union whose unit closed, merged or moved away is dissolved on the higher-level union's approval
(Charter §16: the congress votes for it and the higher-level union approves; Law §13: when the unit
closes its union is dissolved, and the higher-level union may file it when nobody is left to). The
approval's date is the dissolution's: from that day the union raises no alerts and leaves the
coverage denominators, and its record takes no further step; its history stays."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from events.catalogue.base import FilingDecision, FilingRejection, ProcedureEvent, ProcedureOpenedMixin
from events.flows.model import request_flow

__all__ = ["DissolutionApproved", "DissolutionReason", "DissolutionRejected", "DissolutionRequested"]

DissolutionReason = Literal["closed", "merged", "moved"]


class DissolutionRequested(ProcedureEvent, ProcedureOpenedMixin):
    reason: DissolutionReason
    unit_changed_on: dt.date  # when the unit closed, merged or moved away
    document: str  # the unit's closure or merger document, or the congress's resolution
    congress_on: dt.date | None = None  # Charter §16: the congress that voted for the dissolution
    filed_by: Literal["union", "higher_union"] = "union"  # Law §13: the higher-level union may file it


class DissolutionApproved(ProcedureEvent, FilingDecision):
    """The higher-level union's approval: the union is dissolved on this event's date."""

    reason: DissolutionReason


class DissolutionRejected(ProcedureEvent, FilingRejection):
    pass


DISSOLUTION_FLOW = request_flow(
    "dissolution",
    (DissolutionRequested, DissolutionApproved, DissolutionRejected),
    ("注销", "dissolution"),
    "dissolution (R-DISSOLVE)",
    states_zh=("已申请注销", "已注销", "注销被驳回"),
    approved_en="dissolved",
    steps_zh=("批准注销", "驳回注销"),
)
