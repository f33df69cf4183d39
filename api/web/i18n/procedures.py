"""The procedures' words: the steps a person takes (the forms' titles) and what each waits on.
The kinds, their states and the triggers that move them are named where they are declared
(events.flows), in both languages."""

from __future__ import annotations

from events.flows import FLOWS

# key: (中文, English)
WORDS: dict[str, tuple[str, str]] = {
    # ------------------------------------------------------------------ steps (forms) and triggers
    "step.record-members": ("登记发展会员", "Record the members recruited"),
    "step.decide-congress-type": ("确定大会形式和委员名额", "Decide the congress type and committee size"),
    "step.elect-representatives": ("登记会员代表", "Record the representatives elected"),
    "step.propose-candidates": ("提出候选人", "Propose the candidates"),
    "step.post-candidates": ("公示候选人", "Post the candidate list"),
    "step.file-candidates": ("候选人报审", "File the candidates for vetting"),
    "step.hold-congress": ("登记大会及选举结果", "Record the congress and its votes"),
    "step.hold-runoff": ("登记另行选举", "Record a runoff"),
    "step.elect-chair": ("登记主席、副主席", "Record the chair and vice-chairs"),
    "step.file-results": ("选举结果报批", "File the election results"),
    "step.register-legal-person": ("登记法人", "Record the legal-person registration"),
    "step.request-by-election": ("请求同意补选", "Ask consent to a by-election"),
    "step.hold-by-election": ("登记补选结果", "Record the by-election"),
    "step.approve": ("批准（批复）", "Approve (reply)"),
    "step.reject": ("驳回", "Reject"),
    "step.withdraw": ("撤回程序", "Withdraw the procedure"),
    "step.resubmit-request": ("重新提交建会申请", "File the founding request again"),
    "open.founding": ("申请建会", "Request founding"),
    "open.reelection": ("申请换届", "Open a re-election"),
    "open.extension": ("申请延期换届", "Request an extension"),
    "open.early_reelection": ("申请提前换届", "Request an early re-election"),
    "open.by_election": ("登记主席空缺", "Record a chair vacancy"),
}

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
