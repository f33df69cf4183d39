"""A union: as its stream folds (an example: the body has no model of its own) and its terms."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from api.schemas.common import UNIT_EXAMPLE, example

UNION_EXAMPLE: dict[str, Any] = {
    "org_id": "U1",
    "version": 13,
    "name": "江岸某科技有限公司工会",
    "level": "grassroots",
    "parent_id": "JA",
    "unit": UNIT_EXAMPLE,
    "founded_on": "2019-03-20",
    "term": {
        "number": 1,
        "start": "2019-03-01",
        "years": 5,
        "end": "2024-03-01",
        "deadline": "2024-03-01",
        "started_by": "U1:founding-1",
        "since": "2019-03-20",
        "extension_procedure": None,
        "early_reelection_procedure": None,
        "early_congress_on": None,
        "chair_elected_by": "congress",
        "representatives": None,
        "congress_type": "members_meeting",
    },
    "terms": 1,
    "committee": ["赵", "钱", "孙", "李", "周", "吴", "郑"],
    "committee_size": None,
    "chair": "赵",
    "vice_chairs": ["钱"],
    "funds_review": ["冯", "陈", "褚"],
    "acting_chair": None,
    "legal_person_no": None,
    "last_congress_on": "2019-03-01",
    "registered_on": "2019-01-01",
    "chair_since": "2019-03-20",
    "vice_chairs_since": "2019-03-20",
    "rule_profile": None,  # assigned to this organisation itself (RULES.md §5); what applies: /settings
    "coverage_targets": {},
    "dissolved_on": None,
    "dissolution_reason": None,
    "covered_units": {},
    "procedures": [
        {
            "procedure_id": "U1:founding-1",
            "kind": "founding",
            "state": "founded",
            "opened_on": "2019-01-05",
            "href": "/procedures/U1:founding-1",
        }
    ],
    "allowed_commands": [
        {"command": "UpdateUnitFacts", "href": "/unions/U1/facts"},
        {"command": "RecordCongress", "href": "/unions/U1/congresses"},
        {"command": "RemoveViceChair", "href": "/unions/U1/vice-chair-removals"},
    ],
    "as_of": None,
    "recorded_at": None,
}


class TermItem(BaseModel):
    term_no: int
    start: dt.date
    years: int
    end: dt.date = Field(description="R-TERM-END: start plus the term's years")
    deadline: dt.date = Field(description="The end, or the approved extension's end (R-EXTENSION)")
    extended: bool
    started_by: str = Field(description='The procedure whose approval started it, or "import"')
    started_on: dt.date
    succeeded_on: dt.date | None = Field(description="The next term's start (its congress date)")
    succeeded_approved_on: dt.date | None = Field(description="The next term's approval: its re-election's (R-ON-TIME)")
    on_time: bool | None = Field(
        description="Re-elected on time: the re-election approved by the deadline (R-ON-TIME, when A-TERM-OVERDUE "
        "stops); null while current"
    )


class TermsTimeline(BaseModel):
    model_config = example(
        {
            "org_id": "U1",
            "current_term": 1,
            "deadline": "2024-09-01",
            "extension_until": "2024-09-01",
            "terms": [
                {
                    "term_no": 1,
                    "start": "2019-03-01",
                    "years": 5,
                    "end": "2024-03-01",
                    "deadline": "2024-09-01",
                    "extended": True,
                    "started_by": "U1:founding-1",
                    "started_on": "2019-03-20",
                    "succeeded_on": None,
                    "succeeded_approved_on": None,
                    "on_time": None,
                }
            ],
        }
    )

    org_id: str
    current_term: int | None
    deadline: dt.date | None
    extension_until: dt.date | None
    terms: list[TermItem]
