"""Synthetic but realistic histories of many unions, for the property tests and the benchmark.

Each union follows the workflow's procedures (RULES.md §3–§5) with the accidents that make alerts:
founding requests rejected and filed again, approvals that take weeks, preparatory groups that stall,
congresses with ties and runoffs, results sent back, legal-person registration late or never, chairs
leaving mid-term (some recorded late, i.e. backdated), re-elections on time, late, early, extended
or never, extensions approved, refused or never answered. Events are the catalogue's own classes,
validated by pydantic, with plausible rule evidence; about one in ten procedures pins a stricter
local profile than the national one, so the alert windows vary.

`generate` yields the whole log in recording order (each union's events in its stream order,
unions interleaved by date, as a real log is); `write_log` appends it in bulk with the store's hash
chains (much faster than one `EventStore.append` per command, and `EventStore.verify` accepts it).
Everything is derived from the seed: the same seed gives the same log."""

from __future__ import annotations

import datetime as dt
import heapq
import random
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from events import DomainEvent, EventMetadata, schema
from events import catalogue as c
from events.catalogue import CATALOGUE, org_stream
from events.db import is_sqlite, write_connection
from events.hashing import event_hash, log_hash
from projections.base import Writer
from projections.calendar import add_months

# The national default profile as the workflow pins it (workflow/profiles/national.json).
NATIONAL_PROFILE: dict[str, Any] = {
    "name": "national",
    "version": 1,
    "term_years_allowed": [3, 5],
    "extension_max_months": 6,
    "vacancy_months": 3,
    "form_threshold": 25,
    "members_meeting_max": 100,
    "representative_bands": [
        {"max_members": 200, "min_rate": "0.30", "max_rate": "1"},
        {"max_members": 500, "min_rate": "0.20", "max_rate": "0.25"},
        {"max_members": 1000, "min_rate": "0.10", "max_rate": "0.20"},
        {"max_members": 3000, "min_rate": "0.06", "max_rate": "0.10"},
        {"max_members": None, "min_rate": "0.05", "max_rate": "1"},
    ],
    "representative_minimum": 30,
    "committee_size_bands": [
        {"max_members": 24, "min_seats": 3, "max_seats": 5},
        {"max_members": 200, "min_seats": 3, "max_seats": 7},
        {"max_members": 1000, "min_seats": 7, "max_seats": 15},
        {"max_members": 5000, "min_seats": 15, "max_seats": 21},
        {"max_members": 10000, "min_seats": 21, "max_seats": 29},
        {"max_members": 50000, "min_seats": 29, "max_seats": 37},
        {"max_members": None, "min_seats": 37, "max_seats": 45},
    ],
    "odd_committee_size_required": False,
    "women_committee_threshold": 10,
    "fulltime_chair_employees": 200,
    "prep_group_min": 3,
    "prep_group_max": 7,
    "candidate_surplus_rate": "0.05",
    "chair_competitive_unit_types": ["enterprise"],
    "notice_working_days": 5,
    "enterprise_chair_notice_days": 7,
    "shortfall_policy": "supplementary_vote",
    "holidays": [],
    "term_due_reminder_months": 2,
    "approval_reply_days": 15,
    "annual_congress_months": 12,
    "prep_stalled_months": 6,
    "legal_person_days": 60,
}
# A stricter local profile (local/practice settings of RULES.md), so that windows vary by procedure.
LOCAL_PROFILE: dict[str, Any] = {
    **NATIONAL_PROFILE,
    "name": "beijing",
    "version": 2,
    "women_committee_threshold": 25,
    "candidate_surplus_rate": "0.10",
    "term_due_reminder_months": 3,
    "approval_reply_days": 10,
    "prep_stalled_months": 4,
    "legal_person_days": 30,
}

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文斌春林海燕"
_UNIT_TYPES = ("enterprise",) * 7 + ("public_institution", "government", "social_organisation")

