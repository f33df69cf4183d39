"""The `unionflow demo` dataset: a city federation's unions over seven years, for trying the system.

The tree: 中华全国总工会 → 辽宁省总工会 → 大连市总工会 → five districts (county level) → their streets and
development zones (township level) → a few hundred grassroots unions with Chinese names and unit
facts. The unions are in every situation the engine knows (RULES.md §3-§6): foundings at every step
(some requests and filings rejected and filed again), unions imported with terms begun before the
system, unions founded through it, terms in force, due, overdue, extended or renewed early,
re-elections at every step, chairs vacant (some past the by-election deadline), annual congresses
held or missed, legal persons registered or not.

Nothing is written behind the engine's back: every step is a command sent through
`WorkflowService.execute` by the person whose step it is (the union's staff, the approver of its
direct higher-level union, an administrator for the tree and for registry imports), so every rule
is checked and every event carries its evidence, exactly as if the people had used the API. The
steps of all unions are sent in the order of their business dates, so the log reads like a real one.

Dates are relative to the service's today (go-live seven years before), and everything else comes
from a seeded `random.Random`: the same seed on the same day gives the same data.

A story is planned as a sequence of steps, each with the gap (in days) after the step before; a
sequence is placed in time around one anchor step (the congress that starts a term, or the step a
procedure is waiting after today), backwards from the anchor for the steps before it and forwards
for those after, never before a floor date (the re-election window R-EARLY opens, go-live)."""

from __future__ import annotations

import datetime as dt
import itertools
import random
import string
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

from api.runtime import Runtime
from events.catalogue import BallotCount, Candidate, PrepGroupMember, RemovalVote, UnitFacts
from workflow import commands as c
from workflow import rules
from workflow.authority import Actor
from workflow.calendar import add_months, add_years
from workflow.profile import RuleProfile

DAY = dt.timedelta(days=1)

ROOT, PROVINCE, CITY = "ACFTU", "LN", "DL"

# Districts of the city (county level) and their streets and development zones (township level).
DISTRICTS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("DL-ZS", "中山区", ("青泥洼桥街道", "人民路街道", "桃源街道", "老虎滩街道")),
    ("DL-XG", "西岗区", ("白云街道", "人民广场街道", "八一路街道")),
    ("DL-SHK", "沙河口区", ("春柳街道", "马栏街道", "黑石礁街道", "星海湾街道")),
    ("DL-GJZ", "甘井子区", ("周水子街道", "凌水街道", "红旗街道", "大连高新技术产业园区")),
    ("DL-LSK", "旅顺口区", ("登峰街道", "水师营街道", "旅顺经济开发区")),
)

# ------------------------------------------------------------------------------------------ names

SURNAMES = (
    ("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"), ("杨", "yang"), ("赵", "zhao"),
    ("黄", "huang"), ("周", "zhou"), ("吴", "wu"), ("徐", "xu"), ("孙", "sun"), ("胡", "hu"), ("朱", "zhu"),
    ("高", "gao"), ("林", "lin"), ("何", "he"), ("郭", "guo"), ("马", "ma"), ("罗", "luo"), ("梁", "liang"),
    ("宋", "song"), ("郑", "zheng"), ("谢", "xie"), ("韩", "han"), ("唐", "tang"), ("冯", "feng"), ("于", "yu"),
    ("董", "dong"), ("程", "cheng"), ("曹", "cao"), ("袁", "yuan"), ("邓", "deng"), ("傅", "fu"), ("沈", "shen"),
    ("曾", "zeng"), ("彭", "peng"), ("吕", "lv"), ("苏", "su"), ("丁", "ding"), ("姜", "jiang"), ("崔", "cui"),
)  # fmt: skip
GIVEN = (
    ("伟", "wei"), ("芳", "fang"), ("娜", "na"), ("敏", "min"), ("静", "jing"), ("丽", "li"), ("强", "qiang"),
    ("磊", "lei"), ("军", "jun"), ("洋", "yang"), ("勇", "yong"), ("艳", "yan"), ("杰", "jie"), ("娟", "juan"),
    ("涛", "tao"), ("明", "ming"), ("超", "chao"), ("秀", "xiu"), ("霞", "xia"), ("平", "ping"), ("刚", "gang"),
    ("英", "ying"), ("华", "hua"), ("建", "jian"), ("国", "guo"), ("红", "hong"), ("玉", "yu"), ("文", "wen"),
    ("海", "hai"), ("燕", "yan"), ("鹏", "peng"), ("宇", "yu"), ("晨", "chen"), ("婷", "ting"), ("雪", "xue"),
    ("琳", "lin"), ("波", "bo"), ("辉", "hui"), ("斌", "bin"), ("欣", "xin"), ("志", "zhi"), ("春", "chun"),
)  # fmt: skip

TRADE_NAMES = (
    "海晟", "远航", "金桥", "星海", "恒通", "瑞丰", "华信", "鑫达", "兴港", "长兴", "博源", "中科", "新世纪", "凯达",
    "宏远", "德润", "广源", "天成", "万隆", "嘉禾", "明珠", "汇丰源", "润泽", "启航", "北方", "辽港", "滨城", "东亚",
    "海昌", "凌云", "盛世", "安泰", "宝利", "蓝海", "银帆", "同创", "正和", "信诚", "永兴", "泰和",
)  # fmt: skip
TRADES = (
    "机械制造", "电子科技", "国际物流", "食品", "建筑工程", "软件", "港口服务", "船舶配件", "医药", "商贸", "精细化工",
    "服装", "网络科技", "物业管理", "餐饮管理", "汽车服务", "新材料", "水产", "环保科技", "信息技术", "轴承",
    "冷链物流",
)  # fmt: skip
INSTITUTIONS = (
    "{d}第{n}中学", "{d}第{n}小学", "{d}中心医院", "{d}{s}社区卫生服务中心", "大连市第{n}幼儿园", "{d}图书馆",
    "大连市海洋工程研究所", "{d}职业技术学校", "大连市第{n}人民医院", "{d}文化馆",
)  # fmt: skip
GOVERNMENT = (
    "{d}市场监督管理局",
    "{d}教育局",
    "{d}人力资源和社会保障局",
    "{s}办事处",
    "{d}住房和城乡建设局",
    "{d}财政局",
)
SOCIAL = ("大连市{t}行业协会", "{d}{t}商会", "大连市{t}学会", "{d}慈善总会")
OTHER = ("{t}律师事务所", "{t}会计师事务所", "{t}设计事务所")

