"""R-NOTICE on China's official calendar (RULES.md §5), through the workflow: public holidays and
make-up working days (调休) count as the State Council sets them, and a year the calendar does not
know is refused with the rule rather than counted as plain weekdays."""

from __future__ import annotations

from datetime import date as D

import pytest

from tests.unit.workflow_support import evidence_of, found_union
from tests.unit.workflow_world import World, profile, unit
from workflow.calendar import OFFICIAL_YEARS
from workflow.errors import RuleViolation

PUBLIC = unit("public_institution", has_party_org=False, name="某市第一中学")


def _posted(world: World, posted_on: D) -> object:
    d = found_union(world, until="candidates_proposed")
    d.post(posted_on)  # type: ignore[attr-defined]
    d.file_candidates(posted_on)  # type: ignore[attr-defined]
    d.approve(posted_on)  # type: ignore[attr-defined]
    return d


@pytest.mark.parametrize(("congress_on", "ok"), [(D(2026, 10, 10), False), (D(2026, 10, 11), True)])
def test_notice_across_national_day_counts_the_make_up_saturday_r_notice(
    world: World, congress_on: D, ok: bool
) -> None:
    """Given a list posted Monday 2026-09-28, with National Day off from 1 to 7 October and
    Saturday 10 October a working day: a congress on the 10th has 4 working days of notice (29, 30
    September, 8, 9 October; refused), one on Sunday the 11th has 5 (passes)."""
    d = _posted(world, D(2026, 9, 28))
    if ok:
        r = d.congress(congress_on)  # type: ignore[attr-defined]
        [ev] = evidence_of(r, "R-NOTICE")
        assert (ev["working_days"], ev["earliest_congress_on"]) == (5, "2026-10-11")
    else:
        with pytest.raises(RuleViolation) as err:
            d.congress(congress_on)  # type: ignore[attr-defined]
        assert err.value.rule_id == "R-NOTICE"
        assert err.value.evidence["working_days"] == 4
        assert err.value.evidence["earliest_congress_on"] == "2026-10-11"


def test_notice_into_a_year_the_calendar_does_not_know_is_refused_r_notice(world: World) -> None:
    """A congress in a year beyond the official calendar is refused with R-NOTICE naming the year,
    never counted as Monday to Friday; once the profile declares that year, the same congress
    passes."""
    year = OFFICIAL_YEARS.stop
    world.today = D(year, 3, 1)
    d = _posted(world, D(year - 1, 12, 21))
    with pytest.raises(RuleViolation) as err:
        d.congress(D(year, 1, 12))  # type: ignore[attr-defined]
    assert err.value.rule_id == "R-NOTICE"
    assert err.value.evidence["calendar_unknown_year"] == year
    assert str(year) in str(err.value)


def test_a_profile_that_declares_the_year_counts_its_days_r_notice(world: World) -> None:
    """The profile the procedure pinned declares next year's holidays: its working days count."""
    year = OFFICIAL_YEARS.stop
    world.today = D(year, 3, 1)
    holiday = D(year, 1, 1)
    world.profiles.register(profile("national", 2, calendar_years=frozenset({year}), holidays=frozenset({holiday})))
    d = _posted(world, D(year - 1, 12, 21))
    r = d.congress(D(year, 1, 12))  # type: ignore[attr-defined]
    [ev] = evidence_of(r, "R-NOTICE")
    expected = sum(
        1 for day in (D(year - 1, 12, 21 + k) for k in range(1, 11)) if day.weekday() < 5 and day != holiday
    ) + sum(1 for k in range(1, 12) if D(year, 1, k).weekday() < 5 and D(year, 1, k) != holiday)
    assert ev["working_days"] == expected
