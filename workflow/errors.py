"""Domain errors. Every refusal names the rule (an ID from ../shared/domain/RULES.md) and the
numbers it checked, so the HTTP problem details, the CLI message and the audit trail can all say
*why* a step was refused, not merely that it was."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base of every refusal the domain makes. `rule_id` is a RULES.md ID (or a structural code
    such as ``STEP-ORDER``); `evidence` is JSON-safe data: the numbers checked; `case` says which of
    the rule's refusals this is, so that the catalogue of messages (`events.messages`, keyed
    "RULE.case") says it in another language with the evidence's numbers. `message` is the guard's
    own English."""

    rule_id: str = "DOMAIN"

    def __init__(self, rule_id: str, message: str, evidence: dict[str, Any] | None = None, *, case: str = "") -> None:
        self.rule_id = rule_id
        self.message = message
        self.evidence: dict[str, Any] = dict(evidence or {})
        self.case = case
        super().__init__(f"{rule_id}: {message}")


class RuleViolation(DomainError):
    """A rule from RULES.md refused the step, e.g. ``R-QUORUM: 53 of 80 present; at least 54
    needed (2/3)``."""


class StepOutOfOrder(DomainError):
    """The command does not apply in the procedure's current state (RULES.md §3: "a step out of
    order is refused with the rule's ID")."""


class NotAuthorised(DomainError):
    """The actor's role or organisation may not take this step (R-APPROVER and the authority
    rules)."""


class NotFound(DomainError):
    """The union, organisation or procedure named does not exist."""


class InvalidDate(DomainError):
    """A business date that makes no sense: in the future, or before the step it depends on."""