AGENDAS = (
    "听取和审议工会委员会工作报告；审议经费收支情况和经费审查报告",
    "审议工会年度工作报告、经费审查委员会报告；讨论职工福利方案",
    "听取工会工作报告和经费审查报告；通报厂务公开和集体协商情况",
)
VACANCY_REASONS = ("原主席调离本单位", "原主席退休", "原主席工作调动", "原主席因病辞职")
REMOVAL_REASON = "会员（代表）大会罢免原主席"
REJECTIONS = {
    "request": "筹备组成员中缺少职工代表，请调整筹备组组成后重新报送",
    "candidates": "候选人名单中有单位行政负责人近亲属，请重新酝酿候选人",
    "results": "选举结果报告中计票数据与选票统计表不一致，请重新召开大会选举",
    "early": "提前换届理由不充分",
}

# How many unions of each situation, as weights; every situation appears at least once.
SITUATIONS: tuple[tuple[str, float], ...] = (
    ("no_union_yet", 7),
    ("founding_requested", 2),
    ("founding_request_waiting_long", 2),
    ("founding_request_resubmitted", 1.5),
    ("founding_preparing", 2),
    ("founding_prep_stalled", 1.5),
    ("founding_members_recruited", 2),
    ("founding_candidates_filed", 2),
    ("founding_candidates_rejected_refiled", 1),
    ("founding_candidates_approved", 2),
    ("founding_congress_held", 1.5),
    ("founding_results_filed", 2),
    ("founding_results_rejected_refiled", 1),
    ("founded_recently_registered", 4),
    ("founded_legal_person_late", 2),
    ("founded_just_now", 1.5),
    ("term_in_force", 28),
    ("term_due_soon", 5),
    ("term_overdue", 4),
    ("term_extended", 2.5),
    ("extension_requested", 1.5),
    ("early_reelection", 2),
    ("no_annual_congress", 3),
    ("reelection_plan_filed", 2.5),
    ("reelection_in_progress", 4),
    ("reelection_results_filed", 2.5),
    ("reelection_overdue_in_progress", 2),
    ("chair_vacant", 1.5),
    ("chair_vacancy_overdue", 1.5),
    ("by_election_consent_requested", 1.5),
    ("by_election_filled", 2),
)
MIN_UNIONS = len(SITUATIONS)
# A first term that began before go-live, or soon after it, came in with the registry import.
IMPORTED_BEFORE = dt.timedelta(days=200)


class DemoRefused(Exception):
    """The demo loads only into an empty database."""


# ------------------------------------------------------------------------------------------ people


