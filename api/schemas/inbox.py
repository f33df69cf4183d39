"""An approving organisation's inbox: the filings waiting on it (R-APPROVER)."""

from __future__ import annotations

from api.schemas.common import record_body
from projections.queries import InboxItem

InboxEntry = record_body(
    InboxItem,
    "InboxEntry",
    "A filing waiting on the approving organisation (`projections.queries.InboxItem`).",
    described={
        "content": "The filing event's payload, with its rule evidence",
        "waited_days": "Days from the filing to today (the runtime's clock)",
        "reply_days": "The reply window of the procedure's profile (A-APPROVAL-PENDING)",
    },
    derived=("overdue",),
    item={
        "procedure_id": "U1:founding-1",
        "org_id": "U1",
        "kind": "founding",
        "state": "requested",
        "filing": "founding_request",
        "waiting_for": "the preparatory group's approval",
        "filing_event": "FoundingRequested",
        "content": {"procedure_id": "U1:founding-1", "initiators": ["张三"], "evidence": []},
        "filed_by": {"actor_id": "staff-U1", "role": "staff", "acting_org": "U1"},
        "filed_on": "2019-01-05",
        "waited_days": 20,
        "reply_days": 15,
        "overdue": True,
        "href": "/procedures/U1:founding-1",
    },
)
