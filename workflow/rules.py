"""Pure guard functions, one per rule of RULES.md.

Each guard takes plain values (and the pinned :class:`~workflow.profile.RuleProfile` where the rule is
configurable). On success it returns an *evidence* dict: JSON-safe (ints, strs, bools, lists, ISO
dates), always with a ``"rule"`` key, recording the numbers that were checked, for events and audit
bundles. On failure it raises :class:`~workflow.errors.RuleViolation` with the rule ID, a message that
states the numbers in plain words, and the same evidence.

Counts are compared with integer arithmetic exactly as RULES.md writes the rule (``3 × present ≥
2 × due``, ``2 × yes > due``); rates are exact decimals turned into fractions, never floats, so that
``ceil(0.14 × 50)`` is 7 and not 8.

Impossible inputs (negative counts, more present than due, ...) are refused with the ID of the rule
being checked, so a mistyped number is reported where it was entered.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal, NoReturn, TypeVar, get_args

from pydantic import BaseModel, ConfigDict, Field

from workflow.calendar import add_months, add_working_days, add_years, working_days_between
from workflow.errors import RuleViolation
from workflow.profile import CommitteeSizeBand, RepresentativeBand, RuleProfile, ShortfallPolicy

Evidence = dict[str, Any]

OrganisationForm = Literal["committee", "joint_union", "organiser", "chair"]
CongressType = Literal["members_meeting", "representative_congress"]
WomenOrganisation = Literal["committee", "member", "none"]
Position = Literal["committee", "chair"]

# The Chair Measures (企业工会主席产生办法) govern enterprise unions only: they are the source of the
# 7-day notice for chair lists (R-NOTICE) and of the chair bars in R-INELIGIBLE.
ENTERPRISE = "enterprise"


# --------------------------------------------------------------------------------------------------
# helpers


def _fail(rule: str, message: str, evidence: Evidence) -> NoReturn:
    raise RuleViolation(rule, message, evidence)


def _require_non_negative(rule: str, **counts: int) -> None:
    for name, value in counts.items():
        if value < 0:
            _fail(
                rule,
                f"{name.replace('_', ' ')} cannot be negative (got {value})",
                {"rule": rule, name: value},
            )


def _require_choice(value: str, allowed: Any, what: str) -> None:
    # Literal types are not checked at run time; an unknown value must not slip through as "allowed".
    if value not in get_args(allowed):
        raise ValueError(f"unknown {what} {value!r}; expected one of {', '.join(get_args(allowed))}")


def _ceil_rate(rate: Decimal, n: int) -> int:
    return math.ceil(Fraction(rate) * n)


def _floor_rate(rate: Decimal, n: int) -> int:
    return math.floor(Fraction(rate) * n)


def _pct(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}%"


_Band = TypeVar("_Band", RepresentativeBand, CommitteeSizeBand)


def _band(bands: tuple[_Band, ...], members: int) -> _Band:
    # Profiles guarantee ordered bands ending with an open-ended one, so a band always fits.
    return next(b for b in bands if b.max_members is None or members <= b.max_members)


# --------------------------------------------------------------------------------------------------
# The unit's counts, which every rule below reads


def check_unit_counts(employees: int, members: int, female_members: int) -> Evidence:
    """UNIT-COUNTS: female members are counted among the members, and the members among the unit's
    employees (RULES.md §7: the membership rate is members ÷ employees, at most 100 %). The counts
    decide R-FORM-25, R-CONGRESS-TYPE, R-COMMITTEE-SIZE, R-WOMEN and every quorum: a mistyped one
    is refused where it is entered, not found later as a wrong requirement. The same check as the
    registry import's (api/importer.py)."""
    _require_non_negative("UNIT-COUNTS", employees=employees, members=members, female_members=female_members)
    evidence: Evidence = {
        "rule": "UNIT-COUNTS",
        "employees": employees,
        "members": members,
        "female_members": female_members,
    }
    if female_members > members:
        _fail(
            "UNIT-COUNTS",
            f"{female_members} female members but only {members} members: female members are counted among the members",
            evidence,
        )
    if members > employees:
        _fail(
            "UNIT-COUNTS",
            f"{members} members but only {employees} employees: members are counted among the unit's employees",
            evidence,
        )
    return evidence


# --------------------------------------------------------------------------------------------------
# §2 Form of organisation and congress type


