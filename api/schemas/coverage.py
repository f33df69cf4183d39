"""Coverage (RULES.md §7): founding, membership and on-time re-election rates of a subtree, and the
figures the seed plans set targets for (enterprises, 直选, full-time chairs), by stable keys."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from api.schemas.common import example
from api.schemas.regions import FigureTargetBody


class CoverageBody(BaseModel):
    """RULES.md §7 (`projections.queries.Coverage`); a rate is null when its denominator is 0."""

    model_config = example(
        {
            "org": "JA",
            "as_of": "2024-05-01",
            "units": 10,
            "founded": 8,
            "units_25": 6,
            "founded_25": 6,
            "members": 640,
            "employees_unionised": 800,
            "terms_ended": 4,
            "terms_on_time": 3,
            "founding_rate": 0.8,
            "founding_rate_25": 1.0,
            "membership_rate": 0.8,
            "on_time_rate": 0.75,
            "units_enterprise": 7,
            "founded_enterprise": 6,
            "units_covered": 2,
            "chairs_direct": 4,
            "chairs_by_committee": 1,
            "chairs_election_unknown": 1,
            "unions_200": 3,
            "without_full_time_chair": 1,
            "full_time_unknown": 1,
            "founding_rate_enterprises": 0.857,
            "direct_election_share": 0.8,
            "figures": {
                "founding_rate": 0.8,
                "founding_rate_25plus": 1.0,
                "founding_rate_enterprises": 0.857,
                "membership_rate": 0.8,
                "on_time_rate": 0.75,
                "direct_election_share": 0.8,
                "without_full_time_chair": 1,
            },
            "targets": {
                "founding_rate": {"value": 0.8, "target": 0.91, "set_by": "DL", "reads": "at_least", "met": False}
            },
        }
    )

    org: str
    as_of: dt.date
    units: int = Field(
        description="Employing units in scope: the grassroots unions' units and those a joint grassroots union "
        "covers, not a dissolved union's from its dissolution (R-DISSOLVE)"
    )
    founded: int
    units_25: int = Field(description="Units with 25 or more employees")
    founded_25: int
    members: int
    employees_unionised: int
    terms_ended: int
    terms_on_time: int = Field(description="Of those, re-elected by their deadline (R-ON-TIME)")
    founding_rate: float | None
    founding_rate_25: float | None
    membership_rate: float | None
    on_time_rate: float | None
    units_enterprise: int = Field(description="Units of unit type enterprise")
    founded_enterprise: int
    units_covered: int = Field(description="Of the units, those a joint grassroots union covers (RULES.md §7)")
    chairs_direct: int = Field(
        description="Enterprise unions' current chairs elected by the congress directly (直选), as of the date"
    )
    chairs_by_committee: int = Field(description="Those elected by the committee")
    chairs_election_unknown: int = Field(description="Those whose election the record does not say (imported)")
    unions_200: int = Field(description="Unions of units with 200 or more employees (R-FULLTIME)")
    without_full_time_chair: int = Field(description="Of those, without a full-time chair (R-FULLTIME)")
    full_time_unknown: int = Field(description="Of those, not known (never counted as without)")
    founding_rate_enterprises: float | None
    direct_election_share: float | None = Field(description="chairs_direct ÷ (chairs_direct + chairs_by_committee)")
    figures: dict[str, float | int | None] = Field(
        description="The figures by their stable keys (what a region's targets name): founding_rate, "
        "founding_rate_25plus, founding_rate_enterprises, membership_rate, on_time_rate, direct_election_share, "
        "without_full_time_chair"
    )
    targets: dict[str, FigureTargetBody] = Field(
        description="Each figure with a target beside it: the region's own, else its nearest ancestor's (RULES.md §7)"
    )
