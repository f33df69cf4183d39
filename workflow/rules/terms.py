"""Terms and re-election (RULES.md §5) and the alert dates (§6): the term's length and end
(R-TERM, R-TERM-END), re-election (R-REELECTION, R-EARLY), extension (R-EXTENSION), the yearly
congress (R-ANNUAL) and the chair's vacancy (R-VACANCY). Date arithmetic in years or months lands
on the same day of the target month, or on its last day (workflow.calendar)."""

from __future__ import annotations

from datetime import date

from workflow.calendar import add_months, add_years
from workflow.errors import RuleViolation, StepOutOfOrder
from workflow.profile import RuleProfile
from workflow.rules.base import Evidence, cite, require, require_one_at_a_time
from workflow.state import ByElectionProcedure, Term


def check_term_years(years: int, profile: RuleProfile) -> Evidence:
    """R-TERM (law): the term is one of the profile's allowed lengths ({3, 5} by default)."""
    allowed = sorted(profile.term_years_allowed)
    evidence: Evidence = {"rule": "R-TERM", "years": years, "allowed": allowed}
    message = f"a term of {years} years is not allowed; allowed: {', '.join(map(str, allowed))} years"
    return require(years in profile.term_years_allowed, evidence, message)


def term_end(start: date, years: int) -> date:
    """R-TERM-END: start + ``years`` years, 29 February landing on 28 February."""
    return add_years(start, years)


def reckon_term_end(start: date, years: int) -> tuple[date, Evidence]:
    """R-TERM-END: the term's end, with the evidence of how it was reckoned."""
    end = term_end(start, years)
    return end, {"rule": "R-TERM-END", "start": start.isoformat(), "years": years, "end": end.isoformat()}


def check_extension(term_ends_on: date, new_deadline: date, profile: RuleProfile) -> Evidence:
    """R-EXTENSION (law; limit local): an approved delay moves the deadline to a date after the term
    end and at most ``extension_max_months`` (6) months after it, inclusive."""
    latest = add_months(term_ends_on, profile.extension_max_months)
    evidence = cite(
        "R-EXTENSION",
        term_end=term_ends_on.isoformat(),
        new_deadline=new_deadline.isoformat(),
        latest_allowed=latest.isoformat(),
        max_months=profile.extension_max_months,
    )
    require(
        new_deadline > term_ends_on,
        evidence,
        f"new deadline {new_deadline} is not after the term end {term_ends_on}",
        case="not-after",
    )
    return require(
        new_deadline <= latest,
        evidence,
        f"new deadline {new_deadline} is after {latest}, the latest allowed (term end {term_ends_on} "
        f"+ {profile.extension_max_months} months)",
        case="too-late",
    )


def check_early_reelection(term_ends_on: date, new_congress_on: date) -> Evidence:
    """R-EARLY (law): an early re-election holds the new congress before the term ends; the new term
    starts on that congress date."""
    evidence = cite("R-EARLY", term_end=term_ends_on.isoformat(), new_congress_on=new_congress_on.isoformat())
    message = f"congress on {new_congress_on} is not before the term end {term_ends_on}, so it is not early"
    return require(new_congress_on < term_ends_on, evidence, message, case="not-early")


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


# --------------------------------------------------------------------------------------------------
# The current term and the requests about it


def require_current_term(rule: str, org_id: str, term: Term | None) -> Term:
    """A request about the current term (R-EXTENSION, R-EARLY) needs a term in office."""
    if term is None:
        raise StepOutOfOrder(rule, f"union {org_id} has no current term", {"union": org_id}, case="no-term")
    return term


def require_no_request_waiting(rule: str, org_id: str, request: str, waiting: bool) -> None:
    """R-EXTENSION / R-EARLY: one request of a kind waits on the higher-level union at a time."""
    require_one_at_a_time(rule, org_id, f"already has {request} waiting", waiting, case="waiting")


