"""Pure guard functions for the rules of RULES.md, by subject:

- `organisation`: the tree (R-APPROVER's levels, ORG-*), UNIT-COUNTS, founding (R-FOUNDED,
  R-PREP-GROUP), the registry import (TERM-EXISTS);
- `form`: R-FORM-25, R-CONGRESS-TYPE, R-REP-BANDS, R-COMMITTEE-SIZE, R-WOMEN, R-FUNDS-REVIEW,
  R-FULLTIME;
- `candidates`: R-CANDIDATES, R-CHAIR-COMPETITIVE, R-NOTICE, R-VETTING, R-INELIGIBLE;
- `vote`: R-QUORUM, R-ELECTED (the chair's election too), R-REMOVAL;
- `counting`: counting a round, R-BALLOTS, R-TIE, R-SHORTFALL;
- `terms`: R-TERM, R-TERM-END, R-REELECTION, R-EARLY, R-EXTENSION, R-ANNUAL, R-VACANCY, the alert
  dates (A-TERM-DUE, A-TERM-OVERDUE, A-VACANCY-OVERDUE);
- `dates`: DATE-FUTURE, DATE-ORDER.

Each guard takes plain values (and the pinned :class:`~workflow.profile.RuleProfile` where the rule is
configurable; a few read the folded state's plain data, `workflow.state`). A `check_*` guard returns,
on success, an *evidence* dict: JSON-safe (ints, strs, bools, lists, ISO dates), always with a
``"rule"`` key, recording the numbers that were checked, for events and audit bundles; a
`require_*` guard returns nothing (or what it found). On failure a guard raises the domain error
(:class:`~workflow.errors.RuleViolation`, or StepOutOfOrder / InvalidDate where the rule is about
order or dates) with the rule ID, a message that states the numbers in plain words, and the evidence.

Counts are compared with integer arithmetic exactly as RULES.md writes the rule (``3 × present ≥
2 × due``, ``2 × yes > due``); rates are exact decimals turned into fractions, never floats, so that
``ceil(0.14 × 50)`` is 7 and not 8.

Impossible inputs (negative counts, more present than due, ...) are refused with the ID of the rule
being checked, so a mistyped number is reported where it was entered.

Everything is re-exported here: ``from workflow import rules; rules.check_quorum(...)``.
"""

from __future__ import annotations

from workflow.rules.base import (
    ENTERPRISE,
    Evidence,
)
from workflow.rules.candidates import (
    CandidateFacts,
    Position,
    candidates_needed,
    check_candidates,
    check_chair_competitive,
    check_ineligible,
    check_notice,
    earliest_congress_on,
    require_chair_candidates_on_committee,
    require_distinct_names,
    require_funds_review_candidates,
    require_party_vetting,
    require_representatives_elected,
)
from workflow.rules.counting import (
    ElectionResult,
    check_ballots,
    count_election,
    require_runoff_waiting,
)
from workflow.rules.dates import (
    require_by_election_planned_after_request,
    require_congress_planned_after_plan,
    require_not_before_previous_step,
    require_not_before_term,
    require_not_in_the_future,
    require_term_started_by,
)
from workflow.rules.form import (
    CongressType,
    OrganisationForm,
    WomenOrganisation,
    check_committee_size,
    check_congress_type,
    check_form_of_organisation,
    check_funds_review,
    check_representative_count,
    check_women_committee,
    committee_size_range,
    fulltime_chair_warning,
    representative_range,
    require_funds_review_director,
    require_own_election,
    require_representative_congress,
    require_single_officer,
    require_women_director,
    women_organisation_required,
    women_requirement,
)
from workflow.rules.organisation import (
    GRASSROOTS_LEVELS,
    PARENT_LEVELS,
    check_prep_group,
    check_unit_counts,
    require_grassroots_level,
    require_new_organisation,
    require_no_history,
    require_no_term,
    require_not_founded,
    require_parent_exists,
    require_parent_level,
    require_term_holding_level,
    require_unit_facts,
    require_unit_level,
)
from workflow.rules.terms import (
    annual_congress,
    check_early_reelection,
    check_extension,
    check_reelection_timing,
    check_term_years,
    is_overdue,
    reelection_window_opens,
    require_chair_to_replace,
    require_current_term,
    require_early_for_current_term,
    require_early_reelection_approved,
    require_extension_for_current_term,
    require_founded_for_congress,
    require_no_reelection_under_way,
    require_no_request_waiting,
    require_not_extended,
    require_term_to_renew,
    require_vacancy_open,
    require_vacancy_over,
    term_due_from,
    term_end,
    vacancy_deadline,
    vacancy_is_over,
)
from workflow.rules.vote import (
    ElectingBody,
    check_elected,
    check_quorum,
    check_removal,
    check_removal_by_congress,
    majority_needed,
    quorum_needed,
    require_chair_electorate_due,
    require_distinct_officers,
    require_electing_body_due,
    require_everyone_due,
    require_officers_from_committee,
    require_present_within_due,
    require_term_in_office,
    require_vetted_chair,
    require_vice_chair,
)

