"""Each role's day at a phone's width (390 px), in Chinese (issue 19): the union's staff advance a
procedure, file, read the approver's rejection with its reasons on their home and resume; the
county's approver works from the inbox list to a filing's page and rejects with reasons or
approves after confirming; the organisation department's auditor reads the dashboard, searches the
unions with a filter and exports what it shows, and opens the audit. On every page visited: no
sideways scrolling and no code a person would have to look up (event types, state codes, evidence
keys). One server and database for the module; each test works on unions of its own.

Full-page screenshots are kept for review under tests/browser/screenshots/ (the four the issue
cites are committed: staff-home-after-rejection, approver-inbox-detail, unions-list-filtered,
procedure-phone)."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from events.catalogue import CATALOGUE
from events.flows import FLOWS
from tests.browser.conftest import Site, serving, shot, sign_in
from tests.browser.pages import assert_fits, exported_table, fill, filter_unions, open_filing, step, submit
from tests.e2e.conftest import register_union
from tests.e2e.lists_support import populate
from tests.unit.workflow_support import CHAIRS, COMMITTEE, FUNDS
from tests.unit.workflow_world import COUNTY

PHONE = {"width": 390, "height": 844}
U1, U2 = "U1:founding-1", "U2:founding-1"
LONG_NAME = "江岸区某某国际纺织品进出口贸易集团有限责任公司武汉分公司联合工会委员会"
REASONS = "候选人差额比例不足，请补充委员候选人后重新报审"
WEB = Path(__file__).resolve().parents[2] / "api" / "web" / "i18n"


def _field_codes() -> set[str]:
    keys: set[str] = set()
    for name in ("evidence", "fields"):
        table = tomllib.loads((WEB / f"{name}.toml").read_text(encoding="utf-8"))
        keys |= {k.split(".")[-1] for k in table if k.startswith("field.")}
    return {k for k in keys if "_" in k}


# What a Chinese page must never show: event types, state codes, step names, evidence keys.
CODES = (
    set(CATALOGUE.event_types)
    | {state.name for flow in FLOWS.values() for state in flow.states}
    | {s.trigger for flow in FLOWS.values() for s in flow.steps if "_" in s.trigger}
    | _field_codes()
)


def _codes_on(page: Any) -> set[str]:
    """The codes among the words a person reads (ids such as U1:founding-1 stay whole)."""
    text = page.evaluate("() => document.body.innerText")
    return set(re.findall(r"(?<![\w:./@-])[A-Za-z][A-Za-z_]*(?![\w:./@-])", text)) & CODES


def check(page: Any, name: str | None = None) -> None:
    """What every page visited must be: in Chinese, no code shown, no sideways scrolling."""
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert _codes_on(page) == set(), page.url
    assert_fits(page)
    if name:
        shot(page, name)


def _seed(rt: Any) -> None:
    populate(rt)
    register_union(rt, "U2", LONG_NAME)


@pytest.fixture(scope="module")
def phone_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with serving(f"sqlite:///{tmp_path_factory.mktemp('phone') / 'unionflow.db'}", _seed) as site:
        yield site


@pytest.fixture
def phone(new_page: Callable[..., Any]) -> Callable[[], Any]:
    """Pages at a phone's width, each in its own context (one person each)."""
    return lambda: new_page(viewport=PHONE, accept_downloads=True)


def _visit(page: Any, site: Site, path: str, name: str | None = None) -> None:
    page.goto(site.url(path))
    check(page, name)


def _state(page: Any) -> str:
    return str(page.locator("#current-state").get_attribute("data-state"))


def test_staff_file_read_the_rejection_on_their_home_and_resume(phone_site: Site, phone: Any) -> None:
    site = phone_site
    site.driver("U1").found(until="candidates_proposed")
    staff = phone()
    sign_in(staff, site, site.token("staff", "U1"))
    check(staff, "phone-staff-home")
    _visit(staff, site, f"/ui/procedures/{U1}")
    step(staff, "post-candidates", {"occurred_on": "2019-02-01"})
    assert _state(staff) == "candidates_posted"
    step(staff, "file-candidates", {"occurred_on": "2019-02-05", "party_org": "公司党支部", "party_approved": "true"})
    assert _state(staff) == "candidates_filed"
    check(staff, "phone-procedure-filed")

    approver = phone()
    sign_in(approver, site, site.token("approver", COUNTY), then="/ui/inbox")
    check(approver, "phone-approver-inbox")
    open_filing(approver, U1)
    check(approver, "approver-inbox-detail")
    reject = approver.locator(f'form[id="reject-{U1}"]')
    fill(reject, {"reasons": REASONS, "occurred_on": "2019-02-08", "confirm": True})
    submit(approver, reject)
    assert re.search(r"/ui/inbox\?done=step\.reject", approver.url)
    check(approver)

    staff.goto(site.url("/ui/"))
    notice = staff.locator("section.rejection")
    assert notice.is_visible()
    assert notice.locator(".reason").inner_text() == REASONS
    assert "江岸区总工会" in notice.inner_text() and "2019-02-08" in notice.inner_text()
    check(staff, "staff-home-after-rejection")

    with staff.expect_navigation():
        notice.locator(".resume a").first.click()
    assert _state(staff) == "candidates_rejected"
    _the_stepper_shows_the_rejection_and_what_follows(staff)
    check(staff, "procedure-phone")
    # The list of people takes its options in words: "人力资源部门负责人" is recorded as hr_head.
    committee = "\n".join([*COMMITTEE, "卫，人力资源部门负责人"])
    step(
        staff,
        "propose-candidates",
        {
            "occurred_on": "2019-02-10",
            "committee_candidates": committee,
            "chair_candidates": "\n".join(CHAIRS),
            "funds_review_seats": 3,
            "funds_review_candidates": "\n".join(FUNDS),
        },
    )
    assert _state(staff) == "candidates_proposed"
    check(staff)
    proposed = site.rt.service.load("U1").procedures[U1].election.committee_candidates  # type: ignore[attr-defined]
    assert [c.name for c in proposed if c.hr_head] == ["卫"]


