"""The rules' titles, as RULES.md gives them, keyed by rule ID: a refusal shows its rule's title."""

from __future__ import annotations

# key: (中文, English)
WORDS: dict[str, tuple[str, str]] = {
    # ------------------------------------------------------------------ rules (RULES.md titles)
    "R-APPROVER": ("由直接上一级工会审批", "decided by the direct higher-level union"),
    "R-FORM-25": ("25人以上须设委员会", "25 or more members need a committee"),
    "R-CONGRESS-TYPE": ("大会形式", "congress type"),
    "R-REP-BANDS": ("会员代表比例", "share of representatives"),
    "R-COMMITTEE-SIZE": ("委员名额", "committee size"),
    "R-WOMEN": ("女职工委员会", "women workers' committee"),
    "R-FUNDS-REVIEW": ("经费审查委员会", "funds review committee"),
    "R-FULLTIME": ("专职主席", "full-time chair"),
    "R-PREP-GROUP": ("筹备组（3至7人）", "preparatory group (3 to 7 people)"),
    "R-RESULTS-FILED": ("选举结果报批", "results filed"),
    "R-FOUNDED": ("批复建会", "founding approved"),
    "R-CANDIDATES": ("差额选举：候选人多于名额", "more candidates than seats"),
    "R-CHAIR-COMPETITIVE": ("主席差额选举", "competitive chair election"),
    "R-NOTICE": ("候选人公示期", "candidate list posted in time"),
    "R-VETTING": ("候选人审查", "candidates vetted"),
    "R-INELIGIBLE": ("不得担任的人员", "ineligible candidates"),
    "R-QUORUM": ("到会人数须达应到人数三分之二", "two thirds of those due must be present"),
    "R-ELECTED": ("赞成票须超过应到人数半数", "yes votes above half of those due"),
    "R-BALLOTS": ("选票有效性", "valid ballots"),
    "R-TIE": ("票数相同", "tie at the cut-off"),
    "R-SHORTFALL": ("当选人数不足", "fewer elected than seats"),
    "R-REMOVAL": ("罢免须经全体会员或代表过半数通过", "removal needs more than half of all members or representatives"),
    "R-TERM": ("任期3年或5年", "term of 3 or 5 years"),
    "R-TERM-END": ("任期届满日", "term end"),
    "R-ON-TIME": ("按期换届", "re-election on time"),
    "R-EXTENSION": ("延期换届须经批准", "extension needs approval"),
    "R-EARLY": ("提前换届须经批准", "early re-election needs approval"),
    "R-REELECTION": ("换届请示", "re-election plan"),
    "R-VACANCY": ("主席空缺须在期限内补选", "by-election within the limit"),
    "R-ANNUAL": ("每年至少召开一次大会", "a congress every year"),
    "STEP-ORDER": ("步骤顺序不对", "step out of order"),
    "DATE-FUTURE": ("日期不能晚于今天", "date in the future"),
    "DATE-ORDER": ("日期早于前一步", "date before the step it depends on"),
    "UNIT-COUNTS": ("女会员不多于会员，会员不多于职工", "female members within members, members within employees"),
    "AUTH-ROLE": ("角色无权办理", "role may not take this step"),
    "AUTH-ORG": ("不是本组织的事项", "not your organisation"),
}