def check_form_of_organisation(members: int, form: OrganisationForm, profile: RuleProfile) -> Evidence:
    """R-FORM-25: from ``form_threshold`` (25) members a union committee is required; below it a
    committee, membership of a joint grassroots union, one organiser or one chair."""
    _require_choice(form, OrganisationForm, "form of organisation")
    _require_non_negative("R-FORM-25", members=members)
    evidence: Evidence = {
        "rule": "R-FORM-25",
        "members": members,
        "form": form,
        "threshold": profile.form_threshold,
    }
    if members >= profile.form_threshold and form != "committee":
        _fail(
            "R-FORM-25",
            f"{members} members (at least {profile.form_threshold}): a union committee is required, "
            f"not {form.replace('_', ' ')}",
            evidence,
        )
    return evidence


def check_congress_type(members: int, congress_type: CongressType, profile: RuleProfile) -> Evidence:
    """R-CONGRESS-TYPE: up to ``members_meeting_max`` (100) members a general members' meeting must be
    held; above it a members' meeting or a representative congress."""
    _require_choice(congress_type, CongressType, "congress type")
    _require_non_negative("R-CONGRESS-TYPE", members=members)
    evidence: Evidence = {
        "rule": "R-CONGRESS-TYPE",
        "members": members,
        "congress_type": congress_type,
        "members_meeting_max": profile.members_meeting_max,
    }
    if members <= profile.members_meeting_max and congress_type != "members_meeting":
        _fail(
            "R-CONGRESS-TYPE",
            f"{members} members (at most {profile.members_meeting_max}): a general members' meeting is "
            "required, not a representative congress",
            evidence,
        )
    return evidence


def representative_range(members: int, profile: RuleProfile) -> tuple[int, int]:
    """R-REP-BANDS: (fewest, most) representatives for ``members``.

    fewest = min(members, max(representative_minimum, ceil(min_rate × members)))
    most   = max(fewest, floor(max_rate × members))
    Rounding goes inwards (a share is a floor, a cap a ceiling); the minimum of 30 wins over the cap,
    and nobody can elect more representatives than there are members.
    """
    band = _band(profile.representative_bands, members)
    fewest = min(members, max(profile.representative_minimum, _ceil_rate(band.min_rate, members)))
    most = max(fewest, _floor_rate(band.max_rate, members))
    return fewest, most


def check_representative_count(members: int, representatives: int, profile: RuleProfile) -> Evidence:
    """R-REP-BANDS (practice): the number of representatives must fall in the member-count band."""
    _require_non_negative("R-REP-BANDS", members=members, representatives=representatives)
    band = _band(profile.representative_bands, members)
    fewest, most = representative_range(members, profile)
    evidence: Evidence = {
        "rule": "R-REP-BANDS",
        "members": members,
        "representatives": representatives,
        "min": fewest,
        "max": most,
        "band_max_members": band.max_members,
        "band_min_rate": str(band.min_rate),
        "band_max_rate": str(band.max_rate),
        "representative_minimum": profile.representative_minimum,
    }
    if not fewest <= representatives <= most:
        _fail(
            "R-REP-BANDS",
            f"{representatives} representatives for {members} members; {fewest} to {most} required "
            f"({_pct(band.min_rate)} to {_pct(band.max_rate)} of members, never fewer than "
            f"{profile.representative_minimum})",
            evidence,
        )
    return evidence


def committee_size_range(members: int, profile: RuleProfile) -> tuple[int, int]:
    """R-COMMITTEE-SIZE: (fewest, most) committee seats for ``members``."""
    band = _band(profile.committee_size_bands, members)
    return band.min_seats, band.max_seats


def check_committee_size(members: int, seats: int, profile: RuleProfile) -> Evidence:
    """R-COMMITTEE-SIZE (national): committee seats within the band for the member count, never more
    than the members, and odd when the profile requires it. Applies to the committee form only
    (R-FORM-25 decides whether there is a committee)."""
    _require_non_negative("R-COMMITTEE-SIZE", members=members, seats=seats)
    fewest, most = committee_size_range(members, profile)
    evidence: Evidence = {
        "rule": "R-COMMITTEE-SIZE",
        "members": members,
        "seats": seats,
        "min": fewest,
        "max": most,
        "odd_required": profile.odd_committee_size_required,
    }
    if not fewest <= seats <= most:
        _fail(
            "R-COMMITTEE-SIZE",
            f"{seats} seats for {members} members; {fewest} to {most} allowed",
            evidence,
        )
    if seats > members:
        _fail("R-COMMITTEE-SIZE", f"{seats} seats cannot be filled from {members} members", evidence)
    if profile.odd_committee_size_required and seats % 2 == 0:
        _fail("R-COMMITTEE-SIZE", f"{seats} seats: this profile requires an odd committee size", evidence)
    return evidence


