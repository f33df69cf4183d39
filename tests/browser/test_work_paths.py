"""The day's work in a real browser (issue 19): the staff file the candidate list, the county's
approver reads it on its own page in the inbox (the candidates with their vetting) and rejects it
with reasons after confirming; the staff's home then puts the rejection, its reasons and the step
to resume from first. Screenshots: staff-home-after-rejection-desktop.png, inbox-detail.png."""

from __future__ import annotations

import re
from typing import Any

from tests.browser.conftest import Site, shot, sign_in
from tests.browser.pages import assert_accessible, fill, open_filing, step, submit
from tests.unit.workflow_support import CHAIRS, COMMITTEE, FUNDS
from tests.unit.workflow_world import COUNTY

PID = "U1:founding-1"
REASONS = "候选人差额比例不足，请补充委员候选人后重新报审"


def _state(page: Any) -> str:
    return str(page.locator("#current-state").get_attribute("data-state"))


def test_staff_file_the_approver_rejects_and_the_staff_home_says_why_and_where_to_resume(
    site: Site, new_page: Any
) -> None:
    site.driver().found(until="candidates_posted")
    staff = new_page()
    sign_in(staff, site, site.token("staff", "U1"), then=f"/ui/procedures/{PID}")
    step(staff, "file-candidates", {"occurred_on": "2019-02-05", "party_org": "公司党支部", "party_approved": "true"})
    assert _state(staff) == "candidates_filed"

    # The approver's inbox: one row for the filing, then its own page with the whole list.
    approver = new_page()
    sign_in(approver, site, site.token("approver", COUNTY), then="/ui/inbox")
    assert approver.locator("tr.inbox-item").count() == 1
    open_filing(approver, PID)
    names = approver.locator("#filing-content td.candidate").all_inner_texts()
    assert names == [*COMMITTEE, *CHAIRS, *FUNDS]
    assert "公司党支部" in approver.locator("#filing-content").inner_text()
    reject = approver.locator(f'form[id="reject-{PID}"]')
    assert reject.locator('[name="redo_from"]').count() == 0  # a candidate list names no step to redo
    assert_accessible(approver)
    shot(approver, "inbox-detail")

    # Rejecting asks for the confirmation first; nothing is recorded without it.
    fill(reject, {"reasons": REASONS, "occurred_on": "2019-02-08"})
    submit(approver, reject)
    reject = approver.locator(f'form[id="reject-{PID}"]')
    assert "请勾选确认" in reject.locator(".field.confirm + .error").inner_text()
    assert reject.locator('[name="reasons"]').input_value() == REASONS
    assert site.rt.service.load("U1").procedures[PID].state == "candidates_filed"
    fill(reject, {"confirm": True})
    submit(approver, reject)
    assert re.search(r"/ui/inbox\?done=step\.reject", approver.url)
    assert approver.locator("tr.inbox-item").count() == 0

    # The staff's home: the rejection first, with the reasons and the step to resume from.
    staff.goto(site.url("/ui/"))
    notice = staff.locator("section.rejection")
    assert notice.count() == 1 and notice.is_visible()
    assert staff.locator("main > *").nth(1).get_attribute("class") == "rejection"  # right under the title
    text = notice.inner_text()
    assert "江岸区总工会" in text and "2019-02-08" in text and "候选人名单" in text
    assert notice.locator(".reason").inner_text() == REASONS
    resume = notice.locator(".resume a")
    assert resume.first.get_attribute("href") == f"/ui/procedures/{PID}#step-propose-candidates"
    assert_accessible(staff)
    shot(staff, "staff-home-after-rejection-desktop")

    with staff.expect_navigation():
        resume.first.click()
    assert _state(staff) == "candidates_rejected"
    assert staff.locator("#step-propose-candidates").is_visible()
    assert staff.locator("section.rejection .reason").inner_text() == REASONS
