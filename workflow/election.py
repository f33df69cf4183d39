"""The election steps shared by founding (RULES.md §3 steps 4–8) and re-election (R-REELECTION):
congress type, representatives, candidates (proposed, posted, filed, vetted), the congress and its
counts, runoffs, the chair, the results filing and the higher-level union's reply.

Each `decide_*` function checks the rules for one step through the guards (workflow.rules) and
returns the event recording it, with the rule evidence; it never reads a clock or a database.
`workflow.election_fold` folds the events back into `ElectionProgress` without re-checking anything."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from pydantic import Field

from events.catalogue import Candidate, CongressType, OrganisationForm, ProcedureEvent
from events.flows.election import (
    CandidatesApproved,
    CandidatesFiled,
    CandidatesPosted,
    CandidatesProposed,
    CandidatesRejected,
    ChairElected,
    CongressTypeDecided,
    RepresentativesElected,
    ResultsApproved,
    ResultsFiled,
    ResultsRejected,
)
from workflow import rules
from workflow.bounds import Count, Name, Text
from workflow.command import ProcedureCommand
from workflow.election_vote import HoldCongress, HoldRunoff, check_officers_vote, decide_congress, decide_runoff
from workflow.election_vote import outcome_of as outcome_of
from workflow.kinds import ApproveFiling, RejectFiling, StepHandler, approval, rejected
from workflow.kinds import as_command as _as
from workflow.profile import RuleProfile
from workflow.state import ElectionProgress, FoundingProcedure, Procedure, ReelectionProcedure, UnionState


@dataclass(frozen=True)
class Electorate:
    """The facts of the unit the election reads: from the founding's recruitment, or the union's
    current facts at a re-election."""

    members: int
    female_members: int
    employees: int
    unit_type: str
    has_party_org: bool


# --------------------------------------------------------------------------- commands


class DecideCongressType(ProcedureCommand):
    examples: ClassVar[list[dict[str, Any]]] = [
        {"congress_type": "members_meeting", "form": "committee", "committee_seats": 7, "occurred_on": "2019-01-25"}
    ]

    congress_type: CongressType
    form: OrganisationForm = "committee"
    committee_seats: int = Field(ge=1)


class ElectRepresentatives(ProcedureCommand):
    examples: ClassVar[list[dict[str, Any]]] = [{"representatives": 60, "occurred_on": "2019-01-27"}]

    representatives: int = Field(ge=1)


class ProposeCandidates(ProcedureCommand):
    examples: ClassVar[list[dict[str, Any]]] = [
        {
            "committee_candidates": [{"name": n} for n in ("赵", "钱", "孙", "李", "周", "吴", "郑", "王")],
            "chair_candidates": [{"name": "赵"}, {"name": "钱"}],
            "funds_review_seats": 3,
            "funds_review_candidates": [{"name": "冯"}, {"name": "陈"}, {"name": "褚"}],
            "chair_elected_by": "congress",
            "occurred_on": "2019-02-01",
        }
    ]

    committee_candidates: list[Candidate] = Field(min_length=1)
    chair_candidates: list[Candidate] = Field(min_length=1)
    funds_review_seats: int = Field(ge=1)
    funds_review_candidates: list[Candidate] = Field(min_length=1)
    chair_elected_by: Literal["congress", "committee"] = "congress"


class PostCandidates(ProcedureCommand):
    examples: ClassVar[list[dict[str, Any]]] = [{"where": "公告栏", "occurred_on": "2019-02-01"}]

    where: Text = ""


class FileCandidates(ProcedureCommand):
    examples: ClassVar[list[dict[str, Any]]] = [
        {"party_org": "公司党支部", "party_approved": True, "occurred_on": "2019-02-05"}
    ]

    party_org: Name | None = None
    party_approved: bool | None = None
    remarks: Text = ""


class ElectChair(ProcedureCommand):
    examples: ClassVar[list[dict[str, Any]]] = [
        {
            "chair": "赵",
            "vice_chairs": ["钱"],
            "due": 80,
            "yes": 41,
            "vice_chair_yes": {"钱": 45},
            "occurred_on": "2019-03-01",
        }
    ]

    chair: Name
    vice_chairs: list[Name] = Field(default_factory=list)
    due: int = Field(ge=1)
    yes: int = Field(ge=0)
    vice_chair_yes: dict[Name, Count] = Field(
        default_factory=dict,
        description="Each vice-chair's yes votes, by name; R-ELECTED: every vice-chair listed has them, "
        "more than half of those due",
    )
    present: int | None = Field(
        default=None,
        ge=0,
        description="Voters present (R-BALLOTS: no yes count above it); the committee's members present when it "
        "elects; when the congress elects and none is given, those present at its last sitting",
    )
    valid_ballots: int | None = Field(
        default=None, ge=0, description="Valid ballots (R-BALLOTS: no yes count above it); all of those present if none"
    )


class FileResults(ProcedureCommand):
    examples: ClassVar[list[dict[str, Any]]] = [
        {
            "funds_review_director": "冯",
            "women_committee_formed": True,
            "women_director": "孙",
            "term_years": 5,
            "occurred_on": "2019-03-05",
        }
    ]

    funds_review_director: Name
    finance_person: Name | None = None
    women_committee_formed: bool = False
    women_director: Name | None = None
    fulltime_chair: bool = False
    term_years: int


# --------------------------------------------------------------------------- decisions


def decide_congress_type(
    proc: Procedure, cmd: DecideCongressType, who: Electorate, profile: RuleProfile
) -> CongressTypeDecided:
    checks = [
        rules.check_congress_type(who.members, cmd.congress_type, profile),
        rules.check_form_of_organisation(who.members, cmd.form, profile),
    ]
    rules.require_own_election(who.members, cmd.form)
    if cmd.form == "committee":
        checks.append(rules.check_committee_size(who.members, cmd.committee_seats, profile))
    else:
        rules.require_single_officer(who.members, cmd.form, cmd.committee_seats)
    women = rules.women_requirement(who.female_members, profile)
    return CongressTypeDecided(
        procedure_id=proc.procedure_id,
        **cmd.given("congress_type", "form", "committee_seats"),
        members=who.members,
        women_organisation=women["required"],
        evidence=[*checks, women],
    )


def decide_representatives(
    proc: Procedure, e: ElectionProgress, cmd: ElectRepresentatives, profile: RuleProfile
) -> RepresentativesElected:
    rules.require_representative_congress(e.congress_type)
    evidence = rules.check_representative_count(e.members, cmd.representatives, profile)
    return RepresentativesElected(
        procedure_id=proc.procedure_id, representatives=cmd.representatives, evidence=[evidence]
    )


def decide_candidates(
    proc: Procedure, e: ElectionProgress, cmd: ProposeCandidates, who: Electorate, profile: RuleProfile
) -> CandidatesProposed:
    rules.require_representatives_elected(e.congress_type, e.representatives)
    committee = [x.name for x in cmd.committee_candidates]
    chair = [x.name for x in cmd.chair_candidates]
    funds = [x.name for x in cmd.funds_review_candidates]
    rules.require_distinct_names(committee, "the committee list")
    rules.require_distinct_names(chair, "the chair list")
    rules.require_distinct_names(funds, "the funds review list")
    rules.require_chair_candidates_on_committee(chair, committee)
    checks: list[rules.Evidence] = [
        rules.check_candidates(e.committee_seats, len(committee), profile),
        rules.check_chair_competitive(who.unit_type, len(chair), profile),
    ]
    rules.require_funds_review_candidates(cmd.funds_review_seats, len(funds))
    for x in cmd.committee_candidates + cmd.funds_review_candidates:
        checks.append(rules.check_ineligible(x, "committee", who.unit_type))
    for x in cmd.chair_candidates:
        checks.append(rules.check_ineligible(x, "chair", who.unit_type))
    proposed = cmd.given(
        "committee_candidates", "chair_candidates", "funds_review_seats", "funds_review_candidates", "chair_elected_by"
    )
    return CandidatesProposed(
        procedure_id=proc.procedure_id, committee_seats=e.committee_seats, **proposed, evidence=checks
    )


def decide_post(proc: Procedure, cmd: PostCandidates) -> CandidatesPosted:
    return CandidatesPosted(procedure_id=proc.procedure_id, where=cmd.where)


def decide_file_candidates(proc: Procedure, cmd: FileCandidates, who: Electorate) -> CandidatesFiled:
    evidence = rules.require_party_vetting(who.has_party_org, cmd.party_approved, cmd.party_org)
    filing = cmd.given("party_org", "party_approved", "remarks")
    return CandidatesFiled(procedure_id=proc.procedure_id, **filing, evidence=[evidence])


def decide_chair(
    proc: Procedure, e: ElectionProgress, cmd: ElectChair, who: Electorate, profile: RuleProfile
) -> ChairElected:
    rules.require_vetted_chair(cmd.chair, {x.name for x in e.chair_candidates})
    rules.require_officers_from_committee(cmd.chair, cmd.vice_chairs, e.committee)
    rules.require_distinct_officers(cmd.chair, cmd.vice_chairs)
    # Elected directly by the congress (Charter §27; Dalian's plan) or by the new committee at its
    # first meeting: either way R-ELECTED counts those due, not those present.
    due_expected = e.electorate if e.chair_elected_by == "congress" else len(e.committee)
    rules.require_chair_electorate_due(cmd.due, due_expected, e.chair_elected_by)
    present, evidence = check_officers_vote(e, cmd, who, profile)
    evidence.append(rules.check_elected(cmd.due, cmd.yes) | {"elected_by": e.chair_elected_by})
    # R-ELECTED: every elected post has its votes, so each vice-chair is checked as the chair is.
    evidence += rules.check_vice_chairs_elected(cmd.due, cmd.vice_chairs, cmd.vice_chair_yes, e.chair_elected_by)
    votes = cmd.given("chair", "vice_chairs", "due", "yes", "vice_chair_yes", "valid_ballots")
    return ChairElected(
        procedure_id=proc.procedure_id, **votes, by=e.chair_elected_by, present=present, evidence=evidence
    )


def decide_results(
    proc: Procedure, e: ElectionProgress, cmd: FileResults, who: Electorate, profile: RuleProfile
) -> ResultsFiled:
    assert e.chair is not None
    checks: list[rules.Evidence] = [
        rules.check_term_years(cmd.term_years, profile),
        rules.check_funds_review(e.funds_review, e.chair, e.vice_chairs, cmd.finance_person),
        rules.check_women_committee(who.female_members, cmd.women_committee_formed, profile),
    ]
    rules.require_funds_review_director(cmd.funds_review_director, e.funds_review)
    rules.require_women_director(who.female_members, e.women_organisation, cmd.women_director)
    checks += rules.fulltime_chair_warning(who.employees, cmd.fulltime_chair, profile)
    # R-RESULTS-FILED: what the higher-level union is asked to approve, as the auditor will see it.
    checks.append(
        {
            "rule": "R-RESULTS-FILED",
            "committee": len(e.committee),
            "chair": e.chair,
            "vice_chairs": len(e.vice_chairs),
            "funds_review": len(e.funds_review),
            "funds_review_director": cmd.funds_review_director,
            "women_director": cmd.women_director,
            "term_years": cmd.term_years,
        }
    )
    # What the congress elected, as the election holds it, and what the filing adds to it.
    elected = {"committee": e.committee, "chair": e.chair, "vice_chairs": e.vice_chairs, "funds_review": e.funds_review}
    filed = cmd.given(
        "funds_review_director",
        "finance_person",
        "women_committee_formed",
        "women_director",
        "fulltime_chair",
        "term_years",
    )
    return ResultsFiled(procedure_id=proc.procedure_id, **elected, **filed, evidence=checks)


def decide_approve_results(proc: Procedure, e: ElectionProgress, cmd: ApproveFiling) -> ResultsApproved:
    assert e.congress_on is not None and e.term_years is not None
    # R-FOUNDED / R-TERM-END: the term runs from the congress date, not from the reply's date.
    end, reckoned = rules.reckon_term_end(e.congress_on, e.term_years)
    return approval(
        ResultsApproved, proc, cmd, term_start=e.congress_on, term_years=e.term_years, term_end=end, evidence=[reckoned]
    )


def decide_reject_results(proc: Procedure, cmd: RejectFiling) -> ResultsRejected:
    return ResultsRejected(procedure_id=proc.procedure_id, reasons=cmd.reasons, redo_from=cmd.redo_from or "congress")


def electorate(union: UnionState, proc: Procedure) -> Electorate:
    """The unit's facts the election reads: a founding's recruitment, or at a re-election the
    union's facts as they stand (kept current with UpdateUnitFacts)."""
    if isinstance(proc, FoundingProcedure):
        assert proc.unit is not None
        unit_type, party = proc.unit.unit_type, proc.unit.has_party_org
        return Electorate(proc.members, proc.female_members, proc.employees, unit_type, party)
    assert union.unit is not None
    u = union.unit
    return Electorate(u.members, u.female_members, u.employees, u.unit_type, u.has_party_org)


