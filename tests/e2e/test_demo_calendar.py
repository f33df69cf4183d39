"""The demo on China's official calendar (RULES.md §5, R-NOTICE; issue 18): its candidate lists'
notice crosses public holidays and is counted on the official calendar, and in a year the calendar
package does not carry yet the demo still loads, pinning a profile that declares that year."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import chinese_calendar

from api.demo import MIN_UNIONS, load_demo
from api.runtime import Runtime
from events.catalogue import CandidatesPosted, CongressHeld
from workflow.calendar import OFFICIAL_YEARS


def _demo(tmp_path: Path, today: dt.date | None = None) -> Runtime:
    tmp_path.mkdir(parents=True, exist_ok=True)
    rt = Runtime.open(f"sqlite:///{tmp_path / 'demo.db'}")
    rt.upgrade()
    if today is not None:
        rt.service.clock = lambda: today
    load_demo(rt, unions=MIN_UNIONS)
    return rt


def _notice_spans(rt: Runtime) -> list[tuple[dt.date, dt.date]]:
    """(posted, congress) of every election the demo held, by procedure."""
    posted: dict[str, dt.date] = {}
    spans = []
    for r in rt.store.read_all():
        ev = r.event
        if isinstance(ev, CandidatesPosted):
            posted[ev.procedure_id] = r.occurred_on
        elif isinstance(ev, CongressHeld) and ev.procedure_id in posted:
            spans.append((posted[ev.procedure_id], r.occurred_on))
    return spans


def test_some_notice_periods_cross_a_public_holiday_and_hold_r_notice(tmp_path: Path) -> None:
    rt = _demo(tmp_path)
    spans = _notice_spans(rt)
    assert spans
    crossing = [
        (p, c)
        for p, c in spans
        if any(
            chinese_calendar.is_holiday(p + dt.timedelta(days=k)) and (p + dt.timedelta(days=k)).weekday() < 5
            for k in range(1, (c - p).days)
        )
    ]
    assert crossing, "no demo election's notice crosses a weekday public holiday"
    rt.engine.dispose()


def test_the_demo_loads_in_a_year_the_calendar_does_not_carry(tmp_path: Path) -> None:
    today = dt.date(OFFICIAL_YEARS.stop + 1, 3, 1)
    rt = _demo(tmp_path, today)
    latest = rt.service.profiles.latest(rt.service.default_profile)
    assert {OFFICIAL_YEARS.stop, today.year} <= latest.calendar_years
    assert any(c.year > OFFICIAL_YEARS.stop - 1 for _, c in _notice_spans(rt))
    rt.engine.dispose()


def test_the_demo_loads_whatever_day_it_is(tmp_path: Path) -> None:
    """The demo is planned around today: on any day of the year (here every 31st day from the
    start of the calendar's last year, holidays included) every step passes the rules, so a first
    `./scripts/serve` never fails for the date it runs on."""
    first = dt.date(OFFICIAL_YEARS.stop - 1, 1, 3)
    for k in range(12):
        today = first + dt.timedelta(days=31 * k)
        rt = _demo(tmp_path / str(k), today)
        assert rt.store.last_position() > 0
        rt.engine.dispose()
