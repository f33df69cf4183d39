"""What the rule tests share: the national default profile, and a profile that changes some of its
settings (a test profile of its own name)."""

from __future__ import annotations

from typing import Any

from workflow.profile import NATIONAL_DEFAULT, RuleProfile

N = NATIONAL_DEFAULT


def profile(**changes: Any) -> RuleProfile:
    return RuleProfile.model_validate(N.model_dump(mode="json") | {"name": "test"} | changes)