def require_not_extended(term: Term, profile: RuleProfile) -> None:
    """R-EXTENSION: one extension per term: the limit bounds the total delay, and a second request
    would get round it."""
    if term.extension_procedure is not None:
        evidence = {
            "rule": "R-EXTENSION",
            "deadline": term.deadline.isoformat(),
            "extended_by": term.extension_procedure,
        }
        message = (
            f"term {term.number} was already extended to {term.deadline}; the limit of "
            f"{profile.extension_max_months} months bounds the total delay"
        )
        raise StepOutOfOrder("R-EXTENSION", message, evidence, case="extended")


def _require_request_for_current_term(rule: str, requested_for: date, term_end: date, evidence: Evidence) -> None:
    # What R-EXTENSION and R-EARLY share: a request is decided for the term it was made for.
    if term_end != requested_for:
        message = (
            f"the request was for the term ending {requested_for}; the union has since started a term ending {term_end}"
        )
        raise StepOutOfOrder(rule, message, evidence, case="stale")


def require_extension_for_current_term(requested_for: date, term_end: date) -> None:
    """R-EXTENSION: the approval moves the deadline of the term the request was made for; once the
    union has started another term, the request is about a term that is over."""
    _require_request_for_current_term(
        "R-EXTENSION", requested_for, term_end, {"requested_for": requested_for.isoformat()}
    )


def require_early_for_current_term(requested_for: date, term_end: date) -> None:
    """R-EARLY: the approval lets the *current* term be re-elected early: a request made for a term
    that has since been renewed is about another term and cannot be approved."""
    evidence = {"requested_for": requested_for.isoformat(), "term_end": term_end.isoformat()}
    _require_request_for_current_term("R-EARLY", requested_for, term_end, evidence)


# --------------------------------------------------------------------------------------------------
# Re-election


def require_term_to_renew(org_id: str, founded: bool, term: Term | None) -> Term:
    """R-REELECTION renews a term in office: a union is founded first."""
    if not founded or term is None:
        message = f"union {org_id} has no term to renew: found it first"
        raise StepOutOfOrder("R-REELECTION", message, {"union": org_id}, case="no-term")
    return term


def require_no_reelection_under_way(org_id: str, open_reelections: list[str]) -> None:
    """R-REELECTION: one re-election at a time renews the term."""
    already = "already has a re-election under way"
    require_one_at_a_time(
        "R-REELECTION", org_id, already, open_reelections, {"open": open_reelections}, case="under-way"
    )


def reelection_window_opens(term: Term, profile: RuleProfile) -> date:
    """R-EARLY: a re-election is ordinary from the reminder window before the ORIGINAL term end
    (A-TERM-DUE's window); an approved extension moves the deadline, never this window back."""
    return term_due_from(term.end, profile)


def check_reelection_timing(
    term: Term, opened_on: date, planned_congress_on: date, profile: RuleProfile
) -> tuple[bool, list[Evidence]]:
    """R-ON-TIME and R-EARLY when a re-election opens; returns whether it is early, and the evidence.
    Early only before the original term's window (then it needs the approval of an early
    re-election); a warning for the approver when the planned congress falls after the deadline
    (the term end, or an approved extension's end)."""
    window_opens = reelection_window_opens(term, profile)
    on_time: Evidence = {
        "rule": "R-ON-TIME",
        "term_end": term.end.isoformat(),
        "deadline": term.deadline.isoformat(),
        "window_opens": window_opens.isoformat(),
    }
    if planned_congress_on > term.deadline:
        on_time["congress_after_deadline"] = True
        on_time["extension_approved"] = term.extension_procedure is not None
        on_time["warning"] = (
            f"the congress planned for {planned_congress_on} falls after the deadline {term.deadline}"
            + ("" if term.extension_procedure else " and no extension is approved")
        )
    if opened_on < window_opens:
        return True, [on_time, require_early_reelection_approved(term, window_opens, opened_on)]
    return False, [on_time]


def require_early_reelection_approved(term: Term, window_opens: date, opened_on: date) -> Evidence:
    """R-EARLY: a re-election opened before the reminder window of the original term end is early
    (提前换届) and needs the higher-level union's approval of an early re-election first."""
    if term.early_reelection_procedure is None:
        evidence = {
            "rule": "R-EARLY",
            "term_end": term.end.isoformat(),
            "window_opens": window_opens.isoformat(),
            "opened_on": opened_on.isoformat(),
        }
        message = (
            f"the term ends {term.end}; a re-election opened before {window_opens} is early (提前换届) "
            "and needs the higher-level union's approval of an early re-election first"
        )
        raise StepOutOfOrder("R-EARLY", message, evidence, case="needs-approval")
    return {"rule": "R-EARLY", "approved_by": term.early_reelection_procedure}


