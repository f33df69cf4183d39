"""Coverage (RULES.md §7): founding, membership and on-time re-election rates of a subtree."""

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
            "targets": {
                "founding_rate": {"value": 0.8, "target": 0.91, "set_by": "DL", "reads": "at_least", "met": False}
            },
        }
    )

    org: str
    as_of: dt.date
    units: int = Field(description="Employing units registered (grassroots-level organisations)")
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
    targets: dict[str, FigureTargetBody] = Field(
        description="Each figure with a target beside it: the region's own, else its nearest ancestor's (RULES.md §7)"
    )
