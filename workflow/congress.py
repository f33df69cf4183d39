"""What a union's congress decides outside an election: the yearly congress (R-ANNUAL: "a congress
at least once a year", Law §17, Charter §26), and the removal of a vice-chair (R-REMOVAL). Elections
hold a congress too (workflow.election); this records the others, so that A-NO-ANNUAL-CONGRESS stops
firing for a union that does meet every year between elections. A chair's removal opens a
by-election (workflow.by_election)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import Field

from events.catalogue import AnnualCongressHeld, RemovalVote, ViceChairRemoved
from workflow import rules
from workflow.bounds import Name, RequiredText
from workflow.by_election import check_removal_vote, congress_electorate
from workflow.command import UnionCommand, handles
from workflow.kinds import staff_record
from workflow.state import UnionState

if TYPE_CHECKING:
    from workflow.authority import Actor
    from workflow.unit_of_work import Decision, UnitOfWork


class RecordCongress(UnionCommand):
    """Record the yearly congress held outside an election (R-ANNUAL), with its attendance."""

    examples: ClassVar[list[dict[str, Any]]] = [
        {"due": 80, "present": 54, "agenda": "工会工作报告；经费审查报告", "occurred_on": "2025-12-20"}
    ]

    due: int | None = Field(
        default=None,
        ge=1,
        description="Voters due to attend. R-ANNUAL: the union's members (members' meeting) or representatives "
        "(representative congress) as recorded; optional, and refused if it differs. Required only for an "
        "imported term whose register did not give its congress type (nobody else knows who is due).",
    )
    present: int = Field(ge=0, description="Present; R-QUORUM needs 3 × present ≥ 2 × due")
    agenda: RequiredText


class RemoveViceChair(UnionCommand):
    """Record that the congress removed a vice-chair from the post (罢免, R-REMOVAL)."""

    # DATE-ORDER: a vice-chair is removed once installed.
    depends_on: ClassVar[tuple[str, ...]] = (*UnionCommand.depends_on, "vice_chairs_since")

    examples: ClassVar[list[dict[str, Any]]] = [
        {"vice_chair": "钱", "removal": {"total": 80, "yes": 41}, "reason": "会员大会罢免", "occurred_on": "2021-05-01"}
    ]

    vice_chair: Name = Field(description="A vice-chair in office (the union's `vice_chairs`)")
    removal: RemovalVote = Field(
        description="The congress's vote (罢免). R-REMOVAL: more than half of all members (members' meeting) or "
        "representatives (representative congress) voted yes; `total` is all of them, present or not."
    )
    reason: RequiredText


@handles(RecordCongress)
def record_congress(cmd: RecordCongress, union: UnionState, uow: UnitOfWork, actor: Actor) -> Decision:
    staff_record(union, cmd, actor)
    return None, [decide_annual_congress(union, cmd)]


@handles(RemoveViceChair)
def remove_vice_chair(cmd: RemoveViceChair, union: UnionState, uow: UnitOfWork, actor: Actor) -> Decision:
    staff_record(union, cmd, actor)
    return None, [decide_vice_chair_removal(union, cmd)]


def decide_annual_congress(union: UnionState, cmd: RecordCongress) -> AnnualCongressHeld:
    rules.require_founded_for_congress(union.org_id, union.founded)
    # R-ANNUAL: those due are the members or representatives the union has on record.
    due = rules.annual_congress_due(cmd.due, congress_electorate(union))
    # R-QUORUM: a congress is valid only with 2/3 of those due present (3 × present ≥ 2 × due); one
    # without it is refused, so it neither counts nor resets A-NO-ANNUAL-CONGRESS.
    quorum = rules.check_quorum(due, cmd.present)
    annual = rules.annual_congress(cmd.occurred_on, union.last_congress_on)
    return AnnualCongressHeld(
        org_id=union.org_id, due=due, **cmd.given("present", "agenda"), quorate=True, evidence=[quorum, annual]
    )


def decide_vice_chair_removal(union: UnionState, cmd: RemoveViceChair) -> ViceChairRemoved:
    rules.require_term_in_office(union.org_id, union.founded and union.term is not None)
    rules.require_vice_chair(union.org_id, cmd.vice_chair, union.vice_chairs)
    # R-REMOVAL: more than half of *all* members or representatives, counted against the congress.
    evidence = check_removal_vote(union, cmd.removal) | {"vice_chair": cmd.vice_chair}
    removal = cmd.given("vice_chair", "removal", "reason")
    return ViceChairRemoved(org_id=union.org_id, **removal, evidence=[evidence])
