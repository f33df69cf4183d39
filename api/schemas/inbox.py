"""An approving organisation's inbox: the filings waiting on it (R-APPROVER)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from api.schemas.common import example


class InboxEntry(BaseModel):
    """A filing waiting on the approving organisation (`projections.queries.InboxItem`)."""

    model_config = example(
        {
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
        }
    )

    procedure_id: str
    org_id: str
    kind: str
    state: str
    filing: str
    waiting_for: str
    filing_event: str
    content: dict[str, Any] = Field(description="The filing event's payload, with its rule evidence")
    filed_by: dict[str, Any]
    filed_on: dt.date
    waited_days: int = Field(description="Days from the filing to today (the runtime's clock)")
    reply_days: int = Field(description="The reply window of the procedure's profile (A-APPROVAL-PENDING)")
    overdue: bool
    href: str
