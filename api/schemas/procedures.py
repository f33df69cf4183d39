"""Procedures: a procedure in a list (its status), a procedure as its stream folds (an
example: the body has no model of its own), and a procedure kind's machine."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from api.schemas.common import example


class ProcedureItem(BaseModel):
    """A procedure's status (`projections.queries.ProcedureStatus`)."""

    model_config = example(
        {
            "procedure_id": "U1:founding-1",
            "org_id": "U1",
            "path": "ACFTU/HB/WH/JA/U1/",
            "kind": "founding",
            "state": "requested",
            "closed": False,
            "opened_on": "2019-01-05",
            "last_moved_on": "2019-01-05",
            "last_event": "FoundingRequested",
            "waiting_on": "JA",
            "waiting_for": "the preparatory group's approval",
            "awaiting_approval": True,
            "approver_org": "JA",
            "filed_on": "2019-01-05",
            "profile_name": "national",
            "profile_version": 1,
            "version": 2,
            "href": "/procedures/U1:founding-1",
        }
    )

    procedure_id: str
    org_id: str
    path: str
    kind: str
    state: str
    closed: bool
    opened_on: dt.date
    last_moved_on: dt.date
    last_event: str
    waiting_on: str | None = Field(description="The organisation that must act next; null when closed")
    waiting_for: str | None
    awaiting_approval: bool
    approver_org: str | None = Field(description="The direct higher-level union (R-APPROVER)")
    filed_on: dt.date | None
    profile_name: str
    profile_version: int
    version: int
    href: str


PROCEDURE_EXAMPLE: dict[str, Any] = {
    "procedure_id": "U1:founding-1",
    "kind": "founding",
    "union_id": "U1",
    "state": "founded",
    "version": 13,
    "opened_on": "2019-01-05",
    "last_moved_on": "2019-03-20",
    "filed_on": None,
    "waiting_on_approver": None,
    "history": [
        "requested",
        "preparing",
        "members_recruited",
        "congress_type_decided",
        "candidates_proposed",
        "candidates_posted",
        "candidates_filed",
        "candidates_approved",
        "congress_held",
        "chair_elected",
        "results_filed",
        "founded",
    ],
    "profile": {"name": "national", "version": 1},
    "allowed_steps": [
        {
            "step": "register-legal-person",
            "trigger": "register_legal_person",
            "label": "record the legal-person registration",
            "command": "RegisterLegalPerson",
            "href": "/procedures/U1:founding-1/steps/register-legal-person",
        }
    ],
    "facts": {"members": 80, "female_members": 12, "employees": 120, "registration_no": None},
    "as_of": None,
    "recorded_at": None,
}
PROCEDURE_KIND_EXAMPLE: dict[str, Any] = {
    "kind": "extension",
    "states": ["requested", "approved", "rejected", "withdrawn"],
    "initial": "requested",
    "terminal": ["approved", "rejected", "withdrawn"],
    "transitions": [
        {
            "trigger": "approve",
            "source": "requested",
            "dest": "approved",
            "label": "approve the extension (higher union)",
        }
    ],
    "mermaid": "stateDiagram-v2\n    [*] --> requested\n    requested --> approved: approve",
}
