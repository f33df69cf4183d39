"""A founding (建会, RULES.md §3): the request and its preparatory group, the approval, the members
recruited, the election phase, the higher-level union's approval and the legal person registered;
stopped at any step (a founding under way) or completed (a union founded through unionflow)."""

from __future__ import annotations

import datetime as dt

from api.demo.election_steps import election_items
from api.demo.elections import Election, plan_election
from api.demo.naming import REJECTIONS
from api.demo.story import Story
from api.demo.timeline import DAY, Item, place
from events.catalogue import PrepGroupMember
from workflow import commands as c


def founding_items(s: Story, e: Election, reject: str | None = None) -> tuple[str, list[Item]]:
    """Every step of a founding, in order; `reject` adds a rejected request ("request"), candidate
    list ("candidates") or results ("results") and the filing made again."""
    pid = s.pid("founding")
    u, unit = s.union_id, s.unit
    prep = [PrepGroupMember(name=n, affiliation="party_org" if i == 0 else "worker_representative")
            for i, n in enumerate(s.people.names(s.rng.randint(3, 5)))]  # fmt: skip
    initiators = [prep[0].name, prep[1].name]
    request = s.step(
        "requested",
        0,
        0,
        lambda on: c.RequestFounding(
            union_id=u, unit=s.without_members(), initiators=initiators, prep_group=prep, occurred_on=on
        ),
    )
    items = [request]
    if reject == "request":
        items += _request_rejected_items(s, pid, initiators, prep)
    items += [
        s.approve("preparing", pid, 5, 14),
        s.command_step(
            "members_recruited",
            15,
            60,
            c.RecordMembersRecruited,
            procedure_id=pid,
            members=unit.members,
            female_members=unit.female_members,
            employees=unit.employees,
        ),
        *election_items(s, pid, e, reject=reject if reject in ("candidates", "results") else None),
        s.approve("founded", pid, 5, 13),
        s.step(
            "registered",
            10,
            50,
            lambda on: c.RegisterLegalPerson(
                union_id=u, procedure_id=pid, registration_no=s.demo.credit_code(), occurred_on=on
            ),
        ),
    ]
    return pid, items


def _request_rejected_items(s: Story, pid: str, initiators: list[str], prep: list[PrepGroupMember]) -> list[Item]:
    """The request sent back, and made again with one more member in the preparatory group."""
    return [
        s.reject("request_rejected", pid, REJECTIONS["request"]),
        s.step(
            "requested",
            3,
            15,
            lambda on: c.ResubmitFoundingRequest(
                union_id=s.union_id,
                procedure_id=pid,
                unit=s.without_members(),
                initiators=initiators,
                prep_group=[*prep, PrepGroupMember(name=s.people.names(1)[0])],
                occurred_on=on,
            ),
        ),
    ]


def founding_under_way(s: Story, until: str, last_on: dt.date, reject: str | None = None) -> None:
    """A founding whose latest step is `until`, taken on `last_on`."""
    e = plan_election(s.rng, s.people, s.unit, s.profile)
    _, items = founding_items(s, e, reject)
    cut = max(i for i, item in enumerate(items) if item.label == until) + 1
    items = items[:cut]
    dates = place(s.rng, items, len(items) - 1, last_on, floor=s.demo.go_live + 30 * DAY)
    s.register(dates[0] - s.rng.randint(5, 40) * DAY, s.without_members())
    s.add(items, dates)


def founded(
    s: Story, congress_on: dt.date, years: int | None = None, *, legal_person: bool = True, chair_by: str = "congress"
) -> Election:
    """A founding completed through unionflow, with its congress (the term's start) on `congress_on`
    and the chair elected by `chair_by` (the congress, or the committee)."""
    e = plan_election(s.rng, s.people, s.unit, s.profile)
    e.term_years = years or e.term_years
    e.chair_elected_by = chair_by
    _, items = founding_items(s, e)
    anchor = next(i for i, item in enumerate(items) if item.label == "congress_held")
    dates = place(s.rng, items, anchor, congress_on, floor=s.demo.go_live + 30 * DAY)
    if dates[anchor] != congress_on:
        raise ValueError("founding congress moved")
    if not legal_person or dates[-1] > s.today:
        items, dates = items[:-1], dates[:-1]
    s.register(dates[0] - s.rng.randint(5, 40) * DAY, s.without_members())
    s.add(items, dates)
    s.committee = e.elected
    return e
