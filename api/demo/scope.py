"""Three stories beside the situations (RULES.md §7's scope and figures): a joint grassroots union
(联合基层工会) founded for the small units of a street, naming the units it covers (one left since,
another joined lately); a union whose unit merged into another, dissolved on the street union's
approval after its congress voted for it (R-DISSOLVE); an enterprise union whose chair the new
committee elected rather than the congress (not 直选). Planned after every situation's union, so the
seeded draws of those stay as they were; their dates are around today, like everything else."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from api.demo.founding import founded
from api.demo.naming import TRADE_NAMES
from api.demo.story import Federation, Story
from api.demo.timeline import DAY, Item, Step, place
from events.catalogue import UnitFacts
from workflow import commands as c

if TYPE_CHECKING:
    from api.demo.builder import DemoBuilder

# What the stories add to the coverage's units today: the units the joint union (no unit itself)
# covers now, and the committee-elected union's; the dissolved union's unit no longer counts.
JOINT_UNITS_NOW = 4
EXTRA_UNITS = JOINT_UNITS_NOW + 1

_SHOPS = ("餐饮店", "理发店", "便利店", "汽车修理部", "洗衣店", "花店", "文具店", "药店")


def plan_scope(demo: DemoBuilder) -> None:
    _joint_union(demo, demo.federations[0])
    _dissolved_union(demo, demo.federations[1 % len(demo.federations)])
    _chair_by_committee(demo, demo.federations[2 % len(demo.federations)])


def _chair_by_committee(demo: DemoBuilder, fed: Federation) -> None:
    """An enterprise founded about a year ago whose committee elected the chair at its first meeting."""
    rng, today = demo.rng, demo.today
    unit = demo.unit(fed)
    while unit.unit_type != "enterprise":  # seven units in ten are: a few draws at most
        unit = demo.unit(fed)
    s = Story(demo, f"{fed.org_id}-C01", fed, unit, f"{unit.unit_name}工会委员会")
    congress = today - rng.randint(300, 420) * DAY
    e = founded(s, congress, years=5, chair_by="committee")
    s.annual_congresses(congress, today, e)
    demo.steps += s.steps


def _small_units(demo: DemoBuilder, fed: Federation, n: int, first: int) -> list[tuple[str, UnitFacts]]:
    rng, out = demo.rng, []
    for k in range(first, first + n):
        employees = rng.randint(6, 24)
        members = rng.randint(4, employees)  # R-FORM-25: under 25 members, so it may join
        facts = UnitFacts(
            unit_name=f"大连{rng.choice(TRADE_NAMES)}{rng.choice(_SHOPS)}",
            unit_type="enterprise",
            employees=employees,
            members=members,
            female_members=members // 2,
            has_party_org=False,
        )
        out.append((f"{fed.org_id}-J01-{k:02d}", facts))
    return out


def _joint_union(demo: DemoBuilder, fed: Federation) -> None:
    """Founded about two years ago for four small shops (one closed since, one joined lately)."""
    rng, today = demo.rng, demo.today
    covered = _small_units(demo, fed, JOINT_UNITS_NOW + 1, 1)
    first, later = covered[:JOINT_UNITS_NOW], covered[JOINT_UNITS_NOW:]
    joint = UnitFacts(
        unit_name=f"{fed.name}小微企业联合工会",
        unit_type="other",
        employees=sum(u.employees for _, u in first),
        members=sum(u.members for _, u in first),
        female_members=sum(u.female_members for _, u in first),
        has_party_org=False,
    )
    s = Story(demo, f"{fed.org_id}-J01", fed, joint, f"{fed.name}小微企业联合工会委员会")
    s.level = "joint"
    congress = today - rng.randint(500, 800) * DAY
    e = founded(s, congress, years=5)
    s.annual_congresses(congress, today, e)
    assert s.registered_on is not None
    joined = s.registered_on + rng.randint(1, 4) * DAY
    for unit_id, facts in first:
        s.steps.append(Step(joined, s.staff, _cover(s, unit_id, facts, joined)))
    left = today - rng.randint(120, 300) * DAY
    gone = first[rng.randrange(len(first))][0]
    s.steps.append(
        Step(left, s.staff, c.UncoverUnit(union_id=s.union_id, unit_id=gone, reason="店铺歇业注销", occurred_on=left))
    )
    lately = today - rng.randint(10, 90) * DAY
    s.steps += [Step(lately, s.staff, _cover(s, unit_id, facts, lately)) for unit_id, facts in later]
    demo.steps += s.steps


def _cover(s: Story, unit_id: str, facts: UnitFacts, on: dt.date) -> c.Command:
    return c.CoverUnit(union_id=s.union_id, unit_id=unit_id, unit=facts, occurred_on=on)


def _dissolved_union(demo: DemoBuilder, fed: Federation) -> None:
    """Founded about three years ago; its unit merged into another, its congress voted to dissolve
    the union (Charter §16), the street union approved it some months ago (R-DISSOLVE)."""
    rng, today = demo.rng, demo.today
    unit = demo.unit(fed)
    s = Story(demo, f"{fed.org_id}-D01", fed, unit, f"{unit.unit_name}工会委员会")
    congress = today - rng.randint(900, 1200) * DAY
    e = founded(s, congress, years=5)
    dissolved_on = today - rng.randint(60, 200) * DAY
    s.annual_congresses(congress, dissolved_on - 60 * DAY, e)
    due = e.representatives or unit.members
    vote = s.command_step(
        "congress", 0, 0, c.RecordCongress, due=due, present=due, agenda="审议单位合并后注销工会的决议"
    )
    approval = s.approve("approved", s.pid("dissolution"), 10, 25)
    # Placed with the request's gap first: the request names the congress's date, known once placed.
    dates = place(rng, [vote, Item("requested", 3, 10, s.staff, vote.make), approval], 2, dissolved_on)
    merged_on = dates[0] - rng.randint(10, 30) * DAY
    request = Item(
        "requested",
        3,
        10,
        s.staff,
        lambda on: c.RequestDissolution(
            union_id=s.union_id,
            reason="merged",
            unit_changed_on=merged_on,
            document="会员大会关于注销工会的决议",
            congress_on=dates[0],  # Charter §16: the congress voted for it
            occurred_on=on,
        ),
    )
    s.add([vote, request, approval], dates)
    demo.steps += s.steps
