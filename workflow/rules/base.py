"""What every guard shares: the evidence type, the refusal, and the exact arithmetic of rates and
bands (rates are exact decimals turned into fractions, never floats, so that ``ceil(0.14 × 50)``
is 7 and not 8)."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction
from types import TracebackType
from typing import Any, Literal, NoReturn, TypeVar, get_args

from workflow.errors import DomainError, RuleViolation, StepOutOfOrder
from workflow.profile import CommitteeSizeBand, RepresentativeBand

Evidence = dict[str, Any]

# The Chair Measures (企业工会主席产生办法) govern enterprise unions only: they are the source of the
# 7-day notice for chair lists (R-NOTICE) and of the chair bars in R-INELIGIBLE.
ENTERPRISE = "enterprise"


def cite(rule: str, **checked: Any) -> Evidence:
    """A guard's evidence: the rule it applies and what it checked, by name."""
    return {"rule": rule, **checked}


def fail(rule: str, message: str, evidence: Evidence, *, case: str = "") -> NoReturn:
    raise RuleViolation(rule, message, evidence, case=case)


def require(holds: bool, evidence: Evidence, message: str, *, case: str = "") -> Evidence:
    """A `check_*` guard's condition: refused (a RuleViolation citing the evidence's ``"rule"``, with
    `message` stating the numbers and `case` naming its template in `events.messages`) unless it
    holds; the evidence, the numbers checked, when it does."""
    if not holds:
        fail(evidence["rule"], message, evidence, case=case)
    return evidence


def require_one_at_a_time(
    rule: str, org_id: str, already: str, found: object, evidence: Evidence | None = None, *, case: str = ""
) -> None:
    """A union runs one procedure of a kind at a time (a founding, a re-election, a request waiting
    on the higher-level union): while one is `found`, another is a step out of order, refused with
    the kind's rule as "union <org_id> <already>" (`case`: its template in `events.messages`)."""
    if found:
        raise StepOutOfOrder(rule, f"union {org_id} {already}", evidence or {}, case=case)


class on_field:  # lower case: used like a function, `with rules.on_field("founded_on"):`
    """A refusal raised inside names the command's field it is about (``evidence["field"]``), so
    the API's problem details and the registry import point at the field or column to fix, while
    the guard itself stays the one every path uses. (A class, not a generator: a registry import
    enters it for every fact of every row.)"""

    __slots__ = ("field",)

    def __init__(self, field: str) -> None:
        self.field = field

    def __enter__(self) -> None:
        return None

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> Literal[False]:
        if isinstance(exc, DomainError):
            exc.evidence.setdefault("field", self.field)
        return False


def require_non_negative(rule: str, **counts: int) -> None:
    """Impossible inputs are refused with the ID of the rule being checked, so a mistyped number is
    reported where it was entered."""
    for name, value in counts.items():
        if value < 0:
            message = f"{name.replace('_', ' ')} cannot be negative (got {value})"
            fail(rule, message, {"rule": rule, name: value}, case="negative")


def require_choice(value: str, allowed: Any, what: str) -> None:
    # Literal types are not checked at run time; an unknown value must not slip through as "allowed".
    if value not in get_args(allowed):
        raise ValueError(f"unknown {what} {value!r}; expected one of {', '.join(get_args(allowed))}")


def ceil_rate(rate: Decimal, n: int) -> int:
    return math.ceil(Fraction(rate) * n)


def floor_rate(rate: Decimal, n: int) -> int:
    return math.floor(Fraction(rate) * n)


def percent(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}%"


Band = TypeVar("Band", RepresentativeBand, CommitteeSizeBand)


def band_for(bands: tuple[Band, ...], members: int) -> Band:
    # Profiles guarantee ordered bands ending with an open-ended one, so a band always fits.
    return next(b for b in bands if b.max_members is None or members <= b.max_members)
