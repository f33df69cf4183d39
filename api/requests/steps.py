"""A procedure's steps, the union's and the higher-level union's."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from api.requests.base import UNIT_EXAMPLE, VOTE_EXAMPLE, CommandRequest, examples
from events.catalogue import (
    BallotCount,
    Candidate,
    CongressType,
    OrganisationForm,
    PrepGroupMember,
    UnitFacts,
)
from workflow import commands as c


class ResubmitRequest(CommandRequest):
    model_config = examples(
        {
            "unit": UNIT_EXAMPLE,
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
    model_config = examples({"members": 80, "female_members": 12, "employees": 120, "occurred_on": "2019-01-20"})
    command = c.RecordMembersRecruited

    members: int = Field(ge=0)
    female_members: int = Field(ge=0)
    employees: int = Field(ge=0)


class CongressTypeRequest(CommandRequest):
    model_config = examples(
        {"congress_type": "members_meeting", "form": "committee", "committee_seats": 7, "occurred_on": "2019-01-25"}
    )
    command = c.DecideCongressType

    congress_type: CongressType
    form: OrganisationForm = "committee"
    committee_seats: int = Field(ge=1)


class RepresentativesRequest(CommandRequest):
    model_config = examples({"representatives": 60, "occurred_on": "2019-01-27"})
    command = c.ElectRepresentatives

    representatives: int = Field(ge=1)


class ProposeCandidatesRequest(CommandRequest):
    model_config = examples(
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
    model_config = examples({"where": "公告栏", "occurred_on": "2019-02-01"})
    command = c.PostCandidates

    where: str = ""


class FileCandidatesRequest(CommandRequest):
    model_config = examples({"party_org": "公司党支部", "party_approved": True, "occurred_on": "2019-02-05"})
    command = c.FileCandidates

    party_org: str | None = None
    party_approved: bool | None = None
    remarks: str = ""


class HoldCongressRequest(CommandRequest):
    model_config = examples(
        {
            "due": 80,
            "present": 54,
            "committee_vote": VOTE_EXAMPLE | {"seats": 7, "tallies": {"赵": 54, "钱": 53, "孙": 52}},
            "funds_review_vote": VOTE_EXAMPLE,
            "occurred_on": "2019-03-01",
        }
    )
    command = c.HoldCongress

    due: int = Field(ge=1, description="Those due to vote: members, or representatives")
    present: int = Field(ge=0)
    committee_vote: BallotCount
    funds_review_vote: BallotCount


class HoldRunoffRequest(CommandRequest):
    model_config = examples(
        {
            "body": "committee",
            "due": 80,
            "present": 54,
            "vote": VOTE_EXAMPLE | {"seats": 1},
            "occurred_on": "2019-03-01",
        }
    )
    command = c.HoldRunoff

    body: Literal["committee", "funds_review"]
    due: int = Field(ge=1)
    present: int = Field(ge=0)
    vote: BallotCount


class ElectChairRequest(CommandRequest):
    model_config = examples({"chair": "赵", "vice_chairs": ["钱"], "due": 80, "yes": 41, "occurred_on": "2019-03-01"})
    command = c.ElectChair

    chair: str = Field(min_length=1)
    vice_chairs: list[str] = Field(default_factory=list)
    due: int = Field(ge=1)
    yes: int = Field(ge=0)


class FileResultsRequest(CommandRequest):
    model_config = examples(
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
    model_config = examples({"registration_no": "工法人 420102-001", "occurred_on": "2019-04-01"})
    command = c.RegisterLegalPerson

    registration_no: str = Field(min_length=1)


class RequestByElectionRequest(CommandRequest):
    model_config = examples({"candidates": [{"name": "钱"}], "planned_on": "2021-06-01", "occurred_on": "2021-05-10"})
    command = c.RequestByElection

    candidates: list[Candidate] = Field(min_length=1)
    planned_on: dt.date


class HoldByElectionRequest(CommandRequest):
    model_config = examples(
        {
            "due": 7,
            "present": 6,
            "vote": VOTE_EXAMPLE | {"seats": 1, "ballots_issued": 6, "ballots_returned": 6, "tallies": {"钱": 6}},
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
    model_config = examples({"document_no": "江工发〔2019〕1号", "remarks": "", "occurred_on": "2019-01-10"})
    command = c.ApproveFiling

    document_no: str = Field(min_length=1, description="批复文号: the higher-level union's reply number")
    remarks: str = ""


class RejectRequest(CommandRequest):
    model_config = examples({"reasons": "材料不全", "occurred_on": "2019-01-10"})
    command = c.RejectFiling

    reasons: str = Field(min_length=1)
    redo_from: Literal["congress_type", "candidates", "congress"] | None = None


class WithdrawRequest(CommandRequest):
    model_config = examples({"reason": "单位改制", "occurred_on": "2019-02-10"})
    command = c.WithdrawProcedure

    reason: str = Field(min_length=1)
