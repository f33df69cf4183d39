"""The form of organisation and the congress (RULES.md §2): R-FORM-25, R-CONGRESS-TYPE,
R-REP-BANDS, R-COMMITTEE-SIZE, R-WOMEN, R-FUNDS-REVIEW and R-FULLTIME, as the election's steps
read them (congress type decided, representatives elected, results filed)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Literal

from workflow.errors import RuleViolation
from workflow.profile import RuleProfile
from workflow.rules.base import (
    Evidence,
    band_for,
    ceil_rate,
    cite,
    floor_rate,
    percent,
    require,
    require_choice,
    require_non_negative,
)

OrganisationForm = Literal["committee", "joint_union", "organiser", "chair"]
CongressType = Literal["members_meeting", "representative_congress"]
WomenOrganisation = Literal["committee", "member", "none"]


def check_form_of_organisation(members: int, form: OrganisationForm, profile: RuleProfile) -> Evidence:
    """R-FORM-25: from ``form_threshold`` (25) members a union committee is required; below it a
    committee, membership of a joint grassroots union, one organiser or one chair."""
    require_choice(form, OrganisationForm, "form of organisation")
    require_non_negative("R-FORM-25", members=members)
    evidence = cite("R-FORM-25", members=members, form=form, threshold=profile.form_threshold)
    return require(
        members < profile.form_threshold or form == "committee",
        evidence,
        f"{members} members (at least {profile.form_threshold}): a union committee is required, "
        f"not {form.replace('_', ' ')}",
        case="committee-needed",
    )


def check_congress_type(members: int, congress_type: CongressType, profile: RuleProfile) -> Evidence:
    """R-CONGRESS-TYPE: up to ``members_meeting_max`` (100) members a general members' meeting must be
    held; above it a members' meeting or a representative congress."""
    require_choice(congress_type, CongressType, "congress type")
    require_non_negative("R-CONGRESS-TYPE", members=members)
    evidence = cite(
        "R-CONGRESS-TYPE", members=members, congress_type=congress_type, members_meeting_max=profile.members_meeting_max
    )
    return require(
        members > profile.members_meeting_max or congress_type == "members_meeting",
        evidence,
        f"{members} members (at most {profile.members_meeting_max}): a general members' meeting is "
        "required, not a representative congress",
        case="members-meeting",
    )


def representative_range(members: int, profile: RuleProfile) -> tuple[int, int]:
    """R-REP-BANDS: (fewest, most) representatives for ``members``.

    fewest = min(members, max(representative_minimum, ceil(min_rate × members)))
    most   = max(fewest, floor(max_rate × members))
    Rounding goes inwards (a share is a floor, a cap a ceiling); the minimum of 30 wins over the cap,
    and nobody can elect more representatives than there are members.
    """
    band = band_for(profile.representative_bands, members)
    fewest = min(members, max(profile.representative_minimum, ceil_rate(band.min_rate, members)))
    most = max(fewest, floor_rate(band.max_rate, members))
    return fewest, most


def check_representative_count(members: int, representatives: int, profile: RuleProfile) -> Evidence:
    """R-REP-BANDS (practice): the number of representatives must fall in the member-count band."""
    require_non_negative("R-REP-BANDS", members=members, representatives=representatives)
    band = band_for(profile.representative_bands, members)
    fewest, most = representative_range(members, profile)
    evidence = cite(
        "R-REP-BANDS",
        members=members,
        representatives=representatives,
        min=fewest,
        max=most,
        band_max_members=band.max_members,
        band_min_rate=str(band.min_rate),
        band_max_rate=str(band.max_rate),
        representative_minimum=profile.representative_minimum,
    )
    return require(
        fewest <= representatives <= most,
        evidence,
        f"{representatives} representatives for {members} members; {fewest} to {most} required "
        f"({percent(band.min_rate)} to {percent(band.max_rate)} of members, never fewer than "
        f"{profile.representative_minimum})",
        case="count",
    )


def committee_size_range(members: int, profile: RuleProfile) -> tuple[int, int]:
    """R-COMMITTEE-SIZE: (fewest, most) committee seats for ``members``."""
    band = band_for(profile.committee_size_bands, members)
    return band.min_seats, band.max_seats


