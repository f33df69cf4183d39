"""Opening a procedure: founding, re-election, extension, early re-election, a chair's vacancy."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from api.requests.base import UNIT_EXAMPLE, CommandRequest, examples
from events.catalogue import (
    PrepGroupMember,
    RemovalVote,
    UnitFacts,
)
from workflow import commands as c


class FoundingRequest(CommandRequest):
    model_config = examples(
        {
            "unit": UNIT_EXAMPLE,
            "initiators": ["张三"],
            "prep_group": [{"name": "甲"}, {"name": "乙", "affiliation": "party_org"}, {"name": "丙"}],
            "occurred_on": "2019-01-05",
        }
    )
    command = c.RequestFounding

    unit: UnitFacts
    initiators: list[str] = Field(min_length=1)
    prep_group: list[PrepGroupMember]
    profile_name: str | None = Field(default=None, description="Rule profile (default: national)")
    profile_version: int | None = Field(default=None, description="Profile version (default: the latest)")


class ReelectionRequest(CommandRequest):
    model_config = examples(
        {"plan": "第二届换届方案", "planned_congress_on": "2024-03-01", "occurred_on": "2024-01-05"}
    )
    command = c.OpenReelection

    plan: str = Field(min_length=1)
    planned_congress_on: dt.date
    profile_name: str | None = None
    profile_version: int | None = None


class ExtensionRequest(CommandRequest):
    model_config = examples({"reason": "单位重组", "new_deadline": "2024-09-01", "occurred_on": "2024-01-05"})
    command = c.RequestExtension

    reason: str = Field(min_length=1)
    new_deadline: dt.date


class EarlyReelectionRequest(CommandRequest):
    model_config = examples({"reason": "主席调离", "planned_congress_on": "2023-06-01", "occurred_on": "2023-03-01"})
    command = c.RequestEarlyReelection

    reason: str = Field(min_length=1)
    planned_congress_on: dt.date


class ChairVacancyRequest(CommandRequest):
    model_config = examples(
        {"acting_chair": "钱", "reason": "主席调离", "occurred_on": "2021-05-01"},
        {
            "acting_chair": "钱",
            "reason": "会员大会罢免",
            "removal": {"total": 80, "yes": 41},
            "occurred_on": "2021-05-01",
        },
    )
    command = c.RecordChairVacancy

    acting_chair: str = Field(min_length=1)
    reason: str = Field(min_length=1)
    removal: RemovalVote | None = Field(
        default=None,
        description="When the congress removed the chair (罢免): its vote. R-REMOVAL: more than half of all "
        "members (members' meeting) or representatives (representative congress) voted yes; `total` is all of "
        "them, present or not.",
    )
