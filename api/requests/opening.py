"""Opening a procedure: founding, re-election, extension, early re-election, a chair's vacancy, a
dissolution, at `POST /unions/{id}/procedures/<kind>`; each body derived from its command."""

from __future__ import annotations

from api.requests.base import CommandRequest, body_of
from workflow import commands as c

FoundingRequest = body_of(c.RequestFounding, "FoundingRequest")
ReelectionRequest = body_of(c.OpenReelection, "ReelectionRequest")
ExtensionRequest = body_of(c.RequestExtension, "ExtensionRequest")
EarlyReelectionRequest = body_of(c.RequestEarlyReelection, "EarlyReelectionRequest")
ChairVacancyRequest = body_of(c.RecordChairVacancy, "ChairVacancyRequest")
DissolutionRequest = body_of(c.RequestDissolution, "DissolutionRequest")

OPEN_REQUESTS: dict[str, type[CommandRequest]] = {
    "founding": FoundingRequest,
    "reelection": ReelectionRequest,
    "extension": ExtensionRequest,
    "early_reelection": EarlyReelectionRequest,
    "by_election": ChairVacancyRequest,
    "dissolution": DissolutionRequest,
}
