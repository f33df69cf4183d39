"""What the rule tests share: the national default profile, a profile that changes some of its
settings (a test profile of its own name), and a refusal checked for its rule, words and numbers."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from workflow.errors import RuleViolation
from workflow.profile import NATIONAL_DEFAULT, RuleProfile

N = NATIONAL_DEFAULT


def profile(**changes: Any) -> RuleProfile:
    return RuleProfile.model_validate(N.model_dump(mode="json") | {"name": "test"} | changes)


@contextmanager
def refused(rule: str, *says: str, **evidence: Any) -> Iterator[None]:
    """The block is refused under `rule` (its ID), the message saying each of `says` and the
    evidence holding each of `evidence`."""
    with pytest.raises(RuleViolation) as excinfo:
        yield
    err = excinfo.value
    assert err.rule_id == rule
    for words in says:
        assert words in err.message
    for key, value in evidence.items():
        assert err.evidence[key] == value
