"""What the R-NOTICE workflow tests share (RULES.md §4): a union whose candidate list has been
posted, and its congress held to see what R-NOTICE makes of the days in between."""

from __future__ import annotations

import datetime as dt
from typing import Any

from events.catalogue import UnitFacts
from tests.unit.workflow_support import Driver, Scenario, evidence_of, found_union
from tests.unit.workflow_world import World, unit
from workflow.errors import RuleViolation

# A unit with no chair list of its own to wait 7 days for and no Party organisation to vet it.
PUBLIC = unit("public_institution", has_party_org=False, name="某市第一中学")


def posted(world: World, posted_on: dt.date, facts: UnitFacts | None = None) -> Driver:
    """U1 (worked example 1's founding, at a unit of `facts`) whose candidate list was posted, filed
    and approved on `posted_on`, so that R-NOTICE counts from that day."""
    d = found_union(world, scenario=Scenario(facts=facts or unit()), until="candidates_proposed")
    d.post(posted_on)
    d.file_candidates(posted_on)
    d.approve(posted_on)
    return d


def congress_notice(d: Driver, congress_on: dt.date) -> tuple[bool, dict[str, Any]]:
    """Hold the congress on `congress_on`: whether it passed, and R-NOTICE's evidence (the
    refusal's when R-NOTICE refused it)."""
    try:
        r = d.congress(congress_on)
    except RuleViolation as err:
        assert err.rule_id == "R-NOTICE", err
        return False, err.evidence
    [ev] = evidence_of(r, "R-NOTICE")
    return True, ev
