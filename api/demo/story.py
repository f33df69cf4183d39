"""One grassroots union's story: the steps planned for it from registration to today, each sent
later as a command by the person whose step it is (the union's staff, the approver of its direct
higher-level union, R-APPROVER, or an administrator). The phases of a story are planned by
`api.demo.founding`, `api.demo.election_steps` and `api.demo.terms`; this module keeps the
story's bookkeeping and the steps that stand alone (registration, a registry import, the unit's
facts, the yearly congresses)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from api.demo.elections import Election
from api.demo.naming import AGENDAS
from api.demo.registry import registry_facts
from api.demo.timeline import DAY, Item, Step
from events.catalogue import UnitFacts
from workflow import commands as c
from workflow import rules
from workflow.authority import Actor
from workflow.calendar import add_months

if TYPE_CHECKING:
    from api.demo.builder import DemoBuilder


@dataclass
class Federation:
    """A street or zone union: the direct higher-level union (R-APPROVER) of the unions below it."""

    org_id: str
    name: str
    short: str
    district: str
    approver: Actor
    admin: Actor
    documents: Counter[int] = field(default_factory=Counter)

    def document_no(self, on: dt.date) -> str:
        self.documents[on.year] += 1
        return f"{self.short}工复〔{on.year}〕{self.documents[on.year]}号"


class Story:
    """Plans one grassroots union's steps from registration to today."""

    def __init__(self, demo: DemoBuilder, union_id: str, parent: Federation, unit: UnitFacts, name: str) -> None:
        self.demo = demo
        self.rng = demo.rng
        self.people = demo.people
        self.profile = demo.profile
        self.today = demo.today
        self.union_id = union_id
        self.parent = parent
        self.unit = unit
        self.name = name
        self.staff = demo.people.actor("staff", union_id)
        demo.staff_of[union_id] = self.staff
        self.steps: list[Step] = []
        self.counts: Counter[str] = Counter()
        self.registered_on: dt.date | None = None
        self.committee: list[str] = []
        self.level = "grassroots"  # or "joint": a joint grassroots union (api.demo.scope)
        self.registry: dict[str, Any] = {}  # what the registry said of an imported term

    # ------------------------------------------------------------------ bookkeeping

    def pid(self, kind: str) -> str:
        """The id the service will give the next procedure of `kind` (workflow.service `_next_id`)."""
        self.counts[kind] += 1
        return f"{self.union_id}:{kind.replace('_', '-')}-{self.counts[kind]}"

    def add(self, items: Sequence[Item], dates: Sequence[dt.date]) -> None:
        for item, on in zip(items, dates, strict=True):
            if on > self.today:
                raise ValueError(f"{self.union_id}: {item.label} planned on {on}, after today")
            self.steps.append(Step(on, item.actor, item.make(on)))

    def without_members(self) -> UnitFacts:
        """The unit's facts before it has a union: employees, but no members yet."""
        return self.unit.model_copy(update={"members": 0, "female_members": 0})

    def register(self, on: dt.date, unit: UnitFacts | None = None) -> None:
        on = max(on, self.demo.go_live)
        self.registered_on = on
        cmd = c.RegisterOrganisation(
            org_id=self.union_id,
            name=self.name,
            level=self.level,
            parent_id=self.parent.org_id,
            unit=unit or self.unit,
            occurred_on=on,
        )
        self.steps.insert(0, Step(on, self.parent.admin, cmd))

    def approve(self, label: str, pid: str, lo: int = 5, hi: int = 14, remarks: str = "") -> Item:
        return Item(
            label,
            lo,
            hi,
            self.parent.approver,
            lambda on: c.ApproveFiling(
                union_id=self.union_id,
                procedure_id=pid,
                document_no=self.parent.document_no(on),
                remarks=remarks,
                occurred_on=on,
            ),
        )

    def reject(self, label: str, pid: str, reasons: str, redo_from: str | None = None) -> Item:
        return Item(
            label,
            8,
            20,
            self.parent.approver,
            lambda on: c.RejectFiling(
                union_id=self.union_id,
                procedure_id=pid,
                reasons=reasons,
                redo_from=redo_from,
                occurred_on=on,
            ),
        )

    def step(self, label: str, lo: int, hi: int, make: Callable[[dt.date], c.Command]) -> Item:
        return Item(label, lo, hi, self.staff, make)

    def command_step(self, label: str, lo: int, hi: int, command: Callable[..., c.Command], **fields: Any) -> Item:
        """A step by the union's staff: `command` on this union with `fields`, on the step's date."""
        return self.step(label, lo, hi, lambda on: command(union_id=self.union_id, occurred_on=on, **fields))

    # ------------------------------------------------------------------ steps that stand alone

    def imported(self, term_start: dt.date, years: int, *, current: bool = False) -> dt.date:
        """A union founded before unionflow, brought in by the administrator with its current term
        (`current`: still its current term today) and what the registry says of it."""
        on = max(self.demo.go_live + self.rng.randint(0, 60) * DAY, term_start + self.rng.randint(20, 60) * DAY)
        chair = self.people.names(1)[0]
        self.register(on - self.rng.randint(0, 3) * DAY)
        self.committee = [chair, *self.people.names(4)]
        self.registry = registry_facts(self, term_start, years, on, current=current)
        self.steps.append(
            Step(
                on,
                self.parent.admin,
                c.ImportExistingTerm(
                    union_id=self.union_id,
                    term_start=term_start,
                    term_years=years,
                    chair=chair,
                    source=f"{self.parent.name}工会组织台账",
                    occurred_on=on,
                    **self.registry,
                ),
            )
        )
        return on

    def update_facts(self, on: dt.date) -> None:
        """The unit's facts as they stand before a re-election (R-REELECTION reads them); never
        recorded before the union is (a re-election window may open before it was registered)."""
        on = max(on, self.registered_on or self.demo.go_live)
        u, rng = self.unit, self.rng
        employees = max(12, round(u.employees * rng.uniform(0.9, 1.15)))
        members = min(employees, max(10, round(employees * rng.uniform(0.85, 0.98))))
        female = min(members, round(members * u.female_members / max(1, u.members)))
        self.unit = u.model_copy(update={"employees": employees, "members": members, "female_members": female})
        self.steps.append(
            Step(on, self.staff, c.UpdateUnitFacts(union_id=self.union_id, unit=self.unit, occurred_on=on))
        )

    def annual_congresses(
        self, start: dt.date, stop: dt.date, e: Election | None, not_before: dt.date | None = None
    ) -> None:
        """R-ANNUAL: a congress about every twelve months between elections (those held before the
        union was known here, `not_before`, are not recorded)."""
        if e is not None:
            due = e.representatives or self.unit.members
        else:
            m = self.unit.members
            due = m if m <= self.profile.members_meeting_max else rules.representative_range(m, self.profile)[0]
        on = add_months(start, 12) - self.rng.randint(0, 40) * DAY
        while on < stop:
            if not_before is not None and on < not_before:
                on = add_months(on, 12) - self.rng.randint(0, 40) * DAY
                continue
            present = self.rng.randint(rules.quorum_needed(due), due)
            agenda = (
                f"{on.year}年度{'会员代表大会' if due != self.unit.members else '会员大会'}：{self.rng.choice(AGENDAS)}"
            )
            self.steps.append(
                Step(
                    on,
                    self.staff,
                    c.RecordCongress(union_id=self.union_id, due=due, present=present, agenda=agenda, occurred_on=on),
                )
            )
            on = add_months(on, 12) - self.rng.randint(0, 40) * DAY
