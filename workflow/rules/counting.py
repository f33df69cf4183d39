"""Counting a round (RULES.md §4): the ballots (R-BALLOTS), the majority of those due (R-ELECTED),
ties at the cut-off (R-TIE) and missing winners (R-SHORTFALL)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import NoReturn

from events.catalogue import BallotCount
from workflow.errors import RuleViolation, StepOutOfOrder
from workflow.profile import RuleProfile, ShortfallPolicy
from workflow.rules.base import Evidence, fail, require_non_negative
from workflow.rules.form import committee_size_range
from workflow.rules.vote import majority_needed


def check_ballots(
    vote: BallotCount, present: int, seats: int, names: Iterable[str], body: str, names_rule: str = "R-VETTING"
) -> None:
    """R-BALLOTS, and votes only for the names on the ballot: the vetted candidates (R-VETTING), or
    in a runoff the tied (R-TIE) or the candidates left for the missing seats (R-SHORTFALL)."""
    # R-BALLOTS: no proxy voting, so ballots go only to voters present in person.
    if vote.ballots_issued > present:
        evidence = {"rule": "R-BALLOTS", "ballots_issued": vote.ballots_issued, "present": present}
        message = f"{body}: {vote.ballots_issued} ballots issued but only {present} voters present (no proxy voting)"
        raise RuleViolation("R-BALLOTS", message, evidence, case="issued")
    if vote.seats != seats:
        evidence = {"rule": "R-BALLOTS", "vote_seats": vote.seats, "seats": seats}
        message = f"{body}: the vote was for {vote.seats} seats but {seats} are to be filled"
        raise RuleViolation("R-BALLOTS", message, evidence, case="seats")
    unknown = sorted(set(vote.tallies) - set(names))
    if unknown:
        among = {"R-TIE": "the tied candidates", "R-SHORTFALL": "the candidates left for the missing seats"}
        allowed = among.get(names_rule, "the vetted candidates")
        message = f"{body}: votes for {', '.join(unknown)}, who is not among {allowed}"
        raise RuleViolation(names_rule, message, {"rule": names_rule, "unknown": unknown}, case="unknown-names")


def check_officer_ballots(
    due: int, present: int | None, valid_ballots: int | None, yes: Mapping[str, int], body: str
) -> Evidence:
    """R-BALLOTS on the vote for the chair and vice-chairs, as on any round: ballots go only to
    voters present (no proxy voting), so there are no more valid ballots than voters present, and
    nobody's yes votes exceed the valid ballots nor those present. ``yes`` is each one elected's
    yes votes by name; ``present`` is None when the committee elected and its attendance was not
    given (those due bound the count then), ``valid_ballots`` None when not given (every ballot of
    those present counts)."""
    counts = {"present": present, "valid_ballots": valid_ballots}
    require_non_negative("R-BALLOTS", **{k: v for k, v in counts.items() if v is not None})
    evidence: Evidence = {"rule": "R-BALLOTS", "body": body, "due": due, **counts}
    voters, who = (due, "with a vote") if present is None else (present, "present")
    if present is not None and present > due:
        fail("R-BALLOTS", f"{body}: {present} present but only {due} have a vote", evidence, case="present")
    if valid_ballots is not None and valid_ballots > voters:
        message = f"{body}: {valid_ballots} valid ballots but only {voters} voters {who}"
        fail("R-BALLOTS", message, evidence, case="valid")
    for name, votes in yes.items():
        if valid_ballots is not None and votes > valid_ballots:
            message = f"{body}: {name} has {votes} yes votes but {valid_ballots} valid ballots"
            fail("R-BALLOTS", message, evidence, case="yes-over-valid")
        if present is not None and votes > present:
            message = f"{body}: {name} has {votes} yes votes but only {present} voters present"
            fail("R-BALLOTS", message, evidence, case="yes-over-present")
    return evidence


def require_runoff_waiting(body: str, waiting: list[str]) -> None:
    """R-TIE / R-SHORTFALL: a runoff fills the seats the congress left open, of a body that has some."""
    if body not in waiting:
        message = f"no seats of the {body} wait for a runoff"
        raise StepOutOfOrder("R-TIE", message, {"pending": waiting}, case="no-runoff")


@dataclass(frozen=True)
class ElectionResult:
    """Outcome of one round (R-ELECTED, R-TIE, R-SHORTFALL).

    * ``elected``: won a seat in this round, by votes (then name) descending.
    * ``tied`` / ``tie_seats``: R-TIE, more majority winners than seats and a tie at the cut-off:
      ``tie_seats`` seats go to a re-vote among ``tied`` only.
    * ``shortfall_seats`` / ``shortfall_action``: R-SHORTFALL, fewer majority winners than seats:
      hold a supplementary vote for the missing seats, or reduce the seats to ``len(elected)``.
    At most one of ``tied`` and ``shortfall_seats`` is non-empty.
    """

    seats: int
    elected: tuple[str, ...]
    tied: tuple[str, ...] = ()
    tie_seats: int = 0
    shortfall_seats: int = 0
    shortfall_action: ShortfallPolicy | None = None
    evidence: Evidence = field(default_factory=dict, compare=False)

    @property
    def complete(self) -> bool:
        """Every seat is filled by this round."""
        return not self.tied and self.shortfall_seats == 0


def count_election(
    seats: int,
    due: int,
    tallies: Mapping[str, int],
    ballots_issued: int,
    ballots_returned: int,
    invalid_ballots: int,
    profile: RuleProfile,
    committee_members: int | None = None,
    seated: int = 0,
) -> ElectionResult:
    """Count one round of a multi-seat election.

    * R-BALLOTS: more ballots returned than issued voids the round (RuleViolation). Ballots are issued
      only to voters in person (no proxies), so never more than are due; a candidate cannot have more
      votes than there are valid ballots, nor all candidates together more than ``valid × seats``.
    * R-ELECTED: a candidate needs ``2 × votes > due``.
    * R-TIE: more majority winners than seats: seats go by votes; if candidates tie at the cut-off
      they go to a re-vote among the tied only, for the seats left.
    * R-SHORTFALL: fewer majority winners than seats: the profile's ``shortfall_policy``. Reducing
      the seats is chosen only when the smaller committee still satisfies R-COMMITTEE-SIZE for
      ``committee_members`` (pass the union's member count when electing the union committee;
      ``None`` for bodies without a size rule); otherwise a supplementary vote. In a runoff,
      ``seated`` is the number already elected to the body in earlier rounds: the size rule is
      read on the whole body (``seated`` + this round's winners), not on this round alone.
    """
    require_non_negative(
        "R-BALLOTS",
        ballots_issued=ballots_issued,
        ballots_returned=ballots_returned,
        invalid_ballots=invalid_ballots,
    )
    if seats < 1 or due < 1:
        message = f"an election needs seats and voters (seats {seats}, due {due})"
        fail("R-ELECTED", message, {"rule": "R-ELECTED", "seats": seats, "due": due}, case="empty")
    ordered = sorted(tallies.items(), key=lambda kv: (-kv[1], kv[0]))
    evidence = _round_evidence(seats, due, ordered, ballots_issued, ballots_returned, invalid_ballots)
    _require_possible_round(evidence, ordered)

    winners = [(name, votes) for name, votes in ordered if 2 * votes > due]
    evidence["majority"] = [name for name, _ in winners]
    if len(winners) > seats:
        return _seats_by_votes(seats, winners, evidence)

    elected = [name for name, _ in winners]
    evidence["elected"] = elected
    if len(elected) == seats:
        return ElectionResult(seats=seats, elected=tuple(elected), evidence=evidence)
    return _shortfall(seats, elected, evidence, profile, committee_members, seated)


def _round_evidence(
    seats: int, due: int, ordered: list[tuple[str, int]], issued: int, returned: int, invalid: int
) -> Evidence:
    """What a round is counted from, as the audit sees it; the counting adds its outcome."""
    return {
        "rule": "R-ELECTED",
        "rules_applied": ["R-BALLOTS", "R-ELECTED"],
        "seats": seats,
        "due": due,
        "needed": majority_needed(due),
        "ballots_issued": issued,
        "ballots_returned": returned,
        "invalid_ballots": invalid,
        "valid_ballots": returned - invalid,
        "tallies": dict(ordered),
    }


def _require_possible_round(evidence: Evidence, ordered: list[tuple[str, int]]) -> None:
    """R-BALLOTS: counts that no real round can produce void it; ``evidence`` holds the round's
    seats, due and ballot counts."""
    seats, due = evidence["seats"], evidence["due"]
    issued, returned = evidence["ballots_issued"], evidence["ballots_returned"]
    invalid, valid = evidence["invalid_ballots"], evidence["valid_ballots"]

    def void(case: str, message: str) -> NoReturn:
        fail("R-BALLOTS", message, evidence | {"rule": "R-BALLOTS"}, case=case)

    if returned > issued:
        void("returned", f"{returned} ballots returned but only {issued} issued; the round is void")
    if issued > due:
        void("issued-due", f"{issued} ballots issued but only {due} voters due to attend")
    if invalid > returned:
        void("invalid", f"{invalid} invalid ballots but only {returned} returned")
    for name, votes in ordered:
        if not 0 <= votes <= valid:
            void("votes", f"{name} has {votes} votes but there are {valid} valid ballots")
    total = sum(votes for _, votes in ordered)
    if total > valid * seats:
        void("total", f"{total} votes on {valid} valid ballots for {seats} seats is impossible")


def _seats_by_votes(seats: int, winners: list[tuple[str, int]], evidence: Evidence) -> ElectionResult:
    """R-TIE: more majority winners than seats. A clean cut-off gives the seats by votes; a tie at
    the cut-off elects everyone above it and sends the seats left to a re-vote among the tied only."""
    evidence["rules_applied"].append("R-TIE")
    cutoff = winners[seats - 1][1]
    evidence["cutoff_votes"] = cutoff
    if winners[seats][1] < cutoff:
        elected = [name for name, _ in winners[:seats]]
        evidence |= {"elected": elected, "tied": [], "tie_seats": 0}
        return ElectionResult(seats=seats, elected=tuple(elected), evidence=evidence)
    above = [name for name, votes in winners if votes > cutoff]
    tied = [name for name, votes in winners if votes == cutoff]
    left = seats - len(above)
    evidence |= {"elected": above, "tied": tied, "tie_seats": left}
    return ElectionResult(seats=seats, elected=tuple(above), tied=tuple(tied), tie_seats=left, evidence=evidence)


def _shortfall(
    seats: int,
    elected: list[str],
    evidence: Evidence,
    profile: RuleProfile,
    committee_members: int | None,
    seated: int,
) -> ElectionResult:
    """R-SHORTFALL: fewer majority winners than seats; the missing seats go to a supplementary vote
    or are reduced (`_shortfall_action`)."""
    missing = seats - len(elected)
    action = _shortfall_action(profile, committee_members, seated + len(elected))
    evidence["rules_applied"].append("R-SHORTFALL")
    evidence |= {
        "shortfall_seats": missing,
        "shortfall_policy": profile.shortfall_policy,
        "shortfall_action": action,
    }
    return ElectionResult(
        seats=seats,
        elected=tuple(elected),
        shortfall_seats=missing,
        shortfall_action=action,
        evidence=evidence,
    )


def _shortfall_action(profile: RuleProfile, committee_members: int | None, size: int) -> ShortfallPolicy:
    """R-SHORTFALL: the profile's policy, but the seats are reduced only to a body of ``size`` (those
    seated before and this round's winners) that is not empty and, for the union committee, still
    satisfies R-COMMITTEE-SIZE for ``committee_members``; otherwise a supplementary vote."""
    if profile.shortfall_policy != "reduce_seats" or size == 0:
        return "supplementary_vote"
    if committee_members is not None:
        fewest, most = committee_size_range(committee_members, profile)
        odd_ok = not profile.odd_committee_size_required or size % 2 == 1
        if not (fewest <= size <= most and odd_ok):
            return "supplementary_vote"
    return "reduce_seats"
