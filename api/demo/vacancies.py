"""A chair's post falling vacant (R-VACANCY), some by the congress's removal (罢免, R-REMOVAL), and
the by-election that fills it: asked for, consented to by the higher-level union, held, filled."""

from __future__ import annotations

import datetime as dt
import zlib

from api.demo.elections import Election
from api.demo.naming import REMOVAL_REASON, VACANCY_REASONS
from api.demo.registry import imported_electorate
from api.demo.story import Story
from api.demo.timeline import DAY, Item, place
from events.catalogue import BallotCount, Candidate, RemovalVote
from workflow import commands as c
from workflow import rules


def vacancy(s: Story, left: dt.date, situation: str, e: Election | None) -> None:
    """The chair left on `left`; the by-election goes as far as `situation` says."""
    rng, u = s.rng, s.union_id
    pid = s.pid("by_election")
    acting = s.committee[1] if len(s.committee) > 1 else s.people.names(1)[0]
    candidates = [n for n in s.committee[1:3]] or s.people.names(2)
    if len(candidates) < 2:
        candidates += s.people.names(1)
    # The body that elected the chair holds the by-election, all of it due (R-VACANCY, R-QUORUM):
    # here the congress, whose members or representatives vote; an imported term as its registry
    # says (the committee without the departed chair, or the congress), if it says.
    elected = (e.representatives or s.unit.members) if e is not None else imported_electorate(s)
    due = elected or max(3, len(s.committee))
    present = rng.randint(rules.quorum_needed(due), due)
    yes = rng.randint(rules.majority_needed(due), present)
    removal = _removal(s, pid, e)

    def reason() -> str:
        drawn = rng.choice(VACANCY_REASONS)  # drawn either way, when the step is taken as before
        return REMOVAL_REASON if removal is not None else drawn

    items = [
        s.step(
            "vacant",
            0,
            0,
            lambda on: c.RecordChairVacancy(
                union_id=u, acting_chair=acting, reason=reason(), removal=removal, occurred_on=on
            ),
        )
    ]
    if situation in ("by_election_consent_requested", "by_election_filled"):
        items.append(
            s.step(
                "consent_requested",
                10,
                25,
                lambda on: c.RequestByElection(
                    union_id=u,
                    procedure_id=pid,
                    candidates=[Candidate(name=n) for n in candidates],
                    planned_on=on + 20 * DAY,
                    # R-VETTING: the Party organisation vets the list where the unit has one.
                    party_org=f"中共{s.unit.unit_name}委员会" if s.unit.has_party_org else None,
                    party_approved=True if s.unit.has_party_org else None,
                    occurred_on=on,
                ),
            )
        )
    if situation == "by_election_filled":
        items += _by_election_held(s, pid, due, present, {candidates[0]: yes, candidates[1]: present - yes})
    s.add(items, place(rng, items, 0, left))


def _removal(s: Story, pid: str, e: Election | None) -> RemovalVote | None:
    """Some chairs were removed by the congress (罢免): more than half of all its members or
    representatives voted yes (R-REMOVAL). Chosen from the union's id, not the seeded generator,
    so the seeded choices of the rest of the demo do not depend on it."""
    voters = (e.representatives or s.unit.members) if e is not None else 0
    if voters and zlib.crc32(s.union_id.encode()) % 4 == 0:
        needed = rules.majority_needed(voters)
        return RemovalVote(total=voters, yes=needed + zlib.crc32(pid.encode()) % (voters - needed + 1))
    return None


def _by_election_held(s: Story, pid: str, due: int, present: int, tallies: dict[str, int]) -> list[Item]:
    """Consented to, held thirteen days later (one seat, the first candidate elected), and filled:
    at least sixteen days after the list was posted with the request, room for 5 working days after
    the longest official holiday (R-NOTICE)."""
    return [
        s.approve("consented", pid, 3, 10),
        s.step(
            "held",
            13,
            13,
            lambda on: c.HoldByElection(
                union_id=s.union_id,
                procedure_id=pid,
                due=due,
                present=present,
                vote=BallotCount(seats=1, ballots_issued=present, ballots_returned=present, tallies=tallies),
                occurred_on=on,
            ),
        ),
        s.approve("filled", pid, 5, 12),
    ]
