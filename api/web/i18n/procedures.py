"""The procedures' words: the steps a person takes (the forms' titles) and what each waits on.
The kinds, their states and the triggers that move them are named where they are declared
(events.flows), in both languages."""

from __future__ import annotations

from api.web.i18n.tables import load
from events.flows import FLOWS

WORDS = load("procedures")  # the steps and openings: procedures.toml

# What a filing is and what a union does next, as the read models and the workflow say it (English,
# with the rule ID), and in Chinese: keys "waiting.<English>".
_WAITING: tuple[tuple[str, str], ...] = (
    ("founding request and preparatory group (R-PREP-GROUP)", "建会申请和筹备组（R-PREP-GROUP）"),
    ("candidate list (R-VETTING)", "候选人名单（R-VETTING）"),
    ("election results (R-RESULTS-FILED)", "选举结果（R-RESULTS-FILED）"),
    ("re-election plan (R-REELECTION)", "换届方案（R-REELECTION）"),
    ("extension of the term (R-EXTENSION)", "延期换届（R-EXTENSION）"),
    ("early re-election (R-EARLY)", "提前换届（R-EARLY）"),
    ("consent to a by-election (R-VACANCY)", "同意补选（R-VACANCY）"),
    ("by-election result (R-VACANCY)", "补选结果（R-VACANCY）"),
    (
        "elect representatives or propose candidates (R-REP-BANDS, R-CANDIDATES)",
        "选举会员代表或提出候选人（R-REP-BANDS、R-CANDIDATES）",
    ),
    ("propose candidates (R-CANDIDATES)", "提出候选人（R-CANDIDATES）"),
    ("post the candidate list (R-NOTICE)", "张榜公布候选人名单（R-NOTICE）"),
    ("file the candidates for vetting (R-VETTING)", "报送候选人审查（R-VETTING）"),
    ("hold the congress (R-QUORUM, R-ELECTED)", "召开大会（R-QUORUM、R-ELECTED）"),
    ("propose candidates again (R-CANDIDATES)", "重新提出候选人（R-CANDIDATES）"),
    ("hold the runoff (R-TIE, R-SHORTFALL)", "进行再次投票（R-TIE、R-SHORTFALL）"),
    ("elect the chair (R-ELECTED)", "选举主席（R-ELECTED）"),
    ("file the results (R-RESULTS-FILED)", "报送选举结果（R-RESULTS-FILED）"),
    ("file the founding request again (R-PREP-GROUP)", "重新报送建会申请（R-PREP-GROUP）"),
    ("record the members recruited", "登记发展会员情况"),
    ("decide the congress type (R-CONGRESS-TYPE)", "确定大会形式（R-CONGRESS-TYPE）"),
    ("register as a legal person (A-LEGAL-PERSON)", "办理法人登记（A-LEGAL-PERSON）"),
    ("ask the higher-level union's consent to a by-election (R-VACANCY)", "报请上级工会同意补选（R-VACANCY）"),
    ("hold the by-election (R-VACANCY)", "进行补选（R-VACANCY）"),
)
WORDS.update({f"waiting.{en}": (zh, en) for en, zh in _WAITING})

WORDS.update({f"kind.{flow.kind}": (flow.label_zh, flow.label_en) for flow in FLOWS.values()})
WORDS.update({f"state.{st.name}": (st.label_zh, st.label_en) for flow in FLOWS.values() for st in flow.states})
WORDS.update(
    {
        f"trigger.{flow.kind}.{step.trigger}": (step.label_zh, step.label_en)
        for flow in FLOWS.values()
        for step in flow.steps
    }
)
