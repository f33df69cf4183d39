"""By-election of a chair who left mid-term (补选), R-VACANCY: the vacancy is recorded with its date
and an acting chair; the by-election is due within `vacancy_months` (3) with the higher-level
union's consent; it is held (R-QUORUM, R-ELECTED, R-BALLOTS) and its result approved.

A vote that elects nobody is recorded too (it happened) and leaves the by-election to be held
again; A-VACANCY-OVERDUE reports a vacancy that outlasts the deadline.

A by-election can be withdrawn only once its vacancy is over (a re-election installed a chair):
it is moot then and would otherwise stay open for ever. While the chair is vacant the by-election
is what R-VACANCY requires, so withdrawing it is refused."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import Field

from events.catalogue import BallotCount, Candidate, ProcedureEvent, RemovalVote
from events.flows.by_election import (
    BY_ELECTION_FLOW,
    ByElectionApproved,
    ByElectionConsented,
    ByElectionConsentRefused,
    ByElectionHeld,
    ByElectionRejected,
    ByElectionRequested,
    ChairVacancyRecorded,
)
from workflow import rules
from workflow.bounds import Date, Name, RequiredText
from workflow.command import ProcedureCommand, UnionCommand, handles, opens_when
from workflow.election import outcome_of
from workflow.kinds import (
    ApproveFiling,
    ProcedureKind,
    WithdrawProcedure,
    approval,
    approved,
    as_command,
    opener,
    opening,
    rejected,
    term_profile,
    withdraw,
)
from workflow.profile import RuleProfile
from workflow.state import ByElectionProcedure, Procedure, UnionState

if TYPE_CHECKING:
    from workflow.authority import Actor
    from workflow.unit_of_work import Decision, UnitOfWork

KIND = BY_ELECTION_FLOW.kind

_VOTE = {"seats": 1, "ballots_issued": 6, "ballots_returned": 6, "invalid_ballots": 0, "tallies": {"钱": 6}}


class RecordChairVacancy(UnionCommand):
    # DATE-ORDER: the chair leaves (or is removed) once installed.
    depends_on: ClassVar[tuple[str, ...]] = (*UnionCommand.depends_on, "chair_since")
    examples: ClassVar[list[dict[str, Any]]] = [
        {"acting_chair": "钱", "reason": "主席调离", "occurred_on": "2021-05-01"},
        {
            "acting_chair": "钱",
            "reason": "会员大会罢免",
            "removal": {"total": 80, "yes": 41},
            "occurred_on": "2021-05-01",
        },
    ]

    acting_chair: Name
    reason: RequiredText
    removal: RemovalVote | None = Field(
        default=None,
        description="When the congress removed the chair (罢免): its vote. R-REMOVAL: more than half of all "
        "members (members' meeting) or representatives (representative congress) voted yes; `total` is all of "
        "them, present or not.",
    )


class RequestByElection(ProcedureCommand):
    examples: ClassVar[list[dict[str, Any]]] = [
        {
            "candidates": [{"name": "钱"}],
            "planned_on": "2021-06-01",
            "posted_on": "2021-05-10",
            "party_org": "公司党支部",
            "party_approved": True,
            "occurred_on": "2021-05-10",
        }
    ]

    candidates: list[Candidate] = Field(min_length=1)
    planned_on: Date
    posted_on: Date | None = Field(
        default=None,
        description="when the candidate list was posted (R-NOTICE), no later than the request; the request's "
        "day when not given",
    )
    party_org: Name | None = Field(default=None, description="the Party organisation that vetted the list (R-VETTING)")
    party_approved: bool | None = Field(
        default=None, description="the Party organisation approved the list; needed where the unit has one (R-VETTING)"
    )


class HoldByElection(ProcedureCommand):
    examples: ClassVar[list[dict[str, Any]]] = [{"due": 7, "present": 6, "vote": _VOTE, "occurred_on": "2021-06-01"}]

    due: int = Field(
        ge=1,
        description="everyone with a vote in the body that elected the chair this term: the committee, the "
        "representatives, or the members on record (R-VACANCY, R-QUORUM)",
    )
    present: int = Field(ge=0)
    vote: BallotCount


@opens_when(KIND)
def chair_to_replace(union: UnionState) -> None:
    """R-VACANCY: a founded union with a chair (or an acting one) whose office may fall vacant."""
    rules.require_chair_to_replace(union.org_id, union.founded, union.chair, union.acting_chair)


@handles(RecordChairVacancy)
def record_chair_vacancy(cmd: RecordChairVacancy, union: UnionState, uow: UnitOfWork, actor: Actor) -> Decision:
    return opening(union, cmd, actor, KIND, decide_vacancy, partial(term_profile, union, uow))


def decide_vacancy(
    union: UnionState, procedure_id: str, cmd: RecordChairVacancy, profile: RuleProfile
) -> ChairVacancyRecorded:
    chair_to_replace(union)
    due = rules.vacancy_deadline(cmd.occurred_on, profile)
    return ChairVacancyRecorded(
        procedure_id=procedure_id,
        **profile.pinned(),
        departed_chair=union.chair,
        **cmd.given("acting_chair", "reason", "removal"),
        by_election_due=due,
        evidence=[
            {
                "rule": "R-VACANCY",
                "left_on": cmd.occurred_on.isoformat(),
                "months": profile.vacancy_months,
                "by_election_due": due.isoformat(),
            },
            *([check_removal_vote(union, cmd.removal)] if cmd.removal is not None else []),
        ],
    )


def check_removal_vote(union: UnionState, vote: RemovalVote) -> rules.Evidence:
    """R-REMOVAL: a chair removed by the congress needs yes votes from more than half of *all*
    its members or representatives, counted against the union's congress this term."""
    return rules.check_removal_by_congress(vote.total, vote.yes, congress_electorate(union))


