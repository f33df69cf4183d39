"""The organisation tree and the unit's counts (RULES.md §1), and who may be founded (§3): the
levels that may sit below each other (R-APPROVER reads the tree), the counts every later rule
reads (UNIT-COUNTS), the preparatory group (R-PREP-GROUP), and the registry import of a union
founded before unionflow (its term, TERM-EXISTS, and the facts a register keeps of it)."""

from __future__ import annotations

from workflow.errors import RuleViolation, StepOutOfOrder
from workflow.profile import RuleProfile
from workflow.rules.base import Evidence, cite, require, require_non_negative, require_one_at_a_time
from workflow.rules.form import check_committee_size, check_form_of_organisation
from workflow.state import Term

# Which level may sit directly below which (RULES.md §1). Grassroots-level bodies (grassroots
# unions, federations of grassroots unions, joint grassroots unions) sit below a federation at
# township, county, city or (for large employers) provincial level.
PARENT_LEVELS: dict[str, frozenset[str | None]] = {
    "national": frozenset({None}),
    "province": frozenset({"national"}),
    "city": frozenset({"province"}),
    "county": frozenset({"city"}),
    "township": frozenset({"county", "city"}),
    "grassroots": frozenset({"province", "city", "county", "township", "federation"}),
    "federation": frozenset({"city", "county", "township"}),
    "joint": frozenset({"city", "county", "township"}),
}

# Levels that hold elections of their own (a union committee, a term).
GRASSROOTS_LEVELS = frozenset({"grassroots", "federation", "joint"})


# --------------------------------------------------------------------------------------------------
# The tree


def require_new_organisation(org_id: str, exists: bool) -> None:
    """ORG-EXISTS: an organisation is registered once."""
    if exists:
        raise StepOutOfOrder("ORG-EXISTS", f"organisation {org_id} is already registered", {"org_id": org_id})


def require_parent_exists(parent_id: str | None, parent_exists: bool) -> None:
    """ORG-PARENT: an organisation is registered below one that exists (the root below none)."""
    if parent_id is not None and not parent_exists:
        raise StepOutOfOrder("ORG-PARENT", f"parent organisation {parent_id} does not exist", {"parent_id": parent_id})


def require_parent_level(level: str, parent_level: str | None) -> None:
    """R-APPROVER: the parent is the direct higher-level union that approves the organisation's
    filings, so only the levels of RULES.md §1 may sit directly below each other."""
    allowed = PARENT_LEVELS[level]
    if parent_level not in allowed:
        message = (
            f"a {level} organisation cannot sit directly below "
            f"{'nothing' if parent_level is None else 'a ' + parent_level + ' organisation'}; allowed parents: "
            + ", ".join(sorted(x or "none (the root)" for x in allowed))
        )
        raise RuleViolation("R-APPROVER", message, {"level": level, "parent_level": parent_level}, case="parent-level")


def require_unit_facts(level: str, has_unit: bool) -> None:
    """R-FORM-25 and every count rule read the unit's facts: a grassroots-level union has them."""
    if level in GRASSROOTS_LEVELS and not has_unit:
        raise RuleViolation("R-FORM-25", f"a {level} union needs its unit facts", {"level": level}, case="unit-facts")


def require_unit_level(org_id: str, level: str | None) -> None:
    """ORG-LEVEL: only grassroots-level unions sit in a unit with facts to keep current."""
    if level not in GRASSROOTS_LEVELS:
        message = f"{org_id} is a {level} organisation without unit facts"
        raise StepOutOfOrder("ORG-LEVEL", message, {"level": level}, case="unit-facts")


def check_unit_counts(employees: int, members: int, female_members: int) -> Evidence:
    """UNIT-COUNTS: female members are counted among the members, and the members among the unit's
    employees (RULES.md §7: the membership rate is members ÷ employees, at most 100 %). The counts
    decide R-FORM-25, R-CONGRESS-TYPE, R-COMMITTEE-SIZE, R-WOMEN and every quorum: a mistyped one
    is refused where it is entered, not found later as a wrong requirement. The same check as the
    registry import's (api/importer.py)."""
    require_non_negative("UNIT-COUNTS", employees=employees, members=members, female_members=female_members)
    evidence = cite("UNIT-COUNTS", employees=employees, members=members, female_members=female_members)
    require(
        female_members <= members,
        evidence,
        f"{female_members} female members but only {members} members: female members are counted among the members",
        case="female",
    )
    return require(
        members <= employees,
        evidence,
        f"{members} members but only {employees} employees: members are counted among the unit's employees",
        case="members",
    )


# --------------------------------------------------------------------------------------------------
# §3 Founding


def require_grassroots_level(org_id: str, level: str | None) -> None:
    """R-FOUNDED: federations of grassroots unions and joint grassroots unions are grassroots-level
    bodies too (RULES.md §1), founded (and re-elected) like a grassroots union; no other level is."""
    if level not in GRASSROOTS_LEVELS:
        message = f"{org_id} is a {level} organisation, not a grassroots-level union"
        raise StepOutOfOrder("R-FOUNDED", message, {"level": level}, case="level")


