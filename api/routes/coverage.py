"""Coverage (RULES.md §7): founding rate (also for units with 25+ employees), membership rate and
on-time re-election rate of a subtree, with their counts; a rate is null when nothing is in its
denominator. A figure over many units: not for staff (403)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter

from api.deps import CurrentActor, RuntimeDep, Today, readable_scope
from api.routes.params import AsOfToday, OrgParam
from api.schemas.coverage import CoverageBody
from api.schemas.problem import ROLE_READ_PROBLEMS
from projections import queries
from workflow.errors import NotAuthorised

router = APIRouter()


@router.get(
    "/coverage",
    tags=["reads"],
    summary="Founding, membership and on-time re-election rates of a subtree (RULES.md §7)",
    description="For approvers, auditors and administrators (a figure over many units: staff get 403).",
    response_model=CoverageBody,
    responses=ROLE_READ_PROBLEMS,
)
def get_coverage(
    actor: CurrentActor,
    runtime: RuntimeDep,
    today: Today,
    org: OrgParam = None,
    as_of: AsOfToday = None,
) -> Any:
    if actor.role == "staff":
        raise NotAuthorised(
            "AUTH-ROLE",
            "coverage is a figure over the units of a subtree: for approvers, auditors and administrators",
            {"role": actor.role, "needed": "approver, auditor or admin"},
        )
    on = as_of or today
    with runtime.engine.connect() as conn:
        scope = readable_scope(conn, actor, org)
        cov = queries.coverage(conn, scope.org_id, on)
    body = asdict(cov)
    del body["subtree"], body["on"]
    return body | {
        "org": scope.org_id,
        "as_of": on,
        "founding_rate": cov.founding_rate,
        "founding_rate_25": cov.founding_rate_25,
        "membership_rate": cov.membership_rate,
        "on_time_rate": cov.on_time_rate,
    }
