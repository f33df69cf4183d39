"""The organisation tree and what a union's staff record on the union itself; each body derived
from its command."""

from __future__ import annotations

from api.requests.base import CommandRequest, body_of
from workflow import commands as c

RegisterOrganisationRequest = body_of(c.RegisterOrganisation, "RegisterOrganisationRequest")
ImportTermRequest = body_of(c.ImportExistingTerm, "ImportTermRequest")

# What a union's own staff record on the union itself (not on one of its procedures), by the
# path segment the API and the web pages share: POST /unions/{id}/<name>, /ui/unions/{id}/record/<name>.
UNION_REQUESTS: dict[str, type[CommandRequest]] = {
    "facts": body_of(c.UpdateUnitFacts, "UpdateUnitFactsRequest"),
    "congresses": body_of(c.RecordCongress, "AnnualCongressRequest"),
    "vice-chair-removals": body_of(c.RemoveViceChair, "ViceChairRemovalRequest"),
    # A joint grassroots union's units (R-FORM-25; RULES.md §7).
    "covered-units": body_of(c.CoverUnit, "CoverUnitRequest"),
    "covered-unit-departures": body_of(c.UncoverUnit, "UncoverUnitRequest"),
}
