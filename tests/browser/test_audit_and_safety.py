"""The auditor's path (history, the state as of an earlier date, the hash chain, the bundle), and
what every page owes: CSRF protection, the language switch, reading without JavaScript, lists
paged on the server (htmx appends the next page in place)."""

from __future__ import annotations

import json
import re
import zipfile
from typing import Any

from tests.browser.conftest import Site, shot, sign_in
from tests.browser.pages import assert_accessible, decide_from_inbox, fill, submit
from tests.unit.workflow_world import COUNTY, TREE_ON, admin, unit
from workflow import commands as c

PID = "U1:founding-1"


def test_the_auditor_sees_the_history_the_state_as_of_an_earlier_date_and_verifies_the_chain(
    site: Site, new_page: Any
) -> None:
    site.driver().found()
    auditor = new_page()
    sign_in(auditor, site, site.token("auditor", COUNTY), then="/ui/audit")
    form = auditor.locator("form.filters")
    fill(form, {"org": "U1", "as_of": "2019-02-01"})
    form.locator("#au-scope-union").check()
    submit(auditor, form)

    # On 2019-02-01 the candidates had just been proposed and posted (worked example 1).
    then = auditor.locator("#state-then")
    assert then.locator("#procedures-then td[data-state]").get_attribute("data-state") == "candidates_posted"
    assert "2019-02-01" in then.locator("h2").inner_text()
    # The whole history: who, in which role, when it happened and when it was recorded.
    timeline = auditor.locator("ol.timeline")
    assert timeline.locator("> li").count() == 13
    text = timeline.inner_text()
    # people without an account by their id; events and rules in words (their codes on hover)
    assert "staff-U1" in text and "approver-JA" in text and "申请建会" in text and "FoundingRequested" not in text
    assert "到会人数须达应到人数三分之二" in text  # the congress's rule evidence (R-QUORUM)
    assert_accessible(auditor)
    shot(auditor, "20-audit-as-of")

    auditor.locator("#verify").click()
    auditor.wait_for_url(re.compile(r"verify=1"))
    result = auditor.locator("#verify-result").inner_text()
    assert result.startswith("✓") and "13" in result
    shot(auditor, "21-audit-verified")

    with auditor.expect_download() as download_info:
        auditor.locator("#bundle").click()
    path = download_info.value.path()
    with zipfile.ZipFile(path) as bundle:
        manifest = json.loads(bundle.read("manifest.json"))
        assert "events.jsonl" in bundle.namelist()
    assert manifest["counts"]["events"] == 13

    # The subtree as of a date: coverage and the alerts that fired then.
    auditor.goto(site.url("/ui/audit?org=JA&scope=subtree&as_of=2025-01-01"))
    assert auditor.locator("#state-then figure.chart").count() == 1
    assert "逾期未换届" in auditor.locator("#state-then").inner_text()  # A-TERM-OVERDUE
    shot(auditor, "22-audit-subtree")


def test_staff_may_not_audit_and_nobody_reads_outside_their_subtree(site: Site, new_page: Any) -> None:
    staff = new_page()
    sign_in(staff, site, site.token("staff", "U1"))
    assert staff.goto(site.url("/ui/audit")).status == 403
    assert staff.goto(site.url("/ui/unions/JA")).status == 404
    other = new_page()
    sign_in(other, site, site.token("auditor", "QS"))  # a sibling county
    assert other.goto(site.url("/ui/unions/U1")).status == 404
    assert other.goto(site.url("/ui/audit?org=U1")).status == 404


def _members_form_sent(staff: Any, tamper: str) -> Any:
    """The members' form filled in, its CSRF input changed by the script `tamper`, and sent: the
    response the browser navigated to."""
    form = staff.locator("#step-record-members")
    fill(form, {"occurred_on": "2019-01-20", "members": 80, "female_members": 12, "employees": 120})
    form.locator('input[name="csrf"]').evaluate(tamper)
    with staff.expect_navigation() as nav:
        form.locator("button[type=submit]").click()
    return nav.value


def test_a_form_without_its_csrf_token_is_refused(site: Site, new_page: Any) -> None:
    site.driver().found(until="preparing")
    staff = new_page()
    sign_in(staff, site, site.token("staff", "U1"), then=f"/ui/procedures/{PID}")
    before = site.rt.service.load("U1").version
    assert _members_form_sent(staff, "e => e.remove()").status == 403
    assert "CSRF" in staff.locator("main").inner_text()
    assert site.rt.service.load("U1").version == before
    shot(staff, "30-csrf-refused")

    # A forged value fails the same way; the real one passes.
    staff.goto(site.url(f"/ui/procedures/{PID}"))
    assert _members_form_sent(staff, "e => e.value = 'forged-forged-forged-forged'").status == 403
    assert site.rt.service.load("U1").version == before

    # Signing in, too, needs the sign-in form's own token (no login CSRF).
    page = new_page()
    response = page.request.post(
        site.url("/ui/sign-in"), form={"token": site.token("staff", "U1"), "next": "/ui/"}, max_redirects=0
    )
    assert response.status == 403
    assert not [c for c in page.context.cookies() if c["name"] == "uf_session"]