def progress(proc: Procedure) -> ElectionProgress:
    assert isinstance(proc, FoundingProcedure | ReelectionProcedure)
    return proc.election


def _approve_candidates(proc: Procedure, cmd: ApproveFiling) -> list[ProcedureEvent]:
    # R-VETTING, the higher-level union's part.
    evidence: list[dict[str, Any]] = [{"rule": "R-VETTING", "higher_union": True}]
    return [approval(CandidatesApproved, proc, cmd, evidence=evidence)]


# The election phase's step handlers (events.flows.election), for a founding or a re-election.
HANDLERS: dict[str, StepHandler] = {
    "decide_congress_type": lambda u, p, cmd: [
        decide_congress_type(p, _as(cmd, DecideCongressType), electorate(u, p), p.profile)
    ],
    "elect_representatives": lambda u, p, cmd: [
        decide_representatives(p, progress(p), _as(cmd, ElectRepresentatives), p.profile)
    ],
    "propose_candidates": lambda u, p, cmd: [
        decide_candidates(p, progress(p), _as(cmd, ProposeCandidates), electorate(u, p), p.profile)
    ],
    "post_candidates": lambda u, p, cmd: [decide_post(p, _as(cmd, PostCandidates))],
    "file_candidates": lambda u, p, cmd: [decide_file_candidates(p, _as(cmd, FileCandidates), electorate(u, p))],
    "approve_candidates": lambda u, p, cmd: _approve_candidates(p, _as(cmd, ApproveFiling)),
    "reject_candidates": rejected(CandidatesRejected),
    "hold_congress": lambda u, p, cmd: [
        decide_congress(p, progress(p), _as(cmd, HoldCongress), electorate(u, p), p.profile)
    ],
    "hold_runoff": lambda u, p, cmd: [decide_runoff(p, progress(p), _as(cmd, HoldRunoff), p.profile)],
    "elect_chair": lambda u, p, cmd: [decide_chair(p, progress(p), _as(cmd, ElectChair), electorate(u, p), p.profile)],
    "file_results": lambda u, p, cmd: [
        decide_results(p, progress(p), _as(cmd, FileResults), electorate(u, p), p.profile)
    ],
    "approve_results": lambda u, p, cmd: [decide_approve_results(p, progress(p), _as(cmd, ApproveFiling))],
    # The person chooses where the redo starts (redo_from); each choice is a step of its own.
    **dict.fromkeys(
        ("reject_results_redo_congress", "reject_results_redo_candidates", "reject_results_redo_congress_type"),
        lambda u, p, cmd: [decide_reject_results(p, _as(cmd, RejectFiling))],
    ),
}
