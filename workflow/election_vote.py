"""The election's votes (R-QUORUM, R-ELECTED, R-BALLOTS): the congress that elects the committee
and the funds review committee, and the runoffs that settle a tie (R-TIE) or fill seats left open
(R-SHORTFALL). Their commands and their decisions; `workflow.election` takes the steps."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import Field

from events.catalogue import BallotCount, ElectionOutcome
from events.flows.election import CongressHeld, RunoffHeld
from workflow import rules
from workflow.command import ProcedureCommand
from workflow.profile import RuleProfile
from workflow.state import ElectionProgress, Procedure

if TYPE_CHECKING:
    from workflow.election import ElectChair, Electorate

VOTE_EXAMPLE: dict[str, Any] = {
    "seats": 3,
    "ballots_issued": 54,
    "ballots_returned": 54,
    "invalid_ballots": 0,
    "tallies": {"冯": 54, "陈": 53, "褚": 52},
}


class HoldCongress(ProcedureCommand):
    examples: ClassVar[list[dict[str, Any]]] = [
        {
            "due": 80,
            "present": 54,
            "committee_vote": VOTE_EXAMPLE | {"seats": 7, "tallies": {"赵": 54, "钱": 53, "孙": 52}},
            "funds_review_vote": VOTE_EXAMPLE,
            "occurred_on": "2019-03-01",
        }
    ]

    due: int = Field(ge=1, description="Those due to vote: members, or representatives")
    present: int = Field(ge=0)
    committee_vote: BallotCount
    funds_review_vote: BallotCount


class HoldRunoff(ProcedureCommand):
    examples: ClassVar[list[dict[str, Any]]] = [
        {
            "body": "committee",
            "due": 80,
            "present": 54,
            "vote": VOTE_EXAMPLE | {"seats": 1},
            "occurred_on": "2019-03-01",
        }
    ]

    body: Literal["committee", "funds_review"]
    due: int = Field(ge=1)
    present: int = Field(ge=0)
    vote: BallotCount


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
    proc: Procedure, e: ElectionProgress, cmd: HoldCongress, who: Electorate, profile: RuleProfile
) -> CongressHeld:
    assert e.posted_on is not None
    # R-NOTICE: the enterprise chair list's 7 days count to the meeting that elects the chair; when
    # the committee elects, that is its meeting (`decide_chair`), and the congress needs the 5 working days.
    chair_list = e.chair_elected_by == "congress"
    checks = [rules.check_notice(e.posted_on, cmd.occurred_on, who.unit_type, chair_list, profile)]
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
        **cmd.given("due", "present", "committee_vote", "funds_review_vote"),
        committee=outcome_of(committee),
        funds_review=outcome_of(funds),
        evidence=checks,
    )


def decide_runoff(proc: Procedure, e: ElectionProgress, cmd: HoldRunoff, profile: RuleProfile) -> RunoffHeld:
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
    held = cmd.given("body", "due", "present", "vote")
    return RunoffHeld(
        procedure_id=proc.procedure_id, **held, reason=pending.reason, outcome=outcome_of(result), evidence=checks
    )


def check_officers_vote(
    e: ElectionProgress, cmd: ElectChair, who: Electorate, profile: RuleProfile
) -> tuple[int | None, list[rules.Evidence]]:
    """The vote for the chair and vice-chairs, as any round (R-BALLOTS): against those present (at
    the congress's last sitting when it elects and none is given) and the valid ballots; and when
    the committee elects, the enterprise chair list's 7 days counted to its meeting (R-NOTICE).
    Returns those present it counted with, and the evidence."""
    by_congress = e.chair_elected_by == "congress"
    present = e.present if by_congress and cmd.present is None else cmd.present
    yes = {cmd.chair: cmd.yes} | {v: cmd.vice_chair_yes[v] for v in cmd.vice_chairs if v in cmd.vice_chair_yes}
    body = "the congress" if by_congress else "the committee"
    evidence = [rules.check_officer_ballots(cmd.due, present, cmd.valid_ballots, yes, body)]
    if not by_congress:
        assert e.posted_on is not None
        notice = rules.check_notice(e.posted_on, cmd.occurred_on, who.unit_type, True, profile, "committee meeting")
        evidence.append(notice | {"elected_by": "committee"})
    return present, evidence