def test_the_session_cookie_is_httponly_samesite_and_ends_at_sign_out(site: Site, new_page: Any) -> None:
    staff = new_page()
    sign_in(staff, site, site.token("staff", "U1"))
    (cookie,) = [c for c in staff.context.cookies() if c["name"] == "uf_session"]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and cookie["path"] == "/ui"
    assert site.tokens[("staff-U1", "staff", "U1")] not in cookie["value"]
    assert staff.evaluate("() => document.cookie").find("uf_session") == -1
    with staff.expect_navigation():
        staff.locator("form[action='/ui/sign-out'] button").click()
    assert "/ui/sign-in" in staff.url
    # The old session id no longer opens a page, even if someone kept it.
    other = new_page()
    other.context.add_cookies([{"name": "uf_session", "value": cookie["value"], "url": site.url("/ui/")}])
    other.goto(site.url("/ui/"))
    assert "/ui/sign-in" in other.url


def test_the_english_switch_is_remembered(site: Site, new_page: Any) -> None:
    page = new_page()
    sign_in(page, site, site.token("approver", COUNTY))
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert "概览" in page.locator("h1").inner_text()
    with page.expect_navigation():
        page.locator("#lang-switch").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Dashboard" in page.locator("h1").inner_text()
    shot(page, "40-dashboard-english")
    page.goto(site.url("/ui/inbox"))
    assert page.locator("h1").inner_text() == "Approval inbox"
    assert_accessible(page)
    with page.expect_navigation():
        page.locator("#lang-switch").click()
    assert page.locator("h1").inner_text() == "待批事项"


def test_pages_read_without_javascript(site: Site, new_page: Any) -> None:
    site.driver().found(until="results_filed")
    page = new_page(javascript=False)
    sign_in(page, site, site.token("staff", "U1"), then="/ui/unions/U1")
    assert "江岸某科技有限公司工会" in page.locator("h1").inner_text()
    page.goto(site.url(f"/ui/procedures/{PID}"))
    assert page.locator("#current-state").get_attribute("data-state") == "results_filed"
    assert page.locator("#current-state").inner_text() == "选举结果已报批"
    assert page.locator("#stepper li.current").get_attribute("data-state") == "results_filed"
    assert page.locator("ol.timeline > li").count() == 11  # request to results filed
    shot(page, "50-procedure-no-javascript")
    # The approver decides from the inbox without JavaScript too (plain forms, a plain confirmation).
    approver = new_page(javascript=False)
    sign_in(approver, site, site.token("approver", COUNTY), then="/ui/inbox")
    decide_from_inbox(approver, PID, "江工发〔2019〕9号", "2019-03-20")
    assert approver.locator("#done").is_visible()
    assert site.rt.service.load("U1").procedures[PID].state == "founded"


def _more_unions(site: Site, n: int) -> None:
    """`n` more unions under the county, each with a founding request waiting on the approver."""
    for i in range(n):
        union_id = f"U{i + 2}"
        site.rt.service.execute(
            c.RegisterOrganisation(
                org_id=union_id,
                name=f"{union_id} 工会",
                level="grassroots",
                parent_id=COUNTY,
                unit=unit(),
                occurred_on=TREE_ON,
            ),
            admin(),
        )
        site.driver(union_id).found(until="requested")


def test_lists_page_on_the_server_and_htmx_appends_the_next_page(site: Site, new_page: Any) -> None:
    _more_unions(site, 5)
    approver = new_page()
    sign_in(approver, site, site.token("approver", COUNTY), then="/ui/inbox?limit=2")
    assert approver.locator(".inbox-item").count() == 2
    url = approver.url
    approver.locator("#pager a", has_text="下一页").click()
    approver.wait_for_function("() => document.querySelectorAll('.inbox-item').length === 4")
    assert approver.url == url  # appended in place
    approver.locator("#pager a", has_text="下一页").click()
    approver.wait_for_function("() => document.querySelectorAll('.inbox-item').length === 5")
    assert approver.locator("#pager a", has_text="下一页").count() == 0
    shot(approver, "60-inbox-paged-htmx")

    # Without JavaScript the same link is an ordinary next page.
    plain = new_page(javascript=False)
    sign_in(plain, site, site.token("approver", COUNTY), then="/ui/alerts?limit=2&kind=A-APPROVAL-PENDING")
    assert plain.locator("#alert-rows tr").count() == 2
    with plain.expect_navigation():
        plain.locator("#pager a", has_text="下一页").click()
    assert "cursor=" in plain.url
    assert plain.locator("#alert-rows tr").count() == 2
