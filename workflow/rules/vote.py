"""The vote (RULES.md §4): who is due to attend and the quorum (R-QUORUM), the majority of those
due (R-ELECTED), the chair and vice-chairs taken from the committee, and removal by a majority of
all (R-REMOVAL). Counts are compared with integer arithmetic exactly as RULES.md writes the rule
(``3 × present ≥ 2 × due``, ``2 × yes > due``).

An electing body is given as ``(voters, name)``: how many have a vote there and what it is called
("the committee", "the members' meeting", ...); ``None`` when an imported term does not say."""

from __future__ import annotations

from workflow.errors import RuleViolation, StepOutOfOrder
from workflow.rules.base import Evidence, fail, require, require_non_negative

ElectingBody = tuple[int, str]


def quorum_needed(due: int) -> int:
    """R-QUORUM: the fewest voters present for ``3 × present ≥ 2 × due``, i.e. ceil(2/3 × due)."""
    return -(-2 * due // 3)


def check_quorum(due: int, present: int) -> Evidence:
    """R-QUORUM (national): voters present ≥ 2/3 of those due to attend (``3 × present ≥ 2 × due``;
    exactly 2/3 passes)."""
    require_non_negative("R-QUORUM", due=due, present=present)
    needed = quorum_needed(due)
    evidence: Evidence = {"rule": "R-QUORUM", "due": due, "present": present, "needed": needed}
    require(due > 0, evidence, "nobody is due to attend", case="nobody")
    require(present <= due, evidence, f"{present} present but only {due} due to attend", case="over-due")
    return require(
        3 * present >= 2 * due, evidence, f"{present} of {due} present; at least {needed} needed (2/3)", case="short"
    )


def require_everyone_due(due: int, electorate: int, congress_type: str | None) -> None:
    """R-QUORUM counts against everyone with a vote at the congress: its members, or its
    representatives at a representative congress, as recorded; not a number typed at the congress."""
    if due != electorate:
        what = "representatives" if congress_type == "representative_congress" else "members"
        evidence = {"rule": "R-QUORUM", "due": due, "electorate": electorate}
        message = (
            f"{due} due to attend, but the congress has {electorate} {what} on record: everyone with a vote "
            "is due to attend"
        )
        raise RuleViolation("R-QUORUM", message, evidence, case="electorate")


def require_present_within_due(due: int, present: int) -> None:
    """R-QUORUM: nobody attends who is not due to."""
    if present > due:
        message = f"{present} present but only {due} due to attend"
        raise RuleViolation("R-QUORUM", message, {"rule": "R-QUORUM", "due": due, "present": present}, case="over-due")


def require_electing_body_due(due: int, electing: ElectingBody | None) -> Evidence:
    """R-QUORUM counts against everyone with a vote in the electing body; a `due` that is not that
    number would make the quorum and R-ELECTED's majority meaningless. Returns what was compared
    (the body is unknown for an imported term, whose congress the register does not describe)."""
    if electing is None:
        return {"electorate": None, "electing_body": "unknown (imported term)"}
    voters, body = electing
    if due != voters:
        evidence = {"rule": "R-QUORUM", "due": due, "electorate": voters, "electing_body": body}
        message = (
            f"{due} due to attend, but {body} that elected the chair has {voters} with a vote: "
            "everyone with a vote is due to attend"
        )
        raise RuleViolation("R-QUORUM", message, evidence, case="electing-body")
    return {"electorate": voters, "electing_body": body}


def annual_congress_due(typed: int | None, congress: ElectingBody | None) -> int:
    """R-ANNUAL: those due at the yearly congress are the union's members (members' meeting) or
    representatives (representative congress) as recorded, not a number typed at the congress. A
    number given must be that one; only for an imported term, whose congress the register does not
    describe (``congress`` is None), is the number given taken as it is."""
    if congress is None:
        if typed is None:
            evidence: Evidence = {"rule": "R-ANNUAL", "electing_body": "unknown (imported term)"}
            message = "the term was imported and its congress is not on record: say how many are due to attend"
            raise RuleViolation("R-ANNUAL", message, evidence, case="unknown")
        return typed
    voters, body = congress
    if typed is not None and typed != voters:
        evidence = {"rule": "R-ANNUAL", "due": typed, "electorate": voters, "electing_body": body}
        message = f"{typed} due to attend, but {body} has {voters} with a vote on record: everyone with a vote is due"
        raise RuleViolation("R-ANNUAL", message, evidence, case="electorate")
    return voters


def majority_needed(due: int) -> int:
    """R-ELECTED / R-REMOVAL: the fewest yes votes with ``2 × yes > due``."""
    return due // 2 + 1


def _more_than_half(rule: str, whole: str, count: int, yes: int, of_whom: str, every: str = "") -> Evidence:
    """Yes votes from more than half of a whole body (``2 × yes > count``), never more votes than
    the body has: R-ELECTED counts those due to attend, R-REMOVAL all members or representatives."""
    require_non_negative(rule, **{whole: count}, yes=yes)
    needed = majority_needed(count)
    evidence: Evidence = {"rule": rule, whole: count, "yes": yes, "needed": needed}
    if yes > count:
        fail(rule, f"{yes} yes votes but only {count} {of_whom}", evidence, case="too-many-yes")
    if 2 * yes <= count:
        message = f"{yes} yes of {every}{count} {of_whom}; more than half ({needed}) needed"
        fail(rule, message, evidence, case="majority")
    return evidence


def check_elected(due: int, yes: int) -> Evidence:
    """R-ELECTED (national): elected with yes votes > half of those **due** to attend with a vote
    (``2 × yes > due``), not half of those present."""
    return _more_than_half("R-ELECTED", "due", due, yes, "due to attend")


# --------------------------------------------------------------------------------------------------
# The chair and vice-chairs


def check_vice_chairs_elected(
    due: int, vice_chairs: list[str], yes: dict[str, int], elected_by: str | None
) -> list[Evidence]:
    """R-ELECTED for every vice-chair as for the chair: each has its yes votes recorded, from more
    than half of those due (``2 × yes > due``), and none are recorded for anyone not elected."""
    missing = [v for v in vice_chairs if v not in yes]
    extra = sorted(set(yes) - set(vice_chairs))
    if missing or extra:
        evidence = {"rule": "R-ELECTED", "missing": missing, "not_vice_chairs": extra}
        message = (
            f"every vice-chair's votes are recorded: missing for {', '.join(missing) or 'none'}; "
            f"recorded for {', '.join(extra) or 'none'} who is not a vice-chair"
        )
        raise RuleViolation("R-ELECTED", message, evidence, case="vice-chair-votes")
    return [check_elected(due, yes[v]) | {"vice_chair": v, "elected_by": elected_by} for v in vice_chairs]


def require_vetted_chair(chair: str, chair_candidates: set[str]) -> None:
    """R-VETTING: the chair elected is one of the vetted chair candidates."""
    if chair not in chair_candidates:
        message = f"{chair} was not a vetted chair candidate"
        raise RuleViolation("R-VETTING", message, {"chair_candidates": sorted(chair_candidates)}, case="chair")


def require_officers_from_committee(chair: str | None, vice_chairs: list[str], committee: list[str]) -> None:
    """R-ELECTED: the chair and vice-chairs come from the committee the congress elected (a chair
    an imported register does not name is None)."""
    outside = [p for p in [chair, *vice_chairs] if p is not None and p not in committee]
    if outside:
        evidence = {"rule": "R-ELECTED", "not_on_committee": outside}
        message = f"{', '.join(outside)} was not elected to the committee; chair and vice-chairs come from it"
        raise RuleViolation("R-ELECTED", message, evidence, case="from-committee")


def require_distinct_officers(chair: str | None, vice_chairs: list[str]) -> None:
    """R-ELECTED: each post is held by one person, and nobody holds two."""
    if chair in vice_chairs or len(set(vice_chairs)) != len(vice_chairs):
        raise RuleViolation("R-ELECTED", "the chair and each vice-chair must be different people", {}, case="distinct")


def require_chair_electorate_due(due: int, expected: int, elected_by: str) -> None:
    """R-ELECTED counts those due in the body that elects the chair: the congress directly
    (Charter §27; Dalian's plan) or the new committee at its first meeting."""
    if due != expected:
        body = "the congress" if elected_by == "congress" else "the committee"
        evidence = {"rule": "R-ELECTED", "due": due, "expected": expected}
        message = f"{due} due to vote, but {body} has {expected} with a vote"
        raise RuleViolation("R-ELECTED", message, evidence, case="electorate")


# --------------------------------------------------------------------------------------------------
# Removal


def check_removal(total_members_or_representatives: int, yes: int) -> Evidence:
    """R-REMOVAL (law): removing a chair or vice-chair needs yes votes from more than half of
    **all** members (or representatives), not of those present."""
    total = total_members_or_representatives
    return _more_than_half("R-REMOVAL", "total", total, yes, "members or representatives", every="all ")


def check_removal_by_congress(total: int, yes: int, congress: ElectingBody | None) -> Evidence:
    """R-REMOVAL: a chair or vice-chair removed by the congress needs yes votes from more than half
    of *all* its members or representatives, so the total counted must be everyone with a vote
    there (``congress``; None for an imported term, whose congress the register does not describe)."""
    if congress is None:
        return check_removal(total, yes) | {"congress": "unknown (imported term)"}
    voters, body = congress
    if total != voters:
        evidence = {"rule": "R-REMOVAL", "total": total, "yes": yes, "electorate": voters, "congress": body}
        message = (
            f"the removal vote counted {total} with a vote, but {body} has {voters}: more than half "
            "of all of them must vote yes"
        )
        raise RuleViolation("R-REMOVAL", message, evidence, case="electorate")
    return check_removal(total, yes) | {"congress": body}


def require_term_in_office(org_id: str, has_term: bool) -> None:
    """R-REMOVAL: vice-chairs are elected for a term; without one in office there is none to remove."""
    if not has_term:
        message = f"union {org_id} has no term in office: there is no vice-chair to remove"
        raise StepOutOfOrder("R-REMOVAL", message, {}, case="no-term")


def require_vice_chair(org_id: str, vice_chair: str, vice_chairs: list[str]) -> None:
    """R-REMOVAL removes a vice-chair in office."""
    if vice_chair not in vice_chairs:
        evidence = {"rule": "R-REMOVAL", "vice_chair": vice_chair, "vice_chairs": list(vice_chairs)}
        message = f"{vice_chair} is not a vice-chair of {org_id} (vice-chairs: {', '.join(vice_chairs) or 'none'})"
        raise RuleViolation("R-REMOVAL", message, evidence, case="not-vice-chair")