# (recording day ordinal, union key, sequence within the union, stream, business date, event, metadata)
Item = tuple[int, int, int, str, dt.date, DomainEvent, EventMetadata]


class _Stop(Exception):
    """The simulated history reached the end date."""


@dataclass(frozen=True)
class Shape:
    """The federation tree above the grassroots unions (RULES.md §1)."""

    provinces: int = 4
    cities: int = 4
    counties: int = 5
    townships: int = 5


def township_ids(shape: Shape) -> list[str]:
    return [
        f"P{p:02d}-C{ci:02d}-K{k:02d}-T{t:02d}"
        for p in range(1, shape.provinces + 1)
        for ci in range(1, shape.cities + 1)
        for k in range(1, shape.counties + 1)
        for t in range(1, shape.townships + 1)
    ]


def _federations(shape: Shape, on: dt.date) -> Iterator[Item]:
    admin = EventMetadata(actor_id="admin", role="admin", acting_org="ACFTU")
    seq = 0

    def reg(org_id: str, name: str, level: str, parent: str | None) -> Item:
        nonlocal seq
        seq += 1
        ev = c.OrganisationRegistered(org_id=org_id, name=name, level=level, parent_id=parent)
        return (on.toordinal(), -1, seq, org_stream(org_id), on, ev, admin)

    yield reg("ACFTU", "中华全国总工会", "national", None)
    for p in range(1, shape.provinces + 1):
        pid = f"P{p:02d}"
        yield reg(pid, f"第{p}省总工会", "province", "ACFTU")
        for ci in range(1, shape.cities + 1):
            cid = f"{pid}-C{ci:02d}"
            yield reg(cid, f"{cid}市总工会", "city", pid)
            for k in range(1, shape.counties + 1):
                kid = f"{cid}-K{k:02d}"
                yield reg(kid, f"{kid}区总工会", "county", cid)
                for t in range(1, shape.townships + 1):
                    tid = f"{kid}-T{t:02d}"
                    yield reg(tid, f"{tid}街道总工会", "township", kid)