def _the_stepper_shows_the_rejection_and_what_follows(page: Any) -> None:
    """Steps taken with their dates, the rejection as a branch, the state now, the steps that may
    follow (the withdrawal among them, as a branch) and those still ahead to the founding."""
    stepper = page.locator("#stepper")
    done = stepper.locator("li.done")
    assert "2019-02-05" in done.nth(done.count() - 2).inner_text()
    rejected = stepper.locator("li.done.branch")
    assert rejected.count() == 1 and "驳回候选人" in rejected.inner_text() and "2019-02-08" in rejected.inner_text()
    current = stepper.locator("li.current")
    assert current.get_attribute("data-state") == "candidates_rejected"
    assert "提出候选人" in current.locator("ul.options li.main").first.inner_text()
    assert "撤回" in current.locator("ul.options li.branch").inner_text()
    assert stepper.locator("li.todo .body").last.inner_text().startswith("已法人登记")


def test_the_approver_approves_a_filing_after_confirming(phone_site: Site, phone: Any) -> None:
    site = phone_site
    site.driver("U2").found(until="candidates_filed")
    approver = phone()
    sign_in(approver, site, site.token("approver", COUNTY))
    check(approver, "phone-approver-home")
    _visit(approver, site, "/ui/inbox")
    assert approver.locator(f'[id="item-{U2.replace(":", "-")}"]').is_visible()
    open_filing(approver, U2)
    check(approver, "phone-approver-detail-long-name")
    approve = approver.locator(f'form[id="approve-{U2}"]')
    fill(approve, {"document_no": "江工发〔2019〕7号", "occurred_on": "2019-02-09"})
    submit(approver, approve)
    assert site.rt.service.load("U2").procedures[U2].state == "candidates_filed"  # not without the tick
    approve = approver.locator(f'form[id="approve-{U2}"]')
    fill(approve, {"confirm": True})
    submit(approver, approve)
    assert site.rt.service.load("U2").procedures[U2].state == "candidates_approved"
    _visit(approver, site, f"/ui/procedures/{U2}", "phone-procedure-approved")
    # The same stepper in English, from the same catalogue of words.
    with approver.expect_navigation():
        approver.locator("#lang-switch").click()
    stepper = approver.locator("#stepper").inner_text()
    assert "record the congress and its votes" in stepper and "by the union" in stepper and "（" not in stepper
    assert_fits(approver)
    with approver.expect_navigation():
        approver.locator("#lang-switch").click()
    papers = approver.locator("#print-papers a")
    assert papers.count() >= 1
    for href in [papers.nth(i).get_attribute("href") for i in range(papers.count())]:
        _visit(approver, site, str(href))
    shot(approver, "phone-print-view")


def test_the_auditor_reads_the_subtree_filters_the_unions_and_exports_them(
    phone_site: Site, phone: Any, tmp_path: Path
) -> None:
    site = phone_site
    auditor = phone()
    sign_in(auditor, site, site.token("auditor", COUNTY))
    check(auditor, "phone-auditor-dashboard")
    _visit(auditor, site, "/ui/alerts", "phone-alerts")
    _visit(auditor, site, "/ui/procedures", "phone-procedures")
    _visit(auditor, site, "/ui/unions/U2", "phone-union-long-name")
    _visit(auditor, site, "/ui/unions/F1", "phone-union-with-term")  # its terms' timeline and table
    _visit(auditor, site, "/ui/audit", "phone-audit")

    _visit(auditor, site, "/ui/unions")
    rows, codes = filter_unions(auditor, "江岸", "not_founded")
    assert {"A1", "A2"} <= set(codes) and "F1" not in codes  # F1 is founded
    assert auditor.locator("#f-state").input_value() == "not_founded"
    assert auditor.locator("#count").inner_text() == f"共 {len(codes)} 个工会"
    check(auditor, "unions-list-filtered")

    table = exported_table(auditor, "#export-unions-xlsx", tmp_path)
    shown = [rows.nth(i).locator("td a").first.inner_text() for i in range(rows.count())]
    assert [r[:2] for r in table[1:]] == [list(pair) for pair in zip(shown, codes, strict=True)]


def test_the_staff_forms_fit_a_phone(phone_site: Site, phone: Any) -> None:
    """Every form the union's page offers its staff (opening a procedure, the union's records)."""
    site = phone_site
    staff = phone()
    sign_in(staff, site, site.token("staff", "U2"), then="/ui/unions/U2")
    check(staff, "phone-staff-union")
    links = staff.locator('main a[href^="/ui/unions/U2/"]')
    hrefs = sorted({str(links.nth(i).get_attribute("href")).split("#")[0] for i in range(links.count())})
    assert hrefs, "the union's page offers its staff no form"
    for href in hrefs:
        _visit(staff, site, href)
        assert LONG_NAME in staff.locator("h1").inner_text()  # the union by its name
    shot(staff, "phone-form")


def test_the_administrators_pages_fit_a_phone(phone_site: Site, phone: Any) -> None:
    site = phone_site
    admin = phone()
    _visit(admin, site, "/ui/sign-in", "phone-sign-in")
    sign_in(admin, site, site.token("admin", COUNTY))
    check(admin, "phone-admin-home")
    _visit(admin, site, "/ui/accounts", "phone-accounts")
