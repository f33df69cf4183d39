"""The pages' reads and a form post on SQLite and PostgreSQL, through the ASGI test client (no
browser needed): every query the pages run, on both databases."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import httpx
import pytest

from api.web.access import safe_next
from projections import queries
from tests.e2e.conftest import Api, drive, make_api, open_founding, register_union
from tests.unit.workflow_world import CITY, COUNTY, TODAY


@pytest.fixture
def site(db_url: str) -> Iterator[Api]:
    yield from make_api(db_url)


def test_every_page_reads_on_both_databases(site: Api) -> None:
    pid = open_founding(site)
    drive(site, pid)
    site.web_sign_in("approver", COUNTY)
    for path in (
        "/ui/",
        "/ui/alerts",
        "/ui/alerts?kind=A-TERM-OVERDUE&on=2025-01-01",
        "/ui/unions/U1",
        f"/ui/procedures/{pid}",
        "/ui/inbox",
    ):
        page = site.client.get(path)
        assert page.status_code == 200, (path, page.text[:500])
        assert '<html lang="zh-CN">' in page.text
        assert page.headers["x-frame-options"] == "DENY" and page.headers["cache-control"] == "no-store"
        assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    site.web_sign_in("auditor", COUNTY)
    for path in ("/ui/audit?org=U1&as_of=2019-02-01&verify=1", "/ui/audit?org=JA&scope=subtree&as_of=2025-01-01"):
        page = site.client.get(path)
        assert page.status_code == 200, (path, page.text[:500])
        assert 'id="verify-result"' in page.text or "scope=subtree" in path


def test_worst_alerts_come_first_within_the_subtree(site: Api) -> None:
    pid = open_founding(site)
    drive(site, pid)
    worst = queries.worst_alerts(site.rt.engine, TODAY, COUNTY, limit=10)
    assert [a.kind for a in worst] == ["A-LEGAL-PERSON", "A-NO-ANNUAL-CONGRESS", "A-TERM-OVERDUE"]
    assert [a.days_overdue for a in worst] == sorted((a.days_overdue for a in worst), reverse=True)
    assert queries.worst_alerts(site.rt.engine, TODAY, "QS") == []  # a sibling county: none of U1's
    assert len(queries.worst_alerts(site.rt.engine, TODAY, COUNTY, limit=1)) == 1


def test_a_step_posted_from_a_form_is_taken_on_both_databases(site: Api) -> None:
    pid = open_founding(site)
    drive(site, pid, 1)  # the preparatory group approved
    site.web_sign_in("staff", "U1")
    page = site.client.get(f"/ui/procedures/{pid}")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
    version = re.search(r'name="expected_version" value="(\d+)"', page.text)
    assert csrf and version
    form = {
        "csrf": csrf.group(1),
        "expected_version": version.group(1),
        "occurred_on": "2019-01-20",
        "members": "80",
        "female_members": "12",
        "employees": "120",
    }
    done = site.client.post(f"/ui/procedures/{pid}/steps/record-members", data=form, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].startswith(f"/ui/procedures/{pid}?done=")
    assert site.rt.service.load("U1").procedures[pid].state == "members_recruited"
    # The same form again is stale: the version moved on.
    again = site.client.post(f"/ui/procedures/{pid}/steps/record-members", data=form)
    assert again.status_code == 409
    assert 'id="stale"' in again.text


def test_an_approval_posted_by_the_grandparents_approver_is_refused_as_the_api_refuses_it(site: Api) -> None:
    """R-APPROVER: only the approvers of the union's direct higher-level union (the county) decide
    its filings. The city's approver posting the county's decision gets the API's answer, 403
    naming the rule, and nothing is written; the county's approver is then heard."""
    pid = open_founding(site)
    before = site.rt.service.load("U1").procedures[pid]

    def approve_as(org: str) -> httpx.Response:
        site.web_sign_in("approver", org)
        # The city's approver is offered no decision here: post what the county's would.
        csrf = re.search(r'name="csrf" value="([^"]+)"', site.client.get(f"/ui/procedures/{pid}").text)
        assert csrf
        form = {
            "csrf": csrf.group(1),
            "expected_version": str(site.rt.service.load("U1").version),
            "occurred_on": "2019-01-10",
            "document_no": "江工发〔2019〕1号",
            "confirm": "yes",  # an approval is irreversible: the form asks for this tick (issue 19)
        }
        return site.client.post(f"/ui/procedures/{pid}/steps/approve", data=form, follow_redirects=False)

    refused = approve_as(CITY)
    assert refused.status_code == 403 and "R-APPROVER" in refused.text
    assert site.rt.service.load("U1").procedures[pid] == before
    approved = approve_as(COUNTY)
    assert approved.status_code == 303
    assert site.rt.service.load("U1").procedures[pid].state == "preparing"


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("/ui/unions/U1", "/ui/unions/U1"),
        ("/ui/alerts?kind=A-TERM-DUE&on=2025-01-01", "/ui/alerts?kind=A-TERM-DUE&on=2025-01-01"),
        ("https://evil.example/", "/ui/"),
        ("//evil.example/ui/", "/ui/"),
        ("/ui//evil.example", "/ui/"),
        ("/other", "/ui/"),
        (None, "/ui/"),
    ],
)
def test_sign_in_only_sends_people_back_into_the_pages(given: str | None, kept: str) -> None:
    assert safe_next(given) == kept


