"""R-NOTICE, the enterprise chair rule (Chair Measures §10): an enterprise union's chair candidates
are posted at least 7 calendar days before the meeting that elects the chair. That is the congress
when it elects the chair directly, the new committee's meeting when the committee elects, and at a
by-election the body that holds it. The committee list itself needs the 5 working days to the
congress.

The list is posted on Saturday 2024-02-03, a make-up working day being Sunday 2024-02-04: 5 full
working days (4, 5, 6, 7, 8 February) lie between it and Friday 2024-02-09, but only 6 calendar
days; Saturday 2024-02-10 is the 7th."""

from __future__ import annotations

from datetime import date as D

import pytest

from tests.unit.workflow_support import Driver, Scenario, evidence_of, found_union
from tests.unit.workflow_world import World, ballot, candidates, unit
from workflow import commands as c
from workflow.errors import RuleViolation

POSTED = D(2024, 2, 3)
SIX_DAYS, SEVEN_DAYS = D(2024, 2, 9), D(2024, 2, 10)


def _posted(world: World, chair_elected_by: str, unit_type: str = "enterprise") -> Driver:
    """U1's founding with its candidate list posted, filed and approved on POSTED."""
    s = Scenario(congress_on=D(2024, 3, 1), chair_elected_by=chair_elected_by, facts=unit(unit_type))
    d = found_union(world, scenario=s, until="candidates_proposed")
    d.post(POSTED)
    d.file_candidates(POSTED)
    d.approve(POSTED)
    return d


def _refused_notice(world: World, send: object, days: int = 6) -> None:
    before = world.version("U1")
    with pytest.raises(RuleViolation) as err:
        send()  # type: ignore[operator]
    assert err.value.rule_id == "R-NOTICE"
    assert f"{days} days for an enterprise chair list; at least 7 needed" in err.value.message
    assert (err.value.evidence["working_days"], err.value.evidence["calendar_days"]) == (5, days)
    assert world.version("U1") == before


def test_congress_electing_the_chair_6_days_after_the_list_is_refused_7_passes_r_notice(world: World) -> None:
    """Given an enterprise congress that elects the chair directly, when it meets 6 days after the
    list (5 working days), then R-NOTICE refuses it; on the 7th day it is held."""
    d = _posted(world, "congress")
    _refused_notice(world, lambda: d.congress(SIX_DAYS))
    r = d.congress(SEVEN_DAYS)
    [notice] = evidence_of(r, "R-NOTICE")
    assert (notice["calendar_days"], notice["calendar_days_needed"]) == (7, 7)
    d.elect_chair(SEVEN_DAYS)
    assert d.state == "chair_elected"


def test_committee_electing_the_chair_6_days_after_the_list_is_refused_7_passes_r_notice(world: World) -> None:
    """Given an enterprise congress that elects the committee, which then elects the chair, when
    the congress meets 6 days after the list, then it is held (its list needs the 5 working days,
    which it has); when the committee meets that same day to elect the chair, R-NOTICE refuses it
    (the 7 days count to the committee's meeting); meeting on the 7th day, it elects the chair."""
    d = _posted(world, "committee")
    r = d.congress(SIX_DAYS)
    [notice] = evidence_of(r, "R-NOTICE")
    assert (notice["working_days"], notice["calendar_days"], notice["calendar_days_needed"]) == (5, 6, None)
    assert d.state == "congress_held"
    _refused_notice(world, lambda: d.elect_chair(SIX_DAYS))
    r = d.elect_chair(SEVEN_DAYS)
    [notice] = evidence_of(r, "R-NOTICE")
    assert notice["congress_on"] == "2024-02-10" and notice["elected_by"] == "committee"
    assert (notice["calendar_days"], notice["calendar_days_needed"]) == (7, 7)
    assert d.state == "chair_elected"


def test_committee_meeting_message_names_the_meeting_r_notice(world: World) -> None:
    d = _posted(world, "committee")
    d.congress(SIX_DAYS)
    with pytest.raises(
        RuleViolation, match=r"committee meeting 2024-02-09: 6 days .*\(earliest committee meeting 2024-02-10\)"
    ):
        d.elect_chair(SIX_DAYS)


def test_committee_of_a_public_institution_needs_no_7_days_r_notice(world: World) -> None:
    """The 7 days are the Chair Measures' (enterprises only): a public institution's committee may
    elect its chair 6 days after the list."""
    d = _posted(world, "committee", "public_institution")
    d.congress(SIX_DAYS)
    d.elect_chair(SIX_DAYS)
    assert d.state == "chair_elected"


def test_by_election_at_the_members_meeting_6_days_after_the_list_refused_7_passes_r_notice(world: World) -> None:
    """Given a chair elected by the members' meeting who left, and a by-election list posted on
    POSTED and planned for 2024-02-12, when the members' meeting holds the by-election 6 days after
    the list, then R-NOTICE refuses it; on the 7th day it elects (the committee's case:
    test_by_election_safeguards)."""
    d = found_union(world, scenario=Scenario(congress_on=D(2022, 3, 1), chair_elected_by="congress"))
    r = d.send(c.RecordChairVacancy(union_id="U1", acting_chair="钱", reason="调离", occurred_on=D(2024, 1, 20)))
    assert r.procedure_id is not None
    d.pid = r.procedure_id
    vetted = {"party_org": "公司党支部", "party_approved": True, "posted_on": POSTED}
    d.step(c.RequestByElection, POSTED, candidates=candidates(["孙", "李"]), planned_on=D(2024, 2, 12), **vetted)
    d.approve(POSTED)
    vote = ballot(1, 60, {"孙": 50, "李": 10})
    _refused_notice(world, lambda: d.step(c.HoldByElection, SIX_DAYS, due=80, present=60, vote=vote))
    d.step(c.HoldByElection, SEVEN_DAYS, due=80, present=60, vote=vote)
    assert (d.state, d.proc.elected) == ("held", "孙")
