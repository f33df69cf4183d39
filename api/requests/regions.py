"""Settings of a region, decided by its administrators: the rule profile its unions open their
procedures under (RULES.md §5) and its coverage targets (§7); each body derived from its command."""

from __future__ import annotations

from api.requests.base import body_of
from workflow import commands as c

RuleProfileRequest = body_of(c.AssignRuleProfile, "RuleProfileRequest")
CoverageTargetsRequest = body_of(c.SetCoverageTargets, "CoverageTargetsRequest")
