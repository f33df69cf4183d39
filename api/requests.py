"""HTTP request bodies: one schema per command endpoint, with examples for the OpenAPI document.

They are not the commands (`workflow.commands`): the union and procedure come from the URL, the
actor from the bearer token, and each body maps onto its command with `to_command`, which the
command validates again (a command's own checks answer 422 like the body's)."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from events.catalogue import (
    BallotCount,
    Candidate,
    CongressType,
    OrganisationForm,
    OrgLevel,
    PrepGroupMember,
    RemovalVote,
    UnitFacts,
)
from workflow import commands as c

_UNIT_EXAMPLE: dict[str, Any] = {
    "unit_name": "江岸某科技有限公司",
    "unit_type": "enterprise",
    "employees": 120,
    "members": 0,
    "female_members": 0,
    "has_party_org": True,
}
_VOTE_EXAMPLE: dict[str, Any] = {
    "seats": 3,
    "ballots_issued": 54,
    "ballots_returned": 54,
    "invalid_ballots": 0,
    "tallies": {"冯": 54, "陈": 53, "褚": 52},
}


def _nul_at(value: Any, path: tuple[Any, ...]) -> tuple[Any, ...] | None:
    if isinstance(value, str):
        return path if "\x00" in value else None
    if isinstance(value, dict):
        for k, v in value.items():
            if isinstance(k, str) and "\x00" in k:
                return (*path, k.replace("\x00", "?"))
            found = _nul_at(v, (*path, k))
            if found is not None:
                return found
    if isinstance(value, list):
        for i, v in enumerate(value):
            found = _nul_at(v, (*path, i))
            if found is not None:
                return found
    return None


def _examples(*examples: dict[str, Any]) -> ConfigDict:
    return ConfigDict(extra="forbid", json_schema_extra={"examples": list(examples)})


class CommandRequest(BaseModel):
    """Every command body gives the business date of the fact (the congress date, the reply's date...)."""

    model_config = ConfigDict(extra="forbid")
    command: ClassVar[type[c.Command]]

    occurred_on: dt.date = Field(description="Business date of the fact (not the recording time)")

    @model_validator(mode="before")
    @classmethod
    def _no_nul_characters(cls, data: Any) -> Any:
        # The event store's databases cannot keep U+0000 in text (PostgreSQL refuses it): say which
        # field carries one instead of failing on write.
        where = _nul_at(data, ())
        if where is not None:
            raise ValueError(f"{'.'.join(map(str, where)) or 'body'} contains a NUL character (U+0000)")
        return data

    def to_command(self, **ids: str) -> c.Command:
        return self.command.model_validate(self.model_dump() | ids)


# --------------------------------------------------------------------------- organisations


class RegisterOrganisationRequest(CommandRequest):
    model_config = _examples(
        {
            "org_id": "U1",
            "name": "江岸某科技有限公司工会",
            "level": "grassroots",
            "parent_id": "JA",
            "unit": _UNIT_EXAMPLE,
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
    model_config = _examples({"unit": _UNIT_EXAMPLE | {"employees": 130}, "occurred_on": "2019-02-01"})
    command = c.UpdateUnitFacts

    unit: UnitFacts


class ImportTermRequest(CommandRequest):
    model_config = _examples(
        {"term_start": "2022-06-30", "term_years": 5, "chair": "王芳", "occurred_on": "2026-11-01"}
    )
    command = c.ImportExistingTerm

    term_start: dt.date = Field(description="The current term's start (its electing congress)")
    term_years: int = Field(ge=1, description="R-TERM: 3 or 5 years under the national profile")
    chair: str | None = Field(default=None, min_length=1)
    source: str = Field(default="import", min_length=1, max_length=200, description="Where the record comes from")


class AnnualCongressRequest(CommandRequest):
    model_config = _examples(
        {"due": 80, "present": 54, "agenda": "工会工作报告；经费审查报告", "occurred_on": "2025-12-20"}
    )
    command = c.RecordCongress

    due: int = Field(ge=1, description="Voters due to attend (members or representatives)")
    present: int = Field(ge=0, description="Present; R-QUORUM needs 3 × present ≥ 2 × due")
    agenda: str = Field(min_length=1, max_length=2000)


class ViceChairRemovalRequest(CommandRequest):
    model_config = _examples(
        {"vice_chair": "钱", "removal": {"total": 80, "yes": 41}, "reason": "会员大会罢免", "occurred_on": "2021-05-01"}
    )
    command = c.RemoveViceChair

    vice_chair: str = Field(min_length=1, description="A vice-chair in office (the union's `vice_chairs`)")
    removal: RemovalVote = Field(
        description="The congress's vote (罢免). R-REMOVAL: more than half of all members (members' meeting) or "
        "representatives (representative congress) voted yes; `total` is all of them, present or not."
    )
    reason: str = Field(min_length=1, max_length=2000)


# What a union's own staff record on the union itself (not on one of its procedures), by the
# path segment the API and the web pages share: POST /unions/{id}/<name>, /ui/unions/{id}/record/<name>.
UNION_REQUESTS: dict[str, type[CommandRequest]] = {
    "facts": UpdateUnitFactsRequest,
    "congresses": AnnualCongressRequest,
    "vice-chair-removals": ViceChairRemovalRequest,
}


# --------------------------------------------------------------------------- opening a procedure


class FoundingRequest(CommandRequest):
    model_config = _examples(
        {
            "unit": _UNIT_EXAMPLE,
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
    model_config = _examples(
        {"plan": "第二届换届方案", "planned_congress_on": "2024-03-01", "occurred_on": "2024-01-05"}
    )
    command = c.OpenReelection

    plan: str = Field(min_length=1)
    planned_congress_on: dt.date
    profile_name: str | None = None
    profile_version: int | None = None


class ExtensionRequest(CommandRequest):
    model_config = _examples({"reason": "单位重组", "new_deadline": "2024-09-01", "occurred_on": "2024-01-05"})
    command = c.RequestExtension

    reason: str = Field(min_length=1)
    new_deadline: dt.date


class EarlyReelectionRequest(CommandRequest):
    model_config = _examples({"reason": "主席调离", "planned_congress_on": "2023-06-01", "occurred_on": "2023-03-01"})
    command = c.RequestEarlyReelection

    reason: str = Field(min_length=1)
    planned_congress_on: dt.date


class ChairVacancyRequest(CommandRequest):
    model_config = _examples(
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


OPEN_REQUESTS: dict[str, type[CommandRequest]] = {
    "founding": FoundingRequest,
    "reelection": ReelectionRequest,
    "extension": ExtensionRequest,
    "early_reelection": EarlyReelectionRequest,
    "by_election": ChairVacancyRequest,
}


# --------------------------------------------------------------------------- procedure steps


class ResubmitRequest(CommandRequest):
    model_config = _examples(
        {
            "unit": _UNIT_EXAMPLE,
            "initiators": ["张三"],
            "prep_group": [{"name": "甲"}, {"name": "乙"}, {"name": "丙"}],
            "occurred_on": "2019-01-20",
        }
    )
    command = c.ResubmitFoundingRequest

    unit: UnitFacts
    initiators: list[str] = Field(min_length=1)
    prep_group: list[PrepGroupMember]


class RecordMembersRequest(CommandRequest):
    model_config = _examples({"members": 80, "female_members": 12, "employees": 120, "occurred_on": "2019-01-20"})
    command = c.RecordMembersRecruited

    members: int = Field(ge=0)
    female_members: int = Field(ge=0)
    employees: int = Field(ge=0)


class CongressTypeRequest(CommandRequest):
    model_config = _examples(
        {"congress_type": "members_meeting", "form": "committee", "committee_seats": 7, "occurred_on": "2019-01-25"}
    )
    command = c.DecideCongressType

    congress_type: CongressType
    form: OrganisationForm = "committee"
    committee_seats: int = Field(ge=1)


class RepresentativesRequest(CommandRequest):
    model_config = _examples({"representatives": 60, "occurred_on": "2019-01-27"})
    command = c.ElectRepresentatives

    representatives: int = Field(ge=1)


class ProposeCandidatesRequest(CommandRequest):
    model_config = _examples(
        {
            "committee_candidates": [{"name": n} for n in ("赵", "钱", "孙", "李", "周", "吴", "郑", "王")],
            "chair_candidates": [{"name": "赵"}, {"name": "钱"}],
            "funds_review_seats": 3,
            "funds_review_candidates": [{"name": "冯"}, {"name": "陈"}, {"name": "褚"}],
            "chair_elected_by": "congress",
            "occurred_on": "2019-02-01",
        }
    )
    command = c.ProposeCandidates

    committee_candidates: list[Candidate] = Field(min_length=1)
    chair_candidates: list[Candidate] = Field(min_length=1)
    funds_review_seats: int = Field(ge=1)
    funds_review_candidates: list[Candidate] = Field(min_length=1)
    chair_elected_by: Literal["congress", "committee"] = "congress"


class PostCandidatesRequest(CommandRequest):
    model_config = _examples({"where": "公告栏", "occurred_on": "2019-02-01"})
    command = c.PostCandidates

    where: str = ""


class FileCandidatesRequest(CommandRequest):
    model_config = _examples({"party_org": "公司党支部", "party_approved": True, "occurred_on": "2019-02-05"})
    command = c.FileCandidates

    party_org: str | None = None
    party_approved: bool | None = None
    remarks: str = ""


class HoldCongressRequest(CommandRequest):
    model_config = _examples(
        {
            "due": 80,
            "present": 54,
            "committee_vote": _VOTE_EXAMPLE | {"seats": 7, "tallies": {"赵": 54, "钱": 53, "孙": 52}},
            "funds_review_vote": _VOTE_EXAMPLE,
            "occurred_on": "2019-03-01",
        }
    )
    command = c.HoldCongress

    due: int = Field(ge=1, description="Those due to vote: members, or representatives")
    present: int = Field(ge=0)
    committee_vote: BallotCount
    funds_review_vote: BallotCount


class HoldRunoffRequest(CommandRequest):
    model_config = _examples(
        {
            "body": "committee",
            "due": 80,
            "present": 54,
            "vote": _VOTE_EXAMPLE | {"seats": 1},
            "occurred_on": "2019-03-01",
        }
    )
    command = c.HoldRunoff

    body: Literal["committee", "funds_review"]
    due: int = Field(ge=1)
    present: int = Field(ge=0)
    vote: BallotCount


class ElectChairRequest(CommandRequest):
    model_config = _examples({"chair": "赵", "vice_chairs": ["钱"], "due": 80, "yes": 41, "occurred_on": "2019-03-01"})
    command = c.ElectChair

    chair: str = Field(min_length=1)
    vice_chairs: list[str] = Field(default_factory=list)
    due: int = Field(ge=1)
    yes: int = Field(ge=0)


class FileResultsRequest(CommandRequest):
    model_config = _examples(
        {
            "funds_review_director": "冯",
            "women_committee_formed": True,
            "women_director": "孙",
            "term_years": 5,
            "occurred_on": "2019-03-05",
        }
    )
    command = c.FileResults

    funds_review_director: str = Field(min_length=1)
    finance_person: str | None = None
    women_committee_formed: bool = False
    women_director: str | None = None
    fulltime_chair: bool = False
    term_years: int


class RegisterLegalPersonRequest(CommandRequest):
    model_config = _examples({"registration_no": "工法人 420102-001", "occurred_on": "2019-04-01"})
    command = c.RegisterLegalPerson

    registration_no: str = Field(min_length=1)


class RequestByElectionRequest(CommandRequest):
    model_config = _examples({"candidates": [{"name": "钱"}], "planned_on": "2021-06-01", "occurred_on": "2021-05-10"})
    command = c.RequestByElection

    candidates: list[Candidate] = Field(min_length=1)
    planned_on: dt.date


class HoldByElectionRequest(CommandRequest):
    model_config = _examples(
        {
            "due": 7,
            "present": 6,
            "vote": _VOTE_EXAMPLE | {"seats": 1, "ballots_issued": 6, "ballots_returned": 6, "tallies": {"钱": 6}},
            "occurred_on": "2021-06-01",
        }
    )
    command = c.HoldByElection

    due: int = Field(
        ge=1,
        description="everyone with a vote in the body that elected the chair this term: the committee, the "
        "representatives, or the members on record (R-VACANCY, R-QUORUM)",
    )
    present: int = Field(ge=0)
    vote: BallotCount


class ApproveRequest(CommandRequest):
    model_config = _examples({"document_no": "江工发〔2019〕1号", "remarks": "", "occurred_on": "2019-01-10"})
    command = c.ApproveFiling

    document_no: str = Field(min_length=1, description="批复文号: the higher-level union's reply number")
    remarks: str = ""


class RejectRequest(CommandRequest):
    model_config = _examples({"reasons": "材料不全", "occurred_on": "2019-01-10"})
    command = c.RejectFiling

    reasons: str = Field(min_length=1)
    redo_from: Literal["congress_type", "candidates", "congress"] | None = None


class WithdrawRequest(CommandRequest):
    model_config = _examples({"reason": "单位改制", "occurred_on": "2019-02-10"})
    command = c.WithdrawProcedure

    reason: str = Field(min_length=1)


STEP_REQUESTS: dict[str, type[CommandRequest]] = {
    "record-members": RecordMembersRequest,
    "decide-congress-type": CongressTypeRequest,
    "elect-representatives": RepresentativesRequest,
    "propose-candidates": ProposeCandidatesRequest,
    "post-candidates": PostCandidatesRequest,
    "file-candidates": FileCandidatesRequest,
    "hold-congress": HoldCongressRequest,
    "hold-runoff": HoldRunoffRequest,
    "elect-chair": ElectChairRequest,
    "file-results": FileResultsRequest,
    "register-legal-person": RegisterLegalPersonRequest,
    "request-by-election": RequestByElectionRequest,
    "hold-by-election": HoldByElectionRequest,
    "approve": ApproveRequest,
    "reject": RejectRequest,
    "withdraw": WithdrawRequest,
    "resubmit-request": ResubmitRequest,
}

# The machine's trigger names (snake case) for the URL's step names; allowed steps link to these.
TRIGGER_STEPS: dict[str, str] = {name.replace("-", "_"): name for name in STEP_REQUESTS}

# The URL name of each command, so that what the workflow allows links to where it is taken: a
# procedure's step (/procedures/{id}/steps/<name>) and a union's record (/unions/{id}/<name>, and
# /ui/unions/{id}/record/<name> on the web pages).
STEP_OF_COMMAND: dict[str, str] = {req.command.__name__: step for step, req in STEP_REQUESTS.items()}
UNION_PATH_OF_COMMAND: dict[str, str] = {req.command.__name__: name for name, req in UNION_REQUESTS.items()}
