"""The election steps shared by founding (RULES.md §3 steps 4–8) and re-election (R-REELECTION):
congress type, representatives, candidates (proposed, posted, filed, vetted), the congress and its
counts, runoffs, the chair, the results filing and the higher-level union's reply.

Each `decide_*` function checks the rules for one step through the guards (workflow.rules) and
returns the event recording it, with the rule evidence; it never reads a clock or a database.
`workflow.election_fold` folds the events back into `ElectionProgress` without re-checking anything."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from events.catalogue import (
    BallotCount,
    Candidate,
    CandidatesApproved,
    CandidatesFiled,
    CandidatesPosted,
    CandidatesProposed,
    CandidatesRejected,
    ChairElected,
    CongressHeld,
    CongressTypeDecided,
    ElectionOutcome,
    ProcedureEvent,
    RepresentativesElected,
    ResultsApproved,
    ResultsFiled,
    ResultsRejected,
    RunoffHeld,
)
from workflow import commands as c
from workflow import rules
from workflow.kinds import StepHandler
from workflow.kinds import as_command as _as
from workflow.profile import RuleProfile
from workflow.state import (
    ElectionProgress,
    FoundingProcedure,
    Procedure,
    ReelectionProcedure,
    UnionState,
)


@dataclass(frozen=True)
class Electorate:
    """The facts of the unit the election reads: from the founding's recruitment, or the union's
    current facts at a re-election."""

    members: int
    female_members: int
    employees: int
    unit_type: str
    has_party_org: bool


# --------------------------------------------------------------------------- decisions


def decide_congress_type(
    proc: Procedure, cmd: c.DecideCongressType, who: Electorate, profile: RuleProfile
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
        congress_type=cmd.congress_type,
        form=cmd.form,
        members=who.members,
        committee_seats=cmd.committee_seats,
        women_organisation=women["required"],
        evidence=[*checks, women],
    )


def decide_representatives(
    proc: Procedure, e: ElectionProgress, cmd: c.ElectRepresentatives, profile: RuleProfile
) -> RepresentativesElected:
    rules.require_representative_congress(e.congress_type)
    evidence = rules.check_representative_count(e.members, cmd.representatives, profile)
    return RepresentativesElected(
        procedure_id=proc.procedure_id, representatives=cmd.representatives, evidence=[evidence]
    )


def candidate_facts(candidate: Candidate) -> rules.CandidateFacts:
    return rules.CandidateFacts(candidate=candidate.name, **candidate.model_dump(exclude={"name"}))


def decide_candidates(
    proc: Procedure, e: ElectionProgress, cmd: c.ProposeCandidates, who: Electorate, profile: RuleProfile
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
        checks.append(rules.check_ineligible(candidate_facts(x), "committee", who.unit_type))
    for x in cmd.chair_candidates:
        checks.append(rules.check_ineligible(candidate_facts(x), "chair", who.unit_type))
    return CandidatesProposed(
        procedure_id=proc.procedure_id,
        committee_seats=e.committee_seats,
        committee_candidates=cmd.committee_candidates,
        chair_candidates=cmd.chair_candidates,
        funds_review_seats=cmd.funds_review_seats,
        funds_review_candidates=cmd.funds_review_candidates,
        chair_elected_by=cmd.chair_elected_by,
        evidence=checks,
    )


def decide_post(proc: Procedure, cmd: c.PostCandidates) -> CandidatesPosted:
    return CandidatesPosted(procedure_id=proc.procedure_id, where=cmd.where)


def decide_file_candidates(proc: Procedure, cmd: c.FileCandidates, who: Electorate) -> CandidatesFiled:
    evidence = rules.require_party_vetting(who.has_party_org, cmd.party_approved, cmd.party_org)
    return CandidatesFiled(
        procedure_id=proc.procedure_id,
        party_org=cmd.party_org,
        party_approved=cmd.party_approved,
        remarks=cmd.remarks,
        evidence=[evidence],
    )


def _check_electorate(due: int, present: int, e: ElectionProgress) -> list[rules.Evidence]:
    rules.require_everyone_due(due, e.electorate, e.congress_type)
    return [rules.check_quorum(due, present)]


def outcome_of(result: rules.ElectionResult) -> ElectionOutcome:
    return ElectionOutcome(
        seats=result.seats,
        elected=list(result.elected),
        tied=list(result.tied),
        tie_seats=result.tie_seats,
        shortfall_seats=result.shortfall_seats,
        shortfall_action=result.shortfall_action,
    )


def _count(
    vote: BallotCount, due: int, profile: RuleProfile, members: int | None, seated: int = 0
) -> rules.ElectionResult:
    return rules.count_election(
        vote.seats,
        due,
        vote.tallies,
        vote.ballots_issued,
        vote.ballots_returned,
        vote.invalid_ballots,
        profile,
        committee_members=members,
        seated=seated,
    )


def decide_congress(
    proc: Procedure, e: ElectionProgress, cmd: c.HoldCongress, who: Electorate, profile: RuleProfile
) -> CongressHeld:
    assert e.posted_on is not None
    checks = [rules.check_notice(e.posted_on, cmd.occurred_on, who.unit_type, True, profile)]
    checks += _check_electorate(cmd.due, cmd.present, e)
    rules.check_ballots(
        cmd.committee_vote,
        cmd.present,
        e.committee_seats,
        (x.name for x in e.committee_candidates),
        "committee",
    )
    rules.check_ballots(
        cmd.funds_review_vote,
        cmd.present,
        e.funds_review_seats,
        (x.name for x in e.funds_review_candidates),
        "funds review committee",
    )
    committee = _count(cmd.committee_vote, cmd.due, profile, e.members)
    funds = _count(cmd.funds_review_vote, cmd.due, profile, None)
    checks += [committee.evidence | {"body": "committee"}, funds.evidence | {"body": "funds_review"}]
    return CongressHeld(
        procedure_id=proc.procedure_id,
        due=cmd.due,
        present=cmd.present,
        committee_vote=cmd.committee_vote,
        funds_review_vote=cmd.funds_review_vote,
        committee=outcome_of(committee),
        funds_review=outcome_of(funds),
        evidence=checks,
    )


def decide_runoff(proc: Procedure, e: ElectionProgress, cmd: c.HoldRunoff, profile: RuleProfile) -> RunoffHeld:
    rules.require_runoff_waiting(cmd.body, [r.body for r in e.runoffs])
    pending = next(r for r in e.runoffs if r.body == cmd.body)
    checks = _check_electorate(cmd.due, cmd.present, e)
    # R-TIE: the re-vote is among the tied only; R-SHORTFALL: for the missing seats only.
    names_rule = "R-TIE" if pending.reason == "tie" else "R-SHORTFALL"
    rules.check_ballots(cmd.vote, cmd.present, pending.seats, pending.candidates, cmd.body, names_rule)
    committee = cmd.body == "committee"
    # R-SHORTFALL: a reduction is judged on the whole body (those seated earlier and this round's
    # winners), which for the committee must still satisfy R-COMMITTEE-SIZE.
    seated = len(e.committee if committee else e.funds_review)
    result = _count(cmd.vote, cmd.due, profile, e.members if committee else None, seated=seated)
    checks.append(result.evidence | {"body": cmd.body, "runoff": pending.reason})
    return RunoffHeld(
        procedure_id=proc.procedure_id,
        body=cmd.body,
        reason=pending.reason,
        due=cmd.due,
        present=cmd.present,
        vote=cmd.vote,
        outcome=outcome_of(result),
        evidence=checks,
    )


def decide_chair(proc: Procedure, e: ElectionProgress, cmd: c.ElectChair) -> ChairElected:
    rules.require_vetted_chair(cmd.chair, {x.name for x in e.chair_candidates})
    rules.require_officers_from_committee(cmd.chair, cmd.vice_chairs, e.committee)
    rules.require_distinct_officers(cmd.chair, cmd.vice_chairs)
    # Elected directly by the congress (Charter §27; Dalian's plan) or by the new committee at its
    # first meeting: either way R-ELECTED counts those due, not those present.
    due_expected = e.electorate if e.chair_elected_by == "congress" else len(e.committee)
    rules.require_chair_electorate_due(cmd.due, due_expected, e.chair_elected_by)
    evidence = rules.check_elected(cmd.due, cmd.yes) | {"elected_by": e.chair_elected_by}
    return ChairElected(
        procedure_id=proc.procedure_id,
        chair=cmd.chair,
        vice_chairs=cmd.vice_chairs,
        by=e.chair_elected_by,
        due=cmd.due,
        yes=cmd.yes,
        evidence=[evidence],
    )


def decide_results(
    proc: Procedure, e: ElectionProgress, cmd: c.FileResults, who: Electorate, profile: RuleProfile
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
    return ResultsFiled(
        procedure_id=proc.procedure_id,
        committee=e.committee,
        chair=e.chair,
        vice_chairs=e.vice_chairs,
        funds_review=e.funds_review,
        funds_review_director=cmd.funds_review_director,
        finance_person=cmd.finance_person,
        women_committee_formed=cmd.women_committee_formed,
        women_director=cmd.women_director,
        fulltime_chair=cmd.fulltime_chair,
        term_years=cmd.term_years,
        evidence=checks,
    )


def decide_approve_results(proc: Procedure, e: ElectionProgress, cmd: c.ApproveFiling) -> ResultsApproved:
    assert e.congress_on is not None and e.term_years is not None
    # R-FOUNDED / R-TERM-END: the term runs from the congress date, not from the reply's date.
    end = rules.term_end(e.congress_on, e.term_years)
    return ResultsApproved(
        procedure_id=proc.procedure_id,
        document_no=cmd.document_no,
        remarks=cmd.remarks,
        term_start=e.congress_on,
        term_years=e.term_years,
        term_end=end,
        evidence=[
            {
                "rule": "R-TERM-END",
                "start": e.congress_on.isoformat(),
                "years": e.term_years,
                "end": end.isoformat(),
            }
        ],
    )


def decide_reject_results(proc: Procedure, cmd: c.RejectFiling) -> ResultsRejected:
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


def _approve_candidates(proc: Procedure, cmd: c.ApproveFiling) -> list[ProcedureEvent]:
    # R-VETTING, the higher-level union's part.
    evidence: list[dict[str, Any]] = [{"rule": "R-VETTING", "higher_union": True}]
    return [
        CandidatesApproved(
            procedure_id=proc.procedure_id, document_no=cmd.document_no, remarks=cmd.remarks, evidence=evidence
        )
    ]


# The election phase's step handlers (events.flows.election), for a founding or a re-election.
HANDLERS: dict[str, StepHandler] = {
    "decide_congress_type": lambda u, p, cmd: [
        decide_congress_type(p, _as(cmd, c.DecideCongressType), electorate(u, p), p.profile)
    ],
    "elect_representatives": lambda u, p, cmd: [
        decide_representatives(p, progress(p), _as(cmd, c.ElectRepresentatives), p.profile)
    ],
    "propose_candidates": lambda u, p, cmd: [
        decide_candidates(p, progress(p), _as(cmd, c.ProposeCandidates), electorate(u, p), p.profile)
    ],
    "post_candidates": lambda u, p, cmd: [decide_post(p, _as(cmd, c.PostCandidates))],
    "file_candidates": lambda u, p, cmd: [decide_file_candidates(p, _as(cmd, c.FileCandidates), electorate(u, p))],
    "approve_candidates": lambda u, p, cmd: _approve_candidates(p, _as(cmd, c.ApproveFiling)),
    "reject_candidates": lambda u, p, cmd: [
        CandidatesRejected(procedure_id=p.procedure_id, reasons=_as(cmd, c.RejectFiling).reasons)
    ],
    "hold_congress": lambda u, p, cmd: [
        decide_congress(p, progress(p), _as(cmd, c.HoldCongress), electorate(u, p), p.profile)
    ],
    "hold_runoff": lambda u, p, cmd: [decide_runoff(p, progress(p), _as(cmd, c.HoldRunoff), p.profile)],
    "elect_chair": lambda u, p, cmd: [decide_chair(p, progress(p), _as(cmd, c.ElectChair))],
    "file_results": lambda u, p, cmd: [
        decide_results(p, progress(p), _as(cmd, c.FileResults), electorate(u, p), p.profile)
    ],
    "approve_results": lambda u, p, cmd: [decide_approve_results(p, progress(p), _as(cmd, c.ApproveFiling))],
    # The person chooses where the redo starts (redo_from); each choice is a step of its own.
    **dict.fromkeys(
        ("reject_results_redo_congress", "reject_results_redo_candidates", "reject_results_redo_congress_type"),
        lambda u, p, cmd: [decide_reject_results(p, _as(cmd, c.RejectFiling))],
    ),
}