def test_what_people_typed_is_escaped_and_lists_refuse_a_bad_cursor(site: Api) -> None:
    register_union(site.rt, "U9", "<script>alert(1)</script>")
    site.web_sign_in("approver", COUNTY)
    page = site.client.get("/ui/unions/U9")
    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in page.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    bad = site.client.get("/ui/alerts?cursor=not-a-cursor")
    assert bad.status_code == 400 and "not a cursor" in bad.text
    assert site.client.get("/ui/inbox?limit=0").status_code == 422
    # Without a session every page sends people to sign in, and back afterwards.
    site.client.cookies.clear()
    away = site.client.get("/ui/unions/U9?x=1", follow_redirects=False)
    assert away.status_code == 303 and away.headers["location"] == "/ui/sign-in?next=%2Fui%2Funions%2FU9%3Fx%3D1"


def test_what_a_filing_is_reads_in_the_page_language(site: Api) -> None:
    open_founding(site)  # the founding request waits on JA
    site.web_sign_in("approver", COUNTY)
    chinese = site.client.get("/ui/inbox").text
    assert "建会申请和筹备组（R-PREP-GROUP）" in chinese and "founding request and preparatory group" not in chinese
    site.client.cookies.set("uf_lang", "en")
    english = site.client.get("/ui/inbox").text
    assert "founding request and preparatory group (R-PREP-GROUP)" in english


@pytest.mark.parametrize(
    ("fields", "recorded"),
    [({}, None), ({"removal.total": "80", "removal.yes": "41"}, {"total": 80, "yes": 41})],
)
def test_the_vacancy_form_leaves_an_empty_removal_vote_out(
    site: Api, fields: dict[str, str], recorded: dict[str, int] | None
) -> None:
    """The removal vote is an optional group: left empty, the vacancy is recorded without one;
    filled in, R-REMOVAL checks it and the event keeps it."""
    drive(site, open_founding(site))
    site.web_sign_in("staff", "U1")
    page = site.client.get("/ui/unions/U1/open/by_election")
    assert page.status_code == 200 and 'name="removal.total"' in page.text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert csrf
    form = {"csrf": csrf.group(1), "acting_chair": "钱", "reason": "调离", "occurred_on": "2021-05-01", **fields}
    done = site.client.post("/ui/unions/U1/open/by_election", data=form, follow_redirects=False)
    assert done.status_code == 303, done.text[:2000]
    union = site.rt.service.load("U1")
    (proc,) = union.procedures_of("by_election")
    assert (proc.state, union.chair, union.acting_chair) == ("vacant", None, "钱")
    (vacancy,) = [r for r in site.rt.store.read_stream("org-U1") if r.event_type == "ChairVacancyRecorded"]
    removal = getattr(vacancy.event, "removal", None)
    assert (removal.model_dump() if removal is not None else None) == recorded


