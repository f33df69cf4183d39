"""The procedure page's stepper (issue 19), derived from every kind's flow: what may follow each
state is exactly the flow's steps out of it (one per step a person takes), rejections and the
withdrawal are branches, the way ahead reaches the kind's end, and the steps taken read off a real
history with their dates. Also: a list of people takes its options in words (人力资源部门负责人)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from api.web import forms, i18n
from api.web.stepper import stepper
from events.flows import FLOWS

ZH = i18n.translator("zh")


def _event_name(event_type: str) -> str:
    return f"<{event_type}>"


@dataclass
class Entry:
    event_type: str
    occurred_on: dt.date


@pytest.mark.parametrize("kind", sorted(FLOWS))
def test_what_may_follow_each_state_is_the_flows_steps_out_of_it(kind: str) -> None:
    flow = FLOWS[kind]
    for state in flow.state_names:
        s = stepper(kind, state, [], [], ZH, _event_name)
        if state in flow.terminal:
            assert s.closed and s.options == [] and s.ahead == []
            continue
        declared = {}  # one per step a person takes: the first declared of the variants
        for step in flow.steps_from(state):
            declared.setdefault(step.name, step)
        assert len(s.options) == len(declared)
        labels = {ZH(f"trigger.{kind}.{step.trigger}") for step in declared.values()}
        assert {o.label for o in s.options} <= labels
        branches = {n for n, step in declared.items() if step.command in ("RejectFiling", "WithdrawProcedure")}
        assert sum(o.branch for o in s.options) == len(branches)
        assert [o.branch for o in s.options] == sorted(o.branch for o in s.options)  # the usual way first
        assert all(o.leads_to for o in s.options) and "_" not in "".join(o.leads_to for o in s.options)


@pytest.mark.parametrize("kind", sorted(FLOWS))
def test_the_way_ahead_from_the_start_reaches_the_kinds_usual_end(kind: str) -> None:
    flow = FLOWS[kind]
    ahead = stepper(kind, flow.initial, [], [], ZH, _event_name).ahead
    assert ahead, kind
    ends = {ZH(f"state.{kind}.{s}") for s in flow.terminal} - {ZH("state.withdrawn")}
    assert ahead[-1].leads_to in ends
    assert len({a.leads_to for a in ahead}) == len(ahead)  # no state twice


def test_the_steps_taken_read_off_the_history_with_a_rejection_as_a_branch() -> None:
    d = dt.date(2019, 1, 5)
    states = ["requested", "request_rejected", "requested", "preparing"]
    events = [
        Entry("FoundingRequested", d),
        Entry("FoundingRequestRejected", d + dt.timedelta(days=3)),
        Entry("FoundingRequestResubmitted", d + dt.timedelta(days=5)),
        Entry("PreparatoryGroupApproved", d + dt.timedelta(days=9)),
    ]
    s = stepper("founding", "preparing", states, events, ZH, _event_name)
    assert [(t.label, t.on, t.branch, t.by) for t in s.taken] == [
        ("<FoundingRequested>", d, False, "staff"),
        ("驳回建会申请", d + dt.timedelta(days=3), True, "approver"),
        ("重新提交建会申请", d + dt.timedelta(days=5), False, "staff"),
        ("批准建会申请和筹备组", d + dt.timedelta(days=9), False, "approver"),
    ]
    assert [t.reached for t in s.taken] == ["已申请", "申请被驳回", "已申请", "筹备中"]
    assert s.current_label == "筹备中" and not s.closed


def test_a_results_rejection_names_the_state_it_sends_the_procedure_back_to() -> None:
    s = stepper("founding", "results_filed", [], [], ZH, _event_name)
    back = [o for o in s.options if o.back]
    assert len(back) == 3 and all(o.branch and o.by == "approver" for o in back)
    assert {o.leads_to for o in back} == {
        ZH("state.candidates_approved"),
        ZH("state.candidates_rejected"),
        ZH("state.members_recruited"),
    }


def test_a_list_of_people_takes_its_options_in_words_in_either_language() -> None:
    options = ("hr_head", "foreign_employee")
    assert forms.people_options("zh", options) == "人力资源部门负责人、外籍职工"
    assert forms._person("卫，人力资源部门负责人", options) == {"name": "卫", "hr_head": True}
    assert forms._person("卫, foreign employee", options) == {"name": "卫", "foreign_employee": True}
    assert forms._person("卫，hr_head", options) == {"name": "卫", "hr_head": True}  # the code still reads
    affiliation = ("affiliation=party_org|worker_representative|higher_union|other",)
    assert forms._person("李，来自=党组织", affiliation) == {"name": "李", "affiliation": "party_org"}
    assert forms._person("李，来自=不存在", affiliation) == {"name": "李", "affiliation": "不存在"}  # the model says no


def test_a_state_name_kinds_share_reads_as_each_kind_says_it() -> None:
    assert stepper("founding", "requested", [], [], ZH, _event_name).current_label == "已申请"
    assert stepper("dissolution", "requested", [], [], ZH, _event_name).current_label == "已申请注销"
    assert stepper("dissolution", "approved", [], [], ZH, _event_name).current_label == "已注销"