def women_organisation_required(female_members: int, profile: RuleProfile) -> WomenOrganisation:
    """R-WOMEN: "committee" from ``women_committee_threshold`` female members, else one women
    workers' "member"; "none" when there are no female members (inferred: nobody to appoint)."""
    if female_members >= profile.women_committee_threshold:
        return "committee"
    return "member" if female_members > 0 else "none"


def check_women_committee(female_members: int, has_women_committee: bool, profile: RuleProfile) -> Evidence:
    """R-WOMEN (national): a women workers' committee is formed with the union committee when the
    union has at least ``women_committee_threshold`` (10; Beijing 25) female members. Forming one
    below the threshold is allowed (the rule sets a floor)."""
    _require_non_negative("R-WOMEN", female_members=female_members)
    required = women_organisation_required(female_members, profile)
    evidence: Evidence = {
        "rule": "R-WOMEN",
        "female_members": female_members,
        "threshold": profile.women_committee_threshold,
        "required": required,
        "has_women_committee": has_women_committee,
    }
    if required == "committee" and not has_women_committee:
        _fail(
            "R-WOMEN",
            f"{female_members} female members (at least {profile.women_committee_threshold}): a women "
            "workers' committee is required, not a single women workers' member",
            evidence,
        )
    return evidence


def check_funds_review(
    funds_review_members: Collection[str],
    chair: str | None,
    vice_chairs: Collection[str],
    finance_person: str | None,
) -> Evidence:
    """R-FUNDS-REVIEW: a funds review committee is elected, and the chair, the vice-chairs and the
    person handling the finances may not sit on it (incompatibility: practice)."""
    members = sorted(set(funds_review_members))
    barred: dict[str, str] = {v: "vice-chair" for v in vice_chairs}
    if finance_person is not None:
        barred[finance_person] = "finance person"
    if chair is not None:
        barred[chair] = "chair"
    conflicts = [m for m in members if m in barred]
    evidence: Evidence = {
        "rule": "R-FUNDS-REVIEW",
        "funds_review_members": members,
        "chair": chair,
        "vice_chairs": sorted(vice_chairs),
        "finance_person": finance_person,
        "conflicts": conflicts,
    }
    if not members:
        _fail("R-FUNDS-REVIEW", "no funds review committee was elected", evidence)
    if conflicts:
        who = ", ".join(f"{m} ({barred[m]})" for m in conflicts)
        _fail("R-FUNDS-REVIEW", f"may not sit on the funds review committee: {who}", evidence)
    return evidence


def fulltime_chair_warning(employees: int, fulltime_chair: bool, profile: RuleProfile) -> list[Evidence]:
    """R-FULLTIME: from ``fulltime_chair_employees`` (200) employees a full-time chair is expected.
    A warning, never a refusal (Law §14 says "may"): returns a list with one warning evidence, or an
    empty list."""
    if fulltime_chair or employees < profile.fulltime_chair_employees:
        return []
    return [
        {
            "rule": "R-FULLTIME",
            "employees": employees,
            "threshold": profile.fulltime_chair_employees,
            "fulltime_chair": fulltime_chair,
            "warning": f"{employees} employees (at least {profile.fulltime_chair_employees}): a full-time "
            "chair is expected",
        }
    ]


# --------------------------------------------------------------------------------------------------
# §3 Founding


def check_prep_group(size: int, profile: RuleProfile) -> Evidence:
    """R-PREP-GROUP (national): the preparatory group has 3 to 7 people."""
    evidence: Evidence = {
        "rule": "R-PREP-GROUP",
        "size": size,
        "min": profile.prep_group_min,
        "max": profile.prep_group_max,
    }
    if not profile.prep_group_min <= size <= profile.prep_group_max:
        _fail(
            "R-PREP-GROUP",
            f"preparatory group of {size}; {profile.prep_group_min} to {profile.prep_group_max} people required",
            evidence,
        )
    return evidence