__all__ = [
    "ENTERPRISE",
    "GRASSROOTS_LEVELS",
    "PARENT_LEVELS",
    "CandidateFacts",
    "CongressType",
    "ElectingBody",
    "ElectionResult",
    "Evidence",
    "OrganisationForm",
    "Position",
    "WomenOrganisation",
    "annual_congress",
    "candidates_needed",
    "check_ballots",
    "check_candidates",
    "check_chair_competitive",
    "check_committee_size",
    "check_congress_type",
    "check_early_reelection",
    "check_elected",
    "check_extension",
    "check_form_of_organisation",
    "check_funds_review",
    "check_ineligible",
    "check_notice",
    "check_prep_group",
    "check_quorum",
    "check_reelection_timing",
    "check_removal",
    "check_removal_by_congress",
    "check_representative_count",
    "check_term_years",
    "check_unit_counts",
    "check_women_committee",
    "committee_size_range",
    "count_election",
    "earliest_congress_on",
    "fulltime_chair_warning",
    "is_overdue",
    "majority_needed",
    "quorum_needed",
    "reelection_window_opens",
    "representative_range",
    "require_by_election_planned_after_request",
    "require_chair_candidates_on_committee",
    "require_chair_electorate_due",
    "require_chair_to_replace",
    "require_congress_planned_after_plan",
    "require_current_term",
    "require_distinct_names",
    "require_distinct_officers",
    "require_early_for_current_term",
    "require_early_reelection_approved",
    "require_electing_body_due",
    "require_everyone_due",
    "require_extension_for_current_term",
    "require_founded_for_congress",
    "require_funds_review_candidates",
    "require_funds_review_director",
    "require_grassroots_level",
    "require_new_organisation",
    "require_no_history",
    "require_no_reelection_under_way",
    "require_no_request_waiting",
    "require_no_term",
    "require_not_before_previous_step",
    "require_not_before_term",
    "require_not_extended",
    "require_not_founded",
    "require_not_in_the_future",
    "require_officers_from_committee",
    "require_own_election",
    "require_parent_exists",
    "require_parent_level",
    "require_party_vetting",
    "require_present_within_due",
    "require_representative_congress",
    "require_representatives_elected",
    "require_runoff_waiting",
    "require_single_officer",
    "require_term_holding_level",
    "require_term_in_office",
    "require_term_started_by",
    "require_term_to_renew",
    "require_unit_facts",
    "require_unit_level",
    "require_vacancy_open",
    "require_vacancy_over",
    "require_vetted_chair",
    "require_vice_chair",
    "require_women_director",
    "term_due_from",
    "term_end",
    "vacancy_deadline",
    "vacancy_is_over",
    "women_organisation_required",
    "women_requirement",
]
