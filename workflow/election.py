"""The election steps shared by founding (RULES.md §3 steps 4–8) and re-election (R-REELECTION):
congress type, representatives, candidates (proposed, posted, filed, vetted), the congress and its
counts, runoffs, the chair, the results filing and the higher-level union's reply.

Each `decide_*` function checks the rules for one step and returns the event recording it, with
the rule evidence; it never reads a clock or a database. `apply` folds the events back into
`ElectionProgress` without re-checking anything."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
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
from workflow.errors import RuleViolation, StepOutOfOrder
from workflow.kinds import StepHandler
from workflow.kinds import as_command as _as
from workflow.profile import RuleProfile
from workflow.state import (
    ElectionProgress,
    FoundingProcedure,
    PendingRunoff,
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


# --------------------------------------------------------------------------- fold


def _runoff_after(body: str, outcome: ElectionOutcome, candidates: Iterable[str]) -> PendingRunoff | None:
    if outcome.tied:
        return PendingRunoff(body, "tie", outcome.tie_seats, list(outcome.tied))
    if outcome.shortfall_seats and outcome.shortfall_action != "reduce_seats":
        rest = [n for n in candidates if n not in outcome.elected]
        return PendingRunoff(body, "shortfall", outcome.shortfall_seats, rest)
    return None


def _seated(outcome: ElectionOutcome) -> list[str]:
    return list(outcome.elected)


def apply(e: ElectionProgress, ev: ProcedureEvent, occurred_on: dt.date) -> ElectionProgress:
    """Fold one election event into the progress; returns the progress to keep (a fresh one when
    the results were sent back to the very start of the election)."""
    match ev:
        case CongressTypeDecided():
            e.congress_type, e.form, e.members = ev.congress_type, ev.form, ev.members
            e.committee_seats, e.women_organisation = ev.committee_seats, ev.women_organisation
            if ev.congress_type != "representative_congress":
                e.representatives = None
        case RepresentativesElected():
            e.representatives = ev.representatives
        case CandidatesProposed():
            e.committee_candidates = list(ev.committee_candidates)
            e.chair_candidates = list(ev.chair_candidates)
            e.funds_review_candidates = list(ev.funds_review_candidates)
            e.chair_elected_by = ev.chair_elected_by
            e.committee_seats = e.proposed_committee_seats = ev.committee_seats
            e.funds_review_seats = e.proposed_funds_review_seats = ev.funds_review_seats
            e.posted_on = None
        case CandidatesPosted():
            e.posted_on = occurred_on
        case CandidatesApproved():
            e.candidates_approved_on = occurred_on
        case CongressHeld():
            e.congress_on = occurred_on
            e.committee = _seated(ev.committee)
            e.funds_review = _seated(ev.funds_review)
            if ev.committee.shortfall_action == "reduce_seats":
                e.committee_seats = len(ev.committee.elected)
            if ev.funds_review.shortfall_action == "reduce_seats":
                e.funds_review_seats = len(ev.funds_review.elected)
            e.runoffs = [
                r
                for r in (
                    _runoff_after("committee", ev.committee, (x.name for x in e.committee_candidates)),
                    _runoff_after("funds_review", ev.funds_review, (x.name for x in e.funds_review_candidates)),
                )
                if r is not None
            ]
            e.chair, e.vice_chairs = None, []
        case RunoffHeld():
            pending = next(r for r in e.runoffs if r.body == ev.body)
            seated = e.committee if ev.body == "committee" else e.funds_review
            seated.extend(ev.outcome.elected)
            if ev.outcome.shortfall_action == "reduce_seats":
                if ev.body == "committee":
                    e.committee_seats = len(seated)
                else:
                    e.funds_review_seats = len(seated)
            e.runoffs.remove(pending)
            nxt = _runoff_after(ev.body, ev.outcome, pending.candidates)
            if nxt is not None:
                e.runoffs.append(nxt)
        case ChairElected():
            e.chair, e.vice_chairs = ev.chair, list(ev.vice_chairs)
        case ResultsFiled():
            e.funds_review_director = ev.funds_review_director
            e.finance_person = ev.finance_person
            e.women_director = ev.women_director
            e.term_years = ev.term_years
        case ResultsRejected():
            if ev.redo_from in ("congress", "candidates"):
                e.congress_on, e.committee, e.funds_review, e.runoffs = None, [], [], []
                e.chair, e.vice_chairs = None, []
                # R-SHORTFALL: a reduction was the rejected congress's; the seats are as proposed
                e.committee_seats, e.funds_review_seats = e.proposed_committee_seats, e.proposed_funds_review_seats
            if ev.redo_from == "candidates":
                e.posted_on = e.candidates_approved_on = None
            if ev.redo_from == "congress_type":
                return ElectionProgress(members=e.members)
    return e


# --------------------------------------------------------------------------- decisions


def _evidence(*items: rules.Evidence | Iterable[rules.Evidence]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for item in items:
        if isinstance(item, dict):
            out.append(item)
        else:
            out.extend(item)
    return out


def decide_congress_type(
    proc: Procedure, cmd: c.DecideCongressType, who: Electorate, profile: RuleProfile
) -> CongressTypeDecided:
    checks = [
        rules.check_congress_type(who.members, cmd.congress_type, profile),
        rules.check_form_of_organisation(who.members, cmd.form, profile),
    ]
    if cmd.form == "joint_union":
        raise RuleViolation(
            "R-FORM-25",
            "a unit joining a joint grassroots union (联合基层工会) is admitted by that union; it holds no "
            "election of its own here",
            {"rule": "R-FORM-25", "members": who.members, "form": cmd.form},
        )
    if cmd.form == "committee":
        checks.append(rules.check_committee_size(who.members, cmd.committee_seats, profile))
    elif cmd.committee_seats != 1:
        raise RuleViolation(
            "R-FORM-25",
            f"a union with a single {cmd.form} elects 1 person, not {cmd.committee_seats}",
            {"rule": "R-FORM-25", "members": who.members, "form": cmd.form, "seats": cmd.committee_seats},
        )
    women = rules.women_organisation_required(who.female_members, profile)
    return CongressTypeDecided(
        procedure_id=proc.procedure_id,
        congress_type=cmd.congress_type,
        form=cmd.form,
        members=who.members,
        committee_seats=cmd.committee_seats,
        women_organisation=women,
        evidence=_evidence(
            *checks,
            {
                "rule": "R-WOMEN",
                "female_members": who.female_members,
                "threshold": profile.women_committee_threshold,
                "required": women,
            },
        ),
    )


def decide_representatives(
    proc: Procedure, e: ElectionProgress, cmd: c.ElectRepresentatives, profile: RuleProfile
) -> RepresentativesElected:
    if e.congress_type != "representative_congress":
        raise RuleViolation(
            "R-CONGRESS-TYPE",
            "a members' meeting (会员大会) elects no representatives: every member is due to attend",
            {"rule": "R-CONGRESS-TYPE", "congress_type": e.congress_type},
        )
    evidence = rules.check_representative_count(e.members, cmd.representatives, profile)
    return RepresentativesElected(
        procedure_id=proc.procedure_id, representatives=cmd.representatives, evidence=[evidence]
    )


def candidate_facts(candidate: Candidate) -> rules.CandidateFacts:
    return rules.CandidateFacts(candidate=candidate.name, **candidate.model_dump(exclude={"name"}))


def _unique(names: list[str], what: str) -> None:
    seen = {n for n in names if names.count(n) > 1}
    if seen:
        raise RuleViolation(
            "R-CANDIDATES",
            f"{what} lists the same person twice: {', '.join(sorted(seen))}",
            {"duplicates": sorted(seen)},
        )


def decide_candidates(
    proc: Procedure, e: ElectionProgress, cmd: c.ProposeCandidates, who: Electorate, profile: RuleProfile
) -> CandidatesProposed:
    if e.congress_type == "representative_congress" and not e.representatives:
        raise StepOutOfOrder(
            "R-REP-BANDS",
            "a representative congress needs its member representatives elected before candidates are proposed",
            {"congress_type": e.congress_type},
        )
    committee = [x.name for x in cmd.committee_candidates]
    chair = [x.name for x in cmd.chair_candidates]
    funds = [x.name for x in cmd.funds_review_candidates]
    _unique(committee, "the committee list")
    _unique(chair, "the chair list")
    _unique(funds, "the funds review list")
    not_on_committee = sorted(set(chair) - set(committee))
    if not_on_committee:
        raise RuleViolation(
            "R-CANDIDATES",
            f"chair candidates must stand for the committee too: {', '.join(not_on_committee)} "
            "is not on the committee list",
            {"rule": "R-CANDIDATES", "not_on_committee": not_on_committee},
        )
    checks: list[rules.Evidence] = [
        rules.check_candidates(e.committee_seats, len(committee), profile),
        rules.check_chair_competitive(who.unit_type, len(chair), profile),
    ]
    if len(funds) < cmd.funds_review_seats:
        raise RuleViolation(
            "R-FUNDS-REVIEW",
            f"{len(funds)} funds review candidates for {cmd.funds_review_seats} seats: at least "
            f"{cmd.funds_review_seats} needed",
            {"rule": "R-FUNDS-REVIEW", "seats": cmd.funds_review_seats, "candidates": len(funds)},
        )
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
    # R-VETTING, the Party organisation's part: where the unit has one, it must have approved the
    # list before the higher-level union is asked.
    if who.has_party_org and cmd.party_approved is not True:
        raise RuleViolation(
            "R-VETTING",
            "the unit has a Party organisation: its approval of the candidates (party_approved) is needed "
            "before the list is filed with the higher-level union",
            {"rule": "R-VETTING", "has_party_org": True, "party_approved": cmd.party_approved},
        )
    if who.has_party_org and not cmd.party_org:
        raise RuleViolation("R-VETTING", "name the Party organisation that vetted the list (party_org)", {})
    evidence = {"rule": "R-VETTING", "has_party_org": who.has_party_org, "party_approved": cmd.party_approved}
    return CandidatesFiled(
        procedure_id=proc.procedure_id,
        party_org=cmd.party_org,
        party_approved=cmd.party_approved,
        remarks=cmd.remarks,
        evidence=[evidence],
    )


def _check_electorate(due: int, present: int, e: ElectionProgress) -> list[rules.Evidence]:
    if due != e.electorate:
        what = "representatives" if e.congress_type == "representative_congress" else "members"
        raise RuleViolation(
            "R-QUORUM",
            f"{due} due to attend, but the congress has {e.electorate} {what} on record: everyone with a vote "
            "is due to attend",
            {"rule": "R-QUORUM", "due": due, "electorate": e.electorate},
        )
    return [rules.check_quorum(due, present)]


def check_ballots(
    vote: BallotCount, present: int, seats: int, names: Iterable[str], body: str, names_rule: str = "R-VETTING"
) -> None:
    """R-BALLOTS, and votes only for the names on the ballot: the vetted candidates (R-VETTING), or
    in a runoff the tied (R-TIE) or the candidates left for the missing seats (R-SHORTFALL)."""
    # R-BALLOTS: no proxy voting, so ballots go only to voters present in person.
    if vote.ballots_issued > present:
        raise RuleViolation(
            "R-BALLOTS",
            f"{body}: {vote.ballots_issued} ballots issued but only {present} voters present (no proxy voting)",
            {"rule": "R-BALLOTS", "ballots_issued": vote.ballots_issued, "present": present},
        )
    if vote.seats != seats:
        raise RuleViolation(
            "R-BALLOTS",
            f"{body}: the vote was for {vote.seats} seats but {seats} are to be filled",
            {"rule": "R-BALLOTS", "vote_seats": vote.seats, "seats": seats},
        )
    unknown = sorted(set(vote.tallies) - set(names))
    if unknown:
        among = {"R-TIE": "the tied candidates", "R-SHORTFALL": "the candidates left for the missing seats"}
        allowed = among.get(names_rule, "the vetted candidates")
        raise RuleViolation(
            names_rule,
            f"{body}: votes for {', '.join(unknown)}, who is not among {allowed}",
            {"rule": names_rule, "unknown": unknown},
        )


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
    check_ballots(
        cmd.committee_vote,
        cmd.present,
        e.committee_seats,
        (x.name for x in e.committee_candidates),
        "committee",
    )
    check_ballots(
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
    pending = next((r for r in e.runoffs if r.body == cmd.body), None)
    if pending is None:
        raise StepOutOfOrder(
            "R-TIE", f"no seats of the {cmd.body} wait for a runoff", {"pending": [r.body for r in e.runoffs]}
        )
    checks = _check_electorate(cmd.due, cmd.present, e)
    # R-TIE: the re-vote is among the tied only; R-SHORTFALL: for the missing seats only.
    names_rule = "R-TIE" if pending.reason == "tie" else "R-SHORTFALL"
    check_ballots(cmd.vote, cmd.present, pending.seats, pending.candidates, cmd.body, names_rule)
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
    chair_names = {x.name for x in e.chair_candidates}
    if cmd.chair not in chair_names:
        raise RuleViolation(
            "R-VETTING",
            f"{cmd.chair} was not a vetted chair candidate",
            {"chair_candidates": sorted(chair_names)},
        )
    outside = [p for p in [cmd.chair, *cmd.vice_chairs] if p not in e.committee]
    if outside:
        raise RuleViolation(
            "R-ELECTED",
            f"{', '.join(outside)} was not elected to the committee; chair and vice-chairs come from it",
            {"rule": "R-ELECTED", "not_on_committee": outside},
        )
    if cmd.chair in cmd.vice_chairs or len(set(cmd.vice_chairs)) != len(cmd.vice_chairs):
        raise RuleViolation("R-ELECTED", "the chair and each vice-chair must be different people", {})
    # Elected directly by the congress (Charter §27; Dalian's plan) or by the new committee at its
    # first meeting: either way R-ELECTED counts those due, not those present.
    due_expected = e.electorate if e.chair_elected_by == "congress" else len(e.committee)
    if cmd.due != due_expected:
        body = "the congress" if e.chair_elected_by == "congress" else "the committee"
        raise RuleViolation(
            "R-ELECTED",
            f"{cmd.due} due to vote, but {body} has {due_expected} with a vote",
            {"rule": "R-ELECTED", "due": cmd.due, "expected": due_expected},
        )
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
    if cmd.funds_review_director not in e.funds_review:
        raise RuleViolation(
            "R-FUNDS-REVIEW",
            f"{cmd.funds_review_director} is not on the funds review committee elected ({', '.join(e.funds_review)})",
            {"rule": "R-FUNDS-REVIEW", "director": cmd.funds_review_director, "elected": e.funds_review},
        )
    if e.women_organisation in ("committee", "member") and not cmd.women_director:
        raise RuleViolation(
            "R-WOMEN",
            f"{who.female_members} female members: name the women workers' "
            f"{'committee director' if e.women_organisation == 'committee' else 'member'} (women_director)",
            {"rule": "R-WOMEN", "female_members": who.female_members, "required": e.women_organisation},
        )
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


def apply_to_union(
    union: UnionState, proc: Procedure, e: ElectionProgress, ev: ProcedureEvent, occurred_on: dt.date
) -> None:
    """What the election's events change for the union itself."""
    match ev:
        case CongressHeld():
            union.last_congress_on = occurred_on  # A-NO-ANNUAL-CONGRESS reads this
        case ResultsApproved():
            # R-FOUNDED / R-REELECTION: the approval starts the (new) term from the congress date.
            term = union.start_term(ev.term_start, ev.term_years, ev.term_end, started_by=proc.procedure_id)
            term.chair_elected_by = e.chair_elected_by
            term.representatives = e.representatives if e.congress_type == "representative_congress" else None
            if union.founded_on is None:
                union.founded_on = occurred_on
            union.committee, union.funds_review = list(e.committee), list(e.funds_review)
            union.chair, union.vice_chairs, union.acting_chair = e.chair, list(e.vice_chairs), None


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
