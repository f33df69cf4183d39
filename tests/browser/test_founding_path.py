"""The main paths, in a real browser: the union's staff found a union through to filing the results
(RULES.md §3, worked example 1), the county's approver deciding each filing from the inbox with a
document number (R-APPROVER); then the results approved and the term started (R-FOUNDED)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from projections import queries
from tests.browser.conftest import Site, shot, shot_of, sign_in
from tests.browser.pages import approve_filing, assert_accessible, decide_from_inbox, fill, open_filing, step, submit
from tests.unit.workflow_support import CHAIRS, COMMITTEE, FUNDS

PID = "U1:founding-1"


def _state(page: Any) -> str:
    """The procedure's state (the page shows it in words; its code is the element's data-state)."""
    return str(page.locator("#current-state").get_attribute("data-state"))


def test_staff_found_a_union_and_the_approver_decides_each_filing_from_the_inbox(site: Site, new_page: Any) -> None:
    staff, approver = new_page(), new_page()
    _staff_request_the_founding(site, staff)
    _approver_approves_the_preparatory_group(site, approver)
    _staff_prepare_the_election(site, staff)
    _staff_file_the_results(site, staff, approver)
    _approver_approves_the_results(site, staff, approver)
    _approver_sees_the_dashboard(site, approver)


def _staff_request_the_founding(site: Site, staff: Any) -> None:
    sign_in(staff, site, site.token("staff", "U1"))
    assert_accessible(staff)
    shot(staff, "01-staff-dashboard")

    # The union page, then the founding request (the unit's facts come prefilled from the register).
    staff.locator("nav a[href='/ui/unions/U1']").click()
    staff.wait_for_url(re.compile(r"/ui/unions/U1$"))
    assert_accessible(staff)
    shot(staff, "02-union-before-founding")
    staff.locator("a[href='/ui/unions/U1/open/founding']").click()
    form = staff.locator("#open-founding")
    assert form.locator('[name="unit.unit_name"]').input_value() == "江岸某科技有限公司"
    assert_accessible(staff)
    fill(
        form, {"occurred_on": "2019-01-05", "initiators": "张三", "prep_group": "甲\n乙, affiliation=party_org\n丙\n丁"}
    )
    shot(staff, "03-founding-request-form")
    submit(staff, form)
    assert staff.url.endswith(f"/ui/procedures/{PID}?done=open.founding")
    assert _state(staff) == "requested"
    assert staff.locator("#h-steps ~ div form").count() >= 1  # staff may withdraw while it waits
    shot(staff, "04-procedure-requested")


def _approver_approves_the_preparatory_group(site: Site, approver: Any) -> None:
    # The approver of the county (the direct higher-level union) approves the preparatory group.
    sign_in(approver, site, site.token("approver", "JA"), then="/ui/inbox")
    assert approver.locator(".inbox-item").count() == 1
    assert "筹备组" in approver.locator(".inbox-item").inner_text() or "PREP" in approver.content()
    assert_accessible(approver)
    shot(approver, "05-approver-inbox")
    decide_from_inbox(approver, PID, "江工发〔2019〕1号", "2019-01-10")
    assert approver.locator("#done").is_visible()
    assert approver.locator(".inbox-item").count() == 0


def _staff_prepare_the_election(site: Site, staff: Any) -> None:
    # The staff take the founding on, step by step, through the forms built from the API's schemas.
    staff.goto(site.url(f"/ui/procedures/{PID}"))
    assert _state(staff) == "preparing"
    step(staff, "record-members", {"occurred_on": "2019-01-20", "members": 80, "female_members": 12, "employees": 120})
    step(
        staff,
        "decide-congress-type",
        {"occurred_on": "2019-01-25", "congress_type": "members_meeting", "committee_seats": 7},
    )
    step(
        staff,
        "propose-candidates",
        {
            "occurred_on": "2019-02-01",
            "committee_candidates": "\n".join(COMMITTEE),
            "chair_candidates": "\n".join(CHAIRS),
            "funds_review_seats": 3,
            "funds_review_candidates": "\n".join(FUNDS),
        },
    )
    step(staff, "post-candidates", {"occurred_on": "2019-02-01", "where": "公告栏"})
    step(
        staff,
        "file-candidates",
        {"occurred_on": "2019-02-05", "party_org": "公司党支部", "party_approved": "true"},
    )
    assert _state(staff) == "candidates_filed"


def _staff_file_the_results(site: Site, staff: Any, approver: Any) -> None:
    approver.goto(site.url("/ui/inbox"))
    decide_from_inbox(approver, PID, "江工发〔2019〕2号", "2019-02-10")

    staff.reload()
    assert _state(staff) == "candidates_approved"
    committee_votes = "\n".join(f"{name}: {max(54 - i, 41) if i < 7 else 0}" for i, name in enumerate(COMMITTEE))
    step(
        staff,
        "hold-congress",
        {
            "occurred_on": "2019-03-01",
            "due": 80,
            "present": 54,
            "committee_vote.seats": 7,
            "committee_vote.ballots_issued": 54,
            "committee_vote.ballots_returned": 54,
            "committee_vote.tallies": committee_votes,
            "funds_review_vote.seats": 3,
            "funds_review_vote.ballots_issued": 54,
            "funds_review_vote.ballots_returned": 54,
            "funds_review_vote.tallies": "冯: 54\n陈: 53\n褚: 52",
        },
    )
    chair = {"chair": "赵", "vice_chairs": "钱", "due": 80, "yes": 41, "vice_chair_yes": "钱: 41"}
    step(staff, "elect-chair", {"occurred_on": "2019-03-01"} | chair)
    step(
        staff,
        "file-results",
        {
            "occurred_on": "2019-03-05",
            "funds_review_director": "冯",
            "women_committee_formed": True,
            "women_director": "孙",
            "term_years": 5,
        },
    )
    assert _state(staff) == "results_filed"
    # The stepper: the 11 steps taken (the request to the results filed, each dated), the current
    # state, the approval as what follows with the rejections as branches, and the way ahead.
    stepper = staff.locator("#stepper")
    assert stepper.locator("li.done").count() == 11
    assert stepper.locator("li[aria-current=step]").get_attribute("data-state") == "results_filed"
    options = stepper.locator("li.current ul.options")
    assert "批准选举结果" in options.locator("li.main").inner_text()
    assert options.locator("li.branch").count() == 4  # three rejections naming the step to redo, the withdrawal
    assert [li.inner_text() for li in stepper.locator("li.todo .body").all()][-1].startswith("已法人登记")
    assert_accessible(staff)
    shot(staff, "06-procedure-results-filed")
    shot_of(stepper, "06b-stepper")


def _approver_approves_the_results(site: Site, staff: Any, approver: Any) -> None:
    # The approver opens the filed results and approves them with the document number (批复文号).
    approver.goto(site.url("/ui/inbox"))
    open_filing(approver, PID)
    assert "冯" in approver.locator("#filing-content").inner_text()  # the funds review director, as filed
    shot(approver, "07-approver-inbox-results")
    approve_filing(approver, PID, "江工发〔2019〕9号", "2019-03-20")

    staff.reload()
    assert _state(staff) == "founded"
    history = staff.locator("ol.timeline").inner_text()
    assert "批准选举结果" in history and "approver-JA" in history  # ResultsApproved, in words
    staff.locator("ol.timeline > li").last.locator("summary").click()
    assert "江工发〔2019〕9号" in staff.locator("ol.timeline > li").last.inner_text()
    shot(staff, "08-procedure-founded")

    staff.goto(site.url("/ui/unions/U1"))
    facts = staff.locator("#h-term + dl").inner_text()
    assert "2019-03-01" in facts and "2024-03-01" in facts  # term 1: five years from the congress
    assert staff.locator("table.list").first.locator("tbody tr").count() == 1
    shot(staff, "09-union-founded")


def _approver_sees_the_dashboard(site: Site, approver: Any) -> None:
    # The approver's dashboard: the county's alerts today (2030: long overdue) and its coverage.
    approver.goto(site.url("/ui/"))
    assert approver.locator("ul.counts li").count() >= 1
    first_overdue = approver.locator("#worst-rows tr").first.locator("td.n").inner_text()
    assert int(first_overdue) > 0
    assert approver.locator("figure.chart svg title").text_content()
    assert_accessible(approver)
    shot(approver, "10-approver-dashboard")
    shot_of(approver.locator("#h-cov + .cols"), "10b-coverage-chart")


def test_a_refused_step_names_its_rule_and_numbers_and_keeps_the_form(site: Site, new_page: Any) -> None:
    site.driver().found(until="candidates_approved")
    staff = new_page()
    sign_in(staff, site, site.token("staff", "U1"), then=f"/ui/procedures/{PID}")
    before = site.rt.service.load("U1").version
    committee_votes = "\n".join(f"{name}: 53" for name in COMMITTEE[:7])
    step(
        staff,
        "hold-congress",
        {
            "occurred_on": "2019-03-01",
            "due": 80,
            "present": 53,
            "committee_vote.seats": 7,
            "committee_vote.ballots_issued": 53,
            "committee_vote.ballots_returned": 53,
            "committee_vote.tallies": committee_votes,
            "funds_review_vote.seats": 3,
            "funds_review_vote.ballots_issued": 53,
            "funds_review_vote.ballots_returned": 53,
            "funds_review_vote.tallies": "冯: 53\n陈: 53\n褚: 53",
        },
    )
    refusal = staff.locator("#refusal")
    text = refusal.inner_text()
    assert "R-QUORUM" in text
    assert "到会 53 人，应到 80 人；至少需要 54 人（三分之二）" in text  # the rule's message, in Chinese
    numbers = refusal.locator("dl.numbers").inner_text()
    assert re.search(r"应到人数\s*80", numbers) and re.search(r"实到人数\s*53", numbers)
    assert re.search(r"需要\s*54", numbers)
    assert _state(staff) == "candidates_approved"
    assert site.rt.service.load("U1").version == before
    # What was typed is still there, to correct.
    assert staff.locator('#step-hold-congress [name="present"]').input_value() == "53"
    shot(staff, "11-refused-quorum")


def test_an_invalid_form_shows_the_errors_next_to_the_fields(site: Site, new_page: Any) -> None:
    site.driver().found(until="preparing")
    staff = new_page()
    sign_in(staff, site, site.token("staff", "U1"), then=f"/ui/procedures/{PID}")
    step(staff, "record-members", {"occurred_on": "2019-01-20", "members": "", "female_members": -1, "employees": 120})
    form = staff.locator("#step-record-members")
    assert form.locator(".error-summary").is_visible()
    members = form.locator('[name="members"]')
    assert members.get_attribute("aria-invalid") == "true"
    error_id = members.get_attribute("aria-describedby")
    assert error_id and "必填" in staff.locator(f"#{error_id}").inner_text()
    assert "不能小于 0" in form.locator("#step-record-members-f-female_members-err").inner_text()
    assert _state(staff) == "preparing"
    shot(staff, "12-invalid-form")


def test_a_stale_form_says_someone_else_moved_the_union_on(site: Site, new_page: Any) -> None:
    site.driver().found(until="preparing")
    token = site.token("staff", "U1")
    first, second = new_page(), new_page()
    sign_in(first, site, token, then=f"/ui/procedures/{PID}")
    sign_in(second, site, token, then=f"/ui/procedures/{PID}")
    values = {"occurred_on": "2019-01-20", "members": 80, "female_members": 12, "employees": 120}
    step(first, "record-members", values)
    assert _state(first) == "members_recruited"
    step(second, "record-members", values | {"members": 81})
    assert "其他人已经办理了本工会的事项" in second.locator("#stale").inner_text()
    assert _state(second) == "members_recruited"
    assert site.rt.service.load("U1").procedures[PID].members == 80  # type: ignore[attr-defined]
    shot(second, "13-stale-form")


def test_staff_record_the_yearly_congress_from_the_union_page(site: Site, new_page: Any) -> None:
    """R-ANNUAL: the founded union's staff record a congress held between elections from its own
    page; the form offers the members' meeting of 80 as those due (R-QUORUM), and once recorded
    A-NO-ANNUAL-CONGRESS no longer fires for the months it covers."""
    site.driver().found()
    june = dt.date(2020, 6, 1)  # 15 months after the founding congress of 2019-03-01

    def annual_alert() -> bool:
        page = queries.alerts(site.rt.engine, on=june, subtree="U1", kinds=["A-NO-ANNUAL-CONGRESS"])
        return bool(page.items)

    assert annual_alert()
    staff = new_page()
    sign_in(staff, site, site.token("staff", "U1"), then="/ui/unions/U1")
    with staff.expect_navigation():
        staff.get_by_role("link", name="登记年度会员（代表）大会").click()
    form = staff.locator("#union-congresses")
    assert form.locator('[name="due"]').input_value() == "80"
    assert_accessible(staff)
    fill(form, {"occurred_on": "2020-05-01", "present": 54, "agenda": "工会工作报告；经费审查报告"})
    shot(staff, "30-record-yearly-congress")
    submit(staff, form)
    assert staff.url.endswith("/ui/unions/U1?done=act.congresses")
    assert "登记年度会员（代表）大会" in staff.locator("#done").inner_text()
    assert re.search(r"最近一次大会\s*2020-05-01", staff.locator("dl.facts").first.inner_text())
    assert not annual_alert()
    shot(staff, "31-yearly-congress-recorded")
