"""What a union's congress decides outside an election: the yearly congress (R-ANNUAL: "a congress
at least once a year", Law §17, Charter §26), and the removal of a vice-chair (R-REMOVAL). Elections
hold a congress too (workflow.election); this records the others, so that A-NO-ANNUAL-CONGRESS stops
firing for a union that does meet every year between elections. A chair's removal opens a
by-election (workflow.by_election)."""

from __future__ import annotations

from events.catalogue import AnnualCongressHeld, ViceChairRemoved
from workflow import commands as c
from workflow import rules
from workflow.by_election import check_removal_vote
from workflow.state import UnionState


def decide_annual_congress(union: UnionState, cmd: c.RecordCongress) -> AnnualCongressHeld:
    rules.require_founded_for_congress(union.org_id, union.founded)
    # R-QUORUM: a congress is valid only with 2/3 of those due present (3 × present ≥ 2 × due).
    quorum = rules.check_quorum(cmd.due, cmd.present)
    annual = rules.annual_congress(cmd.occurred_on, union.last_congress_on)
    return AnnualCongressHeld(
        org_id=union.org_id,
        due=cmd.due,
        present=cmd.present,
        agenda=cmd.agenda,
        evidence=[quorum, annual],
    )


def decide_vice_chair_removal(union: UnionState, cmd: c.RemoveViceChair) -> ViceChairRemoved:
    rules.require_term_in_office(union.org_id, union.founded and union.term is not None)
    rules.require_vice_chair(union.org_id, cmd.vice_chair, union.vice_chairs)
    # R-REMOVAL: more than half of *all* members or representatives, counted against the congress.
    evidence = check_removal_vote(union, cmd.removal) | {"vice_chair": cmd.vice_chair}
    return ViceChairRemoved(
        org_id=union.org_id,
        vice_chair=cmd.vice_chair,
        removal=cmd.removal,
        reason=cmd.reason,
        evidence=[evidence],
    )