def require_not_founded(org_id: str, founded_or_under_way: bool) -> None:
    """R-FOUNDED: a union is founded once; a second founding may start only after a withdrawn one."""
    already = "is already founded or has a founding under way"
    require_one_at_a_time("R-FOUNDED", org_id, already, founded_or_under_way, {"union": org_id}, case="founded")


def check_prep_group(size: int, profile: RuleProfile) -> Evidence:
    """R-PREP-GROUP (national): the preparatory group has 3 to 7 people."""
    evidence = cite("R-PREP-GROUP", size=size, min=profile.prep_group_min, max=profile.prep_group_max)
    return require(
        profile.prep_group_min <= size <= profile.prep_group_max,
        evidence,
        f"preparatory group of {size}; {profile.prep_group_min} to {profile.prep_group_max} people required",
    )


# --------------------------------------------------------------------------------------------------
# The registry import: a union founded before unionflow, brought in with its current term


def require_term_holding_level(org_id: str, level: str | None) -> None:
    """ORG-LEVEL: only grassroots-level unions hold terms (the levels above elect no committee here)."""
    if level not in GRASSROOTS_LEVELS:
        message = f"{org_id} is a {level} organisation: only grassroots-level unions hold terms"
        raise StepOutOfOrder("ORG-LEVEL", message, {"level": level}, case="term")


def require_no_term(org_id: str, term: Term | None) -> None:
    """TERM-EXISTS: once unionflow knows a union's term, later terms come from re-election (R-REELECTION)."""
    if term is not None:
        evidence = {"term_start": term.start.isoformat(), "term_end": term.end.isoformat()}
        message = (
            f"union {org_id} already has term {term.number} ({term.start} to {term.end}); "
            "later terms come from re-election"
        )
        raise StepOutOfOrder("TERM-EXISTS", message, evidence, case="term")


def require_no_history(org_id: str, procedure_ids: list[str]) -> None:
    """TERM-EXISTS: a union with procedures here has its term from them, not from an import."""
    if procedure_ids:
        message = (
            f"union {org_id} already has procedures in unionflow ({', '.join(sorted(procedure_ids))}): "
            "its term comes from them, not from an import"
        )
        raise StepOutOfOrder("TERM-EXISTS", message, {"procedures": sorted(procedure_ids)}, case="procedures")


def require_given_with(rule: str, given: str, needs: str, has_needed: bool) -> None:
    """A fact that only makes sense beside another (an extension's document number beside its new
    deadline, R-EXTENSION; a registration date beside its number): given alone, it is refused
    with the rule the pair belongs to."""
    if not has_needed:
        message = f"{given} is given without {needs}"
        raise RuleViolation(rule, message, {"rule": rule, "given": given, "needs": needs}, case="given-without")


def require_representatives_on_record(congress_type: str | None, representatives: int | None) -> None:
    """R-CONGRESS-TYPE: at a representative congress the representatives are those with a vote
    (R-QUORUM, R-ANNUAL, R-REMOVAL count them), so an imported representative congress gives
    their number."""
    if congress_type == "representative_congress" and representatives is None:
        evidence = {"rule": "R-CONGRESS-TYPE", "congress_type": congress_type}
        message = "a representative congress (会员代表大会): give the number of its representatives"
        raise RuleViolation("R-CONGRESS-TYPE", message, evidence, case="representatives")


def require_committee_count(names: list[str], size: int | None) -> None:
    """R-COMMITTEE-SIZE: a committee given both by its members' names and by their number names
    that many people."""
    if names and size is not None and len(names) != size:
        evidence = {"rule": "R-COMMITTEE-SIZE", "names": len(names), "seats": size}
        message = f"the committee names {len(names)} people but its size is given as {size}"
        raise RuleViolation("R-COMMITTEE-SIZE", message, evidence, case="names")


def check_committee_on_record(members: int, seats: int, profile: RuleProfile) -> Evidence:
    """R-COMMITTEE-SIZE for a committee in office, and R-FORM-25 for a single chair: one seat is a
    union of fewer than 25 members electing one chair instead of a committee."""
    if seats == 1:
        return check_form_of_organisation(members, "chair", profile)
    return check_committee_size(members, seats, profile)


def require_officers_within_committee(officers: int, seats: int) -> None:
    """R-ELECTED: the chair and vice-chairs come from the committee, so there are no more of them
    than it has seats."""
    if officers > seats:
        evidence = {"rule": "R-ELECTED", "officers": officers, "seats": seats}
        message = f"{officers} chair and vice-chairs but the committee has {seats} seats: they come from it"
        raise RuleViolation("R-ELECTED", message, evidence, case="officers")
