"""Coverage (RULES.md §7): founding rate (also for units with 25+ employees and for enterprises),
membership rate, on-time re-election rate, the enterprise chairs elected directly (直选) and the
unions of 200+ employees without a full-time chair (R-FULLTIME) of a subtree, with their counts and
by their stable keys (`figures`); a rate is null when nothing is in its denominator; each figure a
target applies to is shown beside it (the region's own target, else its nearest ancestor's). A
figure over many units: not for staff (403)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter

from api.deps import ReaderDep, refuse_staff
from api.routes.params import AsOfToday, OrgParam
from api.routes.reading import get
from api.schemas.coverage import CoverageBody
from api.schemas.problem import ROLE_READ_PROBLEMS
from projections import queries

router = APIRouter()


@get(
    router,
    "/coverage",
    "Founding, membership and on-time re-election rates and the plans' figures of a subtree (RULES.md §7)",
    CoverageBody,
    problems=ROLE_READ_PROBLEMS,
    description="For approvers, auditors and administrators (a figure over many units: staff get 403).",
)
def get_coverage(read: ReaderDep, org: OrgParam = None, as_of: AsOfToday = None) -> Any:
    refuse_staff(
        read.actor, "coverage is a figure over the units of a subtree: for approvers, auditors and administrators"
    )
    on = as_of or read.today
    with read.runtime.engine.connect() as conn:
        scope = read.scope(conn, org)
        cov = queries.coverage(conn, scope.org_id, on)
        targets = queries.coverage_targets(conn, scope.org_id)
    body = asdict(cov)
    del body["subtree"], body["on"]
    body |= {
        "org": scope.org_id,
        "as_of": on,
        "founding_rate": cov.founding_rate,
        "founding_rate_25": cov.founding_rate_25,
        "membership_rate": cov.membership_rate,
        "on_time_rate": cov.on_time_rate,
        "founding_rate_enterprises": cov.founding_rate_enterprises,
        "direct_election_share": cov.direct_election_share,
        "figures": cov.figures(),
    }
    return body | {"targets": queries.beside_targets(body["figures"], targets)}