# --------------------------------------------------------------------------------------------------
# §4 Elections: candidates, notice, vetting, eligibility


def candidates_needed(seats: int, profile: RuleProfile) -> int:
    """R-CANDIDATES: ``seats + max(1, ceil(rate × seats))``, computed exactly."""
    return seats + max(1, _ceil_rate(profile.candidate_surplus_rate, seats))


def check_candidates(seats: int, candidates: int, profile: RuleProfile) -> Evidence:
    """R-CANDIDATES (national, read in a summary): committee candidates exceed seats by at least
    ``candidate_surplus_rate`` (5 %) of the seats, and by at least one."""
    _require_non_negative("R-CANDIDATES", candidates=candidates)
    if seats < 1:
        _fail("R-CANDIDATES", f"an election needs at least one seat (got {seats})", {"rule": "R-CANDIDATES"})
    needed = candidates_needed(seats, profile)
    rate = profile.candidate_surplus_rate
    evidence: Evidence = {
        "rule": "R-CANDIDATES",
        "seats": seats,
        "candidates": candidates,
        "needed": needed,
        "rate": str(rate),
    }
    if candidates < needed:
        _fail(
            "R-CANDIDATES",
            f"{candidates} candidates for {seats} seats; at least {needed} needed "
            f"(seats + max(1, ceil({_pct(rate)} × {seats})))",
            evidence,
        )
    return evidence


def check_chair_competitive(
    unit_type: str, chair_candidates: int, profile: RuleProfile, chair_seats: int = 1
) -> Evidence:
    """R-CHAIR-COMPETITIVE (national): for the unit types in ``chair_competitive_unit_types``
    (enterprises) the chair election has more candidates than seats (差额); elsewhere an unopposed
    chair is allowed, but never fewer candidates than seats."""
    _require_non_negative("R-CHAIR-COMPETITIVE", chair_candidates=chair_candidates)
    if chair_seats < 1:
        _fail(
            "R-CHAIR-COMPETITIVE",
            f"at least one chair seat is needed (got {chair_seats})",
            {"rule": "R-CHAIR-COMPETITIVE"},
        )
    competitive = unit_type in profile.chair_competitive_unit_types
    needed = chair_seats + 1 if competitive else chair_seats
    evidence: Evidence = {
        "rule": "R-CHAIR-COMPETITIVE",
        "unit_type": unit_type,
        "chair_seats": chair_seats,
        "chair_candidates": chair_candidates,
        "competitive": competitive,
        "needed": needed,
    }
    if chair_candidates < needed:
        reason = (
            f"a {unit_type} union elects its chair competitively" if competitive else "every seat needs a candidate"
        )
        _fail(
            "R-CHAIR-COMPETITIVE",
            f"{chair_candidates} chair candidates for {chair_seats} seat(s); at least {needed} needed ({reason})",
            evidence,
        )
    return evidence


def _chair_notice_applies(unit_type: str, is_chair_list: bool) -> bool:
    return is_chair_list and unit_type == ENTERPRISE


def earliest_congress_on(posted_on: date, unit_type: str, is_chair_list: bool, profile: RuleProfile) -> date:
    """R-NOTICE: the first congress date the notice rules allow for a list posted on ``posted_on``
    (``notice_working_days`` full working days strictly in between; for an enterprise chair list
    also ``enterprise_chair_notice_days`` calendar days)."""
    n = profile.notice_working_days
    earliest = add_working_days(posted_on, n, profile.holidays) + timedelta(days=1) if n else posted_on
    if _chair_notice_applies(unit_type, is_chair_list):
        earliest = max(earliest, posted_on + timedelta(days=profile.enterprise_chair_notice_days))
    return earliest


