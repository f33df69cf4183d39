"""Settings of a region (RULES.md §5, §7): the rule profile its unions open their procedures
under, and its coverage figures' targets, each with the organisation that set it."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from api.schemas.common import example

Reads = Literal["at_least", "at_most"]


class AssignedProfileBody(BaseModel):
    name: str
    version: int | None = Field(description="null: the latest version when a procedure opens")
    org: str = Field(description="The organisation it is assigned to: this one, or its nearest ancestor with one")


class PinnedProfileBody(BaseModel):
    name: str
    version: int


class TargetBody(BaseModel):
    target: float = Field(ge=0, le=1)
    set_by: str = Field(description="The organisation that set it: this one, or its nearest ancestor that did")
    reads: Reads = Field(description="at_least: the figure should reach the target; at_most: stay within it")


class FigureTargetBody(TargetBody):
    """A coverage figure beside its target."""

    value: float | None = Field(description="The figure (null: nothing to divide by)")
    met: bool | None = Field(description="Whether the figure meets its target (null: no figure)")


class RegionSettingsBody(BaseModel):
    """What applies to the organisation's unions, and what the organisation has set itself."""

    model_config = example(
        {
            "org": "JA",
            "rule_profile": {"name": "dalian", "version": None, "org": "DL"},
            "opens_under": {"name": "dalian", "version": 2},
            "coverage_targets": {
                "founding_rate_enterprises": {"target": 0.91, "set_by": "DL", "reads": "at_least"},
                "membership_rate": {"target": 0.8, "set_by": "JA", "reads": "at_least"},
            },
            "own_rule_profile": None,
            "own_coverage_targets": {"membership_rate": 0.8},
            "figures": ["founding_rate", "membership_rate", "on_time_rate"],
        }
    )

    org: str
    rule_profile: AssignedProfileBody | None = Field(
        description="The profile assigned nearest (RULES.md §5); null: the deployment's default"
    )
    opens_under: PinnedProfileBody | None = Field(
        description="The profile a procedure opened now would pin (null: the assigned one is not registered here)"
    )
    coverage_targets: dict[str, TargetBody] = Field(description="Each figure's target, its own or inherited (§7)")
    own_rule_profile: AssignedProfileBody | None
    own_coverage_targets: dict[str, float]
    figures: list[str] = Field(description="The coverage figures a target may be set for")