class People:
    """Chinese names, unique within the demo, with a pinyin handle for person ids."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def person(self) -> tuple[str, str]:
        for _ in range(10_000):
            (sn, sp), (g1, p1) = self.rng.choice(SURNAMES), self.rng.choice(GIVEN)
            if self.rng.random() < 0.6:
                g2, p2 = self.rng.choice(GIVEN)
                name, handle = sn + g1 + g2, sp + p1 + p2
            else:
                name, handle = sn + g1, sp + p1
            if name not in self.used:
                self.used.add(name)
                return name, handle
        raise RuntimeError("ran out of names")

    def names(self, n: int) -> list[str]:
        return [self.person()[0] for _ in range(n)]

    def actor(self, role: str, org_id: str) -> Actor:
        _, handle = self.person()
        return Actor(person_id=f"{handle}@{org_id.lower()}", role=role, org_id=org_id)


# ------------------------------------------------------------------------------------------ placing steps in time


@dataclass
class Item:
    """One planned step: the gap in days after the step before it (lo..hi), who takes it, and the
    command it sends on the date it is placed on."""

    label: str
    lo: int
    hi: int
    actor: Actor
    make: Callable[[dt.date], c.Command]


@dataclass(frozen=True)
class Step:
    on: dt.date
    actor: Actor
    command: c.Command


def place(
    rng: random.Random,
    items: Sequence[Item],
    anchor: int,
    anchor_on: dt.date,
    floor: dt.date | None = None,
    ceiling: dt.date | None = None,
) -> list[dt.date]:
    """Dates for `items` with item `anchor` on `anchor_on`: earlier items backwards by their gaps,
    later ones forwards. If the first would fall before `floor`, the gaps shrink to their minimum and,
    if that is not enough, the anchor moves later (never past `ceiling`: then ValueError)."""
    gaps = [rng.randint(i.lo, i.hi) for i in items]
    for attempt in range(2):
        dates = [anchor_on] * len(items)
        for k in range(anchor - 1, -1, -1):
            dates[k] = dates[k + 1] - gaps[k + 1] * DAY
        if floor is None or dates[0] >= floor:
            break
        if attempt == 0:
            gaps = [i.lo for i in items]
    else:
        assert floor is not None
        shift = (floor - dates[0]).days
        anchor_on += shift * DAY
        if ceiling is not None and anchor_on > ceiling:
            raise ValueError(f"{items[anchor].label} cannot be placed between {floor} and {ceiling}")
        dates = [d + shift * DAY for d in dates]
    for k in range(anchor + 1, len(items)):
        dates[k] = dates[k - 1] + gaps[k] * DAY
    return dates


# ------------------------------------------------------------------------------------------ elections


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


# ------------------------------------------------------------------------------------------ one union's story


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
            level="grassroots",
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

    # ------------------------------------------------------------------ the election phase (RULES.md §3 steps 4-8)

    def election_items(self, pid: str, e: Election, *, reject: str | None = None) -> list[Item]:
        """Congress type to results filed; `reject` adds a rejected candidate list ("candidates")
        or rejected results ("results") and the filing made again."""
        u, rng = self.union_id, self.rng
        items = [
            self.step(
                "congress_type_decided",
                3,
                10,
                lambda on: c.DecideCongressType(
                    union_id=u,
                    procedure_id=pid,
                    congress_type=e.congress_type,
                    committee_seats=e.seats,
                    occurred_on=on,
                ),
            )
        ]
        if e.representatives:
            n = e.representatives
            items.append(
                self.step(
                    "representatives_elected",
                    3,
                    12,
                    lambda on: c.ElectRepresentatives(union_id=u, procedure_id=pid, representatives=n, occurred_on=on),
                )
            )

        def candidates(names: list[str]) -> list[Item]:
            return [
                self.step(
                    "candidates_proposed",
                    3,
                    10,
                    lambda on: c.ProposeCandidates(
                        union_id=u,
                        procedure_id=pid,
                        committee_candidates=[Candidate(name=n) for n in names],
                        chair_candidates=[Candidate(name=n) for n in e.chairs],
                        funds_review_seats=e.funds_seats,
                        funds_review_candidates=[Candidate(name=n) for n in e.funds],
                        occurred_on=on,
                    ),
                ),
                self.step(
                    "candidates_posted",
                    0,
                    1,
                    lambda on: c.PostCandidates(union_id=u, procedure_id=pid, where="单位公告栏及内网", occurred_on=on),
                ),
                self.step(
                    "candidates_filed",
                    2,
                    4,
                    lambda on: c.FileCandidates(
                        union_id=u,
                        procedure_id=pid,
                        party_org=f"中共{e.unit_name}委员会" if e.has_party_org else None,
                        party_approved=True if e.has_party_org else None,
                        occurred_on=on,
                    ),
                ),
            ]

        if reject == "candidates":
            # The first list had someone R-INELIGIBLE would have stopped later: sent back, proposed again.
            first = [*e.committee[:-1], self.people.names(1)[0]]
            items += [*candidates(first), self.reject("candidates_rejected", pid, REJECTIONS["candidates"])]
        items += [*candidates(e.committee), self.approve("candidates_approved", pid, 4, 8)]
        # R-NOTICE: the gaps after posting (2-4, 4-8, then 4-12 days) leave at least 10 days, more
        # than 5 working days and the 7 days of an enterprise chair list.
        congress = self.step(
            "congress_held",
            4,
            12,
            lambda on: c.HoldCongress(
                union_id=u,
                procedure_id=pid,
                due=e.due,
                present=e.present,
                committee_vote=ballot(rng, e.committee, e.seats, e.due, e.present),
                funds_review_vote=ballot(rng, e.funds, e.funds_seats, e.due, e.present),
                occurred_on=on,
            ),
        )
        chair = self.step(
            "chair_elected",
            0,
            0,
            lambda on: c.ElectChair(
                union_id=u,
                procedure_id=pid,
                chair=e.chair,
                vice_chairs=e.vice_chairs,
                due=e.due,
                yes=rng.randint(rules.majority_needed(e.due), e.present),
                occurred_on=on,
            ),
        )
        results = self.step(
            "results_filed",
            2,
            7,
            lambda on: c.FileResults(
                union_id=u,
                procedure_id=pid,
                funds_review_director=e.funds[0],
                women_committee_formed=e.women_committee,
                women_director=e.women_director,
                fulltime_chair=e.fulltime_chair,
                term_years=e.term_years,
                occurred_on=on,
            ),
        )
        items += [congress, chair, results]
        if reject == "results":
            items += [
                self.reject("results_rejected", pid, REJECTIONS["results"], redo_from="congress"),
                Item("congress_held", 7, 20, congress.actor, congress.make),
                Item("chair_elected", 0, 0, chair.actor, chair.make),
                Item("results_filed", 2, 6, results.actor, results.make),
            ]
        return items

    # ------------------------------------------------------------------ founding (建会)

    def founding_items(self, e: Election, reject: str | None = None) -> tuple[str, list[Item]]:
        pid = self.pid("founding")
        u, unit = self.union_id, self.unit
        prep = [PrepGroupMember(name=n, affiliation="party_org" if i == 0 else "worker_representative")
                for i, n in enumerate(self.people.names(self.rng.randint(3, 5)))]  # fmt: skip
        initiators = [prep[0].name, prep[1].name]
        request = self.step(
            "requested",
            0,
            0,
            lambda on: c.RequestFounding(
                union_id=u,
                unit=self.without_members(),
                initiators=initiators,
                prep_group=prep,
                occurred_on=on,
            ),
        )
        items = [request]
        if reject == "request":
            items += [
                self.reject("request_rejected", pid, REJECTIONS["request"]),
                self.step(
                    "requested",
                    3,
                    15,
                    lambda on: c.ResubmitFoundingRequest(
                        union_id=u,
                        procedure_id=pid,
                        unit=self.without_members(),
                        initiators=initiators,
                        prep_group=[*prep, PrepGroupMember(name=self.people.names(1)[0])],
                        occurred_on=on,
                    ),
                ),
            ]
        items += [
            self.approve("preparing", pid, 5, 14),
            self.step(
                "members_recruited",
                15,
                60,
                lambda on: c.RecordMembersRecruited(
                    union_id=u,
                    procedure_id=pid,
                    members=unit.members,
                    female_members=unit.female_members,
                    employees=unit.employees,
                    occurred_on=on,
                ),
            ),
            *self.election_items(pid, e, reject=reject if reject in ("candidates", "results") else None),
            self.approve("founded", pid, 5, 13),
            self.step(
                "registered",
                10,
                50,
                lambda on: c.RegisterLegalPerson(
                    union_id=u, procedure_id=pid, registration_no=self.demo.credit_code(), occurred_on=on
                ),
            ),
        ]
        return pid, items

    def founding_under_way(self, until: str, last_on: dt.date, reject: str | None = None) -> None:
        """A founding whose latest step is `until`, taken on `last_on`."""
        e = plan_election(self.rng, self.people, self.unit, self.profile)
        _, items = self.founding_items(e, reject)
        cut = max(i for i, item in enumerate(items) if item.label == until) + 1
        items = items[:cut]
        dates = place(self.rng, items, len(items) - 1, last_on, floor=self.demo.go_live + 30 * DAY)
        self.register(dates[0] - self.rng.randint(5, 40) * DAY, self.without_members())
        self.add(items, dates)

    def founded(self, congress_on: dt.date, years: int | None = None, *, legal_person: bool = True) -> Election:
        """A founding completed through unionflow, with its congress (the term's start) on `congress_on`."""
        e = plan_election(self.rng, self.people, self.unit, self.profile)
        e.term_years = years or e.term_years
        _, items = self.founding_items(e)
        anchor = next(i for i, item in enumerate(items) if item.label == "congress_held")
        dates = place(self.rng, items, anchor, congress_on, floor=self.demo.go_live + 30 * DAY)
        if dates[anchor] != congress_on:
            raise ValueError("founding congress moved")
        if not legal_person or dates[-1] > self.today:
            items, dates = items[:-1], dates[:-1]
        self.register(dates[0] - self.rng.randint(5, 40) * DAY, self.without_members())
        self.add(items, dates)
        self.committee = e.elected
        return e

    # ------------------------------------------------------------------ terms

    def imported(self, term_start: dt.date, years: int) -> dt.date:
        """A union founded before unionflow, brought in by the administrator with its current term."""
        on = max(self.demo.go_live + self.rng.randint(0, 60) * DAY, term_start + self.rng.randint(20, 60) * DAY)
        chair = self.people.names(1)[0]
        self.register(on - self.rng.randint(0, 3) * DAY)
        self.committee = [chair, *self.people.names(4)]
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
                ),
            )
        )
        return on

    def update_facts(self, on: dt.date) -> None:
        """The unit's facts as they stand before a re-election (R-REELECTION reads them)."""
        u, rng = self.unit, self.rng
        employees = max(12, round(u.employees * rng.uniform(0.9, 1.15)))
        members = min(employees, max(10, round(employees * rng.uniform(0.85, 0.98))))
        female = min(members, round(members * u.female_members / max(1, u.members)))
        self.unit = u.model_copy(update={"employees": employees, "members": members, "female_members": female})
        self.steps.append(
            Step(on, self.staff, c.UpdateUnitFacts(union_id=self.union_id, unit=self.unit, occurred_on=on))
        )

    def reelection_items(self, e: Election, planned: dt.date, reject: str | None = None) -> tuple[str, list[Item]]:
        pid = self.pid("reelection")
        u = self.union_id
        opened = self.step(
            "plan_filed",
            0,
            0,
            lambda on: c.OpenReelection(
                union_id=u,
                plan=f"关于{self.name}换届选举的请示：拟于{max(on, planned):%Y年%m月}召开大会选举新一届委员会",
                planned_congress_on=max(on, planned),
                occurred_on=on,
            ),
        )
        return pid, [opened, self.approve("plan_approved", pid, 3, 12), *self.election_items(pid, e, reject=reject)]

    def reelected(self, deadline: dt.date, congress_on: dt.date, years: int) -> Election:
        """A completed re-election whose congress (the new term's start) is on `congress_on`, for a
        term of `years`."""
        window = add_months(deadline, -self.profile.term_due_reminder_months)
        self.update_facts(window - self.rng.randint(1, 20) * DAY)
        e = plan_election(self.rng, self.people, self.unit, self.profile)
        e.term_years = years
        pid, items = self.reelection_items(e, congress_on)
        items.append(self.approve("reelected", pid, 5, 13))
        anchor = next(i for i, item in enumerate(items) if item.label == "congress_held")
        dates = place(self.rng, items, anchor, congress_on, floor=window)
        if dates[anchor] != congress_on:
            raise ValueError("re-election congress moved")
        self.add(items, dates)
        self.committee = e.elected
        return e

    def reelection_under_way(
        self, deadline: dt.date, until: str, last_on: dt.date, *, early: bool = False, floor: dt.date | None = None
    ) -> None:
        window = floor or add_months(deadline, -self.profile.term_due_reminder_months)
        self.update_facts(window - self.rng.randint(1, 20) * DAY)
        e = plan_election(self.rng, self.people, self.unit, self.profile)
        _, items = self.reelection_items(e, last_on + self.rng.randint(10, 40) * DAY)
        cut = max(i for i, item in enumerate(items) if item.label == until) + 1
        items = items[:cut]
        dates = place(self.rng, items, len(items) - 1, last_on, floor=window, ceiling=self.today)
        self.add(items, dates)

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

    def terms(
        self, current_start: dt.date, current_years: int, *, imported: bool = False, reelected: bool = False
    ) -> tuple[Election | None, dt.date]:
        """The union's terms up to the current one, which starts on `current_start`: earlier terms
        (re-elected on time or late) back to the first, which was founded through unionflow or
        imported from the registry (`imported`: certainly; `reelected`: the current term certainly
        came from a re-election). Returns the current term's election (None if imported) and the
        day its approval was recorded (from then on the term is current)."""
        go_live, rng = self.demo.go_live, self.rng
        starts = [(current_start, current_years)]
        while True:
            start, _ = starts[0]
            if start < go_live + IMPORTED_BEFORE:
                break  # imported with the registry
            must_go_back = imported or (reelected and len(starts) == 1)
            if not must_go_back and (start < go_live + 400 * DAY or rng.random() < 0.3):
                break  # founded through unionflow
            years = 5 if rng.random() < 0.6 else 3
            late = rng.random() < 0.25
            deadline = start - rng.randint(20, 300) * DAY if late else start + rng.randint(0, 35) * DAY
            starts.insert(0, (add_years(deadline, -years), years))
        e: Election | None
        first_start, first_years = starts[0]
        if first_start < go_live + IMPORTED_BEFORE:
            e, known_from = None, self.imported(first_start, first_years)
        else:
            e = self.founded(first_start, first_years, legal_person=rng.random() < 0.93)
            known_from = first_start + 20 * DAY  # the founding's approval, at the latest
        for (start, years), (next_start, next_years) in itertools.pairwise(starts):
            self.annual_congresses(start, next_start - 60 * DAY, e, not_before=known_from)
            e = self.reelected(rules.term_end(start, years), next_start, next_years)
            known_from = next_start + 20 * DAY
        return e, known_from