def apply(union: UnionState, proc: Procedure, ev: ProcedureEvent, occurred_on: dt.date) -> None:
    assert isinstance(proc, ByElectionProcedure)
    match ev:
        case ChairVacancyRecorded():
            union.chair, union.acting_chair = None, ev.acting_chair
        case ByElectionRequested():
            proc.candidates, proc.planned_on = list(ev.candidates), ev.planned_on
            proc.posted_on = ev.posted_on or occurred_on
        case ByElectionHeld():
            proc.elected = ev.outcome.elected[0] if ev.outcome.elected else None
        case ByElectionRejected():
            proc.elected = None
        case ByElectionApproved():
            union.chair, union.acting_chair, union.chair_since = ev.chair, None, occurred_on
            # A vice-chair elected chair leaves the vice-chair's post.
            union.leave_vice_chair(ev.chair)


def _latest(union: UnionState) -> str:
    """The union's current by-election: a vacancy opens one, and only while the chair is held."""
    return union.procedures_of(KIND)[-1].procedure_id


def electorate(union: UnionState) -> tuple[int, str] | None:
    """Who votes at a by-election of the chair (R-VACANCY): the body that elected the chair this
    term, with how many have a vote there now: the committee in office, the representatives of a
    representative congress, or the members on record for a members' meeting. None when the term
    was imported from a register that does not say (who elected the chair, or how that body is
    made up)."""
    term = union.term
    if term is None or term.chair_elected_by is None:
        return None
    if term.chair_elected_by == "committee":
        seats = sitting_committee_size(union)
        return (seats, "the committee") if seats is not None else None
    return congress_electorate(union)


def _departed(union: UnionState) -> tuple[bool, str | None]:
    """Whether the chair is vacant now, and who left (None when the record never named a chair)."""
    vacancies = union.procedures_of(KIND)
    last = vacancies[-1] if vacancies else None
    if isinstance(last, ByElectionProcedure) and union.chair is None:
        return True, last.departed_chair
    return False, None


def sitting_committee(union: UnionState) -> list[str]:
    """The committee as it sits while the chair is vacant: without the departed chair (R-VACANCY)."""
    _, departed = _departed(union)
    return [m for m in union.committee if m != departed]


def sitting_committee_size(union: UnionState) -> int | None:
    """How many sit on the committee while the chair is vacant (R-VACANCY). By name when the
    committee's names are on record; an imported register that gave only its number counts the
    departed chair as one of them (R-ELECTED: the chair comes from the committee); None when the
    register gave neither."""
    if union.committee:
        return len(sitting_committee(union))
    if union.committee_size is None:
        return None
    vacant, _ = _departed(union)
    return union.committee_size - 1 if vacant else union.committee_size


def congress_electorate(union: UnionState) -> tuple[int, str] | None:
    """Everyone with a vote at the union's congress this term (R-ANNUAL, R-REMOVAL): the
    representatives of a representative congress, else the members on record. The same for a term
    elected here and an imported one whose register gave its congress type; None for an imported
    term whose register does not say how its congress was made up."""
    term = union.term
    if term is None or term.congress_type is None:
        return None
    if term.representatives is not None:
        return term.representatives, "the representatives' congress"
    return (union.unit.members if union.unit is not None else 0), "the members' meeting"


def _precheck(union: UnionState, proc: Procedure, cmd: ProcedureCommand) -> None:
    """R-VACANCY comes before the step's order: a by-election fills the vacancy it was opened for
    and may be withdrawn only once that vacancy is over."""
    assert isinstance(proc, ByElectionProcedure)
    if isinstance(cmd, RequestByElection | HoldByElection | ApproveFiling):
        rules.require_vacancy_open(proc, union.chair, _latest(union))
    elif isinstance(cmd, WithdrawProcedure):
        rules.require_vacancy_over(union.org_id, proc, union.acting_chair, union.chair, _latest(union))


