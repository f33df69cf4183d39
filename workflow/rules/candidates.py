"""The candidates of an election (RULES.md §4): lists proposed (R-CANDIDATES,
R-CHAIR-COMPETITIVE, R-FUNDS-REVIEW), posted (R-NOTICE), vetted (R-VETTING) and eligible
(R-INELIGIBLE)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal, NoReturn

from events.catalogue import Candidate
from workflow.calendar import CalendarUnknown, add_working_days, working_days_between
from workflow.errors import RuleViolation, StepOutOfOrder
from workflow.profile import RuleProfile
from workflow.rules.base import (
    ENTERPRISE,
    Evidence,
    ceil_rate,
    cite,
    fail,
    percent,
    require,
    require_choice,
    require_non_negative,
)

Position = Literal["committee", "chair"]


def require_representatives_elected(congress_type: str | None, representatives: int | None) -> None:
    """R-REP-BANDS: a representative congress proposes its candidates once its member
    representatives are elected: they are the ones due to vote on them."""
    if congress_type == "representative_congress" and not representatives:
        message = "a representative congress needs its member representatives elected before candidates are proposed"
        raise StepOutOfOrder("R-REP-BANDS", message, {"congress_type": congress_type}, case="not-elected")


def require_distinct_names(names: list[str], what: str) -> None:
    """R-CANDIDATES: a list names each candidate once; a name twice would count as two candidates."""
    seen = {n for n in names if names.count(n) > 1}
    if seen:
        message = f"{what} lists the same person twice: {', '.join(sorted(seen))}"
        raise RuleViolation("R-CANDIDATES", message, {"duplicates": sorted(seen)}, case="twice")


def require_chair_candidates_on_committee(chair: list[str], committee: list[str]) -> None:
    """R-CANDIDATES: the chair comes from the committee, so a chair candidate stands for it too."""
    not_on_committee = sorted(set(chair) - set(committee))
    if not_on_committee:
        evidence = {"rule": "R-CANDIDATES", "not_on_committee": not_on_committee}
        message = (
            f"chair candidates must stand for the committee too: {', '.join(not_on_committee)} "
            "is not on the committee list"
        )
        raise RuleViolation("R-CANDIDATES", message, evidence, case="chair-not-on-committee")


def require_funds_review_candidates(seats: int, candidates: int) -> None:
    """R-FUNDS-REVIEW: the congress elects the funds review committee, so every seat has a candidate."""
    if candidates < seats:
        evidence = {"rule": "R-FUNDS-REVIEW", "seats": seats, "candidates": candidates}
        message = f"{candidates} funds review candidates for {seats} seats: at least {seats} needed"
        raise RuleViolation("R-FUNDS-REVIEW", message, evidence, case="too-few")


def candidates_needed(seats: int, profile: RuleProfile) -> int:
    """R-CANDIDATES: ``seats + max(1, ceil(rate × seats))``, computed exactly."""
    return seats + max(1, ceil_rate(profile.candidate_surplus_rate, seats))


def check_candidates(seats: int, candidates: int, profile: RuleProfile) -> Evidence:
    """R-CANDIDATES (national, read in a summary): committee candidates exceed seats by at least
    ``candidate_surplus_rate`` (5 %) of the seats, and by at least one."""
    require_non_negative("R-CANDIDATES", candidates=candidates)
    if seats < 1:
        message = f"an election needs at least one seat (got {seats})"
        fail("R-CANDIDATES", message, {"rule": "R-CANDIDATES", "seats": seats}, case="no-seat")
    needed = candidates_needed(seats, profile)
    rate = profile.candidate_surplus_rate
    evidence = cite("R-CANDIDATES", seats=seats, candidates=candidates, needed=needed, rate=str(rate))
    return require(
        candidates >= needed,
        evidence,
        f"{candidates} candidates for {seats} seats; at least {needed} needed "
        f"(seats + max(1, ceil({percent(rate)} × {seats})))",
        case="too-few",
    )


def check_chair_competitive(
    unit_type: str, chair_candidates: int, profile: RuleProfile, chair_seats: int = 1
) -> Evidence:
    """R-CHAIR-COMPETITIVE (national): for the unit types in ``chair_competitive_unit_types``
    (enterprises) the chair election has more candidates than seats (差额); elsewhere an unopposed
    chair is allowed, but never fewer candidates than seats."""
    require_non_negative("R-CHAIR-COMPETITIVE", chair_candidates=chair_candidates)
    if chair_seats < 1:
        message = f"at least one chair seat is needed (got {chair_seats})"
        fail(
            "R-CHAIR-COMPETITIVE", message, {"rule": "R-CHAIR-COMPETITIVE", "chair_seats": chair_seats}, case="no-seat"
        )
    competitive = unit_type in profile.chair_competitive_unit_types
    needed = chair_seats + 1 if competitive else chair_seats
    evidence = cite(
        "R-CHAIR-COMPETITIVE",
        unit_type=unit_type,
        chair_seats=chair_seats,
        chair_candidates=chair_candidates,
        competitive=competitive,
        needed=needed,
    )
    reason = f"a {unit_type} union elects its chair competitively" if competitive else "every seat needs a candidate"
    return require(
        chair_candidates >= needed,
        evidence,
        f"{chair_candidates} chair candidates for {chair_seats} seat(s); at least {needed} needed ({reason})",
        case="too-few",
    )


def _chair_notice_applies(unit_type: str, is_chair_list: bool) -> bool:
    return is_chair_list and unit_type == ENTERPRISE


def earliest_congress_on(posted_on: date, unit_type: str, is_chair_list: bool, profile: RuleProfile) -> date:
    """R-NOTICE: the first congress date the notice rules allow for a list posted on ``posted_on``
    (``notice_working_days`` full working days strictly in between; for an enterprise chair list
    also ``enterprise_chair_notice_days`` calendar days)."""
    n = profile.notice_working_days
    earliest = add_working_days(posted_on, n, profile.calendar) + timedelta(days=1) if n else posted_on
    if _chair_notice_applies(unit_type, is_chair_list):
        earliest = max(earliest, posted_on + timedelta(days=profile.enterprise_chair_notice_days))
    return earliest


def _calendar_unknown(unknown: CalendarUnknown, posted_on: date, congress_on: date) -> NoReturn:
    # RULES.md §5: working days come from the official calendar; a year it does not know is an
    # error, never a plain Monday-to-Friday count that could allow too short a notice.
    evidence = {
        "rule": "R-NOTICE",
        "posted_on": posted_on.isoformat(),
        "congress_on": congress_on.isoformat(),
        "calendar_unknown_year": unknown.day.year,
        "calendar_known_years": unknown.known,
    }
    message = (
        f"cannot count the working days from {posted_on} to {congress_on}: {unknown}; an administrator "
        f"can declare {unknown.day.year}'s holidays and working days in the rule profile (calendar_years)"
    )
    fail("R-NOTICE", message, evidence, case="calendar")


def check_notice(
    posted_on: date,
    congress_on: date,
    unit_type: str,
    is_chair_list: bool,
    profile: RuleProfile,
    meeting: str = "congress",
) -> Evidence:
    """R-NOTICE (national): the candidate list is posted at least ``notice_working_days`` (5) working
    days before the congress, counted as full working days strictly between the posting day and the
    congress day (see :func:`workflow.calendar.working_days_between`). An enterprise chair list also
    needs ``congress_on - posted_on >= enterprise_chair_notice_days`` (7) calendar days, counted to
    the meeting that elects the chair (``meeting``: the congress, or the committee's meeting)."""
    try:
        working = working_days_between(posted_on, congress_on, profile.calendar)
        earliest = earliest_congress_on(posted_on, unit_type, is_chair_list, profile)
    except CalendarUnknown as unknown:
        _calendar_unknown(unknown, posted_on, congress_on)
    calendar_days = (congress_on - posted_on).days
    chair_rule = _chair_notice_applies(unit_type, is_chair_list)
    evidence = cite(
        "R-NOTICE",
        posted_on=posted_on.isoformat(),
        congress_on=congress_on.isoformat(),
        working_days=working,
        working_days_needed=profile.notice_working_days,
        calendar_days=calendar_days,
        calendar_days_needed=profile.enterprise_chair_notice_days if chair_rule else None,
        earliest_congress_on=earliest.isoformat(),
    )
    require(calendar_days >= 0, evidence, f"list posted {posted_on} after the {meeting} on {congress_on}", case="after")
    problems = []
    if working < profile.notice_working_days:
        problems.append(f"{working} full working days in between; at least {profile.notice_working_days} needed")
    if chair_rule and calendar_days < profile.enterprise_chair_notice_days:
        problems.append(
            f"{calendar_days} days for an enterprise chair list; at least {profile.enterprise_chair_notice_days} needed"
        )
    return require(
        not problems,
        evidence,
        f"list posted {posted_on}, {meeting} {congress_on}: {'; '.join(problems)} (earliest {meeting} {earliest})",
        case="too-late",
    )


def require_party_vetting(has_party_org: bool, party_approved: bool | None, party_org: str | None) -> Evidence:
    """R-VETTING, the Party organisation's part: where the unit has one, it must have approved the
    list before the higher-level union is asked (the higher-level union's part is its approval of
    the filing, the next step of the flow)."""
    if has_party_org and party_approved is not True:
        evidence = {"rule": "R-VETTING", "has_party_org": True, "party_approved": party_approved}
        message = (
            "the unit has a Party organisation: its approval of the candidates (party_approved) is needed "
            "before the list is filed with the higher-level union"
        )
        raise RuleViolation("R-VETTING", message, evidence, case="party-approval")
    if has_party_org and not party_org:
        message = "name the Party organisation that vetted the list (party_org)"
        raise RuleViolation("R-VETTING", message, {}, case="party-org")
    return {"rule": "R-VETTING", "has_party_org": has_party_org, "party_approved": party_approved}


_COMMITTEE_BARS = {"close_relative_of_principal_leader": "close relative of the unit's principal leader"}
_ENTERPRISE_CHAIR_BARS = {
    "administrative_head_or_deputy": "administrative head or deputy",
    "partner_or_relative_of_partner": "partner or close relative of a partner",
    "hr_head": "head of the HR department",
    "foreign_employee": "foreign employee",
}


def check_ineligible(candidate: Candidate, position: Position, unit_type: str) -> Evidence:
    """R-INELIGIBLE (law / national): close relatives of the unit's principal leader may not be on
    the committee (Law §10); an enterprise union's chair may not be an administrative head or deputy,
    a partner or a partner's close relative, the HR department head or a foreign employee (Chair
    Measures §6). The chair sits on the committee, so the committee bar applies to the chair too;
    check vice-chairs and other members as ``"committee"``."""
    require_choice(position, Position, "position")
    bars = dict(_COMMITTEE_BARS)
    if position == "chair" and unit_type == ENTERPRISE:
        bars |= _ENTERPRISE_CHAIR_BARS
    found = [flag for flag in bars if getattr(candidate, flag)]
    evidence = cite("R-INELIGIBLE", candidate=candidate.name, position=position, unit_type=unit_type, bars=found)
    role = f"chair ({unit_type} union)" if position == "chair" else "on the committee"
    message = f"candidate {candidate.name} may not be {role}: {', '.join(bars[f] for f in found)}"
    return require(not found, evidence, message)
