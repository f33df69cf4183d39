"""The organisation tree and what a union's staff record on the union itself."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from api.requests.base import UNIT_EXAMPLE, CommandRequest, examples
from events.catalogue import (
    OrgLevel,
    RemovalVote,
    UnitFacts,
)
from workflow import commands as c


class RegisterOrganisationRequest(CommandRequest):
    model_config = examples(
        {
            "org_id": "U1",
            "name": "江岸某科技有限公司工会",
            "level": "grassroots",
            "parent_id": "JA",
            "unit": UNIT_EXAMPLE,
            "occurred_on": "2019-01-01",
        }
    )
    command = c.RegisterOrganisation

    org_id: str = Field(min_length=1, max_length=120, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    name: str = Field(min_length=1)
    level: OrgLevel
    parent_id: str | None = None
    unit: UnitFacts | None = None


class UpdateUnitFactsRequest(CommandRequest):
    model_config = examples({"unit": UNIT_EXAMPLE | {"employees": 130}, "occurred_on": "2019-02-01"})
    command = c.UpdateUnitFacts

    unit: UnitFacts


class ImportTermRequest(CommandRequest):
    model_config = examples({"term_start": "2022-06-30", "term_years": 5, "chair": "王芳", "occurred_on": "2026-11-01"})
    command = c.ImportExistingTerm

    term_start: dt.date = Field(description="The current term's start (its electing congress)")
    term_years: int = Field(ge=1, description="R-TERM: 3 or 5 years under the national profile")
    chair: str | None = Field(default=None, min_length=1)
    source: str = Field(default="import", min_length=1, max_length=200, description="Where the record comes from")


class AnnualCongressRequest(CommandRequest):
    model_config = examples(
        {"due": 80, "present": 54, "agenda": "工会工作报告；经费审查报告", "occurred_on": "2025-12-20"}
    )
    command = c.RecordCongress

    due: int = Field(ge=1, description="Voters due to attend (members or representatives)")
    present: int = Field(ge=0, description="Present; R-QUORUM needs 3 × present ≥ 2 × due")
    agenda: str = Field(min_length=1, max_length=2000)


class ViceChairRemovalRequest(CommandRequest):
    model_config = examples(
        {"vice_chair": "钱", "removal": {"total": 80, "yes": 41}, "reason": "会员大会罢免", "occurred_on": "2021-05-01"}
    )
    command = c.RemoveViceChair

    vice_chair: str = Field(min_length=1, description="A vice-chair in office (the union's `vice_chairs`)")
    removal: RemovalVote = Field(
        description="The congress's vote (罢免). R-REMOVAL: more than half of all members (members' meeting) or "
        "representatives (representative congress) voted yes; `total` is all of them, present or not."
    )
    reason: str = Field(min_length=1, max_length=2000)
