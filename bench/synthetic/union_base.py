"""What every generated union's history is made of: its items (events with their recording day
and metadata) and the small draws (names, document numbers, procedure ids, profiles) its
procedures share."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from bench.synthetic.profiles import GIVEN, LOCAL_PROFILE, NATIONAL_PROFILE, SURNAMES
from events import DomainEvent, EventMetadata
from events import catalogue as c
from events.catalogue import org_stream

# (recording day ordinal, union key, sequence within the union, stream, business date, event, metadata)
Item = tuple[int, int, int, str, dt.date, DomainEvent, EventMetadata]


class Stop(Exception):
    """The simulated history reached the end date."""


class UnionBase:
    """One union's identity, what its history has made of it so far, and the draws its steps share."""

    def __init__(self, key: int, parent: str, rng: random.Random, start: dt.date, end: dt.date) -> None:
        self.key = key
        self.org = f"U{key:07d}"
        self.parent = parent
        self.rng = rng
        self.congress_rng = random.Random(key * 1_000_003 + start.toordinal())
        # Vice-chairs removed at an annual congress (R-REMOVAL): a stream of their own too.
        self.removal_rng = random.Random(key * 7_000_003 + start.toordinal())
        # Joint unions' units and dissolutions (bench.synthetic.scope): a stream of their own too.
        self.scope_rng = random.Random(key * 9_000_011 + start.toordinal())
        self.joint = self.scope_rng.random() < 0.05
        self.covered: list[tuple[str, c.UnitFacts]] = []  # a joint union's units now
        self.open_procs: list[str] = []  # procedures left under way (withdrawn by a dissolution)
        # What a registry import says of the union beside its term: its own stream as well.
        self.import_rng = random.Random(key * 11_000_003 + start.toordinal())
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
            raise Stop
        rec = max(self.rec, on.toordinal() + late_days)
        if rec > self.end.toordinal():
            raise Stop
        self.rec = rec
        self.seq += 1
        meta = self.approver if approver else self.staff
        meta = meta.model_copy(update={"command_id": f"{self.key:07d}-{self.seq:04d}"})
        return (rec, self.key, self.seq, self.stream, on, ev, meta)

    def name(self) -> str:
        r = self.rng
        return r.choice(SURNAMES) + r.choice(GIVEN) + (r.choice(GIVEN) if r.random() < 0.6 else "")

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

    def imported_facts(self, start: dt.date, term_end: dt.date, on: dt.date) -> dict[str, Any]:
        """The registry's facts of an imported union (ExistingTermImported), each given or not, as
        the import would have checked them: a founding before the term, a congress type for the
        members, the committee by names or by number with its officers, the last congress, an
        extension in force (at most 6 months, R-EXTENSION), the legal person."""
        r, facts = self.import_rng, dict[str, Any]()
        if r.random() < 0.1:
            self.chair = None  # a register without the chair's name: its vacancy names nobody
        facts["chair"] = self.chair
        if r.random() < 0.6:
            facts["founded_on"] = start - dt.timedelta(days=r.randint(0, 3000))
            facts["founding_document_no"] = f"{self.parent}工发〔{facts['founded_on'].year}〕{r.randint(1, 99)}号"
            if r.random() < 0.7:
                facts["legal_person_no"] = f"工法{self.key:09d}"
                facts["legal_person_on"] = facts["founded_on"] + dt.timedelta(days=r.randint(5, 90))
        if r.random() < 0.7:
            big = self.members > 100 and r.random() < 0.5
            facts["congress_type"] = "representative_congress" if big else "members_meeting"
            if big:
                facts["representatives"] = max(30, self.members // 10)
        if r.random() < 0.7:
            committee = [self.chair or "主席", *(f"{self.org}委员{i}" for i in range(r.choice((2, 4, 6))))]
            if r.random() < 0.5:
                facts["committee"] = committee
            facts["committee_size"] = len(committee)
            facts["vice_chairs"] = self.vice_chairs = committee[1:2]
            facts["chair_elected_by"] = r.choice(("congress", "committee"))
            facts["chair_full_time"] = r.random() < 0.5
        if r.random() < 0.5:
            facts["last_congress_on"] = min(on, start + dt.timedelta(days=r.randint(0, 1500)))
        if r.random() < 0.2:
            facts["extension_deadline"] = term_end + dt.timedelta(days=r.randint(1, 180))
            facts["extension_document_no"] = f"{self.parent}工发〔{on.year}〕{r.randint(100, 199)}号"
        return facts

    # ------------------------------------------------------------------ life
