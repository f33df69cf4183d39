"""Alerts (RULES.md §6) and their counts."""

from __future__ import annotations

import datetime as dt
from typing import Literal, get_args

from pydantic import BaseModel, Field, create_model

from api.schemas.common import example, page_of, record_body
from projections.models.alerts import KINDS as ALERT_KINDS
from projections.queries import Alert

AlertKind = Literal[
    "A-TERM-DUE",
    "A-TERM-OVERDUE",
    "A-APPROVAL-PENDING",
    "A-VACANCY-OVERDUE",
    "A-NO-ANNUAL-CONGRESS",
    "A-PREP-STALLED",
    "A-LEGAL-PERSON",
]
assert set(get_args(AlertKind)) == set(ALERT_KINDS), "AlertKind must list projections.models.alerts.KINDS"


AlertItem = record_body(
    Alert,
    "AlertItem",
    "An alert that fires on the date asked about (RULES.md §6).",
    described={
        "days_overdue": "on - deadline; for A-TERM-DUE zero or negative (days left)",
        "fires_until": "null: until something ends it",
    },
    item={
        "kind": "A-TERM-OVERDUE",
        "org_id": "U1",
        "path": "ACFTU/HB/WH/JA/U1/",
        "on": "2024-05-01",
        "deadline": "2024-03-01",
        "days_overdue": 61,
        "rule": "R-TERM-END",
        "procedure_id": None,
        "window": "0 days",
        "basis": "term 1 ends 2024-03-01",
        "fires_from": "2024-03-02",
        "fires_until": None,
        "href": "/unions/U1",
    },
)
AlertPage = create_model(
    "AlertPage",
    __base__=page_of(AlertItem),
    __module__=__name__,
    as_of=(dt.date, ...),
    recorded_at=(dt.datetime | None, Field(description="Set when the alerts are as recorded by that time")),
)


class AlertCounts(BaseModel):
    model_config = example(
        {
            "org": "JA",
            "as_of": "2024-05-01",
            "recorded_at": None,
            "counts": {k: (3 if k == "A-TERM-OVERDUE" else 0) for k in get_args(AlertKind)},
            "total": 3,
        }
    )

    org: str
    as_of: dt.date
    recorded_at: dt.datetime | None
    counts: dict[str, int] = Field(description="Every alert kind, with zero where none fires")
    total: int
