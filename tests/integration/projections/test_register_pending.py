"""The register's facts of an election under way (`internal`): how the chair is to be elected comes
from the candidates' proposal until ChairElected says how it was, and a proposal superseded before
anything needs it is never decoded."""

from __future__ import annotations

from typing import Any

from events import DomainEvent
from events.catalogue import CATALOGUE, Candidate, CandidatesProposed, ChairElected, OrganisationRegistered
from projections.base import loads
from projections.feed import Ev
from projections.models.register import ORG_COLUMNS, Register, RegisterState
from projections.tree import Tree

PID = "U1:reelection-1"


def stored(version: int, event: DomainEvent) -> Ev[Any]:
    """The event as a rebuild reads it: its payload as stored, not decoded yet."""
    return Ev(
        version, "org-U1", version, event.event_type, 1, CATALOGUE.encode(event).encode(), b"{}", "2024-01-01", PID
    )


def proposal(chair_elected_by: str) -> CandidatesProposed:
    people = [Candidate(name=n) for n in ("王", "李", "张")]
    return CandidatesProposed(
        procedure_id=PID,
        committee_seats=3,
        committee_candidates=people,
        chair_candidates=people[:1],
        funds_review_seats=1,
        funds_review_candidates=people[1:2],
        chair_elected_by=chair_elected_by,  # type: ignore[arg-type]
    )


def pending(register: Register, state: RegisterState) -> Any:
    row = dict(zip(ORG_COLUMNS, register.render(state)["proj_orgs"][0], strict=True))
    return loads(row["internal"])


def test_the_way_of_electing_the_chair_is_the_proposals_until_the_chair_is_elected() -> None:
    register = Register(Tree())
    s = register.new("U1")
    events = [stored(1, OrganisationRegistered(org_id="U1", name="某厂工会", level="grassroots", parent_id=None))]
    events.append(stored(2, proposal("committee")))
    for ev in events:
        register.handlers[ev.type](s, ev)
    assert pending(register, s) == {PID: {"chair_elected_by": "committee"}}

    superseded, elected = (
        stored(3, proposal("congress")),
        stored(4, ChairElected(procedure_id=PID, chair="王", vice_chairs=[], by="committee", due=3, yes=3)),
    )
    for ev in (superseded, elected):
        register.handlers[ev.type](s, ev)
    assert pending(register, s) == {PID: {"chair_elected_by": "committee"}}
    assert superseded._event is None  # ChairElected said how the chair was elected: never read
    assert elected._event is not None