class _Union:
    """One union's life, as a lazy generator of its events in stream order."""

    def __init__(self, key: int, parent: str, rng: random.Random, start: dt.date, end: dt.date) -> None:
        self.key = key
        self.org = f"U{key:07d}"
        self.parent = parent
        self.rng = rng
        self.congress_rng = random.Random(key * 1_000_003 + start.toordinal())
        # Vice-chairs removed at an annual congress (R-REMOVAL): a stream of their own too.
        self.removal_rng = random.Random(key * 7_000_003 + start.toordinal())
        self.vice_chairs: list[str] = []
        self.end = end
        self.stream = org_stream(self.org)
        self.rec = start.toordinal()
        self.seq = 0
        self.start = start
        self.n_proc: dict[str, int] = {}
        self.docs = 0
        self.staff = EventMetadata(actor_id=f"staff-{self.org}", role="staff", acting_org=self.org)
        self.approver = EventMetadata(actor_id=f"approver-{parent}", role="approver", acting_org=parent)
        self.chair: str | None = None
        self.members = 0
        self.female = 0
        self.employees = 0
        self.has_party = False
        self.unit: c.UnitFacts | None = None

    # ------------------------------------------------------------------ helpers

    def item(self, ev: DomainEvent, on: dt.date, *, approver: bool = False, late_days: int = 0) -> Item:
        if on > self.end:
            raise _Stop
        rec = max(self.rec, on.toordinal() + late_days)
        if rec > self.end.toordinal():
            raise _Stop
        self.rec = rec
        self.seq += 1
        meta = self.approver if approver else self.staff
        meta = meta.model_copy(update={"command_id": f"{self.key:07d}-{self.seq:04d}"})
        return (rec, self.key, self.seq, self.stream, on, ev, meta)

    def name(self) -> str:
        r = self.rng
        return r.choice(_SURNAMES) + r.choice(_GIVEN) + (r.choice(_GIVEN) if r.random() < 0.6 else "")

    def names(self, n: int) -> list[str]:
        out: list[str] = []
        while len(out) < n:
            x = self.name()
            if x not in out:
                out.append(x)
        return out

    def doc(self, on: dt.date) -> str:
        self.docs += 1
        return f"{self.parent}工发〔{on.year}〕{self.docs}号"

    def pid(self, kind: str) -> str:
        n = self.n_proc[kind] = self.n_proc.get(kind, 0) + 1
        return f"{self.org}:{kind.replace('_', '-')}-{n}"

    def days(self, lo: int, hi: int) -> int:
        return self.rng.randint(lo, hi)

    def profile(self) -> dict[str, Any]:
        return LOCAL_PROFILE if self.rng.random() < 0.1 else NATIONAL_PROFILE

    def opened(self, profile: dict[str, Any]) -> dict[str, Any]:
        return {"profile_name": profile["name"], "profile_version": profile["version"], "profile": profile}

    # ------------------------------------------------------------------ life

    def events(self) -> Iterator[Item]:
        try:
            yield from self._life()
        except _Stop:
            return

    def _life(self) -> Iterator[Item]:
        r = self.rng
        registered = self.start + dt.timedelta(days=self.days(0, max(1, (self.end - self.start).days * 2 // 3)))
        self.employees = int(2 ** r.uniform(2.5, 11))
        self.has_party = r.random() < 0.5
        self.unit = c.UnitFacts(
            unit_name=f"{self.org}单位",
            unit_type=r.choice(_UNIT_TYPES),
            employees=self.employees,
            members=0,
            female_members=0,
            has_party_org=self.has_party,
        )
        yield self.item(
            c.OrganisationRegistered(
                org_id=self.org, name=f"{self.org}工会", level="grassroots", parent_id=self.parent, unit=self.unit
            ),
            registered,
        )
        fate = r.random()
        if fate < 0.07:
            return  # a unit without a union: counts against the founding rate
        if fate < 0.17:
            # A union founded before unionflow, brought in from a registry with its current term.
            on = registered + dt.timedelta(days=self.days(1, 30))
            years = r.choice((3, 5))
            start = on - dt.timedelta(days=self.days(30, 365 * years - 30))
            self.chair = self.name()
            self.members = max(3, int(self.employees * r.uniform(0.5, 1.0)))
            yield self.item(
                c.ExistingTermImported(
                    org_id=self.org,
                    term_start=start,
                    term_years=years,
                    term_end=add_months(start, 12 * years),
                    chair=self.chair,
                    source="registry",
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

    def _election(
        self, pid: str, on: dt.date, *, founding: bool
    ) -> Generator[Item, None, tuple[dt.date, dt.date, dt.date] | None]:
        """RULES.md §3 steps 4–8; returns (congress date, approval date, term end)."""
        r = self.rng
        m = self.members
        # R-CONGRESS-TYPE: over 100 members, either kind of congress.
        congress_type = "representative_congress" if m > 100 and r.random() < 0.5 else "members_meeting"
        form = "committee" if m >= 25 or r.random() < 0.5 else "chair"
        seats = 1 if form == "chair" else (r.choice((3, 5, 7)) if m <= 200 else r.choice((7, 9, 11, 13, 15)))
        women = "committee" if self.female >= 10 else ("member" if self.female else "none")
        on += dt.timedelta(days=self.days(1, 20))
        yield self.item(
            c.CongressTypeDecided(
                procedure_id=pid,
                congress_type=congress_type,
                form=form,
                members=m,
                committee_seats=seats,
                women_organisation=women,
                evidence=[
                    {"rule": "R-CONGRESS-TYPE", "members": m, "congress_type": congress_type},
                    {"rule": "R-FORM-25", "members": m, "form": form},
                    {"rule": "R-WOMEN", "female_members": self.female, "required": women},
                ],
            ),
            on,
        )
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
            break
        else:  # pragma: no cover - the loop always approves on its last attempt
            return None
        for _ in range(2):
            on += dt.timedelta(days=self.days(8, 40))
            congress_on = on
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
                pair = committee[seats - 1 : seats + 1]
                yield self.item(
                    c.RunoffHeld(
                        procedure_id=pid,
                        body="committee",
                        reason="tie",
                        due=due,
                        present=present,
                        vote=c.BallotCount(
                            seats=1,
                            ballots_issued=present,
                            ballots_returned=present,
                            tallies={pair[0]: present, pair[1]: 0},
                        ),
                        outcome=c.ElectionOutcome(seats=1, elected=[pair[0]]),
                        evidence=[{"rule": "R-TIE", "tied": pair}],
                    ),
                    on,
                )
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
            yield self.item(
                c.ResultsFiled(
                    procedure_id=pid,
                    committee=elected,
                    chair=chair,
                    vice_chairs=vice,
                    funds_review=funds_elected,
                    funds_review_director=funds_elected[0],
                    women_committee_formed=self.female >= 10,
                    women_director=self.name() if self.female else None,
                    term_years=years,
                    evidence=[{"rule": "R-TERM", "years": years, "allowed": [3, 5]}],
                ),
                on,
            )
            on += dt.timedelta(days=self.days(3, 14) if r.random() < 0.85 else self.days(16, 45))
            if r.random() < 0.05:
                yield self.item(
                    c.ResultsRejected(procedure_id=pid, reasons="选举程序不规范", redo_from="congress"),
                    on,
                    approver=True,
                )
                continue
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
            self.chair = chair
            return congress_on, on, end
        return None

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
            fate = r.random()
            deadline = end
            open_on = end - dt.timedelta(days=self.days(5, 55))
            early = False
            if fate < 0.15:
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
                    deadline = new_deadline
                    open_on = deadline - dt.timedelta(days=self.days(5, 55))
                elif answer < 0.85:
                    yield self.item(c.ExtensionRejected(procedure_id=pid, reasons="理由不充分"), when, approver=True)
                    open_on = end + dt.timedelta(days=self.days(1, 90))
                else:
                    open_on = end + dt.timedelta(days=self.days(1, 120))
                on = dt.date.fromordinal(self.rec)
            elif fate < 0.25:
                open_on = end + dt.timedelta(days=self.days(1, 240))  # late
            elif fate < 0.30 and length > 400:
                req = max(on, end - dt.timedelta(days=self.days(150, 300)))
                pid = self.pid("early_reelection")
                planned = req + dt.timedelta(days=60)
                yield self.item(
                    c.EarlyReelectionRequested(
                        procedure_id=pid,
                        reason="主席退休",
                        term_end=end,
                        planned_congress_on=planned,
                        evidence=[{"rule": "R-EARLY", "term_end": end.isoformat()}],
                        **self.opened(self.profile()),
                    ),
                    req,
                )
                when = req + dt.timedelta(days=self.days(3, 20))
                yield self.item(
                    c.EarlyReelectionApproved(procedure_id=pid, document_no=self.doc(when)), when, approver=True
                )
                open_on, early = when + dt.timedelta(days=self.days(1, 10)), True
            elif fate < 0.37:
                return  # never re-elected: A-TERM-OVERDUE from the day after the deadline
            open_on = max(open_on, dt.date.fromordinal(self.rec))
            result = yield from self._reelection(open_on, end, early, withdraw_first=fate > 0.9)
            if result is None:
                return
            start, end, on = result

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


def generate(
    unions: int,
    *,
    seed: int = 1,
    start: dt.date = dt.date(2012, 1, 1),
    end: dt.date = dt.date(2026, 6, 30),
    shape: Shape | None = None,
    first: int = 1,
    federations: bool = True,
) -> Iterator[Item]:
    """The whole log in recording order: the federation tree (unless `federations` is false:
    already written), then the events of unions `first` .. `first + unions - 1` interleaved by
    recording date (each union's in its own order)."""
    shape = shape or Shape()
    if federations:
        yield from _federations(shape, start - dt.timedelta(days=30))
    parents = township_ids(shape)
    streams: Iterable[Iterator[Item]] = (
        _Union(i, parents[i % len(parents)], random.Random(seed * 1_000_003 + i), start, end).events()
        for i in range(first, first + unions)
    )
    yield from heapq.merge(*streams, key=lambda it: (it[0], it[1], it[2]))


def write_log(
    engine: Engine,
    items: Iterable[Item],
    *,
    batch: int = 20_000,
    on_batch: Callable[[int], None] | None = None,
    durable: bool = True,
) -> int:
    """Append `items` after whatever the log holds, in bulk, with the store's hash chains and
    registry rows (events/hashing.py), so that `EventStore.verify` accepts the result. Recording
    times are the items' recording days (never going backwards). Returns the events written.
    `durable=False` lets SQLite skip the disk syncs (for generating benchmark data only)."""
    encode = CATALOGUE.encode
    sqlite = is_sqlite(engine)
    with engine.connect() as conn:
        head = conn.execute(sa.select(schema.log_head).where(schema.log_head.c.id == 1)).one()
        known = {r.stream_id: [r.version, r.head_hash] for r in conn.execute(sa.select(schema.streams))}
    position, running = int(head.position), str(head.hash)
    last_ts = head.recorded_at or dt.datetime(1970, 1, 1)
    touched: set[str] = set()
    rows: list[tuple[Any, ...]] = []
    written = 0

    def flush() -> None:
        nonlocal rows
        with write_connection(engine) as conn:
            if sqlite and not durable:
                conn.connection.driver_connection.execute("PRAGMA synchronous=OFF")  # type: ignore[union-attr]
            with conn.begin():
                Writer(conn).insert(schema.events, rows)
            if sqlite and not durable:
                conn.connection.driver_connection.execute("PRAGMA synchronous=FULL")  # type: ignore[union-attr]
        rows = []
        if on_batch is not None:
            on_batch(written)

    for rec, _key, _seq, stream, on, event, meta in items:
        ts = max(dt.datetime.combine(dt.date.fromordinal(rec), dt.time()), last_ts + dt.timedelta(microseconds=1))
        last_ts = ts
        state = known.get(stream)
        if state is None:
            state = known[stream] = [0, schema.GENESIS_HASH]
        version = state[0] + 1
        position += 1
        payload = encode(event)
        meta_text = meta.model_dump_json(exclude_none=True)
        digest = event_hash(
            state[1], position, stream, version, event.event_type, event.schema_version, on, ts, meta_text, payload
        )
        running = log_hash(running, digest)
        rows.append(
            (
                position,
                stream,
                version,
                event.event_type,
                event.schema_version,
                payload,
                meta_text,
                on.isoformat(),
                ts.isoformat(sep=" ", timespec="microseconds") if sqlite else ts,
                None,
                state[1],
                digest,
            )
        )
        state[0], state[1] = version, digest
        touched.add(stream)
        written += 1
        if len(rows) >= batch:
            flush()
    if rows:
        flush()
    with write_connection(engine) as conn, conn.begin():
        st = schema.streams
        ids = sorted(touched)
        for i in range(0, len(ids), 500):
            conn.execute(sa.delete(st).where(st.c.stream_id.in_(ids[i : i + 500])))
        Writer(conn).insert(st, [(s, known[s][0], known[s][1]) for s in ids])
        conn.execute(
            sa.update(schema.log_head)
            .where(schema.log_head.c.id == 1)
            .values(position=position, hash=running, recorded_at=last_ts)
        )
    return written
