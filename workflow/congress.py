"""The yearly congress held outside an election (R-ANNUAL: "a congress at least once a year", Law §17,
Charter §26). Elections hold a congress too (workflow.election); this records the others, so that
A-NO-ANNUAL-CONGRESS stops firing for a union that does meet every year between elections."""

from __future__ import annotations

from events.catalogue import AnnualCongressHeld
from workflow import commands as c
from workflow import rules
from workflow.calendar import add_months
from workflow.errors import StepOutOfOrder
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
