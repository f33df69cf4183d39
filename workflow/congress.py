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
from workflow.calendar import add_months
from workflow.errors import RuleViolation, StepOutOfOrder
from workflow.state import UnionState


def decide_annual_congress(union: UnionState, cmd: c.RecordCongress) -> AnnualCongressHeld:
    if not union.founded:
        raise StepOutOfOrder(
            "R-ANNUAL", f"union {union.org_id} is not founded: its first congress is the founding congress", {}
        )
    # R-QUORUM: a congress is valid only with 2/3 of those due present (3 × present ≥ 2 × due).
    quorum = rules.check_quorum(cmd.due, cmd.present)
    annual: dict[str, object] = {"rule": "R-ANNUAL", "held_on": cmd.occurred_on.isoformat()}
    if union.last_congress_on is not None:
        annual["previous_congress_on"] = union.last_congress_on.isoformat()
        annual["within_12_months"] = cmd.occurred_on <= add_months(union.last_congress_on, 12)
    return AnnualCongressHeld(
        org_id=union.org_id,
        due=cmd.due,
        present=cmd.present,
        agenda=cmd.agenda,
        evidence=[quorum, annual],
    )


def decide_vice_chair_removal(union: UnionState, cmd: c.RemoveViceChair) -> ViceChairRemoved:
    if not union.founded or union.term is None:
        raise StepOutOfOrder(
            "R-REMOVAL", f"union {union.org_id} has no term in office: there is no vice-chair to remove", {}
        )
    if cmd.vice_chair not in union.vice_chairs:
        raise RuleViolation(
            "R-REMOVAL",
            f"{cmd.vice_chair} is not a vice-chair of {union.org_id} (vice-chairs: "
            f"{', '.join(union.vice_chairs) or 'none'})",
            {"rule": "R-REMOVAL", "vice_chair": cmd.vice_chair, "vice_chairs": list(union.vice_chairs)},
        )
    # R-REMOVAL: more than half of *all* members or representatives, counted against the congress.
    evidence = check_removal_vote(union, cmd.removal) | {"vice_chair": cmd.vice_chair}
    return ViceChairRemoved(
        org_id=union.org_id,
        vice_chair=cmd.vice_chair,
        removal=cmd.removal,
        reason=cmd.reason,
        evidence=[evidence],
    )