def check_committee_size(members: int, seats: int, profile: RuleProfile) -> Evidence:
    """R-COMMITTEE-SIZE (national): committee seats within the band for the member count, never more
    than the members, and odd when the profile requires it. Applies to the committee form only
    (R-FORM-25 decides whether there is a committee)."""
    require_non_negative("R-COMMITTEE-SIZE", members=members, seats=seats)
    fewest, most = committee_size_range(members, profile)
    odd = profile.odd_committee_size_required
    evidence = cite("R-COMMITTEE-SIZE", members=members, seats=seats, min=fewest, max=most, odd_required=odd)
    require(
        fewest <= seats <= most,
        evidence,
        f"{seats} seats for {members} members; {fewest} to {most} allowed",
        case="range",
    )
    require(
        seats <= members, evidence, f"{seats} seats cannot be filled from {members} members", case="more-than-members"
    )
    odd_ok = not profile.odd_committee_size_required or seats % 2 == 1
    return require(odd_ok, evidence, f"{seats} seats: this profile requires an odd committee size", case="odd")


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
    require_non_negative("R-WOMEN", female_members=female_members)
    required = women_organisation_required(female_members, profile)
    evidence = cite(
        "R-WOMEN",
        female_members=female_members,
        threshold=profile.women_committee_threshold,
        required=required,
        has_women_committee=has_women_committee,
    )
    return require(
        required != "committee" or has_women_committee,
        evidence,
        f"{female_members} female members (at least {profile.women_committee_threshold}): a women "
        "workers' committee is required, not a single women workers' member",
        case="committee",
    )


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
    evidence = cite(
        "R-FUNDS-REVIEW",
        funds_review_members=members,
        chair=chair,
        vice_chairs=sorted(vice_chairs),
        finance_person=finance_person,
        conflicts=conflicts,
    )
    require(bool(members), evidence, "no funds review committee was elected", case="none")
    who = ", ".join(f"{m} ({barred[m]})" for m in conflicts)
    return require(not conflicts, evidence, f"may not sit on the funds review committee: {who}", case="conflicts")


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


def require_own_election(members: int, form: str) -> None:
    """R-FORM-25: a unit that joins a joint grassroots union (联合基层工会) is admitted by that
    union; it holds no election of its own here."""
    if form == "joint_union":
        message = (
            "a unit joining a joint grassroots union (联合基层工会) is admitted by that union; it holds no "
            "election of its own here"
        )
        raise RuleViolation("R-FORM-25", message, {"rule": "R-FORM-25", "members": members, "form": form}, case="joint")


def require_single_officer(members: int, form: str, seats: int) -> None:
    """R-FORM-25: below the threshold a union may elect one organiser or one chair instead of a
    committee: one seat, not a committee's."""
    if seats != 1:
        evidence = {"rule": "R-FORM-25", "members": members, "form": form, "seats": seats}
        message = f"a union with a single {form} elects 1 person, not {seats}"
        raise RuleViolation("R-FORM-25", message, evidence, case="single")


def women_requirement(female_members: int, profile: RuleProfile) -> Evidence:
    """R-WOMEN, as decided with the congress type: what the union must form (no refusal yet; the
    results filing checks it was formed)."""
    return {
        "rule": "R-WOMEN",
        "female_members": female_members,
        "threshold": profile.women_committee_threshold,
        "required": women_organisation_required(female_members, profile),
    }


def require_representative_congress(congress_type: str | None) -> None:
    """R-CONGRESS-TYPE: only a representative congress has representatives to elect."""
    if congress_type != "representative_congress":
        evidence = {"rule": "R-CONGRESS-TYPE", "congress_type": congress_type}
        message = "a members' meeting (会员大会) elects no representatives: every member is due to attend"
        raise RuleViolation("R-CONGRESS-TYPE", message, evidence, case="no-representatives")


def require_women_director(female_members: int, required: str | None, women_director: str | None) -> None:
    """R-WOMEN: the results name who leads the women workers' committee, or the women workers'
    member, whenever the union must have one."""
    if required in ("committee", "member") and not women_director:
        evidence = {"rule": "R-WOMEN", "female_members": female_members, "required": required}
        message = (
            f"{female_members} female members: name the women workers' "
            f"{'committee director' if required == 'committee' else 'member'} (women_director)"
        )
        raise RuleViolation("R-WOMEN", message, evidence, case="director")


def require_funds_review_director(director: str, elected: list[str]) -> None:
    """R-FUNDS-REVIEW: the funds review committee's director is one of those the congress elected to it."""
    if director not in elected:
        evidence = {"rule": "R-FUNDS-REVIEW", "director": director, "elected": elected}
        message = f"{director} is not on the funds review committee elected ({', '.join(elected)})"
        raise RuleViolation("R-FUNDS-REVIEW", message, evidence, case="director")
