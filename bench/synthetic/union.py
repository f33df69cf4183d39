"""One grassroots union's life, as a lazy generator of its events in stream order: registered,
founded (or imported with its current term, or never founded), then term after term with annual
congresses, vacancies and by-elections, re-elections on time, late, early, extended or never."""

from __future__ import annotations

import datetime as dt
from collections.abc import Generator, Iterator

from bench.synthetic.election import Elections
from bench.synthetic.profiles import UNIT_TYPES
from bench.synthetic.scope import Scope
from bench.synthetic.union_base import Item, Stop
from events import catalogue as c
from projections.calendar import add_months


class Union(Elections, Scope):
    """One union's life (see the module docstring)."""

    def events(self) -> Iterator[Item]:
        try:
            yield from self._life()
        except Stop:
            return

    def _life(self) -> Iterator[Item]:
        r = self.rng
        registered = self.start + dt.timedelta(days=self.days(0, max(1, (self.end - self.start).days * 2 // 3)))
        self.employees = int(2 ** r.uniform(2.5, 11))
        self.has_party = r.random() < 0.5
        self.unit = c.UnitFacts(
            unit_name=f"{self.org}单位",
            unit_type=r.choice(UNIT_TYPES),
            employees=self.employees,
            members=0,
            female_members=0,
            has_party_org=self.has_party,
        )
        level = "joint" if self.joint else "grassroots"
        yield self.item(
            c.OrganisationRegistered(
                org_id=self.org, name=f"{self.org}工会", level=level, parent_id=self.parent, unit=self.unit
            ),
            registered,
        )
        if self.joint:
            yield from self._covered(registered)
        fate = r.random()
        if fate < 0.07:
            # A unit without a union: counts against the founding rate until it closes (R-DISSOLVE).
            if self.scope_rng.random() < 0.3:
                yield from self._dissolution(registered + self._days(30, 2000), founded=False)
            return
        if fate < 0.17:
            # A union founded before unionflow, brought in from a registry with its current term.
            on = registered + dt.timedelta(days=self.days(1, 30))
            years = r.choice((3, 5))
            start = on - dt.timedelta(days=self.days(30, 365 * years - 30))
            self.chair = self.name()
            self.members = max(3, int(self.employees * r.uniform(0.5, 1.0)))
            end = add_months(start, 12 * years)
            yield self.item(
                c.ExistingTermImported(
                    org_id=self.org,
                    term_start=start,
                    term_years=years,
                    term_end=end,
                    source="registry",
                    **self.imported_facts(start, end, on),
                ),
                on,
            )
            yield from self._terms(start, add_months(start, 12 * years), on)
            return
        founded = yield from self._founding(registered + dt.timedelta(days=self.days(5, 200)))
        if founded is not None:
            yield from self._terms(*founded)

    def _founding(self, on: dt.date) -> Generator[Item, None, tuple[dt.date, dt.date, dt.date] | None]:
        r = self.rng
        pid = self.pid("founding")
        profile = self.profile()
        assert self.unit is not None
        group = [c.PrepGroupMember(name=n) for n in self.names(r.randint(3, 5))]
        evidence = [{"rule": "R-PREP-GROUP", "size": len(group), "min": 3, "max": 7}]
        yield self.item(
            c.FoundingRequested(
                procedure_id=pid,
                unit=self.unit,
                initiators=self.names(1),
                prep_group=group,
                evidence=evidence,
                **self.opened(profile),
            ),
            on,
        )
        if r.random() < 0.1:
            on += dt.timedelta(days=self.days(3, 25))
            yield self.item(
                c.FoundingRequestRejected(procedure_id=pid, reasons="筹备组人员构成不符合要求"), on, approver=True
            )
            on += dt.timedelta(days=self.days(5, 40))
            yield self.item(
                c.FoundingRequestResubmitted(
                    procedure_id=pid, unit=self.unit, initiators=self.names(1), prep_group=group, evidence=evidence
                ),
                on,
            )
        on += dt.timedelta(days=self.days(2, 28))
        yield self.item(
            c.PreparatoryGroupApproved(procedure_id=pid, document_no=self.doc(on), evidence=evidence), on, approver=True
        )
        fate = r.random()
        if fate < 0.05:
            return None  # stalled: A-PREP-STALLED
        if fate < 0.08:
            on += dt.timedelta(days=self.days(30, 200))
            yield self.item(c.ProcedureWithdrawn(procedure_id=pid, reason="单位改制"), on)
            return None
        on += dt.timedelta(days=self.days(10, 90) if r.random() < 0.9 else self.days(150, 260))
        self.members = max(3, int(self.employees * r.uniform(0.6, 1.0)))
        self.female = int(self.members * r.uniform(0.1, 0.6))
        yield self.item(
            c.MembersRecruited(
                procedure_id=pid, members=self.members, female_members=self.female, employees=self.employees
            ),
            on,
        )
        result = yield from self._election(pid, on, founding=True)
        if result is None:
            return None
        congress_on, approved_on, term_end = result
        if r.random() < 0.8:
            when = approved_on + dt.timedelta(days=self.days(10, 45) if r.random() < 0.8 else self.days(61, 150))
            yield self.item(c.LegalPersonRegistered(procedure_id=pid, registration_no=f"工法{self.key:09d}"), when)
        return congress_on, term_end, approved_on

    def _vacancy(self, on: dt.date) -> Iterator[Item]:
        r = self.rng
        pid = self.pid("by_election")
        profile = self.profile()
        acting = self.name()
        due = add_months(on, profile["vacancy_months"])
        late = self.days(5, 40) if r.random() < 0.2 else 0  # recorded late: a backdated entry
        yield self.item(
            c.ChairVacancyRecorded(
                procedure_id=pid,
                departed_chair=self.chair,
                acting_chair=acting,
                reason="工作调动",
                by_election_due=due,
                evidence=[{"rule": "R-VACANCY", "left_on": on.isoformat(), "by_election_due": due.isoformat()}],
                **self.opened(profile),
            ),
            on,
            late_days=late,
        )
        self.chair = None
        on = dt.date.fromordinal(self.rec) + dt.timedelta(days=self.days(5, 70))
        candidates = self.names(2)
        yield self.item(
            c.ByElectionRequested(
                procedure_id=pid,
                candidates=[c.Candidate(name=n) for n in candidates],
                planned_on=on + dt.timedelta(days=20),
            ),
            on,
        )
        if r.random() < 0.1:
            self.open_procs.append(pid)
            return  # never held: A-VACANCY-OVERDUE until a new term
        on += dt.timedelta(days=self.days(3, 25))
        yield self.item(c.ByElectionConsented(procedure_id=pid, document_no=self.doc(on)), on, approver=True)
        on += dt.timedelta(days=self.days(10, 40))
        present = r.randint(20, 60)
        yield self.item(
            c.ByElectionHeld(
                procedure_id=pid,
                due=present + 5,
                present=present,
                vote=c.BallotCount(
                    seats=1,
                    ballots_issued=present,
                    ballots_returned=present,
                    tallies={candidates[0]: present, candidates[1]: 0},
                ),
                outcome=c.ElectionOutcome(seats=1, elected=[candidates[0]]),
            ),
            on,
        )
        on += dt.timedelta(days=self.days(3, 20))
        yield self.item(
            c.ByElectionApproved(procedure_id=pid, document_no=self.doc(on), chair=candidates[0]), on, approver=True
        )
        self.chair = candidates[0]

    def _terms(self, start: dt.date, end: dt.date, current: dt.date) -> Iterator[Item]:
        """One term after another until the history ends (R-ON-TIME, R-EXTENSION, R-EARLY)."""
        r = self.rng
        on = current
        while True:
            length = (end - start).days
            if r.random() < 0.12 and length > 500:
                left = start + dt.timedelta(days=self.days(120, length - 330))
                if left > on:
                    yield from self._vacancy(left)
                    on = dt.date.fromordinal(self.rec)
            yield from self._annual_congresses(start, end, on)
            on = dt.date.fromordinal(self.rec)
            yield from self._covered_change(on)
            if self.scope_rng.random() < 0.04:
                yield from self._dissolution(dt.date.fromordinal(self.rec), founded=True)
            fate = r.random()
            open_on = end - dt.timedelta(days=self.days(5, 55))
            early = False
            if fate < 0.15:
                open_on = yield from self._extension(on, end)
                on = dt.date.fromordinal(self.rec)
            elif fate < 0.25:
                open_on = end + dt.timedelta(days=self.days(1, 240))  # late
            elif fate < 0.30 and length > 400:
                open_on = yield from self._early_reelection(on, end)
                early = True
            elif fate < 0.37:
                return  # never re-elected: A-TERM-OVERDUE from the day after the deadline
            open_on = max(open_on, dt.date.fromordinal(self.rec))
            result = yield from self._reelection(open_on, end, early, withdraw_first=fate > 0.9)
            if result is None:
                return
            start, end, on = result

    def _extension(self, on: dt.date, end: dt.date) -> Generator[Item, None, dt.date]:
        """An extension requested, then approved, refused or never answered (R-EXTENSION);
        returns the day the re-election opens."""
        r = self.rng
        req = max(on, end - dt.timedelta(days=self.days(10, 40)))
        pid = self.pid("extension")
        new_deadline = add_months(end, r.randint(2, 6))
        yield self.item(
            c.ExtensionRequested(
                procedure_id=pid,
                reason="企业重组",
                term_end=end,
                new_deadline=new_deadline,
                evidence=[
                    {
                        "rule": "R-EXTENSION",
                        "term_end": end.isoformat(),
                        "new_deadline": new_deadline.isoformat(),
                    }
                ],
                **self.opened(self.profile()),
            ),
            req,
        )
        answer = r.random()
        when = req + dt.timedelta(days=self.days(3, 45))
        if answer < 0.7:
            yield self.item(
                c.ExtensionApproved(procedure_id=pid, document_no=self.doc(when), new_deadline=new_deadline),
                when,
                approver=True,
            )
            open_on = new_deadline - dt.timedelta(days=self.days(5, 55))
        elif answer < 0.85:
            yield self.item(c.ExtensionRejected(procedure_id=pid, reasons="理由不充分"), when, approver=True)
            open_on = end + dt.timedelta(days=self.days(1, 90))
        else:
            open_on = end + dt.timedelta(days=self.days(1, 120))
        return open_on

    def _early_reelection(self, on: dt.date, end: dt.date) -> Generator[Item, None, dt.date]:
        """An early re-election requested and approved (R-EARLY); returns the day it opens."""
        req = max(on, end - dt.timedelta(days=self.days(150, 300)))
        pid = self.pid("early_reelection")
        planned = req + dt.timedelta(days=60)
        asked = {"reason": "主席退休", "term_end": end, "planned_congress_on": planned}
        evidence = [{"rule": "R-EARLY", "term_end": end.isoformat()}]
        opened = self.opened(self.profile())
        yield self.item(c.EarlyReelectionRequested(procedure_id=pid, evidence=evidence, **asked, **opened), req)
        when = req + dt.timedelta(days=self.days(3, 20))
        yield self.item(c.EarlyReelectionApproved(procedure_id=pid, document_no=self.doc(when)), when, approver=True)
        return when + dt.timedelta(days=self.days(1, 10))

    def _annual_congresses(self, start: dt.date, end: dt.date, on: dt.date) -> Iterator[Item]:
        """R-ANNUAL: about half the unions hold a congress every year between elections, now and then
        skipping one (A-NO-ANNUAL-CONGRESS) or recording it late. Their own random stream, so the
        rest of a union's life stays as the seed made it before annual congresses were generated."""
        r = self.congress_rng
        if r.random() >= 0.5:
            return
        held = add_months(start, 12) - dt.timedelta(days=r.randint(0, 40))
        while held < end - dt.timedelta(days=90):
            if held > on and r.random() >= 0.1:
                due = max(self.members, 3)
                present = due - r.randint(0, due // 3)
                yield self.item(
                    c.AnnualCongressHeld(
                        org_id=self.org,
                        due=due,
                        present=present,
                        agenda="工会工作报告；经费审查报告",
                        evidence=[
                            {"rule": "R-QUORUM", "due": due, "present": present, "needed": -(-2 * due // 3)},
                            {"rule": "R-ANNUAL", "held_on": held.isoformat()},
                        ],
                    ),
                    held,
                    late_days=r.choice((0, 0, 0, 12)),
                )
                if self.vice_chairs and self.removal_rng.random() < 0.05:
                    removed = self.vice_chairs.pop(0)
                    yes = due // 2 + 1
                    yield self.item(
                        c.ViceChairRemoved(
                            org_id=self.org,
                            vice_chair=removed,
                            removal=c.RemovalVote(total=due, yes=yes),
                            reason="会员大会罢免",
                            evidence=[
                                {
                                    "rule": "R-REMOVAL",
                                    "total": due,
                                    "yes": yes,
                                    "needed": yes,
                                    "congress": "the members' meeting",
                                    "vice_chair": removed,
                                }
                            ],
                        ),
                        held,
                    )
            held = add_months(held, 12) - dt.timedelta(days=r.randint(0, 30))

    def _reelection(
        self, on: dt.date, term_end: dt.date, early: bool, *, withdraw_first: bool
    ) -> Generator[Item, None, tuple[dt.date, dt.date, dt.date] | None]:
        r = self.rng
        while True:
            pid = self.pid("reelection")
            yield self.item(
                c.ReelectionOpened(
                    procedure_id=pid,
                    plan="换届选举工作方案",
                    planned_congress_on=on + dt.timedelta(days=60),
                    term_end=term_end,
                    early=early,
                    evidence=[{"rule": "R-ON-TIME", "term_end": term_end.isoformat()}],
                    **self.opened(self.profile()),
                ),
                on,
            )
            on += dt.timedelta(days=self.days(3, 20) if r.random() < 0.85 else self.days(16, 40))
            if r.random() < 0.05:
                yield self.item(c.ReelectionPlanRejected(procedure_id=pid, reasons="方案不完整"), on, approver=True)
                on += dt.timedelta(days=self.days(10, 60))
                continue
            yield self.item(c.ReelectionPlanApproved(procedure_id=pid, document_no=self.doc(on)), on, approver=True)
            if withdraw_first:
                withdraw_first = False
                on += dt.timedelta(days=self.days(10, 60))
                yield self.item(c.ProcedureWithdrawn(procedure_id=pid, reason="推迟"), on)
                on += dt.timedelta(days=self.days(30, 120))
                continue
            self.members = max(3, int(self.members * r.uniform(0.9, 1.2)))
            result = yield from self._election(pid, on, founding=False)
            if result is None:
                return None
            congress_on, approved_on, end = result
            return congress_on, end, approved_on
