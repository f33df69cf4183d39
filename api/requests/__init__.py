"""HTTP request bodies: one schema per command endpoint, with examples for the OpenAPI document.

They are not the commands (`workflow.commands`): the union and procedure come from the URL, the
actor from the bearer token, and each body maps onto its command with `to_command`, which the
command validates again (a command's own checks answer 422 like the body's)."""

from __future__ import annotations

from api.requests.base import CommandRequest
from api.requests.opening import (
    ChairVacancyRequest,
    EarlyReelectionRequest,
    ExtensionRequest,
    FoundingRequest,
    ReelectionRequest,
)
from api.requests.steps import (
    ApproveRequest,
    CongressTypeRequest,
    ElectChairRequest,
    FileCandidatesRequest,
    FileResultsRequest,
    HoldByElectionRequest,
    HoldCongressRequest,
    HoldRunoffRequest,
    PostCandidatesRequest,
    ProposeCandidatesRequest,
    RecordMembersRequest,
    RegisterLegalPersonRequest,
    RejectRequest,
    RepresentativesRequest,
    RequestByElectionRequest,
    ResubmitRequest,
    WithdrawRequest,
)
from api.requests.unions import (
    AnnualCongressRequest,
    ImportTermRequest,
    RegisterOrganisationRequest,
    UpdateUnitFactsRequest,
    ViceChairRemovalRequest,
)

__all__ = [
    "OPEN_REQUESTS",
    "STEP_OF_COMMAND",
    "STEP_REQUESTS",
    "TRIGGER_STEPS",
    "UNION_PATH_OF_COMMAND",
    "UNION_REQUESTS",
    "AnnualCongressRequest",
    "ApproveRequest",
    "ChairVacancyRequest",
    "CommandRequest",
    "CongressTypeRequest",
    "EarlyReelectionRequest",
    "ElectChairRequest",
    "ExtensionRequest",
    "FileCandidatesRequest",
    "FileResultsRequest",
    "FoundingRequest",
    "HoldByElectionRequest",
    "HoldCongressRequest",
    "HoldRunoffRequest",
    "ImportTermRequest",
    "PostCandidatesRequest",
    "ProposeCandidatesRequest",
    "RecordMembersRequest",
    "ReelectionRequest",
    "RegisterLegalPersonRequest",
    "RegisterOrganisationRequest",
    "RejectRequest",
    "RepresentativesRequest",
    "RequestByElectionRequest",
    "ResubmitRequest",
    "UpdateUnitFactsRequest",
    "ViceChairRemovalRequest",
    "WithdrawRequest",
]

# What a union's own staff record on the union itself (not on one of its procedures), by the
# path segment the API and the web pages share: POST /unions/{id}/<name>, /ui/unions/{id}/record/<name>.
UNION_REQUESTS: dict[str, type[CommandRequest]] = {
    "facts": UpdateUnitFactsRequest,
    "congresses": AnnualCongressRequest,
    "vice-chair-removals": ViceChairRemovalRequest,
}


OPEN_REQUESTS: dict[str, type[CommandRequest]] = {
    "founding": FoundingRequest,
    "reelection": ReelectionRequest,
    "extension": ExtensionRequest,
    "early_reelection": EarlyReelectionRequest,
    "by_election": ChairVacancyRequest,
}


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