# --------------------------------------------------------------------------------------------------
# R-ANNUAL: the yearly congress


def require_founded_for_congress(org_id: str, founded: bool) -> None:
    """R-ANNUAL: a union's first congress is its founding congress; the yearly ones come after."""
    if not founded:
        message = f"union {org_id} is not founded: its first congress is the founding congress"
        raise StepOutOfOrder("R-ANNUAL", message, {}, case="not-founded")


def annual_congress(held_on: date, previous_congress_on: date | None) -> Evidence:
    """R-ANNUAL: a congress at least once a year; records whether this one came within 12 months of
    the previous one (A-NO-ANNUAL-CONGRESS reads the dates, not this flag)."""
    evidence: Evidence = {"rule": "R-ANNUAL", "held_on": held_on.isoformat()}
    if previous_congress_on is not None:
        evidence["previous_congress_on"] = previous_congress_on.isoformat()
        evidence["within_12_months"] = held_on <= add_months(previous_congress_on, 12)
    return evidence


# --------------------------------------------------------------------------------------------------
# R-VACANCY: the chair's vacancy and its by-election


def require_chair_to_replace(org_id: str, founded: bool, chair: str | None, acting_chair: str | None) -> None:
    """R-VACANCY: a vacancy is recorded for a founded union's chair in office, or for one an
    imported register did not name (no chair on record, nobody acting): only a chair already
    vacant (an acting chair meanwhile) is refused."""
    if not founded:
        message = f"union {org_id} is not founded: it has no chair to replace"
        raise StepOutOfOrder("R-VACANCY", message, {}, case="not-founded")
    if chair is None and acting_chair is not None:
        message = f"the chair of {org_id} is already vacant (acting chair: {acting_chair})"
        raise StepOutOfOrder("R-VACANCY", message, {"acting_chair": acting_chair}, case="already-vacant")


def vacancy_is_over(proc: ByElectionProcedure, chair: str | None, current_by_election: str) -> bool:
    """R-VACANCY: the vacancy a by-election was opened for is over once a chair was elected
    otherwise (a re-election), or a later vacancy has its own by-election (the current one)."""
    return chair is not None or current_by_election != proc.procedure_id


def require_vacancy_open(proc: ByElectionProcedure, chair: str | None, current_by_election: str) -> None:
    """R-VACANCY: a by-election fills the vacancy it was opened for; once moot it may not replace
    anyone."""
    if vacancy_is_over(proc, chair, current_by_election):
        now = f"{chair} is the chair now" if chair is not None else f"{current_by_election} is the current by-election"
        evidence = {"procedure_id": proc.procedure_id, "chair": chair, "current_by_election": current_by_election}
        message = f"by-election {proc.procedure_id} was for the vacancy from {proc.vacant_since}, which is over: {now}"
        raise StepOutOfOrder("R-VACANCY", message, evidence, case="over")


def require_vacancy_over(
    org_id: str, proc: ByElectionProcedure, acting_chair: str | None, chair: str | None, current_by_election: str
) -> None:
    """R-VACANCY: while the chair this by-election is for is still vacant, the by-election is due
    (within `vacancy_months`) and may not be withdrawn; once a chair is in office again it may."""
    if not vacancy_is_over(proc, chair, current_by_election):
        assert proc.vacant_since is not None and proc.by_election_due is not None  # set when opened
        evidence = {
            "procedure_id": proc.procedure_id,
            "vacant_since": proc.vacant_since.isoformat(),
            "by_election_due": proc.by_election_due.isoformat(),
            "chair": None,
        }
        message = (
            f"the chair of {org_id} is vacant since {proc.vacant_since} (acting chair: {acting_chair}): "
            f"by-election {proc.procedure_id} is due by {proc.by_election_due} and cannot be withdrawn"
        )
        raise RuleViolation("R-VACANCY", message, evidence, case="due")