def _request(union: UnionState, proc: Procedure, cmd: ProcedureCommand) -> list[ProcedureEvent]:
    cmd = as_command(cmd, RequestByElection)
    rules.require_by_election_planned_after_request(cmd.planned_on, cmd.occurred_on)
    posted_on = cmd.posted_on or cmd.occurred_on
    # DATE-ORDER: the list is posted before it is filed with the higher-level union, as at any election.
    rules.require_not_before_previous_step(cmd.occurred_on, posted_on)
    unit = union.unit
    unit_type = unit.unit_type if unit else "other"
    checks = [rules.check_chair_competitive(unit_type, len(cmd.candidates), proc.profile)]
    checks += _candidate_checks(union, cmd.candidates, unit_type)
    checks.append(rules.require_party_vetting(bool(unit and unit.has_party_org), cmd.party_approved, cmd.party_org))
    # R-NOTICE to the day the by-election is planned; `_hold` measures again if it meets another day.
    checks.append(rules.check_notice(posted_on, cmd.planned_on, unit_type, True, proc.profile))
    request = cmd.given("candidates", "planned_on", "party_org", "party_approved")
    return [ByElectionRequested(procedure_id=proc.procedure_id, **request, posted_on=posted_on, evidence=checks)]


def _candidate_checks(union: UnionState, candidates: list[Candidate], unit_type: str) -> list[rules.Evidence]:
    """A by-election is an election (R-VACANCY): each candidate is eligible to chair (R-INELIGIBLE),
    does not sit on the funds review committee the chair may not sit on (R-FUNDS-REVIEW) and, when
    the committee elects, sits on that committee."""
    names = [x.name for x in candidates]
    rules.require_distinct_names(names, "the by-election's list")
    term = union.term
    # An imported register that gave the committee's number but not its names: nobody to check by name.
    if term is not None and term.chair_elected_by == "committee" and union.committee:
        rules.require_chair_candidates_on_committee(names, sitting_committee(union))
    checks = [rules.check_ineligible(x, "chair", unit_type) for x in candidates]
    # An imported union may have no funds review committee on record: nothing to be incompatible with.
    if union.funds_review:
        checks += [rules.check_funds_review(union.funds_review, x, (), None) for x in names]
    return checks


def _hold(union: UnionState, proc: Procedure, cmd: ProcedureCommand) -> list[ProcedureEvent]:
    assert isinstance(proc, ByElectionProcedure)
    cmd = as_command(cmd, HoldByElection)
    rules.require_present_within_due(cmd.due, cmd.present)
    # Before the quorum: the electing body says what `due` must be.
    electing = rules.require_electing_body_due(cmd.due, electorate(union))
    checks = [rules.check_quorum(cmd.due, cmd.present) | electing]
    assert proc.posted_on is not None and proc.planned_on is not None
    if cmd.occurred_on != proc.planned_on:
        # R-NOTICE: the request measured the notice to the planned day; the body met on another.
        unit_type = union.unit.unit_type if union.unit else "other"
        notice = [rules.check_notice(proc.posted_on, cmd.occurred_on, unit_type, True, proc.profile)]
    else:
        notice = []
    rules.check_ballots(cmd.vote, cmd.present, 1, (x.name for x in proc.candidates), "by-election")
    vote = cmd.vote
    result = rules.count_election(
        1, cmd.due, vote.tallies, vote.ballots_issued, vote.ballots_returned, vote.invalid_ballots, proc.profile
    )
    checks += [result.evidence, *notice]
    held = cmd.given("due", "present", "vote")
    return [ByElectionHeld(procedure_id=proc.procedure_id, **held, outcome=outcome_of(result), evidence=checks)]


def _approve_result(union: UnionState, proc: Procedure, cmd: ProcedureCommand) -> list[ProcedureEvent]:
    assert isinstance(proc, ByElectionProcedure) and proc.elected is not None
    return [approval(ByElectionApproved, proc, cmd, chair=proc.elected)]


DEFINITION = ProcedureKind(
    flow=BY_ELECTION_FLOW,
    open_procedure=opener(
        ByElectionProcedure,
        BY_ELECTION_FLOW,
        "departed_chair",
        "acting_chair",
        "by_election_due",
        vacant_since=lambda union, ev, on: on,
    ),
    apply=apply,
    handlers={
        "request_by_election": _request,
        # R-VETTING, the higher-level union's part: its consent covers the list it was sent.
        "consent": approved(ByElectionConsented, evidence=[{"rule": "R-VETTING", "higher_union": True}]),
        "refuse_consent": rejected(ByElectionConsentRefused),
        "hold_by_election": _hold,
        "approve_result": _approve_result,
        "reject_result": rejected(ByElectionRejected),
        "withdraw": withdraw,
    },
    precheck=_precheck,
)
