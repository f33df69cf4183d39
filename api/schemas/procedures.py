"""Procedures: a procedure in a list (its status), a procedure as its stream folds (an
example: the body has no model of its own), and a procedure kind's machine."""

from __future__ import annotations

from typing import Any

from api.schemas.common import record_body
from projections.queries import ProcedureStatus

ProcedureItem = record_body(
    ProcedureStatus,
    "ProcedureItem",
    "A procedure's status (`projections.queries.ProcedureStatus`).",
    described={
        "waiting_on": "The organisation that must act next; null when closed",
        "approver_org": "The direct higher-level union (R-APPROVER)",
    },
    item={
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
    },
)


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
