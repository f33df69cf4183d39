"""The numbers of one election (RULES.md §2, §4), chosen to satisfy every rule, and the ballots
that count them."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from api.demo.naming import People
from events.catalogue import BallotCount, UnitFacts
from workflow import rules
from workflow.profile import RuleProfile


@dataclass
class Election:
    """The numbers of one election (RULES.md §2, §4), chosen to satisfy every rule: committee size in
    its band, candidates above the surplus, a competitive chair list for enterprises, quorum, clear
    majorities without a tie at the cut-off."""

    congress_type: str
    seats: int
    representatives: int | None
    committee: list[str]  # candidates; the first `seats` are elected
    chairs: list[str]  # chair candidates, from the committee list; the first is elected
    funds_seats: int
    funds: list[str]
    due: int
    present: int
    vice_chairs: list[str]
    women_committee: bool
    women_director: str | None
    term_years: int
    fulltime_chair: bool
    has_party_org: bool
    unit_name: str
    # Who elects the chair: the congress directly (直选, what Dalian asks of enterprise unions) or
    # the new committee at its first meeting, the same day (RULES.md §3 step 6).
    chair_elected_by: str = "congress"

    @property
    def chair(self) -> str:
        return self.chairs[0]

    @property
    def elected(self) -> list[str]:
        return self.committee[: self.seats]


def plan_election(rng: random.Random, people: People, unit: UnitFacts, profile: RuleProfile) -> Election:
    m, f = unit.members, unit.female_members
    lo, hi = rules.committee_size_range(m, profile)
    hi = min(hi, m - 2)
    odd = [s for s in range(lo, hi + 1) if s % 2 == 1]
    seats = rng.choice(odd or list(range(lo, max(lo, hi) + 1)))
    representatives: int | None = None
    congress_type = "members_meeting"
    if m > profile.members_meeting_max and (m > 200 or rng.random() < 0.4):
        congress_type = "representative_congress"
        fewest, most = rules.representative_range(m, profile)
        representatives = rng.randint(fewest, min(most, fewest + max(5, (most - fewest) // 3)))
    due = representatives or m
    n_candidates = rules.candidates_needed(seats, profile) + rng.choice((0, 0, 1))
    committee = people.names(n_candidates)
    n_chairs = 2 if unit.unit_type in profile.chair_competitive_unit_types or rng.random() < 0.3 else 1
    funds_seats = 3 if m >= 25 else 1
    funds = people.names(funds_seats + rng.choice((0, 1)))
    vice = committee[1 : 2 if seats <= 5 else 3]
    women_director = None
    if f > 0:
        women_director = rng.choice([n for n in committee[:seats] if n != committee[0]])
    return Election(
        congress_type=congress_type,
        seats=seats,
        representatives=representatives,
        committee=committee,
        chairs=committee[:n_chairs],
        funds_seats=funds_seats,
        funds=funds,
        due=due,
        present=rng.randint(rules.quorum_needed(due), due),
        vice_chairs=vice,
        women_committee=f >= profile.women_committee_threshold,
        women_director=women_director,
        term_years=5 if rng.random() < 0.7 else 3,
        fulltime_chair=unit.employees >= profile.fulltime_chair_employees and rng.random() < 0.8,
        has_party_org=unit.has_party_org,
        unit_name=unit.unit_name,
    )


def tallies(rng: random.Random, names: Sequence[str], seats: int, due: int, present: int) -> dict[str, int]:
    """Votes: the first `seats` names win a majority of those due (R-ELECTED), the others fall short,
    and no ballot marks more names than seats (R-BALLOTS)."""
    majority = rules.majority_needed(due)
    votes = {}
    for i, name in enumerate(names[:seats]):
        votes[name] = max(present - i - rng.randint(0, 2), majority)
    slack = present * seats - sum(votes.values())
    for name in names[seats:]:
        v = min(rng.randint(0, majority - 1), slack)
        votes[name] = v
        slack -= v
    return votes


def ballot(rng: random.Random, names: Sequence[str], seats: int, due: int, present: int) -> BallotCount:
    return BallotCount(
        seats=seats,
        ballots_issued=present,
        ballots_returned=present,
        tallies=tallies(rng, names, seats, due, present),
    )
