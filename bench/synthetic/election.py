"""An election as RULES.md §3 steps 4–8 run it, with the accidents the alerts are about: the
congress type and form decided, representatives elected, candidates proposed, posted, filed and
sometimes rejected, congresses with ties and runoffs, results filed and sometimes sent back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Generator

from bench.synthetic.union_base import Item, UnionBase
from events import catalogue as c
from projections.calendar import add_months

# What an approved election gives: (congress date, approval date, term end).
Elected = tuple[dt.date, dt.date, dt.date]


class Elections(UnionBase):
    def _election(self, pid: str, on: dt.date, *, founding: bool) -> Generator[Item, None, Elected | None]:
        """RULES.md §3 steps 4–8; returns (congress date, approval date, term end)."""
        on, seats, due = yield from self._congress_type(pid, on)
        nominated = yield from self._candidates(pid, on, seats)
        if nominated is None:  # pragma: no cover - the loop always approves on its last attempt
            return None
        committee, funds, on = nominated
        for _ in range(2):
            on, result = yield from self._congress_round(pid, on, seats, due, committee, funds)
            if result is not None:
                return result
        return None

    def _congress_type(self, pid: str, on: dt.date) -> Generator[Item, None, tuple[dt.date, int, int]]:
        """The congress type and form (and representatives when it is a representative
        congress); returns (date, committee seats, members due at the congress)."""
        r = self.rng
        m = self.members
        # R-CONGRESS-TYPE: over 100 members, either kind of congress.
        congress_type = "representative_congress" if m > 100 and r.random() < 0.5 else "members_meeting"
        form = "committee" if m >= 25 or r.random() < 0.5 else "chair"
        seats = 1 if form == "chair" else (r.choice((3, 5, 7)) if m <= 200 else r.choice((7, 9, 11, 13, 15)))
        women = "committee" if self.female >= 10 else ("member" if self.female else "none")
        on += dt.timedelta(days=self.days(1, 20))
        evidence = [
            {"rule": "R-CONGRESS-TYPE", "members": m, "congress_type": congress_type},
            {"rule": "R-FORM-25", "members": m, "form": form},
            {"rule": "R-WOMEN", "female_members": self.female, "required": women},
        ]
        decided = {"congress_type": congress_type, "form": form, "committee_seats": seats, "women_organisation": women}
        yield self.item(c.CongressTypeDecided(procedure_id=pid, members=m, evidence=evidence, **decided), on)
        due = m
        if congress_type == "representative_congress":
            due = max(30, int(m * 0.2))
            on += dt.timedelta(days=self.days(5, 30))
            yield self.item(
                c.RepresentativesElected(
                    procedure_id=pid,
                    representatives=due,
                    evidence=[{"rule": "R-REP-BANDS", "members": m, "representatives": due}],
                ),
                on,
            )
        return on, seats, due

    def _candidates(
        self, pid: str, on: dt.date, seats: int
    ) -> Generator[Item, None, tuple[list[str], list[str], dt.date] | None]:
        """Candidates proposed, posted and filed until the higher-level union approves them (the
        third attempt always is); returns (committee candidates, funds review candidates, date)."""
        r = self.rng
        for attempt in range(3):
            committee = self.names(seats + 1 + (1 if r.random() < 0.3 else 0))
            funds = self.names(4)
            on += dt.timedelta(days=self.days(3, 20))
            yield self.item(
                c.CandidatesProposed(
                    procedure_id=pid,
                    committee_seats=seats,
                    committee_candidates=[c.Candidate(name=n) for n in committee],
                    chair_candidates=[c.Candidate(name=n) for n in committee[:2]],
                    funds_review_seats=3,
                    funds_review_candidates=[c.Candidate(name=n) for n in funds],
                    chair_elected_by="congress",
                    evidence=[{"rule": "R-CANDIDATES", "seats": seats, "candidates": len(committee)}],
                ),
                on,
            )
            on += dt.timedelta(days=self.days(0, 3))
            yield self.item(c.CandidatesPosted(procedure_id=pid, where="公告栏"), on)
            on += dt.timedelta(days=self.days(2, 6))
            party = f"{self.org}党支部" if self.has_party else None
            yield self.item(
                c.CandidatesFiled(
                    procedure_id=pid,
                    party_org=party,
                    party_approved=True if self.has_party else None,
                    evidence=[{"rule": "R-VETTING", "has_party_org": self.has_party}],
                ),
                on,
            )
            on += dt.timedelta(days=self.days(2, 20) if r.random() < 0.85 else self.days(16, 40))
            if attempt < 2 and r.random() < 0.07:
                yield self.item(c.CandidatesRejected(procedure_id=pid, reasons="候选人差额不足"), on, approver=True)
                continue
            yield self.item(
                c.CandidatesApproved(
                    procedure_id=pid, document_no=self.doc(on), evidence=[{"rule": "R-VETTING", "higher_union": True}]
                ),
                on,
            )
            return committee, funds, on
        return None  # pragma: no cover - the loop always approves on its last attempt

    def _congress_round(
        self, pid: str, on: dt.date, seats: int, due: int, committee: list[str], funds: list[str]
    ) -> Generator[Item, None, tuple[dt.date, Elected | None]]:
        """One congress and its results; returns the date reached and, unless the results were
        sent back, what was elected."""
        on += dt.timedelta(days=self.days(8, 40))
        congress_on = on
        present, elected, funds_elected, on = yield from self._congress(pid, on, seats, due, committee, funds)
        r = self.rng
        chair, vice = elected[0], elected[1:2]
        yield self.item(
            c.ChairElected(
                procedure_id=pid,
                chair=chair,
                vice_chairs=vice,
                by="congress",
                due=due,
                yes=present,
                evidence=[{"rule": "R-ELECTED", "due": due, "yes": present}],
            ),
            on,
        )
        years = r.choice((3, 5, 5))
        on += dt.timedelta(days=self.days(1, 15))
        self.vice_chairs = list(vice)
        bodies = {"committee": elected, "chair": chair, "vice_chairs": vice, "funds_review": funds_elected}
        women = {"women_committee_formed": self.female >= 10, "women_director": self.name() if self.female else None}
        evidence = [{"rule": "R-TERM", "years": years, "allowed": [3, 5]}]
        filed = c.ResultsFiled(
            procedure_id=pid,
            funds_review_director=funds_elected[0],
            term_years=years,
            evidence=evidence,
            **bodies,
            **women,
        )
        yield self.item(filed, on)
        on += dt.timedelta(days=self.days(3, 14) if r.random() < 0.85 else self.days(16, 45))
        if r.random() < 0.05:
            yield self.item(
                c.ResultsRejected(procedure_id=pid, reasons="选举程序不规范", redo_from="congress"), on, approver=True
            )
            return on, None
        end = yield from self._results_approved(pid, on, congress_on, years)
        self.chair = chair
        return on, (congress_on, on, end)

    def _congress(
        self, pid: str, on: dt.date, seats: int, due: int, committee: list[str], funds: list[str]
    ) -> Generator[Item, None, tuple[int, list[str], list[str], dt.date]]:
        """The congress's votes (a tie now and then, settled by a runoff); returns (present,
        committee elected, funds review elected, date)."""
        r = self.rng
        present = max(1, int(due * r.uniform(0.7, 1.0)))
        votes = sorted(
            (r.randint(due // 2 + 1, present) if present > due // 2 else present for _ in committee), reverse=True
        )
        tally = dict(zip(committee, votes, strict=True))
        tie = seats > 1 and r.random() < 0.05
        elected = committee[:seats]
        outcome = c.ElectionOutcome(seats=seats, elected=elected)
        if tie:
            tally[committee[seats - 1]] = tally[committee[seats]] = votes[seats]
            outcome = c.ElectionOutcome(
                seats=seats, elected=committee[: seats - 1], tied=committee[seats - 1 : seats + 1], tie_seats=1
            )
        funds_tally = {n: r.randint(due // 2 + 1, max(due // 2 + 1, present)) for n in funds}
        funds_elected = sorted(funds, key=lambda n: -funds_tally[n])[:3]
        yield self.item(
            c.CongressHeld(
                procedure_id=pid,
                due=due,
                present=present,
                committee_vote=c.BallotCount(
                    seats=seats, ballots_issued=present, ballots_returned=present, tallies=tally
                ),
                funds_review_vote=c.BallotCount(
                    seats=3, ballots_issued=present, ballots_returned=present, tallies=funds_tally
                ),
                committee=outcome,
                funds_review=c.ElectionOutcome(seats=3, elected=funds_elected),
                evidence=[
                    {"rule": "R-QUORUM", "due": due, "present": present, "passed": 3 * present >= 2 * due},
                    {"rule": "R-ELECTED", "due": due, "needed": due // 2 + 1},
                ],
            ),
            on,
        )
        if tie:
            on += dt.timedelta(days=self.days(0, 7))
            yield self.item(self._runoff(pid, due, present, committee[seats - 1 : seats + 1]), on)
        return present, elected, funds_elected, on

    def _runoff(self, pid: str, due: int, present: int, pair: list[str]) -> c.RunoffHeld:
        return c.RunoffHeld(
            procedure_id=pid,
            body="committee",
            reason="tie",
            due=due,
            present=present,
            vote=c.BallotCount(
                seats=1, ballots_issued=present, ballots_returned=present, tallies={pair[0]: present, pair[1]: 0}
            ),
            outcome=c.ElectionOutcome(seats=1, elected=[pair[0]]),
            evidence=[{"rule": "R-TIE", "tied": pair}],
        )

    def _results_approved(
        self, pid: str, on: dt.date, congress_on: dt.date, years: int
    ) -> Generator[Item, None, dt.date]:
        end = add_months(congress_on, 12 * years)
        yield self.item(
            c.ResultsApproved(
                procedure_id=pid,
                document_no=self.doc(on),
                term_start=congress_on,
                term_years=years,
                term_end=end,
                evidence=[
                    {"rule": "R-TERM-END", "start": congress_on.isoformat(), "years": years, "end": end.isoformat()}
                ],
            ),
            on,
            approver=True,
        )
        return end