def check_notice(
    posted_on: date, congress_on: date, unit_type: str, is_chair_list: bool, profile: RuleProfile
) -> Evidence:
    """R-NOTICE (national): the candidate list is posted at least ``notice_working_days`` (5) working
    days before the congress, counted as full working days strictly between the posting day and the
    congress day (see :func:`workflow.calendar.working_days_between`). An enterprise chair list also
    needs ``congress_on - posted_on >= enterprise_chair_notice_days`` (7) calendar days."""
    working = working_days_between(posted_on, congress_on, profile.holidays)
    calendar_days = (congress_on - posted_on).days
    chair_rule = _chair_notice_applies(unit_type, is_chair_list)
    earliest = earliest_congress_on(posted_on, unit_type, is_chair_list, profile)
    evidence: Evidence = {
        "rule": "R-NOTICE",
        "posted_on": posted_on.isoformat(),
        "congress_on": congress_on.isoformat(),
        "working_days": working,
        "working_days_needed": profile.notice_working_days,
        "calendar_days": calendar_days,
        "calendar_days_needed": profile.enterprise_chair_notice_days if chair_rule else None,
        "earliest_congress_on": earliest.isoformat(),
    }
    if calendar_days < 0:
        _fail("R-NOTICE", f"list posted {posted_on} after the congress on {congress_on}", evidence)
    problems = []
    if working < profile.notice_working_days:
        problems.append(f"{working} full working days in between; at least {profile.notice_working_days} needed")
    if chair_rule and calendar_days < profile.enterprise_chair_notice_days:
        problems.append(
            f"{calendar_days} days for an enterprise chair list; at least {profile.enterprise_chair_notice_days} needed"
        )
    if problems:
        _fail(
            "R-NOTICE",
            f"list posted {posted_on}, congress {congress_on}: {'; '.join(problems)} (earliest congress {earliest})",
            evidence,
        )
    return evidence


def check_vetting(has_party_org: bool, party_approved: bool | None, higher_union_approved: bool) -> Evidence:
    """R-VETTING (national): before the congress the candidates are approved by the same-level Party
    organisation, where one exists, and by the higher-level union. ``party_approved`` is ``None``
    while no decision has been recorded."""
    evidence: Evidence = {
        "rule": "R-VETTING",
        "has_party_org": has_party_org,
        "party_approved": party_approved,
        "higher_union_approved": higher_union_approved,
    }
    missing = []
    if has_party_org and party_approved is None:
        missing.append("the Party organisation has not approved the candidates yet")
    elif has_party_org and not party_approved:
        missing.append("the Party organisation rejected the candidates")
    if not higher_union_approved:
        missing.append("the higher-level union has not approved the candidates")
    if missing:
        _fail("R-VETTING", "; ".join(missing), evidence)
    return evidence