# ------------------------------------------------------------------------------------------ the whole demo


@dataclass
class DemoResult:
    unions: int
    commands: int
    events: int
    seconds: float
    situations: Counter[str]
    tokens: list[dict[str, Any]] = field(default_factory=list)


class DemoBuilder:
    def __init__(self, rt: Runtime, unions: int, seed: int) -> None:
        self.rt = rt
        self.rng = random.Random(seed)
        self.people = People(self.rng)
        self.profile = rt.service.profiles.latest(rt.service.default_profile)
        self.today = rt.service.clock()
        self.go_live = dt.date(self.today.year - 7, 3, 1)
        self.unions = unions
        self.steps: list[Step] = []
        self.federations: list[Federation] = []
        self.city_admin = self.people.actor("admin", CITY)
        self.situations: Counter[str] = Counter()
        self.staff_of: dict[str, Actor] = {}
        self._unit_names: set[str] = set()

    def credit_code(self) -> str:
        """A union legal person's unified social credit code (统一社会信用代码): 81 (工会), the
        Dalian division code, ten more characters."""
        chars = string.digits + "ABCDEFGHJKLMNPQRTUWXY"
        return "81210200" + "".join(self.rng.choice(chars) for _ in range(10))

    # ------------------------------------------------------------------ the tree

    def tree(self) -> None:
        on = self.go_live
        root_admin = self.people.actor("admin", ROOT)
        province_admin = self.people.actor("admin", PROVINCE)
        reg = c.RegisterOrganisation
        self.steps += [
            Step(on, root_admin, reg(org_id=ROOT, name="中华全国总工会", level="national", occurred_on=on)),
            Step(
                on,
                root_admin,
                reg(org_id=PROVINCE, name="辽宁省总工会", level="province", parent_id=ROOT, occurred_on=on),
            ),
            Step(
                on,
                province_admin,
                reg(org_id=CITY, name="大连市总工会", level="city", parent_id=PROVINCE, occurred_on=on),
            ),
        ]
        for district_id, district, streets in DISTRICTS:
            self.steps.append(
                Step(
                    on,
                    self.city_admin,
                    reg(org_id=district_id, name=f"{district}总工会", level="county", parent_id=CITY, occurred_on=on),
                )
            )
            for i, street in enumerate(streets, 1):
                org_id = f"{district_id}-{i:02d}"
                name = f"{street}总工会" if street.endswith("街道") else f"{street}工会委员会"
                self.steps.append(
                    Step(
                        on,
                        self.city_admin,
                        reg(org_id=org_id, name=name, level="township", parent_id=district_id, occurred_on=on),
                    )
                )
                self.federations.append(
                    Federation(
                        org_id=org_id,
                        name=street,
                        short=street[:2],
                        district=district,
                        approver=self.people.actor("approver", org_id),
                        admin=self.people.actor("admin", org_id),
                    )
                )

    # ------------------------------------------------------------------ units

    def unit(self, fed: Federation) -> UnitFacts:
        rng = self.rng
        kind = rng.choices(
            ("enterprise", "public_institution", "government", "social_organisation", "other"), (70, 12, 8, 6, 4)
        )[0]
        # Employees by kind of unit: firms of every size; schools, hospitals and offices of tens to
        # hundreds; associations and firms of professionals small.
        sizes = ((12, 24), (25, 100), (101, 200), (201, 800), (801, 3000), (3001, 6000))
        weights = {
            "enterprise": (8, 40, 17, 22, 10, 3),
            "public_institution": (2, 35, 30, 28, 5, 0),
            "government": (5, 50, 30, 15, 0, 0),
        }.get(kind, (45, 50, 5, 0, 0, 0))
        bucket = rng.choices(sizes, weights)[0]
        employees = rng.randint(*bucket)
        members = min(employees, max(10, round(employees * rng.uniform(0.82, 0.98))))
        female = round(members * rng.uniform(0.15, 0.65))
        for _ in range(1000):
            t, s = rng.choice(TRADE_NAMES), fed.name.removesuffix("街道")
            match kind:
                case "enterprise":
                    suffix = "集团有限公司" if employees > 800 else rng.choice(("有限公司", "有限公司", "股份有限公司"))
                    name = f"大连{t}{rng.choice(TRADES)}{suffix}"
                case "public_institution":
                    name = rng.choice(INSTITUTIONS).format(d=fed.district, s=s, n=rng.randint(2, 80))
                case "government":
                    name = rng.choice(GOVERNMENT).format(d=fed.district, s=fed.name)
                case "social_organisation":
                    name = rng.choice(SOCIAL).format(d=fed.district, t=rng.choice(TRADES))
                case _:
                    name = rng.choice(OTHER).format(t=f"辽宁{t}")
            if name not in self._unit_names:
                self._unit_names.add(name)
                break
        has_party = kind in ("public_institution", "government") or rng.random() < (0.85 if employees > 200 else 0.5)
        return UnitFacts(
            unit_name=name,
            unit_type=kind,
            employees=employees,
            members=members,
            female_members=female,
            has_party_org=has_party,
        )

    def situations_for(self, n: int) -> list[str]:
        """Every situation once, the rest drawn by weight, shuffled over the streets."""
        names = [s for s, _ in SITUATIONS]
        chosen = names + self.rng.choices(names, [w for _, w in SITUATIONS], k=n - len(names))
        self.rng.shuffle(chosen)
        return chosen

    # ------------------------------------------------------------------ one union in one situation

    def story(self, situation: str, union_id: str, fed: Federation) -> Story:
        unit = self.unit(fed)
        s = Story(self, union_id, fed, unit, f"{unit.unit_name}工会委员会")
        rng, today = self.rng, self.today
        ago = lambda lo, hi: today - rng.randint(lo, hi) * DAY  # noqa: E731
        founding = {
            "founding_requested": ("requested", ago(0, 12), None),
            "founding_request_waiting_long": ("requested", ago(20, 60), None),
            "founding_request_resubmitted": ("requested", ago(2, 30), "request"),
            "founding_preparing": ("preparing", ago(10, 120), None),
            "founding_prep_stalled": ("preparing", ago(200, 400), None),
            "founding_members_recruited": ("members_recruited", ago(5, 90), None),
            "founding_candidates_filed": ("candidates_filed", ago(1, 30), None),
            "founding_candidates_rejected_refiled": ("candidates_filed", ago(1, 20), "candidates"),
            "founding_candidates_approved": ("candidates_approved", ago(1, 10), None),
            "founding_congress_held": ("congress_held", ago(1, 6), None),
            "founding_results_filed": ("results_filed", ago(1, 40), None),
            "founding_results_rejected_refiled": ("results_filed", ago(1, 20), "results"),
        }
        if situation == "no_union_yet":
            s.register(ago(30, 2000), s.without_members())
        elif situation in founding:
            until, last_on, reject = founding[situation]
            s.founding_under_way(until, last_on, reject)
        elif situation.startswith("founded_"):
            congress = {
                "founded_recently_registered": ago(90, 700),
                "founded_legal_person_late": ago(110, 400),
                "founded_just_now": ago(25, 45),
            }[situation]
            e = s.founded(congress, legal_person=situation == "founded_recently_registered")
            s.annual_congresses(congress, today, e)
        else:
            self.founded_story(s, situation)
        return s

    def founded_story(self, s: Story, situation: str) -> None:
        """Unions with a current term: its deadline relative to today decides the situation."""
        rng, today = self.rng, self.today
        years = 5 if rng.random() < 0.7 else 3
        days = lambda lo, hi: rng.randint(lo, hi) * DAY  # noqa: E731
        deadline = {
            "term_in_force": today + days(70, 365 * years - 60),
            "term_due_soon": today + days(5, 55),
            "term_overdue": today - days(5, 400),
            "term_extended": today - days(10, 80),
            "extension_requested": today + days(10, 50),
            "early_reelection": today + days(300, 700),
            "no_annual_congress": today + days(60, 365 * years - 500),
            "reelection_plan_filed": today + days(20, 55),
            "reelection_in_progress": today + days(5, 40),
            "reelection_results_filed": today + days(5, 20),
            "reelection_overdue_in_progress": today - days(60, 300),
            "chair_vacant": today + days(200, 365 * years - 200),
            "chair_vacancy_overdue": today + days(200, 365 * years - 400),
            "by_election_consent_requested": today + days(200, 365 * years - 200),
            "by_election_filled": today + days(200, 365 * years - 500),
        }[situation]
        start = add_years(deadline, -years)
        deadline = rules.term_end(start, years)
        # Guaranteed in every demo: a union imported from the registry (the overdue ones were), and
        # a term that came from a completed re-election.
        e, current_from = s.terms(
            start, years, imported=situation == "term_overdue", reelected=situation == "term_in_force"
        )
        if e is not None and e.term_years != years:
            raise ValueError("term length")
        window = add_months(deadline, -self.profile.term_due_reminder_months)
        # Annual congresses until today, or until a re-election's congress takes their place.
        stop = today
        if situation == "no_annual_congress":
            stop = today - days(400, 600)
        elif situation.startswith("reelection_"):
            stop = min(today, window) - 30 * DAY
        s.annual_congresses(start, stop, e, not_before=current_from)
        u = s.union_id
        match situation:
            case "term_extended" | "extension_requested":
                approved = situation == "term_extended"
                pid = s.pid("extension")
                new_deadline = add_months(deadline, rng.randint(4, 6) if approved else rng.randint(3, 6))
                asked = deadline - days(20, 45) if approved else today - days(3, 25)
                items = [
                    s.step(
                        "requested",
                        0,
                        0,
                        lambda on: c.RequestExtension(
                            union_id=u,
                            reason="单位正在进行改制重组，会员人数变动较大，申请延期换届",
                            new_deadline=new_deadline,
                            occurred_on=on,
                        ),
                    )
                ]
                if approved:
                    items.append(s.approve("approved", pid, 5, 14))
                s.add(items, place(rng, items, 0, max(asked, current_from)))
            case "early_reelection":
                pid = s.pid("early_reelection")
                asked = today - days(60, 100)
                planned = asked + days(50, 80)
                items = [
                    s.step(
                        "requested",
                        0,
                        0,
                        lambda on: c.RequestEarlyReelection(
                            union_id=u,
                            reason="单位合并重组，委员会成员多数已调离",
                            planned_congress_on=planned,
                            occurred_on=on,
                        ),
                    ),
                    s.approve("approved", pid, 5, 12),
                ]
                dates = place(rng, items, 0, max(asked, current_from))
                s.add(items, dates)
                s.reelection_under_way(
                    deadline,
                    rng.choice(("plan_approved", "candidates_filed", "candidates_approved", "results_filed")),
                    today - days(0, 5),
                    early=True,
                    floor=dates[-1] + 2 * DAY,
                )
            case "reelection_plan_filed":
                s.reelection_under_way(deadline, "plan_filed", max(window + days(0, 5), today - days(0, 30)))
            case "reelection_in_progress":
                until = rng.choice(
                    (
                        "plan_approved",
                        "congress_type_decided",
                        "candidates_posted",
                        "candidates_filed",
                        "candidates_approved",
                    )
                )
                s.reelection_under_way(deadline, until, today - days(0, 8))
            case "reelection_results_filed":
                s.reelection_under_way(deadline, "results_filed", today - days(0, 25))
            case "reelection_overdue_in_progress":
                until = rng.choice(
                    ("plan_filed", "plan_approved", "candidates_filed", "congress_held", "results_filed")
                )
                s.reelection_under_way(deadline, until, today - days(0, 30), floor=deadline + days(5, 30))
            case "chair_vacant" | "chair_vacancy_overdue" | "by_election_consent_requested" | "by_election_filled":
                left = {
                    "chair_vacant": today - days(3, 60),
                    "chair_vacancy_overdue": today - days(100, 300),
                    "by_election_consent_requested": today - days(30, 80),
                    "by_election_filled": today - days(150, 400),
                }[situation]
                self.vacancy(s, max(left, current_from + 30 * DAY), situation, e)
            case _:
                pass

    def vacancy(self, s: Story, left: dt.date, situation: str, e: Election | None) -> None:
        rng, u = self.rng, s.union_id
        pid = s.pid("by_election")
        acting = s.committee[1] if len(s.committee) > 1 else s.people.names(1)[0]
        candidates = [n for n in s.committee[1:3]] or s.people.names(2)
        if len(candidates) < 2:
            candidates += s.people.names(1)
        # The body that elected the chair holds the by-election, all of it due (R-VACANCY, R-QUORUM):
        # here the congress, whose members or representatives vote; an imported term does not say.
        due = (e.representatives or s.unit.members) if e is not None else max(3, len(s.committee))
        present = rng.randint(rules.quorum_needed(due), due)
        yes = rng.randint(rules.majority_needed(due), present)
        # Some chairs were removed by the congress (罢免): more than half of all its members or
        # representatives voted yes (R-REMOVAL). Chosen from the union's id, not the seeded
        # generator, so the rest of the demo stays as it was.
        voters = (e.representatives or s.unit.members) if e is not None else 0
        removal = None
        if voters and zlib.crc32(u.encode()) % 4 == 0:
            needed = rules.majority_needed(voters)
            removal = RemovalVote(total=voters, yes=needed + zlib.crc32(pid.encode()) % (voters - needed + 1))

        def reason() -> str:
            drawn = rng.choice(VACANCY_REASONS)  # drawn either way, when the step is taken as before
            return REMOVAL_REASON if removal is not None else drawn

        items = [
            s.step(
                "vacant",
                0,
                0,
                lambda on: c.RecordChairVacancy(
                    union_id=u, acting_chair=acting, reason=reason(), removal=removal, occurred_on=on
                ),
            )
        ]
        if situation in ("by_election_consent_requested", "by_election_filled"):
            items.append(
                s.step(
                    "consent_requested",
                    10,
                    25,
                    lambda on: c.RequestByElection(
                        union_id=u,
                        procedure_id=pid,
                        candidates=[Candidate(name=n) for n in candidates],
                        planned_on=on + 20 * DAY,
                        occurred_on=on,
                    ),
                )
            )
        if situation == "by_election_filled":
            items += [
                s.approve("consented", pid, 3, 10),
                s.step(
                    "held",
                    10,
                    10,
                    lambda on: c.HoldByElection(
                        union_id=u,
                        procedure_id=pid,
                        due=due,
                        present=present,
                        vote=BallotCount(
                            seats=1,
                            ballots_issued=present,
                            ballots_returned=present,
                            tallies={candidates[0]: yes, candidates[1]: present - yes},
                        ),
                        occurred_on=on,
                    ),
                ),
                s.approve("filled", pid, 5, 12),
            ]
        s.add(items, place(rng, items, 0, left))

    # ------------------------------------------------------------------ building and sending

    def plan(self) -> None:
        self.tree()
        per_street: Counter[str] = Counter()
        for n, situation in enumerate(self.situations_for(self.unions)):
            fed = self.federations[n % len(self.federations)]
            per_street[fed.org_id] += 1
            union_id = f"{fed.org_id}-{per_street[fed.org_id]:03d}"
            story = self.story(situation, union_id, fed)
            self.situations[situation] += 1
            self.steps += story.steps

    def send(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Every step through the workflow service, in business-date order (a union's own steps keep
        their planned order on the same day)."""
        ordered = sorted(enumerate(self.steps), key=lambda p: (p[1].on, p[0]))
        service = self.rt.service
        for done, (_, step) in enumerate(ordered, 1):
            service.execute(step.command, step.actor)
            if progress is not None and (done % 200 == 0 or done == len(ordered)):
                progress(done, len(ordered))
        return len(ordered)


@contextmanager
def relaxed_commits(engine: Engine) -> Iterator[None]:
    """During the load only, commits do not wait for the disk (SQLite: synchronous=NORMAL in WAL
    mode; PostgreSQL: synchronous_commit off). Each command is still its own transaction, checked
    and hash-chained as always, and the database stays consistent; what a power cut could cost is
    the last moments of a demo, loaded again in seconds, while the fsync per command would make
    the load several times slower. The pool is emptied afterwards, so every later connection
    commits with the store's own durable settings."""
    statement = "PRAGMA synchronous=NORMAL" if engine.dialect.name == "sqlite" else "SET synchronous_commit TO off"

    def relax(dbapi_conn: Any, _record: Any, _proxy: Any) -> None:
        cur = dbapi_conn.cursor()
        cur.execute(statement)
        cur.close()

    event.listen(engine, "checkout", relax)
    try:
        yield
    finally:
        event.remove(engine, "checkout", relax)
        engine.dispose()


def load_demo(
    rt: Runtime, unions: int = 300, seed: int = 2026, progress: Callable[[int, int], None] | None = None
) -> tuple[DemoBuilder, DemoResult]:
    """Load the demo into `rt`'s database, which must hold no events (DemoRefused otherwise)."""
    if unions < MIN_UNIONS:
        raise ValueError(f"at least {MIN_UNIONS} unions, so that every situation appears once")
    if rt.store.last_position() > 0:
        raise DemoRefused(
            f"the database already holds {rt.store.last_position()} events: the demo loads only into an empty one"
        )
    started = time.perf_counter()
    builder = DemoBuilder(rt, unions, seed)
    builder.plan()
    with relaxed_commits(rt.engine):
        commands = builder.send(progress)
    result = DemoResult(
        unions=unions,
        commands=commands,
        events=rt.store.last_position(),
        seconds=time.perf_counter() - started,
        situations=builder.situations,
    )
    return builder, result


# ------------------------------------------------------------------------------------------ after loading


def situations_now(rt: Runtime, today: dt.date) -> Counter[str]:
    """How many grassroots unions are in each situation, read back from the read models: the open
    procedure (kind and state) if any, otherwise whether the union is founded and its term's state."""
    import projections

    unions = projections.register(rt.engine, CITY, level="grassroots", limit=None).items
    open_procs: dict[str, list[Any]] = {}
    for p in projections.procedures(rt.engine, CITY, open_only=True, limit=None).items:
        open_procs.setdefault(p.org_id, []).append(p)
    order = {"founding": 0, "by_election": 1, "reelection": 2, "early_reelection": 3, "extension": 4}
    counts: Counter[str] = Counter()
    for u in unions:
        procs = sorted(open_procs.get(u.org_id, []), key=lambda p: order.get(p.kind, 9))
        if procs and procs[0].kind == "founding" and procs[0].state == "founded":
            counts["founded: legal person not registered yet"] += 1
        elif procs:
            p = procs[0]
            label = {"by_election": "chair vacant, by-election", "early_reelection": "early re-election asked"}
            counts[f"{label.get(p.kind, p.kind.replace('_', ' '))}: {p.state.replace('_', ' ')}"] += 1
        elif u.founded_on is None:
            counts["no union yet (unit registered)"] += 1
        elif u.deadline is not None and u.deadline < today:
            counts["founded: term overdue, no re-election"] += 1
        elif u.deadline is not None and add_months(u.deadline, -2) <= today:
            counts["founded: term due within 2 months"] += 1
        elif u.extension_until is not None:
            counts["founded: term extended (R-EXTENSION)"] += 1
        else:
            counts["founded: term in force"] += 1
    return counts


@dataclass(frozen=True)
class DemoToken:
    role: str
    person_id: str
    org_id: str
    org_name: str
    token: str
    token_id: str
    can: str
    try_urls: list[str]


def issue_tokens(rt: Runtime, builder: DemoBuilder, base_url: str, paths: set[str]) -> list[DemoToken]:
    """One token per role, for people of the demo: the staff of a union whose open procedure waits on
    them, the approver of the street with the most filings waiting, an auditor and an administrator of
    the city federation. `paths` are the app's route templates: only URLs it serves are suggested."""
    import sqlalchemy as sa

    import projections
    from projections import schema

    def urls(*candidates: tuple[str, str]) -> list[str]:
        return [f"{base_url}{url}" for template, url in candidates if template in paths]

    def name(org_id: str) -> str:
        record = projections.union(rt.engine, org_id)
        return record.name if record is not None else org_id

    out: list[DemoToken] = []
    open_founding = projections.procedures(
        rt.engine, CITY, kind="founding", state="candidates_approved", open_only=True
    )
    waiting_on_staff = [p for p in open_founding.items if p.waiting_on == p.org_id] or [
        p for p in projections.procedures(rt.engine, CITY, open_only=True, limit=None).items if p.waiting_on == p.org_id
    ]
    if waiting_on_staff:
        proc = waiting_on_staff[0]
        staff = builder.staff_of[proc.org_id]
        issued = rt.tokens.issue(staff.person_id, "staff", proc.org_id, days=90, note="unionflow demo")
        out.append(
            DemoToken(
                "staff",
                staff.person_id,
                proc.org_id,
                name(proc.org_id),
                issued.token,
                issued.info.token_id,
                f"take the union's own steps; {proc.procedure_id} is at '{proc.state}', next: {proc.waiting_for}",
                urls(
                    ("/unions/{union_id}", f"/unions/{proc.org_id}"),
                    ("/procedures/{procedure_id}", f"/procedures/{proc.procedure_id}"),
                    ("/unions/{union_id}/history", f"/unions/{proc.org_id}/history"),
                    ("/alerts", f"/alerts?org={proc.org_id}"),
                ),
            )
        )
    p = schema.procedures
    with rt.engine.connect() as conn:
        busiest = conn.execute(
            sa.select(p.c.inbox_org, sa.func.count().label("n"))
            .where(p.c.inbox_org.is_not(None))
            .group_by(p.c.inbox_org)
            .order_by(sa.desc("n"), p.c.inbox_org)
            .limit(1)
        ).first()
    if busiest is not None:
        street = busiest[0]
        fed = next(f for f in builder.federations if f.org_id == street)
        issued = rt.tokens.issue(fed.approver.person_id, "approver", street, days=90, note="unionflow demo")
        out.append(
            DemoToken(
                "approver",
                fed.approver.person_id,
                street,
                name(street),
                issued.token,
                issued.info.token_id,
                f"decide the filings of the unions directly below {street} (R-APPROVER): {busiest[1]} waiting",
                urls(
                    ("/inbox", "/inbox"),
                    ("/alerts", f"/alerts?org={street}"),
                    ("/organisations", f"/organisations?org={street}"),
                    ("/unions/{union_id}", f"/unions/{street}"),
                ),
            )
        )
    auditor = builder.people.actor("auditor", CITY)
    issued = rt.tokens.issue(auditor.person_id, "auditor", CITY, days=90, note="unionflow demo")
    out.append(
        DemoToken(
            "auditor",
            auditor.person_id,
            CITY,
            name(CITY),
            issued.token,
            issued.info.token_id,
            "read everything under the city federation (history, alerts, coverage, audit); write nothing",
            urls(
                ("/alerts/counts", "/alerts/counts"),
                ("/alerts", "/alerts?kind=A-TERM-OVERDUE"),
                ("/coverage", "/coverage"),
                ("/audit/verify", f"/audit/verify?org={CITY}"),
            ),
        )
    )
    admin = builder.city_admin
    issued = rt.tokens.issue(admin.person_id, "admin", CITY, days=90, note="unionflow demo")
    out.append(
        DemoToken(
            "admin",
            admin.person_id,
            CITY,
            name(CITY),
            issued.token,
            issued.info.token_id,
            "manage the organisation tree under the city federation (POST /organisations) and read it",
            urls(
                ("/organisations", "/organisations?level=county"),
                ("/unions/{union_id}", f"/unions/{CITY}"),
                ("/coverage", f"/coverage?org={CITY}"),
            ),
        )
    )
    return out