def _form_of(page: str) -> dict[str, str]:
    """The hidden fields and prefilled values of the one form on a page."""
    values = dict(re.findall(r'<input[^>]*name="([^"]+)" value="([^"]*)"', page))
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', body)
        values[name] = chosen.group(1) if chosen else ""
    return values


def test_only_the_unions_own_staff_are_offered_its_records(site: Api) -> None:
    drive(site, open_founding(site))
    site.web_sign_in("staff", "U1")
    page = site.client.get("/ui/unions/U1").text
    links = re.findall(r'href="/ui/unions/U1/record/([a-z-]+)"', page)
    assert links == ["facts", "congresses", "vice-chair-removals"]
    site.web_sign_in("approver", COUNTY)
    assert "/record/" not in site.client.get("/ui/unions/U1").text
    # A page reached anyway posts to the workflow, which checks authority again.
    form = _form_of(site.client.get("/ui/unions/U1/record/congresses").text)
    refused = site.client.post("/ui/unions/U1/record/congresses", data=form | {"present": "54", "agenda": "报告"})
    assert refused.status_code == 403 and "AUTH-ROLE" in refused.text  # as the API answers


def test_the_yearly_congress_is_recorded_from_the_union_page(site: Api) -> None:
    """R-ANNUAL with R-QUORUM on worked example 1's members' meeting of 80: the form offers the 80
    with a vote as those due; 53 present is refused and nothing is written, 54 (exactly 2/3) is
    recorded and the union's page shows it at once."""
    drive(site, open_founding(site))
    site.web_sign_in("staff", "U1")
    form = _form_of(site.client.get("/ui/unions/U1/record/congresses").text)
    assert form["due"] == "80" and form["occurred_on"] == TODAY.isoformat()
    version = site.rt.store.stream_version("org-U1")
    held_on = {"occurred_on": "2020-12-20", "agenda": "工会工作报告；经费审查报告"}
    refused = site.client.post("/ui/unions/U1/record/congresses", data=form | held_on | {"present": "53"})
    assert refused.status_code == 422
    # the Chinese page says the refusal in Chinese, with its numbers (the catalogue of messages)
    assert "R-QUORUM" in refused.text and "到会 53 人，应到 80 人；至少需要 54 人（三分之二）" in refused.text
    assert site.rt.store.stream_version("org-U1") == version
    done = site.client.post(
        "/ui/unions/U1/record/congresses", data=form | held_on | {"present": "54"}, follow_redirects=False
    )
    assert done.status_code == 303 and done.headers["location"] == "/ui/unions/U1?done=act.congresses"
    page = site.client.get(done.headers["location"]).text
    assert 'id="done"' in page and "2020-12-20" in page
    record = queries.union(site.rt.engine, "U1")
    assert record is not None and record.last_congress_on == dt.date(2020, 12, 20)


def test_a_vice_chairs_removal_is_recorded_from_the_union_page(site: Api) -> None:
    """R-REMOVAL: more than half of all 80 members; 40 is refused, 41 removes 钱, whom the form
    offered as the one vice-chair in office."""
    drive(site, open_founding(site))
    site.web_sign_in("staff", "U1")
    page = site.client.get("/ui/unions/U1/record/vice-chair-removals").text
    assert re.findall(r'<option value="([^"]+)"', page) == ["钱"]
    form = _form_of(page) | {"vice_chair": "钱", "reason": "会员大会罢免", "occurred_on": "2021-05-01"}
    assert form["removal.total"] == "80"
    refused = site.client.post("/ui/unions/U1/record/vice-chair-removals", data=form | {"removal.yes": "40"})
    assert refused.status_code == 422 and "R-REMOVAL" in refused.text
    assert site.rt.service.load("U1").vice_chairs == ["钱"]
    done = site.client.post(
        "/ui/unions/U1/record/vice-chair-removals", data=form | {"removal.yes": "41"}, follow_redirects=False
    )
    assert done.status_code == 303, done.text[:2000]
    assert site.rt.service.load("U1").vice_chairs == []
    record = queries.union(site.rt.engine, "U1")
    assert record is not None and record.vice_chairs == []
    # No vice-chair left: the union page no longer offers a removal.
    assert "vice-chair-removals" not in site.client.get("/ui/unions/U1").text


