"""The audit history: every event of a union or a procedure, as an auditor reads it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from api.schemas.common import Page, example


class HistoryItem(BaseModel):
    """One event as an auditor reads it (`projections.replay.HistoryEntry`)."""

    model_config = example(
        {
            "position": 42,
            "version": 2,
            "event_type": "PreparatoryGroupApproved",
            "occurred_on": "2019-01-10",
            "recorded_at": "2019-01-10T08:30:00Z",
            "actor_id": "approver-JA",
            "role": "approver",
            "acting_org": "JA",
            "command_id": "5e0c...",
            "correlation_id": "5e0c...",
            "org_id": "U1",
            "procedure_id": "U1:founding-1",
            "evidence": [{"rule": "R-APPROVER", "approver_org": "JA"}],
            "payload": {"procedure_id": "U1:founding-1", "document_no": "江工发〔2019〕1号"},
            "hash": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        }
    )

    position: int = Field(description="Place in the whole log")
    version: int = Field(description="Place in the union's stream")
    event_type: str
    occurred_on: dt.date = Field(description="Business date")
    recorded_at: dt.datetime = Field(description="When the system recorded it (UTC)")
    actor_id: str = Field(description="The person who acted")
    role: str
    acting_org: str | None = Field(description="The organisation they acted for")
    command_id: str | None
    correlation_id: str | None
    org_id: str
    procedure_id: str | None
    evidence: list[dict[str, Any]] = Field(description="The rule evidence the event carries")
    payload: dict[str, Any]
    hash: str = Field(description="SHA-256 over the event and the previous hash in its stream")


class HistoryPage(Page[HistoryItem]):
    org_id: str
    procedure_id: str | None
    recorded_at: dt.datetime | None
