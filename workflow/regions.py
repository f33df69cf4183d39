"""Settings of a region, decided by its administrators: the rule profile its unions open their
procedures under (RULES.md §5: "Rule profiles are assigned to regions"), and the targets its
coverage figures are read against (§7: "Targets are settings of a region").

Both are recorded on the organisation's own stream and apply to everything below it, unless a
nearer organisation has its own: the unit of work finds the nearest profile
(`UnitOfWork.profile_of`), the read side the nearest target of each figure. An administrator of
the organisation or of one above it decides them; union staff never choose their own profile (an
administrator who wants one union under another profile assigns it to that union). A procedure
keeps the profile it pinned when it opened, so a new assignment reaches only later procedures."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, ClassVar

from pydantic import Field, field_validator

from events.catalogue import COVERAGE_FIGURES, CoverageTargetsSet, RuleProfileAssigned
from workflow.authority import Actor, require_admin_over
from workflow.command import UnionCommand, handles
from workflow.errors import DomainError
from workflow.kinds import existing
from workflow.profile import UnknownProfile
from workflow.state import UnionState

if TYPE_CHECKING:
    from workflow.unit_of_work import Decision, UnitOfWork

# A target is a share: strictly a JSON number from 0 to 1 ("0.91" as text is refused, not read).
Target = Annotated[float, Field(ge=0, le=1, strict=True, allow_inf_nan=False)]


class AssignRuleProfile(UnionCommand):
    """Assign a rule profile to an organisation (administrators of it or above): its unions, and
    those below it without a nearer assignment, open their procedures under it."""

    examples: ClassVar[list[dict[str, Any]]] = [
        {"profile_name": "national", "occurred_on": "2025-01-02"},
        {"profile_name": "dalian", "profile_version": 2, "occurred_on": "2025-06-01"},
    ]

    profile_name: str = Field(min_length=1, max_length=100, description="A registered rule profile's name")
    profile_version: int | None = Field(
        default=None, ge=1, description="A registered version; omitted: the latest when a procedure opens"
    )


class SetCoverageTargets(UnionCommand):
    """Set the organisation's targets for its coverage figures (administrators of it or above), as
    a whole: figures left out have no target of its own (a nearer ancestor's applies)."""

    examples: ClassVar[list[dict[str, Any]]] = [
        {"targets": {"founding_rate_enterprises": 0.91, "membership_rate": 0.8}, "occurred_on": "2025-01-02"}
    ]

    targets: dict[str, Target] = Field(
        description="Figure → target share from 0 to 1; figures: " + ", ".join(COVERAGE_FIGURES)
    )

    @field_validator("targets")
    @classmethod
    def _known_figures(cls, value: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(value) - set(COVERAGE_FIGURES))
        if unknown:
            raise ValueError(f"no coverage figure {', '.join(unknown)} (figures: {', '.join(COVERAGE_FIGURES)})")
        return value


def _require_admin(actor: Actor, org: UnionState, uow: UnitOfWork) -> None:
    require_admin_over(actor, existing(org).org_id, uow.ancestors(org.parent_id))


@handles(AssignRuleProfile)
def assign_rule_profile(cmd: AssignRuleProfile, org: UnionState, uow: UnitOfWork, actor: Actor) -> Decision:
    _require_admin(actor, org, uow)
    try:
        uow.profile(cmd.profile_name, cmd.profile_version)
    except UnknownProfile as exc:
        # Only a profile this deployment has registered: the openings below must find it.
        evidence = {"profile_name": cmd.profile_name, "profile_version": cmd.profile_version}
        raise DomainError("PROFILE-UNKNOWN", str(exc), evidence) from None
    previous = org.rule_profile
    return None, [
        RuleProfileAssigned(
            org_id=org.org_id,
            profile_name=cmd.profile_name,
            profile_version=cmd.profile_version,
            previous_name=previous.name if previous is not None else None,
            previous_version=previous.version if previous is not None else None,
        )
    ]


@handles(SetCoverageTargets)
def set_coverage_targets(cmd: SetCoverageTargets, org: UnionState, uow: UnitOfWork, actor: Actor) -> Decision:
    _require_admin(actor, org, uow)
    return None, [CoverageTargetsSet(org_id=org.org_id, targets=dict(cmd.targets), previous=org.coverage_targets)]
