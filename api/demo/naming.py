"""The demo's names: the tree above the grassroots (the city's districts and streets), people's
Chinese names with a pinyin handle for their ids, units, and the texts of agendas, vacancies and
rejections."""

from __future__ import annotations

import random

from workflow.authority import Actor

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


def _with_pinyin(words: str) -> tuple[tuple[str, str], ...]:
    """("王", "wang") pairs from "王wang 李li ...": each word is one character and its pinyin."""
    return tuple((word[0], word[1:]) for word in words.split())


SURNAMES = _with_pinyin(
    "王wang 李li 张zhang 刘liu 陈chen 杨yang 赵zhao 黄huang 周zhou 吴wu 徐xu 孙sun 胡hu 朱zhu 高gao 林lin"
    " 何he 郭guo 马ma 罗luo 梁liang 宋song 郑zheng 谢xie 韩han 唐tang 冯feng 于yu 董dong 程cheng 曹cao"
    " 袁yuan 邓deng 傅fu 沈shen 曾zeng 彭peng 吕lv 苏su 丁ding 姜jiang 崔cui"
)
GIVEN = _with_pinyin(
    "伟wei 芳fang 娜na 敏min 静jing 丽li 强qiang 磊lei 军jun 洋yang 勇yong 艳yan 杰jie 娟juan 涛tao"
    " 明ming 超chao 秀xiu 霞xia 平ping 刚gang 英ying 华hua 建jian 国guo 红hong 玉yu 文wen 海hai 燕yan"
    " 鹏peng 宇yu 晨chen 婷ting 雪xue 琳lin 波bo 辉hui 斌bin 欣xin 志zhi 春chun"
)

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


class People:
    """Chinese names, unique within the demo, with a pinyin handle for person ids."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()
        self.acting: dict[str, tuple[str, Actor]] = {}  # person id -> (name, as whom they act)

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
        name, handle = self.person()
        actor = Actor(person_id=f"{handle}@{org_id.lower()}", role=role, org_id=org_id)
        self.acting[actor.person_id] = (name, actor)
        return actor
