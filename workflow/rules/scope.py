"""What the coverage of RULES.md §7 counts, as the workflow keeps it: the units a joint grassroots
union (联合基层工会) covers (R-FORM-25) and the dissolution of a union (注销, R-DISSOLVE)."""

from __future__ import annotations

from datetime import date

from workflow.errors import InvalidDate, StepOutOfOrder
from workflow.profile import RuleProfile
from workflow.rules.base import Evidence, cite, fail, require

# Levels whose record holds a union that can be dissolved (RULES.md §1: grassroots-level bodies).
_DISSOLVABLE = frozenset({"grassroots", "federation", "joint"})


# --------------------------------------------------------------------------------------------------
# R-DISSOLVE


def require_not_dissolved(org_id: str, dissolved_on: date | None) -> None:
    """R-DISSOLVE: a dissolved union's record takes no further step (its history stays readable)."""
    if dissolved_on is not None:
        evidence = {"org_id": org_id, "dissolved_on": dissolved_on.isoformat()}
        message = f"{org_id} was dissolved on {dissolved_on}: its record takes no further step (its history stays)"
        raise StepOutOfOrder("R-DISSOLVE", message, evidence, case="dissolved")


def require_dissolvable_level(org_id: str, level: str | None) -> None:
    """R-DISSOLVE: a grassroots-level union (a grassroots union, a federation of them, a joint
    union) is dissolved with its unit; the federations above are not units' unions."""
    if level not in _DISSOLVABLE:
        message = f"{org_id} is a {level} organisation: only grassroots-level unions are dissolved"
        raise StepOutOfOrder("ORG-LEVEL", message, {"level": level}, case="dissolve")


def require_higher_union_may_file(reason: str, founded: bool) -> None:
    """R-DISSOLVE: the higher-level union files a dissolution itself only when the unit closed
    (Law §13: the union is dissolved with it, and nobody may be left to file) or for a unit whose
    union was never founded; a merger or a move needs the union's own congress (Charter §16)."""
    if founded and reason != "closed":
        message = (
            f"a founded union whose unit {reason} away or into another is dissolved on its congress's vote "
            "(Charter §16): its own staff file it; the higher-level union files only when the unit closed (Law §13)"
        )
        fail("R-DISSOLVE", message, {"rule": "R-DISSOLVE", "reason": reason, "founded": founded}, case="higher-files")


def check_dissolution(
    reason: str, founded: bool, unit_changed_on: date, congress_on: date | None, filed_on: date
) -> Evidence:
    """R-DISSOLVE: why the union is dissolved, and its basis: the unit's closure (Law §13), or for a
    founded union whose unit merged or moved, the congress's vote (Charter §16). DATE-ORDER: the
    unit's change and the congress come before the filing."""
    for name, day in (("unit_changed_on", unit_changed_on), ("congress_on", congress_on)):
        if day is not None and day > filed_on:
            raise InvalidDate(
                "DATE-ORDER",
                f"{name} {day} is after the dissolution's filing ({filed_on})",
                {name: day.isoformat(), "occurred_on": filed_on.isoformat()},
                case="after-filing",
            )
    by_congress = founded and reason != "closed"
    evidence = cite(
        "R-DISSOLVE",
        reason=reason,
        unit_changed_on=unit_changed_on.isoformat(),
        founded=founded,
        congress_on=congress_on.isoformat() if congress_on is not None else None,
        basis="Charter §16" if by_congress else "Law §13",
    )
    return require(
        not by_congress or congress_on is not None,
        evidence,
        f"a founded union whose unit {reason} is dissolved on its congress's vote (Charter §16): give the "
        "congress's date (congress_on)",
        case="congress",
    )


# --------------------------------------------------------------------------------------------------
# A joint grassroots union's units (R-FORM-25, RULES.md §7)


def require_joint_union(org_id: str, level: str | None) -> None:
    """ORG-LEVEL: only a joint grassroots union (联合基层工会) covers units of its own; a federation's
    (工会联合会) member unions are unions in their own right, registered below it."""
    if level != "joint":
        message = (
            f"{org_id} is a {level} organisation: only a joint grassroots union covers units "
            "(a federation's member unions are registered below it as unions of their own)"
        )
        raise StepOutOfOrder("ORG-LEVEL", message, {"level": level}, case="joint")


def check_covered_unit(unit_id: str, members: int, profile: RuleProfile) -> Evidence:
    """R-FORM-25: a unit below ``form_threshold`` (25) members may join a joint grassroots union
    instead of forming a committee; from the threshold it needs a committee of its own."""
    threshold = profile.form_threshold
    evidence: Evidence = {"rule": "R-FORM-25", "unit_id": unit_id, "members": members, "threshold": threshold}
    return require(
        members < threshold,
        evidence,
        f"unit {unit_id} has {members} members (at least {threshold}): it needs a union committee of its own, "
        "not membership of a joint grassroots union",
        case="covered",
    )