class CandidateFacts(BaseModel):
    """What R-INELIGIBLE reads about a candidate; every flag defaults to False."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    candidate: str = Field(min_length=1)
    # Law §10: barred from the committee in any unit.
    close_relative_of_principal_leader: bool = False
    # Chair Measures §6: barred from chairing an enterprise union.
    administrative_head_or_deputy: bool = False
    partner_or_relative_of_partner: bool = False
    hr_head: bool = False
    foreign_employee: bool = False


_COMMITTEE_BARS = {"close_relative_of_principal_leader": "close relative of the unit's principal leader"}
_ENTERPRISE_CHAIR_BARS = {
    "administrative_head_or_deputy": "administrative head or deputy",
    "partner_or_relative_of_partner": "partner or close relative of a partner",
    "hr_head": "head of the HR department",
    "foreign_employee": "foreign employee",
}


def check_ineligible(facts: CandidateFacts, position: Position, unit_type: str) -> Evidence:
    """R-INELIGIBLE (law / national): close relatives of the unit's principal leader may not be on
    the committee (Law §10); an enterprise union's chair may not be an administrative head or deputy,
    a partner or a partner's close relative, the HR department head or a foreign employee (Chair
    Measures §6). The chair sits on the committee, so the committee bar applies to the chair too;
    check vice-chairs and other members as ``"committee"``."""
    _require_choice(position, Position, "position")
    bars = dict(_COMMITTEE_BARS)
    if position == "chair" and unit_type == ENTERPRISE:
        bars |= _ENTERPRISE_CHAIR_BARS
    found = [flag for flag in bars if getattr(facts, flag)]
    evidence: Evidence = {
        "rule": "R-INELIGIBLE",
        "candidate": facts.candidate,
        "position": position,
        "unit_type": unit_type,
        "bars": found,
    }
    if found:
        role = f"chair ({unit_type} union)" if position == "chair" else "on the committee"
        _fail(
            "R-INELIGIBLE",
            f"candidate {facts.candidate} may not be {role}: {', '.join(bars[f] for f in found)}",
            evidence,
        )
    return evidence


# --------------------------------------------------------------------------------------------------
# §4 Elections: the vote


def quorum_needed(due: int) -> int:
    """R-QUORUM: the fewest voters present for ``3 × present ≥ 2 × due``, i.e. ceil(2/3 × due)."""
    return -(-2 * due // 3)


def check_quorum(due: int, present: int) -> Evidence:
    """R-QUORUM (national): voters present ≥ 2/3 of those due to attend (``3 × present ≥ 2 × due``;
    exactly 2/3 passes)."""
    _require_non_negative("R-QUORUM", due=due, present=present)
    needed = quorum_needed(due)
    evidence: Evidence = {"rule": "R-QUORUM", "due": due, "present": present, "needed": needed}
    if due == 0:
        _fail("R-QUORUM", "nobody is due to attend", evidence)
    if present > due:
        _fail("R-QUORUM", f"{present} present but only {due} due to attend", evidence)
    if 3 * present < 2 * due:
        _fail("R-QUORUM", f"{present} of {due} present; at least {needed} needed (2/3)", evidence)
    return evidence


def majority_needed(due: int) -> int:
    """R-ELECTED / R-REMOVAL: the fewest yes votes with ``2 × yes > due``."""
    return due // 2 + 1


def check_elected(due: int, yes: int) -> Evidence:
    """R-ELECTED (national): elected with yes votes > half of those **due** to attend with a vote
    (``2 × yes > due``), not half of those present."""
    _require_non_negative("R-ELECTED", due=due, yes=yes)
    needed = majority_needed(due)
    evidence: Evidence = {"rule": "R-ELECTED", "due": due, "yes": yes, "needed": needed}
    if yes > due:
        _fail("R-ELECTED", f"{yes} yes votes but only {due} due to attend", evidence)
    if 2 * yes <= due:
        _fail(
            "R-ELECTED",
            f"{yes} yes of {due} due to attend; more than half ({needed}) needed",
            evidence,
        )
    return evidence


def check_ballot_valid(marked_names: Collection[str], seats: int) -> Evidence:
    """R-BALLOTS: a ballot marking more (distinct) names than there are seats is invalid."""
    marked = len(set(marked_names))
    evidence: Evidence = {"rule": "R-BALLOTS", "marked": marked, "seats": seats}
    if marked > seats:
        _fail("R-BALLOTS", f"ballot marks {marked} names for {seats} seats; the ballot is invalid", evidence)
    return evidence


@dataclass(frozen=True)
class ElectionResult:
    """Outcome of one round (R-ELECTED, R-TIE, R-SHORTFALL).

    * ``elected``: won a seat in this round, by votes (then name) descending.
    * ``tied`` / ``tie_seats``: R-TIE, more majority winners than seats and a tie at the cut-off:
      ``tie_seats`` seats go to a re-vote among ``tied`` only.
    * ``shortfall_seats`` / ``shortfall_action``: R-SHORTFALL, fewer majority winners than seats:
      hold a supplementary vote for the missing seats, or reduce the seats to ``len(elected)``.
    At most one of ``tied`` and ``shortfall_seats`` is non-empty.
    """

    seats: int
    elected: tuple[str, ...]
    tied: tuple[str, ...] = ()
    tie_seats: int = 0
    shortfall_seats: int = 0
    shortfall_action: ShortfallPolicy | None = None
    evidence: Evidence = field(default_factory=dict, compare=False)

    @property
    def complete(self) -> bool:
        """Every seat is filled by this round."""
        return not self.tied and self.shortfall_seats == 0


def count_election(
    seats: int,
    due: int,
    tallies: Mapping[str, int],
    ballots_issued: int,
    ballots_returned: int,
    invalid_ballots: int,
    profile: RuleProfile,
    committee_members: int | None = None,
    seated: int = 0,
) -> ElectionResult:
    """Count one round of a multi-seat election.

    * R-BALLOTS: more ballots returned than issued voids the round (RuleViolation). Ballots are issued
      only to voters in person (no proxies), so never more than are due; a candidate cannot have more
      votes than there are valid ballots, nor all candidates together more than ``valid × seats``.
    * R-ELECTED: a candidate needs ``2 × votes > due``.
    * R-TIE: more majority winners than seats: seats go by votes; if candidates tie at the cut-off
      they go to a re-vote among the tied only, for the seats left.
    * R-SHORTFALL: fewer majority winners than seats: the profile's ``shortfall_policy``. Reducing
      the seats is chosen only when the smaller committee still satisfies R-COMMITTEE-SIZE for
      ``committee_members`` (pass the union's member count when electing the union committee;
      ``None`` for bodies without a size rule); otherwise a supplementary vote. In a runoff,
      ``seated`` is the number already elected to the body in earlier rounds: the size rule is
      read on the whole body (``seated`` + this round's winners), not on this round alone.
    """
    _require_non_negative(
        "R-BALLOTS",
        ballots_issued=ballots_issued,
        ballots_returned=ballots_returned,
        invalid_ballots=invalid_ballots,
    )
    if seats < 1 or due < 1:
        _fail(
            "R-ELECTED",
            f"an election needs seats and voters (seats {seats}, due {due})",
            {"rule": "R-ELECTED"},
        )
    valid = ballots_returned - invalid_ballots
    ordered = sorted(tallies.items(), key=lambda kv: (-kv[1], kv[0]))
    evidence: Evidence = {
        "rule": "R-ELECTED",
        "rules_applied": ["R-BALLOTS", "R-ELECTED"],
        "seats": seats,
        "due": due,
        "needed": majority_needed(due),
        "ballots_issued": ballots_issued,
        "ballots_returned": ballots_returned,
        "invalid_ballots": invalid_ballots,
        "valid_ballots": valid,
        "tallies": dict(ordered),
    }

    def void(message: str) -> NoReturn:
        _fail("R-BALLOTS", message, evidence | {"rule": "R-BALLOTS"})

    if ballots_returned > ballots_issued:
        void(f"{ballots_returned} ballots returned but only {ballots_issued} issued; the round is void")
    if ballots_issued > due:
        void(f"{ballots_issued} ballots issued but only {due} voters due to attend")
    if invalid_ballots > ballots_returned:
        void(f"{invalid_ballots} invalid ballots but only {ballots_returned} returned")
    for name, votes in ordered:
        if not 0 <= votes <= valid:
            void(f"{name} has {votes} votes but there are {valid} valid ballots")
    if sum(tallies.values()) > valid * seats:
        void(f"{sum(tallies.values())} votes on {valid} valid ballots for {seats} seats is impossible")

    winners = [(name, votes) for name, votes in ordered if 2 * votes > due]
    evidence["majority"] = [name for name, _ in winners]

    if len(winners) > seats:
        evidence["rules_applied"].append("R-TIE")
        cutoff = winners[seats - 1][1]
        evidence["cutoff_votes"] = cutoff
        if winners[seats][1] < cutoff:
            # R-TIE: a clean cut-off, the seats go by votes.
            elected = [name for name, _ in winners[:seats]]
            evidence |= {"elected": elected, "tied": [], "tie_seats": 0}
            return ElectionResult(seats=seats, elected=tuple(elected), evidence=evidence)
        # R-TIE: everyone above the cut-off wins; the seats left go to a re-vote among the tied only.
        above = [name for name, votes in winners if votes > cutoff]
        tied = [name for name, votes in winners if votes == cutoff]
        left = seats - len(above)
        evidence |= {"elected": above, "tied": tied, "tie_seats": left}
        return ElectionResult(seats=seats, elected=tuple(above), tied=tuple(tied), tie_seats=left, evidence=evidence)

    elected = [name for name, _ in winners]
    evidence["elected"] = elected
    missing = seats - len(elected)
    if missing == 0:
        return ElectionResult(seats=seats, elected=tuple(elected), evidence=evidence)

    evidence["rules_applied"].append("R-SHORTFALL")
    action: ShortfallPolicy = "supplementary_vote"
    if profile.shortfall_policy == "reduce_seats" and seated + len(elected) > 0:
        action = "reduce_seats"
        if committee_members is not None:
            fewest, most = committee_size_range(committee_members, profile)
            size = seated + len(elected)
            odd_ok = not profile.odd_committee_size_required or size % 2 == 1
            if not (fewest <= size <= most and odd_ok):
                action = "supplementary_vote"  # R-SHORTFALL: reduce only if R-COMMITTEE-SIZE still holds
    evidence |= {
        "shortfall_seats": missing,
        "shortfall_policy": profile.shortfall_policy,
        "shortfall_action": action,
    }
    return ElectionResult(
        seats=seats,
        elected=tuple(elected),
        shortfall_seats=missing,
        shortfall_action=action,
        evidence=evidence,
    )


def check_removal(total_members_or_representatives: int, yes: int) -> Evidence:
    """R-REMOVAL (law): removing a chair or vice-chair needs yes votes from more than half of
    **all** members (or representatives), not of those present."""
    total = total_members_or_representatives
    _require_non_negative("R-REMOVAL", total=total, yes=yes)
    needed = majority_needed(total)
    evidence: Evidence = {"rule": "R-REMOVAL", "total": total, "yes": yes, "needed": needed}
    if yes > total:
        _fail("R-REMOVAL", f"{yes} yes votes but only {total} members or representatives", evidence)
    if 2 * yes <= total:
        _fail(
            "R-REMOVAL",
            f"{yes} yes of all {total} members or representatives; more than half ({needed}) needed",
            evidence,
        )
    return evidence


# --------------------------------------------------------------------------------------------------
# §5 Terms and re-election, §6 alert dates


def check_term_years(years: int, profile: RuleProfile) -> Evidence:
    """R-TERM (law): the term is one of the profile's allowed lengths ({3, 5} by default)."""
    allowed = sorted(profile.term_years_allowed)
    evidence: Evidence = {"rule": "R-TERM", "years": years, "allowed": allowed}
    if years not in profile.term_years_allowed:
        _fail(
            "R-TERM",
            f"a term of {years} years is not allowed; allowed: {', '.join(map(str, allowed))} years",
            evidence,
        )
    return evidence


def term_end(start: date, years: int) -> date:
    """R-TERM-END: start + ``years`` years, 29 February landing on 28 February."""
    return add_years(start, years)


def check_extension(term_ends_on: date, new_deadline: date, profile: RuleProfile) -> Evidence:
    """R-EXTENSION (law; limit local): an approved delay moves the deadline to a date after the term
    end and at most ``extension_max_months`` (6) months after it, inclusive."""
    latest = add_months(term_ends_on, profile.extension_max_months)
    evidence: Evidence = {
        "rule": "R-EXTENSION",
        "term_end": term_ends_on.isoformat(),
        "new_deadline": new_deadline.isoformat(),
        "latest_allowed": latest.isoformat(),
        "max_months": profile.extension_max_months,
    }
    if new_deadline <= term_ends_on:
        _fail(
            "R-EXTENSION",
            f"new deadline {new_deadline} is not after the term end {term_ends_on}",
            evidence,
        )
    if new_deadline > latest:
        _fail(
            "R-EXTENSION",
            f"new deadline {new_deadline} is after {latest}, the latest allowed (term end {term_ends_on} "
            f"+ {profile.extension_max_months} months)",
            evidence,
        )
    return evidence


def check_early_reelection(term_ends_on: date, new_congress_on: date) -> Evidence:
    """R-EARLY (law): an early re-election holds the new congress before the term ends; the new term
    starts on that congress date."""
    evidence: Evidence = {
        "rule": "R-EARLY",
        "term_end": term_ends_on.isoformat(),
        "new_congress_on": new_congress_on.isoformat(),
    }
    if new_congress_on >= term_ends_on:
        _fail(
            "R-EARLY",
            f"congress on {new_congress_on} is not before the term end {term_ends_on}, so it is not early",
            evidence,
        )
    return evidence


def vacancy_deadline(left_on: date, profile: RuleProfile) -> date:
    """R-VACANCY: the last day for the by-election after the chair left (left_on + 3 months);
    A-VACANCY-OVERDUE fires the day after."""
    return add_months(left_on, profile.vacancy_months)


def term_due_from(deadline: date, profile: RuleProfile) -> date:
    """A-TERM-DUE: the reminder window opens ``term_due_reminder_months`` before the deadline."""
    return add_months(deadline, -profile.term_due_reminder_months)


def is_overdue(deadline: date, on: date) -> bool:
    """A-TERM-OVERDUE / A-VACANCY-OVERDUE: overdue strictly after the deadline; the deadline day itself
    is still on time."""
    return on > deadline