def test_the_units_facts_are_updated_from_the_union_page(site: Api) -> None:
    """The form starts from the facts on record; UNIT-COUNTS refuses more female members than
    members, naming the rule, and a consistent update shows on the page."""
    drive(site, open_founding(site))  # the founding recorded 80 members of 120 employees
    site.web_sign_in("staff", "U1")
    form = _form_of(site.client.get("/ui/unions/U1/record/facts").text)
    assert form["unit.members"] == "80" and form["unit.employees"] == "120"
    refused = site.client.post("/ui/unions/U1/record/facts", data=form | {"unit.female_members": "81"})
    assert refused.status_code == 422 and "UNIT-COUNTS" in refused.text
    done = site.client.post("/ui/unions/U1/record/facts", data=form | {"unit.members": "95"}, follow_redirects=False)
    assert done.status_code == 303
    assert site.rt.service.load("U1").unit.members == 95  # type: ignore[union-attr]
    record = queries.union(site.rt.engine, "U1")
    assert record is not None and record.members == 95


def test_every_form_field_has_a_label_in_both_languages() -> None:
    from api.requests import OPEN_REQUESTS, STEP_REQUESTS, UNION_REQUESTS
    from api.web import forms, i18n
    from api.web.pages.unions import union_action_fields
    from workflow.state import UnionState

    def keys(fields: tuple[forms.FormField, ...]) -> set[str]:
        return {k for f in fields for k in {f.key} | keys(f.children)}

    models = [*OPEN_REQUESTS.values(), *STEP_REQUESTS.values(), *UNION_REQUESTS.values()]
    wanted = set().union(*(keys(forms.fields_of(m)) for m in models))
    wanted |= keys(union_action_fields(UnionState(org_id="U1"), "vice-chair-removals"))
    missing = sorted(k for k in wanted if not i18n.has(f"field.{k}"))
    assert missing == []


def _acts(page: str) -> list[tuple[str, str]]:
    return re.findall(r'<a class="act" href="([^"]+)">([^<]+)</a>', page)


def test_staff_are_sent_from_a_no_annual_congress_alert_to_the_form_that_records_one(site: Api) -> None:
    """A-NO-ANNUAL-CONGRESS (R-ANNUAL): only the union's own staff get the link, and only for
    today's alerts (an alert on another date is history)."""
    drive(site, open_founding(site))  # founded in 2019; by TODAY years without a congress
    site.web_sign_in("staff", "U1")
    assert _acts(site.client.get("/ui/").text) == [("/ui/unions/U1/record/congresses", "登记年度会员（代表）大会")]
    assert "A-NO-ANNUAL-CONGRESS" in site.client.get("/ui/alerts?on=2021-06-01").text
    assert _acts(site.client.get("/ui/alerts?on=2021-06-01").text) == []
    site.web_sign_in("approver", COUNTY)
    assert "A-NO-ANNUAL-CONGRESS" in site.client.get("/ui/").text
    assert _acts(site.client.get("/ui/").text) == []


def test_approvers_are_sent_from_an_approval_pending_alert_to_their_inbox(site: Api) -> None:
    """A-APPROVAL-PENDING (R-APPROVER): the founding request of 2019 still waits on JA's approvers
    on TODAY. They get their inbox; the union's staff and the city's approvers, who see the alert
    too, do not."""
    pid = open_founding(site)
    pending = "/ui/alerts?kind=A-APPROVAL-PENDING&org=" + COUNTY
    site.web_sign_in("approver", COUNTY)
    page = site.client.get(pending).text
    assert pid in page and _acts(page) == [("/ui/inbox", "待批事项")]
    for role, org in (("staff", "U1"), ("approver", CITY)):
        site.web_sign_in(role, org)
        page = site.client.get(pending.replace(COUNTY, org)).text
        assert pid in page and _acts(page) == []
