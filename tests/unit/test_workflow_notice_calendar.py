"""R-NOTICE on China's official calendar (RULES.md §5), through the workflow: public holidays and
make-up working days (调休) count as the State Council sets them, and a year the calendar does not
know is refused with the rule rather than counted as plain weekdays. The five working days across
National Day are among test_workflow_election_candidates.py's R-NOTICE cases."""

from __future__ import annotations

from datetime import date as D

import pytest

from tests.unit.notice_support import posted
from tests.unit.workflow_support import evidence_of
from tests.unit.workflow_world import World, profile
from workflow.calendar import OFFICIAL_YEARS
from workflow.errors import RuleViolation


def test_notice_into_a_year_the_calendar_does_not_know_is_refused_r_notice(world: World) -> None:
    """A congress in a year beyond the official calendar is refused with R-NOTICE naming the year,
    never counted as Monday to Friday; once the profile declares that year, the same congress
    passes."""
    year = OFFICIAL_YEARS.stop
    world.today = D(year, 3, 1)
    d = posted(world, D(year - 1, 12, 21))
    with pytest.raises(RuleViolation) as err:
        d.congress(D(year, 1, 12))
    assert err.value.rule_id == "R-NOTICE"
    assert err.value.evidence["calendar_unknown_year"] == year
    assert str(year) in str(err.value)


def test_a_profile_that_declares_the_year_counts_its_days_r_notice(world: World) -> None:
    """The profile the procedure pinned declares next year's holidays: its working days count."""
    year = OFFICIAL_YEARS.stop
    world.today = D(year, 3, 1)
    holiday = D(year, 1, 1)
    world.profiles.register(profile("national", 2, calendar_years=frozenset({year}), holidays=frozenset({holiday})))
    d = posted(world, D(year - 1, 12, 21))
    r = d.congress(D(year, 1, 12))
    [ev] = evidence_of(r, "R-NOTICE")
    expected = sum(
        1 for day in (D(year - 1, 12, 21 + k) for k in range(1, 11)) if day.weekday() < 5 and day != holiday
    ) + sum(1 for k in range(1, 12) if D(year, 1, k).weekday() < 5 and D(year, 1, k) != holiday)
    assert ev["working_days"] == expected
