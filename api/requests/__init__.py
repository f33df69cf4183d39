"""HTTP request bodies: one per command endpoint, derived from the command (`body_of`), with the
command's examples for the OpenAPI document.

They are not the commands (`workflow.commands`): the union and procedure come from the URL, the
actor from the bearer token, and each body maps onto its command with `to_command`, which the
command validates again (a command's own checks answer 422 like the body's)."""

from __future__ import annotations

from api.requests.base import CommandRequest
from api.requests.opening import OPEN_REQUESTS
from api.requests.regions import CoverageTargetsRequest, RuleProfileRequest
from api.requests.steps import STEP_REQUESTS
from api.requests.unions import UNION_REQUESTS, ImportTermRequest, RegisterOrganisationRequest

__all__ = [
    "OPEN_REQUESTS",
    "STEP_OF_COMMAND",
    "STEP_REQUESTS",
    "UNION_PATH_OF_COMMAND",
    "UNION_REQUESTS",
    "CommandRequest",
    "CoverageTargetsRequest",
    "ImportTermRequest",
    "RegisterOrganisationRequest",
    "RuleProfileRequest",
]

# The URL name of each command, so that what the workflow allows links to where it is taken: a
# procedure's step (/procedures/{id}/steps/<name>) and a union's record (/unions/{id}/<name>, and
# /ui/unions/{id}/record/<name> on the web pages).
STEP_OF_COMMAND: dict[str, str] = {req.command.__name__: step for step, req in STEP_REQUESTS.items()}
UNION_PATH_OF_COMMAND: dict[str, str] = {req.command.__name__: name for name, req in UNION_REQUESTS.items()}
