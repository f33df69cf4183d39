"""Settings of a region (RULES.md §5, §7): an administrator of the organisation or above assigns
the rule profile its unions open their procedures under and sets its coverage targets; anyone who
may read the organisation reads what applies to it, and who set it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api.deps import ReaderDep
from api.requests import CoverageTargetsRequest, RuleProfileRequest
from api.routes.commands import add_command_route
from api.routes.params import UnionId
from api.routes.reading import get
from api.schemas.regions import RegionSettingsBody
from events.catalogue import COVERAGE_FIGURES
from projections import queries
from workflow.profile import UnknownProfile

router = APIRouter()

_COMMANDS = (
    (
        "rule-profile",
        RuleProfileRequest,
        "Assign the rule profile this organisation's unions, and those below without a nearer one, open "
        "their procedures under (administrators of it or above; RULES.md §5)",
    ),
    (
        "coverage-targets",
        CoverageTargetsRequest,
        "Set this organisation's coverage targets, as a whole (administrators of it or above; RULES.md §7)",
    ),
)

for _name, _model, _summary in _COMMANDS:
    add_command_route(
        router,
        f"/organisations/{{org_id}}/{_name}",
        _model,
        ids=lambda org_id: {"union_id": org_id},
        path_params=("org_id",),
        summary=_summary,
        tags=["organisations"],
    )


def _assigned(found: queries.AssignedProfile | None) -> dict[str, Any] | None:
    return None if found is None else {"name": found.name, "version": found.version, "org": found.org_id}


@get(
    router,
    "/organisations/{org_id}/settings",
    "The rule profile and coverage targets that apply to an organisation, and those it set itself",
    RegionSettingsBody,
)
def region_settings(org_id: UnionId, read: ReaderDep) -> Any:
    with read.connect(org_id) as conn:  # 404 for an organisation that is not, or not the caller's
        settings = queries.region_settings(conn, org_id)
    assigned = settings.profile
    try:
        pinned = read.runtime.service.profile(*((assigned.name, assigned.version) if assigned is not None else ()))
        opens_under: dict[str, Any] | None = {"name": pinned.name, "version": pinned.version}
    except UnknownProfile:
        opens_under = None
    return {
        "org": org_id,
        "rule_profile": _assigned(assigned),
        "opens_under": opens_under,
        "coverage_targets": {
            k: {"target": t.target, "set_by": t.set_by, "reads": t.reads} for k, t in settings.targets.items()
        },
        "own_rule_profile": _assigned(settings.own_profile),
        "own_coverage_targets": settings.own_targets,
        "figures": list(COVERAGE_FIGURES),
    }
