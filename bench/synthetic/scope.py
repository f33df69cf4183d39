"""What changes the coverage's scope (RULES.md §7) in a generated history: a joint grassroots union
naming the small units it covers, some leaving and others joining (R-FORM-25), and a union (or a
unit never unionised) dissolved on the higher-level union's approval, which withdraws what is
still under way (R-DISSOLVE). Drawn from the union's own `scope_rng`, so the rest of its life stays
as the seed made it before these were generated."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from bench.synthetic.profiles import NATIONAL_PROFILE
from bench.synthetic.union_base import Item, Stop, UnionBase
from events import catalogue as c


class Scope(UnionBase):
    def _days(self, lo: int, hi: int) -> dt.timedelta:
        return dt.timedelta(days=self.scope_rng.randint(lo, hi))

    def _small_unit(self, n: int) -> tuple[str, c.UnitFacts]:
        r = self.scope_rng
        employees = r.randint(3, 60)
        members = r.randint(1, min(employees, 24))  # R-FORM-25: under 25 members
        facts = c.UnitFacts(
            unit_name=f"{self.org}-{n}单位",
            unit_type=r.choice(("enterprise", "enterprise", "social_organisation")),
            employees=employees,
            members=members,
            female_members=members // 3,
            has_party_org=False,
        )
        return f"{self.org}-{n:02d}", facts

    def _covered(self, registered: dt.date) -> Iterator[Item]:
        """A joint union's units: a few join soon after it is registered, one now and then leaves."""
        self.covered = [self._small_unit(n) for n in range(1, self.scope_rng.randint(2, 6))]
        on = registered + self._days(1, 40)
        for unit_id, facts in self.covered:
            yield self.item(c.UnitCovered(org_id=self.org, unit_id=unit_id, unit=facts, evidence=_form(facts)), on)

    def _covered_change(self, on: dt.date) -> Iterator[Item]:
        """Between terms: a unit leaves, or one more joins (R-FORM-25)."""
        r = self.scope_rng
        if not self.covered or r.random() >= 0.3:
            return
        when = on + self._days(1, 60)
        if r.random() < 0.5:
            gone, _ = self.covered.pop(r.randrange(len(self.covered)))
            yield self.item(c.CoveredUnitLeft(org_id=self.org, unit_id=gone, reason="单位注销"), when)
        else:
            unit_id, facts = self._small_unit(len(self.covered) + 10 + r.randint(0, 80))
            if all(known != unit_id for known, _ in self.covered):
                self.covered.append((unit_id, facts))
                yield self.item(c.UnitCovered(org_id=self.org, unit_id=unit_id, unit=facts), when)

    def _dissolution(self, on: dt.date, *, founded: bool) -> Iterator[Item]:
        """R-DISSOLVE: filed (by the union after its congress's vote, or by the higher-level union
        when the unit closed), approved some weeks later; the history ends there."""
        r = self.scope_rng
        pid = self.pid("dissolution")
        closed = not founded or r.random() < 0.6
        reason = "closed" if closed else r.choice(("merged", "moved"))
        filed = on + self._days(5, 60)
        congress = None if closed else filed - self._days(1, 10)
        by_higher = closed and r.random() < 0.5
        yield self.item(
            c.DissolutionRequested(
                procedure_id=pid,
                reason=reason,
                unit_changed_on=filed - self._days(10, 40),
                document="注销通知书" if closed else "会员大会关于注销工会的决议",
                congress_on=congress,
                filed_by="higher_union" if by_higher else "union",
                evidence=[{"rule": "R-DISSOLVE", "reason": reason, "founded": founded}],
                **self.opened(NATIONAL_PROFILE),
            ),
            filed,
            approver=by_higher,
        )
        approved = filed + self._days(3, 40)
        for open_pid in self.open_procs:
            yield self.item(c.ProcedureWithdrawn(procedure_id=open_pid, reason="注销 (R-DISSOLVE)"), approved)
        self.open_procs = []
        yield self.item(
            c.DissolutionApproved(procedure_id=pid, document_no=self.doc(approved), reason=reason),
            approved,
            approver=True,
        )
        raise Stop  # a dissolved union's history ends with its dissolution


def _form(facts: c.UnitFacts) -> list[dict[str, object]]:
    return [{"rule": "R-FORM-25", "members": facts.members, "threshold": 25}]
