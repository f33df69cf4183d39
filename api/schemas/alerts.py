"""Alerts (RULES.md §6) and their counts."""

from __future__ import annotations

import datetime as dt
from typing import Literal, get_args

from pydantic import BaseModel, Field

from api.schemas.common import Page, example
from projections.models.alerts import KINDS as ALERT_KINDS

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


class AlertItem(BaseModel):
    """An alert that fires on the date asked about (RULES.md §6)."""

    model_config = example(
        {
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
        }
    )

    kind: str
    org_id: str
    path: str
    on: dt.date
    deadline: dt.date
    days_overdue: int = Field(description="on - deadline; for A-TERM-DUE zero or negative (days left)")
    rule: str
    procedure_id: str | None
    window: str
    basis: str
    fires_from: dt.date
    fires_until: dt.date | None = Field(description="null: until something ends it")
    href: str


class AlertPage(Page[AlertItem]):
    as_of: dt.date
    recorded_at: dt.datetime | None = Field(description="Set when the alerts are as recorded by that time")


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
